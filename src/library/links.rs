//! Links from a body to the files of `content/`: what a link to each Markdown file
//! becomes (its page's URL, plain text when the file is left out of the build, or
//! an error when there is no such file), where each other file is published when a
//! page links it (SPEC §8), and the suggestion for a mistyped one.
//!
//! Resolving a link records what it looked up, so that a cached body can tell
//! whether its links would still resolve the same way.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::content::{Attachment, CONTENT_DIR, is_markdown, join_relative, parent_dir};
use crate::diag::{did_you_mean, nearest};
use crate::markdown::{LinkRewrite, LocalLink};

use super::Selection;
use super::select::Selected;
use super::urls::{Urls, rel};

/// What a link to one Markdown file becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// The page the file is published as.
    Url(String),
    /// The file is an incident left out of this build, for the reason given.
    Excluded(&'static str),
    /// The file did not parse: its link is kept as written, its problem reported once.
    Unusable,
    /// A file that is not Markdown, published where a published page links it.
    File(FileTarget),
}

/// Where a file that is not Markdown is published, and what a link to it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileTarget {
    /// Its output path, relative to the site root.
    pub rel: String,
    /// The URL that links it: the output path, base path included, escaped.
    pub url: String,
    /// Where it is on disk.
    pub source: PathBuf,
    /// Its size in bytes.
    pub len: u64,
    /// Width and height in pixels, for an image.
    pub dimensions: Option<(u32, u32)>,
}

/// Files over this size get a warning where they are linked.
pub(super) const LARGE_FILE: u64 = 10 * 1000 * 1000;

/// Every file of `content/` and what a link to it becomes.
#[derive(Debug)]
pub(super) struct Targets {
    map: HashMap<String, Target>,
    /// Every file by its path in lowercase, to tell a link that differs only in
    /// letter case.
    folded: HashMap<String, String>,
    /// Every file, sorted: what a missing file's suggestion is picked from.
    names: Arc<Vec<String>>,
}

impl Targets {
    /// The targets of a build: every file found, with the published incidents and
    /// pages linking to their pages and the left-out incidents shown as text.
    pub(super) fn new(
        markdown_files: &BTreeSet<String>,
        attachments: &[Attachment],
        selected: &Selected,
        selection: Selection,
        urls: &Urls,
    ) -> Targets {
        let mut map: HashMap<String, Target> = markdown_files
            .iter()
            .map(|path| (path.clone(), Target::Unusable))
            .collect();
        for incident in &selected.excluded {
            let why = if incident.draft && !selection.drafts {
                "a draft"
            } else {
                "internal"
            };
            map.insert(incident.path.clone(), Target::Excluded(why));
        }
        for incident in &selected.incidents {
            map.insert(
                incident.path.clone(),
                Target::Url(urls.path(&rel::incident(&incident.slug.value))),
            );
        }
        for page in &selected.pages {
            map.insert(
                page.path.clone(),
                Target::Url(urls.path(&rel::page(&page.slug.value))),
            );
        }
        // A bundle's files go beside its page when the page is published; any other
        // file (a draft bundle's too, when a published page links it) under /files/.
        let mut pages: HashMap<&str, String> = HashMap::new();
        for incident in &selected.incidents {
            pages.insert(&incident.path, rel::incident(&incident.slug.value));
        }
        for page in &selected.pages {
            pages.insert(&page.path, rel::page(&page.slug.value));
        }
        for attachment in attachments {
            let beside = attachment.bundle.as_ref().and_then(|bundle| {
                let page = pages.get(bundle.as_str())?;
                let inside = attachment.path.strip_prefix(parent_dir(bundle))?;
                let inside = inside.trim_start_matches('/');
                // The page itself is the folder's index.html.
                (inside != "index.html").then(|| format!("{page}{inside}"))
            });
            let rel = beside.unwrap_or_else(|| {
                let under = attachment
                    .path
                    .strip_prefix(CONTENT_DIR)
                    .unwrap_or(&attachment.path);
                format!("{}{}", rel::FILES, under.trim_start_matches('/'))
            });
            let escaped: Vec<String> = rel.split('/').map(super::urls::escape_segment).collect();
            let target = FileTarget {
                url: urls.path(&escaped.join("/")),
                rel,
                source: attachment.source.clone(),
                len: attachment.len,
                dimensions: attachment.dimensions,
            };
            map.insert(attachment.path.clone(), Target::File(target));
        }
        let mut names: Vec<String> = map.keys().cloned().collect();
        names.sort_unstable();
        let folded = names
            .iter()
            .map(|name| (name.to_lowercase(), name.clone()))
            .collect();
        Targets {
            map,
            folded,
            names: Arc::new(names),
        }
    }

