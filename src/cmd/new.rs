//! `debrief new "TITLE"`: writes `content/incidents/<date>-<slug>.md` from the
//! postmortem skeleton, with the severity checked against the site's config.
//! Prints the new file's path on stdout; never replaces a file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args as ClapArgs;
use jiff::civil::Date;

use crate::ui::{DONE, Ui};
use debrief::config::Config;
use debrief::diag::{Diagnostic, Diagnostics, Location, one_of_help};
use debrief::error::{Error, Result};
use debrief::{output, scaffold};

/// Flags of `debrief new`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief new \"Checkout down after certificate expiry\"
  debrief new \"Nightly backup silently skipped\" --severity non-prod --date 2024-05-02

The severity defaults to the most severe level of the config (the first of
[[severities]]): lower it when the review agrees. The date defaults to today.")]
pub(crate) struct Args {
    /// The postmortem's title; the file name is made from it.
    #[arg(value_parser = parse_title)]
    pub(crate) title: String,
    /// A severity key of the site config (default: the most severe).
    #[arg(long, short, value_name = "KEY")]
    pub(crate) severity: Option<String>,
    /// The day the incident began (default: today, in this computer's time zone).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) date: Option<Date>,
}

/// A title must give a file name: at least one letter or digit.
fn parse_title(value: &str) -> std::result::Result<String, String> {
    if debrief::slug::slugify(value).is_empty() {
        Err("the title needs at least one letter or digit to make a file name from".into())
    } else {
        Ok(value.trim().to_string())
    }
}

/// Parses exactly `YYYY-MM-DD`.
fn parse_date(value: &str) -> std::result::Result<Date, String> {
    let well_formed = value.len() == 10
        && value.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    match value.parse::<Date>() {
        Ok(date) if well_formed => Ok(date),
        _ => Err(format!("`{value}` is not a date of the form YYYY-MM-DD")),
    }
}

/// Writes the new postmortem. Exit code 2 for an unknown severity, 1 when the
/// config has errors or the file exists.
pub(crate) fn run(root: &Path, args: &Args, ui: Ui) -> Result<ExitCode> {
    if !debrief::content::is_site(root) {
        return Err(Error::NotASite {
            path: root.to_path_buf(),
        });
    }
    let (config, diags) = debrief::content::load_config(root)?;
    let Some(config) = config else {
        ui.diagnostics(&diags);
        return Ok(ExitCode::from(1));
    };
    let severity = match choose_severity(&config, args.severity.as_deref()) {
        Ok(key) => key,
        Err(problem) => {
            ui.diagnostics(&Diagnostics::from(vec![problem]));
            return Ok(ExitCode::from(2));
        }
    };
    let date = args
        .date
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let Some(rel) = scaffold::incident_path(&args.title, date) else {
        unreachable!("the title was checked to give a file name");
    };
    let text = scaffold::new_incident(&args.title, date, &severity, &config);
    let file = scaffold::NewFile {
        path: rel.clone(),
        bytes: text.into_bytes(),
    };
    let done = output::write_new_files(root, std::slice::from_ref(&file))?;
    let path = if root == Path::new(".") {
        PathBuf::from(&rel)
    } else {
        root.join(&rel)
    };
    if done.created.is_empty() {
        return Err(Error::Exists { path });
    }
    ui.output(format_args!("{}", path.display()));
    ui.info(format_args!(
        "{DONE}created{DONE:#} a {severity} postmortem dated {date}; `debrief serve` shows it as you write"
    ));
    Ok(ExitCode::SUCCESS)
}

/// The configured spelling of the severity asked for, or the most severe one.
fn choose_severity(
    config: &Config,
    asked: Option<&str>,
) -> std::result::Result<String, Diagnostic> {
    let keys: Vec<&str> = config.severities.iter().map(|s| s.key.as_str()).collect();
    match asked {
        None => Ok(keys.first().map(|k| (*k).to_string()).unwrap_or_default()),
        Some(asked) => match config.severity(asked.trim()) {
            Some(s) => Ok(s.key.clone()),
            None => {
                let help = one_of_help(asked, &keys);
                Err(Diagnostic::error(
                    Location::file("--severity"),
                    format!("unknown severity `{asked}`"),
                )
                .with_help(help))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_year_month_day() {
        assert_eq!(parse_date("2024-05-01"), Ok(Date::new(2024, 5, 1).unwrap()));
        for bad in [
            "2024-5-1",
            "2024-13-01",
            "01.05.2024",
            "2024-05-01T10:00",
            "yesterday",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn severity_defaults_to_the_most_severe_and_keeps_the_configured_spelling() {
        let config = Config::default();
        assert_eq!(choose_severity(&config, None).unwrap(), "production");
        assert_eq!(
            choose_severity(&config, Some("Non-Prod")).unwrap(),
            "non-prod"
        );
        let problem = choose_severity(&config, Some("mnor")).unwrap_err();
        assert_eq!(
            problem.to_string(),
            "error: --severity: unknown severity `mnor`\n  help: did you mean `minor`? expected one of: production, non-prod, minor"
        );
    }
}
