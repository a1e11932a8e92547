//! The library: the published incidents and pages, built once, with every index
//! the site needs (severity, component, tag, organization, theme, year, related).
//!
//! Pure data: no file access and no templates. [`build_library_with`] reads top
//! to bottom as the steps of a build; each step has its own module.

mod bodies;
mod durations;
mod fragments;
mod index;
pub mod ix;
mod links;
mod names;
mod public;
mod related;
mod repeats;
mod select;
mod terms;
mod themes;
pub mod urls;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::{Config, Theme};
use crate::content::{ActionStatus, ComponentSlug, Content, Incident, Page};
use crate::diag::Diagnostics;
use crate::markdown::{self, Rendered};

pub use bodies::{
    Body, BodyJob, Deferred, Fresh, RenderBody, RenderedBodies, RenderedBody, SEARCH_TEXT_CHARS,
};
pub use fragments::INCIDENT_SECTION_IDS;
pub use ix::{
    ComponentIx, DefinitionIx, IncidentIx, Ix, IxVec, OrganizationIx, PageIx, SeverityIx, TagIx,
    ThemeIx,
};

pub use repeats::{LISTED as LISTED_REPEATS, Repeat, Repeats};

use durations::Durations;
use links::Targets;
use terms::{IncidentNames, Names};
use urls::{Urls, rel};

/// Which incidents a build publishes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Include drafts.
    pub drafts: bool,
    /// Leave internal incidents out.
    pub public_only: bool,
}

/// How to build a library.
#[derive(Debug, Clone, Copy, Default)]
pub struct LibraryOptions {
    /// Which incidents to publish.
    pub selection: Selection,
    /// Leave code blocks unhighlighted (their languages are still checked): for a
    /// build whose HTML is not kept.
    pub plain_code: bool,
    /// Keep no incident body's HTML: each is rendered again when its page is
    /// ([`Library::body_html`]), so that memory does not grow with every body's HTML.
    pub defer_bodies: bool,
}

/// A lesson with its themes resolved.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// What was learned.
    pub text: String,
    /// Its themes, each once.
    pub themes: Vec<ThemeIx>,
}

/// A published incident and everything derived from it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The front-matter and body as written.
    pub incident: Incident,
    /// Location relative to the site root, e.g. `incidents/x/`.
    pub rel: String,
    /// Its severity in `Config::severities`.
    pub severity: SeverityIx,
    /// Its components, each once, in written order.
    pub components: Vec<ComponentIx>,
    /// Its tags.
    pub tags: Vec<TagIx>,
    /// Its organization.
    pub organization: Option<OrganizationIx>,
    /// Lessons with themes.
    pub lessons: Vec<Lesson>,
    /// Contributing factors with themes.
    pub factors: Vec<Lesson>,
    /// The summary: as written, else the body's first paragraph.
    pub summary: String,
    /// The rendered body.
    pub body: Body,
    /// Minutes from start to detection.
    pub time_to_detect: Option<i64>,
    /// Minutes from start to mitigation.
    pub time_to_mitigate: Option<i64>,
    /// Minutes from start to resolution, else `duration`.
    pub time_to_resolve: Option<i64>,
}

/// A published plain page.
#[derive(Debug, Clone)]
pub struct PageEntry {
    /// The page as written.
    pub page: Page,
    /// Location relative to the site root.
    pub rel: String,
    /// The rendered body.
    pub body: Body,
}

/// A component, tag or organization that at least one published incident uses.
#[derive(Debug, Clone)]
pub struct Term<S = String> {
    /// The name shown.
    pub name: String,
    /// Its URL slug.
    pub slug: S,
    /// Location relative to the site root.
    pub rel: String,
    /// Incidents using it, newest first.
    pub incidents: Vec<IncidentIx>,
    /// For components: the config entry, when there is one.
    pub definition: Option<DefinitionIx>,
}

/// A component: its slug has its own type, unlike a tag's or an organization's.
pub type ComponentTerm = Term<ComponentSlug>;

