//! Rendering: the library through Tera templates into a `Plan`, the list of
//! every output file with its bytes. Nothing is written here.
//!
//! The built-in templates are registered first and a site's own templates of
//! the same name replace them. Pages render in parallel from borrowed views.

mod charts;
mod context;
mod export;
mod learning;
mod page_context;
pub mod plan;
mod search;
mod stats;
mod template_errors;
mod template_loops;
mod views;

#[cfg(test)]
mod template_docs;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;
use serde_json::Value;
use tera::Tera;

use crate::config::{CONFIG_FILE, Config};
pub use crate::content::SiteTheme;
use crate::diag::{Diagnostic, Diagnostics, Location, expected_one_of, nearest_help};
use crate::embedded;
use crate::library::urls::{file_for, rel};
use crate::library::{
    ComponentIx, IncidentIx, Library, OrganizationIx, PageIx, PublishedFile, SeverityIx, TagIx,
    ThemeIx,
};
use crate::markdown::highlight;
use crate::progress::{Progress, Stage};
use context::{AssetsView, NavView, PageLinkView, PaginationView};
use page_context::{
    ActionsContext, BaseContext, ComponentContext, ComponentsContext, FactorsContext, FeedContext,
    IncidentContext, IndexContext, LessonsContext, NotFoundContext, OrganizationContext,
    PageContext, SearchContext, SeverityContext, SitemapContext, StatsContext, TagContext,
    ThemeContext,
};
pub use plan::{OutputFile, Plan};
use template_errors::Sources;
use views::Views;

/// How many incidents the feed carries.
const FEED_SIZE: usize = 50;

/// The loaded templates, with their sources for locating problems.
#[derive(Debug)]
pub struct Templates {
    /// The engine, with every template registered.
    pub tera: Tera,
    sources: Sources,
}

/// Loads the templates, built-in then the site's, reporting every template that
/// does not parse, that extends or includes one that does not exist, or that
/// includes itself in a loop. Returns `None` when any is broken.
pub fn load_templates(theme: &SiteTheme, diags: &mut Diagnostics) -> Option<Templates> {
    let mut sources = Sources::default();
    for (name, text) in embedded::TEMPLATES {
        sources.insert(name, text, format!("templates/{name} (built-in)"));
    }
    for (name, text) in &theme.templates {
        sources.insert(name, text, format!("templates/{name}"));
    }
    let names = sources.names();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    // Tera's own escaping also writes every `/` as `&#x2F;`, which HTML does not
    // need: on a page listing every incident it was a sixth of the bytes.
    tera.set_escape_fn(crate::html::escape_html);
    tera.register_filter("json_attr", json_attr);
    let list: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (*n, sources.text(n).unwrap_or_default()))
        .collect();
    if let Err(e) = tera.add_raw_templates(list) {
        // Each template that does not parse is reported; when all do, what links
        // them (an `extends` or `include` of a missing template) is.
        let mut parsed = true;
        for name in &names {
            let text = sources.text(name).unwrap_or_default();
            if let Err(e) = tera::Template::new(name, None, text) {
                parsed = false;
                diags.push(template_errors::parse_error(&sources, name, &e));
            }
        }
        if parsed {
            diags.push(template_errors::link_error(&sources, &e));
        }
        return None;
    }
    let mut problems = template_loops::check_includes(&tera, &sources);
    problems.extend(template_loops::check_macro_recursion(&tera, &sources));
    if !problems.is_empty() {
        for p in problems {
            diags.push(p);
        }
        return None;
    }
    Some(Templates { tera, sources })
}

/// Serialises a value as JSON for an attribute or a JSON script block. Tera's
/// autoescape then escapes it for HTML; `<` is escaped inside the JSON too so the
/// value can never close a `<script>` element.
fn json_attr(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = serde_json::to_string(value).map_err(|e| tera::Error::msg(e.to_string()))?;
    Ok(Value::String(
        text.replace('<', "\\u003c").replace('>', "\\u003e"),
    ))
}

/// What one output page is.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Incidents,
    Incident(IncidentIx),
    /// A list's page: its number counts from 0, the first at the list's own URL.
    Severity(SeverityIx, u32),
    Components,
    Component(ComponentIx, u32),
    Lessons,
    Theme(ThemeIx, u32),
    Factors,
    Tag(TagIx, u32),
    Organization(OrganizationIx, u32),
    /// A page of the action items, in [`Prepared::actions`] order.
    Actions(u32),
    Stats,
    Search,
    Page(PageIx),
    NotFound,
    Feed,
    Sitemap,
}

/// One file of the site, made when it is wanted: a page renders through its
/// template, the files that need no template come ready.
pub enum SiteFile<'r> {
    /// Page `index` of `renderer`.
    Page {
        /// The renderer of the site.
        renderer: &'r SiteRenderer<'r>,
        /// The page's number.
        index: usize,
    },
    /// `/incidents.json`, written as it is serialised.
    Export(&'r SiteRenderer<'r>),
    /// A file made without a template (the search index, assets).
    Data(OutputFile),
    /// A file of `content/` that a page links, copied as it is.
    Copy(&'r PublishedFile),
}

