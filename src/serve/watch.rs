//! Watching a site's sources for `serve`: `content/`, `templates/`, `static/` and
//! `debrief.toml`, nothing else (not the output folder, not `.git`, not `target/`).
//! Bursts of events (an editor's save is often write + rename + chmod) are merged
//! by `notify-debouncer-full` into one change after a short quiet period. Editor
//! scratch files are ignored.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::config::CONFIG_FILE;
use crate::error::{Error, Result};

/// The folders under the site root whose changes rebuild the site.
pub const WATCHED_DIRS: [&str; 3] = crate::content::SOURCE_DIRS;

/// How long a path must stay quiet before its events count as one change. The
/// debouncer also lets out events this old while writes go on, so a steady stream
/// of writes still rebuilds.
const QUIET: Duration = Duration::from_millis(30);
/// How often the debouncer looks for events that have been quiet long enough.
const TICK: Duration = Duration::from_millis(10);

/// Watches one site folder.
pub struct Watcher {
    root: PathBuf,
    inner: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    /// The source folders with a recursive watch on them now.
    watching: BTreeSet<&'static str>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("root", &self.root)
            .field("watching", &self.watching)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// Starts watching the sources of the site at `root`. Folders that do not exist
    /// yet are picked up when they are created.
    pub fn new(root: &Path) -> Result<Watcher> {
        let root = std::path::absolute(root).map_err(|e| Error::io(root, e))?;
        let (sender, events) = channel();
        let mut inner =
            new_debouncer(QUIET, Some(TICK), sender).map_err(|e| watch_error(&root, e))?;
        // The root itself, not recursively: the config file, and source folders
        // appearing or disappearing.
        inner
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(&root, e))?;
        let mut watcher = Watcher {
            root,
            inner,
            events,
            watching: BTreeSet::new(),
        };
        watcher.watch_source_dirs()?;
        Ok(watcher)
    }

    /// Adds a recursive watch on every source folder that exists and has none yet.
    fn watch_source_dirs(&mut self) -> Result<()> {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if self.watching.contains(dir) || !path.is_dir() {
                continue;
            }
            self.inner
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| watch_error(&path, e))?;
            self.watching.insert(dir);
        }
        Ok(())
    }

    /// Blocks until a source changes and the debouncer lets the burst out, and
    /// returns the changed paths relative to the root, sorted. `None` when watching
    /// has ended.
    pub fn next_change(&mut self) -> Option<Vec<String>> {
        let mut changed = BTreeSet::new();
        while changed.is_empty() {
            let batch = self.events.recv().ok()?;
            self.collect(batch, &mut changed);
            // A burst that straddles a tick arrives in two batches: one rebuild for both.
            while let Ok(batch) = self.events.try_recv() {
                self.collect(batch, &mut changed);
            }
        }
        Some(changed.into_iter().collect())
    }

    fn collect(&mut self, batch: DebounceEventResult, changed: &mut BTreeSet<String>) {
        let events = match batch {
            Ok(events) => events,
            // Lost events (an overflowing queue) or a watch that failed: rebuild
            // anyway, since something may have changed that we did not see.
            Err(_) => {
                changed.insert(String::from("."));
                return;
            }
        };
        for event in events {
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            if event.need_rescan() {
                changed.insert(String::from("."));
            }
            for path in &event.paths {
                if let Some(rel) = relevant(&self.root, path) {
                    if WATCHED_DIRS.contains(&rel.as_str()) {
                        // A source folder was created, removed or renamed: its watch
                        // is gone or missing.
                        self.watching.remove(rel.as_str());
                    }
                    changed.insert(rel);
                }
            }
        }
        // Best effort: a folder that vanished again in between is simply not watched.
        let _ = self.watch_source_dirs();
    }
}

fn watch_error(path: &Path, error: notify::Error) -> Error {
    match error.kind {
        notify::ErrorKind::Io(source) => Error::io(path, source),
        other => Error::io(path, std::io::Error::other(format!("{other:?}"))),
    }
}

/// The path relative to `root` when a change there matters to the site: the config
/// file, or anything under a source folder that is not an editor's scratch file.
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    let is_source = WATCHED_DIRS.contains(&first.as_ref());
    if !is_source && first != CONFIG_FILE {
        return None;
    }
    let name = path.file_name()?.to_string_lossy();
    if is_scratch_file(&name) {
        return None;
    }
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(rel.join("/"))
}

/// Files that editors write next to the one being edited: swap files, backups,
/// lock files and the temporary files of atomic saves.
fn is_scratch_file(name: &str) -> bool {
    name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swo", ".swx", ".tmp", ".crswap"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || (name.starts_with('.') && name.contains(".sw"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        let cases = [
            ("/site/content/a.md", Some("content/a.md")),
            ("/site/content/2023/b.md", Some("content/2023/b.md")),
            ("/site/templates/base.html", Some("templates/base.html")),
            ("/site/static/logo.svg", Some("static/logo.svg")),
            ("/site/debrief.toml", Some("debrief.toml")),
            ("/site/content", Some("content")),
            ("/site/public/index.html", None),
            ("/site/.git/index", None),
            ("/site/target/debug/x", None),
            ("/site/notes.md", None),
            ("/elsewhere/content/a.md", None),
            ("/site/content/.a.md.swp", None),
            ("/site/content/a.md~", None),
            ("/site/content/.#a.md", None),
            ("/site/content/#a.md#", None),
            ("/site/content/4913", None),
            ("/site/debrief.toml.tmp", None),
        ];
        for (path, expected) in cases {
            assert_eq!(
                relevant(root, Path::new(path)).as_deref(),
                expected,
                "{path}"
            );
        }
    }

    #[test]
    fn reports_one_change_for_a_burst() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        let mut watcher = Watcher::new(dir.path()).unwrap();
        std::fs::write(dir.path().join("content/.a.md.swp"), "x").unwrap();
        std::fs::write(dir.path().join("content/a.md"), "one").unwrap();
        std::fs::write(dir.path().join("content/a.md"), "two").unwrap();
        std::fs::create_dir(dir.path().join("static")).unwrap();
        let change = watcher.next_change().unwrap();
        assert!(change.contains(&"content/a.md".to_string()), "{change:?}");
        assert!(!change.iter().any(|p| p.ends_with(".swp")), "{change:?}");
        // A folder created after the start is watched too.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = change.contains(&"static".to_string());
        while !seen && Instant::now() < deadline {
            seen = watcher
                .next_change()
                .unwrap()
                .contains(&"static".to_string());
        }
        assert!(seen);
        std::fs::write(dir.path().join("static/logo.svg"), "<svg/>").unwrap();
        let mut seen = false;
        while !seen {
            seen = watcher
                .next_change()
                .unwrap()
                .contains(&"static/logo.svg".to_string());
        }
    }
}
