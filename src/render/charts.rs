//! Bar charts drawn at build time as inline SVG: pure functions from counts to
//! markup. Colours are never written as fills: each series carries its colour
//! in a `--sev` custom property and a class, so the theme's CSS decides how a
//! chart looks in light and dark mode. Every text is escaped, and every number
//! is printed with fixed precision, so the same data gives the same bytes.

use std::fmt::Write as _;

use crate::html::escape_html;

/// Width of every chart's coordinate system; the SVG scales to its container.
const WIDTH: f64 = 400.0;
/// Height of the plot area of a column chart.
const COLUMN_PLOT_HEIGHT: f64 = 180.0;
/// Font size of category labels, in chart units, as the CSS sets it on wide screens.
const LABEL_SIZE: f64 = 14.0;
/// Rough width of one character of a label at the largest size the CSS uses
/// (on phones), to decide which labels fit.
const CHAR_WIDTH: f64 = 9.5;
/// Longest label a bar chart shows in full; the tooltip keeps the whole text.
const MAX_LABEL_CHARS: usize = 44;

/// One series of a chart: a severity in a stacked chart, or the single series of
/// a plain one.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// Name shown in tooltips and legends, such as `🤬 Production`.
    pub label: String,
    /// A CSS colour put in the `--sev` custom property, when the series has one.
    pub color: Option<String>,
    /// A class-safe key, written as `data-series`.
    pub key: String,
}

/// One category (a bar or a column) with a value per series.
#[derive(Debug, Clone)]
pub(crate) struct Category {
    /// Label on the axis.
    pub label: String,
    /// One value per series, in series order.
    pub values: Vec<u64>,
}

impl Category {
    /// The sum of the category's values.
    pub(crate) fn total(&self) -> u64 {
        self.values.iter().sum()
    }
}

/// What a chart shows and how it is named.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// Prefix of the ids inside the SVG (`<id>-title`, `<id>-desc`).
    pub id: String,
    /// The accessible name, also shown as the heading above the chart.
    pub title: String,
    /// A sentence or two saying what the chart shows.
    pub description: String,
    /// The series, stacked from the axis outwards in this order.
    pub series: Vec<Series>,
    /// The categories, drawn in this order.
    pub categories: Vec<Category>,
    /// Singular and plural of what is counted, for tooltips: `("incident", "incidents")`.
    pub unit: (String, String),
}

impl Chart {
    fn unit(&self, n: u64) -> &str {
        if n == 1 { &self.unit.0 } else { &self.unit.1 }
    }

    fn max_total(&self) -> u64 {
        self.categories
            .iter()
            .map(Category::total)
            .max()
            .unwrap_or(0)
    }

    /// The tooltip of one segment.
    fn segment_title(&self, category: &Category, series: usize, value: u64) -> String {
        let unit = self.unit(value);
        if self.series.len() > 1 {
            format!(
                "{}, {}: {value} {unit}",
                category.label, self.series[series].label
            )
        } else {
            format!("{}: {value} {unit}", category.label)
        }
    }

    fn open_svg(&self, out: &mut String, height: f64, kind: &str) {
        let _ = write!(
            out,
            "<svg class=\"chart chart-{kind}\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
             aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" \
             xmlns=\"http://www.w3.org/2000/svg\">\
             <title id=\"{id}-title\">{title}</title>\
             <desc id=\"{id}-desc\">{desc}</desc>",
            id = escape_html(&self.id),
            w = num(WIDTH),
            h = num(height),
            title = escape_html(&self.title),
            desc = escape_html(&self.description),
        );
    }

    /// `<g>` opening for a series, carrying its key and colour.
    fn open_series(&self, out: &mut String, s: usize) {
        let series = &self.series[s];
        let _ = write!(
            out,
            "<g class=\"series series-{s}\" data-series=\"{}\"",
            escape_html(&series.key)
        );
        if let Some(color) = &series.color {
            let _ = write!(out, " style=\"--sev: {}\"", escape_html(color));
        }
        out.push('>');
    }
}

