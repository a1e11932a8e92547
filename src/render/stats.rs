//! The figures of the stats page: counts over the library, the charts drawn
//! from them, and a sentence describing each chart for readers who cannot see
//! it. Every list is in a fixed order so that the page is byte-identical for
//! the same input.

use serde::Serialize;

use super::charts::{self, Category, Chart, Series};
use super::context::{
    BriefView, ComponentView, DurationView, SeverityCountView, SeverityView, ThemeView,
    duration_text,
};
use super::views::Views;
use crate::content::ActionStatus;
use crate::library::{ComponentIx, IncidentIx, ThemeIx};

/// How many components the top components chart shows.
const TOP_COMPONENTS: usize = 10;

/// Time-to-resolve ranges of the distribution chart: (label, up to this many minutes).
const RESOLVE_RANGES: [(&str, i64); 6] = [
    ("Under 1 h", 60),
    ("1–4 h", 240),
    ("4–12 h", 720),
    ("12–24 h", 1440),
    ("1–3 days", 4320),
    ("Over 3 days", i64::MAX),
];

/// Everything `stats.html` receives as `stats`.
#[derive(Debug, Serialize)]
pub(crate) struct StatsView<'a> {
    /// Incidents in the library.
    pub total: usize,
    /// The headline counts.
    pub totals: TotalsView,
    /// Incidents per year, oldest first.
    pub years: Vec<YearView<'a>>,
    /// The components with the most incidents.
    pub top_components: Vec<ComponentView<'a>>,
    /// Every used theme, largest first.
    pub themes: Vec<ThemeView<'a>>,
    /// The incidents with a time to resolve, longest first: at most `paginate_by`
    /// of them (all when it is 0).
    pub resolve: Vec<ResolveView<'a>>,
    /// How many incidents have a time to resolve.
    pub resolve_count: usize,
    /// How many took how long, by range.
    pub resolve_ranges: Vec<RangeView<'a>>,
    /// The median time to resolve of each severity that has one.
    pub resolve_by_severity: Vec<SeverityMedianView<'a>>,
    /// The median time to resolve of the library.
    pub median_resolve: Option<DurationView>,
    /// The charts.
    pub charts: ChartsView,
    /// Distributions, near misses and the library's health.
    #[serde(flatten)]
    pub learning: super::learning::LearningView<'a>,
}

/// `stats.totals`.
#[derive(Debug, Serialize)]
pub(crate) struct TotalsView {
    /// Incidents.
    pub incidents: usize,
    /// Components.
    pub components: usize,
    /// Lessons.
    pub lessons: usize,
    /// Action items open or in progress.
    pub open_actions: usize,
}

/// The incidents of one year.
#[derive(Debug, Serialize)]
pub(crate) struct YearView<'a> {
    /// The year.
    pub year: i16,
    /// Its incidents.
    pub total: usize,
    /// Its incidents per severity.
    pub by_severity: Vec<SeverityCountView<'a>>,
}

/// An incident and how long it took to resolve.
#[derive(Debug, Serialize)]
pub(crate) struct ResolveView<'a> {
    /// The incident.
    pub incident: BriefView<'a>,
    /// Whole minutes.
    pub minutes: i64,
    /// The same in words.
    pub text: String,
}

/// One range of times to resolve.
#[derive(Debug, Serialize)]
pub(crate) struct RangeView<'a> {
    /// `Under 1 h` and so on.
    pub label: String,
    /// Incidents in it.
    pub total: u64,
    /// Those incidents per severity.
    pub by_severity: Vec<SeverityCountView<'a>>,
}

/// The median time to resolve of one severity.
#[derive(Debug, Serialize)]
pub(crate) struct SeverityMedianView<'a> {
    /// The severity.
    pub severity: &'a SeverityView<'a>,
    /// Its incidents with a time to resolve.
    pub count: usize,
    /// Their median.
    pub median: DurationView,
}

/// `stats.charts`.
#[derive(Debug, Serialize)]
pub(crate) struct ChartsView {
    /// Incidents per year.
    pub years: ChartView,
    /// Top components.
    pub components: ChartView,
    /// Lessons per theme.
    pub themes: ChartView,
    /// Time to resolve.
    pub resolve: ChartView,
}

/// One chart: an inline SVG and what describes it.
#[derive(Debug, Serialize)]
pub(crate) struct ChartView {
    /// Element id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// A sentence for readers who cannot see it.
    pub description: String,
    /// The SVG, safe to embed.
    pub svg: String,
}

