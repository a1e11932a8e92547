//! The leak check of a public build (SPEC §11): no file of the build may match a
//! `[public] deny` pattern. Every file is scanned as it is written, its path
//! included, in three readings: its bytes; its text with HTML entities decoded
//! (so `&#x2F;` cannot hide a `/` from a pattern, attribute values included); and,
//! for markup, its text without tags (so highlighting cannot split a match
//! across `<span>`s). Each match is then traced back to the published source
//! that holds it, file, line and column: the postmortem, the page, the
//! attachment, the config or the site's own template.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use crate::config::{CONFIG_FILE, DenyPattern};
use crate::content::internal;
use crate::diag::{Diagnostic, Diagnostics, LineIndex, Location};
use crate::site::Site;

/// How many output files a problem names before it counts the rest.
const FILES_NAMED: usize = 5;

/// What the scan found: for each pattern (by position) and matched text, the
/// output files that hold it.
#[derive(Debug, Default)]
pub struct LeakScan<'p> {
    patterns: &'p [DenyPattern],
    found: Mutex<BTreeMap<(usize, String), BTreeSet<String>>>,
    /// Debrief's own assets, which hold no text of the site: not scanned, so that a
    /// pattern such as `(?i)internal` does not match the stylesheet's class names.
    own_assets: BTreeSet<String>,
}

