//! Writing a `Plan` to the output folder, and nothing anywhere else; and creating
//! the new files of `init`, `new` and `init --eject`, never replacing a file.
//!
//! The output folder is marked with `.debrief-output` when Debrief creates it;
//! a folder that is not empty and not marked is refused, as are folders that
//! are or hold the site's sources. The new site is written into a staging
//! folder inside the output folder, page by page as it is rendered, and moved
//! in only once every file is written and the build had no error, so a failed
//! build or write leaves the previous site as it was. A file whose bytes did not
//! change is not written again: it stays in place, with its modification time, so
//! a rebuild of an unchanged library writes nothing and sync tools upload only what
//! changed.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::content::SOURCE_DIRS;
use crate::diag::Diagnostics;
use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};
use crate::render::Plan;
use crate::site::Site;

mod new_files;
mod staging;

pub use new_files::{NewFile, NewFiles, visible_entries, write_new_files};
use staging::Staging;

/// The file that marks a folder as Debrief's output.
pub const MARKER: &str = ".debrief-output";
pub(super) const STAGING: &str = ".debrief-next";
pub(super) const PREVIOUS: &str = ".debrief-previous";
pub(super) const MARKER_TEXT: &str =
    "This folder is written by `debrief build`. Its contents are replaced on every build.\n";

/// Makes `path` absolute and normal without requiring it to exist: the longest
/// existing ancestor is canonicalised (resolving symlinks) and the rest appended.
fn normalise(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path))
    };
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = fs::canonicalize(&existing) {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return absolute,
        }
    }
}

/// Refuses output folders that would destroy or mix with the sources or a user's files.
pub fn check_output_dir(output: &Path, root: &Path) -> Result<()> {
    let refuse = |reason: &str| Error::OutputRefused {
        path: output.to_path_buf(),
        reason: reason.to_string(),
    };
    let out = normalise(output);
    let root = normalise(root);
    if out == root {
        return Err(refuse("it is the site folder itself"));
    }
    if root.starts_with(&out) {
        return Err(refuse("it contains the site folder"));
    }
    for source in SOURCE_DIRS {
        // `normalise` resolves a source folder that is a symbolic link to elsewhere.
        let dir = normalise(&root.join(source));
        if out.starts_with(&dir) {
            return Err(refuse(&format!("it is inside the site's {source}/ folder")));
        }
        if dir.starts_with(&out) {
            return Err(refuse(&format!("it holds the site's {source}/ folder")));
        }
    }
    match fs::symlink_metadata(&out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(out, e)),
        Ok(meta) if !meta.is_dir() => Err(refuse("it exists and is not a folder")),
        Ok(_) => {
            let mut entries = fs::read_dir(&out).map_err(|e| Error::io(&out, e))?;
            let empty = entries.next().is_none();
            if empty || out.join(MARKER).is_file() {
                Ok(())
            } else {
                Err(refuse(&format!(
                    "it is not empty and was not made by debrief (no {MARKER} file); empty it or choose another --output"
                )))
            }
        }
    }
}

/// A plan path is safe when it is relative, `/`-separated and has only normal parts.
pub(super) fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.contains('\\') || path.contains('\0') {
        return None;
    }
    let candidate = Path::new(path);
    let first = path.split('/').next().unwrap_or_default();
    if [MARKER, STAGING, PREVIOUS].contains(&first) {
        return None;
    }
    if candidate
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        Some(candidate.to_path_buf())
    } else {
        None
    }
}

/// Renders every file of `site` into `output`, each written as soon as it is made
/// (the pages that list most of the library as they render), and replaces what a
/// previous build left there only if the whole site rendered without an error.
/// Returns `None`, the previous site untouched, when `diags` holds an error.
pub fn write(
    site: &Site,
    output: &Path,
    root: &Path,
    progress: &dyn Progress,
    diags: &mut Diagnostics,
) -> Result<Option<Written>> {
    if diags.has_errors() {
        // Nothing will be written: the pages render only for the rest of the problems.
        site.render_each(progress, diags, &|file| file.write_to(&mut io::sink()));
        return Ok(None);
    }
    let staging = Staging::open(output, root)?;
    site.render_each(progress, diags, &|file| staging.take(file));
    if site.library.public && !diags.has_errors() {
        // Nothing of a public build is published before every file is checked.
        let scan = crate::leaks::LeakScan::new(site);
        if let Err(source) = scan.scan_dir(&staging.staging) {
            let path = staging.staging.clone();
            staging.discard();
            return Err(Error::Io { path, source });
        }
        scan.report(site, root, diags);
    }
    if diags.has_errors() {
        staging.discard();
        return Ok(None);
    }
    progress.stage_started(Stage::Write);
    let started = Instant::now();
    let written = staging.commit();
    progress.stage_done(Stage::Write, started.elapsed());
    written.map(Some)
}

/// Writes the plan into `output`, replacing what a previous build left there.
pub fn write_plan(plan: &Plan, output: &Path, root: &Path) -> Result<()> {
    let staging = Staging::open(output, root)?;
    // Refuse a path that leaves the output folder before writing anything.
    if let Some(file) = plan.files.iter().find(|f| safe_relative(&f.path).is_none()) {
        let path = staging.staging.join(&file.path);
        staging.discard();
        return Err(Error::OutputRefused {
            path,
            reason: "an output path must stay inside the output folder".into(),
        });
    }
    plan.files.par_iter().for_each(|file| staging.write(file));
    staging.commit().map(|_| ())
}

