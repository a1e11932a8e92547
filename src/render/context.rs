//! The template contract: the values every template receives, as `Serialize`
//! views borrowing from the `Library`. `docs/templates.md` documents every field
//! (a test holds it to these types); a change here is a change to every site's
//! overrides. [`super::views::Views`] builds them.

use serde::Serialize;

/// The generator string for pages, the feed and the export.
pub(crate) const GENERATOR: &str = concat!("debrief ", env!("CARGO_PKG_VERSION"));

/// `site` in every template.
#[derive(Debug, Serialize)]
pub(crate) struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// `<html lang>`.
    pub language: &'a str,
    /// Absolute base URL ending in `/`.
    pub base_url: &'a str,
    /// Its path, starting and ending in `/`.
    pub base_path: &'a str,
    /// `debrief x.y.z`.
    pub generator: &'static str,
}

/// A plain page as `nav` links it.
#[derive(Debug, Serialize)]
pub(crate) struct NavView<'a> {
    /// Page title.
    pub title: &'a str,
    /// Page path.
    pub url: String,
}

/// `assets`: the paths of the built-in style sheet and script.
#[derive(Debug, Serialize)]
pub(crate) struct AssetsView {
    /// `debrief.css`.
    pub css: String,
    /// `debrief.js`.
    pub js: String,
}

/// A severity with its count and page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SeverityView<'a> {
    /// Key as configured.
    pub key: &'a str,
    /// Badge label.
    pub label: &'a str,
    /// Emoji.
    pub emoji: &'a str,
    /// CSS colour.
    pub color: &'a str,
    /// Meaning.
    pub description: &'a str,
    /// 1 = most severe.
    pub rank: usize,
    /// Published incidents.
    pub count: usize,
    /// Page path.
    pub url: String,
}

/// How many incidents of a set have one severity (`by_severity` lists).
#[derive(Debug, Serialize)]
pub(crate) struct SeverityCountView<'a> {
    /// The severity.
    pub severity: &'a SeverityView<'a>,
    /// Incidents of the set with it.
    pub count: u64,
}

/// A reference to a component, tag or organization page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LinkView<'a> {
    /// Name shown.
    pub name: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
}

/// An incident as lists of lessons and action items name it: few fields, so that
/// the pages listing every lesson or action item of a large library stay small.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BriefView<'a> {
    /// URL slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
    /// Title.
    pub title: &'a str,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The year of `date`.
    pub year: i16,
    /// Its severity.
    pub severity: &'a SeverityView<'a>,
}

/// An incident as it appears in lists.
#[derive(Debug, Serialize)]
pub(crate) struct SummaryView<'a> {
    /// URL slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Title.
    pub title: &'a str,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The year of `date`.
    pub year: i16,
    /// Its severity.
    pub severity: &'a SeverityView<'a>,
    /// Who had it.
    pub organization: Option<LinkView<'a>>,
    /// Components involved, in written order.
    pub components: Vec<LinkView<'a>>,
    /// Tags.
    pub tags: Vec<LinkView<'a>>,
    /// Plain text: as written, else the body's first paragraph.
    pub summary: &'a str,
    /// Whether it is a draft (shown only with `--drafts`).
    pub draft: bool,
    /// `public` or `internal`.
    pub visibility: &'static str,
    /// How it was noticed, as shown: `Alert` for `alert`, other text as written.
    pub detected_by: Option<String>,
    /// The same as a filter value: `detected_by` slugified.
    pub detected_by_value: Option<String>,
    /// Nothing broke, but it nearly did.
    pub near_miss: bool,
}

