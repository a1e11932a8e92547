//! The files that `init`, `new` and `init --eject` create: written only where no
//! file exists, so that nothing is ever replaced.

use std::fs;
use std::path::Path;

use super::safe_relative;
use crate::error::{Error, Result};

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