/// How many files a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Every file.
    pub files: usize,
    /// HTML pages.
    pub pages: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputFile;

    fn plan(files: &[(&str, &str)]) -> Plan {
        Plan {
            files: files
                .iter()
                .map(|(p, b)| OutputFile {
                    path: (*p).into(),
                    bytes: b.as_bytes().to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn writes_marks_and_replaces() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir(site.path().join("content")).unwrap();
        let out = site.path().join("public");
        write_plan(
            &plan(&[("index.html", "one"), ("a/b/index.html", "x")]),
            &out,
            site.path(),
        )
        .unwrap();
        assert!(out.join(MARKER).is_file());
        assert_eq!(fs::read_to_string(out.join("a/b/index.html")).unwrap(), "x");
        write_plan(&plan(&[("index.html", "two")]), &out, site.path()).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("a").exists());
        assert!(!out.join(STAGING).exists() && !out.join(PREVIOUS).exists());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_unmarked_folders_and_the_sources() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir(site.path().join("content")).unwrap();
        let mine = site.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("thesis.txt"), "precious").unwrap();
        let err = write_plan(&plan(&[("index.html", "x")]), &mine, site.path()).unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        assert_eq!(
            fs::read_to_string(mine.join("thesis.txt")).unwrap(),
            "precious"
        );
        assert!(check_output_dir(site.path(), site.path()).is_err());
        assert!(check_output_dir(&site.path().join("content/out"), site.path()).is_err());
        assert!(check_output_dir(site.path().parent().unwrap(), site.path()).is_err());
        // content/ linked to a folder elsewhere: neither that folder nor a folder
        // holding it may be the output.
        #[cfg(unix)]
        {
            let elsewhere = tempfile::tempdir().unwrap();
            let real = elsewhere.path().join("data/content");
            fs::create_dir_all(&real).unwrap();
            let linked = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(&real, linked.path().join("content")).unwrap();
            let err = check_output_dir(&elsewhere.path().join("data"), linked.path()).unwrap_err();
            assert!(
                err.to_string().contains("holds the site's content/"),
                "{err}"
            );
            assert!(check_output_dir(&real.join("out"), linked.path()).is_err());
            assert!(check_output_dir(&linked.path().join("public"), linked.path()).is_ok());
        }
    }

    #[test]
    fn unsafe_paths_are_refused_before_anything_is_replaced() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write_plan(&plan(&[("index.html", "old")]), &out, site.path()).unwrap();
        for bad in [
            "../escape.html",
            "/etc/x",
            "a/../../b",
            "a\\b",
            ".debrief-next/x",
            ".debrief-output",
        ] {
            assert!(
                write_plan(
                    &plan(&[("index.html", "new"), (bad, "x")]),
                    &out,
                    site.path()
                )
                .is_err()
            );
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!site.path().join("escape.html").exists());
        assert!(!out.join(STAGING).exists());
    }

    #[test]
    fn unchanged_files_stay_and_the_rest_is_replaced_or_removed() {
        use std::os::unix::fs::MetadataExt;
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
        write_plan(
            &plan(&[
                ("index.html", "same"),
                ("a/index.html", "old"),
                ("gone/x/index.html", "bye"),
                ("kind", "a file"),
            ]),
            &out,
            site.path(),
        )
        .unwrap();
        let same = inode("index.html");
        let changed = inode("a/index.html");
        write_plan(
            &plan(&[
                ("index.html", "same"),
                ("a/index.html", "new"),
                ("b/index.html", "added"),
                ("kind/index.html", "now a folder"),
            ]),
            &out,
            site.path(),
        )
        .unwrap();
        assert_eq!(
            inode("index.html"),
            same,
            "an unchanged file is not rewritten"
        );
        assert_ne!(inode("a/index.html"), changed);
        assert_eq!(read("a/index.html"), "new");
        assert_eq!(read("b/index.html"), "added");
        assert_eq!(read("kind/index.html"), "now a folder");
        assert!(!out.join("gone").exists(), "folders left empty are removed");
        assert!(!out.join(STAGING).exists() && out.join(MARKER).is_file());

        write_plan(
            &plan(&[("index.html", "same"), ("kind", "a file again")]),
            &out,
            site.path(),
        )
        .unwrap();
        assert_eq!(read("kind"), "a file again");
        assert!(!out.join("a").exists() && !out.join("b").exists());
        let mut left: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [MARKER, "index.html", "kind"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_output_is_replaced_not_followed() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write_plan(&plan(&[("a/index.html", "x")]), &out, site.path()).unwrap();
        // Someone replaced a folder of the site by a link to one elsewhere that holds
        // the same page: the page must not be taken as already in place.
        let elsewhere = tempfile::tempdir().unwrap();
        fs::write(elsewhere.path().join("index.html"), "x").unwrap();
        fs::write(elsewhere.path().join("other.txt"), "theirs").unwrap();
        fs::remove_dir_all(out.join("a")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), out.join("a")).unwrap();
        write_plan(&plan(&[("a/index.html", "x")]), &out, site.path()).unwrap();
        let meta = fs::symlink_metadata(out.join("a")).unwrap();
        assert!(meta.is_dir(), "the link is replaced by a folder");
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "x");
        assert!(!out.join("a/other.txt").exists());
        assert_eq!(
            fs::read_to_string(elsewhere.path().join("other.txt")).unwrap(),
            "theirs"
        );
        assert!(elsewhere.path().join("index.html").is_file());
    }
}
