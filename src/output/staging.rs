//! The staging folder: a new site written beside the previous one, file by file as
//! it renders, then moved in over it (files whose bytes did not change stay in
//! place) or discarded without touching it.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::{MARKER, MARKER_TEXT, PREVIOUS, STAGING, Written, check_output_dir, safe_relative};
use crate::error::{Error, Result};
use crate::render::{OutputFile, PageFailure, Rendered, SiteFile};

/// A site being written: files go into a staging folder inside the output folder as
/// soon as they are rendered (from several threads), and replace the previous site
/// only on [`Staging::commit`]. [`Staging::discard`], or a write that fails, leaves
/// the previous site exactly as it was.
#[derive(Debug)]
pub(super) struct Staging {
    output: PathBuf,
    pub(super) staging: PathBuf,
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
    pub(super) fn open(output: &Path, root: &Path) -> Result<Staging> {
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
    pub(super) fn write(&self, file: &OutputFile) {
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
    pub(super) fn take(&self, file: SiteFile<'_>) -> Rendered {
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
    pub(super) fn commit(self) -> Result<Written> {
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
    pub(super) fn discard(self) {
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