impl SiteFile<'_> {
    /// Where the file goes, under the output root.
    pub fn path(&self) -> String {
        match self {
            SiteFile::Page { renderer, index } => renderer.page_path(*index),
            SiteFile::Export(_) => rel::EXPORT.to_string(),
            SiteFile::Data(file) => file.path.clone(),
            SiteFile::Copy(file) => file.rel.clone(),
        }
    }

    /// Whether the file is a page that lists all or most of the library: worth
    /// writing as it renders rather than holding it whole (the lessons index of a
    /// large library is tens of megabytes).
    pub fn is_large(&self) -> bool {
        match self {
            SiteFile::Page { renderer, index } => renderer.is_heavy(*index),
            // Hundreds of megabytes at 100,000 incidents.
            SiteFile::Export(_) => true,
            SiteFile::Data(_) => false,
            // Copied through a buffer, never held whole.
            SiteFile::Copy(_) => true,
        }
    }

    /// Renders the file into `out` as it goes.
    pub fn write_to(&self, out: &mut dyn Write) -> Rendered {
        match self {
            SiteFile::Page { renderer, index } => renderer.render_page_to(*index, out),
            SiteFile::Export(renderer) => renderer
                .write_export(out)
                .map_err(|e| Box::new(PageFailure::write(rel::EXPORT, &e))),
            SiteFile::Data(file) => out
                .write_all(&file.bytes)
                .map_err(|e| Box::new(PageFailure::write(&file.path, &e))),
            SiteFile::Copy(file) => std::fs::File::open(&file.source)
                .and_then(|mut source| std::io::copy(&mut source, out))
                .map(drop)
                .map_err(|e| Box::new(PageFailure::copy(file, &e))),
        }
    }

    /// Renders the file into memory.
    pub fn into_output(self) -> Result<OutputFile, Box<PageFailure>> {
        match self {
            SiteFile::Page { renderer, index } => renderer.render_page(index),
            SiteFile::Export(renderer) => Ok(renderer.export_file()),
            SiteFile::Data(file) => Ok(file),
            SiteFile::Copy(file) => match std::fs::read(&file.source) {
                Ok(bytes) => Ok(OutputFile {
                    path: file.rel.clone(),
                    bytes,
                }),
                Err(e) => Err(Box::new(PageFailure::copy(file, &e))),
            },
        }
    }
}

/// What taking one file gives: nothing, or why the file could not be made.
pub type Rendered = Result<(), Box<PageFailure>>;

