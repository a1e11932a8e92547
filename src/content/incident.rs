//! Typed front-matter: turns a positioned `Node` tree into an `Incident` or a
//! `Page`, checking every field of SPEC §2 and collecting every problem with
//! the position of the offending value (unknown keys become warnings that name
//! the nearest known key).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};

use crate::config::{Config, Visibility};
use crate::diag::{Diagnostic, Location, Pos, nearest};
use crate::slug::{is_slug, slugify};

use super::front_matter::{Key, Node, Value};

/// A value with the position it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub pos: Pos,
}

/// The state of an action item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionStatus {
    /// Not started (the default).
    Open,
    /// Being worked on.
    InProgress,
    /// Finished.
    Done,
    /// Decided against.
    WontDo,
}

impl ActionStatus {
    /// Every status, in the order they sort on `/actions/`.
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Open,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::WontDo,
    ];

    /// The spelling used in front-matter and the export.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Done => "done",
            ActionStatus::WontDo => "wont-do",
        }
    }

    /// The words shown on a status pill.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::WontDo => "Won't do",
        }
    }

    fn parse(value: &str) -> Option<ActionStatus> {
        ActionStatus::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

/// One lesson as written, before themes are assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonInput {
    /// What was learned.
    pub text: String,
    /// Themes it names, in the configured spelling where the theme exists.
    pub themes: Vec<Spanned<String>>,
}

/// One action item.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionItem {
    /// What to do.
    pub text: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// Its state.
    pub status: ActionStatus,
    /// When it is due.
    pub due: Option<Date>,
    /// A link to a ticket.
    pub link: Option<String>,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    /// When.
    pub at: Timestamp,
    /// What happened.
    pub text: String,
}

/// A postmortem as written: its front-matter, typed and checked, and its body.
#[derive(Debug, Clone)]
pub struct Incident {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    /// The URL slug.
    pub slug: Spanned<String>,
    /// Title.
    pub title: String,
    /// The calendar day the incident began, as written.
    pub date: Date,
    /// The instant, when `date` was written with a time; used to order same-day incidents.
    pub date_time: Option<Timestamp>,
    /// Severity key in the configured spelling.
    pub severity: String,
    /// Summary, when written.
    pub summary: Option<String>,
    /// Who had the incident.
    pub organization: Option<Spanned<String>>,
    /// Who or what was affected.
    pub impact: Option<String>,
    /// Component names as written.
    pub components: Vec<Spanned<String>>,
    /// Tags as written.
    pub tags: Vec<Spanned<String>>,
    /// Lessons.
    pub lessons: Vec<LessonInput>,
    /// Action items.
    pub action_items: Vec<ActionItem>,
    /// Timeline, in the order written.
    pub timeline: Vec<TimelineEntry>,
    /// When it started.
    pub started: Option<Timestamp>,
    /// When it was detected.
    pub detected: Option<Timestamp>,
    /// When it was mitigated.
    pub mitigated: Option<Timestamp>,
    /// When it was resolved.
    pub resolved: Option<Timestamp>,
    /// `duration`, in whole minutes.
    pub duration_minutes: Option<i64>,
    /// Link to the original write-up.
    pub source: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Left out unless `--drafts`.
    pub draft: bool,
    /// Internal or public.
    pub visibility: Visibility,
    /// Free-form data for templates.
    pub extra: serde_json::Value,
    /// The Markdown body.
    pub body: String,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// A plain page from `content/pages/`.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site root.
    pub path: String,
    /// The URL slug.
    pub slug: Spanned<String>,
    /// Title.
    pub title: String,
    /// Order in the navigation (lower first).
    pub weight: i64,
    /// Left out unless `--drafts`.
    pub draft: bool,
    /// The Markdown body.
    pub body: String,
    /// The file line the body starts on.
    pub body_line: usize,
}

/// The front-matter keys of an incident, for unknown-key hints.
pub const INCIDENT_KEYS: &[&str] = &[
    "title",
    "date",
    "severity",
    "summary",
    "organization",
    "impact",
    "components",
    "tags",
    "lessons",
    "action_items",
    "timeline",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "duration",
    "source",
    "authors",
    "slug",
    "draft",
    "visibility",
    "extra",
];

/// The front-matter keys of a plain page.
pub const PAGE_KEYS: &[&str] = &["title", "slug", "draft", "weight"];

