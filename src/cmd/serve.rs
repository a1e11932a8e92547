//! `debrief serve`: build with a local base URL, serve the site from memory, watch
//! the sources and rebuild on every change, reloading the open browser tabs. A
//! change that breaks the build keeps the last good site served, with the report
//! shown over it; nothing is written to disk.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args as ClapArgs;

use crate::BuildOptions;
use crate::cmd::{SelectionArgs, print_diagnostics};
use crate::diag::{Diagnostics, Level};
use crate::error::Result;
use crate::serve::watch::Watcher;
use crate::serve::{LiveSite, Server};

/// Flags of `debrief serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on; 0.0.0.0 makes the preview reachable from other machines.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: String,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    /// Which incidents to include.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Builds, serves, and rebuilds on every change until the process is stopped.
pub fn run(root: &Path, args: &Args) -> Result<ExitCode> {
    let site = Arc::new(LiveSite::new());
    let address = if args.bind.contains(':') && !args.bind.starts_with('[') {
        format!("[{}]:{}", args.bind, args.port)
    } else {
        format!("{}:{}", args.bind, args.port)
    };
    let server = Server::bind(&address, Arc::clone(&site))?;
    let local = server.local_addr();
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if local.is_ipv6() {
        format!("[{}]", local.ip())
    } else {
        local.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", local.port());
    let options = BuildOptions {
        root: root.to_path_buf(),
        base_url: Some(base_url.clone()),
        selection: args.selection.into(),
    };
    // Watching starts before the first build, so an edit made during it is not missed.
    let mut watcher = Watcher::new(root)?;
    // An environment failure (no content/ folder) stops here; content errors do not.
    let started = Instant::now();
    let first = crate::build(&options)?;
    report(&site, first, started, "built");
    say(format_args!(
        "serving {} at {base_url} (Ctrl-C to stop)",
        root.display()
    ));
    if args.open {
        open_browser(&base_url);
    }
    std::thread::spawn(move || {
        while let Some(changed) = watcher.next_change() {
            let started = Instant::now();
            say(format_args!("changed: {}", changed.join(", ")));
            match crate::build(&options) {
                Ok(build) => report(&site, build, started, "rebuilt"),
                Err(e) => {
                    say(format_args!("error: {e}"));
                    site.fail(format!("error: {e}"));
                }
            }
        }
    });
    server.run();
    Ok(ExitCode::SUCCESS)
}

/// Prints a build's problems and hands the result to the server: the new site, or
/// the report to show over the last good one.
fn report(site: &LiveSite, build: crate::Build, started: Instant, verb: &str) {
    print_diagnostics(&build.diagnostics);
    match build.plan {
        Some(plan) => {
            let pages = plan.page_count();
            site.publish(plan);
            say(format_args!(
                "{verb} {pages} pages in {} ms",
                started.elapsed().as_millis()
            ));
        }
        None => {
            site.fail(failure_report(&build.diagnostics));
            say(format_args!(
                "the build failed; still serving the last site that built"
            ));
        }
    }
}

/// The text the browser overlay shows: every problem as the terminal shows it.
fn failure_report(diags: &Diagnostics) -> String {
    let mut text = String::new();
    for d in diags.sorted() {
        text.push_str(&d.to_string());
        text.push('\n');
    }
    let (errors, warnings) = (diags.count(Level::Error), diags.count(Level::Warning));
    text.push_str(&format!(
        "{errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    ));
    text
}

fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    match command.arg(url).spawn() {
        // Reaped in the background, so the opener never lingers as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => say(format_args!("could not open a browser; visit {url}")),
    }
}
