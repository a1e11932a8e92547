//! `debrief init --from DIR`: reads a folder of postmortems written for another
//! tool and proposes the config that builds them as they are (SPEC §9): other
//! names for fields, found by name and by the shape of their values, a default
//! severity when no file gives one, and whether to keep unknown keys as extra.
//! Pure: the command reads the files and writes the site.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Alias, Config, UnknownKeys};
use crate::content::front_matter::{self, Node, Value};
use crate::content::incident::incident_keys;
use crate::diag::{Diagnostics, Level, Pos};

/// The shape of one front-matter value, as far as choosing a field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    DateTime,
    Date,
    List,
    Url,
    Text,
    Number,
    Bool,
    Map,
    Nothing,
}

/// What the fields of Debrief hold, and the names other tools give them.
const FIELDS: &[(&str, &[Shape], &[&str])] = &[
    (
        "title",
        &[Shape::Text],
        &["name", "heading", "headline", "subject"],
    ),
    (
        "date",
        &[Shape::Date, Shape::DateTime],
        &[
            "day",
            "published",
            "published_at",
            "publish_date",
            "created",
            "created_at",
            "incident_date",
            "occurred",
            "occurred_at",
        ],
    ),
    (
        "severity",
        &[Shape::Text, Shape::Number],
        &[
            "sev",
            "priority",
            "level",
            "impact_level",
            "incident_severity",
        ],
    ),
    (
        "summary",
        &[Shape::Text],
        &["description", "abstract", "tldr", "excerpt", "overview"],
    ),
    (
        "organization",
        &[Shape::Text],
        &[
            "company",
            "org",
            "organisation",
            "team",
            "owner_org",
            "customer",
        ],
    ),
    (
        "impact",
        &[Shape::Text],
        &["customer_impact", "user_impact", "business_impact"],
    ),
    (
        "components",
        &[Shape::List, Shape::Text],
        &[
            "services",
            "systems",
            "affected_services",
            "affected_systems",
            "component",
            "service",
            "technologies",
            "products",
        ],
    ),
    (
        "tags",
        &[Shape::List, Shape::Text],
        &[
            "keywords",
            "categories",
            "labels",
            "topics",
            "tag",
            "category",
        ],
    ),
    (
        "started",
        &[Shape::DateTime],
        &[
            "start_time",
            "start",
            "started_at",
            "start_date",
            "began",
            "begin",
            "incident_start",
            "starttime",
        ],
    ),
    (
        "detected",
        &[Shape::DateTime],
        &[
            "detected_at",
            "detection_time",
            "detect_time",
            "noticed",
            "noticed_at",
            "alerted_at",
        ],
    ),
    (
        "mitigated",
        &[Shape::DateTime],
        &["mitigated_at", "mitigation_time", "mitigate_time"],
    ),
    (
        "resolved",
        &[Shape::DateTime],
        &[
            "end_time",
            "end",
            "ended_at",
            "end_date",
            "resolved_at",
            "resolution_time",
            "finished",
            "finished_at",
            "endtime",
        ],
    ),
    (
        "source",
        &[Shape::Url],
        &[
            "url",
            "link",
            "source_url",
            "report",
            "report_url",
            "postmortem_url",
            "permalink",
            "href",
        ],
    ),
    (
        "authors",
        &[Shape::List, Shape::Text],
        &["author", "owner", "owners", "writer", "written_by"],
    ),
    (
        "duration",
        &[Shape::Text, Shape::Number],
        &["length", "outage_duration", "downtime"],
    ),
];

/// A key found in the folder: in how many files, and the shape of its values.
#[derive(Debug, Default)]
struct KeyStats {
    files: usize,
    shapes: BTreeMap<Shape, usize>,
}

/// What reading the folder found and proposes.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The config to write.
    pub config: Config,
    /// Why each alias was proposed, by field, for a comment beside it.
    pub notes: Vec<(String, String)>,
    /// How many Markdown files were read, and how many had front-matter.
    pub files: usize,
    /// How many of them had front-matter that parsed.
    pub with_front_matter: usize,
    /// Keys kept under `extra`, most used first.
    pub extra_keys: Vec<String>,
}

