//! The `debrief` command: parse arguments, run the command, exit with its code.

use std::process::ExitCode;

use clap::Parser;

/// A build allocates and frees many small values from both threads (JSON values for
/// the templates, rendered strings); mimalloc does that with less time and less
/// fragmentation than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod cmd;
// The one module that writes to the terminal (see clippy.toml).
#[allow(clippy::disallowed_methods)]
mod ui;

fn main() -> ExitCode {
    cli::Cli::parse().run()
}
