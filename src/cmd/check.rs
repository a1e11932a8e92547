//! `debrief check`: the whole pipeline, nothing written, every problem reported.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args as ClapArgs, ValueEnum};
use serde::Serialize;

use crate::cmd::SelectionArgs;
use crate::ui::{StageTimes, Ui};
use debrief::BuildOptions;
use debrief::diag::{Diagnostic, Diagnostics, Level, Location, display_path};
use debrief::error::Result;

/// How problems are printed.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(crate) enum Format {
    /// `error: PATH:LINE:COL: message` lines.
    #[default]
    Text,
    /// A JSON array for CI annotations.
    Json,
}

/// Flags of `debrief check`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief check                       every problem, each as PATH:LINE:COL
  debrief check --strict              warnings fail too, as in CI
  debrief check --format json         a JSON list for CI annotations
  debrief check --public --drafts     check what a public build with drafts includes")]
pub(crate) struct Args {
    /// Treat warnings as errors.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Which incidents to include.
    #[command(flatten)]
    pub(crate) selection: SelectionArgs,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    level: Level,
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
}

/// Checks the site; exit code 1 on errors (or warnings with `--strict`).
pub(crate) fn run(root: &Path, args: &Args, ui: Ui) -> Result<ExitCode> {
    // `--verbose` lists the stages with their times, as for `build`; no progress bar.
    let progress = StageTimes(ui);
    let build = debrief::check(
        &BuildOptions {
            root: root.to_path_buf(),
            base_url: None,
            selection: args.selection.into(),
        },
        &progress,
    );
    let build = match build {
        Ok(build) => build,
        Err(e) if matches!(args.format, Format::Json) => {
            // CI reads stdout: even a site that cannot be loaded gives a JSON answer.
            let path = e.path().map_or_else(String::new, |p| display_path(root, p));
            let mut diags = Diagnostics::new();
            diags.push(Diagnostic::error(Location::file(path), e.message()));
            print_json(&diags, ui);
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e),
    };
    let mut diags = build.diagnostics;
    if args.strict {
        diags.promote_warnings();
    }
    match args.format {
        Format::Text => {
            ui.diagnostics(&diags);
            if !diags.has_errors() {
                let n = build.site.as_ref().map_or(0, |s| s.library.incidents.len());
                ui.info(format_args!(
                    "checked {n} incident{}: no errors",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
        Format::Json => print_json(&diags, ui),
    }
    Ok(if diags.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_json(diags: &Diagnostics, ui: Ui) {
    let items: Vec<JsonDiagnostic<'_>> = diags
        .sorted()
        .into_iter()
        .map(|d| JsonDiagnostic {
            level: d.level,
            path: &d.location.path,
            line: d.location.pos.map(|p| p.line),
            column: d.location.pos.map(|p| p.column),
            message: &d.message,
            help: d.help.as_deref(),
        })
        .collect();
    let text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    ui.output(format_args!("{text}"));
}
