//! A public build (SPEC §11) publishes no internal incident (see `select`), no
//! internal section of a body and no field that `[public] omit` names. This step
//! takes them out of the published incidents and pages before anything is
//! rendered, so that no page, index, export or feed can show them, and no
//! attachment linked only from them is published.

use crate::content::Incident;
use crate::content::internal;

use super::select::Selected;

/// Takes the internal sections out of every published body, and the `omit`ted
/// fields out of every published incident.
pub(super) fn for_public(selected: &mut Selected, omit: &[String]) {
    for incident in &mut selected.incidents {
        incident.body = internal::strip(&incident.body).into();
        for field in omit {
            leave_out(incident, field);
        }
    }
    for page in &mut selected.pages {
        page.body = internal::strip(&page.body);
    }
}

/// Empties one field (a name of `config::OMITTABLE_FIELDS`).
fn leave_out(incident: &mut Incident, field: &str) {
    match field {
        "summary" => incident.summary = None,
        "organization" => incident.organization = None,
        "impact" => incident.impact = None,
        "components" => incident.components.clear(),
        "tags" => incident.tags.clear(),
        "lessons" => incident.lessons.clear(),
        "contributing_factors" => incident.contributing_factors.clear(),
        "detected_by" => incident.detected_by = None,
        "near_miss" => incident.near_miss = false,
        "lucky" => incident.lucky.clear(),
        "action_items" => incident.action_items.clear(),
        "timeline" => incident.timeline.clear(),
        "started" => incident.started = None,
        "detected" => incident.detected = None,
        "mitigated" => incident.mitigated = None,
        "resolved" => incident.resolved = None,
        "duration" => incident.duration_minutes = None,
        "source" => incident.source = None,
        "authors" => incident.authors.clear(),
        "extra" => incident.extra = serde_json::Value::Object(serde_json::Map::new()),
        "done_on" => {
            for item in &mut incident.action_items {
                item.done_on = None;
            }
        }
        "owner" => {
            for item in &mut incident.action_items {
                item.owner = None;
            }
        }
        "link" => {
            for item in &mut incident.action_items {
                item.link = None;
            }
        }
        _ => {}
    }
}
