//! The `debrief` command: parse arguments, run the command, exit with its code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = debrief::cli::Cli::parse();
    debrief::cmd::run(cli)
}
