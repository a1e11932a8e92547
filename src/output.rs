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

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use rayon::prelude::*;

use crate::content::SOURCE_DIRS;
use crate::diag::Diagnostics;
use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};
use crate::render::{OutputFile, PageFailure, Plan, Rendered, SiteFile};
use crate::site::Site;

/// The file that marks a folder as Debrief's output.
pub const MARKER: &str = ".debrief-output";
const STAGING: &str = ".debrief-next";
const PREVIOUS: &str = ".debrief-previous";
const MARKER_TEXT: &str =
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
fn safe_relative(path: &str) -> Option<PathBuf> {
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

/// A site being written: files go into a staging folder inside the output folder as
/// soon as they are rendered (from several threads), and replace the previous site
/// only on [`Staging::commit`]. [`Staging::discard`], or a write that fails, leaves
/// the previous site exactly as it was.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Whether the output folder was created for this build: discarding a first
    /// build leaves nothing behind.
    created: bool,
    /// The output folder with symbolic links resolved.
    real_output: Option<PathBuf>,
    files: AtomicUsize,
    pages: AtomicUsize,
    /// Every file of the new site, by plan path: staged, or unchanged in place.
    site: Mutex<HashSet<String>>,
    /// The pages written as they rendered, by plan path.
    streamed: Mutex<Vec<String>>,
    /// The first write that failed; later files are not written.
    failure: Mutex<Option<Error>>,
}