/// Reads typed fields out of one map, reporting problems against one file.
struct Fields<'a> {
    path: &'a str,
    map_pos: Pos,
    entries: &'a [(Key, Node)],
    problems: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    fn error(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.problems
            .push(Diagnostic::error(Location::at(self.path, pos), message));
        let last = self.problems.len() - 1;
        &mut self.problems[last]
    }

    /// The node of `key`, treating `null` as absent.
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, node)| node)
            .filter(|node| node.value != Value::Null)
    }

    fn warn_unknown(&mut self, known: &[&str]) {
        for (key, _) in self.entries {
            if !known.contains(&key.name.as_str()) {
                let help = nearest(&key.name, known.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"));
                let message = format!("unknown front-matter key `{}`", key.name);
                self.problems.push(
                    Diagnostic::warning(Location::at(self.path, key.pos), message).with_help(
                        help.unwrap_or_else(|| "custom data belongs under `extra:`".to_string()),
                    ),
                );
            }
        }
    }

    fn required_string(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(node) => self.string_node(key, node),
            None => {
                let pos = self.map_pos;
                self.error(pos, format!("missing required field `{key}`"));
                None
            }
        }
    }

    fn string(&mut self, key: &str) -> Option<String> {
        let node = self.get(key)?;
        self.string_node(key, node)
    }

    fn string_node(&mut self, key: &str, node: &Node) -> Option<String> {
        match scalar_text(&node.value) {
            Some(text) => Some(text),
            None => {
                let message = format!("`{key}` must be a string, found {}", node.value.kind());
                self.error(node.pos, message);
                None
            }
        }
    }

    fn spanned_string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.get(key)?;
        self.string_node(key, node).map(|value| Spanned {
            value,
            pos: node.pos,
        })
    }

    fn bool(&mut self, key: &str) -> bool {
        match self.get(key) {
            None => false,
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => *b,
            Some(node) => {
                let message = format!("`{key}` must be true or false, found {}", node.value.kind());
                self.error(node.pos, message);
                false
            }
        }
    }

    /// A list of strings; a single string is an error that shows the list form.
    fn string_list(&mut self, key: &str) -> Vec<Spanned<String>> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        match &node.value {
            Value::List(items) => items
                .iter()
                .filter_map(|item| match scalar_text(&item.value) {
                    Some(text) if !text.trim().is_empty() => Some(Spanned {
                        value: text.trim().to_string(),
                        pos: item.pos,
                    }),
                    Some(_) => {
                        self.error(item.pos, format!("empty entry in `{key}`"));
                        None
                    }
                    None => {
                        let message = format!(
                            "entries of `{key}` must be strings, found {}",
                            item.value.kind()
                        );
                        self.error(item.pos, message);
                        None
                    }
                })
                .collect(),
            other => {
                let example = scalar_text(other).unwrap_or_else(|| "a, b".into());
                let message = format!("`{key}` must be a list, found {}", other.kind());
                self.error(node.pos, message).help =
                    Some(format!("write it as a list: `{key}: [{example}]`"));
                Vec::new()
            }
        }
    }

    fn list(&mut self, key: &str) -> &'a [Node] {
        let Some(node) = self.get(key) else {
            return &[];
        };
        match &node.value {
            Value::List(items) => items,
            other => {
                let message = format!("`{key}` must be a list, found {}", other.kind());
                self.error(node.pos, message);
                &[]
            }
        }
    }
}

/// The text of a scalar: strings as they are, numbers in their usual spelling.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Datetime(d) => Some(d.clone()),
        _ => None,
    }
}

fn map_entries<'a>(
    node: &'a Node,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<&'a [(Key, Node)]> {
    match &node.value {
        Value::Map(entries) => Some(entries),
        other => {
            problems.push(Diagnostic::error(
                Location::at(path, node.pos),
                format!(
                    "front-matter must be a map of `key: value` lines, found {}",
                    other.kind()
                ),
            ));
            None
        }
    }
}

/// Everything `parse_incident` needs besides the tree.
pub struct Source<'a> {
    /// Path relative to the site root.
    pub path: &'a str,
    /// The file stem, for the default slug.
    pub stem: &'a str,
    /// The body.
    pub body: &'a str,
    /// The line the body starts on.
    pub body_line: usize,
    /// Where the front-matter starts (for problems with no better position).
    pub front_matter_pos: Pos,
}

