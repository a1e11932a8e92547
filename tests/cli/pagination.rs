//! Long lists (docs/reference.md, "Long lists"): a severity, component, tag,
//! organization or theme page over `paginate_by` items goes on at `page/2/`...,
//! the lessons and factors indexes show the newest of such a theme, and every
//! page links the others; read back from a site built under a sub-path.

use crate::support::{Output_, Site, attrs, incident, texts};

/// Twelve incidents that share a component, a tag, a severity, an organization and
/// a theme, one a day, each with a monitoring lesson and a factor; `config` is
/// added to the config.
fn twelve(config: &str) -> Site {
    twelve_with(config, |n| {
        format!(
            "components: [etcd]\ntags: [quorum]\norganization: Acme\nstarted: 2024-03-{n:02}T10:00:00Z\nresolved: 2024-03-{n:02}T{:02}:00:00Z\nlessons: [Alert on quorum loss number {n}.]\ncontributing_factors: [\"No alert fired, time {n}.\"]\n",
            10 + n
        )
    })
}

/// Twelve minor incidents, `Incident 01` on 2024-03-01 to `Incident 12`, with
/// `extra(n)` in the front-matter of the n-th; `config` is added to the config.
fn twelve_with(config: &str, extra: impl Fn(u32) -> String) -> Site {
    let site = Site::new();
    site.write("debrief.toml", &format!("title = \"Long lists\"\n{config}"));
    for n in 1..=12 {
        site.write(
            &format!("content/incident-{n:02}.md"),
            &incident(
                &format!("Incident {n:02}"),
                &format!("2024-03-{n:02}"),
                "minor",
                &extra(n),
            ),
        );
    }
    site
}

/// The titles of the incidents a list page shows, in order.
fn listed(out: &Output_, rel: &str) -> Vec<String> {
    texts(&out.html(rel), ".incident-list .card-title a")
}

#[test]
fn term_pages_go_on_at_page_two_and_link_every_page() {
    let site = twelve("paginate_by = 5\n");
    let out = site.build_under("https://example.com/lib/", &[]);
    let newest: Vec<String> = (1..=12).rev().map(|n| format!("Incident {n:02}")).collect();
    for list in [
        "components/etcd/",
        "tags/quorum/",
        "organizations/acme/",
        "severity/minor/",
    ] {
        let pages: Vec<Vec<String>> = ["", "page/2/", "page/3/"]
            .iter()
            .map(|p| listed(&out, &format!("{list}{p}index.html")))
            .collect();
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            [5, 5, 2],
            "{list}"
        );
        assert_eq!(
            pages.concat(),
            newest,
            "{list}: every incident once, newest first"
        );
        assert!(
            !out.dir.join(format!("{list}page/4")).exists(),
            "{list}: no empty page"
        );
        assert!(
            !out.dir.join(format!("{list}page/1")).exists(),
            "{list}: page 1 is the list's own URL"
        );
        // Page 2 links the pages before and after it and every page by number.
        let second = out.html(&format!("{list}page/2/index.html"));
        let base = format!("/lib/{list}");
        assert_eq!(
            attrs(&second, "nav.pagination a[rel=prev]", "href")[0],
            base
        );
        assert_eq!(
            attrs(&second, "nav.pagination a[rel=next]", "href")[0],
            format!("{base}page/3/")
        );
        assert_eq!(
            attrs(&second, "nav.pagination a[aria-current=page]", "href")[0],
            format!("{base}page/2/")
        );
        let status = texts(&second, ".pagination-status");
        assert_eq!(status[0], "6–10 of 12, page 2 of 3", "{list}");
        let title = texts(&second, "title");
        assert!(title[0].contains("page 2"), "{list}: {title:?}");
        let first = out.html(&format!("{list}index.html"));
        assert!(attrs(&first, "nav.pagination a[rel=prev]", "href").is_empty());
    }
    // The component's counts are the whole list's; its lessons are the page's.
    let etcd = out.html("components/etcd/index.html");
    let meta = texts(&etcd, "dl.meta dd");
    assert!(meta.contains(&"12".to_string()), "{meta:?}");
    assert_eq!(texts(&etcd, ".lesson-group").len(), 5);
    // The pages are in the sitemap and every link and anchor works.
    let sitemap = out.read("sitemap.xml");
    assert!(sitemap.contains("https://example.com/lib/components/etcd/page/3/"));
    assert!(sitemap.contains("https://example.com/lib/lessons/monitoring/page/2/"));
    assert_eq!(out.dead_links(), Vec::<String>::new());
    // The export is not paginated.
    assert_eq!(out.export()["incidents"].as_array().map(Vec::len), Some(12));
}

