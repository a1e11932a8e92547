//! `debrief init`: writes a new site (config with every default, an example
//! postmortem, an about page, `.gitignore`, optionally a CI workflow), or with
//! `--eject` copies the built-in theme into a site. Never replaces a file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args as ClapArgs;

use crate::ui::{DONE, NOTE, Ui};
use debrief::adopt;
use debrief::diag::Level;
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
  debrief init adopted --from ../old-postmortems
                                      a site built from an existing folder of
                                      postmortems, its config proposed from them

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
    /// An existing folder of Markdown postmortems: copied into the new site's content/
    /// unchanged, with a debrief.toml proposed from the keys they use.
    #[arg(long, value_name = "SRC", conflicts_with_all = ["eject", "ci"])]
    pub(crate) from: Option<PathBuf>,
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
    if let Some(from) = &args.from {
        return adopt(from, &dir, ui);
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

/// `init --from`: the new site at `dir`, its content a copy of `from` and its config
/// proposed from the keys the postmortems use; then what `check` says of it.
fn adopt(from: &Path, dir: &Path, ui: Ui) -> Result<ExitCode> {
    if !from.is_dir() {
        return Err(Error::io(
            from,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder"),
        ));
    }
    let (real_from, real_dir) = (canonical(from), canonical(dir));
    if real_dir.starts_with(&real_from) || real_from.starts_with(&real_dir) {
        return Err(Error::OutputRefused {
            path: dir.to_path_buf(),
            reason: "the new site must be outside the folder it adopts, which is never written"
                .into(),
        });
    }
    let mut files = Vec::new();
    let mut markdown = Vec::new();
    let walk = walkdir::WalkDir::new(from).sort_by_file_name().into_iter();
    for entry in
        walk.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
    {
        let entry = entry.map_err(|e| Error::io(from, std::io::Error::other(e.to_string())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel: Vec<String> = (entry.path().strip_prefix(from).unwrap_or(entry.path()))
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        let path = format!("{}/{}", debrief::content::CONTENT_DIR, rel.join("/"));
        let name = path.to_ascii_lowercase();
        // A folder's README says what the folder is; it is no postmortem.
        if ["readme.md", "readme.markdown"]
            .iter()
            .any(|r| name.ends_with(&format!("/{r}")))
        {
            ui.info(format_args!(
                "  left out {}: a README is no postmortem",
                rel.join("/")
            ));
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        if debrief::content::is_markdown(&name) {
            markdown.push((path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
        }
        files.push(output::NewFile::new(path, bytes));
    }
    let others = files.len() - markdown.len();
    let proposal = adopt::propose(markdown.iter().map(|(_, text)| text.as_str()));
    let mut config = scaffold::config_toml_with_notes(&proposal.config, &proposal.notes);
    config.insert_str(
        0,
        &format!(
            "# Proposed by `debrief init --from` from the {} Markdown files of {}\n\
             # ({} with front-matter). The postmortems in content/ are copies, unchanged.\n\n",
            proposal.files,
            from.display(),
            proposal.with_front_matter
        ),
    );
    files.push(output::NewFile::new(debrief::config::CONFIG_FILE, config));
    files.extend(
        debrief::embedded::SITE_FILES
            .iter()
            .filter(|(path, _)| !path.starts_with(debrief::content::CONTENT_DIR))
            .map(|(path, text)| output::NewFile::new(*path, *text)),
    );
    let done = output::write_new_files(dir, &files)?;
    ui.info(format_args!(
        "{DONE}created{DONE:#} a site in {} from {}: {} postmortems and {others} other files copied, {} files kept as they were",
        dir.display(),
        from.display(),
        markdown.len(),
        done.kept.len(),
    ));
    for alias in &proposal.config.front_matter.aliases {
        ui.info(format_args!(
            "  {} read from {}",
            alias.field,
            alias.names.join(", ")
        ));
    }
    if let Some(severity) = &proposal.config.default_severity {
        ui.info(format_args!(
            "  files without a severity get default_severity = \"{severity}\""
        ));
    }
    if !proposal.extra_keys.is_empty() {
        let shown: Vec<&str> = proposal
            .extra_keys
            .iter()
            .take(8)
            .map(String::as_str)
            .collect();
        ui.info(format_args!(
            "  kept under incident.extra: {}{}",
            shown.join(", "),
            if proposal.extra_keys.len() > shown.len() {
                ", ..."
            } else {
                ""
            }
        ));
    }
    let options = debrief::BuildOptions {
        root: dir.to_path_buf(),
        ..debrief::BuildOptions::default()
    };
    let checked = debrief::check(&options, &())?;
    let paths: Vec<String> = markdown.into_iter().map(|(path, _)| path).collect();
    let summary = adopt::summarise(&checked.diagnostics, &paths);
    ui.info(format_args!(
        "check: {} of {} postmortems build; {} with errors, {} warnings",
        summary.building,
        paths.len(),
        summary.failing,
        summary.warnings
    ));
    for (level, problem, count) in &summary.common {
        let level = match level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        ui.info(format_args!("  {count} x {level}: {problem}"));
    }
    let serve = format!("debrief --root {}", dir.display());
    ui.info(format_args!(
        "next: `{serve} check` for every problem, `{serve} serve` to preview it"
    ));
    Ok(ExitCode::SUCCESS)
}

/// The path with links resolved, or as given when it does not exist yet.
fn canonical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    std::fs::canonicalize(&absolute).unwrap_or(absolute)
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
