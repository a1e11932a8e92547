//! The figures of the stats page about learning (SPEC §10): how long incidents
//! took to detect, mitigate and resolve as distributions (median and 90th
//! percentile, never a mean, with how many incidents lack the value), time to
//! detect by how incidents were noticed, the share of near misses, and the
//! library's health. Every list is in a fixed order, so the page is byte-identical
//! for the same input.

use serde::Serialize;

use super::charts::{self, Category, Chart, Series, Spread};
use super::context::{DurationView, SeverityView};
use super::stats::{ChartView, chart_view, median, plural};
use super::views::{Views, days_between};
use crate::content::ActionStatus;
use crate::content::incident::DETECTED_BY;
use crate::library::Entry;

/// Age ranges of open action items: (label, up to this many days).
const AGE_RANGES: [(&str, i32); 4] = [
    ("Under 30 days", 30),
    ("30–90 days", 90),
    ("90 days to a year", 365),
    ("Over a year", i32::MAX),
];

/// What `stats.html` receives besides the counts of `stats.rs`.
#[derive(Debug, Serialize)]
pub(crate) struct LearningView<'a> {
    /// Time to detect, to mitigate and to resolve, each by severity.
    pub timings: Vec<TimingView<'a>>,
    /// Time to detect by `detected_by`.
    pub detect_by_source: TimingView<'a>,
    /// Near misses among the incidents.
    pub near_miss: ShareView,
    /// The shares of incidents that record what later readers need.
    pub health: HealthView,
    /// Open and in-progress action items by age.
    pub action_ages: AgesView,
}

/// One duration as distributions over groups of incidents.
#[derive(Debug, Serialize)]
pub(crate) struct TimingView<'a> {
    /// `time-to-detect`, `time-to-mitigate`, `time-to-resolve` or
    /// `time-to-detect-by-source`: the id of its section.
    pub key: &'static str,
    /// `Time to detect` and so on.
    pub label: &'static str,
    /// One row per group, in a fixed order.
    pub rows: Vec<SpreadRowView<'a>>,
    /// Incidents with the value.
    pub count: usize,
    /// Incidents without it.
    pub missing: usize,
    /// The chart.
    pub chart: ChartView,
}

/// One group of a distribution.
#[derive(Debug, Serialize)]
pub(crate) struct SpreadRowView<'a> {
    /// The group's name.
    pub label: String,
    /// Its severity, for the rows by severity (absent from the others).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'a SeverityView<'a>>,
    /// Its incidents with the value.
    pub count: usize,
    /// Its incidents without it.
    pub missing: usize,
    /// The median, when any incident has the value.
    pub median: Option<DurationView>,
    /// The 90th percentile (nearest rank), likewise.
    pub p90: Option<DurationView>,
}

/// A part of the incidents.
#[derive(Debug, Serialize)]
pub(crate) struct ShareView {
    /// Incidents in the part.
    pub count: usize,
    /// Incidents in all.
    pub total: usize,
    /// The part in whole percent, rounded down.
    pub percent: usize,
}

/// The library's health.
#[derive(Debug, Serialize)]
pub(crate) struct HealthView {
    /// Shares of incidents with a detection time, action items, lessons and
    /// contributing factors.
    pub rows: Vec<HealthRowView>,
    /// The chart.
    pub chart: ChartView,
}

/// One share of the library's health.
#[derive(Debug, Serialize)]
pub(crate) struct HealthRowView {
    /// `detection`, `actions`, `lessons` or `factors`.
    pub key: &'static str,
    /// What is counted.
    pub label: &'static str,
    /// The share.
    #[serde(flatten)]
    pub share: ShareView,
}

/// Open and in-progress action items by age.
#[derive(Debug, Serialize)]
pub(crate) struct AgesView {
    /// The day ages are counted to: the newest incident's date, so that the page is
    /// the same on every day it is built.
    pub as_of: Option<String>,
    /// One row per age range, youngest first.
    pub rows: Vec<AgeRowView>,
    /// Items in all.
    pub total: usize,
    /// The chart.
    pub chart: ChartView,
}

