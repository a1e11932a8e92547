//! How long an incident took, in whole minutes from its start: to detection, to
//! mitigation and to resolution (else its written `duration`). An end written
//! before the start counts as zero.

use jiff::Timestamp;

use crate::content::Incident;

/// The durations of one incident, each when its times are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Durations {
    /// Minutes from start to detection.
    pub to_detect: Option<i64>,
    /// Minutes from start to mitigation.
    pub to_mitigate: Option<i64>,
    /// Minutes from start to resolution, else `duration`.
    pub to_resolve: Option<i64>,
}

impl Durations {
    /// The durations of `incident`.
    pub(super) fn of(incident: &Incident) -> Durations {
        Durations::from_times(
            incident.started,
            [incident.detected, incident.mitigated, incident.resolved],
            incident.duration_minutes,
        )
    }

    /// From a start, the detected, mitigated and resolved times, and a written duration.
    pub(super) fn from_times(
        started: Option<Timestamp>,
        [detected, mitigated, resolved]: [Option<Timestamp>; 3],
        duration_minutes: Option<i64>,
    ) -> Durations {
        let minutes = |end: Option<Timestamp>| -> Option<i64> {
            let (start, end) = (started?, end?);
            Some(end.as_second().saturating_sub(start.as_second()).max(0) / 60)
        };
        Durations {
            to_detect: minutes(detected),
            to_mitigate: minutes(mitigated),
            to_resolve: minutes(resolved).or(duration_minutes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<Timestamp> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn minutes_from_the_start_and_the_written_duration_as_fallback() {
        let start = at("2024-01-02T10:00:00Z");
        let d = Durations::from_times(
            start,
            [at("2024-01-02T10:05:59Z"), at("2024-01-02T09:00:00Z"), None],
            Some(90),
        );
        assert_eq!(
            d,
            Durations {
                to_detect: Some(5),
                to_mitigate: Some(0),
                to_resolve: Some(90),
            }
        );
        let none = Durations::from_times(None, [at("2024-01-02T10:05:00Z"), None, None], None);
        assert_eq!(none, Durations::default());
    }
}
