//! Command-line arguments (clap derive). Each command's own flags live with the
//! command in `cmd/`; this file only ties them together.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use debrief::diag::{Diagnostic, Location};

use crate::cmd;
use crate::ui::Ui;

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
pub(crate) struct Cli {
    /// The site folder (default: the current folder).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
    /// Print only problems: no summary and no progress bar.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Also print each stage of the build with its time.
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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

impl Cli {
    /// Runs the command and returns the process exit code: 1 when it found
    /// problems or failed, the failure printed as a problem without a location.
    pub(crate) fn run(self) -> ExitCode {
        let ui = Ui {
            quiet: self.quiet,
            verbose: self.verbose,
        };
        let root = &self.root;
        let result = match &self.command {
            Command::Build(args) => cmd::build::run(root, args, ui),
            Command::Serve(args) => cmd::serve::run(root, args, ui),
            Command::Check(args) => cmd::check::run(root, args, ui),
            Command::New(args) => cmd::new::run(root, args, ui),
            Command::Init(args) => cmd::init::run(root, args, ui),
            Command::Completions(args) => cmd::completions::run(args, Cli::command(), ui),
        };
        match result {
            Ok(code) => code,
            Err(e) => {
                let d = Diagnostic::error(Location::file(""), e.to_string());
                ui.alert(format_args!("{}", d.styled()));
                ExitCode::from(1)
            }
        }
    }
}
