//! The template contract: the values every template receives, as `Serialize`
//! views over the `Library`. `docs/templates.md` documents them; a change here
//! is a change to every site's overrides.

use serde::Serialize;
use serde_json::Value;

use crate::config::{Config, Severity};
use crate::content::{ActionItem, ActionStatus};
use crate::library::urls::rel;
use crate::library::{ComponentIx, Entry, IncidentIx, Library, PageIx, SeverityIx, Term, ThemeIx};

/// The generator string for pages, the feed and the export.
pub const GENERATOR: &str = concat!("debrief ", env!("CARGO_PKG_VERSION"));

/// `site` in every template.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// `<html lang>`.
    pub language: &'a str,
    /// Absolute base URL ending in `/`.
    pub base_url: &'a str,
    /// Its path, starting and ending in `/`.
    pub base_path: &'a str,
    /// `debrief x.y.z`.
    pub generator: &'static str,
}

/// A severity with its count and page.
#[derive(Debug, Clone, Serialize)]
pub struct SeverityView<'a> {
    /// Key as configured.
    pub key: &'a str,
    /// Badge label.
    pub label: &'a str,
    /// Emoji.
    pub emoji: &'a str,
    /// CSS colour.
    pub color: &'a str,
    /// Meaning.
    pub description: &'a str,
    /// 1 = most severe.
    pub rank: usize,
    /// Published incidents.
    pub count: usize,
    /// Page path.
    pub url: String,
}

/// A reference to a component, tag or organization page.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    /// Name shown.
    pub name: &'a str,
    /// Slug.
    pub slug: &'a str,
    /// Page path.
    pub url: String,
}

/// Builds views; holds what every view needs.
pub struct Views<'a> {
    /// The library.
    pub library: &'a Library,
    /// The config.
    pub config: &'a Config,
    severities: Vec<SeverityView<'a>>,
}

