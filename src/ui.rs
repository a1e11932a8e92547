//! What the commands show a person: lines on stderr that `--quiet` silences and
//! `--verbose` adds to, problems in colour on a terminal, and a progress bar for
//! builds that run long. The only part of Debrief that writes to the terminal
//! (the library returns values; `clippy.toml` keeps every other module from
//! reaching for stdout or stderr).

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use debrief::diag::Diagnostics;
use debrief::progress::{Progress, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The style of the word that starts a success message (`built`, `created`).
pub(crate) const DONE: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));

/// The style of secondary text: timings, hints, files kept.
pub(crate) const NOTE: Style = Style::new().dimmed();

/// How much the commands say besides the problems they find (`--quiet`, `--verbose`).
/// Styles show on a terminal only: the stream drops them when stderr is piped, when
/// `NO_COLOR` is set or when the terminal cannot show colours (`CLICOLOR_FORCE`
/// forces them).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ui {
    /// Print problems only.
    pub(crate) quiet: bool,
    /// Print the stages of a build with their times.
    pub(crate) verbose: bool,
}

impl Ui {
    /// Prints a line to stderr unless `--quiet`.
    pub(crate) fn info(&self, line: fmt::Arguments<'_>) {
        if !self.quiet {
            let _ = writeln!(anstream::stderr(), "{line}");
        }
    }

    /// Prints a line with `--verbose` only.
    pub(crate) fn detail(&self, line: fmt::Arguments<'_>) {
        if self.verbose && !self.quiet {
            let _ = writeln!(anstream::stderr(), "{line}");
        }
    }

    /// Prints a line to stderr whatever the flags: a failure the person must see.
    pub(crate) fn alert(&self, line: fmt::Arguments<'_>) {
        let _ = writeln!(anstream::stderr(), "{line}");
    }

    /// Prints a line of the command's own output (a path, a JSON report) to stdout,
    /// whatever the flags: it is what scripts read.
    pub(crate) fn output(&self, line: fmt::Arguments<'_>) {
        let _ = writeln!(std::io::stdout(), "{line}");
    }

    /// The command's own output stream, for output written in pieces.
    pub(crate) fn stdout(&self) -> impl Write {
        std::io::stdout()
    }

    /// Prints problems to stderr, sorted, one per line with an indented help line,
    /// then how many errors and warnings there are. `--quiet` never hides them.
    pub(crate) fn diagnostics(&self, diags: &Diagnostics) {
        // Written whole, in one call: stderr has no buffer, and the report of a
        // large library, written piece by piece (and stripped of its styles piece
        // by piece when piped), took one system call per piece.
        let mut stream = anstream::stderr().lock();
        let report = match stream.current_choice() {
            anstream::ColorChoice::Never => diags.to_string(),
            _ => diags.styled().to_string(),
        };
        let _ = stream.write_all(report.as_bytes());
    }

    /// A progress bar is for people watching a terminal: never when stderr is piped,
    /// in CI (the `CI` variable that CI services set) or with `--quiet`.
    fn bar_wanted(self) -> bool {
        bar_allowed(
            self,
            std::io::stderr().is_terminal(),
            std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
        )
    }
}

fn bar_allowed(ui: Ui, terminal: bool, ci: bool) -> bool {
    terminal && !ci && !ui.quiet
}

/// With `--verbose`, prints each stage of the pipeline and its time to stderr.
pub(crate) struct StageTimes(pub(crate) Ui);

impl Progress for StageTimes {
    fn stage_done(&self, stage: Stage, took: Duration) {
        let peak = peak_memory()
            .map(|kb| format!("  peak {:>6.0} MB", kb as f64 / 1024.0))
            .unwrap_or_default();
        self.0.detail(format_args!(
            "{:<8} {NOTE}{:>9.1} ms{peak}{NOTE:#}",
            stage.name(),
            took.as_secs_f64() * 1000.0
        ));
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
/// while (on a terminal only), and with `--verbose` one line per stage.
pub(crate) struct BuildProgress {
    ui: Ui,
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl BuildProgress {
    /// The progress of a build, with a bar when `ui` and the terminal allow one.
    pub(crate) fn new(ui: Ui) -> BuildProgress {
        BuildProgress::with_bar(ui, ui.bar_wanted())
    }

    fn with_bar(ui: Ui, with_bar: bool) -> BuildProgress {
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
    pub(crate) fn finish(&self) {
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
        let progress = BuildProgress::with_bar(Ui::default(), true);
        progress.render_started(3);
        progress.page_rendered();
        assert!(!progress.shown.load(Ordering::Relaxed));
        assert_eq!(progress.bar.as_ref().map(ProgressBar::position), Some(1));
        progress.finish();
    }
}