impl Staging {
    /// Checks the output folder (see [`check_output_dir`]), marks it, and prepares an
    /// empty staging folder in it.
    pub fn open(output: &Path, root: &Path) -> Result<Staging> {
        check_output_dir(output, root)?;
        let created = fs::symlink_metadata(output).is_err();
        fs::create_dir_all(output).map_err(|e| Error::io(output, e))?;
        let marker = output.join(MARKER);
        if !marker.is_file() {
            fs::write(&marker, MARKER_TEXT).map_err(|e| Error::io(&marker, e))?;
        }
        let staging = output.join(STAGING);
        remove_if_present(&staging)?;
        remove_if_present(&output.join(PREVIOUS))?;
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            created,
            real_output: fs::canonicalize(output).ok(),
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            site: Mutex::new(HashSet::new()),
            streamed: Mutex::new(Vec::new()),
            failure: Mutex::new(None),
        })
    }

    /// Writes one file into the staging folder, unless the previous site has it
    /// with the same bytes. A failure is kept for [`Staging::commit`] to report, and
    /// the files after it are skipped.
    pub fn write(&self, file: &OutputFile) {
        if self.failed() {
            return;
        }
        if self.unchanged(file) {
            self.count(&file.path);
            return;
        }
        let written = self.create(&file.path).and_then(|(mut out, path)| {
            out.write_all(&file.bytes).map_err(|e| Error::io(&path, e))
        });
        if let Err(e) = written {
            self.fail(e);
        }
    }

    /// Whether the previous site holds `file` already, byte for byte.
    fn unchanged(&self, file: &OutputFile) -> bool {
        self.holds(&file.path, file.bytes.len() as u64, &file.bytes[..])
    }

    /// Whether the previous site has a file at plan path `rel` with these `len`
    /// bytes.
    fn holds(&self, rel: &str, len: u64, bytes: impl io::Read) -> bool {
        if self.created {
            return false;
        }
        let Some(rel) = safe_relative(rel) else {
            return false;
        };
        let live = self.output.join(&rel);
        match fs::symlink_metadata(&live) {
            // The file itself, not through a symbolic link on the way: the link
            // would be removed when the new site is moved in, and the file with it.
            Ok(meta) if meta.is_file() && meta.len() == len => {
                self.real_output.as_ref().is_some_and(|root| {
                    fs::canonicalize(&live).is_ok_and(|real| real == root.join(&rel))
                }) && fs::File::open(&live)
                    .and_then(|live| same_bytes(live, bytes))
                    .unwrap_or(false)
            }
            _ => false,
        }
    }

    /// Removes the pages written as they rendered whose bytes the previous site
    /// has already, so that they stay in place.
    fn drop_unchanged_streamed(&self) -> Result<()> {
        let streamed =
            std::mem::take(&mut *self.streamed.lock().unwrap_or_else(PoisonError::into_inner));
        for rel in streamed {
            let staged = self.staging.join(&rel);
            let meta = fs::metadata(&staged).map_err(|e| Error::io(&staged, e))?;
            let file = fs::File::open(&staged).map_err(|e| Error::io(&staged, e))?;
            if self.holds(&rel, meta.len(), io::BufReader::new(file)) {
                fs::remove_file(&staged).map_err(|e| Error::io(&staged, e))?;
            }
        }
        Ok(())
    }

    /// Counts the file at plan path `rel` as part of the new site.
    fn count(&self, rel: &str) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if rel.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.site
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(rel.to_string());
    }

    fn failed(&self) -> bool {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    fn fail(&self, e: Error) {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(e);
    }

    /// Creates the file at `rel` (a plan path) in the staging folder, with its
    /// folders, and counts it.
    fn create(&self, rel: &str) -> Result<(fs::File, PathBuf)> {
        let safe = safe_relative(rel).ok_or_else(|| Error::OutputRefused {
            path: self.staging.join(rel),
            reason: "an output path must stay inside the output folder".into(),
        })?;
        let path = self.staging.join(safe);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        self.count(rel);
        Ok((file, path))
    }

    /// Takes one file of the site: a large page is written as it renders, through
    /// a buffer; any other file is rendered into memory, then written.
    fn take(&self, file: SiteFile<'_>) -> Rendered {
        if !file.is_large() || self.failed() {
            let file = file.into_output()?;
            self.write(&file);
            return Ok(());
        }
        let path = file.path();
        match self.create(&path) {
            Ok((out, _)) => {
                self.streamed
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(path.clone());
                let mut out = io::BufWriter::with_capacity(1 << 16, out);
                file.write_to(&mut out)?;
                out.flush()
                    .map_err(|e| Box::new(PageFailure::write(&path, &e)))
            }
            Err(e) => {
                // The page still renders, for its template problems; writing it is
                // skipped like every file after a failure.
                self.fail(e);
                file.write_to(&mut io::sink())
            }
        }
    }

    /// Moves the staged files in place of the previous site's, and removes the files
    /// the new site no longer has, unless a write failed: then the staging folder is
    /// removed and the failure returned, naming the file as the user knows it (in the
    /// output folder, not the staging folder).
    pub fn commit(self) -> Result<Written> {
        let failure = self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(e) = failure {
            let e = match e {
                Error::Io { path, source } => Error::Io {
                    path: path
                        .strip_prefix(&self.staging)
                        .map_or(path.clone(), |rel| self.output.join(rel)),
                    source,
                },
                other => other,
            };
            self.discard();
            return Err(e);
        }
        self.drop_unchanged_streamed()?;
        move_in(&self.staging, &self.output)?;
        let site = self
            .site
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        prune(&self.output, "", &site)?;
        fs::remove_dir_all(&self.staging).map_err(|e| Error::io(&self.staging, e))?;
        Ok(Written {
            files: self.files.into_inner(),
            pages: self.pages.into_inner(),
        })
    }

    /// Removes what was staged; the previous site stays as it was. An output folder
    /// created for this build is removed too.
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.staging);
        if self.created {
            let _ = fs::remove_dir_all(&self.output);
        }
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path).map_err(|e| Error::io(path, e)),
        Ok(_) => fs::remove_file(path).map_err(|e| Error::io(path, e)),
        Err(_) => Ok(()),
    }
}