/// Proposes the config for the Markdown files `texts` (their contents).
pub fn propose<'t>(texts: impl IntoIterator<Item = &'t str>) -> Proposal {
    let mut keys: BTreeMap<String, KeyStats> = BTreeMap::new();
    let (mut files, mut with_front_matter) = (0, 0);
    for text in texts {
        files += 1;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let Ok(Some(split)) = front_matter::split(text) else {
            continue;
        };
        let Ok(Node {
            value: Value::Map(entries),
            ..
        }) = front_matter::parse(text, &split)
        else {
            continue;
        };
        with_front_matter += 1;
        for (key, node) in entries {
            let stats = keys.entry(key.name).or_default();
            stats.files += 1;
            *stats.shapes.entry(shape(&node.value)).or_default() += 1;
        }
    }
    let fields = incident_keys();
    let mut config = Config::default();
    let mut notes = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    for (field, shapes, synonyms) in FIELDS {
        let mut names: Vec<(&str, usize)> = Vec::new();
        for (name, stats) in &keys {
            if fields.contains(&name.as_str()) || taken.contains(&name.as_str()) {
                continue;
            }
            let fits = shapes
                .iter()
                .map(|s| stats.shapes.get(s).copied().unwrap_or(0))
                .sum::<usize>();
            let nothing = stats.shapes.get(&Shape::Nothing).copied().unwrap_or(0);
            // Most values must have the field's shape (empty ones do not count).
            if fits == 0 || fits * 10 < (stats.files - nothing) * 8 {
                continue;
            }
            if is_name_for(name, field, synonyms) {
                names.push((name.as_str(), stats.files));
            }
        }
        if names.is_empty() {
            continue;
        }
        // The most used name first.
        names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        taken.extend(names.iter().map(|(n, _)| *n));
        notes.push((
            field.to_string(),
            names
                .iter()
                .map(|(name, count)| format!("`{name}` in {count} of {with_front_matter} files"))
                .collect::<Vec<_>>()
                .join(", "),
        ));
        config.front_matter.aliases.push(Alias {
            field: field.to_string(),
            names: names.iter().map(|(n, _)| n.to_string()).collect(),
            pos: Pos::new(1, 1),
        });
    }
    // Files without a severity (or without front-matter) get the scale's last.
    let severity_names: Vec<&str> = std::iter::once("severity")
        .chain(
            (config.front_matter.aliases.iter())
                .filter(|a| a.field == "severity")
                .flat_map(|a| a.names.iter().map(String::as_str)),
        )
        .collect();
    let with_severity = (severity_names.iter())
        .filter_map(|name| keys.get(*name).map(|k| k.files))
        .max()
        .unwrap_or(0);
    if with_severity < files {
        config.default_severity = config.severities.last().map(|s| s.key.clone());
    }
    let mut extra: Vec<(&String, usize)> = keys
        .iter()
        .filter(|(name, _)| !fields.contains(&name.as_str()) && !taken.contains(&name.as_str()))
        .map(|(name, stats)| (name, stats.files))
        .collect();
    extra.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !extra.is_empty() {
        config.front_matter.unknown_keys = UnknownKeys::Extra;
    }
    Proposal {
        config,
        notes,
        files,
        with_front_matter,
        extra_keys: extra.into_iter().map(|(name, _)| name.clone()).collect(),
    }
}

/// What `check` says of the adopted library, in short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSummary {
    /// Markdown files with no error: they build.
    pub building: usize,
    /// Markdown files with at least one error.
    pub failing: usize,
    /// How many warnings in all.
    pub warnings: usize,
    /// The most common problems, errors first, as a pattern (the values in
    /// backquotes left out) with how many times it was reported.
    pub common: Vec<(Level, String, usize)>,
}