/// Everything `stats.html` receives as `stats`.
pub(crate) fn stats_view<'v>(views: &'v Views<'_>) -> StatsView<'v> {
    let lib = views.library;
    let series = severity_series(views);
    let total = lib.incidents.len();

    // Incidents per year, stacked by severity.
    let years: Vec<YearView<'_>> = lib
        .by_year
        .iter()
        .map(|(&year, list)| YearView {
            year,
            total: list.len(),
            by_severity: views.by_severity(list),
        })
        .collect();
    let year_categories: Vec<Category> = lib
        .by_year
        .iter()
        .map(|(year, list)| Category {
            label: year.to_string(),
            values: severity_counts(views, list),
        })
        .collect();
    let years_chart = Chart {
        id: "chart-years".into(),
        title: "Incidents per year, by severity".into(),
        description: years_description(views, &year_categories),
        series: series.clone(),
        categories: year_categories,
        unit: ("incident".into(), "incidents".into()),
    };

    // The components with the most incidents, stacked by severity.
    let mut ranked: Vec<ComponentIx> = lib.components.ids().collect();
    ranked.sort_by(|&a, &b| {
        lib.components[b]
            .incidents
            .len()
            .cmp(&lib.components[a].incidents.len())
            .then(a.cmp(&b))
    });
    ranked.truncate(TOP_COMPONENTS);
    let top_components: Vec<ComponentView<'_>> =
        ranked.iter().map(|&c| views.component(c)).collect();
    let component_categories: Vec<Category> = ranked
        .iter()
        .map(|&c| Category {
            label: lib.components[c].name.clone(),
            values: severity_counts(views, &lib.components[c].incidents),
        })
        .collect();
    let components_description = match component_categories.first() {
        Some(first) => format!(
            "The {} component{} with the most incidents. {} comes first, involved in {} of the {} incident{}.",
            component_categories.len(),
            plural(component_categories.len()),
            first.label,
            first.total(),
            total,
            plural(total),
        ),
        None => "No incident names a component yet.".to_string(),
    };
    let components_chart = Chart {
        id: "chart-components".into(),
        title: "Components with the most incidents".into(),
        description: components_description,
        series: series.clone(),
        categories: component_categories,
        unit: ("incident".into(), "incidents".into()),
    };

    // Lessons per theme, largest first (ties in theme order).
    let mut themes: Vec<(ThemeIx, usize)> = lib
        .used_themes()
        .map(|(t, entry)| (t, entry.lessons.len()))
        .collect();
    themes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let lesson_total: usize = lib.incidents.iter().map(|e| e.lessons.len()).sum();
    let theme_categories: Vec<Category> = themes
        .iter()
        .map(|&(t, count)| Category {
            label: lib.themes[t].theme.label.clone(),
            values: vec![count as u64],
        })
        .collect();
    let themes_description = match theme_categories.first() {
        Some(first) => format!(
            "{lesson_total} lesson{} sorted into {} theme{}; a lesson can belong to several. The largest theme is {}, with {} lesson{}.",
            plural(lesson_total),
            theme_categories.len(),
            plural(theme_categories.len()),
            first.label,
            first.total(),
            plural(first.total() as usize),
        ),
        None => "No lessons recorded yet.".to_string(),
    };
    let themes_chart = Chart {
        id: "chart-themes".into(),
        title: "Lessons per theme".into(),
        description: themes_description,
        series: vec![Series {
            label: "Lessons".into(),
            color: None,
            key: "lessons".into(),
        }],
        categories: theme_categories,
        unit: ("lesson".into(), "lessons".into()),
    };

    // Time to resolve: the distribution over ranges, by severity, and medians.
    let mut resolve: Vec<(i64, IncidentIx)> = lib
        .incidents
        .indexed()
        .filter_map(|(n, e)| e.time_to_resolve.map(|m| (m, n)))
        .collect();
    resolve.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut range_counts = vec![vec![0u64; series.len()]; RESOLVE_RANGES.len()];
    for &(minutes, n) in &resolve {
        let range = RESOLVE_RANGES
            .iter()
            .position(|&(_, below)| minutes < below)
            .unwrap_or(RESOLVE_RANGES.len() - 1);
        range_counts[range][lib.incidents[n].severity.index()] += 1;
    }
    let resolve_categories: Vec<Category> = RESOLVE_RANGES
        .iter()
        .zip(range_counts)
        .map(|(&(label, _), values)| Category {
            label: label.to_string(),
            values,
        })
        .collect();
    let all_minutes: Vec<i64> = resolve.iter().map(|r| r.0).collect();
    let median_all = median(&all_minutes);
    let resolve_description = match median_all {
        Some(m) => {
            let over_day = all_minutes.iter().filter(|&&m| m >= 1440).count();
            format!(
                "How long the {} incident{} that record it took to resolve, in ranges, by severity. Median: {}; {} took a day or more.",
                all_minutes.len(),
                plural(all_minutes.len()),
                duration_text(m),
                over_day,
            )
        }
        None => "No incident records how long it took to resolve.".to_string(),
    };
    let by_severity_resolve: Vec<SeverityMedianView<'_>> = (lib.by_severity.ids())
        .filter_map(|s| {
            let minutes: Vec<i64> = resolve
                .iter()
                .filter(|&&(_, n)| lib.incidents[n].severity == s)
                .map(|r| r.0)
                .collect();
            median(&minutes).map(|m| SeverityMedianView {
                severity: views.severity(s),
                count: minutes.len(),
                median: DurationView::from_minutes(m),
            })
        })
        .collect();
    let resolve_ranges: Vec<RangeView<'_>> = resolve_categories
        .iter()
        .map(|c| RangeView {
            label: c.label.clone(),
            total: c.total(),
            by_severity: views.with_severities(c.values.clone()),
        })
        .collect();
    let resolve_chart = Chart {
        id: "chart-resolve".into(),
        title: "Time to resolve".into(),
        description: resolve_description,
        series,
        categories: resolve_categories,
        unit: ("incident".into(), "incidents".into()),
    };

    let open_actions = lib
        .incidents
        .iter()
        .flat_map(|e| &e.incident.action_items)
        .filter(|a| matches!(a.status, ActionStatus::Open | ActionStatus::InProgress))
        .count();

    StatsView {
        total,
        totals: TotalsView {
            incidents: total,
            components: lib.components.len(),
            lessons: lesson_total,
            open_actions,
        },
        years,
        top_components,
        themes: themes.iter().map(|&(t, _)| views.theme(t)).collect(),
        resolve_count: resolve.len(),
        resolve: resolve
            .iter()
            .take(match views.config.paginate_by {
                0 => usize::MAX,
                per => per as usize,
            })
            .map(|&(minutes, n)| ResolveView {
                incident: views.brief(n),
                minutes,
                text: duration_text(minutes),
            })
            .collect(),
        resolve_ranges,
        resolve_by_severity: by_severity_resolve,
        median_resolve: median_all.map(DurationView::from_minutes),
        learning: super::learning::learning_view(views),
        charts: ChartsView {
            years: chart_view(&years_chart, charts::columns(&years_chart)),
            components: chart_view(&components_chart, charts::bars(&components_chart)),
            themes: chart_view(&themes_chart, charts::bars(&themes_chart)),
            resolve: chart_view(&resolve_chart, charts::bars(&resolve_chart)),
        },
    }
}