/// Vertical columns, one per category, with the series stacked bottom-up: for an
/// ordered axis such as years or duration ranges.
pub(crate) fn columns(chart: &Chart) -> String {
    let (left, right, top, bottom) = (34.0, 6.0, 22.0, 28.0);
    let height = top + COLUMN_PLOT_HEIGHT + bottom;
    let scale = Scale::new(chart.max_total());
    let plot_width = WIDTH - left - right;
    let n = chart.categories.len().max(1);
    let slot = plot_width / n as f64;
    let bar_width = (slot * 0.64).min(56.0);
    let baseline = top + COLUMN_PLOT_HEIGHT;
    let y = |value: u64| baseline - COLUMN_PLOT_HEIGHT * value as f64 / scale.top as f64;

    let mut out = String::new();
    chart.open_svg(&mut out, height, "columns");
    out.push_str("<g class=\"axis\" aria-hidden=\"true\">");
    for tick in scale.ticks() {
        let ty = y(tick);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{tick}</text>",
            num(left),
            num(WIDTH - right),
            num(ty),
            num(ty),
            num(left - 6.0),
            num(ty + 4.5),
        );
    }
    // Label every k-th category when the labels would collide.
    let widest = chart
        .categories
        .iter()
        .map(|c| c.label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * CHAR_WIDTH;
    let every = ((widest + 6.0) / slot).ceil().max(1.0) as usize;
    for (i, category) in chart.categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(left + slot * (i as f64 + 0.5)),
            num(baseline + 19.0),
            escape_html(&category.label)
        );
    }
    out.push_str("</g>");

    for s in 0..chart.series.len() {
        chart.open_series(&mut out, s);
        for (i, category) in chart.categories.iter().enumerate() {
            let value = category.values.get(s).copied().unwrap_or(0);
            if value == 0 {
                continue;
            }
            let below: u64 = category.values.iter().take(s).sum();
            let (y0, y1) = (y(below), y(below + value));
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" data-value=\"{value}\"><title>{}</title></rect>",
                num(left + slot * i as f64 + (slot - bar_width) / 2.0),
                num(y1),
                num(bar_width),
                num(y0 - y1),
                escape_html(&chart.segment_title(category, s, value)),
            );
        }
        out.push_str("</g>");
    }

    out.push_str("<g class=\"values\" aria-hidden=\"true\">");
    for (i, category) in chart.categories.iter().enumerate() {
        let total = category.total();
        if total == 0 {
            continue;
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{total}</text>",
            num(left + slot * (i as f64 + 0.5)),
            num(y(total) - 6.0),
        );
    }
    let _ = write!(
        out,
        "<line class=\"baseline\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>",
        num(left),
        num(WIDTH - right),
        num(baseline),
        num(baseline)
    );
    out.push_str("</g></svg>");
    out
}

/// Horizontal bars, one per category, each under its own label so long names
/// keep the full width on a phone: for ranked lists such as top components.
pub(crate) fn bars(chart: &Chart) -> String {
    let (label_height, bar_height, gap) = (18.0, 16.0, 12.0);
    let row = label_height + bar_height + gap;
    let value_room = 34.0;
    let height = (row * chart.categories.len() as f64 - gap).max(row - gap) + 2.0;
    let max = chart.max_total().max(1);
    let plot_width = WIDTH - value_room;
    let x = |value: u64| plot_width * value as f64 / max as f64;

    let mut out = String::new();
    chart.open_svg(&mut out, height, "bars");
    out.push_str("<g class=\"axis\" aria-hidden=\"true\">");
    for (i, category) in chart.categories.iter().enumerate() {
        let top = row * i as f64;
        let _ = write!(
            out,
            "<text class=\"label\" x=\"0\" y=\"{}\">{}</text>",
            num(top + LABEL_SIZE),
            escape_html(&shorten(&category.label, MAX_LABEL_CHARS))
        );
    }
    out.push_str("</g>");
    for s in 0..chart.series.len() {
        chart.open_series(&mut out, s);
        for (i, category) in chart.categories.iter().enumerate() {
            let value = category.values.get(s).copied().unwrap_or(0);
            if value == 0 {
                continue;
            }
            let before: u64 = category.values.iter().take(s).sum();
            let (x0, x1) = (x(before), x(before + value));
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" data-value=\"{value}\"><title>{}</title></rect>",
                num(x0),
                num(row * i as f64 + label_height),
                num(x1 - x0),
                num(bar_height),
                escape_html(&chart.segment_title(category, s, value)),
            );
        }
        out.push_str("</g>");
    }
    out.push_str("<g class=\"values\" aria-hidden=\"true\">");
    for (i, category) in chart.categories.iter().enumerate() {
        let total = category.total();
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{}\" y=\"{}\">{total}</text>",
            num(x(total) + 6.0),
            num(row * i as f64 + label_height + bar_height - 3.0),
        );
    }
    out.push_str("</g></svg>");
    out
}

/// One row of a distribution chart: the median and the 90th percentile of a group.
#[derive(Debug, Clone)]
pub(crate) struct Spread {
    /// Label on the axis, such as a severity.
    pub label: String,
    /// A CSS colour for the `--sev` custom property, when the group has one.
    pub color: Option<String>,
    /// The median.
    pub median: i64,
    /// The 90th percentile.
    pub p90: i64,
    /// What the value text and the tooltips say, such as `median 2 h · 90% 5 h`.
    pub text: String,
}