/// One age range.
#[derive(Debug, Serialize)]
pub(crate) struct AgeRowView {
    /// `Under 30 days` and so on.
    pub label: &'static str,
    /// Open items.
    pub open: usize,
    /// Items in progress.
    pub in_progress: usize,
    /// Both.
    pub total: usize,
}

/// The figures about learning.
pub(crate) fn learning_view<'v>(views: &'v Views<'_>) -> LearningView<'v> {
    let lib = views.library;
    let total = lib.incidents.len();
    let durations: [(&'static str, &'static str, Minutes); 3] = [
        ("time-to-detect", "Time to detect", |e| e.time_to_detect),
        ("time-to-mitigate", "Time to mitigate", |e| {
            e.time_to_mitigate
        }),
        ("time-to-resolve", "Time to resolve", |e| e.time_to_resolve),
    ];
    let timings = durations
        .iter()
        .map(|&(key, label, value)| {
            let groups = (lib.by_severity.indexed())
                .map(|(s, list)| {
                    let severity = views.severity(s);
                    let label = format!("{} {}", severity.emoji, severity.label)
                        .trim()
                        .to_string();
                    let values = list.iter().map(|&n| value(&lib.incidents[n])).collect();
                    Group {
                        label,
                        severity: Some(severity),
                        values,
                    }
                })
                .filter(|g| !g.values.is_empty());
            timing(key, label, "severity", groups.collect())
        })
        .collect();

    // Time to detect by how incidents were noticed: the values SPEC §10 names
    // first, then the rest by label, then incidents that do not say.
    // Grouped by slug, as the index filter is, under the first spelling met.
    let mut sources: Vec<(String, String, Vec<Option<i64>>)> = Vec::new();
    let mut unsaid = Vec::new();
    for e in lib.incidents.iter() {
        match &e.incident.detected_by {
            Some(by) => {
                let slug = crate::slug::slugify(by);
                match sources.iter_mut().find(|(s, _, _)| *s == slug) {
                    Some((_, _, values)) => values.push(e.time_to_detect),
                    None => sources.push((slug, by.clone(), vec![e.time_to_detect])),
                }
            }
            None => unsaid.push(e.time_to_detect),
        }
    }
    let rank = |label: &str| {
        DETECTED_BY
            .iter()
            .position(|k| *k == label)
            .unwrap_or(DETECTED_BY.len())
    };
    sources.sort_by(|a, b| {
        (rank(&a.1).cmp(&rank(&b.1))).then_with(|| a.1.to_lowercase().cmp(&b.1.to_lowercase()))
    });
    let mut groups: Vec<Group<'_>> = sources
        .into_iter()
        .map(|(_, label, values)| Group {
            label: super::views::detected_by_label(&label),
            severity: None,
            values,
        })
        .collect();
    if !unsaid.is_empty() {
        groups.push(Group {
            label: "Not recorded".to_string(),
            severity: None,
            values: unsaid,
        });
    }
    let detect_by_source = timing(
        "time-to-detect-by-source",
        "Time to detect",
        "how it was noticed",
        groups,
    );

    let near_misses = lib
        .incidents
        .iter()
        .filter(|e| e.incident.near_miss)
        .count();
    LearningView {
        timings,
        detect_by_source,
        near_miss: share(near_misses, total),
        health: health(views, near_misses),
        action_ages: action_ages(views),
    }
}

/// Reads one duration of an entry.
type Minutes = fn(&Entry) -> Option<i64>;

/// A group of incidents of a distribution: one value (or none) per incident.
struct Group<'v> {
    label: String,
    severity: Option<&'v SeverityView<'v>>,
    values: Vec<Option<i64>>,
}

