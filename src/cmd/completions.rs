//! `debrief completions SHELL`: prints a completion script for a shell, generated
//! from the same argument definitions the command line is parsed with.

use std::process::ExitCode;

use clap::{Args as ClapArgs, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Result;

/// Flags of `debrief completions`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief completions bash > ~/.local/share/bash-completion/completions/debrief
  debrief completions zsh > ~/.zfunc/_debrief
  debrief completions fish > ~/.config/fish/completions/debrief.fish
  debrief completions powershell >> $PROFILE")]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the script to stdout.
pub fn run(args: &Args) -> Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "debrief", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