/// A lesson theme, with the lessons in it.
#[derive(Debug, Clone)]
pub struct ThemeEntry {
    /// The theme.
    pub theme: Theme,
    /// Location relative to the site root.
    pub rel: String,
    /// (incident, position in its lessons) pairs, newest incident first.
    pub lessons: Vec<(IncidentIx, usize)>,
    /// (incident, position in its contributing factors) pairs, newest incident first.
    pub factors: Vec<(IncidentIx, usize)>,
}

/// Everything the site shows, built once.
#[derive(Debug, Clone)]
pub struct Library {
    /// Published incidents, newest first (ties: title, then slug).
    pub incidents: IxVec<IncidentIx, Entry>,
    /// Published pages, in navigation order.
    pub pages: IxVec<PageIx, PageEntry>,
    /// Components, sorted by slug.
    pub components: IxVec<ComponentIx, ComponentTerm>,
    /// Tags, sorted by slug.
    pub tags: IxVec<TagIx, Term>,
    /// Organizations, sorted by slug.
    pub organizations: IxVec<OrganizationIx, Term>,
    /// Themes: the config's, then any created by lessons, `other` last.
    pub themes: IxVec<ThemeIx, ThemeEntry>,
    /// For each severity of the config, its incidents, newest first.
    pub by_severity: IxVec<SeverityIx, Vec<IncidentIx>>,
    /// Incidents by year, newest first within a year.
    pub by_year: BTreeMap<i16, Vec<IncidentIx>>,
    /// The files that are not Markdown which published pages link, sorted by
    /// output path: copied into the site as they are.
    pub files: Vec<PublishedFile>,
    /// Paths and permalinks.
    pub urls: Urls,
    /// Whether this is a public build (SPEC §11).
    pub public: bool,
    /// When the incidents' bodies are rendered with their pages: what that needs.
    pub deferred: Option<std::sync::Arc<Deferred>>,
    /// Each incident's related incidents, found before the pages render
    /// ([`Library::find_lists`]), else when one first asks ([`Library::related`]):
    /// a check that renders no page never needs them.
    related: std::sync::OnceLock<std::sync::Arc<Vec<Vec<IncidentIx>>>>,
    /// The config's `repeat_window_days`.
    repeat_window_days: u32,
    /// Each incident's repeats, found as the related incidents are.
    repeats: std::sync::OnceLock<std::sync::Arc<FoundRepeats>>,
}

/// The repeats of every incident, with the nearest later repeat after each of its
/// action items.
type FoundRepeats = Vec<(Repeats, Vec<Option<IncidentIx>>)>;

/// A file of `content/` that a published page links, and where it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFile {
    /// Its output path, relative to the site root.
    pub rel: String,
    /// Where it is on disk.
    pub source: std::path::PathBuf,
    /// Its path relative to the site root, as the author sees it.
    pub path: String,
}

