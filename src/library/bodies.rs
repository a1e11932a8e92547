//! Rendering the Markdown bodies of a build, in parallel, through a [`RenderBody`]:
//! [`Fresh`] renders every body, and `debrief serve` puts its cache in front so
//! that a rebuild renders only the bodies that can have changed.
//!
//! A body's problems are located in its file here; fragment links are only
//! collected, since checking them needs every page's headings.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{self, Incident, Unparsed};
use crate::diag::{Diagnostic, LineIndex, Location, Pos};
use crate::markdown::{self, Rendered};

use super::links::{FoundFragment, Resolved, Resolver, Target, Targets, percent_decode};
use super::select::Selected;

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

/// How much of a body's plain text the library's pass collects: enough for
/// [`SEARCH_TEXT_CHARS`] and one more character of four bytes each, so that the
/// search text is the same as from the whole text.
pub(super) const PLAIN_TEXT_BYTES: usize = (SEARCH_TEXT_CHARS + 1) * 4;

/// What rendering an incident's body when its page is rendered needs, in a build
/// that does not hold every body: the library keeps neither the HTML nor the
/// Markdown (at 100,000 postmortems, 700 MB), but what the links resolve to and a
/// checksum of each body; the page reads its file again. The library's own pass
/// over the bodies, for their headings, summaries, search text, links and
/// problems, leaves code blocks unhighlighted; they are highlighted here, once.
pub struct Deferred {
    targets: Targets,
    unsafe_html: bool,
    plain_code: bool,
    highlights: markdown::highlight::Highlights,
    /// The site folder, which the incidents' paths are relative to.
    root: PathBuf,
    /// Internal sections are taken out (a public build).
    public: bool,
    /// The checksum of each incident's body as the library read it, by path.
    sums: HashMap<String, u64>,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred")
            .field("unsafe_html", &self.unsafe_html)
            .field("plain_code", &self.plain_code)
            .finish_non_exhaustive()
    }
}

impl Deferred {
    pub(super) fn new(
        targets: Targets,
        (unsafe_html, plain_code): (bool, bool),
        (root, public): (PathBuf, bool),
        sums: HashMap<String, u64>,
    ) -> Deferred {
        Deferred {
            targets,
            unsafe_html,
            plain_code,
            highlights: markdown::highlight::Highlights::new(),
            root,
            public,
            sums,
        }
    }

    /// The HTML of the body of `incident`, read from its file again: the same as a
    /// build that holds every body would have (its problems were reported by the
    /// library's pass). An error when the file cannot be read or changed since.
    pub fn html(&self, incident: &Incident) -> Result<String, String> {
        let read = content::body_from_file(&self.root, incident)
            .map_err(|e| format!("cannot read the file again to render its page: {e}"))?;
        let body = if self.public {
            crate::content::internal::strip(&read)
        } else {
            read
        };
        if self.sums.get(&incident.path) != Some(&body_sum(&body)) {
            return Err("the file changed while the site was building: build again".into());
        }
        Ok(self.render(&incident.path, &body))
    }

    fn render(&self, path: &str, body: &str) -> String {
        let options = markdown::Options {
            unsafe_html: self.unsafe_html,
            highlights: Some(&self.highlights),
            plain_code: self.plain_code,
            // The library's pass took the search text already.
            plain_text_limit: Some(0),
        };
        let resolver = Resolver::new(&self.targets, path);
        markdown::render(body, &options, &|link| resolver.resolve(link)).html
    }
}

/// Renders one body; implemented by [`Fresh`] and by `serve`'s body cache.
pub trait RenderBody: Sync {
    /// The body of `job`, rendered or taken from an earlier rendering that still holds.
    fn render(&self, job: &BodyJob<'_>) -> RenderedBody;

    /// Called once per build, after rendering, with every body of the build by path;
    /// a cache keeps them for the next build. The default keeps nothing.
    fn keep(&mut self, _bodies: &mut dyn Iterator<Item = (&str, &RenderedBody)>) {}
}

/// Renders every body afresh and keeps nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fresh;

impl RenderBody for Fresh {
    fn render(&self, job: &BodyJob<'_>) -> RenderedBody {
        job.render()
    }
}

/// One Markdown body to render, with everything its rendering reads.
pub struct BodyJob<'a> {
    path: &'a str,
    body: &'a str,
    body_line: usize,
    options: &'a markdown::Options<'a>,
    targets: &'a Targets,
}

