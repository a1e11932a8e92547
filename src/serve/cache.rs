//! What `debrief serve` keeps from one build to the next, so that a rebuild
//! parses only the files that changed and renders only the bodies whose result
//! can have changed. The output is the same as a build from nothing.
//!
//! The caches plug into the pipeline's seams, `content::ParseFile` and
//! `library::RenderBody`; a plain build uses neither.

use std::collections::HashMap;

use crate::config::Config;
use crate::content::{FileStamp, ParseFile, ParsedFile, SourceFile};
use crate::library::{BodyJob, RenderBody, RenderedBody};

/// The parse and body caches of one site.
#[derive(Debug, Default)]
pub struct LoadCache {
    /// Parsed files.
    pub files: ParseCache,
    /// Rendered bodies.
    pub bodies: BodyCache,
}

impl LoadCache {
    /// An empty cache.
    pub fn new() -> LoadCache {
        LoadCache::default()
    }
}

/// Parsed files kept from one load of a site to the next. A file is taken from it
/// without being read when its length and modification time are the same and it
/// was not reported changed since (see [`ParseCache::forget`]); else when its
/// text is the same; and in both cases only under an equal config. The problems
/// found in it are kept with it. Only the last load's files are kept.
#[derive(Debug, Default)]
pub struct ParseCache {
    config: Option<Config>,
    files: HashMap<String, (SourceFile, ParsedFile)>,
}

