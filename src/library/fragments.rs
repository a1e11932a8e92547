//! Links with a `#fragment` must name a heading of the page they point at (or a
//! section the incident template adds). Checked once every body is rendered,
//! since a link may point at any page's headings.

use std::collections::{BTreeSet, HashMap};

use crate::diag::{Diagnostic, did_you_mean, nearest};

use super::bodies::RenderedBodies;
use super::select::Selected;

/// Ids the incident template gives its own sections, so links may point at them.
pub const INCIDENT_SECTION_IDS: &[&str] = &[
    "debrief-lessons",
    "debrief-actions",
    "debrief-timeline",
    "debrief-related",
];

/// Reports every body's own problems, then every fragment link (in published and
/// unparsed bodies alike) that matches no heading of its target.
pub(super) fn check(selected: &Selected, bodies: &RenderedBodies, problems: &mut Vec<Diagnostic>) {
    let mut anchors: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (incident, body) in selected.incidents.iter().zip(&bodies.incidents) {
        let ids = anchors.entry(incident.path.as_str()).or_default();
        ids.extend(
            body.output()
                .rendered
                .headings
                .iter()
                .map(|h| h.id.as_str()),
        );
        ids.extend(INCIDENT_SECTION_IDS.iter().copied());
    }
    for (page, body) in selected.pages.iter().zip(&bodies.pages) {
        anchors.entry(page.path.as_str()).or_default().extend(
            body.output()
                .rendered
                .headings
                .iter()
                .map(|h| h.id.as_str()),
        );
    }
    for output in bodies
        .incidents
        .iter()
        .chain(&bodies.pages)
        .chain(&bodies.unparsed)
        .map(|b| b.output())
    {
        problems.extend(output.problems.iter().cloned());
        for link in &output.links {
            let Some(ids) = anchors.get(link.target.as_str()) else {
                continue;
            };
            if !ids.contains(link.fragment.as_str()) {
                let help = nearest(&link.fragment, ids.iter().copied())
                    .map(|n| did_you_mean(&format!("#{n}")))
                    .unwrap_or_else(|| format!("{} has no heading with that id", link.target));
                problems.push(
                    Diagnostic::error(
                        link.location.clone(),
                        format!(
                            "link to `#{}` in {} matches no heading",
                            link.fragment, link.target
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
