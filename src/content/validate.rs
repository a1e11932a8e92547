//! From raw front-matter to the content model: checks what each value means (a
//! configured severity, a real date, an http(s) link, a slug) and collects every
//! problem with the position of the value. Type errors and unknown keys are already
//! reported by the deserializer (`de.rs`); a new field is one field in `raw.rs` and
//! its check here.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::config::{Config, Visibility};
use crate::diag::{Diagnostic, Level, Location, Pos, expected_one_of, one_of_help};
use crate::slug::{is_slug, slugify};

use super::de::{Field, Spanned, TextList, Written, from_field, from_node};
use super::front_matter::{Node, Value};
use super::ids::{IncidentSlug, SeverityKey};
use super::incident::{
    ActionItem, ActionStatus, DETECTED_BY, Incident, LessonInput, Page, Source, TimelineEntry,
};
use super::raw::{RawActionItem, RawIncident, RawLesson, RawPage, RawTimelineEntry};
use super::time::{parse_clock, parse_date_field, parse_duration, parse_timestamp};

/// Problems found in one file.
struct Check<'a> {
    path: &'a str,
    problems: &'a mut Vec<Diagnostic>,
}

impl Check<'_> {
    fn error(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::error(Location::at(self.path, pos), message))
    }

    fn warning(&mut self, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::warning(Location::at(self.path, pos), message))
    }

    fn push(&mut self, diagnostic: Diagnostic) -> &mut Diagnostic {
        self.problems.push(diagnostic);
        let last = self.problems.len() - 1;
        &mut self.problems[last]
    }

    fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// The value of a required field; a missing one is an error at `map_pos` (a value
    /// of the wrong type is already reported).
    fn required<T>(&mut self, field: Field<T>, key: &str, map_pos: Pos) -> Option<Spanned<T>> {
        match field {
            Field::Given(value) => Some(value),
            Field::Invalid => None,
            Field::Missing => {
                self.error(map_pos, format!("missing required field `{key}`"));
                None
            }
        }
    }

    /// The entries of a list of names, trimmed; an empty one is an error.
    fn names(&mut self, list: TextList, key: &str) -> Vec<Spanned<String>> {
        let mut names = Vec::with_capacity(list.0.len());
        for entry in list.0 {
            let text = entry.value.trim();
            if text.is_empty() {
                self.error(entry.pos, format!("empty entry in `{key}`"));
            } else {
                names.push(Spanned {
                    value: text.to_string(),
                    pos: entry.pos,
                });
            }
        }
        names
    }

    /// Only http(s) links are accepted for `source` and action-item links.
    fn url(&mut self, link: Option<Spanned<String>>, key: &str) -> Option<String> {
        let link = link?;
        let lower = link.value.trim().to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Some(link.value);
        }
        self.error(
            link.pos,
            format!("`{key}` must be an http(s) URL, found `{}`", link.value),
        )
        .help = Some("write an absolute link such as https://example.com/postmortem".into());
        None
    }

    /// A `YYYY-MM-DD` day.
    fn day(&mut self, written: Option<Spanned<Written>>, key: &str) -> Option<Date> {
        let written = written?;
        let day = written
            .value
            .text()
            .and_then(|t| t.trim().parse::<Date>().ok());
        if day.is_none() {
            self.error(
                written.pos,
                format!("`{key}` is not a date: {}", written.value.show()),
            )
            .help = Some("expected `YYYY-MM-DD`".into());
        }
        day
    }

    fn timestamp(
        &mut self,
        written: Option<Spanned<Written>>,
        key: &'static str,
        config: &Config,
    ) -> Option<Spanned<Timestamp>> {
        let written = written?;
        match written
            .value
            .text()
            .and_then(|t| parse_timestamp(t, config))
        {
            Some(value) => Some(Spanned {
                value,
                pos: written.pos,
            }),
            None => {
                self.error(
                    written.pos,
                    format!("`{key}` is not a date and time: {}", written.value.show()),
                )
                .help = Some(
                    "expected RFC 3339 or `YYYY-MM-DD HH:MM`, e.g. `2023-02-07T09:12:00Z`".into(),
                );
                None
            }
        }
    }
}