/// Hands every file of the site to `take`: the pages first, rendered in parallel,
/// then the files that need no template (a later file replaces an earlier one of
/// the same path). Pages that fail are reported in `diags`, once per mistake.
pub fn render_each(
    renderer: &SiteRenderer<'_>,
    progress: &dyn Progress,
    diags: &mut Diagnostics,
    take: &(dyn Fn(SiteFile<'_>) -> Rendered + Sync),
) {
    progress.stage_started(Stage::Render);
    let started = Instant::now();
    for_each_page(renderer, progress, diags, take);
    for file in &renderer.library.files {
        if let Err(failure) = take(SiteFile::Copy(file)) {
            report_failures([*failure], diags);
        }
    }
    if let Err(failure) = take(SiteFile::Export(renderer)) {
        report_failures([*failure], diags);
    }
    for file in renderer.data_files(diags) {
        if let Err(failure) = take(SiteFile::Data(file)) {
            report_failures([*failure], diags);
        }
    }
    progress.stage_done(Stage::Render, started.elapsed());
}

/// The pages that `debrief check` renders: those whose template is, extends,
/// includes or imports one of the site's own templates, since only those can fail
/// on a valid library.
pub fn prepared_for_check(
    library: &Library,
    config: &Config,
    theme: &SiteTheme,
    templates: &Templates,
) -> Prepared {
    let own: Vec<&str> = theme
        .templates
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    let involved = template_loops::dependents(&templates.tera, &own);
    Prepared::with_pages(library, config, |job| involved.contains(job.template()))
}

/// Renders every page of `renderer` into nothing and checks the highlighting
/// themes: the problems `debrief build` would find while rendering.
pub fn check_pages(renderer: &SiteRenderer<'_>, progress: &dyn Progress, diags: &mut Diagnostics) {
    progress.stage_started(Stage::Render);
    let started = Instant::now();
    for_each_page(renderer, progress, diags, &|file| {
        file.write_to(&mut std::io::sink())
    });
    renderer.highlight_css(diags);
    progress.stage_done(Stage::Render, started.elapsed());
}

/// Hands every page of `renderer` to `take`, in parallel, and reports failures.
fn for_each_page(
    renderer: &SiteRenderer<'_>,
    progress: &dyn Progress,
    diags: &mut Diagnostics,
    take: &(dyn Fn(SiteFile<'_>) -> Rendered + Sync),
) {
    if renderer.page_count() > 0 {
        renderer.library.find_lists();
    }
    progress.render_started(renderer.page_count());
    let page = |index: usize| take(SiteFile::Page { renderer, index });
    // Pages that list all or most incidents or lessons hold large contexts while
    // they render: they go one at a time on one thread while the other pages share
    // the rest, so that no two of them are in memory at once. The other pages are
    // handed out a few at a time, so that the thread done first takes over part of
    // the other's share: a component's page costs as much as a hundred incidents'.
    let (heavy, light): (Vec<usize>, Vec<usize>) =
        (0..renderer.page_count()).partition(|&i| renderer.is_heavy(i));
    let (mut failures, light_failures): (Vec<Numbered<PageFailure>>, Vec<Numbered<PageFailure>>) =
        rayon::join(
            || {
                heavy
                    .iter()
                    .filter_map(|&i| {
                        let result = page(i);
                        progress.page_rendered();
                        result.err().map(|f| (i, *f))
                    })
                    .collect()
            },
            || {
                light
                    .par_iter()
                    .with_max_len(16)
                    .filter_map(|&i| {
                        let result = page(i);
                        progress.page_rendered();
                        result.err().map(|f| (i, *f))
                    })
                    .collect()
            },
        );
    failures.extend(light_failures);
    failures.sort_unstable_by_key(|(i, _)| *i);
    report_failures(failures.into_iter().map(|(_, f)| f), diags);
}

/// A page that did not render: the problem, and the page it happened on.
#[derive(Debug, Clone)]
pub struct PageFailure {
    diagnostic: Diagnostic,
    page: String,
}

impl PageFailure {
    /// The failure to write page `path` (under the output root) as it rendered.
    pub fn write(path: &str, error: &std::io::Error) -> PageFailure {
        PageFailure {
            diagnostic: Diagnostic::error(
                Location::file(format!("/{path}")),
                format!("could not write the page: {error}"),
            ),
            page: format!("/{path}"),
        }
    }

    /// The failure to copy a file that a page links (read between loading and
    /// writing, or removed meanwhile).
    pub fn copy(file: &PublishedFile, error: &std::io::Error) -> PageFailure {
        PageFailure {
            diagnostic: Diagnostic::error(
                Location::file(&file.path),
                format!("could not copy the file into the site: {error}"),
            ),
            page: format!("/{}", file.rel),
        }
    }

    /// The failure to read the body of the incident in file `path` again for its
    /// page at `location`.
    pub fn body(path: &str, location: &str, message: String) -> PageFailure {
        PageFailure {
            diagnostic: Diagnostic::error(Location::file(path), message),
            page: format!("/{location}"),
        }
    }

    /// The failure of the page at `location` (relative to the site root) whose
    /// rendering stopped on an internal error rather than a template problem.
    pub fn internal(location: &str) -> PageFailure {
        PageFailure {
            diagnostic: Diagnostic::error(
                Location::file(format!("/{location}")),
                "rendering stopped on an internal error",
            ),
            page: format!("/{location}"),
        }
    }
}

/// Reports template failures, in page order: one template mistake fails every page
/// that uses it, so it is reported once, with the first page and how many more.
pub fn report_failures(failures: impl IntoIterator<Item = PageFailure>, diags: &mut Diagnostics) {
    let mut grouped: BTreeMap<(String, String), (Diagnostic, String, usize)> = BTreeMap::new();
    for PageFailure {
        diagnostic: d,
        page,
    } in failures
    {
        let key = (d.location.to_string(), d.message.clone());
        grouped
            .entry(key)
            .and_modify(|(_, _, more)| *more += 1)
            .or_insert((d, page, 0));
    }
    for (_, (mut d, page, more)) in grouped {
        d.message = match more {
            0 => format!("{} (rendering {page})", d.message),
            n => format!(
                "{} (rendering {page} and {n} more page{})",
                d.message,
                if n == 1 { "" } else { "s" }
            ),
        };
        diags.push(d);
    }
}

/// What every page of a library shares, computed once: the list of pages, where
/// each goes, and the sitemap's list. Owns its data, so that a [`SiteRenderer`] can
/// be made from it again whenever pages are wanted.
#[derive(Debug)]
pub struct Prepared {
    jobs: Vec<Job>,
    /// Every action item as (incident, item number), in the order the action items
    /// pages list them.
    actions: Vec<(IncidentIx, usize)>,
    /// The location of each job's page, relative to the site root.
    locations: Vec<String>,
    sitemap_urls: Vec<String>,
}

impl Prepared {
    /// Lists the pages of `library` and computes what they share.
    pub fn new(library: &Library, config: &Config) -> Prepared {
        Prepared::with_pages(library, config, |_| true)
    }

    /// [`Prepared::new`], keeping only the pages for which `wanted` holds (for a
    /// check; the sitemap still lists every page).
    fn with_pages(library: &Library, config: &Config, wanted: impl Fn(Job) -> bool) -> Prepared {
        let urls = &library.urls;
        let per = config.paginate_by;
        let mut jobs = vec![Job::Home, Job::Incidents];
        jobs.extend(library.incidents.ids().map(Job::Incident));
        for (s, list) in library.by_severity.indexed() {
            jobs.extend((0..page_count(list.len(), per)).map(|k| Job::Severity(s, k)));
        }
        jobs.push(Job::Components);
        for (c, term) in library.components.indexed() {
            let pages = page_count(term.incidents.len(), per);
            jobs.extend((0..pages).map(|k| Job::Component(c, k)));
        }
        jobs.push(Job::Lessons);
        for (t, theme) in library.themes_with_pages() {
            let pages = page_count(theme.lessons.len().max(theme.factors.len()), per);
            jobs.extend((0..pages).map(|k| Job::Theme(t, k)));
        }
        jobs.push(Job::Factors);
        for (t, term) in library.tags.indexed() {
            jobs.extend((0..page_count(term.incidents.len(), per)).map(|k| Job::Tag(t, k)));
        }
        for (o, term) in library.organizations.indexed() {
            let pages = page_count(term.incidents.len(), per);
            jobs.extend((0..pages).map(|k| Job::Organization(o, k)));
        }
        let actions = views::action_order(library);
        jobs.extend((0..page_count(actions.len(), per)).map(Job::Actions));
        jobs.extend([Job::Stats, Job::Search]);
        jobs.extend(library.pages.ids().map(Job::Page));
        jobs.extend([Job::NotFound, Job::Feed, Job::Sitemap]);
        let locations: Vec<String> = jobs
            .iter()
            .map(|&job| job_rel(library, config, job))
            .collect();

        let sitemap_urls: Vec<String> = jobs
            .iter()
            .zip(&locations)
            .filter_map(|(job, location)| match job {
                Job::NotFound | Job::Feed | Job::Sitemap | Job::Home => None,
                _ => Some(urls.permalink(location)),
            })
            .chain(std::iter::once(urls.permalink("")))
            .collect();
        let (jobs, locations): (Vec<Job>, Vec<String>) = jobs
            .into_iter()
            .zip(locations)
            .filter(|(job, _)| wanted(*job))
            .unzip();
        Prepared {
            jobs,
            actions,
            locations,
            sitemap_urls,
        }
    }
}

/// Renders the files of a site one at a time: each template page by its number, and
/// the files that need no template together. [`render_each`] renders them all; the
/// preview server renders each when it is asked for.
pub struct SiteRenderer<'a> {
    library: &'a Library,
    config: &'a Config,
    theme: &'a SiteTheme,
    templates: &'a Templates,
    prepared: &'a Prepared,
    views: Views<'a>,
    /// What [`BaseContext`] borrows, made once.
    nav: Vec<NavView<'a>>,
    assets: AssetsView,
    highlight_css_url: String,
}

impl<'a> SiteRenderer<'a> {
    /// A renderer of the site of `library`; `prepared` must come from the same
    /// library and config.
    pub fn new(
        library: &'a Library,
        config: &'a Config,
        theme: &'a SiteTheme,
        templates: &'a Templates,
        prepared: &'a Prepared,
    ) -> SiteRenderer<'a> {
        let views = Views::new(library, config);
        SiteRenderer {
            library,
            config,
            theme,
            templates,
            prepared,
            nav: views.nav(),
            assets: views.assets(),
            highlight_css_url: library.urls.path(rel::HIGHLIGHT_CSS),
            views,
        }
    }

    /// How many template pages the site has.
    pub fn page_count(&self) -> usize {
        self.prepared.jobs.len()
    }

    /// Where page `i` goes, under the output root.
    pub fn page_path(&self, i: usize) -> String {
        file_for(&self.prepared.locations[i])
    }

    /// Whether page `i` lists many incidents or lessons (its context is large).
    pub fn is_heavy(&self, i: usize) -> bool {
        self.prepared.jobs[i].is_heavy()
    }

    /// Renders page `i` (below [`SiteRenderer::page_count`]).
    pub fn render_page(&self, i: usize) -> Result<OutputFile, Box<PageFailure>> {
        let mut bytes = Vec::new();
        self.render_page_to(i, &mut bytes)?;
        Ok(OutputFile {
            path: self.page_path(i),
            bytes,
        })
    }

    /// Renders page `i` into `out` as it goes.
    pub fn render_page_to(&self, i: usize, out: &mut dyn Write) -> Result<(), Box<PageFailure>> {
        let ctx = self.page_context(i)?;
        self.render_context(i, &ctx, out)
    }

    /// The variables of page `i`, from the context type of its kind.
    fn page_context(&self, i: usize) -> Result<tera::Context, Box<PageFailure>> {
        let (library, views) = (self.library, &self.views);
        let job = self.prepared.jobs[i];
        let urls = &library.urls;
        let base = self.base(&self.prepared.locations[i]);
        match job {
            Job::Home | Job::Incidents => {
                let all: Vec<IncidentIx> = library.incidents.ids().collect();
                let facets = views.facets();
                let ctx = IndexContext {
                    base,
                    incidents: views.summaries(&all),
                    facets: &facets,
                };
                self.to_context(i, &ctx)
            }
            Job::Incident(n) => {
                let near = |m: Option<usize>| {
                    m.filter(|&m| m < library.incidents.len())
                        .map(|m| views.summary(IncidentIx::new(m)))
                };
                let body_html = library.body_html(n).map_err(|message| {
                    let path = &library.incidents[n].incident.path;
                    Box::new(PageFailure::body(
                        path,
                        &self.prepared.locations[i],
                        message,
                    ))
                })?;
                let ctx = IncidentContext {
                    base,
                    incident: views.incident(n, body_html),
                    related: views.summaries(library.related(n)),
                    previous: near(Some(n.index() + 1)),
                    next: near(n.index().checked_sub(1)),
                    repeat_window_days: self.views.config.repeat_window_days,
                };
                self.to_context(i, &ctx)
            }
            Job::Severity(s, k) => {
                let list = &library.by_severity[s];
                let ctx = SeverityContext {
                    base,
                    severity: views.severity(s),
                    incidents: views.summaries(self.page_of(list, k)),
                    pagination: self.pagination(job, list.len(), k),
                };
                self.to_context(i, &ctx)
            }
            Job::Components => {
                let ctx = ComponentsContext {
                    base,
                    components: views.components(),
                    component_groups: views.component_groups(),
                };
                self.to_context(i, &ctx)
            }
            Job::Component(c, k) => {
                let all = &library.components[c].incidents;
                let incidents = self.page_of(all, k);
                // Grouped here, in one pass, rather than by filtering every lesson
                // for every incident in the template.
                let with_lessons = incidents
                    .iter()
                    .copied()
                    .filter(|&n| !library.incidents[n].lessons.is_empty());
                let ctx = ComponentContext {
                    base,
                    component: views.component(c),
                    incidents: views.summaries(incidents),
                    lessons: with_lessons
                        .clone()
                        .flat_map(|n| views.incident_lessons(n))
                        .collect(),
                    lesson_groups: with_lessons.map(|n| views.lesson_group(n)).collect(),
                    lesson_count: (all.iter())
                        .map(|&n| library.incidents[n].lessons.len())
                        .sum(),
                    pagination: self.pagination(job, all.len(), k),
                };
                self.to_context(i, &ctx)
            }
            Job::Lessons => {
                let ctx = LessonsContext {
                    base,
                    themes: library
                        .used_themes()
                        .map(|(t, theme)| views.index_theme(t, self.shown(theme.lessons.len())))
                        .collect(),
                    lesson_count: library.incidents.iter().map(|e| e.lessons.len()).sum(),
                    incident_count: library
                        .incidents
                        .iter()
                        .filter(|e| !e.lessons.is_empty())
                        .count(),
                };
                self.to_context(i, &ctx)
            }
            Job::Theme(t, k) => {
                let theme = &library.themes[t];
                let lessons = self.page_of(&theme.lessons, k);
                let factors = self.page_of(&theme.factors, k);
                let total = theme.lessons.len().max(theme.factors.len());
                let ctx = ThemeContext {
                    base,
                    theme: views.theme(t),
                    lessons: views.theme_lessons(t, lessons),
                    factors: views.theme_factors(t, factors, true),
                    pagination: self.pagination(job, total, k),
                };
                self.to_context(i, &ctx)
            }
            Job::Factors => {
                let ctx = FactorsContext {
                    base,
                    themes: (library.factor_themes())
                        .map(|(t, theme)| views.factors_theme(t, self.shown(theme.factors.len())))
                        .collect(),
                    factor_count: library.incidents.iter().map(|e| e.factors.len()).sum(),
                    incident_count: (library.incidents.iter())
                        .filter(|e| !e.factors.is_empty())
                        .count(),
                };
                self.to_context(i, &ctx)
            }
            Job::Tag(t, k) => {
                let term = &library.tags[t];
                let ctx = TagContext {
                    base,
                    tag: views.term(term),
                    incidents: views.summaries(self.page_of(&term.incidents, k)),
                    pagination: self.pagination(job, term.incidents.len(), k),
                };
                self.to_context(i, &ctx)
            }
            Job::Organization(o, k) => {
                let term = &library.organizations[o];
                let ctx = OrganizationContext {
                    base,
                    organization: views.term(term),
                    incidents: views.summaries(self.page_of(&term.incidents, k)),
                    pagination: self.pagination(job, term.incidents.len(), k),
                };
                self.to_context(i, &ctx)
            }
            Job::Actions(k) => {
                let all = &self.prepared.actions;
                let actions = views.actions(self.page_of(all, k));
                // The list is sorted by status first: each status is one run of it.
                let status_of = |&(n, a): &(IncidentIx, usize)| {
                    library.incidents[n].incident.action_items[a].status
                };
                let run = |status| {
                    let first = all.partition_point(|item| status_of(item) < status);
                    let end = all.partition_point(|item| status_of(item) <= status);
                    let page = Job::Actions(self.page_number(first));
                    (end - first, urls.path(&job_rel(library, self.config, page)))
                };
                let ctx = ActionsContext {
                    base,
                    action_groups: views.action_groups(&actions, run),
                    actions: &actions,
                    pagination: self.pagination(job, all.len(), k),
                };
                self.to_context(i, &ctx)
            }
            Job::Stats => {
                let ctx = StatsContext {
                    base,
                    stats: stats::stats_view(views),
                };
                self.to_context(i, &ctx)
            }
            Job::Search => {
                let ctx = SearchContext {
                    base,
                    search_index_url: urls.path(rel::SEARCH_INDEX),
                };
                self.to_context(i, &ctx)
            }
            Job::Page(p) => {
                let ctx = PageContext {
                    base,
                    page: views.page(p),
                };
                self.to_context(i, &ctx)
            }
            Job::NotFound => self.to_context(i, &NotFoundContext { base }),
            Job::Feed => {
                let newest: Vec<IncidentIx> = library.incidents.ids().take(FEED_SIZE).collect();
                let updated = library.incidents.first().map_or_else(
                    || "1970-01-01T00:00:00Z".to_string(),
                    |e| format!("{}T00:00:00Z", e.incident.date),
                );
                let ctx = FeedContext {
                    base,
                    incidents: views.summaries(&newest),
                    updated,
                };
                self.to_context(i, &ctx)
            }
            Job::Sitemap => {
                let ctx = SitemapContext {
                    base,
                    urls: &self.prepared.sitemap_urls,
                };
                self.to_context(i, &ctx)
            }
        }
    }

    /// The variables every page has, for the page at `location`.
    /// How many of a theme's `len` lessons (or factors) the lessons (or factors)
    /// index shows: all of them, unless its own page is paginated; then the
    /// [`INDEX_PREVIEW`] newest, with a link to the rest.
    fn shown(&self, len: usize) -> usize {
        if page_count(len, self.config.paginate_by) > 1 {
            INDEX_PREVIEW
        } else {
            len
        }
    }

    /// The page (from 0) of a list that its item number `n` (from 0) is on.
    fn page_number(&self, n: usize) -> u32 {
        match self.config.paginate_by as usize {
            0 => 0,
            per => u32::try_from(n / per).unwrap_or(u32::MAX),
        }
    }

    /// The items of page `k` of a list.
    fn page_of<'l, T>(&self, list: &'l [T], k: u32) -> &'l [T] {
        let per = self.config.paginate_by as usize;
        if per == 0 {
            return list;
        }
        let start = (k as usize).saturating_mul(per).min(list.len());
        &list[start..(start + per).min(list.len())]
    }

    /// Where page `k` of a list of `total` items is and how to reach the others;
    /// `None` when the list fits on one page.
    fn pagination(&self, job: Job, total: usize, k: u32) -> Option<PaginationView> {
        let per = self.config.paginate_by;
        let pages = page_count(total, per);
        if pages < 2 {
            return None;
        }
        let urls = &self.library.urls;
        let url = |k: u32| urls.path(&job_rel(self.library, self.config, job.on_page(k)));
        let per = per as usize;
        let first = k as usize * per;
        Some(PaginationView {
            page: k + 1,
            pages,
            total,
            first: first + 1,
            last: (first + per).min(total),
            previous: k.checked_sub(1).map(url),
            next: (k + 1 < pages).then(|| url(k + 1)),
            links: (0..pages)
                .filter(|&p| near_page(p, k, pages))
                .map(|p| PageLinkView {
                    number: p + 1,
                    url: url(p),
                    current: p == k,
                    gap_before: p > 0 && !near_page(p - 1, k, pages),
                })
                .collect(),
        })
    }

    fn base(&self, location: &str) -> BaseContext<'_> {
        let urls = &self.library.urls;
        BaseContext {
            site: self.views.site(),
            nav: &self.nav,
            severities: self.views.severities(),
            current_url: urls.path(location),
            permalink: urls.permalink(location),
            highlight_css_url: &self.highlight_css_url,
            assets: &self.assets,
        }
    }

    /// A page's context as Tera takes it.
    fn to_context(
        &self,
        i: usize,
        context: &impl serde::Serialize,
    ) -> Result<tera::Context, Box<PageFailure>> {
        // Contexts are plain data with string keys, so this fails only on a bug.
        tera::Context::from_serialize(context)
            .map_err(|_| Box::new(PageFailure::internal(&self.prepared.locations[i])))
    }

    /// Renders page `i` from its variables into `out`.
    fn render_context(
        &self,
        i: usize,
        ctx: &tera::Context,
        out: &mut dyn Write,
    ) -> Result<(), Box<PageFailure>> {
        let (library, job) = (self.library, self.prepared.jobs[i]);
        let location = &self.prepared.locations[i];
        let tera = &self.templates.tera;
        let template = job.template();
        tera.render_to(template, ctx, out).map_err(|e| {
            if let Some(io) = write_error(&e) {
                return Box::new(PageFailure::write(&file_for(location), io));
            }
            let page = match job {
                Job::Incident(n) => library.incidents[n].incident.path.clone(),
                Job::Page(p) => library.pages[p].page.path.clone(),
                _ => format!("/{location}"),
            };
            let diagnostic =
                template_errors::render_error(tera, &self.templates.sources, template, ctx, &e);
            Box::new(PageFailure { diagnostic, page })
        })
    }

    /// The paths of the files that need no template, in the order [`render_each`]
    /// hands them out, the export first (a later one replaces an earlier one of the
    /// same path, and any page).
    pub fn data_paths(&self) -> Vec<String> {
        let mut paths = vec![rel::EXPORT.to_string()];
        paths.extend(search::search_paths(self.library));
        paths.push(rel::HIGHLIGHT_CSS.to_string());
        paths.extend(embedded::STATIC.iter().map(|(path, _)| (*path).to_string()));
        paths.extend(self.theme.static_files.iter().map(|(path, _)| path.clone()));
        paths
    }

    /// The files that need no template: the export, the search index, the
    /// highlighting style sheet and the static files. An unknown highlight theme
    /// goes into `diags`.
    pub fn data_files(&self, diags: &mut Diagnostics) -> Vec<OutputFile> {
        let (library, config, theme) = (self.library, self.config, self.theme);
        let mut files = search::search_files(library, config);
        files.extend(self.highlight_css(diags));
        for (path, bytes) in embedded::STATIC {
            if !theme.static_files.iter().any(|(p, _)| p == path) {
                files.push(OutputFile {
                    path: (*path).to_string(),
                    bytes: bytes.to_vec(),
                });
            }
        }
        for (path, bytes) in &theme.static_files {
            files.push(OutputFile {
                path: path.clone(),
                bytes: bytes.clone(),
            });
        }
        files
    }

    /// `/incidents.json` into `out`.
    pub fn write_export(&self, out: &mut dyn Write) -> std::io::Result<()> {
        export::write_export(self.library, self.config, &self.views, out)
    }

    /// `/incidents.json` in memory.
    pub fn export_file(&self) -> OutputFile {
        let mut bytes = Vec::new();
        // Writing into memory does not fail.
        let _ = self.write_export(&mut bytes);
        OutputFile {
            path: rel::EXPORT.to_string(),
            bytes,
        }
    }

    /// The highlighting style sheet; an unknown highlight theme goes into `diags`.
    pub fn highlight_css(&self, diags: &mut Diagnostics) -> Option<OutputFile> {
        let config = self.config;
        let (light, dark) = &config.markdown.highlight_themes;
        match highlight::theme_css(light, dark) {
            Some(css) => Some(OutputFile {
                path: rel::HIGHLIGHT_CSS.to_string(),
                bytes: css.into_bytes(),
            }),
            None => {
                let names = highlight::theme_names();
                let unknown = [light, dark]
                    .into_iter()
                    .find(|t| !names.contains(&t.as_str()))
                    .cloned()
                    .unwrap_or_default();
                let location = match config.markdown.highlight_pos {
                    Some(pos) => Location::at(CONFIG_FILE, pos),
                    None => Location::file(CONFIG_FILE),
                };
                let names: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
                let help = nearest_help(&unknown, names.iter().copied())
                    .unwrap_or_else(|| expected_one_of(&names));
                diags.push(
                    Diagnostic::error(location, format!("unknown highlight theme `{unknown}`"))
                        .with_help(help),
                );
                None
            }
        }
    }
}

