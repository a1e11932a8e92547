//! `debrief check`: the whole pipeline, nothing written, every problem reported.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Args as ClapArgs, ValueEnum};
use serde::Serialize;

use crate::BuildOptions;
use crate::cmd::{SelectionArgs, print_diagnostics};
use crate::diag::{Diagnostics, Level};
use crate::error::Result;

/// How problems are printed.
#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    /// `error: PATH:LINE:COL: message` lines.
    #[default]
    Text,
    /// A JSON array for CI annotations.
    Json,
}

/// Flags of `debrief check`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Which incidents to include.
    #[command(flatten)]
    pub selection: SelectionArgs,
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
pub fn run(root: &Path, args: &Args) -> Result<ExitCode> {
    let build = crate::build(&BuildOptions {
        root: root.to_path_buf(),
        base_url: None,
        selection: args.selection.into(),
    })?;
    let mut diags = build.diagnostics;
    if args.strict {
        diags.promote_warnings();
    }
    match args.format {
        Format::Text => {
            print_diagnostics(&diags);
            if !diags.has_errors() {
                let n = build.library.as_ref().map_or(0, |l| l.incidents.len());
                let _ = writeln!(std::io::stderr(), "checked {n} incidents: no errors");
            }
        }
        Format::Json => print_json(&diags),
    }
    Ok(if diags.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_json(diags: &Diagnostics) {
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
    let _ = writeln!(std::io::stdout(), "{text}");
}
