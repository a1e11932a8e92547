//! Command-line arguments (clap derive). Each command's own flags live with the
//! command in `cmd/`; this file only ties them together.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

const EXAMPLES: &str = "\
Examples:
  debrief init my-library                 create a site with an example postmortem
  debrief new \"Checkout down\" --severity production
                                          start a postmortem in content/incidents/
  debrief serve --open                    preview the site in a browser
  debrief check --strict                  validate everything, as CI would
  debrief build --base-url https://example.com/incidents/ --public
                                          build for a sub-path, internal incidents left out
  debrief completions bash > ~/.local/share/bash-completion/completions/debrief

Documentation: docs/publishing.md, docs/reference.md and docs/templates.md in the
Debrief repository.";

/// Debrief builds a browsable website from a folder of Markdown postmortems.
#[derive(Debug, Parser)]
#[command(name = "debrief", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// The site folder (default: the current folder).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Print only problems: no summary and no progress bar.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each stage of the build with its time.
    #[arg(long, short, global = true)]
    pub verbose: bool,
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
    /// Start a new postmortem in content/incidents/.
    New(cmd::new::Args),
    /// Create a new site, or copy the built-in theme into one (--eject).
    Init(cmd::init::Args),
    /// Print a shell completion script.
    Completions(cmd::completions::Args),
}

/// Checks a `--base-url` value as clap parses it, so a bad one is a usage error.
pub fn parse_base_url(value: &str) -> Result<String, String> {
    crate::config::parse_base_url(value).map(|(url, _)| url)
}
