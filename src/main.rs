//! The `debrief` command: parse arguments, run the command, exit with its code.

use std::process::ExitCode;

use clap::Parser;

/// A build allocates and frees many small values from both threads (JSON values for
/// the templates, rendered strings); mimalloc does that with less time and less
/// fragmentation than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = debrief::cli::Cli::parse();
    debrief::cmd::run(cli)
}
