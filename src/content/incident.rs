//! The content model: an `Incident` or a `Page` as read from one file, with typed
//! and checked fields. Built from the raw front-matter (`raw.rs`) by `validate.rs`;
//! nothing here reads files or renders Markdown.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::config::Visibility;
use crate::diag::Pos;

use super::de::field_names;
pub use super::fields::Spanned;
pub use super::ids::{ComponentSlug, IncidentSlug, SeverityKey};
use super::raw::{RawIncident, RawPage};
pub use super::validate::{parse_incident, parse_page};

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

    /// Reads a status, case-insensitively and ignoring surrounding spaces.
    pub fn parse(value: &str) -> Option<ActionStatus> {
        ActionStatus::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value.trim()))
    }
}

/// The values of `detected_by` that SPEC §10 names, read ignoring case and kept in
/// lower case; any other text is kept as written.
pub const DETECTED_BY: [&str; 4] = ["alert", "customer", "staff", "automation"];

/// One lesson or contributing factor as written, before themes are assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonInput {
    /// What was learned, or what contributed.
    pub text: String,
    /// Where it is written.
    pub pos: Pos,
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
    /// The day it was done (only when done).
    pub done_on: Option<Date>,
    /// Where it is written.
    pub pos: Pos,
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
    pub slug: Spanned<IncidentSlug>,
    /// Title.
    pub title: String,
    /// The calendar day the incident began, as written.
    pub date: Date,
    /// The instant, when `date` was written with a time; used to order same-day incidents.
    pub date_time: Option<Timestamp>,
    /// Severity key in the configured spelling.
    pub severity: SeverityKey,
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
    /// What combined to cause it.
    pub contributing_factors: Vec<LessonInput>,
    /// How it was noticed: `alert`, `customer`, `staff`, `automation` or free text.
    pub detected_by: Option<String>,
    /// Nothing broke, but it nearly did.
    pub near_miss: bool,
    /// Where luck helped.
    pub lucky: Vec<String>,
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
    /// The Markdown body; emptied once the library has read it when pages render
    /// it again from the file ([`body_from_file`](super::body_from_file)). Shared,
    /// so that `serve`'s cache hands a parsed file out again without copying it.
    pub body: Arc<str>,
    /// The file line the body starts on.
    pub body_line: usize,
    /// The line of the body (from 0) that gave the title, blanked in `body`.
    pub title_line: Option<usize>,
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

/// The front-matter keys of an incident (the fields of the raw incident), for
/// unknown-key hints and the documentation.
pub fn incident_keys() -> &'static [&'static str] {
    field_names::<RawIncident>()
}

/// The front-matter keys of a plain page.
pub fn page_keys() -> &'static [&'static str] {
    field_names::<RawPage>()
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
