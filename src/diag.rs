//! Located problems in a site: `Diagnostic`, the collector `Diagnostics`, and
//! `LineIndex`, which turns byte offsets into the line and column users see.
//!
//! Nothing here prints: the command layer decides how diagnostics are shown.

use std::fmt;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The build cannot succeed.
    Error,
    /// The build goes on; `--strict` turns it into an error.
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Pos {
    /// Line, counted from 1 at the file's first line.
    pub line: usize,
    /// Column, counted from 1 in characters.
    pub column: usize,
}

impl Pos {
    /// A position from a line and column, both 1-based.
    pub fn new(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }
}

/// Where a problem is: a path relative to the site root and, when known, a position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    /// Line and column, when the problem has a position.
    pub pos: Option<Pos>,
}

impl Location {
    /// A location in a file with no particular position.
    pub fn file(path: impl Into<String>) -> Location {
        Location {
            path: path.into(),
            pos: None,
        }
    }

    /// A location at a position of a file.
    pub fn at(path: impl Into<String>, pos: Pos) -> Location {
        Location {
            path: path.into(),
            pos: Some(pos),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{}:{}:{}", self.path, pos.line, pos.column),
            None => f.write_str(&self.path),
        }
    }
}

/// One problem found in the site, for the people who write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// Where it is.
    pub location: Location,
    /// What is wrong, lowercase and without a trailing period.
    pub message: String,
    /// The nearest valid value or how to fix it, when there is one.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            location,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at a location.
    pub fn warning(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            location,
            message: message.into(),
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `error: PATH:LINE:COL: message`, then `  help: ...` on its own line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl Diagnostic {
    /// The same text as `Display`, with ANSI styles for a terminal: the level in
    /// bold red (error) or yellow (warning), `help:` in bold cyan. The command layer
    /// prints it through a stream that drops the styles when they are not wanted.
    pub fn styled(&self) -> impl fmt::Display + '_ {
        Styled(self)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, colour: bool) -> fmt::Result {
        let plain = Style::new();
        let (level, bold, help) = if colour {
            let level = match self.level {
                Level::Error => AnsiColor::Red,
                Level::Warning => AnsiColor::Yellow,
            };
            (
                Style::new().bold().fg_color(Some(level.into())),
                Style::new().bold(),
                Style::new().bold().fg_color(Some(AnsiColor::Cyan.into())),
            )
        } else {
            (plain, plain, plain)
        };
        write!(f, "{level}{}{level:#}", self.level)?;
        // A problem of the environment (no location) starts with its own path.
        if self.location.path.is_empty() {
            write!(f, "{bold}:{bold:#} {}", self.message)?;
        } else {
            write!(f, "{bold}: {}:{bold:#} {}", self.location, self.message)?;
        }
        if let Some(text) = &self.help {
            write!(f, "\n  {help}help:{help:#} {text}")?;
        }
        Ok(())
    }
}

struct Styled<'a>(&'a Diagnostic);

impl fmt::Display for Styled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, true)
    }
}

/// Every problem found in one run, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds every problem of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    /// How many problems have this level.
    pub fn count(&self, level: Level) -> usize {
        self.items.iter().filter(|d| d.level == level).count()
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems, sorted by path, then position, then level and message.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| {
            (&a.location, a.level, &a.message).cmp(&(&b.location, b.level, &b.message))
        });
        items.dedup_by(|a, b| a == b);
        items
    }

    /// Turns every warning into an error (`--strict`).
    pub fn promote_warnings(&mut self) {
        for item in &mut self.items {
            item.level = Level::Error;
        }
    }

    /// Iterates in the order problems were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl Diagnostics {
    /// The same text as `Display`, with ANSI styles for a terminal (see
    /// [`Diagnostic::styled`]).
    pub fn styled(&self) -> impl fmt::Display + '_ {
        Report {
            diagnostics: self,
            colour: true,
        }
    }
}

impl fmt::Display for Diagnostics {
    /// Every problem, sorted, one a line with its help line below it, then a line
    /// that counts the errors and warnings; nothing at all when there is no problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Report {
            diagnostics: self,
            colour: false,
        }
        .fmt(f)
    }
}

/// Diagnostics written out as a report, plain or styled.
struct Report<'a> {
    diagnostics: &'a Diagnostics,
    colour: bool,
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.diagnostics.sorted() {
            d.write(f, self.colour)?;
            writeln!(f)?;
        }
        let errors = self.diagnostics.count(Level::Error);
        let warnings = self.diagnostics.count(Level::Warning);
        if errors + warnings > 0 {
            writeln!(
                f,
                "{errors} error{}, {warnings} warning{}",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics { items }
    }
}

/// Maps byte offsets of a text to 1-based lines and character columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text` (`\n` ends a line; a `\r` before it is part of it).
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The position of byte `offset` of `text` (the text this index was built from).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Pos::new(line + 1, column + 1)
    }
}