impl BodyJob<'_> {
    /// The file the body is in, relative to the site root.
    pub fn path(&self) -> &str {
        self.path
    }

    /// Renders the body afresh.
    pub fn render(&self) -> RenderedBody {
        let (output, _) = self.render_output();
        RenderedBody {
            output: Arc::new(output),
            record: None,
        }
    }

    /// Renders the body afresh and records what the rendering read (the source text
    /// included), so that [`RenderedBody::still_holds`] can tell later.
    pub fn render_recorded(&self) -> RenderedBody {
        let (output, lookups) = self.render_output();
        let names = lookups
            .iter()
            .any(|(_, found)| found.is_none())
            .then(|| Arc::clone(self.targets.names()));
        RenderedBody {
            output: Arc::new(output),
            record: Some(Arc::new(Record {
                body: self.body.to_string(),
                body_line: self.body_line,
                unsafe_html: self.options.unsafe_html,
                plain_code: self.options.plain_code,
                lookups,
                names,
            })),
        }
    }

    fn render_output(&self) -> (BodyOutput, Vec<(String, Option<Target>)>) {
        let resolver = Resolver::new(self.targets, self.path);
        let rendered = markdown::render(self.body, self.options, &|link| resolver.resolve(link));
        let Resolved {
            lookups,
            fragments: found,
            files,
        } = resolver.finish();
        let index = LineIndex::new(self.body);
        let at = |offset: usize| -> Location {
            let pos = index.pos(self.body, offset);
            Location::at(
                self.path,
                Pos::new(pos.line + self.body_line - 1, pos.column),
            )
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
        let mut links: Vec<FragmentLink> = found
            .into_iter()
            .map(
                |FoundFragment {
                     call,
                     target,
                     fragment,
                 }| FragmentLink {
                    location: at(rendered.resolved.get(call).copied().unwrap_or(0)),
                    target,
                    fragment,
                },
            )
            .collect();
        // Links within the page (`#id`) must name one of its own headings too.
        links.extend(rendered.fragments.iter().map(|(offset, id)| FragmentLink {
            location: at(*offset),
            target: self.path.to_string(),
            fragment: percent_decode(id),
        }));
        let output = BodyOutput {
            rendered,
            problems,
            links,
            files,
        };
        (output, lookups)
    }
}

/// A rendered body, the problems found in it and its links with a fragment.
#[derive(Debug)]
pub struct BodyOutput {
    /// The body as rendered.
    pub rendered: Rendered,
    /// Problems found in it, located in its file.
    pub problems: Vec<Diagnostic>,
    /// Its links with a `#fragment`, to check against the target's headings.
    pub links: Vec<FragmentLink>,
    /// The files that are not Markdown it links or embeds (paths relative to the
    /// site root, sorted, each once): published with it.
    pub files: Vec<String>,
}

/// A link with a `#fragment` to a published file (or within the page).
#[derive(Debug, Clone)]
pub struct FragmentLink {
    /// Where the link is written.
    pub location: Location,
    /// The file linked to.
    pub target: String,
    /// The fragment, decoded.
    pub fragment: String,
}

/// A body's rendering, shared with a cache that holds it, and, when it was
/// rendered for a cache, what it was rendered from.
#[derive(Debug, Clone)]
pub struct RenderedBody {
    output: Arc<BodyOutput>,
    record: Option<Arc<Record>>,
}

/// Everything one body's rendering read: its text, first line, the Markdown options
/// and what every link in it resolved to (for a link to a missing file, the list of
/// every Markdown file, which its suggestion is picked from).
#[derive(Debug)]
struct Record {
    body: String,
    body_line: usize,
    unsafe_html: bool,
    plain_code: bool,
    lookups: Vec<(String, Option<Target>)>,
    names: Option<Arc<Vec<String>>>,
}

