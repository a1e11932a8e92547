//! Which incidents and pages a build publishes, in the order the site lists
//! them, and the slugs that would make two of them overwrite each other.
//!
//! Only sorting and filtering: nothing is rendered or resolved here.

use std::collections::BTreeMap;

use crate::config::Visibility;
use crate::content::{Incident, Page};
use crate::diag::{Diagnostic, Location};

use super::Selection;
use super::urls::RESERVED_SLUGS;

/// The incidents and pages of one build.
#[derive(Debug)]
pub(super) struct Selected {
    /// Published incidents, newest first (ties: time, title, then slug).
    pub incidents: Vec<Incident>,
    /// Incidents left out of this build (drafts, internal ones), in load order.
    pub excluded: Vec<Incident>,
    /// Published pages, in navigation order (weight, title, slug).
    pub pages: Vec<Page>,
}

/// Splits the loaded incidents and pages into what `selection` publishes and what
/// it leaves out, and sorts what it publishes.
pub(super) fn select(incidents: Vec<Incident>, pages: Vec<Page>, selection: Selection) -> Selected {
    let (mut published, excluded): (Vec<Incident>, Vec<Incident>) =
        incidents.into_iter().partition(|i| {
            (selection.drafts || !i.draft)
                && !(selection.public_only && i.visibility == Visibility::Internal)
        });
    published.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.date_time.cmp(&a.date_time))
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.slug.value.cmp(&b.slug.value))
    });
    let mut pages: Vec<Page> = pages
        .into_iter()
        .filter(|p| selection.drafts || !p.draft)
        .collect();
    pages.sort_by(|a, b| {
        (a.weight, a.title.to_lowercase(), &a.slug.value).cmp(&(
            b.weight,
            b.title.to_lowercase(),
            &b.slug.value,
        ))
    });
    Selected {
        incidents: published,
        excluded,
        pages,
    }
}

/// Two incidents (or pages) with the same slug would overwrite each other, and a
/// page may not take a folder the site uses itself.
pub(super) fn check_duplicate_slugs(
    incidents: &[Incident],
    pages: &[Page],
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, &Incident> = BTreeMap::new();
    for incident in incidents {
        if let Some(first) = seen.get(incident.slug.value.as_str()) {
            problems.push(
                Diagnostic::error(
                    Location::at(&incident.path, incident.slug.pos),
                    format!(
                        "incident slug `{}` is already used by {}",
                        incident.slug.value, first.path
                    ),
                )
                .with_help("rename one of the files or set a different `slug:`"),
            );
        } else {
            seen.insert(&incident.slug.value, incident);
        }
    }
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in pages {
        if RESERVED_SLUGS.contains(&page.slug.value.as_str()) {
            problems.push(
                Diagnostic::error(
                    Location::at(&page.path, page.slug.pos),
                    format!("page slug `{}` is used by the site itself", page.slug.value),
                )
                .with_help(format!(
                    "choose another slug; reserved: {}",
                    RESERVED_SLUGS.join(", ")
                )),
            );
        } else if let Some(first) = seen.get(page.slug.value.as_str()) {
            problems.push(Diagnostic::error(
                Location::at(&page.path, page.slug.pos),
                format!(
                    "page slug `{}` is already used by {}",
                    page.slug.value, first.path
                ),
            ));
        } else {
            seen.insert(&page.slug.value, page);
        }
    }
}
