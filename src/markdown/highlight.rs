//! Syntax highlighting of code fences with syntect: class-based HTML (`hl-` prefixed
//! classes) and the theme CSS that colours it, light and dark.
//!
//! Syntaxes and themes are the bundled defaults plus two small grammars (TOML and
//! Dockerfile), loaded once and never changed. Identical code blocks of one build are
//! highlighted once through a [`Highlights`] memo that the build owns. Highlighting
//! never fails a build: every problem gives `None` and the caller shows plain text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{
    ParseState, ScopeStack, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use syntect::util::LinesWithEndings;

/// The default light and dark theme names.
pub const DEFAULT_THEMES: (&str, &str) = ("InspiredGitHub", "base16-ocean.dark");

/// The class style of every highlighted span and of the theme CSS.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Code larger than this is shown as plain text: fancy-regex grammars can be slow on
/// big inputs, and a build must not hang on one pasted log (zola #1174, #1241).
const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

/// A single line longer than this also disables highlighting of its block.
const MAX_LINE_BYTES: usize = 16 * 1024;

/// Code blocks larger than this are not remembered: a repeated big block is rare, and
/// keeping it would only cost memory.
const MAX_REMEMBERED_CODE_BYTES: usize = 64 * 1024;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

static EXTRA_SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(load_extra_syntaxes);

static THEMES: LazyLock<ThemeSet> = LazyLock::new(ThemeSet::load_defaults);

/// Common fence tokens that the bundled grammars know under another name.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "sh"),
    ("console", "sh"),
    ("shellsession", "sh"),
    ("shell-session", "sh"),
    ("terminal", "sh"),
    ("ts", "js"),
    ("typescript", "js"),
    ("tsx", "js"),
    ("jsx", "js"),
    ("mjs", "js"),
    ("cjs", "js"),
    ("node", "js"),
    ("text", "txt"),
    ("plaintext", "txt"),
    ("plain", "txt"),
    ("log", "txt"),
    ("nohighlight", "txt"),
    ("golang", "go"),
    ("python3", "py"),
    ("jsonc", "json"),
    ("json5", "json"),
    ("postgresql", "sql"),
    ("postgres", "sql"),
    ("psql", "sql"),
    ("mysql", "sql"),
    ("sqlite", "sql"),
    ("plsql", "sql"),
    ("csharp", "cs"),
    ("objc", "m"),
    ("docker", "dockerfile"),
    ("containerfile", "dockerfile"),
];

/// Fence tokens offered as "did you mean" suggestions for an unknown language.
const SUGGESTIONS: &[&str] = &[
    "bash",
    "c",
    "cpp",
    "css",
    "diff",
    "dockerfile",
    "go",
    "html",
    "java",
    "javascript",
    "json",
    "lua",
    "makefile",
    "markdown",
    "python",
    "ruby",
    "rust",
    "shell",
    "sql",
    "text",
    "toml",
    "typescript",
    "xml",
    "yaml",
];

/// Names of the bundled themes, sorted (for config validation and "nearest" suggestions).
pub fn theme_names() -> Vec<&'static str> {
    THEMES.themes.keys().map(String::as_str).collect()
}

/// Whether a code fence language is known (by token, e.g. "rust", "yaml", "sh",
/// "bash", "json", "toml", "go", "python", "dockerfile"), case-insensitively.
pub fn is_known_language(token: &str) -> bool {
    find_syntax(token).is_some()
}

/// A known language token close to an unknown `token` (a likely typo), if any.
pub fn nearest_language(token: &str) -> Option<&'static str> {
    let lower = token.to_lowercase();
    SUGGESTIONS
        .iter()
        .map(|&s| (strsim::damerau_levenshtein(&lower, s), s))
        .filter(|&(distance, s)| distance <= if s.len() >= 6 { 2 } else { 1 })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, s)| s)
}

/// Highlights code into HTML with CSS classes (`hl-` prefixed), or `None` if the
/// language is unknown, the code is too big to highlight safely, or syntect fails.
pub fn highlight(code: &str, language: &str) -> Option<String> {
    let (set, syntax) = highlightable(code, language)?;
    highlight_safely(set, syntax, code, None)
}