/// Reads an incident's front-matter. Returns `None` when an error makes it unusable;
/// every problem found goes into `problems` either way.
pub fn parse_incident(
    source: &Source<'_>,
    node: &Node,
    config: &Config,
    problems: &mut Vec<Diagnostic>,
) -> Option<Incident> {
    let errors_before = count_errors(problems);
    let path = source.path;
    let entries = match &node.value {
        Value::Null => {
            problems.push(Diagnostic::error(
                Location::at(path, source.front_matter_pos),
                "front-matter is empty: `title`, `date` and `severity` are required",
            ));
            return None;
        }
        _ => map_entries(node, path, problems)?,
    };
    let mut f = Fields {
        path,
        map_pos: source.front_matter_pos,
        entries,
        problems,
    };
    f.warn_unknown(INCIDENT_KEYS);
    let title = f.required_string("title");
    let (date, date_time) = match f.get("date") {
        None => {
            let pos = f.map_pos;
            f.error(pos, "missing required field `date`").help =
                Some("write the day the incident began, e.g. `date: 2023-02-07`".into());
            (None, None)
        }
        Some(node) => match scalar_text(&node.value).and_then(|t| parse_date_field(&t, config)) {
            Some(parsed) => (Some(parsed.0), parsed.1),
            None => {
                f.error(node.pos, format!("`date` is not a date: {}", show(&node.value)))
                    .help = Some("expected `YYYY-MM-DD` or RFC 3339, e.g. `2023-02-07` or `2023-02-07T09:12:00Z`".into());
                (None, None)
            }
        },
    };
    let severity = match f.get("severity") {
        None => {
            let pos = f.map_pos;
            let keys = severity_keys(config);
            f.error(pos, "missing required field `severity`").help =
                Some(format!("expected one of: {keys}"));
            None
        }
        Some(node) => match scalar_text(&node.value) {
            Some(text) => match config.severity(text.trim()) {
                Some(s) => Some(s.key.clone()),
                None => {
                    let keys: Vec<&str> =
                        config.severities.iter().map(|s| s.key.as_str()).collect();
                    let help = match nearest(&text, keys.iter().copied()) {
                        Some(n) => {
                            format!("did you mean `{n}`? expected one of: {}", keys.join(", "))
                        }
                        None => format!("expected one of: {}", keys.join(", ")),
                    };
                    f.error(node.pos, format!("unknown severity `{text}`")).help = Some(help);
                    None
                }
            },
            None => {
                let message = format!("`severity` must be a string, found {}", node.value.kind());
                f.error(node.pos, message);
                None
            }
        },
    };
    let summary = f.string("summary").filter(|s| !s.trim().is_empty());
    let organization = f
        .spanned_string("organization")
        .filter(|s| !s.value.trim().is_empty());
    let impact = f.string("impact").filter(|s| !s.trim().is_empty());
    let components = f.string_list("components");
    let tags = f.string_list("tags");
    let authors = f
        .string_list("authors")
        .into_iter()
        .map(|a| a.value)
        .collect();
    let source_url = f.get("source").and_then(|node| {
        let url = f.string_node("source", node)?;
        check_url(&mut f, node.pos, "source", &url).then_some(url)
    });
    let draft = f.bool("draft");
    let visibility = match f.get("visibility") {
        None => config.default_visibility,
        Some(node) => match scalar_text(&node.value).and_then(|t| Visibility::parse(&t)) {
            Some(v) => v,
            None => {
                let found = scalar_text(&node.value).unwrap_or_default();
                let help = match nearest(&found, ["internal", "public"]) {
                    Some(n) => format!("did you mean `{n}`? expected one of: internal, public"),
                    None => "expected one of: internal, public".to_string(),
                };
                f.error(
                    node.pos,
                    format!("unknown visibility {}", show(&node.value)),
                )
                .help = Some(help);
                config.default_visibility
            }
        },
    };
    let slug = match f.get("slug") {
        Some(node) => match scalar_text(&node.value) {
            Some(text) if is_slug(&text) => Spanned {
                value: text,
                pos: node.pos,
            },
            Some(text) => {
                let fixed = slugify(&text);
                f.error(node.pos, format!("slug `{text}` is not in slug form"))
                    .help = Some(if fixed.is_empty() {
                    "use lowercase letters, digits and `-`".to_string()
                } else {
                    format!("use `{fixed}`")
                });
                Spanned {
                    value: fixed,
                    pos: node.pos,
                }
            }
            None => {
                let message = format!("`slug` must be a string, found {}", node.value.kind());
                f.error(node.pos, message);
                Spanned {
                    value: String::new(),
                    pos: node.pos,
                }
            }
        },
        None => {
            let value = slugify(source.stem);
            if value.is_empty() {
                let pos = f.map_pos;
                f.error(
                    pos,
                    format!("the file name `{}` gives an empty slug", source.stem),
                )
                .help = Some("rename the file or set `slug:`".into());
            }
            Spanned {
                value,
                pos: f.map_pos,
            }
        }
    };
    let timestamps: Vec<(&str, Option<Spanned<Timestamp>>)> =
        ["started", "detected", "mitigated", "resolved"]
            .into_iter()
            .map(|key| (key, timestamp_field(&mut f, key, config)))
            .collect();
    check_order(&mut f, &timestamps);
    let mut times = timestamps.into_iter().map(|(_, t)| t.map(|t| t.value));
    let (started, detected, mitigated, resolved) = (
        times.next().flatten(),
        times.next().flatten(),
        times.next().flatten(),
        times.next().flatten(),
    );
    let duration_minutes = f.get("duration").and_then(|node| {
        match scalar_text(&node.value).and_then(|t| parse_duration(&t)) {
            Some(minutes) => Some(minutes),
            None => {
                f.error(
                    node.pos,
                    format!("`duration` is not a duration: {}", show(&node.value)),
                )
                .help = Some("expected a duration such as `45m`, `4h`, `1h30m` or `2d`".into());
                None
            }
        }
    });
    let lessons = parse_lessons(&mut f, config);
    let action_items = parse_action_items(&mut f);
    let timeline = match date {
        Some(date) => parse_timeline(&mut f, date, config),
        None => Vec::new(),
    };
    let extra = match f.get("extra") {
        None => serde_json::Value::Object(Default::default()),
        Some(node) => match &node.value {
            Value::Map(_) => to_json(node),
            other => {
                let message = format!("`extra` must be a map, found {}", other.kind());
                f.error(node.pos, message);
                serde_json::Value::Null
            }
        },
    };
    if count_errors(f.problems) > errors_before {
        return None;
    }
    // Only worth saying about front-matter that is otherwise right.
    warn_if_empty(
        &mut f,
        "lessons",
        "the incident names no lessons",
        "add `lessons:` with what was learned; they make up the lessons index",
    );
    warn_if_empty(
        &mut f,
        "components",
        "the incident names no components",
        "add `components: [...]` with the systems involved",
    );
    Some(Incident {
        path: path.to_string(),
        slug,
        title: title?,
        date: date?,
        date_time,
        severity: severity?,
        summary,
        organization,
        impact,
        components,
        tags,
        lessons,
        action_items,
        timeline,
        started,
        detected,
        mitigated,
        resolved,
        duration_minutes,
        source: source_url,
        authors,
        draft,
        visibility,
        extra,
        body: source.body.to_string(),
        body_line: source.body_line,
    })
}