    /// What a link to `path` becomes; `None` when there is no such file.
    pub(super) fn get(&self, path: &str) -> Option<&Target> {
        self.map.get(path)
    }

    /// The file published for the attachment at `path`, if `path` is one.
    pub(super) fn file(&self, path: &str) -> Option<&FileTarget> {
        match self.map.get(path) {
            Some(Target::File(file)) => Some(file),
            _ => None,
        }
    }

    /// Every file of `content/`, sorted.
    pub(super) fn names(&self) -> &Arc<Vec<String>> {
        &self.names
    }

    /// The file whose name is closest to the missing one's, among Markdown files or
    /// among the others (names compared, not whole paths, so that a shared
    /// `content/` prefix does not make any file "close").
    fn nearest_file(&self, missing: &str) -> Option<String> {
        let name = |path: &str| path.rsplit('/').next().unwrap_or(path).to_string();
        let markdown = is_markdown(missing);
        let paths: Vec<&String> = (self.names.iter())
            .filter(|p| is_markdown(p) == markdown)
            .collect();
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
}

/// A link with a `#fragment` to another published file, found while resolving.
#[derive(Debug, Clone)]
pub(super) struct FoundFragment {
    /// Which call to [`Resolver::resolve`] found it, to locate it afterwards.
    pub call: usize,
    /// The file linked to.
    pub target: String,
    /// The fragment, as written.
    pub fragment: String,
}

/// Resolves the links of one body, noting every target looked up and every link
/// with a fragment.
pub(super) struct Resolver<'t> {
    targets: &'t Targets,
    dir: &'t str,
    calls: Cell<usize>,
    lookups: RefCell<Vec<(String, Option<Target>)>>,
    fragments: RefCell<Vec<FoundFragment>>,
    files: RefCell<Vec<String>>,
}

