//! The site config, `debrief.toml`: every key optional, defaults for the rest.
//!
//! Parsing is serde over `toml`; validation (time zone, base URL, duplicate keys,
//! highlight themes) turns into located diagnostics. This module reads no files.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::Pos;
use crate::diag::{
    Diagnostic, Diagnostics, LineIndex, Location, expected_one_of, nearest_help, one_of_help,
};
use crate::slug::slugify;

/// The file name of the site config.
pub const CONFIG_FILE: &str = "debrief.toml";

/// Who may see an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Only inside the company; left out of `--public` builds.
    Internal,
    /// Anyone.
    Public,
}

impl Visibility {
    /// Parses `internal` or `public`, case-insensitively.
    pub fn parse(value: &str) -> Option<Visibility> {
        match value.to_ascii_lowercase().as_str() {
            "internal" => Some(Visibility::Internal),
            "public" => Some(Visibility::Public),
            _ => None,
        }
    }

    /// The spelling used in front-matter and the export.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Internal => "internal",
            Visibility::Public => "public",
        }
    }
}

/// One level of the severity scale. Its rank is its place in the config, 1 = most severe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Severity {
    /// The key written in front-matter, in the configured spelling.
    pub key: String,
    /// The label shown on badges.
    pub label: String,
    /// An emoji shown with the label.
    pub emoji: String,
    /// A CSS colour.
    pub color: String,
    /// What the level means.
    pub description: String,
    /// 1 for the most severe.
    pub rank: usize,
}

/// A component declared in the config: aliases, category and description for a name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentDef {
    /// The canonical name.
    pub name: String,
    /// Other names that mean the same component.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A free-form grouping such as `networking`.
    #[serde(default)]
    pub category: Option<String>,
    /// One sentence about the component.
    #[serde(default)]
    pub description: Option<String>,
}

/// A lesson theme: lessons that name it or contain one of its keywords belong to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// The key used in front-matter and URLs.
    pub key: String,
    /// The heading shown for it.
    pub label: String,
    /// Words and phrases that place a lesson in this theme.
    pub keywords: Vec<String>,
}

/// The key of the theme for lessons that fit no other.
pub const OTHER_THEME: &str = "other";

/// Markdown settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownConfig {
    /// Whether raw HTML in bodies is kept (it is escaped otherwise).
    pub unsafe_html: bool,
    /// Syntect theme names for light and dark colour schemes.
    pub highlight_themes: (String, String),
    /// Where `highlight_theme` is written, for reporting an unknown theme.
    pub highlight_pos: Option<Pos>,
}

/// The quality warnings of `check` and `build` (SPEC §10), each on unless switched
/// off under `[lint]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// An incident of the most severe severity with no action item.
    pub actions: bool,
    /// An open or in-progress action item with no owner.
    pub owner: bool,
    /// Blame wording in a body, a lesson or a contributing factor.
    pub blame: bool,
    /// An incident of the most severe severity without `detected`.
    pub detection: bool,
    /// The phrases that count as blame: the built-in ones, then the config's.
    pub blame_words: Vec<String>,
}

/// The phrases the blame warning looks for when the config adds none.
pub const BLAME_WORDS: [&str; 5] = [
    "human error",
    "operator error",
    "careless",
    "should have",
    "the root cause",
];

impl Default for LintConfig {
    fn default() -> LintConfig {
        LintConfig {
            actions: true,
            owner: true,
            blame: true,
            detection: true,
            blame_words: BLAME_WORDS.iter().map(|w| (*w).to_string()).collect(),
        }
    }
}

/// What a public build leaves out and must never publish (SPEC §11).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublicConfig {
    /// Front-matter fields left out of every file of a public build.
    pub omit: Vec<String>,
    /// Patterns that no file of a public build may match.
    pub deny: Vec<DenyPattern>,
}