/// The highlighted code blocks of one build, by syntax and code, so that a block that
/// occurs in many bodies (a shared config snippet, a common command) is highlighted
/// once. It only saves work: the HTML is the same with or without it. The build that
/// creates it shares it between the threads rendering bodies and drops it afterwards.
/// It stops remembering new blocks once it holds [`MEMO_BYTES`]: in a library of
/// 100,000 postmortems most blocks are distinct, and remembering them all would hold
/// hundreds of megabytes for no gain.
///
/// Below whole blocks, it remembers lines: blocks that differ often share most of
/// their lines (`apiVersion: v1`, `kubectl get pods -n kube-system`, a closing
/// brace), and a line highlights the same way whenever the parser is in the same
/// state before it. The parser's state cannot move between threads, so each thread
/// remembers the lines it highlighted, for the memo it highlighted them for: the
/// first line highlighted for another memo forgets them.
pub struct Highlights {
    entries: Mutex<Memo>,
    id: u64,
}

impl Default for Highlights {
    fn default() -> Highlights {
        static MEMOS: AtomicU64 = AtomicU64::new(1);
        Highlights {
            entries: Mutex::default(),
            id: MEMOS.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// Syntax name, then code, to the highlighted HTML (`None`: syntect gave up), and
/// the bytes of code and HTML held.
#[derive(Default)]
struct Memo {
    blocks: HashMap<&'static str, HashMap<String, Option<String>>>,
    bytes: usize,
}

/// How many bytes of code and HTML a [`Highlights`] memo holds at most.
const MEMO_BYTES: usize = 64 << 20;

thread_local! {
    /// The lines this thread highlighted for one [`Highlights`] memo.
    static LINES: RefCell<Lines> = RefCell::default();
}

/// Highlighted lines by syntax name and text, each with the states it was
/// highlighted from; about how many bytes they hold; and the [`Highlights`] memo
/// they were highlighted for.
#[derive(Default)]
struct Lines {
    memo: u64,
    known: HashMap<&'static str, HashMap<String, Vec<HighlightedLine>>>,
    bytes: usize,
}

/// One line highlighted from one state of the parser and the scope stack: the
/// states after it, its HTML, and how many spans it left open (or closed).
struct HighlightedLine {
    before: (ParseState, ScopeStack),
    after: (ParseState, ScopeStack),
    html: String,
    open_spans: isize,
}

/// How many bytes of lines a thread remembers at most: at 100,000 postmortems of
/// the benchmark corpus, 16 MiB filled up and the build took a fifth longer, and
/// 128 MiB was no faster than this.
const LINES_BYTES: usize = 48 << 20;

/// How many states one line is remembered from at most: a `}` or a blank line
/// occurs in many, and each lookup compares them all.
const STATES_PER_LINE: usize = 8;

/// What a remembered line costs besides its text and HTML: its four states.
const LINE_OVERHEAD: usize = 256;

impl std::fmt::Debug for Highlights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Highlights")
            .field(
                "blocks",
                &entries.blocks.values().map(HashMap::len).sum::<usize>(),
            )
            .finish()
    }
}

impl Highlights {
    /// An empty memo.
    pub fn new() -> Highlights {
        Highlights::default()
    }

    /// Like [`highlight`], highlighting each distinct (syntax, code) pair only once.
    pub fn highlight(&self, code: &str, language: &str) -> Option<String> {
        let (set, syntax) = highlightable(code, language)?;
        if code.len() > MAX_REMEMBERED_CODE_BYTES {
            return highlight_safely(set, syntax, code, Some(self.id));
        }
        let name = syntax.name.as_str();
        if let Some(known) = self.lookup(name, code) {
            return known;
        }
        // Highlight outside the lock: two threads may both highlight the same new
        // block, which gives the same HTML, rather than one waiting on the other.
        let html = highlight_safely(set, syntax, code, Some(self.id));
        let mut memo = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let size = code.len() + html.as_ref().map_or(0, String::len);
        if memo.bytes + size <= MEMO_BYTES {
            memo.bytes += size;
            (memo.blocks.entry(name).or_default())
                .entry(code.to_string())
                .or_insert_with(|| html.clone());
        }
        html
    }

    fn lookup(&self, syntax: &str, code: &str) -> Option<Option<String>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.blocks.get(syntax)?.get(code).cloned()
    }
}