/// A distribution chart and its table over `groups`.
fn timing<'v>(
    key: &'static str,
    label: &'static str,
    by: &str,
    groups: Vec<Group<'v>>,
) -> TimingView<'v> {
    let rows: Vec<SpreadRowView<'_>> = groups
        .into_iter()
        .map(
            |Group {
                 label,
                 severity,
                 values,
             }| {
                let mut known: Vec<i64> = values.iter().flatten().copied().collect();
                known.sort_unstable();
                SpreadRowView {
                    label,
                    severity,
                    count: known.len(),
                    missing: values.len() - known.len(),
                    median: median(&known).map(DurationView::from_minutes),
                    p90: percentile_90(&known).map(DurationView::from_minutes),
                }
            },
        )
        .collect();
    let count: usize = rows.iter().map(|r| r.count).sum();
    let missing: usize = rows.iter().map(|r| r.missing).sum();
    let spreads: Vec<Spread> = rows
        .iter()
        .filter_map(|r| {
            let (median, p90) = (r.median.as_ref()?, r.p90.as_ref()?);
            Some(Spread {
                label: r.label.clone(),
                color: r.severity.map(|s| s.color.to_string()),
                median: median.minutes,
                p90: p90.minutes,
                text: format!("median {}, 90% {}", median.text, p90.text),
            })
        })
        .collect();
    let description = if spreads.is_empty() {
        format!("No incident records its {}.", label.to_lowercase())
    } else {
        let parts: Vec<String> = rows
            .iter()
            .map(|r| match (&r.median, &r.p90) {
                (Some(m), Some(p)) => format!(
                    "{}: median {}, 90th percentile {}, over {} incident{}{}",
                    r.label,
                    m.text,
                    p.text,
                    r.count,
                    plural(r.count),
                    lacking(r.missing),
                ),
                _ => format!(
                    "{}: not recorded by its {} incident{}",
                    r.label,
                    r.missing,
                    plural(r.missing)
                ),
            })
            .collect();
        format!(
            "{label} by {by}, as a median and 90th percentile rather than a mean. {}.",
            parts.join("; ")
        )
    };
    let chart = Chart {
        id: format!("chart-{key}"),
        title: format!("{label}, by {by}"),
        description,
        series: Vec::new(),
        categories: Vec::new(),
        unit: ("incident".into(), "incidents".into()),
    };
    let svg = charts::spreads(&chart, &spreads);
    TimingView {
        key,
        label,
        rows,
        count,
        missing,
        chart: chart_view(&chart, svg),
    }
}

/// The shares of incidents that record a detection time, action items, lessons
/// and contributing factors.
fn health(views: &Views<'_>, near_misses: usize) -> HealthView {
    let lib = views.library;
    let total = lib.incidents.len();
    let count = |f: fn(&Entry) -> bool| lib.incidents.iter().filter(|e| f(e)).count();
    let rows = vec![
        HealthRowView {
            key: "detection",
            label: "With a time to detect",
            share: share(count(|e| e.time_to_detect.is_some()), total),
        },
        HealthRowView {
            key: "actions",
            label: "With action items",
            share: share(count(|e| !e.incident.action_items.is_empty()), total),
        },
        HealthRowView {
            key: "lessons",
            label: "With lessons",
            share: share(count(|e| !e.lessons.is_empty()), total),
        },
        HealthRowView {
            key: "factors",
            label: "With contributing factors",
            share: share(count(|e| !e.factors.is_empty()), total),
        },
    ];
    let description = if total == 0 {
        "No incidents yet.".to_string()
    } else {
        let parts: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}%", r.label.to_lowercase(), r.share.percent))
            .collect();
        let near = share(near_misses, total);
        format!(
            "Of the {total} incident{}: {}. {} {} a near miss ({}%): nothing broke, but it nearly did.",
            plural(total),
            parts.join(", "),
            near.count,
            if near.count == 1 { "was" } else { "were" },
            near.percent,
        )
    };
    let chart = Chart {
        id: "chart-health".into(),
        title: "What the postmortems record".into(),
        description,
        series: vec![Series {
            label: "Incidents".into(),
            color: None,
            key: "incidents".into(),
        }],
        categories: rows
            .iter()
            .map(|r| Category {
                label: format!("{} ({}%)", r.label, r.share.percent),
                values: vec![r.share.count as u64],
            })
            .collect(),
        unit: ("incident".into(), "incidents".into()),
    };
    let svg = charts::bars(&chart);
    HealthView {
        rows,
        chart: chart_view(&chart, svg),
    }
}