/// Horizontal spreads, one per row: a pale bar to the 90th percentile with the
/// part up to the median solid, for durations whose mean would mislead. Rows with
/// no values are left out by the caller; `chart` gives the id, title and
/// description (its series and categories are not read).
pub(crate) fn spreads(chart: &Chart, rows: &[Spread]) -> String {
    // Each row: its label, the bar, then the figures on a line of their own, so
    // that neither is cut short on a narrow screen.
    let (label_height, bar_height, text_height, gap) = (18.0, 16.0, 18.0, 12.0);
    let row = label_height + bar_height + text_height + gap;
    let height = (row * rows.len() as f64 - gap).max(row - gap) + 2.0;
    let max = rows.iter().map(|r| r.p90).max().unwrap_or(0).max(1);
    let x = |value: i64| (WIDTH * value.max(0) as f64 / max as f64).max(1.0);

    let mut out = String::new();
    chart.open_svg(&mut out, height, "spreads");
    for (i, r) in rows.iter().enumerate() {
        let top = row * i as f64;
        let _ = write!(
            out,
            "<g class=\"spread\" data-series=\"{}\"",
            escape_html(&crate::slug::slugify(&r.label))
        );
        if let Some(color) = &r.color {
            let _ = write!(out, " style=\"--sev: {}\"", escape_html(color));
        }
        let title = escape_html(&format!("{}: {}", r.label, r.text));
        let _ = write!(
            out,
            "><text class=\"label\" x=\"0\" y=\"{}\" aria-hidden=\"true\">{}</text>\
             <rect class=\"bar bar-p90\" x=\"0\" y=\"{y}\" width=\"{}\" height=\"{h}\" data-value=\"{}\"><title>{title}</title></rect>\
             <rect class=\"bar bar-median\" x=\"0\" y=\"{y}\" width=\"{}\" height=\"{h}\" data-value=\"{}\"><title>{title}</title></rect>\
             <text class=\"value\" x=\"0\" y=\"{}\" aria-hidden=\"true\">{}</text></g>",
            num(top + LABEL_SIZE),
            escape_html(&shorten(&r.label, MAX_LABEL_CHARS)),
            num(x(r.p90)),
            r.p90,
            num(x(r.median)),
            r.median,
            num(top + label_height + bar_height + LABEL_SIZE + 1.0),
            escape_html(&r.text),
            y = num(top + label_height),
            h = num(bar_height),
        );
    }
    out.push_str("</svg>");
    out
}

/// A value axis from zero with at most five round steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scale {
    step: u64,
    top: u64,
}

impl Scale {
    fn new(max: u64) -> Scale {
        let max = max.max(1);
        let mut magnitude = 1u64;
        loop {
            for factor in [1, 2, 5] {
                let step = factor * magnitude;
                if max.div_ceil(step) <= 5 {
                    return Scale {
                        step,
                        top: max.div_ceil(step) * step,
                    };
                }
            }
            magnitude = magnitude.saturating_mul(10);
        }
    }

    fn ticks(self) -> impl Iterator<Item = u64> {
        (0..=self.top / self.step).map(move |i| i * self.step)
    }
}