/// The syntax for a block, or `None` when it must be shown as plain text: unknown
/// language, or code too big (or with a line too long) to highlight safely.
fn highlightable(
    code: &str,
    language: &str,
) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let found = find_syntax(language)?;
    if code.len() > MAX_HIGHLIGHT_BYTES || code.split('\n').any(|line| line.len() > MAX_LINE_BYTES)
    {
        return None;
    }
    Some(found)
}

/// Highlights, turning a panic inside a grammar into `None`: it must not take the
/// build down with it.
fn highlight_safely(
    set: &SyntaxSet,
    syntax: &'static SyntaxReference,
    code: &str,
    memo: Option<u64>,
) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| highlight_with(set, syntax, code, memo))).ok()?
}

/// The CSS for the light theme, then the dark theme inside
/// `@media (prefers-color-scheme: dark) { :root:not([data-theme=light]) ... }` and
/// again under `[data-theme=dark]` (a page toggle sets `data-theme` on `<html>`).
/// The theme's base colours apply to `.hl-code` and to `pre.code`.
/// Returns `None` if a theme name is unknown.
pub fn theme_css(light: &str, dark: &str) -> Option<String> {
    let light_css =
        css_for_theme_with_class_style(&readable(THEMES.themes.get(light)?), CLASS_STYLE).ok()?;
    let dark_css =
        css_for_theme_with_class_style(&readable(THEMES.themes.get(dark)?), CLASS_STYLE).ok()?;
    let mut out = String::with_capacity(3 * (light_css.len() + dark_css.len()));
    out.push_str("/* syntax highlighting, generated by debrief with syntect */\n");
    out.push_str("/* light theme: ");
    out.push_str(&light.replace("*/", ""));
    out.push_str(" */\n");
    write_rules(&mut out, &light_css, None, "");
    out.push_str("/* dark theme: ");
    out.push_str(&dark.replace("*/", ""));
    out.push_str(" */\n@media (prefers-color-scheme: dark) {\n");
    write_dark_rules(&mut out, &dark_css, ":root:not([data-theme=light])", "  ");
    out.push_str("}\n");
    write_dark_rules(&mut out, &dark_css, "[data-theme=dark]", "");
    Some(out)
}

/// The contrast every highlighted colour keeps against the code background: WCAG AA
/// for normal text. Bundled themes have faint comments (2.9:1 in InspiredGitHub).
const MIN_CONTRAST: f64 = 4.6;

/// A copy of `theme` whose foreground colours are darkened (on a light background)
/// or lightened (on a dark one) just enough to reach `MIN_CONTRAST`.
fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let Some(background) = theme.settings.background else {
        return theme;
    };
    if let Some(fg) = theme.settings.foreground.as_mut() {
        *fg = with_contrast(*fg, background);
    }
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground.as_mut() {
            *fg = with_contrast(*fg, background);
        }
    }
    theme
}

/// Relative luminance (WCAG 2) of an sRGB colour.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// The contrast ratio of two colours, 1 to 21.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` moved towards black or white, whichever the background is further from,
/// in small steps until it reaches `MIN_CONTRAST` against `bg`.
fn with_contrast(fg: Color, bg: Color) -> Color {
    let target: u8 = if luminance(bg) > 0.18 { 0 } else { 255 };
    let mut color = fg;
    for step in 1..=20u8 {
        if contrast(color, bg) >= MIN_CONTRAST {
            break;
        }
        let mix = |v: u8| {
            let t = f64::from(step) / 20.0;
            (f64::from(v) * (1.0 - t) + f64::from(target) * t).round() as u8
        };
        color = Color {
            r: mix(fg.r),
            g: mix(fg.g),
            b: mix(fg.b),
            a: fg.a,
        };
    }
    color
}

/// The syntax set and syntax for a fence token, aliases and extra grammars included.
fn find_syntax(token: &str) -> Option<(&'static SyntaxSet, &'static SyntaxReference)> {
    let token = token.trim();
    if token.is_empty() {
        return None;
    }
    let lower = token.to_lowercase();
    let target = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, target)| target);
    let extra: &'static SyntaxSet = &EXTRA_SYNTAXES;
    let defaults: &'static SyntaxSet = &SYNTAXES;
    if let Some(syntax) = extra.find_syntax_by_token(target) {
        return Some((extra, syntax));
    }
    defaults
        .find_syntax_by_token(target)
        .map(|syntax| (defaults, syntax))
}

