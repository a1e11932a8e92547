//! Learning across incidents (SPEC §10): repeats by the rule's edges, built from
//! files and read back from the export and the pages; contributing factors by
//! theme; the filters by how incidents were noticed and by near miss.

use serde_json::{Value, json};

use crate::support::{Site, attrs, incident, texts};

/// The slugs of the incidents an incident of the export repeats.
fn repeats_of(export: &Value, slug: &str) -> Vec<String> {
    let incidents = export["incidents"].as_array().expect("incidents");
    let found = incidents
        .iter()
        .find(|i| i["slug"] == slug)
        .unwrap_or_else(|| panic!("no incident {slug}"));
    found["repeats"]
        .as_array()
        .expect("repeats")
        .iter()
        .map(|r| r["incident"].as_str().expect("a slug").to_string())
        .collect()
}

/// A site whose incidents sit on the edges of a 30-day window.
fn edges() -> Site {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Edges\"\nrepeat_window_days = 30\n",
    );
    let write = |slug: &str, date: &str, extra: &str| {
        site.write(
            &format!("content/{slug}.md"),
            &incident(slug, date, "minor", extra),
        );
    };
    // `first` has a monitoring lesson and an item done nine days after it.
    write(
        "first",
        "2024-01-01",
        "components: [etcd]\nlessons: [Alert on quorum loss.]\naction_items:\n  - text: Page on quorum loss\n    owner: sre\n    status: done\n    done_on: 2024-01-10\n  - text: Rehearse a restore\n    owner: sre\n",
    );
    // Thirty days later, the window's last day: a repeat through a factor's theme.
    write(
        "last-day",
        "2024-01-31",
        "components: [ETCD]\ncontributing_factors: [No alert fired on the lost member.]\n",
    );
    // Thirty-one days after `first`, one after `last-day`.
    write(
        "past-window",
        "2024-02-01",
        "components: [etcd]\nlessons: [Alert earlier.]\n",
    );
    // The same day as `past-window`: not a repeat of it, but of `last-day`.
    write(
        "same-day",
        "2024-02-01",
        "components: [etcd]\nlessons:\n  - text: Dashboards for members.\n    themes: [monitoring]\n",
    );
    // A shared component, but only the theme `other`.
    write(
        "only-other",
        "2024-02-02",
        "components: [etcd]\nlessons: [Nothing in common here.]\ncontributing_factors: [A quiet week.]\n",
    );
    // A shared theme, but no shared component.
    write(
        "other-component",
        "2024-02-03",
        "components: [CoreDNS]\nlessons: [Alert on SERVFAIL.]\n",
    );
    // A shared component, but no shared theme.
    write(
        "other-theme",
        "2024-02-04",
        "components: [etcd]\nlessons: [Rotate the TLS certificates.]\n",
    );
    site
}