/// Reads an incident's front-matter. Returns `None` when an error makes it unusable;
/// every problem found goes into `problems` either way.
pub fn parse_incident(
    source: &Source<'_>,
    node: &Node,
    config: &Config,
    problems: &mut Vec<Diagnostic>,
) -> Option<Incident> {
    if node.value == Value::Null {
        problems.push(Diagnostic::error(
            Location::at(source.path, source.front_matter_pos),
            "front-matter is empty: `title`, `date` and `severity` are required",
        ));
        return None;
    }
    let mut check = Check {
        path: source.path,
        problems,
    };
    let errors_before = check.errors();
    let raw: RawIncident = from_node(node, source.path, check.problems)?;
    let map_pos = source.front_matter_pos;
    // A title the front-matter does not give is the body's first `# ` heading,
    // which the page then does not repeat.
    let mut body = source.body.to_string();
    let mut title_line = None;
    let title_field = match raw.title {
        // A heading inside an internal section cannot be the title: a public build
        // would publish it.
        Field::Missing => match first_heading(&super::internal::strip(source.body)) {
            Some((text, line)) => {
                blank_line(&mut body, line);
                title_line = Some(line);
                Field::Given(Spanned {
                    value: text,
                    pos: Pos::new(source.body_line + line, 1),
                })
            }
            None => Field::Missing,
        },
        given => given,
    };
    let title = match title_field {
        Field::Given(title) => Some(title),
        Field::Invalid => None,
        Field::Missing => {
            check.error(map_pos, "missing required field `title`").help = Some(
                "write `title: ...` in the front-matter, or start the body with a `# ` heading"
                    .into(),
            );
            None
        }
    };
    // A date the front-matter does not give is the day `started` names as written,
    // else a `YYYY-MM-DD` prefix of the file or bundle folder name.
    let date_field = match raw.date {
        Field::Missing => default_date(raw.started.as_ref(), source.stem, map_pos),
        given => given,
    };
    let (date, date_time) = match date_field {
        Field::Given(date) => match date.value.text().and_then(|t| parse_date_field(t, config)) {
            Some((day, instant)) => (Some(day), instant),
            None => {
                check
                        .error(date.pos, format!("`date` is not a date: {}", date.value.show()))
                        .help = Some(
                        "expected `YYYY-MM-DD` or RFC 3339, e.g. `2023-02-07` or `2023-02-07T09:12:00Z`"
                            .into(),
                    );
                (None, None)
            }
        },
        Field::Missing | Field::Invalid => {
            check.error(map_pos, "missing required field `date`").help = Some(
                "write the day the incident began, e.g. `date: 2023-02-07`, or start the file name with it (`2023-02-07-dns.md`)".into(),
            );
            (None, None)
        }
    };
    let severity = severity(&mut check, raw.severity, map_pos, config);
    let summary = raw.summary.filter(|s| !s.trim().is_empty());
    let organization = raw.organization.filter(|s| !s.value.trim().is_empty());
    let impact = raw.impact.filter(|s| !s.trim().is_empty());
    // Only worth saying about front-matter that is otherwise right (see below).
    let no_components = empty_list_pos(raw.components.as_ref(), |c| c.0.is_empty(), map_pos);
    let no_lessons = empty_list_pos(raw.lessons.as_ref(), Vec::is_empty, map_pos);
    let components = raw
        .components
        .map(|c| check.names(c.value, "components"))
        .unwrap_or_default();
    let tags = check.names(raw.tags, "tags");
    let authors = check
        .names(raw.authors, "authors")
        .into_iter()
        .map(|a| a.value)
        .collect();
    let source_url = check.url(raw.source, "source");
    let draft = raw.draft.unwrap_or(false);
    let visibility = match raw.visibility {
        None => config.default_visibility,
        Some(written) => match written.value.text().and_then(Visibility::parse) {
            Some(v) => v,
            None => {
                let found = written.value.text().unwrap_or_default();
                let help = one_of_help(found, &["internal", "public"]);
                check
                    .error(
                        written.pos,
                        format!("unknown visibility {}", written.value.show()),
                    )
                    .help = Some(help);
                config.default_visibility
            }
        },
    };
    let slug = incident_slug(&mut check, raw.slug, source, map_pos);
    let timestamps = [
        ("started", check.timestamp(raw.started, "started", config)),
        (
            "detected",
            check.timestamp(raw.detected, "detected", config),
        ),
        (
            "mitigated",
            check.timestamp(raw.mitigated, "mitigated", config),
        ),
        (
            "resolved",
            check.timestamp(raw.resolved, "resolved", config),
        ),
    ];
    check_order(&mut check, &timestamps);
    let [started, detected, mitigated, resolved] = timestamps.map(|(_, t)| t.map(|t| t.value));
    let duration_minutes =
        raw.duration.and_then(
            |written| match written.value.text().and_then(parse_duration) {
                Some(minutes) => Some(minutes),
                None => {
                    check
                        .error(
                            written.pos,
                            format!("`duration` is not a duration: {}", written.value.show()),
                        )
                        .help =
                        Some("expected a duration such as `45m`, `4h`, `1h30m` or `2d`".into());
                    None
                }
            },
        );
    let lessons = raw
        .lessons
        .map(|l| read_lessons(&mut check, l.value, config, "lesson"))
        .unwrap_or_default();
    let contributing_factors = read_lessons(
        &mut check,
        raw.contributing_factors,
        config,
        "contributing factor",
    );
    let detected_by = raw.detected_by.and_then(|d| {
        let text = d.value.trim();
        if text.is_empty() {
            return None;
        }
        if slugify(text).is_empty() {
            check
                .error(
                    d.pos,
                    format!("`detected_by` `{text}` has no letters or digits, so it cannot be a filter"),
                )
                .help = Some(
                "write how the incident was noticed: alert, customer, staff, automation, or a few words"
                    .into(),
            );
            return None;
        }
        Some(match DETECTED_BY.iter().find(|k| k.eq_ignore_ascii_case(text)) {
            Some(known) => (*known).to_string(),
            None => text.to_string(),
        })
    });
    let lucky = check
        .names(raw.lucky, "lucky")
        .into_iter()
        .map(|l| l.value)
        .collect();
    let action_items = action_items(&mut check, raw.action_items, date);
    let timeline = match date {
        Some(date) => {
            let written = from_field(node, "timeline", source.path, check.problems);
            timeline(&mut check, written.unwrap_or_default(), date, config)
        }
        None => Vec::new(),
    };
    let extra = serde_json::Value::Object(raw.extra.unwrap_or_default());
    internal_markers(&mut check, &body, source.body_line);
    if check.errors() > errors_before {
        return None;
    }
    let incident = Incident {
        path: source.path.to_string(),
        slug: slug?,
        title: title?.value,
        date: date?,
        date_time,
        severity: severity?,
        summary,
        organization,
        impact,
        components,
        tags,
        lessons,
        contributing_factors,
        detected_by,
        near_miss: raw.near_miss.unwrap_or(false),
        lucky,
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
        body: body.into(),
        body_line: source.body_line,
        title_line,
    };
    if let Some(pos) = no_lessons {
        check.warning(pos, "the incident names no lessons").help =
            Some("add `lessons:` with what was learned; they make up the lessons index".into());
    }
    if let Some(pos) = no_components {
        check.warning(pos, "the incident names no components").help =
            Some("add `components: [...]` with the systems involved".into());
    }
    super::lint::check(&incident, map_pos, config, check.problems);
    Some(incident)
}