impl Library {
    /// The HTML of incident `n`'s body: held, or rendered now from its file.
    /// Rendering it now reads its file again: an error when that fails or the file
    /// changed since the library read it.
    pub fn body_html(&self, n: IncidentIx) -> Result<std::borrow::Cow<'_, str>, String> {
        let entry = &self.incidents[n];
        match &self.deferred {
            Some(deferred) => deferred.html(&entry.incident).map(Into::into),
            None => Ok(entry.body.html.as_str().into()),
        }
    }

    /// Up to five incidents related to incident `n`, most related first: those that
    /// share the most components, tags and lesson themes with it.
    pub fn related(&self, n: IncidentIx) -> &[IncidentIx] {
        &self.found_related(false)[n.index()]
    }

    /// Finds the related incidents and the repeats of every incident now, in
    /// parallel, unless they are known. Whatever renders pages calls this first: a
    /// page that asks before would find them on its own thread, while the others
    /// wait for them (they cannot help: finding them inside the wait in parallel
    /// could deadlock the thread pool).
    pub fn find_lists(&self) {
        self.found_related(true);
        self.found_repeats(true);
    }

    /// The incidents that incident `n` repeats and those that repeat it (SPEC §10).
    pub fn repeats(&self, n: IncidentIx) -> &Repeats {
        &self.found_repeats(false)[n.index()].0
    }

    /// For each of incident `n`'s action items: the nearest later repeat that came
    /// after the item was done (only for done items with `done_on`).
    pub fn repeat_after(&self, n: IncidentIx) -> &[Option<IncidentIx>] {
        &self.found_repeats(false)[n.index()].1
    }

    /// Every incident's related incidents, found now unless known: on rayon's
    /// threads when `parallel`, and then outside the lock, which a waiting thread
    /// holds up without being able to help.
    fn found_related(&self, parallel: bool) -> &[Vec<IncidentIx>] {
        let find = |parallel| related::related(&self.incidents, parallel).into();
        if parallel && self.related.get().is_none() {
            let _ = self.related.set(find(true));
        }
        self.related.get_or_init(|| find(false))
    }

    /// Every incident's repeats, found now unless known, as
    /// [`Library::found_related`] finds related incidents.
    fn found_repeats(&self, parallel: bool) -> &FoundRepeats {
        let find = |parallel| {
            let keys = self.repeat_keys();
            repeats::repeats(&keys, self.repeat_window_days, parallel).into()
        };
        if parallel && self.repeats.get().is_none() {
            let _ = self.repeats.set(find(true));
        }
        self.repeats.get_or_init(|| find(false))
    }

    /// What the repeat rule reads of every incident.
    fn repeat_keys(&self) -> Vec<repeats::Keys> {
        let other = (self.themes.iter()).position(|t| t.theme.key == crate::config::OTHER_THEME);
        (self.incidents.iter())
            .map(|e| repeat_keys(e, other))
            .collect()
    }

    /// Takes `previous`'s related incidents and repeats instead of finding them
    /// again, each when `previous` has found them and what they are found from is
    /// unchanged: for related incidents, every incident's components, tags and
    /// lesson themes, in the same order; for repeats, every incident's day,
    /// components, themes and action items' done days, and the window. That is
    /// the case after an edit that changed only a text, as most edits in `serve` do.
    pub fn reuse_from(&self, previous: &Library) {
        if let Some(found) = previous.related.get()
            && self.incidents.len() == previous.incidents.len()
            && (self.incidents.iter())
                .zip(previous.incidents.iter())
                .all(|(a, b)| related::same_keys(a, b))
        {
            let _ = self.related.set(std::sync::Arc::clone(found));
        }
        if let Some(found) = previous.repeats.get()
            && self.repeat_window_days == previous.repeat_window_days
            && previous.repeat_keys() == self.repeat_keys()
        {
            let _ = self.repeats.set(std::sync::Arc::clone(found));
        }
    }

    /// The themes that at least one lesson uses, in theme order.
    pub fn used_themes(&self) -> impl Iterator<Item = (ThemeIx, &ThemeEntry)> {
        self.themes.indexed().filter(|(_, t)| !t.lessons.is_empty())
    }

    /// The themes that at least one lesson or contributing factor uses: those with
    /// a page.
    pub fn themes_with_pages(&self) -> impl Iterator<Item = (ThemeIx, &ThemeEntry)> {
        (self.themes.indexed()).filter(|(_, t)| !t.lessons.is_empty() || !t.factors.is_empty())
    }

    /// The themes that at least one contributing factor uses, in theme order.
    pub fn factor_themes(&self) -> impl Iterator<Item = (ThemeIx, &ThemeEntry)> {
        self.themes.indexed().filter(|(_, t)| !t.factors.is_empty())
    }
}

/// Builds the library from loaded content, rendering every body afresh. Problems go
/// into `diags`; the library is built even when there are errors, so that every
/// problem can be reported.
pub fn build_library(
    content: Content,
    config: &Config,
    options: LibraryOptions,
    diags: &mut Diagnostics,
) -> Library {
    build_library_with(content, config, options, diags, &mut Fresh)
}