impl<'a> Views<'a> {
    /// Prepares the views of a library.
    pub fn new(library: &'a Library, config: &'a Config) -> Views<'a> {
        let severities = config
            .severities
            .iter()
            .enumerate()
            .map(|(i, s)| severity_view(library, s, library.by_severity[SeverityIx::new(i)].len()))
            .collect();
        Views {
            library,
            config,
            severities,
        }
    }

    /// The site.
    pub fn site(&self) -> SiteView<'a> {
        SiteView {
            title: &self.config.title,
            description: &self.config.description,
            language: &self.config.language,
            base_url: self.library.urls.base_url(),
            base_path: self.library.urls.base_path(),
            generator: GENERATOR,
        }
    }

    /// Every severity, most severe first.
    pub fn severities(&self) -> &[SeverityView<'a>] {
        &self.severities
    }

    fn path(&self, rel: &str) -> String {
        self.library.urls.path(rel)
    }

    fn term_link(&self, term: &'a Term) -> LinkView<'a> {
        LinkView {
            name: &term.name,
            slug: &term.slug,
            url: self.path(&term.rel),
        }
    }

    /// An incident as lists of lessons and action items name it: a brief, so that the
    /// pages listing every lesson or action item of a large library stay small.
    pub fn brief(&self, n: IncidentIx) -> Value {
        let e = &self.library.incidents[n];
        let i = &e.incident;
        serde_json::json!({
            "slug": i.slug.value,
            "url": self.path(&e.rel),
            "title": i.title,
            "date": i.date.to_string(),
            "year": i.date.year(),
            "severity": self.severities[e.severity.index()],
        })
    }

    /// An incident as it appears in lists.
    pub fn summary(&self, n: IncidentIx) -> Value {
        let e = &self.library.incidents[n];
        let i = &e.incident;
        serde_json::json!({
            "slug": i.slug.value,
            "url": self.path(&e.rel),
            "permalink": self.library.urls.permalink(&e.rel),
            "title": i.title,
            "date": i.date.to_string(),
            "year": i.date.year(),
            "severity": self.severities[e.severity.index()],
            "organization": e.organization.map(|o| self.term_link(&self.library.organizations[o])),
            "components": e.components.iter().map(|&c| self.term_link(&self.library.components[c])).collect::<Vec<_>>(),
            "tags": e.tags.iter().map(|&t| self.term_link(&self.library.tags[t])).collect::<Vec<_>>(),
            "summary": e.summary,
            "draft": i.draft,
            "visibility": i.visibility.as_str(),
        })
    }

    /// An incident with everything its own page shows.
    pub fn incident(&self, n: IncidentIx, summary: &Value) -> Value {
        let e = &self.library.incidents[n];
        let i = &e.incident;
        let mut view = summary.clone();
        let tz = &self.config.timezone;
        let moment = |ts: Option<jiff::Timestamp>| -> Value {
            match ts {
                Some(ts) => {
                    serde_json::json!({"at": display_time(ts, tz), "datetime": ts.to_string()})
                }
                None => Value::Null,
            }
        };
        let extra = serde_json::json!({
            "impact": i.impact,
            "authors": i.authors,
            "source": i.source,
            "body_html": e.body.html,
            "toc": e.body.toc.iter().map(|(level, id, text)| serde_json::json!({"level": level, "id": id, "text": text})).collect::<Vec<_>>(),
            "lessons": e.lessons.iter().map(|l| serde_json::json!({
                "text": l.text,
                "themes": l.themes.iter().map(|&t| self.theme_ref(t)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "action_items": i.action_items.iter().map(action_view).collect::<Vec<_>>(),
            "timeline": i.timeline.iter().map(|t| serde_json::json!({
                "at": display_time(t.at, tz), "datetime": t.at.to_string(), "text": t.text,
            })).collect::<Vec<_>>(),
            "times": {
                "started": moment(i.started),
                "detected": moment(i.detected),
                "mitigated": moment(i.mitigated),
                "resolved": moment(i.resolved),
            },
            "durations": {
                "detect": duration_view(e.time_to_detect),
                "mitigate": duration_view(e.time_to_mitigate),
                "resolve": duration_view(e.time_to_resolve),
            },
            "extra": i.extra,
        });
        if let (Value::Object(view), Value::Object(extra)) = (&mut view, extra) {
            view.extend(extra);
        }
        view
    }

    /// `{key, label, url}` of a theme.
    pub fn theme_ref(&self, t: ThemeIx) -> Value {
        let theme = &self.library.themes[t];
        serde_json::json!({
            "key": theme.theme.key,
            "label": theme.theme.label,
            "url": self.path(&theme.rel),
        })
    }

    /// A component with its counts by severity.
    pub fn component(&self, c: ComponentIx) -> Value {
        let term = &self.library.components[c];
        let definition = term.definition.map(|d| &self.config.components[d.index()]);
        serde_json::json!({
            "name": term.name,
            "slug": term.slug,
            "url": self.path(&term.rel),
            "category": definition.and_then(|d| d.category.as_deref()),
            "category_slug": definition.and_then(|d| d.category.as_deref()).map(crate::slug::slugify),
            "category_label": definition.and_then(|d| d.category.as_deref()).map(category_label),
            "description": definition.and_then(|d| d.description.as_deref()),
            "aliases": definition.map(|d| d.aliases.clone()).unwrap_or_default(),
            "count": term.incidents.len(),
            "lessons": term.incidents.iter().map(|&n| self.library.incidents[n].lessons.len()).sum::<usize>(),
            "by_severity": self.by_severity(&term.incidents),
        })
    }

    /// Every component grouped by its configured category, categories in name
    /// order (case-insensitive) and the uncategorised last, components by name
    /// within each: `[{category, id, label, components, incidents, by_severity}]`, where
    /// `incidents` counts the distinct incidents of the group.
    pub fn component_groups(&self) -> Vec<Value> {
        let lib = self.library;
        let mut groups: std::collections::BTreeMap<(bool, String), Vec<ComponentIx>> =
            std::collections::BTreeMap::new();
        for (c, term) in lib.components.indexed() {
            let category = term
                .definition
                .and_then(|d| self.config.components[d.index()].category.as_deref());
            let key = match category {
                Some(name) => (false, name.to_string()),
                None => (true, String::new()),
            };
            groups.entry(key).or_default().push(c);
        }
        let mut groups: Vec<((bool, String), Vec<ComponentIx>)> = groups.into_iter().collect();
        groups.sort_by(|a, b| {
            (a.0.0, a.0.1.to_lowercase(), &a.0.1).cmp(&(b.0.0, b.0.1.to_lowercase(), &b.0.1))
        });
        groups
            .into_iter()
            .map(|((uncategorised, name), mut members)| {
                members.sort_by(|&a, &b| {
                    let (x, y) = (&lib.components[a].name, &lib.components[b].name);
                    x.to_lowercase().cmp(&y.to_lowercase()).then(x.cmp(y))
                });
                let mut incidents: Vec<IncidentIx> = members
                    .iter()
                    .flat_map(|&c| lib.components[c].incidents.iter().copied())
                    .collect();
                incidents.sort_unstable();
                incidents.dedup();
                let (id, label) = if uncategorised {
                    ("uncategorised".to_string(), "Uncategorised".to_string())
                } else {
                    (
                        format!("category-{}", crate::slug::slugify(&name)),
                        category_label(&name),
                    )
                };
                serde_json::json!({
                    "category": if uncategorised { Value::Null } else { Value::String(name) },
                    "id": id,
                    "label": label,
                    "components": members.iter().map(|&c| self.component(c)).collect::<Vec<_>>(),
                    "incidents": incidents.len(),
                    "by_severity": self.by_severity(&incidents),
                })
            })
            .collect()
    }

    /// `[{severity, count}]` in severity order for a set of incidents.
    pub fn by_severity(&self, incidents: &[IncidentIx]) -> Vec<Value> {
        let mut counts = vec![0usize; self.severities.len()];
        for &n in incidents {
            counts[self.library.incidents[n].severity.index()] += 1;
        }
        self.severities
            .iter()
            .zip(counts)
            .map(|(s, count)| serde_json::json!({"severity": s, "count": count}))
            .collect()
    }

    /// A tag or organization.
    pub fn term(&self, term: &'a Term) -> Value {
        serde_json::json!({
            "name": term.name,
            "slug": term.slug,
            "url": self.path(&term.rel),
            "count": term.incidents.len(),
        })
    }

    /// A theme with its lesson count, keywords, and the incidents its lessons
    /// come from (`incidents`, and `by_severity` as for components).
    pub fn theme(&self, t: ThemeIx) -> Value {
        let entry = &self.library.themes[t];
        let mut incidents: Vec<IncidentIx> = entry.lessons.iter().map(|&(n, _)| n).collect();
        incidents.sort_unstable();
        incidents.dedup();
        let mut view = self.theme_ref(t);
        if let Value::Object(map) = &mut view {
            map.insert("count".into(), entry.lessons.len().into());
            map.insert("keywords".into(), entry.theme.keywords.clone().into());
            map.insert("incidents".into(), incidents.len().into());
            map.insert(
                "by_severity".into(),
                Value::Array(self.by_severity(&incidents)),
            );
        }
        view
    }

    /// The lessons of a theme (or any list of (incident, lesson) pairs).
    pub fn lessons(&self, pairs: &[(IncidentIx, usize)], briefs: &[Value]) -> Vec<Value> {
        pairs
            .iter()
            .map(|&(n, l)| self.lesson(n, l, true, Some(&briefs[n.index()])))
            .collect()
    }

    /// The lessons of the lessons index, each under one of its themes: without the
    /// list of their themes, which would be the largest part of the largest page.
    pub fn index_lessons(&self, pairs: &[(IncidentIx, usize)], briefs: &[Value]) -> Vec<Value> {
        pairs
            .iter()
            .map(|&(n, l)| self.lesson(n, l, false, Some(&briefs[n.index()])))
            .collect()
    }

    /// The lessons of incident `n`, for a group that names the incident itself.
    pub fn grouped_lessons(&self, n: IncidentIx) -> Vec<Value> {
        (0..self.library.incidents[n].lessons.len())
            .map(|l| self.lesson(n, l, true, None))
            .collect()
    }

    fn lesson(&self, n: IncidentIx, l: usize, themes: bool, incident: Option<&Value>) -> Value {
        let lesson = &self.library.incidents[n].lessons[l];
        // Built by hand: `json!` would serialise the brief into a copy, which costs
        // more than cloning it, for every lesson of every list.
        let mut view = serde_json::Map::new();
        view.insert("text".into(), Value::String(lesson.text.clone()));
        if themes {
            view.insert(
                "themes".into(),
                Value::Array(lesson.themes.iter().map(|&t| self.theme_ref(t)).collect()),
            );
        }
        if let Some(brief) = incident {
            view.insert("incident".into(), brief.clone());
        }
        Value::Object(view)
    }

    /// The lessons of one theme, each with `other_themes`: its themes but this one.
    pub fn theme_lessons(&self, t: ThemeIx, briefs: &[Value]) -> Vec<Value> {
        let key = &self.library.themes[t].theme.key;
        let mut lessons = self.lessons(&self.library.themes[t].lessons, briefs);
        for lesson in &mut lessons {
            let others: Vec<Value> = lesson["themes"]
                .as_array()
                .map(|themes| {
                    themes
                        .iter()
                        .filter(|theme| theme["key"].as_str() != Some(key))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            if let Value::Object(map) = lesson {
                map.insert("other_themes".into(), Value::Array(others));
            }
        }
        lessons
    }

    /// Action items across incidents: open and in progress first, then by due date.
    pub fn actions(&self, briefs: &[Value]) -> Vec<Value> {
        let mut items: Vec<(&ActionItem, usize)> = self
            .library
            .incidents
            .iter()
            .enumerate()
            .flat_map(|(n, e)| e.incident.action_items.iter().map(move |a| (a, n)))
            .collect();
        // Statuses in their declared order (open, in progress, done, won't do),
        // then the nearest due date, items without one last, then newest incident.
        items.sort_by_key(|&(a, n)| (a.status, a.due.is_none(), a.due, n));
        items
            .into_iter()
            .map(|(a, n)| {
                let mut view = action_view(a);
                if let Value::Object(map) = &mut view {
                    map.insert("incident".into(), briefs[n].clone());
                }
                view
            })
            .collect()
    }

    /// Action items grouped by status, in the order of `ActionStatus::ALL`, every
    /// status present even when empty: `[{status, label, count, items}]`.
    pub fn action_groups(&self, actions: &[Value]) -> Vec<Value> {
        ActionStatus::ALL
            .iter()
            .map(|status| {
                let items: Vec<Value> = actions
                    .iter()
                    .filter(|a| a["status"] == status.as_str())
                    .cloned()
                    .collect();
                // Built by hand: `json!` would serialise the items into a copy.
                let mut group = serde_json::Map::new();
                group.insert("status".into(), status.as_str().into());
                group.insert("label".into(), status.label().into());
                group.insert("count".into(), items.len().into());
                group.insert("items".into(), Value::Array(items));
                Value::Object(group)
            })
            .collect()
    }

    /// Facets for the index filters.
    pub fn facets(&self) -> Value {
        let lib = self.library;
        let sorted = |mut items: Vec<(String, String, usize, Value)>| -> Vec<Value> {
            items.sort_by(|a, b| {
                b.2.cmp(&a.2)
                    .then_with(|| a.1.to_lowercase().cmp(&b.1.to_lowercase()))
            });
            items
                .into_iter()
                .map(|(value, label, count, url)| serde_json::json!({"value": value, "label": label, "count": count, "url": url}))
                .collect()
        };
        let severities: Vec<Value> = self
            .severities
            .iter()
            .filter(|s| s.count > 0)
            .map(|s| serde_json::json!({"value": s.key.to_lowercase(), "label": format!("{} {}", s.emoji, s.label).trim(), "count": s.count, "url": s.url}))
            .collect();
        let terms = |terms: &[Term]| {
            sorted(
                terms
                    .iter()
                    .map(|t| {
                        (
                            t.slug.clone(),
                            t.name.clone(),
                            t.incidents.len(),
                            Value::String(self.path(&t.rel)),
                        )
                    })
                    .collect(),
            )
        };
        let years: Vec<Value> = lib
            .by_year
            .iter()
            .rev()
            .map(|(year, list)| serde_json::json!({"value": year.to_string(), "label": year.to_string(), "count": list.len(), "url": Value::Null}))
            .collect();
        serde_json::json!({
            "severities": severities,
            "components": terms(&lib.components),
            "tags": terms(&lib.tags),
            "years": years,
        })
    }

    /// The link to a page, for `nav`.
    pub fn nav(&self) -> Vec<Value> {
        self.library
            .pages
            .iter()
            .map(|p| serde_json::json!({"title": p.page.title, "url": self.path(&p.rel)}))
            .collect()
    }

    /// A plain page.
    pub fn page(&self, n: PageIx) -> Value {
        let p = &self.library.pages[n];
        serde_json::json!({
            "title": p.page.title,
            "slug": p.page.slug.value,
            "url": self.path(&p.rel),
            "body_html": p.body.html,
            "toc": p.body.toc.iter().map(|(level, id, text)| serde_json::json!({"level": level, "id": id, "text": text})).collect::<Vec<_>>(),
        })
    }

    /// The severity view at an index of the config.
    pub fn severity(&self, s: SeverityIx) -> &SeverityView<'a> {
        &self.severities[s.index()]
    }

    /// The entry of an incident.
    pub fn entry(&self, n: IncidentIx) -> &'a Entry {
        &self.library.incidents[n]
    }
}

fn severity_view<'a>(library: &Library, s: &'a Severity, count: usize) -> SeverityView<'a> {
    SeverityView {
        key: &s.key,
        label: &s.label,
        emoji: &s.emoji,
        color: &s.color,
        description: &s.description,
        rank: s.rank,
        count,
        url: library.urls.path(&rel::severity(&s.key)),
    }
}

fn action_view(a: &ActionItem) -> Value {
    serde_json::json!({
        "text": a.text,
        "owner": a.owner,
        "status": a.status.as_str(),
        "status_label": a.status.label(),
        "due": a.due.map(|d| d.to_string()),
        "link": a.link,
    })
}

/// A category as a heading: a key written in lowercase with hyphens or
/// underscores (`managed-kubernetes`) reads as words (`Managed kubernetes`);
/// anything else is shown as written.
pub fn category_label(category: &str) -> String {
    if category.contains(' ') || category.chars().any(char::is_uppercase) {
        return category.to_string();
    }
    let words = category.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `2023-02-07 09:12 UTC`, in the site's time zone.
pub fn display_time(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

fn duration_view(minutes: Option<i64>) -> Value {
    match minutes {
        Some(m) => serde_json::json!({"minutes": m, "text": duration_text(m)}),
        None => Value::Null,
    }
}

/// Minutes in words: `45 min`, `2 h 53 min`, `3 d 4 h`.
pub fn duration_text(minutes: i64) -> String {
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} d"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(format!("{mins} min"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(0), "0 min");
        assert_eq!(duration_text(45), "45 min");
        assert_eq!(duration_text(173), "2 h 53 min");
        assert_eq!(duration_text(120), "2 h");
        assert_eq!(duration_text(1440 + 61), "1 d 1 h 1 min");
    }

    #[test]
    fn category_keys_read_as_words() {
        assert_eq!(category_label("managed-kubernetes"), "Managed kubernetes");
        assert_eq!(
            category_label("infrastructure_as_code"),
            "Infrastructure as code"
        );
        assert_eq!(category_label("Storage"), "Storage");
        assert_eq!(category_label("AWS-native"), "AWS-native");
        assert_eq!(category_label("édition"), "Édition");
        assert_eq!(category_label(""), "");
    }

    #[test]
    fn display_time_uses_the_zone() {
        let ts: jiff::Timestamp = "2023-02-07T09:12:00Z".parse().unwrap();
        assert_eq!(
            display_time(ts, &jiff::tz::TimeZone::UTC),
            "2023-02-07 09:12 UTC"
        );
        let berlin = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(display_time(ts, &berlin), "2023-02-07 10:12 CET");
    }
}