#[test]
fn repeats_follow_the_rule_at_its_edges() {
    let site = edges();
    let out = site.build(&[]);
    let export = out.export();
    assert_eq!(repeats_of(&export, "first"), Vec::<String>::new());
    assert_eq!(repeats_of(&export, "last-day"), ["first"]);
    assert_eq!(repeats_of(&export, "past-window"), ["last-day"]);
    assert_eq!(repeats_of(&export, "same-day"), ["last-day"]);
    assert_eq!(repeats_of(&export, "only-other"), Vec::<String>::new());
    assert_eq!(repeats_of(&export, "other-component"), Vec::<String>::new());
    assert_eq!(repeats_of(&export, "other-theme"), Vec::<String>::new());
    let last_day = export["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "last-day")
        .unwrap();
    assert_eq!(
        last_day["repeats"],
        json!([{"incident": "first", "components": ["etcd"], "themes": ["monitoring"]}])
    );

    // Both pages say so: the later one names what it repeats, the earlier one what
    // repeated it, with each of the earlier incident's action items at that date.
    let later = out.html("incidents/last-day/index.html");
    assert_eq!(
        texts(&later, "[aria-labelledby=debrief-repeats] h3"),
        ["This incident repeats", "Repeated later by"]
    );
    assert_eq!(
        attrs(
            &later,
            "[aria-labelledby=debrief-repeats] .repeat-ref a[href*=incidents]",
            "href"
        ),
        [
            "/incidents/first/",
            "/incidents/same-day/",
            "/incidents/past-window/"
        ]
    );
    let earlier = out.html("incidents/first/index.html");
    assert_eq!(
        texts(&earlier, "[aria-labelledby=debrief-repeats] h3"),
        ["Repeated later by"]
    );
    assert_eq!(
        texts(
            &earlier,
            "[aria-labelledby=debrief-repeats] .repeat-ref > span.muted"
        ),
        ["30 days later"]
    );
    assert_eq!(
        texts(
            &earlier,
            "[aria-labelledby=debrief-repeats] .repeat-actions li"
        ),
        [
            "Done 21 days before the repeat Page on quorum loss",
            "Not done (open) Rehearse a restore",
        ]
    );
    assert_eq!(
        texts(&earlier, ".repeat-shared a"),
        ["etcd", "Monitoring and alerting"]
    );

    // /actions/: days to done, and the done item a repeat followed.
    let actions = out.html("actions/index.html");
    assert_eq!(
        texts(&actions, "#done-then-repeated .action-text"),
        ["Page on quorum loss"]
    );
    assert_eq!(
        attrs(
            &actions,
            "#done-then-repeated .action-repeat a[href*=incidents]",
            "href"
        ),
        ["/incidents/last-day/"]
    );
    assert_eq!(
        texts(&actions, "#status-done .action-done"),
        ["Done 2024-01-10, 9 days after the incident"]
    );
    assert_eq!(out.dead_links(), Vec::<String>::new());
}

#[test]
fn a_wider_window_reaches_further_and_a_repeat_after_the_item_only_counts_once_done() {
    let site = edges();
    site.write("debrief.toml", "title = \"Edges\"\n");
    let out = site.build(&[]);
    let export = out.export();
    assert_eq!(repeats_of(&export, "past-window"), ["last-day", "first"]);
    // Nearest first on the earlier side too.
    let earlier = out.html("incidents/first/index.html");
    assert_eq!(
        attrs(
            &earlier,
            "[aria-labelledby=debrief-repeats] .repeat-ref a[href*=incidents]",
            "href"
        ),
        [
            "/incidents/last-day/",
            "/incidents/same-day/",
            "/incidents/past-window/"
        ]
    );
}

#[test]
fn factors_are_gathered_by_theme_beside_the_lessons() {
    let site = edges();
    let out = site.build(&[]);
    let factors = out.html("factors/index.html");
    assert_eq!(
        texts(&factors, ".theme-section h2 a"),
        ["Monitoring and alerting", "Other"]
    );
    assert_eq!(
        texts(&factors, "#monitoring .lesson-text"),
        ["No alert fired on the lost member."]
    );
    assert_eq!(
        attrs(
            &factors,
            "#monitoring .lesson-source a[href*=incidents]",
            "href"
        ),
        ["/incidents/last-day/"]
    );
    let theme = out.html("lessons/monitoring/index.html");
    assert_eq!(
        texts(&theme, ".theme-factors .lesson-text"),
        ["No alert fired on the lost member."]
    );
    assert_eq!(texts(&theme, ".theme-lessons .lesson-text").len(), 4);
    let page = out.html("incidents/last-day/index.html");
    assert_eq!(
        texts(&page, "#debrief-factors ~ ul .lesson-text"),
        ["No alert fired on the lost member."]
    );
}

#[test]
fn the_index_filters_by_how_incidents_were_noticed_and_by_near_miss() {
    let site = Site::new();
    for (slug, extra) in [
        ("paged", "detected_by: Alert\n"),
        ("told", "detected_by: customer\nnear_miss: true\n"),
        ("odd", "detected_by: A chat message\n"),
        ("quiet", ""),
    ] {
        site.write(
            &format!("content/{slug}.md"),
            &incident(
                slug,
                "2024-01-01",
                "minor",
                &format!("components: [db]\nlessons: [x]\n{extra}"),
            ),
        );
    }
    let out = site.build(&[]);
    let index = out.html("incidents/index.html");
    assert_eq!(
        attrs(&index, "[data-facet=detected_by]", "data-value"),
        ["alert", "customer", "a-chat-message"]
    );
    assert_eq!(
        texts(&index, "[data-facet=detected_by] .facet-label"),
        ["Alert", "Customer", "A chat message"]
    );
    assert_eq!(
        attrs(&index, "[data-facet=near_miss]", "data-value"),
        ["yes"]
    );
    assert_eq!(attrs(&index, "[data-near-miss]", "data-near-miss"), ["yes"]);
    assert_eq!(
        attrs(
            &index,
            ".incident-item[data-detected-by]",
            "data-detected-by"
        ),
        ["a-chat-message", "alert", "customer"]
    );
    let js = out.read("debrief.js");
    assert!(js.contains("\"detected_by\", \"near_miss\""));
    let told = out.html("incidents/told/index.html");
    assert_eq!(
        texts(&told, ".incident-byline .pill-near-miss"),
        ["Near miss"]
    );
    assert_eq!(
        attrs(&told, ".meta a[href*=detected_by]", "href"),
        ["/incidents/?detected_by=customer"]
    );
    let export = out.export();
    let detected: Vec<&Value> = (export["incidents"].as_array().unwrap().iter())
        .map(|i| &i["detected_by"])
        .collect();
    assert_eq!(
        detected,
        [
            &json!("A chat message"),
            &json!("alert"),
            &json!(null),
            &json!("customer")
        ]
    );
}

#[test]
fn many_repeats_list_the_nearest_and_count_the_rest() {
    let site = Site::new();
    // Sixteen incidents a day apart on one component and theme: each repeats every
    // earlier one. The oldest has an item done after the tenth later incident.
    for n in 0..16 {
        let actions = if n == 0 {
            "action_items:\n  - text: Fix it for good\n    owner: sre\n    status: done\n    done_on: 2024-01-13\n"
        } else {
            ""
        };
        site.write(
            &format!("content/i{n:02}.md"),
            &incident(
                &format!("i{n:02}"),
                &format!("2024-01-{:02}", n + 1),
                "minor",
                &format!("components: [etcd]\nlessons: [Alert on quorum loss.]\n{actions}"),
            ),
        );
    }
    let out = site.build(&[]);
    let export = out.export();
    let newest = &export["incidents"][0];
    assert_eq!(newest["slug"], "i15");
    assert_eq!(newest["repeat_count"], 15);
    assert_eq!(
        repeats_of(&export, "i15"),
        (10..15)
            .rev()
            .map(|n| format!("i{n:02}"))
            .collect::<Vec<_>>()
    );
    let oldest = out.html("incidents/i00/index.html");
    assert_eq!(
        texts(
            &oldest,
            "[aria-labelledby=debrief-repeats] .repeat-list > li"
        )
        .len(),
        5
    );
    assert_eq!(
        texts(&oldest, "[aria-labelledby=debrief-repeats] > p.muted"),
        [
            "Incidents within 365 days of each other that share a component and a theme of their lessons or contributing factors.",
            "The 5 nearest of 15 later incidents that repeat it.",
        ]
    );
    // Done on the 13th: the first later repeat after it is i13 (the 14th), beyond
    // the five listed on the page, and /actions/ still names it.
    let actions = out.html("actions/index.html");
    assert_eq!(
        attrs(
            &actions,
            "#done-then-repeated .action-repeat a[href*=incidents]",
            "href"
        ),
        ["/incidents/i13/"]
    );
}
