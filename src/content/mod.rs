//! Loading: walks `content/`, reads every Markdown file, and parses it into an
//! `Incident` (or a `Page` under `content/pages/`).
//!
//! This is the only module that reads the site's files. It never renders
//! Markdown: bodies are kept as text for the `markdown` module.

mod aliases;
mod attachments;
mod de;
mod fields;
pub mod front_matter;
mod ids;
pub mod incident;
pub mod internal;
mod lint;
mod raw;
mod time;
mod validate;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Config, parse_config};
use crate::diag::{Diagnostic, Diagnostics, Location, Pos, display_path};
use crate::error::{Error, Result};

pub use ids::{ComponentSlug, IncidentSlug, SeverityKey};
pub use incident::{ActionItem, ActionStatus, Incident, LessonInput, Page, Spanned, TimelineEntry};

/// The folder of postmortems, under the site root.
pub const CONTENT_DIR: &str = "content";
/// The folder of plain pages, under `content/`.
pub const PAGES_DIR: &str = "pages";
/// The folder of a site's own templates, under the site root.
pub const TEMPLATES_DIR: &str = "templates";
/// The folder of a site's own static files, under the site root.
pub const STATIC_DIR: &str = "static";
/// Every folder of a site's sources: what the output folder must never be or hold,
/// and what `serve` watches.
pub const SOURCE_DIRS: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

/// A site's own theme files: templates that override built-in ones, and static files.
#[derive(Debug, Clone, Default)]
pub struct SiteTheme {
    /// (template name, source) from the site's `templates/`.
    pub templates: Vec<(String, String)>,
    /// (path under the output root, bytes) from the site's `static/`.
    pub static_files: Vec<(String, Vec<u8>)>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Every incident that parsed, drafts and internal ones included.
    pub incidents: Vec<Incident>,
    /// Every plain page that parsed.
    pub pages: Vec<Page>,
    /// Paths (relative to the site root) of every Markdown file found, parsed or not,
    /// so that links to a broken file are not also reported as missing.
    pub markdown_files: BTreeSet<String>,
    /// Bodies of files whose front-matter has errors, so that their links are
    /// still checked in the same run.
    pub unparsed: Vec<Unparsed>,
    /// Every other file under `content/`, sorted by path: what a body may link or
    /// embed. Only the files that published pages link are published.
    pub attachments: Vec<Attachment>,
    /// The site folder the paths are relative to.
    pub root: PathBuf,
}

/// A file under `content/` that is not Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Path relative to the site root, e.g. `content/2024/dns/latency.png`.
    pub path: String,
    /// Where it is on disk.
    pub source: PathBuf,
    /// The Markdown file of the bundle it belongs to (`…/<name>/index.md`), if any.
    pub bundle: Option<String>,
    /// Its size in bytes.
    pub len: u64,
    /// Width and height in pixels, for an image whose header could be read.
    pub dimensions: Option<(u32, u32)>,
}

/// The body of a file whose front-matter could not be used.
#[derive(Debug, Clone)]
pub struct Unparsed {
    /// Path relative to the site root.
    pub path: String,
    /// The Markdown body.
    pub body: String,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// Reads `debrief.toml` if there is one. A missing file gives the defaults.
pub fn load_config(root: &Path) -> Result<(Option<Config>, Diagnostics)> {
    let path = root.join(CONFIG_FILE);
    match fs::read(&path) {
        Ok(bytes) => {
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let mut diags = Diagnostics::new();
                    diags.push(
                        Diagnostic::error(
                            Location::at(CONFIG_FILE, utf8_error_pos(&e)),
                            "the config is not valid UTF-8",
                        )
                        .with_help("save it as UTF-8"),
                    );
                    return Ok((None, diags));
                }
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let (config, mut diags) = parse_config(text, CONFIG_FILE);
            let Some(config) = config else {
                return Ok((None, diags));
            };
            let problems = aliases::check_config(&config.front_matter);
            if problems.is_empty() {
                return Ok((Some(config), diags));
            }
            for problem in problems {
                diags.push(problem);
            }
            Ok((None, diags))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((Some(Config::default()), Diagnostics::new()))
        }
        Err(e) => Err(Error::io(path, e)),
    }
}