impl Job {
    /// The template that renders the page.
    fn template(self) -> &'static str {
        match self {
            Job::Home | Job::Incidents => "index.html",
            Job::Incident(_) => "incident.html",
            Job::Severity(..) => "severity.html",
            Job::Components => "components.html",
            Job::Component(..) => "component.html",
            Job::Lessons => "lessons.html",
            Job::Theme(..) => "theme.html",
            Job::Factors => "factors.html",
            Job::Tag(..) => "tag.html",
            Job::Organization(..) => "organization.html",
            Job::Actions(_) => "actions.html",
            Job::Stats => "stats.html",
            Job::Search => "search.html",
            Job::Page(_) => "page.html",
            Job::NotFound => "404.html",
            Job::Feed => "atom.xml",
            Job::Sitemap => "sitemap.xml",
        }
    }

    /// Whether the page lists all the incidents, lessons or action items, or a
    /// large share of them (its context is large). The pages of one component,
    /// theme or tag list a smaller part.
    fn is_heavy(self) -> bool {
        matches!(
            self,
            Job::Home
                | Job::Incidents
                | Job::Severity(..)
                | Job::Lessons
                | Job::Factors
                | Job::Actions(_)
                | Job::Stats
        )
    }
}

impl Job {
    /// The same list's page `k`; other jobs are themselves.
    fn on_page(self, k: u32) -> Job {
        match self {
            Job::Severity(s, _) => Job::Severity(s, k),
            Job::Component(c, _) => Job::Component(c, k),
            Job::Theme(t, _) => Job::Theme(t, k),
            Job::Tag(t, _) => Job::Tag(t, k),
            Job::Organization(o, _) => Job::Organization(o, k),
            Job::Actions(_) => Job::Actions(k),
            other => other,
        }
    }
}