/// Open and in-progress action items by the days from their incident to the
/// newest incident.
fn action_ages(views: &Views<'_>) -> AgesView {
    let lib = views.library;
    let as_of = lib.incidents.first().map(|e| e.incident.date);
    let mut rows: Vec<AgeRowView> = AGE_RANGES
        .iter()
        .map(|&(label, _)| AgeRowView {
            label,
            open: 0,
            in_progress: 0,
            total: 0,
        })
        .collect();
    if let Some(as_of) = as_of {
        for e in lib.incidents.iter() {
            let age = days_between(e.incident.date, as_of);
            let range = AGE_RANGES
                .iter()
                .position(|&(_, below)| age < below)
                .unwrap_or(AGE_RANGES.len() - 1);
            for a in &e.incident.action_items {
                match a.status {
                    ActionStatus::Open => rows[range].open += 1,
                    ActionStatus::InProgress => rows[range].in_progress += 1,
                    ActionStatus::Done | ActionStatus::WontDo => continue,
                }
                rows[range].total += 1;
            }
        }
    }
    let total: usize = rows.iter().map(|r| r.total).sum();
    let description = match as_of {
        Some(day) if total > 0 => {
            let parts: Vec<String> = rows
                .iter()
                .filter(|r| r.total > 0)
                .map(|r| format!("{} {}", r.total, r.label.to_lowercase()))
                .collect();
            format!(
                "{total} action item{} open or in progress, by the days from their incident to {day}, the date of the newest incident: {}.",
                plural(total),
                parts.join(", ")
            )
        }
        _ => "No action item is open or in progress.".to_string(),
    };
    let chart = Chart {
        id: "chart-action-ages".into(),
        title: "Open action items by age".into(),
        description,
        series: vec![
            Series {
                label: "Open".into(),
                color: Some("var(--st-open)".into()),
                key: "open".into(),
            },
            Series {
                label: "In progress".into(),
                color: Some("var(--st-progress)".into()),
                key: "in-progress".into(),
            },
        ],
        categories: rows
            .iter()
            .map(|r| Category {
                label: r.label.to_string(),
                values: vec![r.open as u64, r.in_progress as u64],
            })
            .collect(),
        unit: ("action item".into(), "action items".into()),
    };
    let svg = charts::bars(&chart);
    AgesView {
        as_of: as_of.map(|d| d.to_string()),
        rows,
        total,
        chart: chart_view(&chart, svg),
    }
}

/// The 90th percentile of sorted values by nearest rank: the smallest value that
/// at least 90% of the values do not exceed.
fn percentile_90(sorted: &[i64]) -> Option<i64> {
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted.get(rank.checked_sub(1)?).copied()
}

fn share(count: usize, total: usize) -> ShareView {
    // Rounded down, so that 199 of 200 does not read 100%.
    let percent = (count * 100).checked_div(total).unwrap_or(0);
    ShareView {
        count,
        total,
        percent,
    }
}

/// `; 2 do not record it`, or nothing.
fn lacking(missing: usize) -> String {
    match missing {
        0 => String::new(),
        1 => "; 1 does not record it".to_string(),
        n => format!("; {n} do not record it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_90th_percentile_is_a_nearest_rank() {
        assert_eq!(percentile_90(&[]), None);
        assert_eq!(percentile_90(&[7]), Some(7));
        assert_eq!(percentile_90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), Some(9));
        assert_eq!(
            percentile_90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
            Some(10)
        );
        assert_eq!(percentile_90(&[10, 20]), Some(20));
    }

    #[test]
    fn shares_are_whole_percents_rounded_down() {
        assert_eq!(share(1, 3).percent, 33);
        assert_eq!(share(2, 3).percent, 66);
        assert_eq!(share(199, 200).percent, 99);
        assert_eq!(share(0, 0).percent, 0);
        assert_eq!(share(7, 7).percent, 100);
    }
}
