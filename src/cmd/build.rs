//! `debrief build`: run the pipeline, then write the plan if there was no error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args as ClapArgs;

use crate::cmd::{SelectionArgs, print_diagnostics};
use crate::error::Result;
use crate::{BuildOptions, output};

/// Flags of `debrief build`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Where to write the site (default: public/ in the site folder).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Replace the config's base_url, e.g. for a preview deployment.
    #[arg(long, value_name = "URL", value_parser = crate::cli::parse_base_url)]
    pub base_url: Option<String>,
    /// Which incidents to include.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// The default output folder of a site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

/// Builds and writes the site; exit code 1 when anything is wrong.
pub fn run(root: &Path, args: &Args) -> Result<ExitCode> {
    let started = Instant::now();
    let output_dir = args.output.clone().unwrap_or_else(|| default_output(root));
    output::check_output_dir(&output_dir, root)?;
    let build = crate::build(&BuildOptions {
        root: root.to_path_buf(),
        base_url: args.base_url.clone(),
        selection: args.selection.into(),
    })?;
    print_diagnostics(&build.diagnostics);
    let Some(plan) = build.plan else {
        let _ = writeln!(
            std::io::stderr(),
            "build failed; the previous output is untouched"
        );
        return Ok(ExitCode::from(1));
    };
    output::write_plan(&plan, &output_dir, root)?;
    let incidents = build.library.as_ref().map_or(0, |l| l.incidents.len());
    let _ = writeln!(
        std::io::stderr(),
        "built {incidents} incident{} into {} ({} pages, {} files) in {} ms",
        if incidents == 1 { "" } else { "s" },
        output_dir.display(),
        plan.page_count(),
        plan.files.len(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