impl<'p> LeakScan<'p> {
    /// A scan of `site`'s public build for its `[public] deny` patterns.
    pub fn new(site: &'p Site) -> LeakScan<'p> {
        let overridden: BTreeSet<&str> = (site.theme.static_files.iter())
            .map(|(path, _)| path.as_str())
            .collect();
        let own_assets = (crate::embedded::STATIC.iter().map(|(path, _)| *path))
            .chain([crate::library::urls::rel::HIGHLIGHT_CSS])
            .filter(|path| !overridden.contains(path))
            .map(str::to_string)
            .collect();
        LeakScan {
            patterns: &site.config.public.deny,
            found: Mutex::new(BTreeMap::new()),
            own_assets,
        }
    }

    /// Whether there is anything to look for.
    pub fn is_active(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// Scans one output file: its path relative to the output root, and its bytes.
    pub fn scan(&self, path: &str, bytes: &[u8]) {
        if !self.is_active() || self.own_assets.contains(path) {
            return;
        }
        let text = String::from_utf8_lossy(bytes);
        let markup = [".html", ".xml", ".svg", ".htm"]
            .iter()
            .any(|ext| path.ends_with(ext));
        let decoded = decode_entities(&text);
        let visible = markup.then(|| decode_entities(&strip_tags(&text)));
        let readings = [
            Some(path),
            Some(&*text),
            Some(&*decoded),
            visible.as_deref(),
        ];
        let mut hits = Vec::new();
        for (p, pattern) in self.patterns.iter().enumerate() {
            for reading in readings.iter().flatten() {
                hits.extend(
                    pattern
                        .regex
                        .find_iter(reading)
                        .map(|m| (p, m.as_str().to_string())),
                );
            }
        }
        if hits.is_empty() {
            return;
        }
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        for hit in hits {
            found.entry(hit).or_default().insert(path.to_string());
        }
    }

    /// Scans every file under `dir` (a staging folder), paths relative to it.
    pub fn scan_dir(&self, dir: &Path) -> std::io::Result<()> {
        if !self.is_active() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = crate::diag::display_path(dir, entry.path());
            if rel == crate::output::MARKER {
                continue;
            }
            self.scan(&rel, &std::fs::read(entry.path())?);
        }
        Ok(())
    }

    /// One error per place in a published source that holds a match, with the
    /// output files it reached; a match no source holds as written is an error at
    /// its pattern in the config.
    pub fn report(self, site: &Site, root: &Path, diags: &mut Diagnostics) {
        let found = self.found.into_inner().unwrap_or_else(|e| e.into_inner());
        if found.is_empty() {
            return;
        }
        let sources = published_sources(site, root);
        let omit = &site.config.public.omit;
        let mut traced: BTreeSet<(usize, String)> = BTreeSet::new();
        let mut problems = Vec::new();
        for source in &sources {
            let index = LineIndex::new(&source.text);
            for (p, pattern) in self.patterns.iter().enumerate() {
                for m in pattern.regex.find_iter(&source.text) {
                    let key = (p, m.as_str().to_string());
                    let Some(files) = found.get(&key) else {
                        continue;
                    };
                    let pos = index.pos(&source.text, m.start());
                    if source.in_omitted_field(pos.line, omit) {
                        continue;
                    }
                    traced.insert(key);
                    let location = match source.positions {
                        true => Location::at(&source.path, pos),
                        false => Location::file(&source.path),
                    };
                    problems.push(
                        Diagnostic::error(
                            location,
                            format!(
                                "`{}` matches the public deny pattern `{}`",
                                m.as_str(),
                                pattern.source
                            ),
                        )
                        .with_help(format!(
                            "a public build would publish it in {}; take it out, put it in an internal section (`<!-- internal -->` ... `<!-- /internal -->`), make the incident `visibility: internal`, or leave its field out with `[public] omit`",
                            name_files(files)
                        )),
                    );
                }
            }
        }
        for ((p, text), files) in &found {
            if traced.contains(&(*p, text.clone())) {
                continue;
            }
            let pattern = &self.patterns[*p];
            problems.push(
                Diagnostic::error(
                    Location::at(CONFIG_FILE, pattern.pos),
                    format!(
                        "the public build holds `{text}`, which matches the deny pattern `{}`, and no published source holds it as written",
                        pattern.source
                    ),
                )
                .with_help(format!(
                    "found in {}; it may be assembled from several fields, or come from a template",
                    name_files(files)
                )),
            );
        }
        for problem in problems {
            diags.push(problem);
        }
    }
}

/// A published source: a file whose text can reach the output.
struct Source {
    /// Path relative to the site root.
    path: String,
    /// Its text, with internal sections blanked out.
    text: String,
    /// Whether line and column mean something (not for binary files, or names).
    positions: bool,
    /// For a postmortem: the lines of its front-matter, 1-based, inclusive.
    front_matter: Option<(usize, usize)>,
}

impl Source {
    /// Whether `line` is inside a front-matter field that `[public] omit` leaves out
    /// (the nearest key at the start of a line at or above it).
    fn in_omitted_field(&self, line: usize, omit: &[String]) -> bool {
        let Some((first, last)) = self.front_matter else {
            return false;
        };
        if omit.is_empty() || line <= first || line >= last {
            return false;
        }
        let lines: Vec<&str> = self.text.lines().collect();
        (first..line)
            .rev()
            .find_map(|n| {
                let text = lines.get(n)?;
                let starts_key = text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                starts_key.then(|| {
                    let key = text.split([':', '=', ' ']).next().unwrap_or("").trim();
                    omit.iter().any(|f| f == key)
                })
            })
            .unwrap_or(false)
    }
}

/// Every source a public build publishes from: its postmortems and pages (with
/// internal sections blanked, as the build leaves them out), the attachments it
/// copies (their text, and their names), the config and the site's own templates
/// and static files.
fn published_sources(site: &Site, root: &Path) -> Vec<Source> {
    let mut sources = Vec::new();
    let library = &site.library;
    let files = (library.incidents.iter().map(|e| e.incident.path.as_str()))
        .chain(library.pages.iter().map(|p| p.page.path.as_str()));
    for path in files {
        let Ok(text) = std::fs::read_to_string(root.join(path)) else {
            continue;
        };
        let front_matter = front_matter_lines(&text);
        let body_start = front_matter.map_or(0, |(_, last)| last);
        let (head, body) = split_at_line(&text, body_start);
        sources.push(Source {
            path: path.to_string(),
            text: format!("{head}{}", internal::strip(body)),
            positions: true,
            front_matter,
        });
    }
    for file in &library.files {
        if let Ok(bytes) = std::fs::read(&file.source) {
            let text = String::from_utf8(bytes);
            let positions = text.is_ok();
            sources.push(Source {
                path: file.path.clone(),
                text: text.unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                positions,
                front_matter: None,
            });
        }
        sources.push(Source {
            path: file.path.clone(),
            text: file.path.clone(),
            positions: false,
            front_matter: None,
        });
    }
    if let Ok(text) = std::fs::read_to_string(root.join(CONFIG_FILE)) {
        sources.push(Source {
            path: CONFIG_FILE.to_string(),
            text: without_deny_lines(&text),
            positions: true,
            front_matter: None,
        });
    }
    for (name, text) in &site.theme.templates {
        sources.push(Source {
            path: format!("{}/{name}", crate::content::TEMPLATES_DIR),
            text: text.clone(),
            positions: true,
            front_matter: None,
        });
    }
    for (path, bytes) in &site.theme.static_files {
        sources.push(Source {
            path: format!("{}/{path}", crate::content::STATIC_DIR),
            text: String::from_utf8_lossy(bytes).into_owned(),
            positions: std::str::from_utf8(bytes).is_ok(),
            front_matter: None,
        });
    }
    sources
}

/// The config's text with the patterns themselves blanked: a pattern is not a
/// source of the text it matches.
fn without_deny_lines(text: &str) -> String {
    let mut in_public = false;
    text.lines()
        .map(|line| {
            let trimmed = line.trim();
            if trimmed.starts_with('[') {
                in_public = trimmed.starts_with("[public]");
            }
            if in_public && !trimmed.starts_with('[') {
                " ".repeat(line.chars().count())
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first and last line (1-based) of a file's front-matter, markers included.
fn front_matter_lines(text: &str) -> Option<(usize, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let marker = lines.next()?.trim_end();
    if marker != "---" && marker != "+++" {
        return None;
    }
    lines
        .position(|l| l.trim_end() == marker)
        .map(|n| (1, n + 2))
}

/// `text` split after its first `n` lines.
fn split_at_line(text: &str, n: usize) -> (&str, &str) {
    let at: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
    text.split_at(at)
}

/// `a, b and 3 more files`.
fn name_files(files: &BTreeSet<String>) -> String {
    let named: Vec<&str> = files.iter().take(FILES_NAMED).map(String::as_str).collect();
    let rest = files.len().saturating_sub(FILES_NAMED);
    let mut text = named.join(", ");
    if rest > 0 {
        text.push_str(&format!(
            " and {rest} more file{}",
            if rest == 1 { "" } else { "s" }
        ));
    }
    text
}

/// Markup without its tags: each tag becomes nothing, so text split across
/// elements reads whole.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Text with the HTML entities a page uses decoded: the named ones the writers
/// emit and every numeric one.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|i| i + 1).filter(|&i| i <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_tags_cannot_hide_a_match() {
        assert_eq!(
            decode_entities("a&#x2F;b &amp; &lt;c&gt; &#47; &bogus; & x"),
            "a/b & <c> / &bogus; & x"
        );
        assert_eq!(
            strip_tags("<span class=\"n\">10</span><span>.</span>0"),
            "10.0"
        );
    }

    #[test]
    fn omitted_fields_are_not_sources() {
        let source = Source {
            path: "content/a.md".into(),
            text: "---\ntitle: t\nauthors:\n  - Jane Acme\nsummary: Jane Acme\n---\nbody\n".into(),
            positions: true,
            front_matter: Some((1, 6)),
        };
        let omit = vec!["authors".to_string()];
        assert!(source.in_omitted_field(4, &omit));
        assert!(!source.in_omitted_field(5, &omit));
        assert!(!source.in_omitted_field(7, &omit));
    }

    #[test]
    fn files_are_named_then_counted() {
        let files: BTreeSet<String> = (1..=7).map(|n| format!("f{n}")).collect();
        assert_eq!(name_files(&files), "f1, f2, f3, f4, f5 and 2 more files");
    }
}