impl<'t> Resolver<'t> {
    /// For the body of the file at `path`.
    pub(super) fn new(targets: &'t Targets, path: &'t str) -> Resolver<'t> {
        Resolver {
            targets,
            dir: parent_dir(path),
            calls: Cell::new(0),
            lookups: RefCell::new(Vec::new()),
            fragments: RefCell::new(Vec::new()),
            files: RefCell::new(Vec::new()),
        }
    }

    /// What the link or image to `link.dest` (a relative destination) becomes.
    pub(super) fn resolve(&self, link: LocalLink<'_>) -> LinkRewrite {
        let dest = link.dest;
        let call = self.calls.get();
        self.calls.set(call + 1);
        let (file, fragment) = match dest.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (dest, None),
        };
        let file = file.split('?').next().unwrap_or(file);
        let decoded = percent_decode(file);
        if !is_markdown(&decoded) || link.image {
            return self.resolve_file(link, &decoded, &dest[file.len()..]);
        }
        let Some(target) = join_relative(self.dir, &decoded) else {
            return LinkRewrite::Broken {
                error: format!("link `{dest}` points outside the site"),
                help: None,
            };
        };
        match self.look_up(&target) {
            Some(Target::Url(url)) => {
                if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    self.fragments.borrow_mut().push(FoundFragment {
                        call,
                        target: target.clone(),
                        fragment: fragment.to_string(),
                    });
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
            Some(Target::Unusable | Target::File(_)) => LinkRewrite::Keep,
            None => LinkRewrite::Broken {
                error: format!("link to `{dest}`: no such file {target}"),
                help: self.targets.nearest_file(&target).map(|n| did_you_mean(&n)),
            },
        }
    }

    /// What a link to `target` finds, noted for the cache.
    fn look_up(&self, target: &str) -> Option<&'t Target> {
        let found = self.targets.get(target);
        self.lookups
            .borrow_mut()
            .push((target.to_string(), found.cloned()));
        found
    }

    /// What a link or image to a file that is not Markdown becomes: the file's URL
    /// (with the query and fragment as written), an error when the file is missing
    /// or outside `content/`, or the link as written when it names no file (a
    /// folder, a page of the site, a path with no extension).
    fn resolve_file(&self, link: LocalLink<'_>, decoded: &str, rest: &str) -> LinkRewrite {
        let dest = link.dest;
        let wants_file = link.image || has_file_extension(decoded);
        let content = format!("{CONTENT_DIR}/");
        let target = join_relative(self.dir, decoded).filter(|t| t.starts_with(&content));
        let Some(target) = target else {
            if !wants_file {
                return LinkRewrite::Keep;
            }
            return LinkRewrite::Broken {
                error: format!(
                    "link `{dest}` leaves content/: only files under content/ are published with the pages"
                ),
                help: Some(
                    "move the file under content/, next to the postmortem that uses it".to_string(),
                ),
            };
        };
        match self.look_up(&target) {
            Some(Target::File(file)) => {
                self.files.borrow_mut().push(target.clone());
                let warning = (file.len > LARGE_FILE).then(|| {
                    (
                        format!(
                            "{target} is {:.1} MB: files over 10 MB make the site slow to publish and to load",
                            file.len as f64 / 1e6
                        ),
                        "link a smaller copy (a cropped screenshot, an excerpt of the log), or keep the file elsewhere and link it by URL".to_string(),
                    )
                });
                LinkRewrite::File {
                    url: format!("{}{rest}", file.url),
                    dimensions: file.dimensions,
                    warning,
                }
            }
            Some(_) => LinkRewrite::Keep,
            None if !wants_file => LinkRewrite::Keep,
            None => match self.targets.folded.get(&target.to_lowercase()) {
                Some(actual) => LinkRewrite::Broken {
                    error: format!(
                        "link to `{dest}`: no such file; {actual} differs only in letter case, which web servers do not ignore"
                    ),
                    help: Some(format!("write `{}`", relative_to(self.dir, actual))),
                },
                None => LinkRewrite::Broken {
                    error: format!("link to `{dest}`: no such file {target}"),
                    help: (self.targets.nearest_file(&target))
                        .map(|n| did_you_mean(&relative_to(self.dir, &n))),
                },
            },
        }
    }

    /// Every target looked up with what was found, and every link with a fragment.
    pub(super) fn finish(self) -> Resolved {
        let mut files = self.files.into_inner();
        files.sort_unstable();
        files.dedup();
        Resolved {
            lookups: self.lookups.into_inner(),
            fragments: self.fragments.into_inner(),
            files,
        }
    }
}

/// What resolving one body's links found.
pub(super) struct Resolved {
    /// Every target looked up, with what was found.
    pub lookups: Vec<(String, Option<Target>)>,
    /// Every link with a fragment to another published file.
    pub fragments: Vec<FoundFragment>,
    /// The files that are not Markdown it links, sorted, each once.
    pub files: Vec<String>,
}

/// Whether the last segment of a path has an extension that names a file rather
/// than a page of the site (`.html` links are taken as pages).
fn has_file_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => {
            !ext.eq_ignore_ascii_case("html") && !ext.eq_ignore_ascii_case("htm")
        }
        _ => false,
    }
}

/// `path` as a link written in a file of folder `dir`.
fn relative_to(dir: &str, path: &str) -> String {
    let from: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = path.split('/').collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - shared];
    parts.extend(&to[shared..]);
    parts.join("/")
}

/// Decodes `%xx` escapes; an invalid escape is kept as written.
pub(super) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded_and_invalid_ones_kept() {
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        // An escape at the very end is decoded too.
        assert_eq!(percent_decode("postmortem%20"), "postmortem ");
        assert_eq!(percent_decode("100%.md"), "100%.md");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("caf%C3%A9.md"), "café.md");
    }

    #[test]
    fn file_extensions_tell_files_from_pages() {
        assert!(has_file_extension("latency.png"));
        assert!(has_file_extension("../logs/api.log.txt"));
        assert!(!has_file_extension("../../components/etcd/"));
        assert!(!has_file_extension("../about/index.html"));
        assert!(!has_file_extension("README"));
        assert!(!has_file_extension(".hidden"));
    }

    #[test]
    fn relative_paths_climb_to_the_shared_folder() {
        assert_eq!(relative_to("content/a", "content/a/x.png"), "x.png");
        assert_eq!(
            relative_to("content/a/b", "content/c/x.png"),
            "../../c/x.png"
        );
        assert_eq!(relative_to("content", "content/x/Y.png"), "x/Y.png");
    }
}