/// The front-matter fields `[public] omit` may name: every optional field that
/// holds content, and the `done_on`, `owner` and `link` of action items. `title`, `date` and `severity` are required, and `slug`,
/// `draft` and `visibility` decide what is published rather than hold content.
pub const OMITTABLE_FIELDS: [&str; 23] = [
    "summary",
    "organization",
    "impact",
    "components",
    "tags",
    "lessons",
    "contributing_factors",
    "detected_by",
    "near_miss",
    "lucky",
    "action_items",
    "timeline",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "duration",
    "source",
    "authors",
    "extra",
    "done_on",
    "owner",
    "link",
];

/// One `[public] deny` pattern.
#[derive(Debug, Clone)]
pub struct DenyPattern {
    /// The pattern as written.
    pub source: String,
    /// The pattern, compiled.
    pub regex: regex::Regex,
    /// Where it is written in `debrief.toml`.
    pub pos: Pos,
}

impl PartialEq for DenyPattern {
    fn eq(&self, other: &DenyPattern) -> bool {
        self.source == other.source && self.pos == other.pos
    }
}

/// How many days after an incident a similar one counts as a repeat, by default.
pub const DEFAULT_REPEAT_WINDOW_DAYS: u32 = 365;

/// How many items a list page shows before it is paginated: 200 incidents make a
/// component page of about 700 KB, lessons included.
pub const DEFAULT_PAGINATE_BY: u32 = 200;

/// How front-matter written for another tool is read (SPEC §9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatterConfig {
    /// What happens to keys that are no field.
    pub unknown_keys: UnknownKeys,
    /// Other names for fields, in the order written.
    pub aliases: Vec<Alias>,
}

/// What happens to front-matter keys that are no field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnknownKeys {
    /// Each gets a warning that names the nearest field.
    #[default]
    Warn,
    /// They are kept under `incident.extra`, without a word.
    Extra,
}

/// Other names for one field, tried in order after the field's own key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The field.
    pub field: String,
    /// Its other names.
    pub names: Vec<String>,
    /// Where the entry is written in the config.
    pub pos: Pos,
}

/// The syntax highlighting themes used when the config names none: light, dark.
pub const DEFAULT_HIGHLIGHT_THEMES: (&str, &str) = ("InspiredGitHub", "base16-ocean.dark");