/// [`build_library`], rendering each body through `renderer` (which `serve` backs
/// with the bodies of its previous build) and handing it this build's bodies after.
pub fn build_library_with(
    content: Content,
    config: &Config,
    options: LibraryOptions,
    diags: &mut Diagnostics,
    renderer: &mut dyn RenderBody,
) -> Library {
    // What is published, and what a link to each Markdown file becomes.
    let urls = Urls::new(&config.base_url, &config.base_path);
    let mut problems = Vec::new();
    select::check_duplicate_slugs(&content.incidents, &content.pages, &mut problems);
    let Content {
        incidents,
        pages,
        markdown_files,
        unparsed,
        attachments,
        root,
    } = content;
    let mut selected = select::select(incidents, pages, options.selection);
    if options.selection.public_only {
        public::for_public(&mut selected, &config.public.omit);
    }
    let targets = Targets::new(
        &markdown_files,
        &attachments,
        &selected,
        options.selection,
        &urls,
    );

    // Every body, then the fragment links between them; the renderer keeps them.
    let highlights = markdown::highlight::Highlights::new();
    // Deferred bodies keep no HTML from this pass, so it needs no highlighting.
    let defer = options.defer_bodies;
    let markdown = markdown::Options {
        unsafe_html: config.markdown.unsafe_html,
        highlights: Some(&highlights),
        plain_code: options.plain_code || defer,
        plain_text_limit: Some(bodies::PLAIN_TEXT_BYTES),
    };
    let bodies = bodies::render_all(
        &mut selected,
        &unparsed,
        &markdown,
        &targets,
        &*renderer,
        defer,
    );
    fragments::check(&selected, &bodies, &mut problems);
    let files = published_files(&bodies, &targets);
    let mut this_build = (selected.incidents.iter().map(|i| i.path.as_str()))
        .zip(&bodies.incidents)
        .chain((selected.pages.iter().map(|p| p.path.as_str())).zip(&bodies.pages))
        .chain((unparsed.iter().map(|u| u.path.as_str())).zip(&bodies.unparsed));
    renderer.keep(&mut this_build);
    let RenderedBodies {
        incidents: incident_bodies,
        pages: page_bodies,
        sums,
        ..
    } = bodies;

    // Names and themes, then one entry per incident and its related incidents.
    let mut names = terms::resolve(config, &selected.incidents, &mut problems);
    let themes = themes::build_themes(&config.themes, &selected.incidents);
    let matcher = themes::Matcher::new(&themes);
    let of_incidents = std::mem::take(&mut names.of_incidents);
    // In parallel: classifying every lesson and factor by theme is most of this.
    let entries: Vec<Entry> = (selected.incidents.into_par_iter())
        .zip(incident_bodies)
        .zip(of_incidents)
        .map(|((incident, body), names)| {
            let lessons = themes::classify(&incident.lessons, &themes, &matcher);
            let factors = themes::classify(&incident.contributing_factors, &themes, &matcher);
            entry(
                incident,
                body.into_rendered(),
                names,
                (lessons, factors),
                config,
                !defer,
            )
        })
        .collect();
    let incidents = IxVec::<IncidentIx, Entry>::from(entries);

    // The indexes, read from the entries.
    let (components, tags, organizations) = index_terms(names, &incidents);
    let lessons_by_theme = index::lessons_by_theme(&incidents, themes.len());
    let factors_by_theme = index::factors_by_theme(&incidents, themes.len());
    let themes = (themes.into_iter())
        .zip(lessons_by_theme)
        .zip(factors_by_theme)
        .map(|((theme, lessons), factors)| ThemeEntry {
            rel: rel::theme(&theme.key),
            theme,
            lessons,
            factors,
        })
        .collect();
    let by_severity = index::by_severity(&incidents, config.severities.len());
    let by_year = index::by_year(&incidents);
    let pages = (selected.pages.into_iter())
        .zip(page_bodies)
        .map(|(page, body)| PageEntry {
            rel: rel::page(&page.slug.value),
            body: bodies::to_body(body.into_rendered(), true),
            page,
        })
        .collect();

    for p in problems {
        diags.push(p);
    }
    Library {
        incidents,
        pages,
        components,
        tags,
        organizations,
        themes,
        by_severity,
        by_year,
        files,
        urls,
        public: options.selection.public_only,
        deferred: defer.then(|| {
            let unsafe_html = config.markdown.unsafe_html;
            std::sync::Arc::new(Deferred::new(
                targets,
                (unsafe_html, options.plain_code),
                (root, options.selection.public_only),
                sums,
            ))
        }),
        related: std::sync::OnceLock::new(),
        repeat_window_days: config.repeat_window_days,
        repeats: std::sync::OnceLock::new(),
    }
}