pub(crate) fn chart_view(chart: &Chart, svg: String) -> ChartView {
    ChartView {
        id: chart.id.clone(),
        title: chart.title.clone(),
        description: chart.description.clone(),
        svg,
    }
}

/// One series per configured severity, most severe first.
fn severity_series(views: &Views<'_>) -> Vec<Series> {
    views
        .severities()
        .iter()
        .map(|s| Series {
            label: format!("{} {}", s.emoji, s.label).trim().to_string(),
            color: Some(s.color.to_string()),
            key: s.key.to_lowercase(),
        })
        .collect()
}

/// Counts of a set of incidents per severity, in severity order.
fn severity_counts(views: &Views<'_>, incidents: &[IncidentIx]) -> Vec<u64> {
    let mut counts = vec![0u64; views.severities().len()];
    for &n in incidents {
        counts[views.library.incidents[n].severity.index()] += 1;
    }
    counts
}

fn years_description(views: &Views<'_>, years: &[Category]) -> String {
    let (Some(first), Some(last)) = (years.first(), years.last()) else {
        return "No incidents yet.".to_string();
    };
    let total: u64 = years.iter().map(Category::total).sum();
    let most = years.iter().map(Category::total).max().unwrap_or(0);
    let busiest: Vec<&str> = years
        .iter()
        .filter(|y| y.total() == most)
        .map(|y| y.label.as_str())
        .collect();
    let span = if first.label == last.label {
        format!("in {}", first.label)
    } else {
        format!("from {} to {}", first.label, last.label)
    };
    let by_severity: Vec<String> = views
        .severities()
        .iter()
        .filter(|s| s.count > 0)
        .map(|s| format!("{} {}", s.count, s.label))
        .collect();
    format!(
        "{total} incident{} {span}: {}. The most in one year: {most}, in {}.",
        plural(total as usize),
        by_severity.join(", "),
        join_words(&busiest),
    )
}

/// The median of whole minutes, rounded down; `None` for no values.
pub(crate) fn median(values: &[i64]) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2)),
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_round_down() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[30, 10, 20]), Some(20));
        assert_eq!(median(&[10, 25]), Some(17));
    }

    #[test]
    fn words_join_naturally() {
        assert_eq!(join_words(&["2019"]), "2019");
        assert_eq!(join_words(&["2019", "2020"]), "2019 and 2020");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn ranges_cover_every_duration() {
        let range = |m: i64| RESOLVE_RANGES.iter().position(|&(_, below)| m < below);
        assert_eq!(range(0), Some(0));
        assert_eq!(range(59), Some(0));
        assert_eq!(range(60), Some(1));
        assert_eq!(range(1439), Some(3));
        assert_eq!(range(1440), Some(4));
        assert_eq!(range(100_000), Some(5));
    }
}
