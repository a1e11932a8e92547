//! `debrief completions SHELL`: prints a completion script for a shell, generated
//! from the same argument definitions the command line is parsed with.

use std::process::ExitCode;

use clap::Args as ClapArgs;
use clap_complete::Shell;

use debrief::error::Result;

use crate::ui::Ui;

/// Flags of `debrief completions`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief completions bash > ~/.local/share/bash-completion/completions/debrief
  debrief completions zsh > ~/.zfunc/_debrief
  debrief completions fish > ~/.config/fish/completions/debrief.fish
  debrief completions powershell >> $PROFILE")]
pub(crate) struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

/// Writes the script for `command`, the whole command line's definition, to stdout.
pub(crate) fn run(args: &Args, mut command: clap::Command, ui: Ui) -> Result<ExitCode> {
    clap_complete::generate(args.shell, &mut command, "debrief", &mut ui.stdout());
    Ok(ExitCode::SUCCESS)
}
