//! The library: the published incidents and pages, built once, with every index
//! the site needs (severity, component, tag, organization, theme, year, related).
//!
//! Pure data: no file access and no templates. Indexes are built with maps in
//! one pass, so no page has to scan every incident.

pub mod names;
pub mod themes;
pub mod urls;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::Purpose;
use crate::config::{Config, Theme, Visibility};
use crate::content::{Content, Incident, Page, join_relative, parent_dir};
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Location, Pos, did_you_mean, nearest};
use crate::markdown::{self, LinkRewrite, Rendered};
use urls::{RESERVED_SLUGS, Urls, rel};

/// Which incidents a build publishes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Include drafts.
    pub drafts: bool,
    /// Leave internal incidents out.
    pub public_only: bool,
}

/// A rendered Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// HTML, safe to embed.
    pub html: String,
    /// Headings: level, id, text.
    pub toc: Vec<(u8, String, String)>,
    /// The start of the body as plain text, for the search index: at most
    /// [`SEARCH_TEXT_CHARS`] characters.
    pub plain_text: String,
}

/// How much of a body the search index keeps, in characters: the start of a
/// postmortem (summary, impact, timeline) is where its distinctive words are. Only
/// that much is held, for every incident, until the site is written.
pub const SEARCH_TEXT_CHARS: usize = 1500;

/// The first [`SEARCH_TEXT_CHARS`] characters of a text, cut at a word boundary
/// when there is a space near the cut (CJK text often has none).
fn search_text(mut text: String) -> String {
    if let Some((end, _)) = text.char_indices().nth(SEARCH_TEXT_CHARS) {
        let end = match text[..end].rfind(' ') {
            Some(space) if space + 40 >= end => space,
            _ => end,
        };
        text.truncate(end);
    }
    text.shrink_to_fit();
    text
}

/// A lesson with its themes resolved.
#[derive(Debug, Clone)]
pub struct Lesson {
    /// What was learned.
    pub text: String,
    /// Indices into `Library::themes`.
    pub themes: Vec<usize>,
}

/// A published incident and everything derived from it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The front-matter and body as written.
    pub incident: Incident,
    /// Location relative to the site root, e.g. `incidents/x/`.
    pub rel: String,
    /// Index into `Config::severities`.
    pub severity: usize,
    /// Indices into `Library::components`, each once, in written order.
    pub components: Vec<usize>,
    /// Indices into `Library::tags`.
    pub tags: Vec<usize>,
    /// Index into `Library::organizations`.
    pub organization: Option<usize>,
    /// Lessons with themes.
    pub lessons: Vec<Lesson>,
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
    /// Up to five related incidents, most related first.
    pub related: Vec<usize>,
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
pub struct Term {
    /// The name shown.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// Location relative to the site root.
    pub rel: String,
    /// Incidents using it, newest first (indices into `Library::incidents`).
    pub incidents: Vec<usize>,
    /// For components: the config entry, when there is one.
    pub definition: Option<usize>,
}

/// A lesson theme, with the lessons in it.
#[derive(Debug, Clone)]
pub struct ThemeEntry {
    /// The theme.
    pub theme: Theme,
    /// Location relative to the site root.
    pub rel: String,
    /// (incident, lesson) index pairs, newest incident first.
    pub lessons: Vec<(usize, usize)>,
}

/// Everything the site shows, built once.
#[derive(Debug, Clone)]
pub struct Library {
    /// Published incidents, newest first (ties: title, then slug).
    pub incidents: Vec<Entry>,
    /// Published pages, in navigation order.
    pub pages: Vec<PageEntry>,
    /// Components, sorted by slug.
    pub components: Vec<Term>,
    /// Tags, sorted by slug.
    pub tags: Vec<Term>,
    /// Organizations, sorted by slug.
    pub organizations: Vec<Term>,
    /// Themes: the config's, then any created by lessons, `other` last.
    pub themes: Vec<ThemeEntry>,
    /// For each severity of the config, its incidents, newest first.
    pub by_severity: Vec<Vec<usize>>,
    /// Incidents by year, newest first within a year.
    pub by_year: BTreeMap<i16, Vec<usize>>,
    /// Paths and permalinks.
    pub urls: Urls,
}

impl Library {
    /// The themes that at least one lesson uses, in theme order.
    pub fn used_themes(&self) -> impl Iterator<Item = (usize, &ThemeEntry)> {
        self.themes
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.lessons.is_empty())
    }
}

