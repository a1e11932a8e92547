//! The commands. Each file owns its flags and orchestrates the library calls;
//! this is the only layer that prints.

pub mod build;
pub mod check;
pub mod serve;

use std::io::Write;
use std::process::ExitCode;

use clap::Args as ClapArgs;

use crate::cli::{Cli, Command};
use crate::diag::{Diagnostics, Level};
use crate::library::Selection;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(&cli.root, &args),
        Command::Serve(args) => serve::run(&cli.root, &args),
        Command::Check(args) => check::run(&cli.root, &args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Which incidents to include, shared by build, serve and check.
#[derive(Debug, Clone, Copy, ClapArgs)]
pub struct SelectionArgs {
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Leave internal incidents out (for a site published outside the company).
    #[arg(long)]
    pub public: bool,
}

impl From<SelectionArgs> for Selection {
    fn from(args: SelectionArgs) -> Selection {
        Selection {
            drafts: args.drafts,
            public_only: args.public,
        }
    }
}

/// Prints diagnostics to stderr, sorted, one per line with an indented help line.
pub fn print_diagnostics(diags: &Diagnostics) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for d in diags.sorted() {
        let _ = writeln!(out, "{d}");
    }
    let (errors, warnings) = (diags.count(Level::Error), diags.count(Level::Warning));
    if errors + warnings > 0 {
        let _ = writeln!(
            out,
            "{errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
}