/// A coordinate with at most one decimal, never `-0`.
fn num(value: f64) -> String {
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// Text cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stacked() -> Chart {
        Chart {
            id: "years".into(),
            title: "Incidents per year".into(),
            description: "Seven incidents <in> two years.".into(),
            series: vec![
                Series {
                    label: "🤬 Production".into(),
                    color: Some("#c0392b".into()),
                    key: "production".into(),
                },
                Series {
                    label: "🤷 Minor".into(),
                    color: Some("#7f8c8d".into()),
                    key: "minor".into(),
                },
            ],
            categories: vec![
                Category {
                    label: "2022".into(),
                    values: vec![1, 2],
                },
                Category {
                    label: "2023".into(),
                    values: vec![4, 0],
                },
            ],
            unit: ("incident".into(), "incidents".into()),
        }
    }

    fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).expect("the chart is well-formed XML")
    }

    fn attr(node: roxmltree::Node<'_, '_>, name: &str) -> f64 {
        node.attribute(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .parse()
            .expect("a number")
    }

    fn bars_of<'a>(doc: &'a roxmltree::Document<'a>, series: &str) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.attribute("data-series") == Some(series))
            .flat_map(|g| g.children().filter(|c| c.has_tag_name("rect")))
            .collect()
    }

    #[test]
    fn columns_are_named_and_described() {
        let svg = columns(&stacked());
        let doc = parse(&svg);
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(root.attribute("aria-labelledby"), Some("years-title"));
        assert_eq!(root.attribute("aria-describedby"), Some("years-desc"));
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .expect("title");
        assert_eq!(title.attribute("id"), Some("years-title"));
        assert_eq!(title.text(), Some("Incidents per year"));
        let desc = doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .expect("desc");
        assert_eq!(desc.text(), Some("Seven incidents <in> two years."));
        assert!(svg.contains("&lt;in&gt;"), "text is escaped");
    }

    #[test]
    fn columns_stack_in_proportion() {
        let doc_text = columns(&stacked());
        let doc = parse(&doc_text);
        let production = bars_of(&doc, "production");
        let minor = bars_of(&doc, "minor");
        // A zero value draws nothing.
        assert_eq!(production.len(), 2);
        assert_eq!(minor.len(), 1);
        // 4 is the tallest total; the scale tops out at 4 (steps of 1).
        let unit = attr(production[1], "height") / 4.0;
        assert!((attr(production[0], "height") - unit).abs() < 0.11);
        assert!((attr(minor[0], "height") - 2.0 * unit).abs() < 0.11);
        // The minor segment sits right on top of the production one.
        let gap = attr(production[0], "y") - (attr(minor[0], "y") + attr(minor[0], "height"));
        assert!(gap.abs() < 0.11, "segments touch: {gap}");
        let g = doc
            .descendants()
            .find(|n| n.attribute("data-series") == Some("production"))
            .expect("group");
        assert_eq!(g.attribute("style"), Some("--sev: #c0392b"));
        let tooltip = production[0].first_child().and_then(|t| t.text());
        assert_eq!(tooltip, Some("2022, 🤬 Production: 1 incident"));
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("label"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(labels, ["2022", "2023"]);
        let values: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("value"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(values, ["3", "4"]);
    }

    #[test]
    fn crowded_labels_are_thinned() {
        let mut chart = stacked();
        chart.categories = (2000..2030)
            .map(|year| Category {
                label: year.to_string(),
                values: vec![1, 0],
            })
            .collect();
        let svg = columns(&chart);
        let doc = parse(&svg);
        let labels = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("label"))
            .count();
        assert!((2..30).contains(&labels), "{labels} labels");
        assert_eq!(bars_of(&doc, "production").len(), 30);
    }

    #[test]
    fn bars_are_as_long_as_their_totals() {
        let chart = Chart {
            id: "themes".into(),
            title: "Lessons per theme".into(),
            description: "".into(),
            series: vec![Series {
                label: "Lessons".into(),
                color: None,
                key: "lessons".into(),
            }],
            categories: vec![
                Category {
                    label: "Monitoring & alerting".into(),
                    values: vec![8],
                },
                Category {
                    label: "Testing".into(),
                    values: vec![2],
                },
            ],
            unit: ("lesson".into(), "lessons".into()),
        };
        let svg = bars(&chart);
        let doc = parse(&svg);
        let rects = bars_of(&doc, "lessons");
        assert_eq!(rects.len(), 2);
        let (long, short) = (attr(rects[0], "width"), attr(rects[1], "width"));
        assert!((long / short - 4.0).abs() < 0.01, "{long} / {short}");
        assert!(long <= WIDTH);
        assert!(attr(rects[1], "y") > attr(rects[0], "y"));
        let g = doc
            .descendants()
            .find(|n| n.attribute("data-series") == Some("lessons"))
            .expect("group");
        assert_eq!(g.attribute("style"), None);
        let labels: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("label"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(labels, ["Monitoring & alerting", "Testing"]);
        assert!(svg.contains("Monitoring &amp; alerting"));
        let tooltip = rects[1].first_child().and_then(|t| t.text());
        assert_eq!(tooltip, Some("Testing: 2 lessons"));
    }

    #[test]
    fn empty_charts_are_still_valid() {
        let mut chart = stacked();
        chart.categories.clear();
        parse(&columns(&chart));
        parse(&bars(&chart));
    }

    #[test]
    fn scales_use_round_steps() {
        assert_eq!(Scale::new(0), Scale { step: 1, top: 1 });
        assert_eq!(Scale::new(4), Scale { step: 1, top: 4 });
        assert_eq!(Scale::new(7), Scale { step: 2, top: 8 });
        assert_eq!(Scale::new(23), Scale { step: 5, top: 25 });
        assert_eq!(Scale::new(180), Scale { step: 50, top: 200 });
        assert_eq!(Scale::new(7).ticks().collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
    }

    #[test]
    fn numbers_are_printed_the_same_way() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.2");
        assert_eq!(num(1.0 / 3.0), "0.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(escape_html("a\"b'<&>"), "a&quot;b&#39;&lt;&amp;&gt;");
    }
}
