//! The component, lessons, actions and stats pages (SPEC §5), read back from a
//! built fixture: `tests/fixtures/pages/` has five incidents over three years,
//! three configured severities, components with and without a category, and
//! action items of every status with past, future and missing due dates.

use std::collections::BTreeMap;

use scraper::{ElementRef, Html, Selector};

use crate::support::{Output_, Site, attrs, texts};

fn fixture() -> (Site, Output_) {
    let site = Site::fixture("pages");
    let out = site.build(&[]);
    (site, out)
}

fn select<'a>(doc: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    doc.select(&sel).collect()
}

fn inner_texts(element: ElementRef<'_>, selector: &str) -> Vec<String> {
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    element
        .select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn a_component_page_breaks_its_incidents_down_by_severity() {
    let (_site, out) = fixture();
    let doc = out.html("components/payments-api/index.html");
    let rows: Vec<(String, String)> = select(&doc, ".sev-row")
        .into_iter()
        .map(|row| {
            (
                row.value().attr("data-severity").unwrap_or("").to_string(),
                inner_texts(row, ".sev-row-count").join(""),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("sev1".to_string(), "2 incidents".to_string()),
            ("sev2".to_string(), "1 incident".to_string()),
            ("sev3".to_string(), "0 incidents".to_string()),
        ]
    );
    // Each count carries a badge with emoji and label, not colour alone.
    assert_eq!(
        texts(&doc, ".sev-row .badge"),
        ["🔥 Critical", "⚠️ Major", "🐢 Minor"]
    );
    assert_eq!(
        attrs(&doc, ".sev-row .badge", "style"),
        ["--sev: #b00020", "--sev: #d97706", "--sev: #2563eb"]
    );
    // The meter has a segment per severity present, sized by its count.
    let meter = attrs(&doc, ".sev-meter > span", "style");
    assert_eq!(
        meter,
        [
            "--sev: #b00020; flex-grow: 2",
            "--sev: #d97706; flex-grow: 1"
        ]
    );
    assert_eq!(
        texts(&doc, ".incident-list .card-title"),
        [
            "An expired certificate takes the site down",
            "Cache stampede after a deploy",
            "Database failover stalls payments",
        ]
    );
}

#[test]
fn a_component_page_gathers_the_lessons_of_its_incidents() {
    let (_site, out) = fixture();
    let doc = out.html("components/payments-api/index.html");
    let groups = select(&doc, ".lesson-group");
    let seen: Vec<(String, String, Vec<String>)> = groups
        .into_iter()
        .map(|g| {
            (
                inner_texts(g, ".lesson-group-source > a:not(.badge)").join(""),
                inner_texts(g, ".lesson-group-source .badge").join(""),
                inner_texts(g, ".lesson-text"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "An expired certificate takes the site down".to_string(),
                "🔥 Critical".to_string(),
                vec![
                    "Track certificate expiry with alerts.".to_string(),
                    "Train every on-call engineer on certificate renewal.".to_string(),
                ],
            ),
            (
                "Cache stampede after a deploy".to_string(),
                "⚠️ Major".to_string(),
                vec!["Add jitter to cache expiry.".to_string()],
            ),
            (
                "Database failover stalls payments".to_string(),
                "🔥 Critical".to_string(),
                vec![
                    "Alert on replication lag.".to_string(),
                    "Rehearse failovers every quarter.".to_string(),
                ],
            ),
        ]
    );
    // Lessons link to their themes; an incident without lessons has no group.
    assert!(
        attrs(&doc, ".lesson-group .theme-link", "href")
            .contains(&"/lessons/monitoring/".to_string())
    );
    let postgres = out.html("components/postgres/index.html");
    assert_eq!(
        attrs(&postgres, ".lesson-group", "data-incident"),
        ["db-failover"]
    );
    assert_eq!(
        texts(&postgres, ".meta dd").last().map(String::as_str),
        Some("2")
    );
}

#[test]
fn the_components_index_groups_components_by_category() {
    let (_site, out) = fixture();
    let doc = out.html("components/index.html");
    let groups: Vec<(String, String, Vec<String>)> = select(&doc, ".component-group")
        .into_iter()
        .map(|g| {
            (
                g.value().attr("id").unwrap_or("").to_string(),
                inner_texts(g, "h2").join(""),
                inner_texts(g, ".component-name > a"),
            )
        })
        .collect();
    let expected = [
        ("category-edge", "Edge 1 component", vec!["Nginx"]),
        ("category-messaging", "Messaging 1 component", vec!["Kafka"]),
        (
            "category-storage",
            "Storage 2 components",
            vec!["Postgres", "Redis"],
        ),
        (
            "uncategorised",
            "Uncategorised 2 components",
            vec!["Payments API", "Q&A <Bot>"],
        ),
    ];
    assert_eq!(groups.len(), expected.len(), "{groups:?}");
    for (got, want) in groups.iter().zip(expected) {
        assert_eq!(got.0, want.0);
        assert_eq!(got.1, want.1);
        assert_eq!(got.2, want.2);
    }
    // The category index links to every group.
    assert_eq!(
        attrs(&doc, ".category-index a", "href"),
        [
            "#category-edge",
            "#category-messaging",
            "#category-storage",
            "#uncategorised"
        ]
    );
    // Storage: Postgres (SEV1, SEV3) and Redis (SEV2) are three distinct incidents.
    let storage = select(&doc, "#category-storage")[0];
    assert_eq!(
        inner_texts(storage, ".group-summary").join(""),
        "3 incidents: 1 🔥 Critical 1 ⚠️ Major 1 🐢 Minor"
    );
    let postgres = select(&doc, "[data-component=postgres]")[0];
    assert_eq!(
        inner_texts(postgres, ".component-figures").join(""),
        "2 incidents · 2 lessons"
    );
    assert_eq!(
        inner_texts(postgres, ".breakdown li"),
        ["🔥 Critical 1", "🐢 Minor 1"]
    );
}

#[test]
fn the_lessons_index_counts_lessons_per_theme() {
    let (_site, out) = fixture();
    let doc = out.html("lessons/index.html");
    let counts: BTreeMap<String, String> = select(&doc, ".theme-index li")
        .into_iter()
        .map(|li| {
            (
                inner_texts(li, "a").join(""),
                inner_texts(li, ".count").join(""),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = [
        ("Monitoring", "3 lessons"),
        ("Testing", "1 lesson"),
        ("People", "2 lessons"),
        ("Other", "1 lesson"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(counts, expected);
    // Each lesson of a theme names its incident with a severity badge.
    let monitoring = select(&doc, "section#monitoring")[0];
    assert_eq!(
        inner_texts(monitoring, ".lesson-text"),
        [
            "Track certificate expiry with alerts.",
            "Page on consumer lag alerts.",
            "Alert on replication lag.",
        ]
    );
    assert_eq!(
        inner_texts(monitoring, ".lesson-source .badge"),
        ["🔥 Critical", "⚠️ Major", "🔥 Critical"]
    );
    assert_eq!(
        inner_texts(monitoring, ".lesson-source > a:not(.badge)"),
        [
            "An expired certificate takes the site down",
            "Kafka consumers fall two days behind",
            "Database failover stalls payments",
        ]
    );
    assert_eq!(
        texts(&doc, ".page-header .lede"),
        [
            "6 lessons learned from 4 incidents, grouped into 4 themes. A lesson can belong to several themes."
        ]
    );
    // A theme page: its lessons with incident and badge, the other themes of
    // each lesson, and the keywords that place lessons in it.
    let theme = out.html("lessons/monitoring/index.html");
    assert_eq!(texts(&theme, ".lesson-text").len(), 3);
    assert_eq!(
        texts(&theme, ".lesson .badge"),
        ["🔥 Critical", "⚠️ Major", "🔥 Critical"]
    );
    assert_eq!(texts(&theme, ".lesson-themes"), ["Also in: People"]);
    assert_eq!(
        texts(&theme, ".page-header .lede"),
        ["3 lessons from 3 incidents."]
    );
    assert_eq!(
        texts(&theme, ".page-header .breakdown li"),
        ["🔥 Critical 2", "⚠️ Major 1"]
    );
    assert_eq!(texts(&theme, ".theme-keywords q"), ["alert", "alerts"]);
}

#[test]
fn action_items_come_open_first_with_their_due_dates() {
    let (_site, out) = fixture();
    let doc = out.html("actions/index.html");
    let items: Vec<(String, String, String)> = select(&doc, ".action-item")
        .into_iter()
        .map(|li| {
            let v = li.value();
            (
                v.attr("data-status").unwrap_or("").to_string(),
                v.attr("data-due").unwrap_or("-").to_string(),
                inner_texts(li, ".action-text").join(""),
            )
        })
        .collect();
    let expected = [
        ("open", "2020-01-15", "Add a replication lag alert"),
        ("open", "2999-01-01", "Add jitter to every cache key"),
        ("open", "-", "Load test cold caches"),
        ("in-progress", "2021-05-01", "Add a consumer lag dashboard"),
        ("in-progress", "-", "Automate the failover drill"),
        ("done", "2020-01-01", "Write the failover runbook"),
        ("done", "-", "Renew certificates automatically"),
        ("wont-do", "-", "Move the consumers to their own nodes"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(items, expected);
    // Status pills, owners, due dates and incidents are all on the page.
    assert_eq!(texts(&doc, ".action-meta .status").len(), 8);
    assert_eq!(texts(&doc, ".action-meta .status")[3], "In progress");
    assert_eq!(texts(&doc, ".action-owner")[0], "Owner db-team");
    assert_eq!(texts(&doc, ".action-owner")[2], "Owner none");
    assert_eq!(
        attrs(&doc, ".action-due time", "datetime"),
        ["2020-01-15", "2999-01-01", "2021-05-01", "2020-01-01"]
    );
    assert_eq!(
        texts(&doc, ".action-incident > a:not(.badge)")[0],
        "Database failover stalls payments"
    );
    assert_eq!(texts(&doc, ".action-incident .badge")[0], "🔥 Critical");
    // Groups by status, each with its count.
    assert_eq!(
        texts(&doc, ".action-group > h2"),
        [
            "Open 3 items",
            "In progress 2 items",
            "Done 2 items",
            "Won't do 1 item"
        ]
    );
    // Overdue is judged in the browser: the build never says it.
    assert!(!out.read("actions/index.html").contains("is-overdue"));
    assert_eq!(attrs(&doc, "[data-overdue-summary]", "hidden"), [""]);
    let js = out.read("debrief.js");
    assert!(
        js.contains("[data-due][data-status]"),
        "the overdue marker ships"
    );
}

/// The `<svg class="chart ...">` elements of a page, as written, parsed as XML.
fn charts_in(html: &str) -> Vec<String> {
    html.match_indices("<svg class=\"chart")
        .map(|(start, _)| {
            let end = html[start..].find("</svg>").expect("a closed svg") + start + "</svg>".len();
            html[start..end].to_string()
        })
        .collect()
}

/// `data-value` of each bar, per category label order, for one series.
fn bar_values(doc: &roxmltree::Document<'_>, series: &str) -> Vec<u64> {
    doc.descendants()
        .filter(|n| n.attribute("data-series") == Some(series))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("rect")))
        .map(|r| {
            r.attribute("data-value")
                .and_then(|v| v.parse().ok())
                .expect("a value")
        })
        .collect()
}

fn svg_texts(doc: &roxmltree::Document<'_>, class: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_stats_page_draws_each_chart_with_a_title_a_description_and_a_table() {
    let (_site, out) = fixture();
    let html = out.read("stats/index.html");
    let doc = out.html("stats/index.html");
    let svgs = charts_in(&html);
    // No incident of the fixture records when it was detected or mitigated: those
    // two distributions have a card but no chart.
    assert_eq!(svgs.len(), 7);
    let parsed: Vec<roxmltree::Document<'_>> = svgs
        .iter()
        .map(|s| roxmltree::Document::parse(s).expect("each chart is well-formed XML"))
        .collect();

    // Names: <title> matches the visible heading, aria-describedby the <desc>,
    // and the <desc> the visible description.
    let card_ids = attrs(&doc, ".chart-card", "id");
    assert_eq!(
        card_ids,
        [
            "years",
            "components",
            "themes",
            "resolve",
            "time-to-detect",
            "time-to-mitigate",
            "time-to-resolve",
            "time-to-detect-by-source",
            "health",
            "action-ages",
        ]
    );
    let drawn = |id: &str| !select(&doc, &format!("#{id} svg.chart")).is_empty();
    let with_charts: Vec<&String> = card_ids.iter().filter(|id| drawn(id)).collect();
    let headings: Vec<String> = (with_charts.iter())
        .map(|id| texts(&doc, &format!("#{id} > h2")).concat())
        .collect();
    let descriptions: Vec<String> = (with_charts.iter())
        .map(|id| texts(&doc, &format!("#{id} > .chart-desc")).concat())
        .collect();
    assert_eq!(
        headings,
        [
            "Incidents per year, by severity",
            "Components with the most incidents",
            "Lessons per theme",
            "Time to resolve",
            "Time to resolve, by severity",
            "What the postmortems record",
            "Open action items by age",
        ]
    );
    assert_eq!(
        texts(&doc, "#time-to-detect .chart-desc"),
        ["No incident records its time to detect."]
    );
    for (i, svg) in parsed.iter().enumerate() {
        let root = svg.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let id = root.attribute("id").expect("an id");
        let title = svg
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .expect("a title");
        assert_eq!(title.attribute("id"), Some(format!("{id}-title").as_str()));
        assert_eq!(root.attribute("aria-labelledby"), title.attribute("id"));
        assert_eq!(title.text(), Some(headings[i].as_str()));
        let desc_id = root.attribute("aria-describedby").expect("described");
        let desc = svg
            .descendants()
            .find(|n| n.attribute("id") == Some(desc_id))
            .expect("the description exists");
        assert!(desc.has_tag_name("desc"));
        assert_eq!(desc.text(), Some(descriptions[i].as_str()));
        // Colour comes from CSS: no fill is written into the chart.
        assert!(!svgs[i].contains("fill="), "chart {id} writes a fill");
    }

    // Incidents per year, stacked by severity, agree with the data table.
    let years = &parsed[0];
    assert_eq!(svg_texts(years, "label"), ["2022", "2023", "2024"]);
    assert_eq!(svg_texts(years, "value"), ["2", "1", "2"]);
    assert_eq!(bar_values(years, "sev1"), [1, 1]);
    assert_eq!(bar_values(years, "sev2"), [1, 1]);
    assert_eq!(bar_values(years, "sev3"), [1]);
    let sev1 = years
        .descendants()
        .find(|n| n.attribute("data-series") == Some("sev1"))
        .expect("sev1");
    assert_eq!(sev1.attribute("style"), Some("--sev: #b00020"));
    let table = select(&doc, "#years table")[0];
    assert_eq!(
        inner_texts(table, "tbody tr"),
        ["2022 1 1 0 2", "2023 0 1 0 1", "2024 1 0 1 2"]
    );
    // Equal values draw equal heights; the scale tops out at the largest total.
    let heights: Vec<f64> = years
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .map(|r| r.attribute("height").unwrap().parse().unwrap())
        .collect();
    assert_eq!(heights.len(), 5);
    assert!(
        heights.iter().all(|h| (h - heights[0]).abs() < 0.11),
        "{heights:?}"
    );

    // Top components, escaped names included.
    let components = &parsed[1];
    assert_eq!(
        svg_texts(components, "label"),
        [
            "Payments API",
            "Postgres",
            "Kafka",
            "Nginx",
            "Q&A <Bot>",
            "Redis"
        ]
    );
    assert_eq!(
        svg_texts(components, "value"),
        ["3", "2", "1", "1", "1", "1"]
    );
    assert!(svgs[1].contains("Q&amp;A &lt;Bot&gt;"));
    assert_eq!(
        inner_texts(select(&doc, "#components table")[0], "tbody tr")[0],
        "Payments API 2 1 0 3"
    );

    // Lessons per theme, largest first.
    let themes = &parsed[2];
    assert_eq!(
        svg_texts(themes, "label"),
        ["Monitoring", "People", "Testing", "Other"]
    );
    assert_eq!(bar_values(themes, "lessons"), [3, 2, 1, 1]);
    assert_eq!(
        inner_texts(select(&doc, "#themes table")[0], "tbody tr"),
        ["Monitoring 3", "People 2", "Testing 1", "Other 1"]
    );

    // Time to resolve: 30 and 150 min (SEV1), 45 min and 2 days (SEV2).
    let resolve = &parsed[3];
    assert_eq!(
        svg_texts(resolve, "label"),
        [
            "Under 1 h",
            "1–4 h",
            "4–12 h",
            "12–24 h",
            "1–3 days",
            "Over 3 days"
        ]
    );
    assert_eq!(bar_values(resolve, "sev1"), [1, 1]);
    assert_eq!(bar_values(resolve, "sev2"), [1, 1]);
    assert_eq!(
        inner_texts(select(&doc, "#resolve table")[0], "tbody tr"),
        [
            "Under 1 h 1 1 0 2",
            "1–4 h 1 0 0 1",
            "4–12 h 0 0 0 0",
            "12–24 h 0 0 0 0",
            "1–3 days 0 1 0 1",
            "Over 3 days 0 0 0 0",
        ]
    );
    assert_eq!(
        texts(&doc, ".median-list li"),
        [
            "🔥 Critical median 1 h 30 min over 2 incidents",
            "⚠️ Major median 1 d 22 min over 2 incidents",
        ]
    );
    assert_eq!(
        texts(&doc, ".stat-tiles dd"),
        ["5", "6", "6", "5", "0 of 5 (0%)", "1 h 37 min"]
    );

    // Distributions: median and 90th percentile by severity, with the incidents
    // that lack a value counted, and no mean anywhere.
    assert_eq!(
        inner_texts(select(&doc, "#time-to-resolve table")[0], "tbody tr"),
        [
            "🔥 Critical 1 h 30 min 2 h 30 min 2 0",
            "⚠\u{fe0f} Major 1 d 22 min 2 d 2 0",
            "🐢 Minor – – 0 1",
        ]
    );
    for id in ["time-to-detect", "time-to-mitigate", "time-to-resolve"] {
        assert_eq!(
            texts(&doc, &format!("#{id} thead th")),
            [
                "Severity",
                "Median",
                "90th percentile",
                "Incidents",
                "Without a value"
            ],
            "{id} shows no mean"
        );
    }
    assert_eq!(
        inner_texts(select(&doc, "#time-to-detect table")[0], "tbody tr"),
        [
            "🔥 Critical – – 0 2",
            "⚠\u{fe0f} Major – – 0 2",
            "🐢 Minor – – 0 1",
        ]
    );
    assert_eq!(
        inner_texts(select(&doc, "#health table")[0], "tbody tr"),
        [
            "With a time to detect 0 0%",
            "With action items 4 80%",
            "With lessons 4 80%",
            "With contributing factors 0 0%",
            "Near misses 0 0%",
        ]
    );
    // Ages count to the newest incident's date, never to the day of the build.
    assert_eq!(
        texts(&doc, "#action-ages caption"),
        ["Open and in-progress action items by age, to 2024-02-14"]
    );
    // kafka-lag (2023-06-05) is 254 days old then; db-failover (2022-03-01) and
    // cache-stampede (2022-11-20) are over a year.
    assert_eq!(
        inner_texts(select(&doc, "#action-ages table")[0], "tbody tr"),
        [
            "Under 30 days 0 0 0",
            "30–90 days 0 0 0",
            "90 days to a year 0 1 1",
            "Over a year 3 1 4",
        ]
    );
}

#[test]
fn the_pages_link_correctly_and_build_byte_identically() {
    let (site, out) = fixture();
    assert_eq!(out.dead_links(), Vec::<String>::new());
    let again = site.path().join("again");
    site.run(&["build", "--output", again.to_str().expect("utf-8 path")])
        .expect_code(0);
    let second = Output_ {
        dir: again,
        base_path: "/".into(),
        stderr: String::new(),
    };
    assert_eq!(out.files(), second.files());
    for file in out.files() {
        assert!(
            std::fs::read(out.dir.join(&file)).ok() == std::fs::read(second.dir.join(&file)).ok(),
            "{file} differs between two builds"
        );
    }
}

#[test]
fn the_sample_library_has_every_chart() {
    let site = Site::sample();
    let out = site.build(&[]);
    let html = out.read("stats/index.html");
    let svgs = charts_in(&html);
    // The four counts, three distributions by severity, time to detect by how it
    // was noticed, the library's health and the ages of open action items.
    assert_eq!(svgs.len(), 10);
    for svg in &svgs {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        assert!(doc.descendants().any(|n| n.has_tag_name("rect")));
    }
    let doc = out.html("stats/index.html");
    assert_eq!(texts(&doc, ".chart-card table").len(), 11);
}

#[test]
fn a_site_without_config_lists_all_components_together() {
    let site = Site::new();
    site.write(
        "content/a.md",
        &crate::support::incident(
            "Disk full",
            "2024-01-02",
            "production",
            "components: [Disk, Logs]\n",
        ),
    );
    site.write(
        "content/b.md",
        &crate::support::incident("Log storm", "2023-05-06", "minor", "components: [Logs]\n"),
    );
    let out = site.build(&[]);
    let doc = out.html("components/index.html");
    assert_eq!(
        texts(&doc, ".component-group > h2"),
        ["All components 2 components"]
    );
    assert!(texts(&doc, ".category-index").is_empty());
    assert_eq!(
        texts(&doc, "[data-component=logs] .breakdown li"),
        ["🤬 Production 1", "🤷 Minor 1"]
    );
    // The charts take the default severities' colours and draw nothing for
    // what is missing: no lessons, no time to resolve.
    let stats = out.read("stats/index.html");
    let svgs = charts_in(&stats);
    // Years, components and the library's health; nothing for what is missing.
    assert_eq!(svgs.len(), 3, "years, components and health only");
    assert!(svgs[0].contains("data-series=\"production\" style=\"--sev: "));
    let doc = out.html("stats/index.html");
    assert_eq!(
        texts(&doc, "#resolve .chart-desc"),
        ["No incident records how long it took to resolve."]
    );
    assert_eq!(out.dead_links(), Vec::<String>::new());
}