/// True when `root` looks like a site: it has a `debrief.toml` or a `content/` folder.
pub fn is_site(root: &Path) -> bool {
    root.join(CONFIG_FILE).is_file() || root.join(CONTENT_DIR).is_dir()
}

/// Parses one Markdown file; implemented by [`Fresh`] and by `serve`'s parse cache,
/// which gives back a file's earlier result when its text and the config are the same.
pub trait ParseFile: Sync {
    /// The file parsed under `config`, with the problems found in it.
    fn parse(&self, file: &SourceFile, config: &Config) -> ParsedFile;

    /// Whether [`ParseFile::keep`] wants the files: when not, each file's text is
    /// dropped as soon as it is parsed, so that a large library is never held twice.
    fn keeps_files(&self) -> bool {
        false
    }

    /// The file at `path` (relative to the site root) as an earlier load read and
    /// parsed it under `config`, when `stamp` says it has not changed since; `None`
    /// to read and parse it. Asked only when [`ParseFile::keeps_files`]; the default
    /// knows no file.
    fn unchanged(
        &self,
        _path: &str,
        _stamp: FileStamp,
        _config: &Config,
    ) -> Option<(SourceFile, ParsedFile)> {
        None
    }

    /// Called once per load, after parsing, with every file of the load and its
    /// result when [`ParseFile::keeps_files`]; a cache keeps them for the next load.
    /// The default keeps nothing.
    fn keep(
        &mut self,
        _config: &Config,
        _files: &mut dyn Iterator<Item = (SourceFile, &ParsedFile)>,
    ) {
    }
}

/// Parses every file afresh and keeps nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fresh;

impl ParseFile for Fresh {
    fn parse(&self, file: &SourceFile, config: &Config) -> ParsedFile {
        file.parse(config)
    }
}

/// A file's length and modification time: what tells, without reading it, that it
/// has not changed since it was last read. Taken before reading, so that an edit
/// made while the file is read gives a newer stamp than the text read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    /// Its length in bytes.
    pub len: u64,
    /// When it was last modified.
    pub modified: SystemTime,
}

impl FileStamp {
    /// The stamp of the file at `path`; `None` when its metadata cannot be read.
    fn of(path: &Path) -> Option<FileStamp> {
        let metadata = fs::metadata(path).ok()?;
        Some(FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok()?,
        })
    }
}

/// One Markdown file read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the site root.
    path: String,
    stem: String,
    is_page: bool,
    /// Shared, so that `serve`'s cache hands a file out again without copying it.
    text: Arc<String>,
    /// Its stamp, taken before it was read, when the parser keeps files.
    stamp: Option<FileStamp>,
}

impl SourceFile {
    /// Its path, relative to the site root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its length and modification time, taken before it was read; `None` when
    /// the load does not keep files.
    pub fn stamp(&self) -> Option<FileStamp> {
        self.stamp
    }

    /// Whether `other` is the same file with the same text, whatever their stamps:
    /// a file saved again unchanged (or checked out again) parses the same.
    pub fn same_text(&self, other: &SourceFile) -> bool {
        self.path == other.path
            && self.stem == other.stem
            && self.is_page == other.is_page
            && self.text == other.text
    }

    /// Parses the file under `config`.
    pub fn parse(&self, config: &Config) -> ParsedFile {
        let mut problems = Vec::new();
        let parsed = parse_file(self, config, &mut problems);
        ParsedFile { parsed, problems }
    }
}

/// What one file parsed into, with the problems found in it.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    parsed: Parsed,
    problems: Vec<Diagnostic>,
}

/// Walks `content/` and parses every Markdown file. Problems go into `diags`;
/// only a missing `content/` folder is fatal.
pub fn load_content(root: &Path, config: &Config, diags: &mut Diagnostics) -> Result<Content> {
    load_content_with(root, config, diags, &mut Fresh)
}

