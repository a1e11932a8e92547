//! Machine-readable output: `/incidents.json` exactly as SPEC §6 describes it.
//!
//! It is serialised from structs, so keys keep the documented order and
//! every field is present (`null` or `[]` when empty).

use std::io::Write;

use serde::Serialize;

use crate::config::Config;
use crate::library::{IncidentIx, Lesson, Library, ThemeIx};

use super::context::GENERATOR;
use super::views::Views;

#[derive(Serialize)]
struct Export<'a, I> {
    generator: &'static str,
    site: ExportSite<'a>,
    severities: Vec<ExportSeverity<'a>>,
    /// The incidents, made as they are written.
    incidents: I,
    components: Vec<ExportComponent<'a>>,
    lesson_themes: Vec<ExportTheme<'a>>,
}

#[derive(Serialize)]
struct ExportSite<'a> {
    title: &'a str,
    base_url: &'a str,
}

#[derive(Serialize)]
struct ExportSeverity<'a> {
    key: &'a str,
    label: &'a str,
    emoji: &'a str,
    rank: usize,
    count: usize,
}

#[derive(Serialize)]
struct ExportLesson<'a> {
    text: &'a str,
    themes: Vec<&'a str>,
}

#[derive(Serialize)]
struct ExportAction<'a> {
    text: &'a str,
    owner: Option<&'a str>,
    status: &'static str,
    due: Option<String>,
    done_on: Option<String>,
}

#[derive(Serialize)]
struct ExportRepeat<'a> {
    incident: &'a str,
    components: Vec<&'a str>,
    themes: Vec<&'a str>,
}

#[derive(Serialize)]
struct ExportIncident<'a> {
    slug: &'a str,
    url: String,
    permalink: String,
    title: &'a str,
    date: String,
    severity: &'a str,
    organization: Option<&'a str>,
    summary: Option<&'a str>,
    impact: Option<&'a str>,
    components: Vec<&'a str>,
    tags: Vec<&'a str>,
    lessons: Vec<ExportLesson<'a>>,
    contributing_factors: Vec<ExportLesson<'a>>,
    detected_by: Option<&'a str>,
    near_miss: bool,
    lucky: &'a [String],
    action_items: Vec<ExportAction<'a>>,
    repeats: Vec<ExportRepeat<'a>>,
    repeat_count: usize,
    time_to_detect_minutes: Option<i64>,
    time_to_mitigate_minutes: Option<i64>,
    time_to_resolve_minutes: Option<i64>,
    source: Option<&'a str>,
    visibility: &'static str,
}

#[derive(Serialize)]
struct ExportComponent<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    incidents: Vec<&'a str>,
}

#[derive(Serialize)]
struct ExportTheme<'a> {
    key: &'a str,
    label: &'a str,
    url: String,
    lessons: Vec<ExportThemeLesson<'a>>,
    contributing_factors: Vec<ExportThemeLesson<'a>>,
}

#[derive(Serialize)]
struct ExportThemeLesson<'a> {
    incident: &'a str,
    text: &'a str,
}

/// Writes `/incidents.json` into `out`, each incident serialised as it is made.
pub(crate) fn write_export<'a>(
    library: &'a Library,
    config: &'a Config,
    views: &Views<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let urls = &library.urls;
    let slug = |n: IncidentIx| library.incidents[n].incident.slug.value.as_str();
    let export = Export {
        generator: GENERATOR,
        site: ExportSite {
            title: &config.title,
            base_url: urls.base_url(),
        },
        severities: views
            .severities()
            .iter()
            .map(|s| ExportSeverity {
                key: s.key,
                label: s.label,
                emoji: s.emoji,
                rank: s.rank,
                count: s.count,
            })
            .collect(),
        incidents: Seq(|| (library.incidents.ids()).map(|n| export_incident(library, config, n))),
        components: library
            .components
            .iter()
            .map(|c| ExportComponent {
                name: &c.name,
                slug: &c.slug,
                url: urls.path(&c.rel),
                incidents: c.incidents.iter().map(|&n| slug(n)).collect(),
            })
            .collect(),
        lesson_themes: library
            .themes_with_pages()
            .map(|(_, t)| ExportTheme {
                key: &t.theme.key,
                label: &t.theme.label,
                url: urls.path(&t.rel),
                lessons: t
                    .lessons
                    .iter()
                    .map(|&(n, l)| ExportThemeLesson {
                        incident: slug(n),
                        text: &library.incidents[n].lessons[l].text,
                    })
                    .collect(),
                contributing_factors: (t.factors.iter())
                    .map(|&(n, f)| ExportThemeLesson {
                        incident: slug(n),
                        text: &library.incidents[n].factors[f].text,
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &export)?;
    out.write_all(b"\n")
}

/// One incident as the export gives it.
fn export_incident<'a>(
    library: &'a Library,
    config: &'a Config,
    n: IncidentIx,
) -> ExportIncident<'a> {
    let e = &library.incidents[n];
    let repeats = library.repeats(n);
    let urls = &library.urls;
    let slug = |n: IncidentIx| library.incidents[n].incident.slug.value.as_str();
    let theme_key = |t: ThemeIx| library.themes[t].theme.key.as_str();
    let with_themes = |list: &'a [Lesson]| -> Vec<ExportLesson<'a>> {
        list.iter()
            .map(|l| ExportLesson {
                text: &l.text,
                themes: l.themes.iter().map(|&t| theme_key(t)).collect(),
            })
            .collect()
    };
    let i = &e.incident;
    ExportIncident {
        slug: &i.slug.value,
        url: urls.path(&e.rel),
        permalink: urls.permalink(&e.rel),
        title: &i.title,
        date: i.date.to_string(),
        severity: &config.severities[e.severity.index()].key,
        organization: e
            .organization
            .map(|o| library.organizations[o].name.as_str()),
        summary: Some(e.summary.as_str()).filter(|s| !s.is_empty()),
        impact: i.impact.as_deref(),
        components: e
            .components
            .iter()
            .map(|&c| library.components[c].name.as_str())
            .collect(),
        tags: e
            .tags
            .iter()
            .map(|&t| library.tags[t].name.as_str())
            .collect(),
        lessons: with_themes(&e.lessons),
        contributing_factors: with_themes(&e.factors),
        detected_by: i.detected_by.as_deref(),
        near_miss: i.near_miss,
        lucky: &i.lucky,
        action_items: i
            .action_items
            .iter()
            .map(|a| ExportAction {
                text: &a.text,
                owner: a.owner.as_deref(),
                status: a.status.as_str(),
                due: a.due.map(|d| d.to_string()),
                done_on: a.done_on.map(|d| d.to_string()),
            })
            .collect(),
        repeat_count: repeats.earlier_count,
        repeats: (repeats.earlier.iter())
            .map(|r| ExportRepeat {
                incident: slug(r.incident),
                components: (r.components.iter())
                    .map(|&c| library.components[c].name.as_str())
                    .collect(),
                themes: r.themes.iter().map(|&t| theme_key(t)).collect(),
            })
            .collect(),
        time_to_detect_minutes: e.time_to_detect,
        time_to_mitigate_minutes: e.time_to_mitigate,
        time_to_resolve_minutes: e.time_to_resolve,
        source: i.source.as_deref(),
        visibility: i.visibility.as_str(),
    }
}

/// A list serialised from the items of the iterator `.0` makes, one at a time, so
/// that the export of a large library is never held whole.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}