/// Reads a plain page's front-matter.
pub fn parse_page(
    source: &Source<'_>,
    node: &Node,
    problems: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let errors_before = count_errors(problems);
    let path = source.path;
    let empty = Vec::new();
    let entries = match &node.value {
        Value::Null => &empty[..],
        _ => map_entries(node, path, problems)?,
    };
    let mut f = Fields {
        path,
        map_pos: source.front_matter_pos,
        entries,
        problems,
    };
    f.warn_unknown(PAGE_KEYS);
    let title = f.required_string("title");
    let draft = f.bool("draft");
    let weight = match f.get("weight") {
        None => 0,
        Some(Node {
            value: Value::Int(w),
            ..
        }) => *w,
        Some(node) => {
            let message = format!(
                "`weight` must be a whole number, found {}",
                node.value.kind()
            );
            f.error(node.pos, message);
            0
        }
    };
    let slug = match f.spanned_string("slug") {
        Some(s) if is_slug(&s.value) => s,
        Some(s) => {
            let fixed = slugify(&s.value);
            f.error(s.pos, format!("slug `{}` is not in slug form", s.value))
                .help = Some(format!("use `{fixed}`"));
            s
        }
        None => Spanned {
            value: slugify(source.stem),
            pos: source.front_matter_pos,
        },
    };
    if count_errors(f.problems) > errors_before {
        return None;
    }
    Some(Page {
        path: path.to_string(),
        slug,
        title: title?,
        weight,
        draft,
        body: source.body.to_string(),
        body_line: source.body_line,
    })
}