/// The validated site config.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// One-line description.
    pub description: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending in `/`.
    pub base_path: String,
    /// Language tag for `<html lang>`.
    pub language: String,
    /// The time zone name for times written without an offset.
    pub timezone_name: String,
    /// That time zone.
    pub timezone: jiff::tz::TimeZone,
    /// Visibility of incidents that do not say.
    pub default_visibility: Visibility,
    /// Markdown settings.
    pub markdown: MarkdownConfig,
    /// How front-matter written for another tool is read.
    pub front_matter: FrontMatterConfig,
    /// The severity of an incident that gives none, when set.
    pub default_severity: Option<String>,
    /// The severity scale, most severe first.
    pub severities: Vec<Severity>,
    /// Declared components.
    pub components: Vec<ComponentDef>,
    /// Lesson themes, always ending with `other`.
    pub themes: Vec<Theme>,
    /// True when the site defines its own `[[lesson_themes]]`.
    pub themes_configured: bool,
    /// How many days after an incident a similar one is a repeat of it.
    pub repeat_window_days: u32,
    /// How many incidents a severity, component, tag or organization page lists
    /// (lessons and factors for a theme's) before the rest go on further pages;
    /// 0: every list on one page.
    pub paginate_by: u32,
    /// The quality warnings.
    pub lint: LintConfig,
    /// What public builds leave out and must never publish.
    pub public: PublicConfig,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    language: Option<String>,
    timezone: Option<Spanned<String>>,
    default_visibility: Option<Spanned<String>>,
    #[serde(default)]
    markdown: RawMarkdown,
    #[serde(default)]
    front_matter: RawFrontMatter,
    default_severity: Option<Spanned<String>>,
    severities: Option<Vec<Spanned<RawSeverity>>>,
    #[serde(default)]
    components: Vec<Spanned<ComponentDef>>,
    lesson_themes: Option<Vec<Spanned<RawTheme>>>,
    repeat_window_days: Option<u32>,
    paginate_by: Option<u32>,
    #[serde(default)]
    lint: RawLint,
    #[serde(default)]
    public: RawPublic,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublic {
    #[serde(default)]
    omit: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLint {
    actions: Option<bool>,
    owner: Option<bool>,
    blame: Option<bool>,
    detection: Option<bool>,
    #[serde(default)]
    blame_words: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    #[serde(default)]
    unsafe_html: bool,
    highlight_theme: Option<Spanned<HighlightTheme>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    unknown_keys: Option<Spanned<String>>,
    #[serde(default)]
    aliases: BTreeMap<Spanned<String>, Spanned<OneOrMany>>,
}

/// A key name or a list of them: `"company"` or `["keywords", "categories"]`.
#[derive(Debug)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names;

        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key name or a list of them, such as [\"keywords\", \"categories\"]")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(name.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(OneOrMany::Many(names))
            }
        }

        deserializer.deserialize_any(Names)
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum HighlightTheme {
    One(String),
    Two(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeverity {
    key: String,
    label: Option<String>,
    emoji: Option<String>,
    color: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    key: String,
    label: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: "Incident Library".into(),
            description: "What we learned when things broke.".into(),
            base_url: "http://127.0.0.1:1111/".into(),
            base_path: "/".into(),
            language: "en".into(),
            timezone_name: "UTC".into(),
            timezone: jiff::tz::TimeZone::UTC,
            default_visibility: Visibility::Internal,
            markdown: MarkdownConfig {
                unsafe_html: false,
                highlight_themes: (
                    DEFAULT_HIGHLIGHT_THEMES.0.to_string(),
                    DEFAULT_HIGHLIGHT_THEMES.1.to_string(),
                ),
                highlight_pos: None,
            },
            front_matter: FrontMatterConfig::default(),
            default_severity: None,
            severities: default_severities(),
            components: Vec::new(),
            themes: with_other(default_themes()),
            themes_configured: false,
            repeat_window_days: DEFAULT_REPEAT_WINDOW_DAYS,
            paginate_by: DEFAULT_PAGINATE_BY,
            lint: LintConfig::default(),
            public: PublicConfig::default(),
        }
    }
}

fn default_severities() -> Vec<Severity> {
    let levels = [
        (
            "production",
            "Production",
            "🤬",
            "#c0392b",
            "Customers were affected.",
        ),
        (
            "non-prod",
            "Non-production",
            "😅",
            "#d68910",
            "No customer impact, but a lesson worth keeping.",
        ),
        (
            "minor",
            "Minor",
            "🤷",
            "#7f8c8d",
            "Trivial: a small mistake, quickly put right.",
        ),
    ];
    levels
        .iter()
        .enumerate()
        .map(|(i, (key, label, emoji, color, description))| Severity {
            key: (*key).into(),
            label: (*label).into(),
            emoji: (*emoji).into(),
            color: (*color).into(),
            description: (*description).into(),
            rank: i + 1,
        })
        .collect()
}

