//! `debrief build`: run the pipeline, then write the plan if there was no error.
//! On a terminal a build that runs long shows a progress bar; `--verbose` lists the
//! stages with their times; a summary line ends every successful build.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args as ClapArgs;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cmd::{DONE, NOTE, SelectionArgs, Ui, print_diagnostics};
use crate::diag::Level;
use crate::error::Result;
use crate::progress::{Progress, Stage};
use crate::{BuildOptions, output};

/// Flags of `debrief build`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief build                          content/ -> public/
  debrief build --base-url https://example.com/incidents/
                                         for a site served under /incidents/
  debrief build --public --output site   internal incidents left out, into site/
  debrief build --drafts                 drafts included")]
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
pub fn run(root: &Path, args: &Args, ui: Ui) -> Result<ExitCode> {
    let started = Instant::now();
    let output_dir = args.output.clone().unwrap_or_else(|| default_output(root));
    output::check_output_dir(&output_dir, root)?;
    let progress = BuildProgress::new(ui, bar_wanted(ui));
    // Pages are written as they are rendered, into a staging folder that replaces
    // the previous site only if the whole build succeeds.
    let staging = output::Staging::open(&output_dir, root)?;
    let build = crate::build_into(
        &BuildOptions {
            root: root.to_path_buf(),
            base_url: args.base_url.clone(),
            selection: args.selection.into(),
        },
        &progress,
        &staging,
    );
    let build = match build {
        Ok(build) => build,
        Err(e) => {
            staging.discard();
            progress.finish();
            return Err(e);
        }
    };
    if build.plan.is_none() {
        staging.discard();
        progress.finish();
        print_diagnostics(&build.diagnostics);
        let _ = writeln!(
            std::io::stderr(),
            "build failed; the previous output is untouched"
        );
        return Ok(ExitCode::from(1));
    };
    progress.stage_started(Stage::Write);
    let writing = Instant::now();
    let written = staging.commit();
    progress.stage_done(Stage::Write, writing.elapsed());
    progress.finish();
    print_diagnostics(&build.diagnostics);
    let written = written?;
    let incidents = build.library.as_ref().map_or(0, |l| l.incidents.len());
    let warnings = build.diagnostics.count(Level::Warning);
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

/// A progress bar is for people watching a terminal: never when stderr is piped,
/// in CI (the `CI` variable that CI services set) or with `--quiet`.
fn bar_wanted(ui: Ui) -> bool {
    bar_allowed(
        ui,
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
    )
}

fn bar_allowed(ui: Ui, terminal: bool, ci: bool) -> bool {
    terminal && !ci && !ui.quiet
}

/// With `--verbose`, prints each stage of the pipeline and its time to stderr.
pub(crate) struct StageTimes(pub(crate) Ui);

impl Progress for StageTimes {
    fn stage_done(&self, stage: Stage, took: Duration) {
        if self.0.verbose && !self.0.quiet {
            let peak = peak_memory()
                .map(|kb| format!("  peak {:>6.0} MB", kb as f64 / 1024.0))
                .unwrap_or_default();
            let _ = writeln!(
                anstream::stderr(),
                "{:<8} {NOTE}{:>9.1} ms{peak}{NOTE:#}",
                stage.name(),
                took.as_secs_f64() * 1000.0
            );
        }
    }
}

/// The most memory the process has held so far, in KiB, where the system tells it
/// (`VmHWM` on Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// How long a build runs before its progress bar appears: short builds never
/// flash one.
const SHOW_BAR_AFTER: Duration = Duration::from_millis(400);

/// Shows a build's progress: a bar that appears once the build has run for a
/// while, and with `--verbose` one line per stage.
struct BuildProgress {
    ui: Ui,
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl BuildProgress {
    fn new(ui: Ui, with_bar: bool) -> BuildProgress {
        let bar =
            with_bar.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()));
        BuildProgress {
            ui,
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// Draws the bar once the build has run long enough.
    fn reveal(&self) {
        let Some(bar) = &self.bar else { return };
        if self.started.elapsed() >= SHOW_BAR_AFTER && !self.shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Removes the bar, so that diagnostics and the summary print on a clean line.
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for BuildProgress {
    fn stage_started(&self, stage: Stage) {
        if let Some(bar) = &self.bar {
            if stage != Stage::Render
                && let Ok(style) = ProgressStyle::with_template("{spinner} {msg}")
            {
                bar.set_style(style);
            }
            bar.set_message(format!("{}...", stage.name()));
        }
        self.reveal();
    }

    fn stage_done(&self, stage: Stage, took: Duration) {
        let print = || StageTimes(self.ui).stage_done(stage, took);
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    fn render_started(&self, pages: usize) {
        if let Some(bar) = &self.bar {
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_length(pages as u64);
            bar.set_position(0);
        }
        self.reveal();
    }

    fn page_rendered(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.reveal();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bar_when_piped_in_ci_or_quiet() {
        let normal = Ui::default();
        let quiet = Ui {
            quiet: true,
            verbose: false,
        };
        assert!(bar_allowed(normal, true, false));
        assert!(!bar_allowed(normal, false, false));
        assert!(!bar_allowed(normal, true, true));
        assert!(!bar_allowed(quiet, true, false));
    }

    #[test]
    fn the_bar_stays_hidden_for_a_short_build() {
        let progress = BuildProgress::new(Ui::default(), true);
        progress.render_started(3);
        progress.page_rendered();
        assert!(!progress.shown.load(Ordering::Relaxed));
        assert_eq!(progress.bar.as_ref().map(ProgressBar::position), Some(1));
        progress.finish();
    }
}