/// `check` warns about an incident without lessons or components (SPEC §2): at the
/// empty list when one is written, else at the front-matter. A value of the wrong
/// type is already an error and gets no warning on top.
fn warn_if_empty(f: &mut Fields<'_>, key: &str, message: &str, help: &str) {
    let pos = match f.get(key) {
        None => f.map_pos,
        Some(Node {
            value: Value::List(items),
            pos,
        }) if items.is_empty() => *pos,
        Some(_) => return,
    };
    f.problems
        .push(Diagnostic::warning(Location::at(f.path, pos), message).with_help(help));
}

fn count_errors(problems: &[Diagnostic]) -> usize {
    problems
        .iter()
        .filter(|d| d.level == crate::diag::Level::Error)
        .count()
}

fn severity_keys(config: &Config) -> String {
    config
        .severities
        .iter()
        .map(|s| s.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value as it reads in a message.
fn show(value: &Value) -> String {
    match scalar_text(value) {
        Some(text) => format!("`{text}`"),
        None => value.kind().to_string(),
    }
}

/// Only http(s) links are accepted for `source` and action-item links.
fn check_url(f: &mut Fields<'_>, pos: Pos, key: &str, url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return true;
    }
    f.error(
        pos,
        format!("`{key}` must be an http(s) URL, found `{url}`"),
    )
    .help = Some("write an absolute link such as https://example.com/postmortem".into());
    false
}

fn timestamp_field(f: &mut Fields<'_>, key: &str, config: &Config) -> Option<Spanned<Timestamp>> {
    let node = f.get(key)?;
    match scalar_text(&node.value).and_then(|t| parse_timestamp(&t, config)) {
        Some(value) => Some(Spanned {
            value,
            pos: node.pos,
        }),
        None => {
            f.error(
                node.pos,
                format!("`{key}` is not a date and time: {}", show(&node.value)),
            )
            .help =
                Some("expected RFC 3339 or `YYYY-MM-DD HH:MM`, e.g. `2023-02-07T09:12:00Z`".into());
            None
        }
    }
}

fn check_order(f: &mut Fields<'_>, timestamps: &[(&str, Option<Spanned<Timestamp>>)]) {
    let mut latest: Option<(&str, Timestamp)> = None;
    for (key, value) in timestamps {
        let Some(value) = value else { continue };
        if let Some((earlier_key, earlier)) = latest
            && value.value < earlier
        {
            f.error(value.pos, format!("`{key}` is before `{earlier_key}`"))
                .help = Some(
                "timestamps must not go backwards: started, detected, mitigated, resolved".into(),
            );
            continue;
        }
        latest = Some((key, value.value));
    }
}

fn parse_lessons(f: &mut Fields<'_>, config: &Config) -> Vec<LessonInput> {
    let items = f.list("lessons");
    let mut lessons = Vec::new();
    for item in items {
        match &item.value {
            Value::Map(entries) => {
                let mut inner = Fields {
                    path: f.path,
                    map_pos: item.pos,
                    entries,
                    problems: f.problems,
                };
                inner.warn_unknown(&["text", "themes"]);
                let text = inner.required_string("text");
                let named = inner.string_list("themes");
                let themes = named
                    .into_iter()
                    .filter_map(|t| normalise_theme(&mut inner, t, config))
                    .collect();
                if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                    lessons.push(LessonInput {
                        text: text.trim().to_string(),
                        themes,
                    });
                }
            }
            other => match scalar_text(other) {
                Some(text) if !text.trim().is_empty() => lessons.push(LessonInput {
                    text: text.trim().to_string(),
                    themes: Vec::new(),
                }),
                Some(_) => {
                    f.problems.push(Diagnostic::warning(
                        Location::at(f.path, item.pos),
                        "empty lesson",
                    ));
                }
                None => {
                    let message = format!(
                        "a lesson must be a string or `{{text, themes}}`, found {}",
                        other.kind()
                    );
                    f.error(item.pos, message);
                }
            },
        }
    }
    lessons
}