/// [`load_content`], parsing each file through `parser` and handing it this load's
/// files after.
pub fn load_content_with(
    root: &Path,
    config: &Config,
    diags: &mut Diagnostics,
    parser: &mut dyn ParseFile,
) -> Result<Content> {
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(Error::NoContent { path: content_dir });
    }
    let (files, attachments) = markdown_files(root, &content_dir, diags);
    let markdown_files: BTreeSet<String> = files.iter().map(|f| f.rel.clone()).collect();
    let attachments = attachments::describe(attachments, &markdown_files);
    let mut content = Content {
        markdown_files,
        attachments,
        root: root.to_path_buf(),
        ..Content::default()
    };
    // Each file is read and parsed on one thread, its text dropped at once unless
    // the parser keeps it.
    let keeps = parser.keeps_files();
    let read: Vec<Result<(Option<SourceFile>, ParsedFile), Diagnostic>> = {
        let parser = &*parser;
        files
            .into_par_iter()
            .map(|file| {
                let stamp = keeps.then(|| FileStamp::of(&file.path)).flatten();
                if let Some(stamp) = stamp
                    && let Some((kept, parsed)) = parser.unchanged(&file.rel, stamp, config)
                {
                    return Ok((Some(kept), parsed));
                }
                let file = file.read(stamp)?;
                let parsed = parser.parse(&file, config);
                Ok((keeps.then_some(file), parsed))
            })
            .collect()
    };
    let mut parsed = Vec::with_capacity(read.len());
    let mut kept = Vec::new();
    for result in read {
        match result {
            Ok((file, one)) => {
                kept.extend(file);
                parsed.push(one);
            }
            Err(problem) => diags.push(problem),
        }
    }
    if keeps {
        parser.keep(config, &mut kept.into_iter().zip(&parsed));
    }
    for ParsedFile { parsed, problems } in parsed {
        for problem in problems {
            diags.push(problem);
        }
        match parsed {
            Parsed::Incident(incident) => content.incidents.push(*incident),
            Parsed::Page(page) => content.pages.push(page),
            Parsed::Failed => {}
            Parsed::BodyOnly(unparsed) => content.unparsed.push(unparsed),
        }
    }
    Ok(content)
}

#[derive(Debug, Clone)]
enum Parsed {
    Incident(Box<Incident>),
    Page(Page),
    Failed,
    /// The front-matter has errors but the body is known.
    BodyOnly(Unparsed),
}

fn parse_file(file: &SourceFile, config: &Config, problems: &mut Vec<Diagnostic>) -> Parsed {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let split = match front_matter::split(text) {
        Ok(Some(split)) => Some(split),
        // Plain Markdown is a postmortem read with the defaults (SPEC §9).
        Ok(None) if !file.is_page && !text.trim().is_empty() => None,
        Ok(None) => {
            let (message, help) = if text.trim().is_empty() {
                (
                    "the file is empty: a postmortem needs front-matter with `title`, `date` and `severity`",
                    "write `---`, then `title: ...`, `date: ...` and `severity: ...`, then `---`; or delete the file",
                )
            } else {
                (
                    "a page needs front-matter with a `title`",
                    "start the file with `---`, then `title: ...`, then `---`",
                )
            };
            problems.push(
                Diagnostic::error(Location::at(&file.path, Pos::new(1, 1)), message)
                    .with_help(help),
            );
            return Parsed::Failed;
        }
        Err(e) => {
            problems.push(
                Diagnostic::error(Location::at(&file.path, e.pos), e.message)
                    .with_help("close the front-matter with the same fence on a line of its own"),
            );
            return Parsed::Failed;
        }
    };
    let (mut node, body, body_line) = match split {
        Some(split) => match front_matter::parse(text, &split) {
            Ok(node) => {
                let body_line = text[..split.body_offset].matches('\n').count() + 1;
                (node, split.body, body_line)
            }
            Err(e) => {
                problems.push(Diagnostic::error(
                    Location::at(&file.path, e.pos),
                    e.message,
                ));
                return Parsed::Failed;
            }
        },
        None => {
            let empty = front_matter::Node {
                pos: Pos::new(1, 1),
                value: front_matter::Value::Map(Vec::new()),
            };
            (empty, text, 1)
        }
    };
    let source = incident::Source {
        path: &file.path,
        stem: &file.stem,
        body,
        body_line,
        front_matter_pos: Pos::new(1, 1),
    };
    let body_only = || {
        Parsed::BodyOnly(Unparsed {
            path: file.path.clone(),
            body: body.to_string(),
            body_line,
        })
    };
    if file.is_page {
        return incident::parse_page(&source, &node, problems).map_or_else(body_only, Parsed::Page);
    }
    let read_from = aliases::apply(&mut node, config, &file.path, problems);
    let before = problems.len();
    let parsed = incident::parse_incident(&source, &node, config, problems);
    for problem in &mut problems[before..] {
        aliases::name_as_written(problem, &read_from);
    }
    parsed.map_or_else(body_only, |i| Parsed::Incident(Box::new(i)))
}

