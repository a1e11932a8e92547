//! What each kind of page hands its template: one context type per page kind,
//! each the shared [`BaseContext`] plus its own variables. `docs/templates.md`
//! lists them by template; a test holds the two together.

use serde::Serialize;

use super::context::{
    ActionGroupView, ActionView, AssetsView, ComponentGroupView, ComponentView, FacetsView,
    IncidentView, LessonGroupView, LessonView, NavView, PageView, PaginationView, SeverityView,
    SiteView, SummaryView, TermView, ThemeView,
};
use super::stats::StatsView;

/// The variables every template receives.
#[derive(Debug, Serialize)]
pub(crate) struct BaseContext<'a> {
    /// The site.
    pub site: SiteView<'a>,
    /// The plain pages, in navigation order.
    pub nav: &'a [NavView<'a>],
    /// Every severity, most severe first.
    pub severities: &'a [SeverityView<'a>],
    /// The path of the page being rendered.
    pub current_url: String,
    /// The absolute URL of the page being rendered.
    pub permalink: String,
    /// The path of the syntax highlighting style sheet.
    pub highlight_css_url: &'a str,
    /// The paths of the built-in assets.
    pub assets: &'a AssetsView,
}

/// `index.html`: the home page and `/incidents/`.
#[derive(Debug, Serialize)]
pub(crate) struct IndexContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// Every incident, newest first.
    pub incidents: Vec<SummaryView<'a>>,
    /// The filters.
    pub facets: &'a FacetsView<'a>,
}

/// `incident.html`.
#[derive(Debug, Serialize)]
pub(crate) struct IncidentContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The incident.
    pub incident: IncidentView<'a>,
    /// Related incidents, most related first.
    pub related: Vec<SummaryView<'a>>,
    /// The incident just older.
    pub previous: Option<SummaryView<'a>>,
    /// The incident just newer.
    pub next: Option<SummaryView<'a>>,
    /// How many days apart a repeat may be.
    pub repeat_window_days: u32,
}

/// `severity.html`.
#[derive(Debug, Serialize)]
pub(crate) struct SeverityContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The severity.
    pub severity: &'a SeverityView<'a>,
    /// Its incidents, newest first (this page's).
    pub incidents: Vec<SummaryView<'a>>,
    /// Which page of the list this is, when it takes several.
    pub pagination: Option<PaginationView>,
}

/// `components.html`.
#[derive(Debug, Serialize)]
pub(crate) struct ComponentsContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// Every component, by slug.
    pub components: Vec<ComponentView<'a>>,
    /// The components by category.
    pub component_groups: Vec<ComponentGroupView<'a>>,
}

/// `component.html`.
#[derive(Debug, Serialize)]
pub(crate) struct ComponentContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The component.
    pub component: ComponentView<'a>,
    /// Its incidents, newest first (this page's).
    pub incidents: Vec<SummaryView<'a>>,
    /// The lessons of those incidents.
    pub lessons: Vec<LessonView<'a>>,
    /// The same lessons by incident.
    pub lesson_groups: Vec<LessonGroupView<'a>>,
    /// How many lessons all its incidents have, on every page.
    pub lesson_count: usize,
    /// Which page of the list this is, when it takes several.
    pub pagination: Option<PaginationView>,
}

/// `lessons.html`.
#[derive(Debug, Serialize)]
pub(crate) struct LessonsContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// Every used theme, with its lessons.
    pub themes: Vec<ThemeView<'a>>,
    /// Lessons in the library.
    pub lesson_count: usize,
    /// Incidents with lessons.
    pub incident_count: usize,
}

/// `theme.html`.
#[derive(Debug, Serialize)]
pub(crate) struct ThemeContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The theme.
    pub theme: ThemeView<'a>,
    /// Its lessons, newest incident first (this page's).
    pub lessons: Vec<LessonView<'a>>,
    /// Its contributing factors, newest incident first (this page's).
    pub factors: Vec<LessonView<'a>>,
    /// Which page of the list this is, when it takes several.
    pub pagination: Option<PaginationView>,
}

/// `factors.html`.
#[derive(Debug, Serialize)]
pub(crate) struct FactorsContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// Every theme with factors, with them.
    pub themes: Vec<ThemeView<'a>>,
    /// Contributing factors in the library.
    pub factor_count: usize,
    /// Incidents with contributing factors.
    pub incident_count: usize,
}

/// `tag.html`.
#[derive(Debug, Serialize)]
pub(crate) struct TagContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The tag.
    pub tag: TermView<'a>,
    /// Its incidents, newest first (this page's).
    pub incidents: Vec<SummaryView<'a>>,
    /// Which page of the list this is, when it takes several.
    pub pagination: Option<PaginationView>,
}

/// `organization.html`.
#[derive(Debug, Serialize)]
pub(crate) struct OrganizationContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The organization.
    pub organization: TermView<'a>,
    /// Its incidents, newest first (this page's).
    pub incidents: Vec<SummaryView<'a>>,
    /// Which page of the list this is, when it takes several.
    pub pagination: Option<PaginationView>,
}

/// `actions.html`.
#[derive(Debug, Serialize)]
pub(crate) struct ActionsContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The action items of this page (all of them unless paginated).
    pub actions: &'a [ActionView<'a>],
    /// The same items by status.
    pub action_groups: Vec<ActionGroupView<'a>>,
    /// Where this page is among the pages of action items; absent on one page.
    pub pagination: Option<PaginationView>,
}

/// `stats.html`.
#[derive(Debug, Serialize)]
pub(crate) struct StatsContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The figures and charts.
    pub stats: StatsView<'a>,
}

/// `search.html`.
#[derive(Debug, Serialize)]
pub(crate) struct SearchContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The path of the search index's head.
    pub search_index_url: String,
}

/// `page.html`.
#[derive(Debug, Serialize)]
pub(crate) struct PageContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The page.
    pub page: PageView<'a>,
}

/// `404.html`.
#[derive(Debug, Serialize)]
pub(crate) struct NotFoundContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
}

/// `atom.xml`.
#[derive(Debug, Serialize)]
pub(crate) struct FeedContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The newest incidents.
    pub incidents: Vec<SummaryView<'a>>,
    /// The date of the newest, as an RFC 3339 instant.
    pub updated: String,
}

/// `sitemap.xml`.
#[derive(Debug, Serialize)]
pub(crate) struct SitemapContext<'a> {
    /// Shared variables.
    #[serde(flatten)]
    pub base: BaseContext<'a>,
    /// The permalink of every page.
    pub urls: &'a [String],
}