/// The built-in lesson themes, used when the config defines none.
pub fn default_themes() -> Vec<Theme> {
    let themes: [(&str, &str, &[&str]); 12] = [
        (
            "monitoring",
            "Monitoring and alerting",
            &[
                "alert",
                "alerts",
                "alerting",
                "monitor",
                "monitors",
                "monitoring",
                "dashboard",
                "dashboards",
                "metric",
                "metrics",
                "observability",
                "slo",
                "slos",
                "logging",
                "logs",
                "tracing",
                "paging",
                "on-call",
            ],
        ),
        (
            "health-checks",
            "Health checks and probes",
            &[
                "probe",
                "probes",
                "liveness",
                "readiness",
                "health check",
                "health checks",
                "healthcheck",
                "healthchecks",
                "startup probe",
            ],
        ),
        (
            "change-management",
            "Upgrades and change management",
            &[
                "upgrade",
                "upgrades",
                "upgrading",
                "rollout",
                "rollouts",
                "rollback",
                "rollbacks",
                "deploy",
                "deploys",
                "deployment",
                "deployments",
                "release",
                "releases",
                "canary",
                "change",
                "changes",
                "migration",
                "migrations",
                "version",
                "versions",
            ],
        ),
        (
            "capacity",
            "Capacity and resource limits",
            &[
                "capacity",
                "limit",
                "limits",
                "quota",
                "quotas",
                "cpu",
                "memory",
                "oom",
                "resources",
                "resource requests",
                "requests",
                "autoscaling",
                "autoscaler",
                "scaling",
                "throttling",
                "ip addresses",
                "exhaustion",
                "disk",
            ],
        ),
        (
            "networking",
            "Networking and DNS",
            &[
                "dns",
                "network",
                "networking",
                "coredns",
                "kube-dns",
                "ndots",
                "latency",
                "load balancer",
                "ingress",
                "mtu",
                "conntrack",
                "cni",
                "service mesh",
                "timeout",
                "timeouts",
                "iptables",
            ],
        ),
        (
            "security",
            "Security and access",
            &[
                "security",
                "rbac",
                "certificate",
                "certificates",
                "tls",
                "secret",
                "secrets",
                "permission",
                "permissions",
                "access",
                "credentials",
                "iam",
                "audit",
                "vulnerability",
            ],
        ),
        (
            "testing",
            "Testing and staging",
            &[
                "test",
                "tests",
                "testing",
                "staging",
                "chaos",
                "load test",
                "rehearse",
                "rehearsal",
                "dry run",
                "game day",
                "pre-production",
            ],
        ),
        (
            "backup",
            "Backup and recovery",
            &[
                "backup",
                "backups",
                "restore",
                "restores",
                "recovery",
                "disaster recovery",
                "snapshot",
                "snapshots",
                "data loss",
                "replication",
            ],
        ),
        (
            "incident-response",
            "Incident response and communication",
            &[
                "incident",
                "incidents",
                "communication",
                "communicate",
                "status page",
                "escalation",
                "escalate",
                "postmortem",
                "postmortems",
                "war room",
                "incident commander",
                "customers",
            ],
        ),
        (
            "configuration",
            "Configuration and infrastructure as code",
            &[
                "configuration",
                "config",
                "misconfiguration",
                "infrastructure as code",
                "terraform",
                "eksctl",
                "helm",
                "gitops",
                "manifest",
                "manifests",
                "defaults",
                "default",
                "console",
            ],
        ),
        (
            "dependencies",
            "Dependencies and operators",
            &[
                "dependency",
                "dependencies",
                "operator",
                "operators",
                "webhook",
                "webhooks",
                "admission",
                "third-party",
                "vendor",
                "addon",
                "add-on",
                "controller",
                "controllers",
                "upstream",
            ],
        ),
        (
            "documentation",
            "Documentation and runbooks",
            &[
                "documentation",
                "docs",
                "document",
                "runbook",
                "runbooks",
                "playbook",
                "playbooks",
                "knowledge",
                "readme",
                "training",
            ],
        ),
    ];
    themes
        .iter()
        .map(|(key, label, keywords)| Theme {
            key: (*key).into(),
            label: (*label).into(),
            keywords: keywords.iter().map(|k| (*k).into()).collect(),
        })
        .collect()
}

fn with_other(mut themes: Vec<Theme>) -> Vec<Theme> {
    if !themes
        .iter()
        .any(|t| t.key.eq_ignore_ascii_case(OTHER_THEME))
    {
        themes.push(Theme {
            key: OTHER_THEME.into(),
            label: "Other".into(),
            keywords: Vec::new(),
        });
    }
    themes
}

impl Config {
    /// The severity with this key, case-insensitively.
    pub fn severity(&self, key: &str) -> Option<&Severity> {
        self.severities
            .iter()
            .find(|s| s.key.eq_ignore_ascii_case(key))
    }

    /// The theme with this key, case-insensitively.
    pub fn theme(&self, key: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.key.eq_ignore_ascii_case(key))
    }

    /// Sets the base URL (from `--base-url` or `serve`), checking it.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = parse_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }
}