/// Whether a symbolic link may be followed: its target lies inside the site folder,
/// or inside the source folder being walked (which may itself be a link, e.g. a
/// `content/` kept elsewhere in a monorepo).
struct LinkPolicy {
    root: PathBuf,
    dir: PathBuf,
}

impl LinkPolicy {
    fn new(root: &Path, dir: &Path) -> LinkPolicy {
        LinkPolicy {
            root: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            dir: fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    fn allows(&self, entry: &walkdir::DirEntry) -> bool {
        entry.depth() == 0
            || !entry.path_is_symlink()
            || fs::canonicalize(entry.path())
                .is_ok_and(|t| t.starts_with(&self.root) || t.starts_with(&self.dir))
    }
}

/// Reads every `.md` file under `content/`, in a stable order, and lists the other
/// files (path on disk, path shown). Symlinks are followed only when they point
/// inside the site folder; loops are errors.
/// A Markdown file found in `content/`, not read yet.
struct FoundFile {
    path: PathBuf,
    rel: String,
    stem: String,
    is_page: bool,
}

impl FoundFile {
    /// Reads the file, whose stamp was `stamp`; an unreadable file or one that is
    /// not UTF-8 is an error.
    fn read(self, stamp: Option<FileStamp>) -> Result<SourceFile, Diagnostic> {
        let bytes = fs::read(&self.path).map_err(|e| {
            Diagnostic::error(Location::file(&self.rel), format!("cannot read: {e}"))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Diagnostic::error(
                Location::at(&self.rel, utf8_error_pos(&e)),
                "the file is not valid UTF-8",
            )
            .with_help("save it as UTF-8")
        })?;
        Ok(SourceFile {
            path: self.rel,
            stem: self.stem,
            is_page: self.is_page,
            text: Arc::new(text),
            stamp,
        })
    }
}

/// The Markdown files of `content/`, in walk order, and every other file.
fn markdown_files(
    root: &Path,
    content_dir: &Path,
    diags: &mut Diagnostics,
) -> (Vec<FoundFile>, Vec<(PathBuf, String)>) {
    let pages_dir = content_dir.join(PAGES_DIR);
    let mut files = Vec::new();
    let mut others = Vec::new();
    for (path, rel) in walk_files(root, content_dir, Hidden::Skip, diags) {
        if !is_markdown(&path.to_string_lossy()) {
            others.push((path, rel));
            continue;
        }
        let stem = match attachments::bundle_name(&rel) {
            Some(folder) => folder.to_string(),
            None => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        files.push(FoundFile {
            is_page: path.starts_with(&pages_dir),
            path,
            rel,
            stem,
        });
    }
    (files, others)
}

/// What a failed step of a folder walk means for the author: a symbolic link that
/// loops (an error: the walk cannot go on there), one that points nowhere (skipped
/// with a warning, like one that points outside the site), or a file that cannot
/// be read.
fn walk_problem(root: &Path, dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().unwrap_or(dir);
    let location = Location::file(display_path(root, path));
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if e.loop_ancestor().is_some() {
        return Diagnostic::error(
            location,
            "symbolic link loop: this link points back to a folder that contains it",
        )
        .with_help("remove the link or point it at a folder outside its own tree");
    }
    if is_link {
        return match fs::metadata(path) {
            Err(io) if io.kind() == std::io::ErrorKind::NotFound => {
                Diagnostic::warning(location, "symbolic link points to nothing and is skipped")
            }
            _ => Diagnostic::error(
                location,
                "symbolic link loop: the link resolves to itself through other links",
            )
            .with_help("remove the link or point it at a real file"),
        };
    }
    match e.io_error() {
        Some(io) => Diagnostic::error(location, format!("cannot read: {io}")),
        None => Diagnostic::error(location, format!("cannot read: {e}")),
    }
}

/// The line and column of the first byte that is not UTF-8.
fn utf8_error_pos(e: &std::string::FromUtf8Error) -> Pos {
    let offset = e.utf8_error().valid_up_to();
    let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
    crate::diag::LineIndex::new(&valid).pos(&valid, offset)
}

/// The body of `incident` as the library read it, from its file under `root`
/// again: the text after the front-matter, with the line that gave the title
/// blanked. An error when the file cannot be read or its front-matter no longer
/// closes.
pub fn body_from_file(root: &Path, incident: &Incident) -> std::io::Result<String> {
    let bytes = fs::read(root.join(&incident.path))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let body = match front_matter::split(text) {
        Ok(Some(split)) => split.body,
        Ok(None) => text,
        Err(e) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e.message,
            ));
        }
    };
    let mut body = body.to_string();
    if let Some(line) = incident.title_line {
        validate::blank_line(&mut body, line);
    }
    Ok(body)
}