impl ParseCache {
    /// Forgets the files at `paths` (relative to the site root) and under them, so
    /// that the next load reads them again whatever their stamps say: a file saved
    /// twice within the clock's tick, with the same length, has the same stamp
    /// twice. `.` forgets every file.
    pub fn forget(&mut self, paths: &[String]) {
        if paths.iter().any(|p| p == ".") {
            self.files.clear();
            return;
        }
        self.files.retain(|kept, _| {
            !paths.iter().any(|p| {
                kept.strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        });
    }
}

impl ParseFile for ParseCache {
    fn unchanged(
        &self,
        path: &str,
        stamp: FileStamp,
        config: &Config,
    ) -> Option<(SourceFile, ParsedFile)> {
        let (file, parsed) = self.files.get(path)?;
        (file.stamp() == Some(stamp) && self.config.as_ref() == Some(config))
            .then(|| (file.clone(), parsed.clone()))
    }

    fn parse(&self, file: &SourceFile, config: &Config) -> ParsedFile {
        if self.config.as_ref() == Some(config)
            && let Some((_, parsed)) =
                (self.files.get(file.path())).filter(|(kept, _)| kept.same_text(file))
        {
            return parsed.clone();
        }
        file.parse(config)
    }

    fn keeps_files(&self) -> bool {
        true
    }

    fn keep(
        &mut self,
        config: &Config,
        files: &mut dyn Iterator<Item = (SourceFile, &ParsedFile)>,
    ) {
        // A file this load took from the cache keeps its entry as it is: cloning
        // every parsed file again after each edit was most of a rebuild's content
        // stage in a large library.
        let mut old = std::mem::take(&mut self.files);
        if self.config.as_ref() != Some(config) {
            old.clear();
            self.config = Some(config.clone());
        }
        self.files = files
            .map(|(file, parsed)| {
                let path = file.path().to_string();
                // The file as read now, with its stamp, and what it parsed into.
                let entry = match old.remove(&path) {
                    Some((kept, parsed)) if kept.same_text(&file) => (file, parsed),
                    _ => (file, parsed.clone()),
                };
                (path, entry)
            })
            .collect();
    }
}

/// Rendered Markdown bodies kept from one build of a site to the next, each with
/// everything its rendering read (see [`RenderedBody::still_holds`]). Problems found
/// in a body are kept with it; fragment links are checked afresh on every build.
/// Only the last build's bodies are kept.
#[derive(Debug, Default)]
pub struct BodyCache {
    entries: HashMap<String, RenderedBody>,
}

impl BodyCache {
    /// How many bodies it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no body.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl RenderBody for BodyCache {
    fn render(&self, job: &BodyJob<'_>) -> RenderedBody {
        match self.entries.get(job.path()) {
            Some(kept) if kept.still_holds(job) => kept.clone(),
            _ => job.render_recorded(),
        }
    }

    fn keep(&mut self, bodies: &mut dyn Iterator<Item = (&str, &RenderedBody)>) {
        self.entries = bodies
            .map(|(path, body)| (path.to_string(), body.clone()))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuildOptions;
    use crate::library::Body;

    /// What a build says about every body: the bodies and every problem reported.
    fn bodies(options: &BuildOptions, cache: Option<&mut LoadCache>) -> (Vec<String>, Vec<String>) {
        let loaded = match cache {
            Some(cache) => crate::load_with(options, &(), &mut cache.files, &mut cache.bodies),
            None => crate::load(options, &()),
        }
        .unwrap();
        let library = &loaded.site.as_ref().unwrap().library;
        // Both render each incident's body again with its page, from what the
        // library's pass found (links, headings): a cached pass must give the same.
        let body = |path: &str, html: &str, b: &Body| {
            format!("{path}\n{html}\n{:?}\n{}", b.toc, b.plain_text)
        };
        let mut out: Vec<String> = (library.incidents.indexed())
            .map(|(n, e)| body(&e.incident.path, &library.body_html(n).unwrap(), &e.body))
            .chain((library.pages.iter()).map(|p| body(&p.page.path, &p.body.html, &p.body)))
            .collect();
        out.extend(library.incidents.iter().map(|e| e.summary.clone()));
        (out, crate::tests::problems(&loaded))
    }

    #[test]
    fn cached_bodies_are_the_bodies_rendered_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| crate::tests::write_file(root, rel, text);
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
                .any(|p| p.contains("did you mean `content/incidents/timelines.md`?")),
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

    #[test]
    fn a_file_whose_stamp_is_unchanged_is_read_again_only_once_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| crate::tests::write_file(root, rel, text);
        let incident =
            |body: &str| format!("---\ntitle: A\ndate: 2024-01-02\nseverity: minor\n---\n{body}");
        write("debrief.toml", "title = \"Cache\"\n");
        write("content/incidents/a.md", &incident("Old text.\n"));
        let options = BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        };
        let mut cache = LoadCache::new();
        let summaries = |cache: &mut LoadCache| {
            let loaded =
                crate::load_with(&options, &(), &mut cache.files, &mut cache.bodies).unwrap();
            let library = &loaded.site.unwrap().library;
            library
                .incidents
                .iter()
                .map(|e| e.summary.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(summaries(&mut cache), ["Old text."]);

        // Saved again with the same length and modification time: taken as it was.
        let path = root.join("content/incidents/a.md");
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        write("content/incidents/a.md", &incident("New text.\n"));
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(modified).unwrap();
        assert_eq!(summaries(&mut cache), ["Old text."]);

        // A folder's name that only starts the same forgets nothing under it.
        cache.files.forget(&["content/inc".to_string()]);
        assert_eq!(summaries(&mut cache), ["Old text."]);
        // Reported changed (here, through its folder): read again.
        cache.files.forget(&["content/incidents".to_string()]);
        assert_eq!(summaries(&mut cache), ["New text."]);

        // A new length is read without being reported.
        write("content/incidents/a.md", &incident("Newer, longer text.\n"));
        assert_eq!(summaries(&mut cache), ["Newer, longer text."]);
        // Saved again unchanged, later: kept under its new stamp.
        let later = std::fs::metadata(&path).unwrap().modified().unwrap()
            + std::time::Duration::from_secs(5);
        write("content/incidents/a.md", &incident("Newer, longer text.\n"));
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(later).unwrap();
        assert_eq!(summaries(&mut cache), ["Newer, longer text."]);
        let kept = &cache.files.files["content/incidents/a.md"].0;
        assert_eq!(kept.stamp().map(|s| s.modified), Some(later));
        // `.` forgets every file.
        cache.files.forget(&[".".to_string()]);
        assert!(cache.files.files.is_empty());
        assert_eq!(summaries(&mut cache), ["Newer, longer text."]);
    }
}