/// How many lessons or factors of a theme with a paginated page the lessons and
/// factors indexes show: without a limit, the lessons index of 10,000 incidents
/// was 36 MB.
pub const INDEX_PREVIEW: usize = 10;

/// How many pages on each side of the current one its pagination links.
const PAGE_LINKS_AROUND: u32 = 3;

/// Whether the pagination of page `k` of `pages` links page `p`: the first and last
/// pages and the [`PAGE_LINKS_AROUND`] nearest on each side, so that a list of
/// 1,500 pages does not give each of them 1,500 links.
fn near_page(p: u32, k: u32, pages: u32) -> bool {
    p == 0 || p + 1 == pages || p.abs_diff(k) <= PAGE_LINKS_AROUND
}

/// How many pages a list of `len` items takes at `per` items a page (0: one page).
fn page_count(len: usize, per: u32) -> u32 {
    let per = per as usize;
    if per == 0 || len <= per {
        return 1;
    }
    u32::try_from(len.div_ceil(per)).unwrap_or(u32::MAX)
}

/// The location of page `k` (from 0) of a list whose first page is at `rel`:
/// `rel/page/<k + 1>/`.
fn paged(rel: String, k: u32) -> String {
    if k == 0 {
        rel
    } else {
        format!("{rel}page/{}/", k + 1)
    }
}