/// Whether a file name or path names a Markdown file (`.md` or `.markdown`, in
/// any letter case).
pub fn is_markdown(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// The folder a site path (relative to the root, `/`-separated) lives in.
pub fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins a relative link onto a folder, resolving `.` and `..`; `None` if it climbs
/// above the site root.
pub fn join_relative(dir: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// A site's own theme: `templates/*.html|xml` by file name and every file of `static/`.
/// Both folders are optional.
pub fn load_theme(root: &Path, diags: &mut Diagnostics) -> Result<SiteTheme> {
    let mut theme = SiteTheme::default();
    let templates = root.join(TEMPLATES_DIR);
    if templates.is_dir() {
        for (path, rel) in walk_files(root, &templates, Hidden::Keep, diags) {
            let name = display_path(&templates, &path);
            // Editor swap and backup files (`.x.html.swp`, `x.html~`) and system files
            // such as `.DS_Store` are not templates.
            if name.split('/').any(|part| part.starts_with('.')) || name.ends_with('~') {
                continue;
            }
            match fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => theme.templates.push((name, text)),
                Ok(Err(e)) => diags.push(
                    Diagnostic::error(
                        Location::at(rel, utf8_error_pos(&e)),
                        "the template is not valid UTF-8",
                    )
                    .with_help("save it as UTF-8"),
                ),
                Err(e) => return Err(Error::io(path, e)),
            }
        }
    }
    let statics = root.join(STATIC_DIR);
    if statics.is_dir() {
        for (path, rel) in walk_files(root, &statics, Hidden::Keep, diags) {
            let name = display_path(&statics, &path);
            // The build keeps its marker and its staging folders under these names.
            if name.starts_with(".debrief-") {
                diags.push(
                    Diagnostic::error(
                        Location::file(rel),
                        "names starting with `.debrief-` are reserved for the build's own files",
                    )
                    .with_help("rename the file or folder"),
                );
                continue;
            }
            let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
            theme.static_files.push((name, bytes));
        }
    }
    Ok(theme)
}

/// Whether a walk leaves out the files and folders whose name starts with a dot.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hidden {
    Skip,
    Keep,
}

/// Regular files under `dir`, sorted, each with its path as shown to the author.
/// Symbolic links are followed only when they point inside the site folder (the
/// others are skipped with a warning); loops are errors.
fn walk_files(
    root: &Path,
    dir: &Path,
    hidden: Hidden,
    diags: &mut Diagnostics,
) -> Vec<(PathBuf, String)> {
    let links = LinkPolicy::new(root, dir);
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diags.push(walk_problem(root, dir, &e));
                continue;
            }
        };
        let rel = display_path(root, entry.path());
        if !links.allows(&entry) {
            diags.push(Diagnostic::warning(
                Location::file(&rel),
                "symbolic link points outside the site folder and is skipped",
            ));
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if hidden == Hidden::Skip
            && entry.depth() > 0
            && entry.file_name().to_string_lossy().starts_with('.')
        {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            files.push((entry.into_path(), rel));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_relative_resolves_dots() {
        assert_eq!(
            join_relative("content/2023", "../2020/x.md").as_deref(),
            Some("content/2020/x.md")
        );
        assert_eq!(
            join_relative("content", "./a/b.md").as_deref(),
            Some("content/a/b.md")
        );
        assert_eq!(join_relative("content", "../../x.md"), None);
    }
}