/// Rendered Markdown bodies kept from one build of a site to the next, so that a
/// rebuild renders only the bodies whose result can have changed. Each body is kept
/// with everything its rendering read: its path, text, first line, the Markdown
/// options and what every link in it resolved to (for a link to a missing file, the
/// list of every Markdown file, which its suggestion is picked from). Problems found
/// in a body are kept with it; fragment links are checked afresh on every build.
/// The caller owns the cache; [`build_library`] uses none.
#[derive(Debug, Default)]
pub struct BodyCache {
    entries: HashMap<String, CachedBody>,
}

impl BodyCache {
    /// An empty cache.
    pub fn new() -> BodyCache {
        BodyCache::default()
    }

    /// How many bodies it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no body.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One body's rendering and what it was rendered from.
#[derive(Debug, Clone)]
struct CachedBody {
    body: String,
    body_line: usize,
    unsafe_html: bool,
    plain_code: bool,
    /// Every link target looked up, with what was found.
    lookups: Vec<(String, Option<Target>)>,
    /// Every Markdown file, when a link pointed at a missing one.
    names: Option<Arc<Vec<String>>>,
    output: Arc<BodyOutput>,
}

/// A rendered body, the problems found in it and its links with a fragment.
type BodyOutput = (Rendered, Vec<Diagnostic>, Vec<FragmentLink>);

/// Builds the library from loaded content. Problems go into `diags`; the library is
/// built even when there are errors, so that every problem can be reported.
pub fn build_library(
    content: Content,
    config: &Config,
    selection: Selection,
    purpose: Purpose,
    diags: &mut Diagnostics,
) -> Library {
    build_library_cached(content, config, selection, purpose, diags, None)
}

/// [`build_library`], taking the bodies that have not changed from `cache` and
/// leaving there the bodies of this build (only those).
pub fn build_library_cached(
    content: Content,
    config: &Config,
    selection: Selection,
    purpose: Purpose,
    diags: &mut Diagnostics,
    cache: Option<&mut BodyCache>,
) -> Library {
    let urls = Urls::new(&config.base_url, &config.base_path);
    let mut problems = Vec::new();
    check_duplicate_slugs(&content.incidents, &content.pages, &mut problems);

    let (mut published, excluded): (Vec<Incident>, Vec<Incident>) =
        content.incidents.into_iter().partition(|i| {
            (selection.drafts || !i.draft)
                && !(selection.public_only && i.visibility == Visibility::Internal)
        });
    published.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.date_time.cmp(&a.date_time))
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.slug.value.cmp(&b.slug.value))
    });
    let mut pages: Vec<Page> = content
        .pages
        .into_iter()
        .filter(|p| selection.drafts || !p.draft)
        .collect();
    pages.sort_by(|a, b| {
        (a.weight, a.title.to_lowercase(), &a.slug.value).cmp(&(
            b.weight,
            b.title.to_lowercase(),
            &b.slug.value,
        ))
    });

    // Link targets: every Markdown file, and what a link to it becomes.
    let mut targets: HashMap<String, Target> = content
        .markdown_files
        .iter()
        .map(|path| (path.clone(), Target::Unusable))
        .collect();
    for incident in &excluded {
        let why = if incident.draft && !selection.drafts {
            "a draft"
        } else {
            "internal"
        };
        targets.insert(incident.path.clone(), Target::Excluded(why));
    }
    for incident in &published {
        targets.insert(
            incident.path.clone(),
            Target::Url(urls.path(&rel::incident(&incident.slug.value))),
        );
    }
    for page in &pages {
        targets.insert(
            page.path.clone(),
            Target::Url(urls.path(&rel::page(&page.slug.value))),
        );
    }

    let highlights = markdown::highlight::Highlights::new();
    let options = markdown::Options {
        unsafe_html: config.markdown.unsafe_html,
        highlights: Some(&highlights),
        plain_code: purpose == Purpose::Check,
    };
    let names = {
        let mut names: Vec<String> = targets.keys().cloned().collect();
        names.sort_unstable();
        Arc::new(names)
    };
    let previous = cache.as_deref().map(|c| &c.entries);
    // Without a cache to keep them in, the sources need no copy.
    let keeping = cache.is_some();
    let render = |path: &str, body: &str, body_line: usize, keep: bool| {
        let input = BodyInput {
            path,
            body,
            body_line,
        };
        render_cached(previous, &input, &options, &targets, &names, keep)
    };
    let rendered: Vec<CachedBody> = published
        .par_iter()
        .map(|i| render(&i.path, &i.body, i.body_line, keeping))
        .collect();
    let rendered_pages: Vec<CachedBody> = pages
        .par_iter()
        .map(|p| render(&p.path, &p.body, p.body_line, keeping))
        .collect();
    // The Markdown is not needed once rendered: a large library would otherwise hold
    // every body twice while its pages render.
    for incident in &mut published {
        drop(std::mem::take(&mut incident.body));
    }
    for page in &mut pages {
        drop(std::mem::take(&mut page.body));
    }

    // Fragment checks need every page's heading ids.
    let mut anchors: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (incident, c) in published.iter().zip(&rendered) {
        let r = &c.output.0;
        let ids = anchors.entry(incident.path.as_str()).or_default();
        ids.extend(r.headings.iter().map(|h| h.id.as_str()));
        ids.extend(INCIDENT_SECTION_IDS.iter().copied());
    }
    for (page, c) in pages.iter().zip(&rendered_pages) {
        anchors
            .entry(page.path.as_str())
            .or_default()
            .extend(c.output.0.headings.iter().map(|h| h.id.as_str()));
    }
    // Files whose front-matter has errors are not published, but their links are
    // checked all the same so that one run reports every problem.
    let rendered_unparsed: Vec<CachedBody> = content
        .unparsed
        .par_iter()
        .map(|u| render(&u.path, &u.body, u.body_line, keeping))
        .collect();
    for (_, body_problems, links) in rendered
        .iter()
        .chain(&rendered_pages)
        .chain(&rendered_unparsed)
        .map(|c| &*c.output)
    {
        problems.extend(body_problems.iter().cloned());
        for link in links {
            let Some(ids) = anchors.get(link.target.as_str()) else {
                continue;
            };
            if !ids.contains(link.fragment.as_str()) {
                let help = nearest(&link.fragment, ids.iter().copied())
                    .map(|n| did_you_mean(&format!("#{n}")))
                    .unwrap_or_else(|| format!("{} has no heading with that id", link.target));
                problems.push(
                    Diagnostic::error(
                        link.location.clone(),
                        format!(
                            "link to `#{}` in {} matches no heading",
                            link.fragment, link.target
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }

    // Names.
    let component_index = component_lookup(config);
    let mut component_uses = Vec::new();
    let mut tag_uses = Vec::new();
    let mut org_uses = Vec::new();
    for (n, incident) in published.iter().enumerate() {
        let mut seen = BTreeSet::new();
        for c in &incident.components {
            let canonical = component_index
                .get(&c.value.to_lowercase())
                .map_or(c.value.as_str(), |&d| config.components[d].name.as_str());
            if seen.insert(canonical.to_lowercase()) {
                component_uses.push(names::Use {
                    spelling: canonical,
                    incident: n,
                    date: incident.date,
                    path: &incident.path,
                    pos: c.pos,
                });
            }
        }
        let mut seen = BTreeSet::new();
        for t in &incident.tags {
            if seen.insert(t.value.to_lowercase()) {
                tag_uses.push(names::Use {
                    spelling: &t.value,
                    incident: n,
                    date: incident.date,
                    path: &incident.path,
                    pos: t.pos,
                });
            }
        }
        if let Some(org) = &incident.organization {
            org_uses.push(names::Use {
                spelling: &org.value,
                incident: n,
                date: incident.date,
                path: &incident.path,
                pos: org.pos,
            });
        }
    }
    warn_component_typos(config, &component_uses, &component_index, &mut problems);
    let (components, component_map) = names::resolve("component", &component_uses, &mut problems);
    let (tags, tag_map) = names::resolve("tag", &tag_uses, &mut problems);
    let (organizations, org_map) = names::resolve("organization", &org_uses, &mut problems);
    let mut incident_components = vec![Vec::new(); published.len()];
    for (u, &c) in component_uses.iter().zip(&component_map) {
        if c != usize::MAX {
            incident_components[u.incident].push(c);
        }
    }
    let mut incident_tags = vec![Vec::new(); published.len()];
    for (u, &t) in tag_uses.iter().zip(&tag_map) {
        if t != usize::MAX {
            incident_tags[u.incident].push(t);
        }
    }
    let mut incident_org = vec![None; published.len()];
    for (u, &o) in org_uses.iter().zip(&org_map) {
        if o != usize::MAX {
            incident_org[u.incident] = Some(o);
        }
    }
    let to_terms = |resolved: Vec<names::Resolved>, make_rel: fn(&str) -> String| -> Vec<Term> {
        resolved
            .into_iter()
            .map(|r| Term {
                rel: make_rel(&r.slug),
                definition: component_index.get(&r.name.to_lowercase()).copied(),
                name: r.name,
                slug: r.slug,
                incidents: r.incidents,
            })
            .collect()
    };
    let components = to_terms(components, rel::component);
    let mut tags = to_terms(tags, rel::tag);
    let mut organizations = to_terms(organizations, rel::organization);
    for t in tags.iter_mut().chain(organizations.iter_mut()) {
        t.definition = None;
    }

    // Themes.
    let mut theme_list: Vec<Theme> = config.themes.clone();
    for incident in &published {
        for lesson in &incident.lessons {
            for named in &lesson.themes {
                if !theme_list.iter().any(|t| t.key == named.value) {
                    let at = theme_list.len() - 1;
                    theme_list.insert(
                        at,
                        Theme {
                            key: named.value.clone(),
                            label: named.value.clone(),
                            keywords: Vec::new(),
                        },
                    );
                }
            }
        }
    }
    let matcher = themes::Matcher::new(&theme_list);
    let mut theme_entries: Vec<ThemeEntry> = theme_list
        .into_iter()
        .map(|theme| ThemeEntry {
            rel: rel::theme(&theme.key),
            theme,
            lessons: Vec::new(),
        })
        .collect();

    // The cache keeps this build's bodies, and only those.
    if let Some(cache) = cache {
        cache.entries = rendered
            .iter()
            .zip(&published)
            .map(|(c, i)| (i.path.clone(), c.clone()))
            .chain(
                rendered_pages
                    .iter()
                    .zip(&pages)
                    .map(|(c, p)| (p.path.clone(), c.clone())),
            )
            .chain(
                rendered_unparsed
                    .iter()
                    .zip(&content.unparsed)
                    .map(|(c, u)| (u.path.clone(), c.clone())),
            )
            .collect();
    }
    drop(rendered_unparsed);
    let mut incidents: Vec<Entry> = Vec::with_capacity(published.len());
    for (n, ((incident, rendered), ((components, tags), organization))) in published
        .into_iter()
        .zip(rendered.into_iter().map(|c| take_output(c.output)))
        .zip(
            incident_components
                .into_iter()
                .zip(incident_tags)
                .zip(incident_org),
        )
        .enumerate()
    {
        let lessons: Vec<Lesson> = incident
            .lessons
            .iter()
            .map(|l| Lesson {
                text: l.text.clone(),
                themes: if l.themes.is_empty() {
                    matcher.classify(&l.text)
                } else {
                    let mut idx: Vec<usize> = l
                        .themes
                        .iter()
                        .filter_map(|t| theme_entries.iter().position(|e| e.theme.key == t.value))
                        .collect();
                    idx.dedup();
                    idx
                },
            })
            .collect();
        for (l, lesson) in lessons.iter().enumerate() {
            for &t in &lesson.themes {
                theme_entries[t].lessons.push((n, l));
            }
        }
        let severity = config
            .severities
            .iter()
            .position(|s| s.key == incident.severity)
            .unwrap_or(0);
        let minutes = |end: Option<jiff::Timestamp>| -> Option<i64> {
            let (start, end) = (incident.started?, end?);
            Some(end.as_second().saturating_sub(start.as_second()).max(0) / 60)
        };
        let time_to_resolve = minutes(incident.resolved).or(incident.duration_minutes);
        let summary = incident
            .summary
            .clone()
            .unwrap_or_else(|| rendered.first_paragraph.clone());
        incidents.push(Entry {
            rel: rel::incident(&incident.slug.value),
            severity,
            time_to_detect: minutes(incident.detected),
            time_to_mitigate: minutes(incident.mitigated),
            time_to_resolve,
            components,
            tags,
            organization,
            lessons,
            summary,
            body: to_body(rendered),
            related: Vec::new(),
            incident,
        });
    }

    let related = related_incidents(&incidents);
    for (entry, related) in incidents.iter_mut().zip(related) {
        entry.related = related;
    }
    let mut by_severity = vec![Vec::new(); config.severities.len()];
    let mut by_year: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
    for (n, entry) in incidents.iter().enumerate() {
        by_severity[entry.severity].push(n);
        by_year
            .entry(entry.incident.date.year())
            .or_default()
            .push(n);
    }

    let pages = pages
        .into_iter()
        .zip(rendered_pages.into_iter().map(|c| take_output(c.output)))
        .map(|(page, rendered)| PageEntry {
            rel: rel::page(&page.slug.value),
            body: to_body(rendered),
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
        themes: theme_entries,
        by_severity,
        by_year,
        urls,
    }
}

/// Ids the incident template gives its own sections, so links may point at them.
pub const INCIDENT_SECTION_IDS: &[&str] = &[
    "debrief-lessons",
    "debrief-actions",
    "debrief-timeline",
    "debrief-related",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Url(String),
    Excluded(&'static str),
    Unusable,
}

#[derive(Debug, Clone)]
struct FragmentLink {
    location: Location,
    target: String,
    fragment: String,
}

fn to_body(mut rendered: Rendered) -> Body {
    // The strings grew by doubling while rendering; every body is held until the
    // pages are written, so give the slack back.
    rendered.html.shrink_to_fit();
    Body {
        toc: rendered
            .headings
            .into_iter()
            .map(|h| (h.level, h.id, h.text))
            .collect(),
        html: rendered.html,
        plain_text: search_text(rendered.plain_text),
    }
}

/// The rendered body out of its `Arc`, copied only when a cache holds it too.
fn take_output(output: Arc<BodyOutput>) -> Rendered {
    match Arc::try_unwrap(output) {
        Ok((rendered, _, _)) => rendered,
        Err(shared) => shared.0.clone(),
    }
}

/// A Markdown body to render, and where it comes from.
struct BodyInput<'s> {
    path: &'s str,
    body: &'s str,
    body_line: usize,
}

/// The body from `previous` when nothing its rendering read has changed, else
/// rendered afresh; with `keep`, what it was rendered from is kept with it.
fn render_cached(
    previous: Option<&HashMap<String, CachedBody>>,
    input: &BodyInput<'_>,
    options: &markdown::Options<'_>,
    targets: &HashMap<String, Target>,
    names: &Arc<Vec<String>>,
    keep: bool,
) -> CachedBody {
    let still_good = |c: &CachedBody| {
        c.body == input.body
            && c.body_line == input.body_line
            && c.unsafe_html == options.unsafe_html
            && c.plain_code == options.plain_code
            && c.lookups
                .iter()
                .all(|(target, found)| targets.get(target) == found.as_ref())
            && c.names.as_ref().is_none_or(|n| n == names)
    };
    if let Some(hit) = previous
        .and_then(|p| p.get(input.path))
        .filter(|c| still_good(c))
    {
        return hit.clone();
    }
    let lookups = std::cell::RefCell::new(Vec::new());
    let output = render_body(input, options, targets, &lookups);
    let lookups: Vec<(String, Option<Target>)> = lookups.into_inner();
    let names = lookups
        .iter()
        .any(|(_, found)| found.is_none())
        .then(|| Arc::clone(names));
    CachedBody {
        body: if keep {
            input.body.to_string()
        } else {
            String::new()
        },
        body_line: input.body_line,
        unsafe_html: options.unsafe_html,
        plain_code: options.plain_code,
        lookups,
        names,
        output: Arc::new(output),
    }
}

/// Renders one body, noting in `lookups` every link target looked up and what was found.
fn render_body(
    input: &BodyInput<'_>,
    options: &markdown::Options<'_>,
    targets: &HashMap<String, Target>,
    lookups: &std::cell::RefCell<Vec<(String, Option<Target>)>>,
) -> BodyOutput {
    let BodyInput {
        path,
        body,
        body_line,
    } = *input;
    let dir = parent_dir(path);
    let fragment_links = std::cell::RefCell::new(Vec::new());
    let calls = std::cell::Cell::new(0usize);
    let resolve = |dest: &str| -> LinkRewrite {
        let call = calls.get();
        calls.set(call + 1);
        let (file, fragment) = match dest.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (dest, None),
        };
        let file = file.split('?').next().unwrap_or(file);
        let decoded = percent_decode(file);
        let Some(target) = join_relative(dir, &decoded) else {
            return LinkRewrite::Broken {
                error: format!("link `{dest}` points outside the site"),
                help: None,
            };
        };
        let found = targets.get(&target);
        lookups.borrow_mut().push((target.clone(), found.cloned()));
        match found {
            Some(Target::Url(url)) => {
                if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    fragment_links
                        .borrow_mut()
                        .push((call, target.clone(), fragment.to_string()));
                    LinkRewrite::Url(format!("{url}#{fragment}"))
                } else {
                    LinkRewrite::Url(url.clone())
                }
            }
            Some(Target::Excluded(why)) => LinkRewrite::PlainText {
                warning: format!(
                    "link to {target}, which is {why} and left out of this build, is shown as plain text"
                ),
            },
            Some(Target::Unusable) => LinkRewrite::Keep,
            None => LinkRewrite::Broken {
                error: format!("link to `{dest}`: no such file {target}"),
                help: nearest_file(&target, targets).map(|n| format!("did you mean {n}?")),
            },
        }
    };
    let rendered = markdown::render(body, options, &resolve);
    let index = LineIndex::new(body);
    let at = |offset: usize| -> Location {
        let pos = index.pos(body, offset);
        Location::at(path, Pos::new(pos.line + body_line - 1, pos.column))
    };
    let problems = rendered
        .problems
        .iter()
        .map(|p| Diagnostic {
            level: p.level,
            location: at(p.offset),
            message: p.message.clone(),
            help: p.help.clone(),
        })
        .collect();
    let mut links: Vec<FragmentLink> = fragment_links
        .into_inner()
        .into_iter()
        .map(|(call, target, fragment)| FragmentLink {
            location: at(rendered.resolved.get(call).copied().unwrap_or(0)),
            target,
            fragment,
        })
        .collect();
    // Links within the page (`#id`) must name one of its own headings too.
    links.extend(rendered.fragments.iter().map(|(offset, id)| FragmentLink {
        location: at(*offset),
        target: path.to_string(),
        fragment: percent_decode(id),
    }));
    (rendered, problems, links)
}

/// The Markdown file whose name is closest to the missing one's (names compared, not
/// whole paths, so that a shared `content/` prefix does not make any file "close").
fn nearest_file(missing: &str, targets: &HashMap<String, Target>) -> Option<String> {
    let name = |path: &str| path.rsplit('/').next().unwrap_or(path).to_string();
    let mut paths: Vec<&str> = targets.keys().map(String::as_str).collect();
    paths.sort_unstable();
    let names: Vec<String> = paths.iter().map(|p| name(p)).collect();
    let wanted = name(missing);
    let found = nearest(&wanted, names.iter().map(String::as_str))?;
    // Among files of that name, the one in the same folder if there is one.
    let dir = parent_dir(missing);
    paths
        .iter()
        .filter(|p| name(p) == found)
        .min_by_key(|p| parent_dir(p) != dir)
        .map(|p| p.to_string())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Lowercase names and aliases of config components, to their index.
fn component_lookup(config: &Config) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, c) in config.components.iter().enumerate() {
        map.insert(c.name.to_lowercase(), i);
        for alias in &c.aliases {
            map.insert(alias.to_lowercase(), i);
        }
    }
    map
}

/// A component name that is not in the config but is one typo away from a name or
/// alias there is probably that component.
fn warn_component_typos(
    config: &Config,
    uses: &[names::Use<'_>],
    lookup: &HashMap<String, usize>,
    problems: &mut Vec<Diagnostic>,
) {
    if config.components.is_empty() {
        return;
    }
    let known: Vec<&str> = config
        .components
        .iter()
        .flat_map(|c| std::iter::once(c.name.as_str()).chain(c.aliases.iter().map(String::as_str)))
        .collect();
    for u in uses {
        if lookup.contains_key(&u.spelling.to_lowercase()) {
            continue;
        }
        if let Some(near) = nearest(u.spelling, known.iter().copied()) {
            let canonical = lookup
                .get(&near.to_lowercase())
                .map_or(near, |&i| config.components[i].name.as_str());
            problems.push(
                Diagnostic::warning(
                    Location::at(u.path, u.pos),
                    format!(
                        "component `{}` looks like a typo of `{canonical}`",
                        u.spelling
                    ),
                )
                .with_help(did_you_mean(canonical)),
            );
        }
    }
}

/// Two incidents (or pages) with the same slug would overwrite each other.
fn check_duplicate_slugs(incidents: &[Incident], pages: &[Page], problems: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Incident> = BTreeMap::new();
    for incident in incidents {
        if let Some(first) = seen.get(incident.slug.value.as_str()) {
            problems.push(
                Diagnostic::error(
                    Location::at(&incident.path, incident.slug.pos),
                    format!(
                        "incident slug `{}` is already used by {}",
                        incident.slug.value, first.path
                    ),
                )
                .with_help("rename one of the files or set a different `slug:`"),
            );
        } else {
            seen.insert(&incident.slug.value, incident);
        }
    }
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in pages {
        if RESERVED_SLUGS.contains(&page.slug.value.as_str()) {
            problems.push(
                Diagnostic::error(
                    Location::at(&page.path, page.slug.pos),
                    format!("page slug `{}` is used by the site itself", page.slug.value),
                )
                .with_help(format!(
                    "choose another slug; reserved: {}",
                    RESERVED_SLUGS.join(", ")
                )),
            );
        } else if let Some(first) = seen.get(page.slug.value.as_str()) {
            problems.push(Diagnostic::error(
                Location::at(&page.path, page.slug.pos),
                format!(
                    "page slug `{}` is already used by {}",
                    page.slug.value, first.path
                ),
            ));
        } else {
            seen.insert(&page.slug.value, page);
        }
    }
}

/// Up to five incidents sharing the most components, themes and tags with each
/// incident, through an inverted index. Very common keys are sampled near the
/// incident (by date) so that the work stays linear in the library's size.
fn related_incidents(incidents: &[Entry]) -> Vec<Vec<usize>> {
    const MAX_RELATED: usize = 5;
    const FULL_SCAN: usize = 400;
    const WINDOW: usize = 100;
    let keys_of = |e: &Entry| -> Vec<(u8, usize)> {
        let mut keys: Vec<(u8, usize)> = e.components.iter().map(|&c| (0, c)).collect();
        keys.extend(e.tags.iter().map(|&t| (1, t)));
        keys.extend(
            e.lessons
                .iter()
                .flat_map(|l| l.themes.iter().map(|&t| (2, t))),
        );
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let all_keys: Vec<Vec<(u8, usize)>> = incidents.iter().map(keys_of).collect();
    let mut postings: HashMap<(u8, usize), Vec<usize>> = HashMap::new();
    for (n, keys) in all_keys.iter().enumerate() {
        for &k in keys {
            postings.entry(k).or_default().push(n);
        }
    }
    (0..incidents.len())
        .into_par_iter()
        .map_init(
            // Scores by incident, and which are set: reset after each incident.
            || (vec![0u32; incidents.len()], Vec::new()),
            |(scores, touched), n| {
                for k in &all_keys[n] {
                    let list = &postings[k];
                    let candidates: &[usize] = if list.len() <= FULL_SCAN {
                        list
                    } else {
                        let at = list.partition_point(|&m| m < n);
                        &list[at.saturating_sub(WINDOW)..(at + WINDOW).min(list.len())]
                    };
                    for &m in candidates {
                        if m != n {
                            if scores[m] == 0 {
                                touched.push(m);
                            }
                            scores[m] += 1;
                        }
                    }
                }
                let mut ranked: Vec<(u32, usize)> = touched
                    .drain(..)
                    .map(|m| (std::mem::take(&mut scores[m]), m))
                    .collect();
                let order = |a: &(u32, usize), b: &(u32, usize)| {
                    b.0.cmp(&a.0)
                        .then(a.1.abs_diff(n).cmp(&b.1.abs_diff(n)))
                        .then(a.1.cmp(&b.1))
                };
                // Only the first few are wanted: select them, then sort just those.
                if ranked.len() > MAX_RELATED {
                    ranked.select_nth_unstable_by(MAX_RELATED, order);
                    ranked.truncate(MAX_RELATED);
                }
                ranked.sort_unstable_by(order);
                // A fresh vector: collecting `ranked` by value would reuse its buffer,
                // sized for every candidate (thousands in a large library), for five
                // numbers kept until the build ends.
                ranked.iter().map(|&(_, m)| m).collect()
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_search_text_is_kept_whole() {
        assert_eq!(search_text("a short body".into()), "a short body");
    }

    #[test]
    fn long_search_text_is_cut_at_a_word() {
        let cut = search_text("word ".repeat(1000));
        assert!(cut.chars().count() <= SEARCH_TEXT_CHARS);
        assert!(cut.ends_with("word"), "{cut}");
    }

    #[test]
    fn search_text_without_spaces_is_cut_at_the_limit() {
        let cut = search_text("故障".repeat(2000));
        assert_eq!(cut.chars().count(), SEARCH_TEXT_CHARS);
    }
    use crate::{BuildOptions, LoadCache};

    /// What a build says about every body: the bodies and every problem reported.
    fn bodies(options: &BuildOptions, cache: Option<&mut LoadCache>) -> (Vec<String>, Vec<String>) {
        let loaded = crate::load(options, crate::Purpose::Build, &(), cache).unwrap();
        let library = loaded.library.unwrap();
        let body =
            |path: &str, b: &Body| format!("{path}\n{}\n{:?}\n{}", b.html, b.toc, b.plain_text);
        let mut out: Vec<String> = library
            .incidents
            .iter()
            .map(|e| body(&e.incident.path, &e.body))
            .chain(library.pages.iter().map(|p| body(&p.page.path, &p.body)))
            .collect();
        out.extend(library.incidents.iter().map(|e| e.summary.clone()));
        let problems = loaded
            .diagnostics
            .sorted()
            .iter()
            .map(|d| d.to_string())
            .collect();
        (out, problems)
    }

    #[test]
    fn cached_bodies_are_the_bodies_rendered_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let incident = |title: &str, body: &str| {
            format!("---\ntitle: {title}\ndate: 2024-01-02\nseverity: minor\n---\n{body}")
        };
        write("debrief.toml", "title = \"Cache\"\n");
        write(
            "content/incidents/a.md",
            &incident(
                "A",
                "## Start\n\nSee [b](b.md#cause), [gone](timeline.md), [here](#start), [nowhere](#none).\n\n```rust\nfn main() {}\n```\n",
            ),
        );
        write(
            "content/incidents/b.md",
            &incident("B", "## Cause\n\nText of b.\n"),
        );
        write(
            "content/pages/about.md",
            "---\ntitle: About\n---\nLinks to [a](../incidents/a.md).\n",
        );
        let options = BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        };
        let mut cache = LoadCache::new();
        let check = |cache: &mut LoadCache| {
            let cached = bodies(&options, Some(cache));
            let fresh = bodies(&options, None);
            assert_eq!(cached, fresh);
            cached
        };
        let (first, problems) = check(&mut cache);
        assert_eq!(cache.bodies.len(), 3);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no such file content/incidents/timeline.md"))
        );
        assert!(problems.iter().any(|p| p.contains("`#none`")));
        // Nothing changed: every body comes from the cache, the same.
        assert_eq!(check(&mut cache).0, first);

        // A heading of another file changes: the fragment link to it breaks.
        write(
            "content/incidents/b.md",
            &incident("B", "## Causes\n\nText of b.\n"),
        );
        let (_, problems) = check(&mut cache);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("`#cause` in content/incidents/b.md"))
        );
        // The missing file appears under a near name: the suggestion follows.
        write("content/incidents/timelines.md", &incident("T", "Body.\n"));
        let (_, problems) = check(&mut cache);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("did you mean content/incidents/timelines.md?")),
            "{problems:?}"
        );
        // The linked file goes away, then comes back as a draft; the page moves.
        std::fs::remove_file(root.join("content/incidents/b.md")).unwrap();
        check(&mut cache);
        write(
            "content/incidents/b.md",
            "---\ntitle: B\ndate: 2024-01-02\nseverity: minor\ndraft: true\n---\n## Cause\n",
        );
        let (_, problems) = check(&mut cache);
        assert!(
            problems.iter().any(|p| p.contains("which is a draft")),
            "{problems:?}"
        );
        std::fs::rename(
            root.join("content/pages/about.md"),
            root.join("content/pages/us.md"),
        )
        .unwrap();
        check(&mut cache);
        // The body's own text changes.
        write(
            "content/incidents/a.md",
            &incident("A", "## Start\n\nNew text with [b](b.md).\n"),
        );
        let (now, _) = check(&mut cache);
        // A new config: every file is parsed again under it.
        write(
            "debrief.toml",
            "title = \"Cache\"\n[markdown]\nunsafe_html = true\n",
        );
        assert_eq!(check(&mut cache).0, now);
        assert!(now.iter().any(|b| b.contains("New text with")));
        // Only this build's bodies are kept: the draft is not rendered.
        assert_eq!(cache.bodies.len(), 3);
    }
}