#[test]
fn a_long_theme_is_paginated_and_the_indexes_show_its_newest() {
    let site = twelve("paginate_by = 5\n");
    let out = site.build(&[]);
    let lessons = |rel: &str| texts(&out.html(rel), ".theme-lessons .lesson-text");
    let factors = |rel: &str| texts(&out.html(rel), ".theme-factors .lesson-text");
    assert_eq!(lessons("lessons/monitoring/index.html").len(), 5);
    assert_eq!(lessons("lessons/monitoring/page/3/index.html").len(), 2);
    assert_eq!(factors("lessons/monitoring/page/3/index.html").len(), 2);
    assert_eq!(
        lessons("lessons/monitoring/page/3/index.html")[1],
        "Alert on quorum loss number 1."
    );
    // The count in the heading stays the theme's.
    let page = out.html("lessons/monitoring/page/2/index.html");
    assert_eq!(texts(&page, "#theme-lessons-title .count"), ["12"]);
    // The indexes show the ten newest and link the theme's page for the rest.
    for (index, selector, more) in [
        (
            "lessons/index.html",
            "#monitoring .lesson-text",
            "All 12 lessons about Monitoring and alerting",
        ),
        (
            "factors/index.html",
            "#monitoring .lesson-text",
            "All 12 contributing factors about Monitoring and alerting",
        ),
    ] {
        let doc = out.html(index);
        let shown = texts(&doc, selector);
        assert_eq!(shown.len(), 10, "{index}");
        assert!(
            shown[0].ends_with("12."),
            "{index}: newest first: {shown:?}"
        );
        assert_eq!(texts(&doc, "#monitoring p.more a"), [more], "{index}");
        assert_eq!(
            attrs(&doc, "#monitoring p.more a", "href"),
            ["/lessons/monitoring/"]
        );
    }
    // The stats table of times to resolve keeps the five longest.
    let stats = out.html("stats/index.html");
    let rows = texts(&stats, "#resolve details:last-of-type tbody th a");
    assert_eq!(
        rows,
        [
            "Incident 12",
            "Incident 11",
            "Incident 10",
            "Incident 09",
            "Incident 08"
        ]
    );
    assert_eq!(
        texts(&stats, "#resolve details:last-of-type summary"),
        ["The 5 longest of 12 incidents"]
    );
}

#[test]
fn short_lists_and_paginate_by_zero_keep_one_page() {
    for config in ["", "paginate_by = 0\n"] {
        let site = twelve(config);
        let out = site.build(&[]);
        assert_eq!(listed(&out, "components/etcd/index.html").len(), 12);
        assert!(!out.dir.join("components/etcd/page").exists());
        let doc = out.html("components/etcd/index.html");
        assert!(attrs(&doc, "nav.pagination a", "href").is_empty());
        let lessons = out.html("lessons/index.html");
        assert_eq!(texts(&lessons, "#monitoring .lesson-text").len(), 12);
        assert!(texts(&lessons, "p.more").is_empty());
    }
}