/// Checks an absolute http(s) base URL; returns it ending in `/` and its path part.
///
/// The `url` crate checks the host and port. The rest is checked on the text as
/// written, and the result keeps it: the crate reads `http:///host` as
/// `http://host/`, drops `.` and `..` segments, lower-cases the host and
/// percent-encodes the path, any of which would quietly change the site's links.
pub fn parse_base_url(text: &str) -> Result<(String, String), String> {
    let text = text.trim();
    let problem = |what: &str| Err(format!("base_url `{text}` {what}"));
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return problem("must start with http:// or https://");
    };
    if rest.contains(['?', '#', ' ', '"', '<', '>', '\\']) {
        return problem("must not contain a query, a fragment, spaces or quotes");
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let parsed = match url::Url::parse(text) {
        Err(url::ParseError::EmptyHost) => return problem("has no host"),
        Err(error) => return problem(&format!("is not a valid URL: {error}")),
        Ok(parsed) => parsed,
    };
    if authority.is_empty() || parsed.host_str().is_none_or(str::is_empty) {
        return problem("has no host");
    }
    let mut path = if path.is_empty() { "/" } else { path }.to_string();
    while path.contains("//") {
        path = path.replace("//", "/");
    }
    if path.split('/').any(|s| s == ".." || s == ".") {
        return problem("must not contain `.` or `..` segments");
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    let scheme = &text[..text.len() - rest.len()];
    Ok((format!("{scheme}{authority}{path}"), path))
}

/// Parses and validates the text of `debrief.toml`. Problems are reported at their
/// position in `path`; the config is `None` when any of them is an error.
pub fn parse_config(text: &str, path: &str) -> (Option<Config>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let index = LineIndex::new(text);
    let at = |span: std::ops::Range<usize>| Location::at(path, index.pos(text, span.start));
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let location = match e.span() {
                Some(span) => at(span),
                None => Location::file(path),
            };
            let message = e.message().trim().to_string();
            let help = unknown_field_help(&message);
            diags.push(Diagnostic::error(location, message).with_help_opt(help));
            return (None, diags);
        }
    };
    let mut config = Config::default();
    if let Some(title) = raw.title {
        config.title = title;
    }
    if let Some(description) = raw.description {
        config.description = description;
    }
    if let Some(language) = raw.language {
        config.language = language;
    }
    if let Some(url) = raw.base_url
        && let Err(message) = config.set_base_url(url.get_ref())
    {
        diags.push(
            Diagnostic::error(at(url.span()), message)
                .with_help("write an absolute URL such as https://example.com/incidents/"),
        );
    }
    if let Some(tz) = raw.timezone {
        match jiff::tz::TimeZone::get(tz.get_ref()) {
            Ok(zone) => {
                config.timezone = zone;
                config.timezone_name = tz.get_ref().clone();
            }
            Err(_) => diags.push(
                Diagnostic::error(
                    at(tz.span()),
                    format!("unknown time zone `{}`", tz.get_ref()),
                )
                .with_help("use an IANA name such as `UTC`, `Europe/Berlin` or `America/New_York`"),
            ),
        }
    }
    if let Some(visibility) = raw.default_visibility {
        match Visibility::parse(visibility.get_ref()) {
            Some(v) => config.default_visibility = v,
            None => diags.push(
                Diagnostic::error(
                    at(visibility.span()),
                    format!("unknown visibility `{}`", visibility.get_ref()),
                )
                .with_help(expected_one_of(&["internal", "public"])),
            ),
        }
    }
    if let Some(unknown) = raw.front_matter.unknown_keys {
        match unknown.get_ref().as_str() {
            "warn" => config.front_matter.unknown_keys = UnknownKeys::Warn,
            "extra" => config.front_matter.unknown_keys = UnknownKeys::Extra,
            other => diags.push(
                Diagnostic::error(
                    at(unknown.span()),
                    format!("unknown value `{other}` for `unknown_keys`"),
                )
                .with_help(one_of_help(other, &["warn", "extra"])),
            ),
        }
    }
    let mut aliases: Vec<(Spanned<String>, Spanned<OneOrMany>)> =
        raw.front_matter.aliases.into_iter().collect();
    aliases.sort_by_key(|(field, _)| field.span().start);
    for (field, names) in aliases {
        let pos = index.pos(text, field.span().start);
        let names = match names.into_inner() {
            OneOrMany::One(name) => vec![name],
            OneOrMany::Many(names) => names,
        };
        config.front_matter.aliases.push(Alias {
            field: field.into_inner(),
            names,
            pos,
        });
    }
    config.markdown.unsafe_html = raw.markdown.unsafe_html;
    if let Some(theme) = raw.markdown.highlight_theme {
        let span = theme.span();
        config.markdown.highlight_pos = Some(index.pos(text, span.start));
        match theme.into_inner() {
            HighlightTheme::One(name) => {
                config.markdown.highlight_themes = (name.clone(), name);
            }
            HighlightTheme::Two(names) if names.len() == 2 => {
                config.markdown.highlight_themes = (names[0].clone(), names[1].clone());
            }
            HighlightTheme::Two(_) => diags.push(
                Diagnostic::error(
                    at(span),
                    "highlight_theme takes one theme name or two (light, dark)",
                )
                .with_help(format!(
                    "for example [\"{}\", \"{}\"]",
                    DEFAULT_HIGHLIGHT_THEMES.0, DEFAULT_HIGHLIGHT_THEMES.1
                )),
            ),
        }
    }
    if let Some(severities) = raw.severities {
        if severities.is_empty() {
            diags.push(Diagnostic::error(
                Location::file(path),
                "`severities` is empty: define at least one severity",
            ));
        }
        let mut seen = BTreeSet::new();
        config.severities = Vec::new();
        for (i, spanned) in severities.into_iter().enumerate() {
            let span = spanned.span();
            let s = spanned.into_inner();
            if !is_key(&s.key) {
                diags.push(
                    Diagnostic::error(
                        at(span.clone()),
                        format!("severity key `{}` must be a slug", s.key),
                    )
                    .with_help(format!("use `{}`", slugify(&s.key))),
                );
            }
            if !seen.insert(s.key.to_lowercase()) {
                diags.push(Diagnostic::error(
                    at(span),
                    format!("severity `{}` is defined twice", s.key),
                ));
                continue;
            }
            config.severities.push(Severity {
                label: s.label.unwrap_or_else(|| s.key.clone()),
                emoji: s.emoji.unwrap_or_default(),
                color: s.color.unwrap_or_else(|| "#7f8c8d".into()),
                description: s.description.unwrap_or_default(),
                key: s.key,
                rank: i + 1,
            });
        }
    }
    let mut names = BTreeSet::new();
    for spanned in raw.components {
        let span = spanned.span();
        let c = spanned.into_inner();
        for name in std::iter::once(&c.name).chain(&c.aliases) {
            if !names.insert(name.to_lowercase()) {
                diags.push(Diagnostic::error(
                    at(span.clone()),
                    format!("component name or alias `{name}` is used twice"),
                ));
            }
        }
        config.components.push(c);
    }
    if let Some(themes) = raw.lesson_themes {
        config.themes_configured = true;
        let mut seen = BTreeSet::new();
        let mut list = Vec::new();
        for spanned in themes {
            let span = spanned.span();
            let t = spanned.into_inner();
            if !is_key(&t.key) {
                diags.push(
                    Diagnostic::error(
                        at(span.clone()),
                        format!("theme key `{}` must be a slug", t.key),
                    )
                    .with_help(format!("use `{}`", slugify(&t.key))),
                );
            }
            if !seen.insert(t.key.to_lowercase()) {
                diags.push(Diagnostic::error(
                    at(span),
                    format!("lesson theme `{}` is defined twice", t.key),
                ));
                continue;
            }
            list.push(Theme {
                label: t.label.unwrap_or_else(|| t.key.clone()),
                key: t.key,
                keywords: t.keywords,
            });
        }
        config.themes = with_other(list);
    }
    if let Some(days) = raw.repeat_window_days {
        config.repeat_window_days = days;
    }
    if let Some(per) = raw.paginate_by {
        config.paginate_by = per;
    }
    let lint = &mut config.lint;
    for (switch, value) in [
        (&mut lint.actions, raw.lint.actions),
        (&mut lint.owner, raw.lint.owner),
        (&mut lint.blame, raw.lint.blame),
        (&mut lint.detection, raw.lint.detection),
    ] {
        if let Some(value) = value {
            *switch = value;
        }
    }
    for word in raw.lint.blame_words {
        let phrase = word.get_ref().trim().to_lowercase();
        if phrase
            .split(|c: char| !c.is_alphanumeric())
            .all(str::is_empty)
        {
            diags.push(
                Diagnostic::error(
                    at(word.span()),
                    "a blame word must contain a letter or digit",
                )
                .with_help("write a phrase such as \"human error\", or remove the entry"),
            );
        } else if !lint.blame_words.contains(&phrase) {
            lint.blame_words.push(phrase);
        }
    }
    for field in raw.public.omit {
        let name = field.get_ref().trim();
        if OMITTABLE_FIELDS.contains(&name) {
            if !config.public.omit.iter().any(|f| f == name) {
                config.public.omit.push(name.to_string());
            }
            continue;
        }
        let help = if ["title", "date", "severity", "slug", "draft", "visibility"].contains(&name) {
            "`title`, `date` and `severity` are required, and `slug`, `draft` and `visibility` decide what is published; an internal incident (`visibility: internal`) is left out whole".to_string()
        } else {
            one_of_help(name, &OMITTABLE_FIELDS)
        };
        diags.push(
            Diagnostic::error(
                at(field.span()),
                format!("`[public] omit` names `{name}`, which cannot be left out"),
            )
            .with_help(help),
        );
    }
    for pattern in raw.public.deny {
        let pos = index.pos(text, pattern.span().start);
        match regex::Regex::new(pattern.get_ref()) {
            Ok(regex) if !regex.is_match("") => config.public.deny.push(DenyPattern {
                source: pattern.get_ref().clone(),
                regex,
                pos,
            }),
            Ok(_) => diags.push(
                Diagnostic::error(
                    at(pattern.span()),
                    format!("`[public] deny` pattern `{}` matches empty text, so it would match every file", pattern.get_ref()),
                )
                .with_help("make it match at least one character, e.g. `(?i)acme-customer`"),
            ),
            Err(error) => diags.push(
                Diagnostic::error(
                    at(pattern.span()),
                    format!("`[public] deny` pattern `{}` is not a valid regular expression", pattern.get_ref()),
                )
                .with_help(deny_error_help(&error)),
            ),
        }
    }
    if let Some(default) = raw.default_severity {
        let keys: Vec<&str> = config.severities.iter().map(|s| s.key.as_str()).collect();
        if keys.contains(&default.get_ref().as_str()) {
            config.default_severity = Some(default.into_inner());
        } else {
            diags.push(
                Diagnostic::error(
                    at(default.span()),
                    format!(
                        "`default_severity` is `{}`, which is no configured severity",
                        default.get_ref()
                    ),
                )
                .with_help(one_of_help(default.get_ref(), &keys)),
            );
        }
    }
    if diags.has_errors() {
        (None, diags)
    } else {
        (Some(config), diags)
    }
}