/// The error of the writer a page was rendered into, if that is why it stopped.
fn write_error(e: &tera::Error) -> Option<&std::io::Error> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = s.source();
    }
    None
}

/// A job or its result with the job's position in the list, to restore the order.
type Numbered<T> = (usize, T);

/// The location (relative to the site root) of a job's page.
fn job_rel(library: &Library, config: &Config, job: Job) -> String {
    match job {
        Job::Home => String::new(),
        Job::Incidents => rel::INCIDENTS.into(),
        Job::Incident(n) => library.incidents[n].rel.clone(),
        Job::Severity(s, k) => paged(rel::severity(&config.severities[s.index()].key), k),
        Job::Components => rel::COMPONENTS.into(),
        Job::Component(c, k) => paged(library.components[c].rel.clone(), k),
        Job::Lessons => rel::LESSONS.into(),
        Job::Theme(t, k) => paged(library.themes[t].rel.clone(), k),
        Job::Factors => rel::FACTORS.into(),
        Job::Tag(t, k) => paged(library.tags[t].rel.clone(), k),
        Job::Organization(o, k) => paged(library.organizations[o].rel.clone(), k),
        Job::Actions(k) => paged(rel::ACTIONS.into(), k),
        Job::Stats => rel::STATS.into(),
        Job::Search => rel::SEARCH.into(),
        Job::Page(p) => library.pages[p].rel.clone(),
        Job::NotFound => rel::NOT_FOUND.into(),
        Job::Feed => rel::FEED.into(),
        Job::Sitemap => rel::SITEMAP.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_attr_is_safe_in_attributes_and_script_blocks() {
        let nasty = "</script><script>alert(1)</script> \" ' & ]]>";
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("json_attr", json_attr);
        tera.add_raw_template(
            "t.html",
            "<div data-v=\"{{ v | json_attr }}\"></div><script type=\"application/json\">{{ v | json_attr | safe }}</script>",
        )
        .unwrap();
        let ctx =
            tera::Context::from_serialize(serde_json::json!({ "v": { "k": nasty } })).unwrap();
        let html = tera.render("t.html", &ctx).unwrap();
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        let script = html
            .split("<script type=\"application/json\">")
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .unwrap();
        let parsed: Value = serde_json::from_str(script).unwrap();
        assert_eq!(parsed["k"], nasty);
        let attribute = html.split("data-v=\"").nth(1).unwrap();
        let attribute = attribute.split('"').next().unwrap();
        assert!(!attribute.contains('<') && !attribute.contains('\''));
    }
}
