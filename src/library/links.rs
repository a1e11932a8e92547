//! Links between Markdown files: what a link to each file of `content/` becomes
//! (its page's URL, plain text when the file is left out of the build, or an
//! error when there is no such file), and the suggestion for a mistyped one.
//!
//! Resolving a link records what it looked up, so that a cached body can tell
//! whether its links would still resolve the same way.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::content::{join_relative, parent_dir};
use crate::diag::{did_you_mean, nearest};
use crate::markdown::LinkRewrite;

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
}

/// Every Markdown file of the site and what a link to it becomes.
#[derive(Debug)]
pub(super) struct Targets {
    map: HashMap<String, Target>,
    /// Every Markdown file, sorted: what a missing file's suggestion is picked from.
    names: Arc<Vec<String>>,
}

impl Targets {
    /// The targets of a build: every file found, with the published incidents and
    /// pages linking to their pages and the left-out incidents shown as text.
    pub(super) fn new(
        markdown_files: &BTreeSet<String>,
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
        let mut names: Vec<String> = map.keys().cloned().collect();
        names.sort_unstable();
        Targets {
            map,
            names: Arc::new(names),
        }
    }

    /// What a link to `path` becomes; `None` when there is no such file.
    pub(super) fn get(&self, path: &str) -> Option<&Target> {
        self.map.get(path)
    }

    /// Every Markdown file, sorted.
    pub(super) fn names(&self) -> &Arc<Vec<String>> {
        &self.names
    }

    /// The Markdown file whose name is closest to the missing one's (names compared,
    /// not whole paths, so that a shared `content/` prefix does not make any file
    /// "close").
    fn nearest_file(&self, missing: &str) -> Option<String> {
        let name = |path: &str| path.rsplit('/').next().unwrap_or(path).to_string();
        let paths = &self.names;
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
        }
    }

    /// What the link to `dest` (relative, to a `.md` file) becomes.
    pub(super) fn resolve(&self, dest: &str) -> LinkRewrite {
        let call = self.calls.get();
        self.calls.set(call + 1);
        let (file, fragment) = match dest.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (dest, None),
        };
        let file = file.split('?').next().unwrap_or(file);
        let decoded = percent_decode(file);
        let Some(target) = join_relative(self.dir, &decoded) else {
            return LinkRewrite::Broken {
                error: format!("link `{dest}` points outside the site"),
                help: None,
            };
        };
        let found = self.targets.get(&target);
        self.lookups
            .borrow_mut()
            .push((target.clone(), found.cloned()));
        match found {
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
            Some(Target::Unusable) => LinkRewrite::Keep,
            None => LinkRewrite::Broken {
                error: format!("link to `{dest}`: no such file {target}"),
                help: self.targets.nearest_file(&target).map(|n| did_you_mean(&n)),
            },
        }
    }

    /// Every target looked up with what was found, and every link with a fragment.
    pub(super) fn finish(self) -> (Vec<(String, Option<Target>)>, Vec<FoundFragment>) {
        (self.lookups.into_inner(), self.fragments.into_inner())
    }
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
}