/// The files that the published incidents and pages link, each once.
fn published_files(bodies: &RenderedBodies, targets: &Targets) -> Vec<PublishedFile> {
    let linked: std::collections::BTreeSet<&str> = (bodies.incidents.iter())
        .chain(&bodies.pages)
        .flat_map(|body| body.output().files.iter().map(String::as_str))
        .collect();
    let mut files: Vec<PublishedFile> = linked
        .into_iter()
        .filter_map(|path| {
            let file = targets.file(path)?;
            Some(PublishedFile {
                rel: file.rel.clone(),
                source: file.source.clone(),
                path: path.to_string(),
            })
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

/// One published incident with its body, names and lessons.
fn entry(
    incident: Incident,
    mut rendered: Rendered,
    names: IncidentNames,
    (lessons, factors): (Vec<Lesson>, Vec<Lesson>),
    config: &Config,
    keep_html: bool,
) -> Entry {
    let severity = config
        .severities
        .iter()
        .position(|s| s.key == incident.severity)
        .unwrap_or(0);
    let durations = Durations::of(&incident);
    let summary = match &incident.summary {
        Some(summary) => summary.clone(),
        None => std::mem::take(&mut rendered.first_paragraph),
    };
    Entry {
        rel: rel::incident(&incident.slug.value),
        severity: SeverityIx::new(severity),
        time_to_detect: durations.to_detect,
        time_to_mitigate: durations.to_mitigate,
        time_to_resolve: durations.to_resolve,
        components: names.components,
        tags: names.tags,
        organization: names.organization,
        lessons,
        factors,
        summary,
        body: bodies::to_body(rendered, keep_html),
        incident,
    }
}

/// What the repeat rule reads of an entry: its day, components, and the themes of
/// its lessons and factors but `other`.
fn repeat_keys(entry: &Entry, other: Option<usize>) -> repeats::Keys {
    let mut themes: Vec<ThemeIx> = (entry.lessons.iter())
        .chain(&entry.factors)
        .flat_map(|l| l.themes.iter().copied())
        .filter(|t| Some(t.index()) != other)
        .collect();
    themes.sort_unstable();
    themes.dedup();
    repeats::Keys {
        day: day_number(entry.incident.date),
        components: entry.components.clone(),
        themes,
        done_days: (entry.incident.action_items.iter())
            .map(|item| {
                (item.status == ActionStatus::Done)
                    .then_some(item.done_on)
                    .flatten()
                    .map(day_number)
            })
            .collect(),
    }
}

/// Days since 1970-01-01.
fn day_number(date: jiff::civil::Date) -> i32 {
    let epoch = jiff::civil::date(1970, 1, 1);
    epoch.until(date).map_or(0, |span| span.get_days())
}

/// The components, tags and organizations with their incidents.
fn index_terms(
    names: Names,
    incidents: &[Entry],
) -> (
    IxVec<ComponentIx, ComponentTerm>,
    IxVec<TagIx, Term>,
    IxVec<OrganizationIx, Term>,
) {
    let by_component = index::by_component(incidents, names.components.len());
    let by_tag = index::by_tag(incidents, names.tags.len());
    let by_organization = index::by_organization(incidents, names.organizations.len());
    terms::into_terms(names, by_component, by_tag, by_organization)
}