/// A named theme in the configured spelling; unknown ones are errors only when
/// the site defines its own themes (SPEC §4).
fn normalise_theme(
    f: &mut Fields<'_>,
    theme: Spanned<String>,
    config: &Config,
) -> Option<Spanned<String>> {
    if let Some(known) = config.theme(&theme.value) {
        return Some(Spanned {
            value: known.key.clone(),
            pos: theme.pos,
        });
    }
    if config.themes_configured {
        let keys: Vec<&str> = config.themes.iter().map(|t| t.key.as_str()).collect();
        let help = match nearest(&theme.value, keys.iter().copied()) {
            Some(n) => format!("did you mean `{n}`? expected one of: {}", keys.join(", ")),
            None => format!("expected one of: {}", keys.join(", ")),
        };
        f.error(theme.pos, format!("unknown lesson theme `{}`", theme.value))
            .help = Some(help);
        return None;
    }
    let key = slugify(&theme.value);
    if key.is_empty() {
        f.error(
            theme.pos,
            format!("lesson theme `{}` gives an empty key", theme.value),
        );
        return None;
    }
    Some(Spanned {
        value: key,
        pos: theme.pos,
    })
}

fn parse_action_items(f: &mut Fields<'_>) -> Vec<ActionItem> {
    let items = f.list("action_items");
    let mut actions = Vec::new();
    for item in items {
        let Value::Map(entries) = &item.value else {
            let message = format!(
                "an action item must be a map with `text`, found {}",
                item.value.kind()
            );
            f.error(item.pos, message).help = Some(
                "write `- text: ...` with optional `owner`, `status`, `due` and `link`".into(),
            );
            continue;
        };
        let mut inner = Fields {
            path: f.path,
            map_pos: item.pos,
            entries,
            problems: f.problems,
        };
        inner.warn_unknown(&["text", "owner", "status", "due", "link"]);
        let text = inner.required_string("text");
        let owner = inner.string("owner").filter(|o| !o.trim().is_empty());
        let status = match inner.get("status") {
            None => ActionStatus::Open,
            Some(node) => match scalar_text(&node.value).and_then(|t| ActionStatus::parse(&t)) {
                Some(status) => status,
                None => {
                    let names: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
                    let found = scalar_text(&node.value).unwrap_or_default();
                    let help = match nearest(&found, names.iter().copied()) {
                        Some(n) => {
                            format!("did you mean `{n}`? expected one of: {}", names.join(", "))
                        }
                        None => format!("expected one of: {}", names.join(", ")),
                    };
                    inner
                        .error(
                            node.pos,
                            format!("unknown action-item status {}", show(&node.value)),
                        )
                        .help = Some(help);
                    ActionStatus::Open
                }
            },
        };
        let due = inner.get("due").and_then(|node| {
            match scalar_text(&node.value).and_then(|t| t.trim().parse::<Date>().ok()) {
                Some(d) => Some(d),
                None => {
                    inner
                        .error(
                            node.pos,
                            format!("`due` is not a date: {}", show(&node.value)),
                        )
                        .help = Some("expected `YYYY-MM-DD`".into());
                    None
                }
            }
        });
        let link = inner.get("link").and_then(|node| {
            let url = inner.string_node("link", node)?;
            check_url(&mut inner, node.pos, "link", &url).then_some(url)
        });
        if let Some(text) = text {
            actions.push(ActionItem {
                text,
                owner,
                status,
                due,
                link,
            });
        }
    }
    actions
}

fn parse_timeline(f: &mut Fields<'_>, date: Date, config: &Config) -> Vec<TimelineEntry> {
    let items = f.list("timeline");
    let mut entries = Vec::new();
    for item in items {
        let Value::Map(map) = &item.value else {
            let message = format!(
                "a timeline entry must be a map with `at` and `text`, found {}",
                item.value.kind()
            );
            f.error(item.pos, message);
            continue;
        };
        let mut inner = Fields {
            path: f.path,
            map_pos: item.pos,
            entries: map,
            problems: f.problems,
        };
        inner.warn_unknown(&["at", "text"]);
        let text = inner.required_string("text");
        let at = match inner.get("at") {
            None => {
                inner.error(item.pos, "missing required field `at`");
                None
            }
            Some(node) => {
                let parsed = scalar_text(&node.value).and_then(|t| {
                    parse_timestamp(&t, config).or_else(|| parse_clock(&t, date, config))
                });
                if parsed.is_none() {
                    inner
                        .error(
                            node.pos,
                            format!("`at` is not a time: {}", show(&node.value)),
                        )
                        .help = Some(
                        "expected RFC 3339, `YYYY-MM-DD HH:MM` or `HH:MM` (on the incident's date)"
                            .into(),
                    );
                }
                parsed
            }
        };
        if let (Some(at), Some(text)) = (at, text) {
            entries.push(TimelineEntry { at, text });
        }
    }
    entries
}

