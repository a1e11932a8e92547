//! `debrief serve`: build with a local base URL, write into a preview folder,
//! and serve it until interrupted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args as ClapArgs;

use crate::cmd::{SelectionArgs, print_diagnostics};
use crate::error::Result;
use crate::serve::Server;
use crate::{BuildOptions, output};

/// Flags of `debrief serve`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The port to listen on.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    /// Where to write the preview (default: a folder in the system's temp folder).
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Which incidents to include.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Builds, then serves until the process is stopped.
pub fn run(root: &Path, args: &Args) -> Result<ExitCode> {
    let output_dir = args.output.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("debrief-serve-{}", std::process::id()))
    });
    output::check_output_dir(&output_dir, root)?;
    let address = format!("{}:{}", args.bind, args.port);
    let server = Server::bind(&output_dir, &address)?;
    let local = server.local_addr();
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if local.is_ipv6() {
        format!("[{}]", local.ip())
    } else {
        local.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", local.port());
    let build = crate::build(&BuildOptions {
        root: root.to_path_buf(),
        base_url: Some(base_url.clone()),
        selection: args.selection.into(),
    })?;
    print_diagnostics(&build.diagnostics);
    let Some(plan) = build.plan else {
        return Ok(ExitCode::from(1));
    };
    output::write_plan(&plan, &output_dir, root)?;
    let _ = writeln!(
        std::io::stderr(),
        "serving {} at {base_url} (Ctrl-C to stop)",
        output_dir.display()
    );
    if args.open {
        open_browser(&base_url);
    }
    server.run();
    Ok(ExitCode::SUCCESS)
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        let _ = writeln!(std::io::stderr(), "could not open a browser; visit {url}");
    }
}
