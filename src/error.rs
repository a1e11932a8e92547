//! Fatal errors: problems with the environment (files that cannot be read or
//! written, a refused output folder, a port that is taken) that stop a command
//! before or after the content is looked at. Content problems are `Diagnostic`s.

use std::io;
use std::path::PathBuf;

/// A failure that stops the command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file or folder failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The output folder cannot be used.
    #[error("{}: refusing to use this output folder: {reason}", path.display())]
    OutputRefused {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The site folder has no `content/` folder.
    #[error("{}: no content folder here", path.display())]
    NoContent {
        /// The expected content folder.
        path: PathBuf,
    },
    /// `debrief init` was pointed at a folder that already holds files.
    #[error(
        "refusing to create a site in {}: the folder is not empty (--force writes the missing files and keeps every existing one)",
        path.display()
    )]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// A command that works on a site was pointed at a folder that is not one.
    #[error(
        "no site in {}: it has neither debrief.toml nor content/ (run `debrief init` to create one)",
        path.display()
    )]
    NotASite {
        /// The folder.
        path: PathBuf,
    },
    /// `debrief new` would replace a file.
    #[error("{} already exists; nothing was written (choose another title or --date)", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The server could not listen.
    #[error("cannot listen on {address}: {reason}")]
    Listen {
        /// The address asked for.
        address: String,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The file or folder the error is about, when there is one.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Io { path, .. }
            | Error::OutputRefused { path, .. }
            | Error::NoContent { path }
            | Error::NotEmpty { path }
            | Error::NotASite { path }
            | Error::Exists { path } => Some(path),
            Error::Listen { .. } => None,
        }
    }

    /// What went wrong, without the path that [`Error::path`] gives: for a report
    /// that shows the path apart (`check --format json`).
    pub fn message(&self) -> String {
        let text = self.to_string();
        match self.path() {
            Some(path) => text
                .strip_prefix(&format!("{}: ", path.display()))
                .map_or_else(|| text.clone(), str::to_string),
            None => text,
        }
    }

    /// Wraps an io error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The result of an operation that can fail fatally.
pub type Result<T, E = Error> = std::result::Result<T, E>;