/// `date`: a calendar day, or an RFC 3339 datetime whose calendar day is kept as written.
fn parse_date_field(text: &str, config: &Config) -> Option<(Date, Option<Timestamp>)> {
    let text = text.trim();
    if text.len() == 10 {
        return text.parse::<Date>().ok().map(|d| (d, None));
    }
    let day: Date = text.get(..10)?.parse().ok()?;
    let instant = parse_timestamp(text, config)?;
    Some((day, Some(instant)))
}

/// RFC 3339, or a date and time without offset (in the config's time zone).
pub fn parse_timestamp(text: &str, config: &Config) -> Option<Timestamp> {
    let text = text.trim();
    if text.len() < 16 {
        return None;
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let normalised = text.replacen(' ', "T", 1);
    let local: DateTime = normalised.parse().ok()?;
    local_to_timestamp(local, config)
}

/// `HH:MM` (or `HH:MM:SS`) on `date`, in the config's time zone.
fn parse_clock(text: &str, date: Date, config: &Config) -> Option<Timestamp> {
    let text = text.trim();
    if !(text.len() == 5 || text.len() == 8) {
        return None;
    }
    let time: Time = text.parse().ok()?;
    local_to_timestamp(date.to_datetime(time), config)
}

/// At a daylight-saving fold, the earlier instant (SPEC §2).
fn local_to_timestamp(local: DateTime, config: &Config) -> Option<Timestamp> {
    config.timezone.to_ambiguous_timestamp(local).earlier().ok()
}

/// `4h`, `314m`, `1h30m`, `2d`, `1d 2h` in whole minutes.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut saw_unit = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else if c == ' ' {
            continue;
        } else {
            let factor = match c {
                'd' => 24 * 60,
                'h' => 60,
                'm' => 1,
                _ => return None,
            };
            let n: i64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(factor)?)?;
            number.clear();
            saw_unit = true;
        }
    }
    (saw_unit && number.is_empty()).then_some(total)
}

