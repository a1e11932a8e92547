//! Command-line arguments (clap derive). Each command's own flags live with the
//! command in `cmd/`; this file only ties them together.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

/// Debrief builds a browsable website from a folder of Markdown postmortems.
#[derive(Debug, Parser)]
#[command(name = "debrief", version, about, long_about = None)]
#[command(
    after_help = "Examples:\n  debrief build\n  debrief build --base-url https://example.com/incidents/ --public\n  debrief serve --port 8080\n  debrief check --strict --format json"
)]
pub struct Cli {
    /// The site folder (default: the current folder).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(cmd::build::Args),
    /// Build, then serve the site on a local address.
    Serve(cmd::serve::Args),
    /// Check the content, config and templates without writing anything.
    Check(cmd::check::Args),
}

/// Checks a `--base-url` value as clap parses it, so a bad one is a usage error.
pub fn parse_base_url(value: &str) -> Result<String, String> {
    crate::config::parse_base_url(value).map(|(url, _)| url)
}