/// An incident with everything its own page shows: its summary and more.
#[derive(Debug, Serialize)]
pub(crate) struct IncidentView<'a> {
    /// The fields every list shows.
    #[serde(flatten)]
    pub summary: SummaryView<'a>,
    /// Who or what was affected.
    pub impact: Option<&'a str>,
    /// Authors.
    pub authors: &'a [String],
    /// Link to the original write-up.
    pub source: Option<&'a str>,
    /// The rendered body, safe to embed: rendered for this page when the library
    /// does not hold it.
    pub body_html: std::borrow::Cow<'a, str>,
    /// The body's headings.
    pub toc: Vec<TocEntryView<'a>>,
    /// Lessons, each with its themes.
    pub lessons: Vec<LessonView<'a>>,
    /// Contributing factors, each with its themes.
    pub factors: Vec<LessonView<'a>>,
    /// Where luck helped.
    pub lucky: &'a [String],
    /// The nearest earlier incidents this one repeats, nearest first.
    pub repeats: Vec<RepeatView<'a>>,
    /// How many earlier incidents it repeats in all.
    pub repeat_count: usize,
    /// The nearest later incidents that repeat this one, nearest first.
    pub repeated_by: Vec<RepeatView<'a>>,
    /// How many later incidents repeat it in all.
    pub repeated_by_count: usize,
    /// Action items.
    pub action_items: Vec<ActionView<'a>>,
    /// Timeline, in the order written.
    pub timeline: Vec<TimelineEntryView<'a>>,
    /// When it started, was detected, mitigated and resolved.
    pub times: TimesView,
    /// How long detection, mitigation and resolution took.
    pub durations: DurationsView,
    /// The front-matter's free-form `extra` map.
    pub extra: &'a serde_json::Value,
}

/// A heading of a body, for a table of contents.
#[derive(Debug, Serialize)]
pub(crate) struct TocEntryView<'a> {
    /// 1 to 6.
    pub level: u8,
    /// Its anchor.
    pub id: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// One timeline entry.
#[derive(Debug, Serialize)]
pub(crate) struct TimelineEntryView<'a> {
    /// For display, in the site's time zone: `2023-02-07 09:12 UTC`.
    pub at: String,
    /// RFC 3339, for `<time datetime>`.
    pub datetime: String,
    /// What happened.
    pub text: &'a str,
}

/// An instant, as the timeline shows it.
#[derive(Debug, Serialize)]
pub(crate) struct MomentView {
    /// For display, in the site's time zone.
    pub at: String,
    /// RFC 3339.
    pub datetime: String,
}

/// `incident.times`.
#[derive(Debug, Serialize)]
pub(crate) struct TimesView {
    /// When it started.
    pub started: Option<MomentView>,
    /// When it was detected.
    pub detected: Option<MomentView>,
    /// When it was mitigated.
    pub mitigated: Option<MomentView>,
    /// When it was resolved.
    pub resolved: Option<MomentView>,
}

/// A number of minutes, and the same in words.
#[derive(Debug, Serialize)]
pub(crate) struct DurationView {
    /// Whole minutes.
    pub minutes: i64,
    /// `2 h 53 min`.
    pub text: String,
}

/// `incident.durations`: minutes from the start.
#[derive(Debug, Serialize)]
pub(crate) struct DurationsView {
    /// To detection.
    pub detect: Option<DurationView>,
    /// To mitigation.
    pub mitigate: Option<DurationView>,
    /// To resolution.
    pub resolve: Option<DurationView>,
}

/// `{key, label, url}` of a lesson theme.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ThemeRefView<'a> {
    /// Key used in front-matter and URLs.
    pub key: &'a str,
    /// Heading.
    pub label: &'a str,
    /// Page path.
    pub url: String,
}

/// A lesson. Which fields it has depends on the list: the lessons index leaves
/// out `themes`, a group under its incident leaves out `incident`, and only a
/// theme's page has `other_themes`.
#[derive(Debug, Serialize)]
pub(crate) struct LessonView<'a> {
    /// What was learned.
    pub text: &'a str,
    /// Its themes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub themes: Option<Vec<ThemeRefView<'a>>>,
    /// Its incident.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<BriefView<'a>>,
    /// Its themes but the one of the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_themes: Option<Vec<ThemeRefView<'a>>>,
}

/// One incident repeating another (SPEC §10), on the page of either.
#[derive(Debug, Serialize)]
pub(crate) struct RepeatView<'a> {
    /// The other incident.
    pub incident: BriefView<'a>,
    /// Days between the two incidents' dates.
    pub days: i32,
    /// The components both name.
    pub components: Vec<LinkView<'a>>,
    /// The themes both have, `other` aside.
    pub themes: Vec<ThemeRefView<'a>>,
    /// The earlier incident's action items, each with whether it was done before
    /// the later one.
    pub actions: Vec<RepeatActionView<'a>>,
}