/// The last line of the regex crate's message, which says what is wrong.
fn deny_error_help(error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = text
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map_or(text.trim(), |l| l.trim_start_matches("error:").trim());
    format!(
        "{reason}; patterns use the syntax of the Rust regex crate (https://docs.rs/regex); in a double-quoted TOML string a backslash is written twice, or use single quotes: '10\\.0\\.'"
    )
}

/// A key is already a slug: it is used in URLs as it is.
fn is_key(key: &str) -> bool {
    !key.is_empty() && slugify(key) == key.to_lowercase()
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a nearest-key hint.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    nearest_help(field, candidates.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_gives_the_defaults() {
        let (config, diags) = parse_config("", "debrief.toml");
        let config = config.expect("valid");
        assert!(diags.is_empty());
        let keys: Vec<_> = config.severities.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["production", "non-prod", "minor"]);
        assert_eq!(config.themes.len(), 13);
        assert_eq!(config.themes.last().map(|t| t.key.as_str()), Some("other"));
        assert!(!config.themes_configured);
    }

    #[test]
    fn base_url_keeps_its_path() {
        assert_eq!(
            parse_base_url("https://example.com/sub/path").unwrap(),
            ("https://example.com/sub/path/".into(), "/sub/path/".into())
        );
        assert_eq!(
            parse_base_url("http://localhost:1111").unwrap(),
            ("http://localhost:1111/".into(), "/".into())
        );
        assert_eq!(
            parse_base_url(" https://Example.com:8443//a//b ").unwrap(),
            ("https://Example.com:8443/a/b/".into(), "/a/b/".into())
        );
        assert_eq!(
            parse_base_url("http://[::1]:1111/docs/").unwrap(),
            ("http://[::1]:1111/docs/".into(), "/docs/".into())
        );
        assert_eq!(
            parse_base_url("https://example.com/事故/").unwrap(),
            ("https://example.com/事故/".into(), "/事故/".into())
        );
    }

    #[test]
    fn base_url_problems_name_the_url() {
        let problem = |text: &str| parse_base_url(text).unwrap_err();
        assert_eq!(
            problem("example.com"),
            "base_url `example.com` must start with http:// or https://"
        );
        assert_eq!(
            problem("ftp://example.com/"),
            "base_url `ftp://example.com/` must start with http:// or https://"
        );
        assert_eq!(
            problem("https://example.com/a b"),
            "base_url `https://example.com/a b` must not contain a query, a fragment, spaces or quotes"
        );
        assert_eq!(
            problem("https://example.com/?x=1"),
            "base_url `https://example.com/?x=1` must not contain a query, a fragment, spaces or quotes"
        );
        for no_host in ["https://", "https:///path", "http://:80/"] {
            assert_eq!(
                problem(no_host),
                format!("base_url `{no_host}` has no host")
            );
        }
        for dots in [
            "https://example.com/a/../b",
            "https://example.com/./",
            "https://x/a/..",
        ] {
            assert_eq!(
                problem(dots),
                format!("base_url `{dots}` must not contain `.` or `..` segments")
            );
        }
        assert_eq!(
            problem("https://example.com:99999/"),
            "base_url `https://example.com:99999/` is not a valid URL: invalid port number"
        );
    }

    #[test]
    fn severities_replace_the_defaults_in_order() {
        let text =
            "[[severities]]\nkey = \"SEV1\"\n[[severities]]\nkey = \"SEV2\"\nlabel = \"Major\"\n";
        let (config, _) = parse_config(text, "debrief.toml");
        let config = config.unwrap();
        assert_eq!(config.severities.len(), 2);
        assert_eq!(config.severities[1].rank, 2);
        assert_eq!(config.severity("sev2").unwrap().label, "Major");
    }

    #[test]
    fn unknown_key_is_located_with_a_hint() {
        let (config, diags) = parse_config("title = \"x\"\ntimezon = \"UTC\"\n", "debrief.toml");
        assert!(config.is_none());
        let d = diags.sorted()[0].clone();
        assert_eq!(d.location.to_string(), "debrief.toml:2:1");
        assert!(
            d.message.contains("unknown field `timezon`"),
            "{}",
            d.message
        );
        assert_eq!(d.help.as_deref(), Some("did you mean `timezone`?"));
    }

    #[test]
    fn bad_time_zone_is_an_error() {
        let (config, diags) = parse_config("timezone = \"Mars/Olympus\"\n", "debrief.toml");
        assert!(config.is_none());
        assert_eq!(diags.sorted()[0].location.to_string(), "debrief.toml:1:12");
    }

    #[test]
    fn themes_replace_defaults_and_keep_other() {
        let text = "[[lesson_themes]]\nkey = \"people\"\nkeywords = [\"training\"]\n";
        let (config, _) = parse_config(text, "debrief.toml");
        let config = config.unwrap();
        let keys: Vec<_> = config.themes.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["people", "other"]);
        assert!(config.themes_configured);
    }
}