/// Whether `a` and `b` read the same bytes to their ends.
fn same_bytes(mut a: impl io::Read, mut b: impl io::Read) -> io::Result<bool> {
    let (mut x, mut y) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = read_full(&mut a, &mut x)?;
        let m = read_full(&mut b, &mut y)?;
        if x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Reads into `buf` until it is full or the reader ends; returns how much was read.
fn read_full(reader: &mut impl io::Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Moves what was staged in `from` into `to`, replacing what is there: a folder
/// that `to` lacks moves whole; one that both have is merged entry by entry.
fn move_in(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let staged_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        match fs::symlink_metadata(&target) {
            Ok(meta) if staged_dir && meta.is_dir() => move_in(&source, &target)?,
            Ok(_) => {
                remove_if_present(&target)?;
                fs::rename(&source, &target).map_err(|e| Error::io(&source, e))?;
            }
            Err(_) => fs::rename(&source, &target).map_err(|e| Error::io(&source, e))?,
        }
    }
    Ok(())
}

/// Removes from `dir` (at plan path `rel`) every file that is not part of `site`,
/// and the folders left empty; the marker and the staging folder stay. Symbolic
/// links are removed, never followed. Returns whether anything is left in `dir`.
fn prune(dir: &Path, rel: &str, site: &HashSet<String>) -> Result<bool> {
    let mut left = false;
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            remove_if_present(&path)?;
            continue;
        };
        if rel.is_empty() && [MARKER, STAGING].contains(&name) {
            left = true;
            continue;
        }
        let child = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if prune(&path, &child, site)? {
                left = true;
            } else {
                fs::remove_dir(&path).map_err(|e| Error::io(&path, e))?;
            }
        } else if site.contains(&child) {
            left = true;
        } else {
            fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(left)
}

/// What [`write_new_files`] did, by path relative to the folder written into.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NewFiles {
    /// Files that did not exist and were written.
    pub created: Vec<String>,
    /// Files that already existed and were left exactly as they were.
    pub kept: Vec<String>,
}

/// A file to create: its path relative to the site folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Path relative to the site folder, with `/` separators.
    pub path: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

impl NewFile {
    /// The file at `path` (relative to the site folder) holding `bytes`.
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> NewFile {
        NewFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Creates every file of `files` under `dir` that does not exist yet, with the
/// folders it needs. A file that exists (even empty, even a dangling symlink) is
/// kept: files are opened with "create new", so nothing is ever replaced.
pub fn write_new_files(dir: &Path, files: &[NewFile]) -> Result<NewFiles> {
    let mut done = NewFiles::default();
    for file in files {
        let rel = safe_relative(&file.path).ok_or_else(|| Error::OutputRefused {
            path: dir.join(&file.path),
            reason: "a new file must stay inside the site folder".into(),
        })?;
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let opened = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match opened {
            Ok(mut handle) => {
                use std::io::Write as _;
                handle
                    .write_all(&file.bytes)
                    .map_err(|e| Error::io(&path, e))?;
                done.created.push(file.path.clone());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                done.kept.push(file.path.clone());
            }
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(done)
}

/// The names of the entries of `dir` that are not hidden (do not start with `.`),
/// sorted; empty when `dir` does not exist. A folder holding only `.git` and the
/// like counts as empty for `debrief init`.
pub fn visible_entries(dir: &Path) -> Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
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
    fn new_files_never_replace_existing_ones() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("content")).unwrap();
        fs::write(dir.path().join("content/a.md"), "mine").unwrap();
        let file = |path: &str, text: &str| NewFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let done = write_new_files(
            dir.path(),
            &[file("content/a.md", "theirs"), file("x/y/b.md", "new")],
        )
        .unwrap();
        assert_eq!(done.created, ["x/y/b.md"]);
        assert_eq!(done.kept, ["content/a.md"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("content/a.md")).unwrap(),
            "mine"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("x/y/b.md")).unwrap(),
            "new"
        );
        assert!(write_new_files(dir.path(), &[file("../out.md", "x")]).is_err());
        assert!(!dir.path().parent().unwrap().join("out.md").exists());
    }

    #[test]
    fn hidden_entries_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            visible_entries(&dir.path().join("missing"))
                .unwrap()
                .is_empty()
        );
        fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(visible_entries(dir.path()).unwrap().is_empty());
        fs::write(dir.path().join("notes.txt"), "").unwrap();
        assert_eq!(visible_entries(dir.path()).unwrap(), ["notes.txt"]);
    }
}
