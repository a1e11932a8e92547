//! `debrief init`: writes a new site (config with every default, an example
//! postmortem, an about page, `.gitignore`, optionally a CI workflow), or with
//! `--eject` copies the built-in theme into a site. Never replaces a file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args as ClapArgs;

use crate::ui::{DONE, NOTE, Ui};
use debrief::error::{Error, Result};
use debrief::output::{self, NewFiles};
use debrief::scaffold::{self, Ci};

/// Flags of `debrief init`.
#[derive(Debug, ClapArgs)]
#[command(after_help = "\
Examples:
  debrief init my-library             a new site in ./my-library
  debrief init --ci github            a new site here, with a GitHub Pages workflow
  debrief init --force --ci gitlab    add a GitLab Pages pipeline to an existing site
  debrief init --eject                copy the built-in templates and static files here

Existing files are never replaced, not even with --force.")]
pub(crate) struct Args {
    /// The site folder, created when missing (default: the --root folder).
    #[arg(value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
    /// Write into a folder that is not empty: missing files are added, existing ones kept.
    #[arg(long, conflicts_with = "eject")]
    pub(crate) force: bool,
    /// Also write a workflow that publishes the site on GitHub Pages or GitLab Pages.
    #[arg(long, value_enum, value_name = "HOST", conflicts_with = "eject")]
    pub(crate) ci: Option<Ci>,
    /// Copy the built-in templates and static files into an existing site to customise them.
    #[arg(long)]
    pub(crate) eject: bool,
}

/// Writes the new site (or the ejected theme) and says what it did.
pub(crate) fn run(root: &Path, args: &Args, ui: Ui) -> Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| root.to_path_buf());
    if args.eject {
        if !debrief::content::is_site(&dir) {
            return Err(Error::NotASite { path: dir });
        }
        let done = output::write_new_files(&dir, &scaffold::theme_files())?;
        report(ui, &dir, &done);
        ui.info(format_args!(
            "{DONE}ejected{DONE:#} the built-in theme into {}: {} files written, {} kept",
            dir.display(),
            done.created.len(),
            done.kept.len()
        ));
        ui.info(format_args!(
            "{NOTE}files in templates/ and static/ replace the built-in ones of the same name; \
             delete those you do not change, so that they follow new versions of Debrief{NOTE:#}"
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if !args.force && !output::visible_entries(&dir)?.is_empty() {
        return Err(Error::NotEmpty { path: dir });
    }
    let done = output::write_new_files(&dir, &scaffold::site_files(args.ci))?;
    report(ui, &dir, &done);
    ui.info(format_args!(
        "{DONE}created{DONE:#} a site in {}: {} files written, {} kept",
        dir.display(),
        done.created.len(),
        done.kept.len()
    ));
    if let Some(ci) = args.ci {
        ui.info(format_args!(
            "{NOTE}in {}, set DEBRIEF_GIT to the git URL of the Debrief repository to install from; \
             docs/publishing.md explains the rest{NOTE:#}",
            ci.workflow().path
        ));
    }
    let serve = if dir == Path::new(".") {
        "debrief serve".to_string()
    } else {
        format!("debrief --root {} serve", dir.display())
    };
    ui.info(format_args!(
        "next: `{serve}` to preview it, `debrief new \"TITLE\"` to start a postmortem"
    ));
    Ok(ExitCode::SUCCESS)
}

/// One line per file: created, or kept because it already existed.
fn report(ui: Ui, dir: &Path, done: &NewFiles) {
    for path in &done.created {
        ui.info(format_args!("  created {}", dir.join(path).display()));
    }
    for path in &done.kept {
        ui.info(format_args!(
            "  {NOTE}kept    {} (it already exists){NOTE:#}",
            dir.join(path).display()
        ));
    }
}