/// A path relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The candidate closest to `value` by edit distance, when it is close enough to be a
/// likely typo and no other candidate is as close (`sev3` is as near to `SEV1` as to
/// `SEV2`, so neither is suggested).
pub fn nearest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = value.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    let mut tied = false;
    for c in candidates {
        let c_lower = c.to_lowercase();
        let distance = strsim::damerau_levenshtein(&lower, &c_lower);
        if distance > (c.chars().count().max(3) / 3).max(2) {
            continue;
        }
        match best {
            Some((d, b)) if distance == d && b.to_lowercase() != c_lower => tied = true,
            Some((d, _)) if distance >= d => {}
            _ => {
                best = Some((distance, c));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, c)| c) }
}

/// The help that names a likely intended value: ``did you mean `x`?``.
pub fn did_you_mean(near: &str) -> String {
    format!("did you mean `{near}`?")
}

/// [`did_you_mean`] the candidate nearest to `value`, when one is near enough.
pub fn nearest_help<'a>(
    value: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    nearest(value, candidates).map(did_you_mean)
}

/// The help that lists the valid values: `expected one of: a, b`.
pub fn expected_one_of(candidates: &[&str]) -> String {
    format!("expected one of: {}", candidates.join(", "))
}

/// The help for a value that is not one of `candidates`: ``did you mean `x`? expected
/// one of: a, b``, or only the list when no candidate is near.
pub fn one_of_help(value: &str, candidates: &[&str]) -> String {
    match nearest(value, candidates.iter().copied()) {
        Some(near) => format!("{} {}", did_you_mean(near), expected_one_of(candidates)),
        None => expected_one_of(candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_char_columns() {
        let text = "---\ntitle: é x\r\nnext\n";
        let index = LineIndex::new(text);
        assert_eq!(index.pos(text, 0), Pos::new(1, 1));
        assert_eq!(index.pos(text, 4), Pos::new(2, 1));
        let x = text.find('x').unwrap();
        assert_eq!(index.pos(text, x), Pos::new(2, 10));
        assert_eq!(index.pos(text, text.find("next").unwrap()), Pos::new(3, 1));
    }

    #[test]
    fn diagnostic_prints_path_line_column_and_help() {
        let d = Diagnostic::error(
            Location::at("content/a.md", Pos::new(4, 11)),
            "unknown severity `sev5`",
        )
        .with_help("expected one of: sev1, sev2");
        assert_eq!(
            d.to_string(),
            "error: content/a.md:4:11: unknown severity `sev5`\n  help: expected one of: sev1, sev2"
        );
    }

    #[test]
    fn styled_text_colours_the_level_and_help_and_strips_to_the_plain_text() {
        let error =
            Diagnostic::error(Location::at("a.md", Pos::new(2, 3)), "bad").with_help("fix it");
        let styled = error.styled().to_string();
        assert!(styled.starts_with("\u{1b}[1m\u{1b}[31merror"), "{styled:?}");
        assert!(styled.contains("\u{1b}[1m\u{1b}[36mhelp:"), "{styled:?}");
        let warning = Diagnostic::warning(Location::file("a.md"), "odd");
        assert!(warning.styled().to_string().contains("\u{1b}[33mwarning"));
        for d in [&error, &warning] {
            let mut plain = Vec::new();
            let mut stream = anstream::StripStream::new(&mut plain);
            std::io::Write::write_all(&mut stream, d.styled().to_string().as_bytes()).unwrap();
            assert_eq!(String::from_utf8(plain).unwrap(), d.to_string());
        }
    }

    #[test]
    fn nearest_finds_typos_only() {
        let keys = ["severity", "summary", "title"];
        assert_eq!(nearest("severty", keys), Some("severity"));
        assert_eq!(nearest("zzzzzzzz", keys), None);
        assert_eq!(nearest("Linkred", ["Linkerd", "etcd"]), Some("Linkerd"));
        assert_eq!(nearest("sev3", ["SEV1", "SEV2"]), None);
        assert_eq!(nearest("sev", ["SEV1", "SEV12"]), Some("SEV1"));
    }

    #[test]
    fn one_of_help_names_the_nearest_then_the_list() {
        let keys = ["minor", "major"];
        assert_eq!(
            one_of_help("mnor", &keys),
            "did you mean `minor`? expected one of: minor, major"
        );
        assert_eq!(one_of_help("zzzz", &keys), "expected one of: minor, major");
        assert_eq!(
            nearest_help("mnor", keys).as_deref(),
            Some("did you mean `minor`?")
        );
    }

    #[test]
    fn sorted_orders_by_path_then_line() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error(Location::at("b.md", Pos::new(1, 1)), "x"));
        all.push(Diagnostic::warning(
            Location::at("a.md", Pos::new(9, 1)),
            "y",
        ));
        all.push(Diagnostic::error(Location::at("a.md", Pos::new(2, 1)), "z"));
        let order: Vec<_> = all.sorted().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["z", "y", "x"]);
        assert!(all.has_errors());
    }
}
