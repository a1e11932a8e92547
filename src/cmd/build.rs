//! `debrief build`: run the pipeline, then write the plan if there was no error.
//! On a terminal a build that runs long shows a progress bar; `--verbose` lists the
//! stages with their times; a summary line ends every successful build.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args as ClapArgs;
use debrief::diag::Level;
use debrief::error::Result;
use debrief::{BuildOptions, Loaded, output};

use crate::cmd::SelectionArgs;
use crate::ui::{BuildProgress, DONE, NOTE, Ui};

/// Flags of `debrief build`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief build                          content/ -> public/
  debrief build --base-url https://example.com/incidents/
                                         for a site served under /incidents/
  debrief build --public --output site   internal incidents left out, into site/
  debrief build --drafts                 drafts included")]
pub(crate) struct Args {
    /// Where to write the site (default: public/ in the site folder).
    #[arg(long, short, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Replace the config's base_url, e.g. for a preview deployment.
    #[arg(long, value_name = "URL", value_parser = crate::cmd::parse_base_url)]
    pub(crate) base_url: Option<String>,
    /// Which incidents to include.
    #[command(flatten)]
    pub(crate) selection: SelectionArgs,
}

/// The default output folder of a site.
pub(crate) fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

/// Builds and writes the site; exit code 1 when anything is wrong.
pub(crate) fn run(root: &Path, args: &Args, ui: Ui) -> Result<ExitCode> {
    let started = Instant::now();
    let output_dir = args.output.clone().unwrap_or_else(|| default_output(root));
    output::check_output_dir(&output_dir, root)?;
    let progress = BuildProgress::new(ui);
    let options = BuildOptions {
        root: root.to_path_buf(),
        base_url: args.base_url.clone(),
        selection: args.selection.into(),
    };
    let Loaded {
        mut diagnostics,
        site,
    } = debrief::load(&options, &progress).inspect_err(|_| progress.finish())?;
    // Pages are written as they are rendered, into a staging folder that replaces
    // the previous site only if the whole build succeeds.
    let written = match &site {
        Some(site) => output::write(site, &output_dir, root, &progress, &mut diagnostics),
        None => Ok(None),
    };
    progress.finish();
    ui.diagnostics(&diagnostics);
    let (Some(written), Some(site)) = (written?, site) else {
        ui.alert(format_args!(
            "build failed; the previous output is untouched"
        ));
        return Ok(ExitCode::from(1));
    };
    let incidents = site.library.incidents.len();
    let warnings = diagnostics.count(Level::Warning);
    ui.info(format_args!(
        "{DONE}built{DONE:#} {incidents} incident{} into {}: {} pages, {} files, {warnings} warning{}, {NOTE}{} ms{NOTE:#}",
        plural(incidents),
        output_dir.display(),
        written.pages,
        written.files,
        plural(warnings),
        started.elapsed().as_millis()
    ));
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