/// Highlights line by line, as syntect's `ClassedHTMLGenerator` does, taking each
/// line from this thread's lines of `memo` when it was highlighted before from the
/// same states.
fn highlight_with(
    set: &SyntaxSet,
    syntax: &'static SyntaxReference,
    code: &str,
    memo: Option<u64>,
) -> Option<String> {
    match memo {
        Some(memo) => LINES.with_borrow_mut(|lines| {
            if lines.memo != memo {
                *lines = Lines {
                    memo,
                    ..Lines::default()
                };
            }
            highlight_lines(set, syntax, code, Some(lines))
        }),
        None => highlight_lines(set, syntax, code, None),
    }
}

fn highlight_lines(
    set: &SyntaxSet,
    syntax: &'static SyntaxReference,
    code: &str,
    mut lines: Option<&mut Lines>,
) -> Option<String> {
    let name = syntax.name.as_str();
    let mut state = (ParseState::new(syntax), ScopeStack::new());
    let mut open_spans = 0;
    let mut html = String::with_capacity(code.len() * 3);
    for line in LinesWithEndings::from(code) {
        let known = (lines.as_deref())
            .and_then(|lines| lines.known.get(name)?.get(line))
            .and_then(|seen| seen.iter().find(|l| l.before == state));
        if let Some(known) = known {
            html.push_str(&known.html);
            open_spans += known.open_spans;
            state = known.after.clone();
            continue;
        }
        let before = lines.is_some().then(|| state.clone());
        let (parser, scopes) = &mut state;
        let ops = parser.parse_line(line, set).ok()?;
        let (line_html, delta) =
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, scopes).ok()?;
        html.push_str(&line_html);
        open_spans += delta;
        if let (Some(lines), Some(before)) = (lines.as_deref_mut(), before) {
            lines.remember(name, line, before, &state, (line_html, delta));
        }
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

impl Lines {
    /// Remembers `line` highlighted from `before`, while there is room.
    fn remember(
        &mut self,
        syntax: &'static str,
        line: &str,
        before: (ParseState, ScopeStack),
        after: &(ParseState, ScopeStack),
        (html, open_spans): (String, isize),
    ) {
        let size = line.len() + html.len() + LINE_OVERHEAD;
        if self.bytes + size > LINES_BYTES {
            return;
        }
        let seen = (self.known.entry(syntax).or_default())
            .entry(line.to_string())
            .or_default();
        if seen.len() < STATES_PER_LINE {
            seen.push(HighlightedLine {
                before,
                after: after.clone(),
                html,
                open_spans,
            });
            self.bytes += size;
        }
    }
}

/// Writes the dark theme's rules under `scope`, after a reset: light rules that the
/// dark theme does not override would otherwise leak into dark mode (dark blue on dark
/// grey). The reset has the specificity of the dark rules that follow, so they win
/// over it and it wins over the light rules.
fn write_dark_rules(out: &mut String, css: &str, scope: &str, indent: &str) {
    let _ = writeln!(out, "{indent}{scope} [class*=\"hl-\"] {{");
    for declaration in [
        "color: inherit",
        "background-color: transparent",
        "font-style: inherit",
        "font-weight: inherit",
        "text-decoration: none",
    ] {
        let _ = writeln!(out, "{indent}  {declaration};");
    }
    let _ = writeln!(out, "{indent}}}");
    write_rules(out, css, Some(scope), indent);
}

/// Writes the rules of syntect's CSS, one declaration a line, each selector under
/// `scope` when given, and `pre.code` next to `.hl-code`.
fn write_rules(out: &mut String, css: &str, scope: Option<&str>, indent: &str) {
    let css = strip_comments(css);
    let mut rest = css.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let selectors = rest[..open].trim();
        let body = &rest[open + 1..close];
        rest = &rest[close + 1..];
        let selectors: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .flat_map(|s| {
                let code = s == ".hl-code";
                std::iter::once(s).chain(code.then_some("pre.code"))
            })
            .map(|s| match scope {
                Some(scope) => format!("{scope} {s}"),
                None => s.to_string(),
            })
            .collect();
        let declarations: Vec<&str> = body
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .collect();
        if selectors.is_empty() || declarations.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{indent}{} {{", selectors.join(", "));
        for declaration in declarations {
            let _ = writeln!(out, "{indent}  {declaration};");
        }
        let _ = writeln!(out, "{indent}}}");
    }
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn load_extra_syntaxes() -> SyntaxSet {
    let mut builder = SyntaxSetBuilder::new();
    for source in [TOML_SYNTAX, DOCKERFILE_SYNTAX] {
        // The grammars are ours and tested; a broken one only loses its highlighting.
        if let Ok(syntax) = SyntaxDefinition::load_from_str(source, true, None) {
            builder.add(syntax);
        }
    }
    builder.build()
}

/// A small TOML grammar: the bundled syntaxes have none.
const TOML_SYNTAX: &str = r#"
name: TOML
scope: source.toml
file_extensions: [toml]
contexts:
  main:
    - match: '#.*'
      scope: comment.line.number-sign.toml
    - match: '^\s*(\[\[?)([^\]\n]*)(\]\]?)'
      captures:
        1: punctuation.definition.table.toml
        2: entity.name.section.toml
        3: punctuation.definition.table.toml
    - match: '([A-Za-z0-9_-]+|"[^"\n]*"|''[^''\n]*'')(?=\s*(\.|=))'
      scope: entity.name.tag.toml
    - match: '='
      scope: keyword.operator.assignment.toml
    - include: values
  values:
    - match: '"""'
      scope: punctuation.definition.string.begin.toml
      push: basic_multiline
    - match: "'''"
      scope: punctuation.definition.string.begin.toml
      push: literal_multiline
    - match: '"'
      scope: punctuation.definition.string.begin.toml
      push: basic
    - match: "'"
      scope: punctuation.definition.string.begin.toml
      push: literal
    - match: '\b(true|false)\b'
      scope: constant.language.boolean.toml
    - match: '\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}:\d{2}(\.\d+)?'
      scope: constant.other.date.toml
    - match: '[+-]?(0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|inf|nan|\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?)\b'
      scope: constant.numeric.toml
  basic:
    - meta_scope: string.quoted.double.toml
    - match: '\\.'
      scope: constant.character.escape.toml
    - match: '"'
      scope: punctuation.definition.string.end.toml
      pop: true
    - match: '\n'
      pop: true
  literal:
    - meta_scope: string.quoted.single.toml
    - match: "'"
      scope: punctuation.definition.string.end.toml
      pop: true
    - match: '\n'
      pop: true
  basic_multiline:
    - meta_scope: string.quoted.triple.toml
    - match: '\\.'
      scope: constant.character.escape.toml
    - match: '"""'
      scope: punctuation.definition.string.end.toml
      pop: true
  literal_multiline:
    - meta_scope: string.quoted.triple.toml
    - match: "'''"
      scope: punctuation.definition.string.end.toml
      pop: true
"#;

/// A small Dockerfile grammar: the bundled syntaxes have none.
const DOCKERFILE_SYNTAX: &str = r#"
name: Dockerfile
scope: source.dockerfile
file_extensions: [dockerfile]
contexts:
  main:
    - match: '^\s*#.*'
      scope: comment.line.number-sign.dockerfile
    - match: '(?i)^\s*(FROM|RUN|CMD|LABEL|MAINTAINER|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL)\b'
      captures:
        1: keyword.other.special-method.dockerfile
    - match: '(?i)\s(AS)\s'
      captures:
        1: keyword.other.special-method.dockerfile
    - match: '(?<![\w-])--[A-Za-z][\w-]*'
      scope: variable.parameter.dockerfile
    - match: '\$\{?[A-Za-z_][A-Za-z0-9_]*\}?'
      scope: variable.other.dockerfile
    - match: '"'
      scope: punctuation.definition.string.begin.dockerfile
      push: double
    - match: "'"
      scope: punctuation.definition.string.begin.dockerfile
      push: single
    - match: '\\\n'
      scope: constant.character.escape.dockerfile
  double:
    - meta_scope: string.quoted.double.dockerfile
    - match: '\\.'
      scope: constant.character.escape.dockerfile
    - match: '\$\{?[A-Za-z_][A-Za-z0-9_]*\}?'
      scope: variable.other.dockerfile
    - match: '"'
      scope: punctuation.definition.string.end.dockerfile
      pop: true
    - match: '\n'
      pop: true
  single:
    - meta_scope: string.quoted.single.dockerfile
    - match: "'"
      scope: punctuation.definition.string.end.dockerfile
      pop: true
    - match: '\n'
      pop: true
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_grammars_load() {
        let names: Vec<&str> = EXTRA_SYNTAXES
            .syntaxes()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["TOML", "Dockerfile"]);
    }

    #[test]
    fn common_languages_are_known() {
        for token in [
            "rust",
            "yaml",
            "YAML",
            "yml",
            "sh",
            "bash",
            "shell",
            "console",
            "json",
            "toml",
            "go",
            "python",
            "py",
            "dockerfile",
            "Dockerfile",
            "sql",
            "diff",
            "text",
            "javascript",
            "typescript",
            "html",
            "xml",
            "markdown",
        ] {
            assert!(is_known_language(token), "{token} should be known");
        }
        for token in ["", "foo", "hcl", "promql", "nginx"] {
            assert!(!is_known_language(token), "{token} should be unknown");
        }
    }

    #[test]
    fn nearest_language_suggests_typos_only() {
        assert_eq!(nearest_language("pyhton"), Some("python"));
        assert_eq!(nearest_language("yalm"), Some("yaml"));
        assert_eq!(nearest_language("hcl"), None);
        assert_eq!(nearest_language("tf"), None);
    }

    #[test]
    fn highlight_uses_prefixed_classes() {
        let html = highlight("key: value # note\n", "yaml").unwrap();
        assert!(
            html.contains(r#"<span class="hl-source hl-yaml">"#),
            "{html}"
        );
        assert!(html.contains("hl-comment"), "{html}");
        assert_eq!(highlight("x\n", "nosuchlanguage"), None);
    }

    #[test]
    fn highlight_escapes_code() {
        let html = highlight("echo \"<script>\" && exit\n", "sh").unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn remembered_highlighting_matches_direct_highlighting() {
        let code = "fn main() { println!(\"hi\"); }\n";
        let direct = highlight(code, "rust").unwrap();
        let highlights = Highlights::new();
        let first = highlights.highlight(code, "rust").unwrap();
        let again = highlights.highlight(code, "rs").unwrap();
        assert_eq!(first, direct);
        assert_eq!(again, direct);
        assert_eq!(format!("{highlights:?}"), "Highlights { blocks: 1 }");
        assert_eq!(highlights.highlight(code, "nosuchlanguage"), None);
        let big = "x: 1\n".repeat(MAX_REMEMBERED_CODE_BYTES / 5 + 1);
        assert_eq!(highlights.highlight(&big, "yaml"), highlight(&big, "yaml"));
        assert_eq!(format!("{highlights:?}"), "Highlights { blocks: 1 }");
    }

    #[test]
    fn highlight_gives_up_on_huge_input() {
        let long_line = "a".repeat(MAX_LINE_BYTES + 1);
        assert_eq!(highlight(&long_line, "yaml"), None);
        let big = "x: 1\n".repeat(MAX_HIGHLIGHT_BYTES / 5 + 1);
        assert_eq!(highlight(&big, "yaml"), None);
    }

    #[test]
    fn toml_and_dockerfile_are_highlighted() {
        let toml = highlight("[server]\nport = 8080 # http\nname = \"a\"\n", "toml").unwrap();
        assert!(toml.contains("hl-entity hl-name hl-section"), "{toml}");
        assert!(toml.contains("hl-constant hl-numeric"), "{toml}");
        assert!(toml.contains("hl-string"), "{toml}");
        let docker =
            highlight("FROM rust:1 AS build\nRUN cargo build # x\n", "dockerfile").unwrap();
        assert!(docker.contains("hl-keyword"), "{docker}");
    }

    #[test]
    fn theme_names_include_the_defaults() {
        let names = theme_names();
        assert!(names.contains(&DEFAULT_THEMES.0));
        assert!(names.contains(&DEFAULT_THEMES.1));
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn faint_colours_reach_aa_contrast() {
        for name in theme_names() {
            let theme = readable(&THEMES.themes[name]);
            let bg = theme.settings.background.unwrap();
            for item in &theme.scopes {
                if let Some(fg) = item.style.foreground {
                    assert!(contrast(fg, bg) >= 4.5, "{name}: {fg:?} on {bg:?}");
                }
            }
        }
        let grey = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xff,
        };
        let white = Color {
            r: 255,
            g: 255,
            b: 255,
            a: 0xff,
        };
        let darker = with_contrast(grey, white);
        assert!(darker.r < grey.r && contrast(darker, white) >= MIN_CONTRAST);
        let black = Color {
            r: 0,
            g: 0,
            b: 0,
            a: 0xff,
        };
        assert_eq!(with_contrast(black, white), black);
    }

    #[test]
    fn theme_css_has_light_and_dark_rules() {
        let css = theme_css(DEFAULT_THEMES.0, DEFAULT_THEMES.1).unwrap();
        assert!(css.contains(".hl-comment"), "{css}");
        assert!(css.contains(".hl-code, pre.code {"), "{css}");
        assert!(css.contains("@media (prefers-color-scheme: dark) {\n  :root:not([data-theme=light]) [class*=\"hl-\"] {\n    color: inherit;"), "{css}");
        assert!(css.contains("\n  :root:not([data-theme=light]) .hl-code, :root:not([data-theme=light]) pre.code {"), "{css}");
        assert!(
            css.contains("\n[data-theme=dark] .hl-code, [data-theme=dark] pre.code {"),
            "{css}"
        );
        assert_eq!(css.matches('{').count(), css.matches('}').count());
        assert_eq!(theme_css("nope", DEFAULT_THEMES.1), None);
        assert_eq!(theme_css(DEFAULT_THEMES.0, "nope"), None);
    }

    /// What syntect's own generator gives for `code`.
    fn generated(code: &str, language: &str) -> String {
        let (set, syntax) = find_syntax(language).unwrap();
        let mut generator =
            syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        generator.finalize()
    }

    #[test]
    fn remembered_lines_give_the_html_of_syntects_generator() {
        // The same lines in different states: inside and outside a block comment, a
        // multi-line string, a heredoc; a block that ends inside a span.
        let blocks = [
            ("go", "func main() {\n\tx := 1\n}\n"),
            (
                "go",
                "/*\nfunc main() {\n\tx := 1\n}\n*/\nfunc main() {\n\tx := 1\n}\n",
            ),
            ("go", "s := `\nfunc main() {\n\tx := 1\n}\n`\n"),
            ("go", "/* never closed\n\tx := 1\n"),
            (
                "yaml",
                "spec:\n  replicas: 3\n  args: |\n    spec:\n      replicas: 3\n  replicas: 3\n",
            ),
            ("yaml", "spec:\n  replicas: 3\n"),
            (
                "bash",
                "cat <<EOF\nkubectl get pods\nEOF\nkubectl get pods\n",
            ),
            ("bash", "kubectl get pods\necho \"a\nkubectl get pods\n\"\n"),
            ("json", "{\n  \"a\": 1,\n  \"b\": \"x\"\n}\n"),
            ("json", "{\n  \"b\": \"x\",\n  \"a\": 1\n}"),
        ];
        let memo = Highlights::new();
        for round in 0..2 {
            for (language, code) in blocks {
                // A new block each round, so that only lines can be remembered.
                let code = format!("{code}{}", "\n".repeat(round));
                let expected = generated(&code, language);
                assert_eq!(highlight(&code, language).as_deref(), Some(&*expected));
                assert_eq!(
                    memo.highlight(&code, language).as_deref(),
                    Some(&*expected),
                    "{language}, round {round}: {code:?}"
                );
            }
        }
        // Another memo on this thread starts afresh, and gives the same HTML.
        let other = Highlights::new();
        let (language, code) = blocks[1];
        assert_eq!(other.highlight(code, language), highlight(code, language));
        LINES.with_borrow(|lines| {
            assert_eq!(lines.memo, other.id);
            assert!(!lines.known["Go"].is_empty());
            assert!(!lines.known.contains_key("YAML"));
        });
    }
}
