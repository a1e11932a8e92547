//! The commands. Each file owns its flags and orchestrates the library calls;
//! this is the only layer that prints.

pub mod build;
pub mod check;
pub mod completions;
pub mod init;
pub mod new;
pub mod serve;

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};

use clap::Args as ClapArgs;

use crate::cli::{Cli, Command};
use crate::diag::{Diagnostic, Diagnostics, Level, Location};
use crate::library::Selection;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let result = match cli.command {
        Command::Build(args) => build::run(&cli.root, &args, ui),
        Command::Serve(args) => serve::run(&cli.root, &args, ui),
        Command::Check(args) => check::run(&cli.root, &args, ui),
        Command::New(args) => new::run(&cli.root, &args, ui),
        Command::Init(args) => init::run(&cli.root, &args, ui),
        Command::Completions(args) => completions::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let d = Diagnostic::error(Location::file(""), e.to_string());
            let _ = writeln!(anstream::stderr(), "{}", d.styled());
            ExitCode::from(1)
        }
    }
}

/// How much the commands say besides the problems they find (`--quiet`, `--verbose`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ui {
    /// Print problems only.
    pub quiet: bool,
    /// Print the stages of a build with their times.
    pub verbose: bool,
}

/// The style of the word that starts a success message (`built`, `created`).
pub const DONE: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));

/// The style of secondary text: timings, hints, files kept.
pub const NOTE: Style = Style::new().dimmed();

impl Ui {
    /// Prints a line to stderr unless `--quiet`. Styles show on a terminal only:
    /// the stream drops them when stderr is piped or `NO_COLOR` is set.
    pub fn info(&self, line: fmt::Arguments<'_>) {
        if !self.quiet {
            let _ = writeln!(anstream::stderr(), "{line}");
        }
    }

    /// Prints a line with `--verbose` only.
    pub fn detail(&self, line: fmt::Arguments<'_>) {
        if self.verbose && !self.quiet {
            let _ = writeln!(anstream::stderr(), "{line}");
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
/// They are coloured on a terminal and plain when stderr is piped, when `NO_COLOR`
/// is set or when the terminal cannot show colours (`CLICOLOR_FORCE` forces them).
pub fn print_diagnostics(diags: &Diagnostics) {
    let mut out = anstream::stderr().lock();
    for d in diags.sorted() {
        let _ = writeln!(out, "{}", d.styled());
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