/// An action item of the earlier incident of a repeat.
#[derive(Debug, Serialize)]
pub(crate) struct RepeatActionView<'a> {
    /// What to do.
    pub text: &'a str,
    /// Its status.
    pub status: &'static str,
    /// `YYYY-MM-DD`, when done and recorded.
    pub done_on: Option<String>,
    /// `done-before` (done before the later incident's date), `done-after`,
    /// `done-undated` (done, no `done_on`), `not-done` or `wont-do`.
    pub state: &'static str,
    /// The state in words.
    pub state_label: String,
}

/// The lessons of one incident, on a component's page.
#[derive(Debug, Serialize)]
pub(crate) struct LessonGroupView<'a> {
    /// The incident.
    pub incident: BriefView<'a>,
    /// Its lessons, without `incident`.
    pub lessons: Vec<LessonView<'a>>,
}

/// An action item; in the list of every action item, with its incident.
#[derive(Debug, Serialize)]
pub(crate) struct ActionView<'a> {
    /// What to do.
    pub text: &'a str,
    /// Who owns it.
    pub owner: Option<&'a str>,
    /// `open`, `in-progress`, `done` or `wont-do`.
    pub status: &'static str,
    /// The status as words.
    pub status_label: &'static str,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// A link to a ticket.
    pub link: Option<&'a str>,
    /// `YYYY-MM-DD`: when it was done.
    pub done_on: Option<String>,
    /// Days from the incident's date to `done_on`.
    pub days_to_done: Option<i32>,
    /// For a done item: the nearest later repeat of its incident that came after
    /// the item was done.
    pub repeat_after: Option<BriefView<'a>>,
    /// Its incident (only in `actions` and `action_groups`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<BriefView<'a>>,
}

/// The action items of one status.
#[derive(Debug, Serialize)]
pub(crate) struct ActionGroupView<'a> {
    /// The status.
    pub status: &'static str,
    /// The status as words.
    pub label: &'static str,
    /// How many items have it, on every page.
    pub count: usize,
    /// The page where its items begin, with the anchor of their section.
    pub url: String,
    /// The items of this page, in the order of `actions`.
    pub items: Vec<&'a ActionView<'a>>,
}

/// A component with its counts by severity.
#[derive(Debug, Serialize)]
pub(crate) struct ComponentView<'a> {
    /// Name shown.
    pub name: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
    /// Its configured category.
    pub category: Option<&'a str>,
    /// The category as a slug.
    pub category_slug: Option<String>,
    /// The category as a heading.
    pub category_label: Option<String>,
    /// Its configured description.
    pub description: Option<&'a str>,
    /// Its configured aliases.
    pub aliases: &'a [String],
    /// Incidents that name it.
    pub count: usize,
    /// Lessons of those incidents.
    pub lessons: usize,
    /// Those incidents per severity.
    pub by_severity: Vec<SeverityCountView<'a>>,
}

/// The components of one category.
#[derive(Debug, Serialize)]
pub(crate) struct ComponentGroupView<'a> {
    /// The category; `None` for the uncategorised.
    pub category: Option<&'a str>,
    /// The section's anchor.
    pub id: String,
    /// The heading.
    pub label: String,
    /// Its components, by name.
    pub components: Vec<ComponentView<'a>>,
    /// Distinct incidents of the group.
    pub incidents: usize,
    /// Those incidents per severity.
    pub by_severity: Vec<SeverityCountView<'a>>,
}

/// A tag or organization.
#[derive(Debug, Serialize)]
pub(crate) struct TermView<'a> {
    /// Name shown.
    pub name: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
    /// Incidents that name it.
    pub count: usize,
}

/// A lesson theme with its counts.
#[derive(Debug, Serialize)]
pub(crate) struct ThemeView<'a> {
    /// Key, label and page.
    #[serde(flatten)]
    pub theme: ThemeRefView<'a>,
    /// Lessons in it.
    pub count: usize,
    /// Its configured keywords.
    pub keywords: &'a [String],
    /// Distinct incidents its lessons come from.
    pub incidents: usize,
    /// Those incidents per severity.
    pub by_severity: Vec<SeverityCountView<'a>>,
    /// Contributing factors in it.
    pub factor_count: usize,
    /// Its lessons (only on the lessons index).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lessons: Option<Vec<LessonView<'a>>>,
    /// Its contributing factors (only on the factors page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factors: Option<Vec<LessonView<'a>>>,
}