/// The first level-1 ATX heading of a body outside code fences, as text, with its
/// line (0-based).
fn first_heading(body: &str) -> Option<(String, usize)> {
    let mut fence: Option<&str> = None;
    for (n, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent >= 4 {
            continue;
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = match fence {
                Some(open) if open == marker => None,
                None => Some(marker),
                other => other,
            };
            continue;
        }
        if fence.is_some() {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("# ") {
            let text = rest.trim().trim_end_matches('#').trim();
            if !text.is_empty() {
                return Some((text.to_string(), n));
            }
        }
    }
    None
}

/// Replaces line `n` (0-based) of `text` with an empty line, keeping every other
/// line where it was.
pub(super) fn blank_line(text: &mut String, n: usize) {
    let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text.replace_range(start..end, "");
}

/// The date of an incident whose front-matter gives none: the day `started` names
/// as written, else a `YYYY-MM-DD` prefix of the file or bundle folder name.
fn default_date(started: Option<&Spanned<Written>>, stem: &str, map_pos: Pos) -> Field<Written> {
    let is_day = |text: &str| text.parse::<jiff::civil::Date>().is_ok();
    if let Some(started) = started
        && let Some(day) = started.value.text().and_then(|t| t.trim().get(..10))
        && is_day(day)
    {
        return Field::Given(Spanned {
            value: Written::from_text(day),
            pos: started.pos,
        });
    }
    match stem.get(..10) {
        Some(prefix) if is_day(prefix) => Field::Given(Spanned {
            value: Written::from_text(prefix),
            pos: map_pos,
        }),
        _ => Field::Missing,
    }
}

/// Reads a plain page's front-matter.
pub fn parse_page(
    source: &Source<'_>,
    node: &Node,
    problems: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let mut check = Check {
        path: source.path,
        problems,
    };
    let errors_before = check.errors();
    let raw: RawPage = match node.value {
        Value::Null => RawPage::default(),
        _ => from_node(node, source.path, check.problems)?,
    };
    let title = check.required(raw.title, "title", source.front_matter_pos);
    let slug = match raw.slug {
        Some(slug) if is_slug(&slug.value) => slug,
        Some(slug) => {
            let fixed = slugify(&slug.value);
            check
                .error(
                    slug.pos,
                    format!("slug `{}` is not in slug form", slug.value),
                )
                .help = Some(format!("use `{fixed}`"));
            slug
        }
        None => Spanned {
            value: slugify(source.stem),
            pos: source.front_matter_pos,
        },
    };
    internal_markers(&mut check, source.body, source.body_line);
    if check.errors() > errors_before {
        return None;
    }
    Some(Page {
        path: source.path.to_string(),
        slug,
        title: title?.value,
        weight: raw.weight.unwrap_or(0),
        draft: raw.draft.unwrap_or(false),
        body: source.body.to_string(),
        body_line: source.body_line,
    })
}

/// An internal-section marker without its partner is an error at its line: a
/// public build could not tell where the section ends.
fn internal_markers(check: &mut Check<'_>, body: &str, body_line: usize) {
    let (_, problems) = super::internal::sections(body);
    for p in problems {
        check
            .error(Pos::new(body_line + p.line, p.column), p.message)
            .help = Some(p.help.into());
    }
}

/// `check` warns about an incident without lessons or components (SPEC §2): at the
/// empty list when one is written, else at the front-matter. This is where that
/// warning goes, or `None` when the list has entries.
fn empty_list_pos<T>(
    list: Option<&Spanned<T>>,
    is_empty: impl Fn(&T) -> bool,
    map_pos: Pos,
) -> Option<Pos> {
    match list {
        None => Some(map_pos),
        Some(list) => is_empty(&list.value).then_some(list.pos),
    }
}

fn severity(
    check: &mut Check<'_>,
    field: Field<String>,
    map_pos: Pos,
    config: &Config,
) -> Option<SeverityKey> {
    let keys: Vec<&str> = config.severities.iter().map(|s| s.key.as_str()).collect();
    let written = match field {
        Field::Given(written) => written,
        Field::Invalid => return None,
        Field::Missing => {
            if let Some(default) = &config.default_severity {
                return Some(SeverityKey::new(default.clone()));
            }
            check
                .error(map_pos, "missing required field `severity`")
                .help = Some(format!(
                "{}; or set `default_severity` in debrief.toml",
                expected_one_of(&keys)
            ));
            return None;
        }
    };
    match config.severity(written.value.trim()) {
        Some(s) => Some(SeverityKey::new(s.key.clone())),
        None => {
            check
                .error(written.pos, format!("unknown severity `{}`", written.value))
                .help = Some(one_of_help(&written.value, &keys));
            None
        }
    }
}

fn incident_slug(
    check: &mut Check<'_>,
    written: Field<String>,
    source: &Source<'_>,
    map_pos: Pos,
) -> Option<Spanned<IncidentSlug>> {
    let written = match written {
        Field::Given(written) => written,
        Field::Invalid => return None,
        Field::Missing => return Some(default_slug(check, source, map_pos)),
    };
    if is_slug(&written.value) {
        return Some(Spanned {
            value: IncidentSlug::new(written.value),
            pos: written.pos,
        });
    }
    let fixed = slugify(&written.value);
    check
        .error(
            written.pos,
            format!("slug `{}` is not in slug form", written.value),
        )
        .help = Some(if fixed.is_empty() {
        "use lowercase letters, digits and `-`".to_string()
    } else {
        format!("use `{fixed}`")
    });
    None
}

/// The slug of the file name, when the front-matter sets none.
fn default_slug(check: &mut Check<'_>, source: &Source<'_>, map_pos: Pos) -> Spanned<IncidentSlug> {
    let value = slugify(source.stem);
    if value.is_empty() {
        check
            .error(
                map_pos,
                format!("the file name `{}` gives an empty slug", source.stem),
            )
            .help = Some("rename the file or set `slug:`".into());
    }
    Spanned {
        value: IncidentSlug::new(value),
        pos: map_pos,
    }
}

fn check_order(check: &mut Check<'_>, timestamps: &[(&str, Option<Spanned<Timestamp>>)]) {
    let mut latest: Option<(&str, Timestamp)> = None;
    for (key, value) in timestamps {
        let Some(value) = value else { continue };
        if let Some((earlier_key, earlier)) = latest
            && value.value < earlier
        {
            check
                .error(value.pos, format!("`{key}` is before `{earlier_key}`"))
                .help = Some(
                "timestamps must not go backwards: started, detected, mitigated, resolved".into(),
            );
            continue;
        }
        latest = Some((key, value.value));
    }
}

/// Lessons, or contributing factors (`what` names one in messages): both are a
/// string or `{text, themes}`.
fn read_lessons(
    check: &mut Check<'_>,
    written: Vec<Spanned<RawLesson>>,
    config: &Config,
    what: &str,
) -> Vec<LessonInput> {
    let mut lessons = Vec::with_capacity(written.len());
    for item in written {
        match item.value {
            RawLesson::Map(map) => {
                let text = check.required(map.text, "text", item.pos);
                let themes = check
                    .names(map.themes, "themes")
                    .into_iter()
                    .filter_map(|t| theme(check, t, config))
                    .collect();
                if let Some(text) = text.filter(|t| !t.value.trim().is_empty()) {
                    lessons.push(LessonInput {
                        text: text.value.trim().to_string(),
                        pos: text.pos,
                        themes,
                    });
                }
            }
            RawLesson::Text(text) if !text.trim().is_empty() => lessons.push(LessonInput {
                text: text.trim().to_string(),
                pos: item.pos,
                themes: Vec::new(),
            }),
            RawLesson::Text(_) => {
                check.warning(item.pos, format!("empty {what}"));
            }
        }
    }
    lessons
}

/// A named theme in the configured spelling; unknown ones are errors only when
/// the site defines its own themes (SPEC §4).
fn theme(
    check: &mut Check<'_>,
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
        check
            .error(theme.pos, format!("unknown lesson theme `{}`", theme.value))
            .help = Some(one_of_help(&theme.value, &keys));
        return None;
    }
    let key = slugify(&theme.value);
    if key.is_empty() {
        check.error(
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

fn action_items(
    check: &mut Check<'_>,
    written: Vec<Spanned<RawActionItem>>,
    date: Option<Date>,
) -> Vec<ActionItem> {
    let mut actions = Vec::with_capacity(written.len());
    for item in written {
        let raw = item.value;
        let text = check.required(raw.text, "text", item.pos);
        let owner = raw.owner.filter(|o| !o.trim().is_empty());
        let status = match raw.status {
            None => ActionStatus::Open,
            Some(written) => match written.value.text().and_then(ActionStatus::parse) {
                Some(status) => status,
                None => {
                    let names = ActionStatus::ALL.map(ActionStatus::as_str);
                    let found = written.value.text().unwrap_or_default();
                    check
                        .error(
                            written.pos,
                            format!("unknown action-item status {}", written.value.show()),
                        )
                        .help = Some(one_of_help(found, &names));
                    ActionStatus::Open
                }
            },
        };
        let due = check.day(raw.due, "due");
        let done_on = check.day(raw.done_on.clone(), "done_on");
        if let Some(written) = &raw.done_on {
            if status != ActionStatus::Done {
                check
                    .error(
                        written.pos,
                        format!(
                            "`done_on` is given but the action item's status is `{}`",
                            status.as_str()
                        ),
                    )
                    .help = Some("set `status: done`, or remove `done_on`".into());
            } else if let (Some(day), Some(date)) = (done_on, date)
                && day < date
            {
                check
                    .warning(
                        written.pos,
                        format!("`done_on` {day} is before the incident's date, {date}"),
                    )
                    .help =
                    Some("write the day the item was finished, on or after the incident".into());
            }
        }
        let link = check.url(raw.link, "link");
        if let Some(text) = text {
            actions.push(ActionItem {
                text: text.value,
                owner,
                status,
                due,
                link,
                done_on,
                pos: item.pos,
            });
        }
    }
    actions
}

fn timeline(
    check: &mut Check<'_>,
    written: Vec<Spanned<RawTimelineEntry>>,
    date: Date,
    config: &Config,
) -> Vec<TimelineEntry> {
    let mut entries = Vec::with_capacity(written.len());
    for item in written {
        let raw = item.value;
        let text = check.required(raw.text, "text", item.pos);
        let at = check.required(raw.at, "at", item.pos).and_then(|at| {
            let parsed = at
                .value
                .text()
                .and_then(|t| parse_timestamp(t, config).or_else(|| parse_clock(t, date, config)));
            if parsed.is_none() {
                check
                    .error(at.pos, format!("`at` is not a time: {}", at.value.show()))
                    .help = Some(
                    "expected RFC 3339, `YYYY-MM-DD HH:MM` or `HH:MM` (on the incident's date)"
                        .into(),
                );
            }
            parsed
        });
        if let (Some(at), Some(text)) = (at, text) {
            entries.push(TimelineEntry {
                at,
                text: text.value,
            });
        }
    }
    entries
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
        // Problems are shown sorted by position; the order they are found in is free.
        let mut got = messages(&problems);
        got.sort();
        assert_eq!(
            got,
            [
                "content/x.md:2:8: `title` must be a string, found a list",
                "content/x.md:3:7: `date` is not a date: `2023-13-45`",
                "content/x.md:4:11: unknown severity `sev5`",
                "content/x.md:5:1: unknown front-matter key `severty`",
                "content/x.md:6:13: `components` must be a list, found a string",
            ]
        );
        let unknown = problems.iter().find(|d| d.message.contains("severty"));
        assert_eq!(
            unknown.and_then(|d| d.help.as_deref()),
            Some("did you mean `severity`?")
        );
    }

    #[test]
    fn the_fields_of_learning_are_read_with_their_positions() {
        let text = "---\ntitle: t\ndate: 2023-01-01\nseverity: minor\ndetected_by: CUSTOMER\nnear_miss: true\nlucky: [A spare node was free.]\ncontributing_factors:\n  - No timeout on the webhook.\n  - text: Nobody owned the upgrade.\n    themes: [Change-Management]\naction_items:\n  - text: Add a timeout\n    owner: sre\n    status: done\n    done_on: 2023-01-09\n---\n";
        let (incident, problems) = parse(text, &Config::default());
        assert!(messages(&problems).is_empty(), "{:?}", messages(&problems));
        let i = incident.unwrap();
        assert_eq!(i.detected_by.as_deref(), Some("customer"));
        assert!(i.near_miss);
        assert_eq!(i.lucky, ["A spare node was free."]);
        let factors: Vec<(&str, Pos)> = (i.contributing_factors.iter())
            .map(|f| (f.text.as_str(), f.pos))
            .collect();
        assert_eq!(
            factors,
            [
                ("No timeout on the webhook.", Pos::new(9, 5)),
                ("Nobody owned the upgrade.", Pos::new(10, 11)),
            ]
        );
        assert_eq!(
            i.contributing_factors[1].themes[0].value,
            "change-management"
        );
        assert_eq!(i.action_items[0].done_on.unwrap().to_string(), "2023-01-09");
        assert_eq!(i.action_items[0].pos, Pos::new(13, 5));
        // Free text is kept as written.
        let free = text.replace("CUSTOMER", "a chat message");
        let (incident, _) = parse(&free, &Config::default());
        assert_eq!(
            incident.unwrap().detected_by.as_deref(),
            Some("a chat message")
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
