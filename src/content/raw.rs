//! Front-matter as written: one struct per kind of map (an incident, a page, a
//! lesson, an action item, a timeline entry), read from the `Node` tree by
//! `de::from_node`. Types are checked here, with positions; what a value means
//! (a known severity, a real date) is checked in `incident.rs`.

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::de::{Field, Spanned, TextList, Written, field_names};

/// The front-matter of an incident (SPEC §2). Its field names are the known keys.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    expecting = "front-matter must be a map of `key: value` lines"
)]
pub(crate) struct RawIncident {
    /// The title.
    pub title: Field<String>,
    /// The day it began, or an RFC 3339 instant.
    pub date: Field<Written>,
    /// A configured severity key.
    pub severity: Field<String>,
    /// One paragraph.
    pub summary: Option<String>,
    /// Who had the incident.
    pub organization: Option<Spanned<String>>,
    /// Who or what was affected.
    pub impact: Option<String>,
    /// Component names.
    pub components: Option<Spanned<TextList>>,
    /// Tags.
    pub tags: TextList,
    /// What was learned.
    pub lessons: Option<Spanned<Vec<Spanned<RawLesson>>>>,
    /// What combined to cause it: written like lessons.
    pub contributing_factors: Vec<Spanned<RawLesson>>,
    /// How it was noticed.
    pub detected_by: Option<Spanned<String>>,
    /// Nothing broke, but it nearly did.
    pub near_miss: Option<bool>,
    /// Where luck helped.
    pub lucky: TextList,
    /// What is to be done.
    pub action_items: Vec<Spanned<RawActionItem>>,
    /// What happened when: a list of [`RawTimelineEntry`], read with
    /// `de::from_field` only once the date is known, since `HH:MM` entries fall on it.
    pub timeline: IgnoredAny,
    /// When it started.
    pub started: Option<Spanned<Written>>,
    /// When it was detected.
    pub detected: Option<Spanned<Written>>,
    /// When it was mitigated.
    pub mitigated: Option<Spanned<Written>>,
    /// When it was resolved.
    pub resolved: Option<Spanned<Written>>,
    /// How long it lasted (`4h`, `1h30m`).
    pub duration: Option<Spanned<Written>>,
    /// Link to the original write-up.
    pub source: Option<Spanned<String>>,
    /// Who wrote it.
    pub authors: TextList,
    /// The URL slug, instead of the file name's.
    pub slug: Field<String>,
    /// Left out unless `--drafts`.
    pub draft: Option<bool>,
    /// `internal` or `public`.
    pub visibility: Option<Spanned<Written>>,
    /// Free-form data for templates.
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The front-matter of a plain page.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    expecting = "front-matter must be a map of `key: value` lines"
)]
pub(crate) struct RawPage {
    /// The title.
    pub title: Field<String>,
    /// The URL slug, instead of the file name's.
    pub slug: Option<Spanned<String>>,
    /// Left out unless `--drafts`.
    pub draft: Option<bool>,
    /// Order in the navigation.
    pub weight: Option<i64>,
}

/// A lesson: a line of text, or a map with `text` and `themes`.
#[derive(Debug)]
pub(crate) enum RawLesson {
    /// `- Give every workload a liveness probe.`
    Text(String),
    /// `- text: ...` with `themes: [...]`.
    Map(RawLessonMap),
}

/// A lesson written as a map.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawLessonMap {
    /// What was learned.
    pub text: Field<String>,
    /// Themes it names.
    pub themes: TextList,
}

impl<'de> Deserialize<'de> for RawLesson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LessonVisitor;

        impl<'de> Visitor<'de> for LessonVisitor {
            type Value = RawLesson;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a lesson must be a string or `{text, themes}`")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawLesson, E> {
                Ok(RawLesson::Text(text.to_string()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawLesson, A::Error> {
                RawLessonMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawLesson::Map)
            }
        }

        // Asked for as a struct so that the map's unknown keys are reported.
        deserializer.deserialize_struct("RawLesson", field_names::<RawLessonMap>(), LessonVisitor)
    }
}

/// An action item.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    expecting = "an action item must be a map with `text`\nwrite `- text: ...` with optional `owner`, `status`, `due`, `done_on` and `link`"
)]
pub(crate) struct RawActionItem {
    /// What to do.
    pub text: Field<String>,
    /// Who owns it.
    pub owner: Option<String>,
    /// `open`, `in-progress`, `done` or `wont-do`.
    pub status: Option<Spanned<Written>>,
    /// When it is due.
    pub due: Option<Spanned<Written>>,
    /// A link to a ticket.
    pub link: Option<Spanned<String>>,
    /// The day it was done.
    pub done_on: Option<Spanned<Written>>,
}

/// A timeline entry.
#[derive(Debug, Default, Deserialize)]
#[serde(
    default,
    expecting = "a timeline entry must be a map with `at` and `text`"
)]
pub(crate) struct RawTimelineEntry {
    /// When: RFC 3339, `YYYY-MM-DD HH:MM` or `HH:MM`.
    pub at: Field<Written>,
    /// What happened.
    pub text: Field<String>,
}