impl RenderedBody {
    /// Whether rendering `job` afresh would give this same result: false when it
    /// was rendered without a record.
    pub fn still_holds(&self, job: &BodyJob<'_>) -> bool {
        self.record.as_ref().is_some_and(|r| {
            r.body == job.body
                && r.body_line == job.body_line
                && r.unsafe_html == job.options.unsafe_html
                && r.plain_code == job.options.plain_code
                && r.lookups
                    .iter()
                    .all(|(target, found)| job.targets.get(target) == found.as_ref())
                && r.names.as_ref().is_none_or(|n| n == job.targets.names())
        })
    }

    /// Gives back the memory of the HTML and of the plain text past the search
    /// text, unless a cache holds them too.
    fn trim(&mut self) {
        if let Some(output) = Arc::get_mut(&mut self.output) {
            output.rendered.html = String::new();
            let text = std::mem::take(&mut output.rendered.plain_text);
            output.rendered.plain_text = search_text(text);
        }
    }

    /// The rendering, its problems and fragment links.
    pub fn output(&self) -> &BodyOutput {
        &self.output
    }

    /// The rendered body out of its `Arc`, copied only when a cache holds it too.
    pub fn into_rendered(self) -> Rendered {
        match Arc::try_unwrap(self.output) {
            Ok(output) => output.rendered,
            Err(shared) => shared.rendered.clone(),
        }
    }
}

/// The bodies of one build, in the order of the selection.
#[derive(Debug)]
pub struct RenderedBodies {
    /// One per published incident.
    pub incidents: Vec<RenderedBody>,
    /// One per published page.
    pub pages: Vec<RenderedBody>,
    /// One per file whose front-matter has errors: not published, but its links are
    /// checked all the same so that one run reports every problem.
    pub unparsed: Vec<RenderedBody>,
    /// When deferring: the checksum of each published incident's body, by path.
    pub sums: HashMap<String, u64>,
}

/// A checksum of a body, to tell whether its file changed between the library's
/// pass and its page.
fn body_sum(body: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    hasher.finish()
}

/// Renders every body of the selection and of the unparsed files, in parallel, then
/// drops the Markdown of the published ones. With `defer`, the HTML of the
/// incidents' bodies is dropped too and their checksums kept, for their pages to
/// render them again from their files ([`Deferred`]): a large library would
/// otherwise hold every body while its pages render.
pub(super) fn render_all(
    selected: &mut Selected,
    unparsed: &[Unparsed],
    options: &markdown::Options<'_>,
    targets: &Targets,
    renderer: &dyn RenderBody,
    defer: bool,
) -> RenderedBodies {
    let render = |path: &str, body: &str, body_line: usize| {
        renderer.render(&BodyJob {
            path,
            body,
            body_line,
            options,
            targets,
        })
    };
    let incidents = selected
        .incidents
        .par_iter()
        .map(|i| {
            let mut body = render(&i.path, &i.body, i.body_line);
            if defer {
                // Its page renders it again: hold none of the HTML meanwhile.
                body.trim();
            }
            body
        })
        .collect();
    let pages = selected
        .pages
        .par_iter()
        .map(|p| render(&p.path, &p.body, p.body_line))
        .collect();
    let sums = if defer {
        (selected.incidents.par_iter())
            .map(|i| (i.path.clone(), body_sum(&i.body)))
            .collect()
    } else {
        HashMap::new()
    };
    for incident in &mut selected.incidents {
        drop(std::mem::take(&mut incident.body));
    }
    for page in &mut selected.pages {
        drop(std::mem::take(&mut page.body));
    }
    let unparsed = unparsed
        .par_iter()
        .map(|u| render(&u.path, &u.body, u.body_line))
        .collect();
    RenderedBodies {
        incidents,
        pages,
        unparsed,
        sums,
    }
}

/// The body as the library keeps it; without its HTML when its page renders it.
pub(super) fn to_body(mut rendered: Rendered, keep_html: bool) -> Body {
    if !keep_html {
        rendered.html = String::new();
    }
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
}