/// The `extra` map as JSON for templates.
fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) | Value::Datetime(s) => J::String(s.clone()),
        Value::List(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter;

    fn parse(text: &str, config: &Config) -> (Option<Incident>, Vec<Diagnostic>) {
        let split = front_matter::split(text).unwrap().unwrap();
        let node = front_matter::parse(text, &split).unwrap();
        let source = Source {
            path: "content/x.md",
            stem: "My Incident",
            body: split.body,
            body_line: 1,
            front_matter_pos: Pos::new(1, 1),
        };
        let mut problems = Vec::new();
        let incident = parse_incident(&source, &node, config, &mut problems);
        (incident, problems)
    }

    /// Every problem but the empty-list warnings, which most tests do not care about.
    fn messages(problems: &[Diagnostic]) -> Vec<String> {
        problems
            .iter()
            .filter(|d| !d.message.starts_with("the incident names no"))
            .map(|d| format!("{}: {}", d.location, d.message))
            .collect()
    }

    #[test]
    fn empty_lessons_and_components_are_warnings_where_written() {
        let text = "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\nlessons: []\n---\n";
        let (incident, problems) = parse(text, &Config::default());
        assert!(incident.is_some());
        let got: Vec<String> = problems
            .iter()
            .map(|d| format!("{} {}: {}", d.level, d.location, d.message))
            .collect();
        assert_eq!(
            got,
            [
                "warning content/x.md:5:10: the incident names no lessons",
                "warning content/x.md:1:1: the incident names no components",
            ]
        );
        let typed =
            "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\nlessons: x\ncomponents: [a]\n---\n";
        let (_, problems) = parse(typed, &Config::default());
        assert_eq!(
            messages(&problems),
            ["content/x.md:5:10: `lessons` must be a list, found a string"]
        );
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn a_full_incident_reads_every_field() {
        let text = r#"---
title: "Webhook timeouts"
date: 2023-02-07
severity: Non-Prod
organization: Venafi
components: [OPA, kube-apiserver]
tags: [upgrade]
started: 2023-02-07T09:12:00Z
detected: "2023-02-07 09:40"
resolved: 2023-02-07T12:05:00Z
lessons:
  - text: Alert on API server response times.
    themes: [Monitoring]
  - Give every workload a liveness probe.
action_items:
  - text: Scope the webhook
    owner: platform
    status: Done
    due: 2023-03-01
timeline:
  - at: "09:12"
    text: Upgrade starts.
extra:
  ticket: 42
---
body
"#;
        let (incident, problems) = parse(text, &Config::default());
        assert!(messages(&problems).is_empty(), "{:?}", messages(&problems));
        let i = incident.unwrap();
        assert_eq!(i.slug.value, "my-incident");
        assert_eq!(i.severity, "non-prod");
        assert_eq!(i.lessons[0].themes[0].value, "monitoring");
        assert_eq!(i.action_items[0].status, ActionStatus::Done);
        assert_eq!(i.timeline[0].at.to_string(), "2023-02-07T09:12:00Z");
        assert_eq!(i.detected.unwrap().to_string(), "2023-02-07T09:40:00Z");
        assert_eq!(i.extra["ticket"], 42);
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let text = "---\ntitle: [a]\ndate: 2023-13-45\nseverity: sev5\nseverty: x\ncomponents: etcd\n---\n";
        let (incident, problems) = parse(text, &Config::default());
        assert!(incident.is_none());
        let got = messages(&problems);
        assert_eq!(
            got,
            [
                "content/x.md:5:1: unknown front-matter key `severty`",
                "content/x.md:2:8: `title` must be a string, found a list",
                "content/x.md:3:7: `date` is not a date: `2023-13-45`",
                "content/x.md:4:11: unknown severity `sev5`",
                "content/x.md:6:13: `components` must be a list, found a string",
            ]
        );
        assert_eq!(
            problems[0].help.as_deref(),
            Some("did you mean `severity`?")
        );
    }

    #[test]
    fn timestamps_must_not_go_backwards() {
        let text = "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\nstarted: 2023-01-01T10:00:00Z\nresolved: 2023-01-01T09:00:00Z\n---\n";
        let (incident, problems) = parse(text, &Config::default());
        assert!(incident.is_none());
        assert_eq!(
            messages(&problems),
            ["content/x.md:6:11: `resolved` is before `started`"]
        );
    }

    #[test]
    fn times_without_offset_use_the_config_zone_and_earlier_fold() {
        let config = Config {
            timezone: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
            ..Config::default()
        };
        let ts = parse_timestamp("2023-10-29 02:30", &config).unwrap();
        assert_eq!(ts.to_string(), "2023-10-29T00:30:00Z");
        let ts = parse_timestamp("2023-07-01T12:00:00+00:00", &config).unwrap();
        assert_eq!(ts.to_string(), "2023-07-01T12:00:00Z");
    }

    #[test]
    fn durations_parse_to_minutes() {
        assert_eq!(parse_duration("4h"), Some(240));
        assert_eq!(parse_duration("314m"), Some(314));
        assert_eq!(parse_duration("1h30m"), Some(90));
        assert_eq!(parse_duration("2d"), Some(2880));
        assert_eq!(parse_duration("1d 2h"), Some(1560));
        assert_eq!(parse_duration("4"), None);
        assert_eq!(parse_duration("4x"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn unknown_theme_is_an_error_only_with_configured_themes() {
        let text = "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\nlessons:\n  - text: x\n    themes: [people]\n---\n";
        let (incident, problems) = parse(text, &Config::default());
        assert!(messages(&problems).is_empty());
        assert_eq!(incident.unwrap().lessons[0].themes[0].value, "people");
        let config = Config {
            themes_configured: true,
            ..Config::default()
        };
        let (incident, problems) = parse(text, &config);
        assert!(incident.is_none());
        assert_eq!(
            messages(&problems),
            ["content/x.md:7:14: unknown lesson theme `people`"]
        );
    }

    #[test]
    fn bad_slug_shows_the_slug_form() {
        let text = "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\nslug: My Slug\n---\n";
        let (_, problems) = parse(text, &Config::default());
        assert_eq!(problems[0].help.as_deref(), Some("use `my-slug`"));
    }

    #[test]
    fn javascript_source_is_refused() {
        let text =
            "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\nsource: javascript:alert(1)\n---\n";
        let (incident, problems) = parse(text, &Config::default());
        assert!(incident.is_none());
        assert!(problems[0].message.contains("must be an http(s) URL"));
    }
}