/// The filters of the index page.
#[derive(Debug, Serialize)]
pub(crate) struct FacetsView<'a> {
    /// Severities with incidents.
    pub severities: Vec<FacetView<'a>>,
    /// Components.
    pub components: Vec<FacetView<'a>>,
    /// Tags.
    pub tags: Vec<FacetView<'a>>,
    /// Years, newest first.
    pub years: Vec<FacetView<'a>>,
    /// How incidents were noticed: the values SPEC §10 names first, then others.
    pub detected_by: Vec<FacetView<'a>>,
    /// Near misses: one value, `yes`, when there is any.
    pub near_miss: Vec<FacetView<'a>>,
}

/// One value of a filter.
#[derive(Debug, Serialize)]
pub(crate) struct FacetView<'a> {
    /// The value matched against the list's `data-` attributes.
    pub value: std::borrow::Cow<'a, str>,
    /// The text shown.
    pub label: std::borrow::Cow<'a, str>,
    /// Incidents with it.
    pub count: usize,
    /// The page of that value (none for years).
    pub url: Option<String>,
}

/// A plain page.
#[derive(Debug, Serialize)]
pub(crate) struct PageView<'a> {
    /// Title.
    pub title: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
    /// The rendered body, safe to embed.
    pub body_html: &'a str,
    /// The body's headings.
    pub toc: Vec<TocEntryView<'a>>,
}

/// A category as a heading: a key written in lowercase with hyphens or
/// underscores (`managed-kubernetes`) reads as words (`Managed kubernetes`);
/// anything else is shown as written.
pub(crate) fn category_label(category: &str) -> String {
    if category.contains(' ') || category.chars().any(char::is_uppercase) {
        return category.to_string();
    }
    let words = category.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `2023-02-07 09:12 UTC`, in the site's time zone.
pub(crate) fn display_time(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

impl DurationView {
    /// Whole minutes, and the same in words.
    pub(crate) fn from_minutes(minutes: i64) -> DurationView {
        DurationView {
            minutes,
            text: duration_text(minutes),
        }
    }
}

/// Minutes in words: `45 min`, `2 h 53 min`, `3 d 4 h`.
pub(crate) fn duration_text(minutes: i64) -> String {
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} d"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} min"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(0), "0 min");
        assert_eq!(duration_text(45), "45 min");
        assert_eq!(duration_text(173), "2 h 53 min");
        assert_eq!(duration_text(120), "2 h");
        assert_eq!(duration_text(1440 + 61), "1 d 1 h 1 min");
    }

    #[test]
    fn category_keys_read_as_words() {
        assert_eq!(category_label("managed-kubernetes"), "Managed kubernetes");
        assert_eq!(
            category_label("infrastructure_as_code"),
            "Infrastructure as code"
        );
        assert_eq!(category_label("Storage"), "Storage");
        assert_eq!(category_label("AWS-native"), "AWS-native");
        assert_eq!(category_label("édition"), "Édition");
        assert_eq!(category_label(""), "");
    }

    #[test]
    fn display_time_uses_the_zone() {
        let ts: jiff::Timestamp = "2023-02-07T09:12:00Z".parse().unwrap();
        assert_eq!(
            display_time(ts, &jiff::tz::TimeZone::UTC),
            "2023-02-07 09:12 UTC"
        );
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(display_time(ts, &berlin), "2023-02-07 10:12 CET");
    }
}

/// Where one page of a paginated list is among the others.
#[derive(Debug, Serialize)]
pub(crate) struct PaginationView {
    /// This page's number, from 1.
    pub page: u32,
    /// How many pages the list takes.
    pub pages: u32,
    /// How many items the list has in all.
    pub total: usize,
    /// The position of this page's first item in the list, from 1.
    pub first: usize,
    /// The position of its last item.
    pub last: usize,
    /// The path of the page before, if any.
    pub previous: Option<String>,
    /// The path of the page after, if any.
    pub next: Option<String>,
    /// Every page of the list.
    pub links: Vec<PageLinkView>,
}

/// A link to one page of a paginated list.
#[derive(Debug, Serialize)]
pub(crate) struct PageLinkView {
    /// Its number, from 1.
    pub number: u32,
    /// Its path.
    pub url: String,
    /// Whether it is the page being rendered.
    pub current: bool,
    /// Whether pages between the one linked before it and this one are left out.
    pub gap_before: bool,
}