/// Sums up the problems `check` found in a library of `markdown_files` files
/// (paths relative to the site).
pub fn summarise(diagnostics: &Diagnostics, markdown_files: &[String]) -> CheckSummary {
    let failing: BTreeSet<&str> = (diagnostics.iter())
        .filter(|d| d.level == Level::Error)
        .map(|d| d.location.path.as_str())
        .collect();
    let failing = markdown_files
        .iter()
        .filter(|f| failing.contains(f.as_str()))
        .count();
    let mut counts: BTreeMap<(Level, String), usize> = BTreeMap::new();
    for d in diagnostics.iter() {
        *counts.entry((d.level, pattern(&d.message))).or_default() += 1;
    }
    let mut common: Vec<(Level, String, usize)> = counts
        .into_iter()
        .map(|((level, text), n)| (level, text, n))
        .collect();
    common.sort_by(|a, b| {
        (a.0 != Level::Error)
            .cmp(&(b.0 != Level::Error))
            .then(b.2.cmp(&a.2))
            .then(a.1.cmp(&b.1))
    });
    common.truncate(3);
    CheckSummary {
        building: markdown_files.len() - failing,
        failing,
        warnings: diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count(),
        common,
    }
}

/// A message with the values between backquotes replaced by `…`, so that the same
/// problem in different files counts as one; field names are kept, since they
/// say which problem it is.
fn pattern(message: &str) -> String {
    let fields = incident_keys();
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        } else if fields.contains(&part) {
            out.push_str(&format!("`{part}`"));
        } else {
            out.push_str("`…`");
        }
    }
    out
}

/// Whether `name` is another tool's name for `field`: one of its known synonyms,
/// or the field's name written another way (`Start-Time`, `startedAt`).
fn is_name_for(name: &str, field: &str, synonyms: &[&str]) -> bool {
    let plain = normalise(name);
    if plain == normalise(field) || synonyms.iter().any(|s| normalise(s) == plain) {
        return true;
    }
    // A near spelling of the field or of a synonym (`organisaton`, `keyword`).
    std::iter::once(field)
        .chain(synonyms.iter().copied())
        .any(|s| plain.len() > 4 && strsim::jaro_winkler(&plain, &normalise(s)) >= 0.93)
}

/// Lowercase letters and digits only.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The shape of a value.
fn shape(value: &Value) -> Shape {
    match value {
        Value::Null => Shape::Nothing,
        Value::Bool(_) => Shape::Bool,
        Value::Int(_) | Value::Float(_) => Shape::Number,
        Value::List(items) if items.is_empty() => Shape::Nothing,
        Value::List(_) => Shape::List,
        Value::Map(_) => Shape::Map,
        Value::Datetime(text) | Value::String(text) => text_shape(text.trim()),
    }
}