#[test]
fn paginate_by_must_be_a_whole_number() {
    let site = twelve("paginate_by = -3\n");
    let stderr = site.run(&["check"]).expect_code(1).stderr.clone();
    assert!(stderr.contains("debrief.toml:2:15:"), "{stderr}");
    assert!(stderr.contains("expected u32"), "{stderr}");
}

/// Twelve incidents with two action items each: one open with a due day, one done.
fn with_actions(config: &str) -> Site {
    twelve_with(config, |n| {
        format!(
            "action_items:\n  - text: Open item {n:02}\n    owner: sre\n    due: 2024-05-{n:02}\n  - text: Done item {n:02}\n    owner: sre\n    status: done\n    done_on: 2024-04-{n:02}\n"
        )
    })
}

#[test]
fn action_items_go_on_at_page_two_with_their_counts_kept() {
    let site = with_actions("paginate_by = 5\n");
    let out = site.build_under("https://example.com/lib/", &[]);
    let pages: Vec<Vec<String>> = ["", "page/2/", "page/3/", "page/4/", "page/5/"]
        .iter()
        .map(|p| {
            texts(
                &out.html(&format!("actions/{p}index.html")),
                "ol.action-list > li.action-item .action-text",
            )
        })
        .collect();
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        [5, 5, 5, 5, 4]
    );
    // Open items first, nearest due day first, then the done ones: each once.
    let mut expected: Vec<String> = (1..=12).map(|n| format!("Open item {n:02}")).collect();
    let done = texts(&out.html("actions/page/3/index.html"), ".action-text");
    assert_eq!(&pages.concat()[..12], &expected[..]);
    expected.extend((1..=12).rev().map(|n| format!("Done item {n:02}")));
    let mut all = pages.concat();
    all.sort();
    expected.sort();
    assert_eq!(all, expected);
    assert!(done.iter().any(|t| t.starts_with("Done item")));
    assert!(!out.dir.join("actions/page/6").exists());

    // Every page counts the whole list by status and links where each begins.
    for p in ["", "page/2/", "page/5/"] {
        let doc = out.html(&format!("actions/{p}index.html"));
        assert_eq!(
            texts(&doc, ".status-summary li .count")[..2],
            ["12".to_string(), "0".to_string()],
            "{p}"
        );
        let links = attrs(&doc, ".status-summary li a", "href");
        assert_eq!(links[0], "/lib/actions/#status-open", "{p}");
        assert_eq!(links[1], "/lib/actions/page/3/#status-done", "{p}");
        assert_eq!(
            texts(&doc, "title")[0].contains("page"),
            !p.is_empty(),
            "{p}"
        );
    }
    // Page 3 holds the last open items and the first done ones, each under its status.
    let third = out.html("actions/page/3/index.html");
    assert_eq!(
        attrs(&third, "section.action-group", "id"),
        ["status-open", "status-done"]
    );
    assert!(out.dead_links().is_empty(), "{:?}", out.dead_links());
    let sitemap = out.read("sitemap.xml");
    assert!(sitemap.contains("https://example.com/lib/actions/page/5/"));
}

#[test]
fn page_links_name_the_first_the_last_and_the_nearest_pages() {
    let site = with_actions("paginate_by = 1\n");
    let out = site.build(&[]);
    let numbers = |rel: &str| {
        texts(&out.html(rel), "nav.pagination li")
            .into_iter()
            .map(|t| t.replace("Page ", ""))
            .collect::<Vec<_>>()
    };
    // 24 pages: page 12 links 1, 9-15 and 24, with a gap on each side.
    let twelfth = numbers("actions/page/12/index.html");
    assert_eq!(
        twelfth,
        [
            "Previous page",
            "1",
            "…",
            "9",
            "10",
            "11",
            "12",
            "13",
            "14",
            "15",
            "…",
            "24",
            "Next page"
        ]
    );
    let first = numbers("actions/index.html");
    assert_eq!(first, ["1", "2", "3", "4", "…", "24", "Next page"]);
    assert!(out.dead_links().is_empty(), "{:?}", out.dead_links());
}