fn text_shape(text: &str) -> Shape {
    let is_day = |t: &str| {
        t.len() >= 10
            && t.get(..10)
                .is_some_and(|d| d.parse::<jiff::civil::Date>().is_ok())
    };
    if text.is_empty() {
        Shape::Nothing
    } else if text.len() == 10 && is_day(text) {
        Shape::Date
    } else if is_day(text) && matches!(text.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        Shape::DateTime
    } else if text.starts_with("http://") || text.starts_with("https://") {
        Shape::Url
    } else {
        Shape::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases(proposal: &Proposal) -> Vec<(String, Vec<String>)> {
        proposal
            .config
            .front_matter
            .aliases
            .iter()
            .map(|a| (a.field.clone(), a.names.clone()))
            .collect()
    }

    #[test]
    fn keys_are_matched_by_name_and_by_the_shape_of_their_values() {
        let files = [
            "---\ntitle: A\ncompany: Acme\nkeywords: [dns]\nstart_time: 2020-07-17T21:12:00Z\nend_time: 2020-07-17T21:39:00+02:00\nurl: https://example.com/a\nproduct: x\n---\n",
            "---\ntitle: B\ncompany: Beta\nkeywords: []\nstart_time: 2021-01-01 10:00\nurl: https://example.com/b\n---\n",
            // `end` holds no time here, so it is not proposed for `resolved`.
            "---\ntitle: C\nend: soon\ncategories: [x]\n---\n",
            "# No front-matter\n",
        ];
        let proposal = propose(files);
        let expected = [
            ("organization", vec!["company"]),
            // The product an incident hit is a system involved in it.
            ("components", vec!["product"]),
            ("tags", vec!["keywords", "categories"]),
            ("started", vec!["start_time"]),
            ("resolved", vec!["end_time"]),
            ("source", vec!["url"]),
        ]
        .map(|(f, names)| (f.to_string(), names.into_iter().map(String::from).collect()));
        assert_eq!(aliases(&proposal), expected);
        assert_eq!(proposal.files, 4);
        assert_eq!(proposal.with_front_matter, 3);
        assert_eq!(proposal.extra_keys, ["end"]);
        assert_eq!(
            proposal.config.front_matter.unknown_keys,
            UnknownKeys::Extra
        );
        assert_eq!(proposal.config.default_severity.as_deref(), Some("minor"));
        assert_eq!(
            proposal.notes[0],
            (
                "organization".to_string(),
                "`company` in 2 of 3 files".to_string()
            )
        );
    }

    #[test]
    fn problems_are_counted_by_kind() {
        use crate::diag::{Diagnostic, Location};
        let mut diags = Diagnostics::new();
        for (path, message, error) in [
            ("content/a.md", "unknown severity `SEV1`", true),
            ("content/b.md", "unknown severity `SEV2`", true),
            ("content/b.md", "missing required field `title`", true),
            ("content/c.md", "the incident names no lessons", false),
        ] {
            let at = Location::at(path, Pos::new(1, 1));
            diags.push(if error {
                Diagnostic::error(at, message)
            } else {
                Diagnostic::warning(at, message)
            });
        }
        let files = [
            "content/a.md",
            "content/b.md",
            "content/c.md",
            "content/d.md",
        ]
        .map(String::from);
        let summary = summarise(&diags, &files);
        assert_eq!(summary.building, 2);
        assert_eq!(summary.failing, 2);
        assert_eq!(summary.warnings, 1);
        assert_eq!(
            summary.common,
            [
                (Level::Error, "unknown severity `…`".to_string(), 2),
                (
                    Level::Error,
                    "missing required field `title`".to_string(),
                    1
                ),
                (
                    Level::Warning,
                    "the incident names no lessons".to_string(),
                    1
                ),
            ]
        );
    }

    #[test]
    fn a_library_that_gives_severities_gets_no_default() {
        let proposal = propose([
            "---\ntitle: A\nsev: minor\n---\n",
            "---\ntitle: B\nsev: major\n---\n",
        ]);
        assert_eq!(
            aliases(&proposal),
            [("severity".to_string(), vec!["sev".to_string()])]
        );
        assert_eq!(proposal.config.default_severity, None);
        assert_eq!(proposal.config.front_matter.unknown_keys, UnknownKeys::Warn);
    }

    #[test]
    fn the_written_config_reads_back_as_proposed() {
        let proposal = propose(["---\ncompany: Acme\nStart-Time: 2020-01-01T00:00:00Z\n---\n"]);
        let text = crate::scaffold::config_toml_with_notes(&proposal.config, &proposal.notes);
        let (parsed, diags) = crate::config::parse_config(&text, "debrief.toml");
        assert!(diags.is_empty(), "{:?}\n{text}", diags.sorted());
        let parsed = parsed.expect("valid");
        assert_eq!(parsed.default_severity, proposal.config.default_severity);
        let names: Vec<_> = parsed
            .front_matter
            .aliases
            .iter()
            .map(|a| (a.field.as_str(), a.names.clone()))
            .collect();
        assert_eq!(
            names,
            [
                ("organization", vec!["company".to_string()]),
                ("started", vec!["Start-Time".to_string()])
            ]
        );
        assert!(
            text.contains("organization = [\"company\"]  # `company` in 1 of 1 files"),
            "{text}"
        );
    }
}
