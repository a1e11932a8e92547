//! `debrief build`: the site folder (SPEC §1), front-matter (§2), config (§3),
//! lessons (§4) and the built site (§5).

use std::fs;

use crate::support::{Site, attrs, incident, texts};

fn spec_site() -> Site {
    let site = Site::new();
    site.write(
        "debrief.toml",
        r##"title = "Ops Library"
base_url = "https://example.com/sub/path/"
timezone = "Europe/Berlin"
default_visibility = "public"

[[severities]]
key = "SEV1"
label = "Critical"
emoji = "🔥"
color = "#b00020"
[[severities]]
key = "SEV2"
label = "Major"
[[severities]]
key = "SEV3"
label = "Minor"
[[severities]]
key = "SEV4"
label = "Trivial"

[[components]]
name = "Kubernetes"
aliases = ["k8s", "kube"]
category = "orchestration"

[[lesson_themes]]
key = "monitoring"
label = "Monitoring"
keywords = ["alert", "alerts", "on-call"]
[[lesson_themes]]
key = "people"
label = "People"
keywords = ["training"]
"##,
    );
    site.write(
        "content/2023/dns.md",
        r#"---
title: "DNS <b>melts</b> down"
date: 2023-05-02
severity: sev1
organization: Acme
components: [k8s, CoreDNS]
tags: [dns, Networking]
started: "2023-05-02 10:00"
detected: 2023-05-02T08:20:00Z
resolved: 2023-05-02T11:53:00Z
lessons:
  - Alert on SERVFAIL rates.
  - text: Practise failovers.
    themes: [people]
  - Nothing matches this one.
action_items:
  - text: Add a DNS dashboard
    owner: sre
    status: in-progress
timeline:
  - at: "10:05"
    text: Pages fire.
---
## Root cause

See [the upgrade](../2022/upgrade.md#what-broke) and [the page](../pages/about.md).
Also [a draft](draft.md) and [an internal one](internal.md).
"#,
    );
    site.write(
        "content/2022/upgrade.md",
        "+++\ntitle = \"Upgrade breaks kube\"\ndate = 2022-11-20\nseverity = \"SEV2\"\ncomponents = [\"Kube\", \"coredns\"]\ntags = [\"networking\"]\nduration = \"1h30m\"\nlessons = [\"Train the on-call rota.\"]\n+++\n## What broke\n\nThe upgrade.\n",
    );
    site.write_bytes(
        "content/2021/集群故障.md",
        "\u{feff}---\r\ntitle: 集群故障\r\ndate: 2021-03-04\r\nseverity: SEV3\r\ncomponents: [coredns]\r\n---\r\n集群在升级后无法解析域名。\r\n".as_bytes(),
    );
    site.write(
        "content/2023/draft.md",
        &incident("Draft", "2023-06-01", "SEV4", "draft: true\n"),
    );
    site.write(
        "content/2023/internal.md",
        &incident("Internal", "2023-06-02", "SEV4", "visibility: internal\n"),
    );
    site.write(
        "content/pages/about.md",
        "---\ntitle: About us\nweight: 1\n---\nHello.\n",
    );
    site
}

#[test]
fn every_spec_url_exists_under_a_sub_path() {
    let site = spec_site();
    let out = site.build(&[]).served_under("/sub/path/");
    for file in [
        "index.html",
        "incidents/index.html",
        "incidents/dns/index.html",
        "incidents/upgrade/index.html",
        "incidents/集群故障/index.html",
        "incidents/internal/index.html",
        "severity/sev1/index.html",
        "severity/sev4/index.html",
        "components/index.html",
        "components/kubernetes/index.html",
        "components/coredns/index.html",
        "lessons/index.html",
        "lessons/monitoring/index.html",
        "lessons/people/index.html",
        "lessons/other/index.html",
        "tags/dns/index.html",
        "tags/networking/index.html",
        "organizations/acme/index.html",
        "actions/index.html",
        "stats/index.html",
        "search/index.html",
        "about/index.html",
        "incidents.json",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        ".debrief-output",
    ] {
        assert!(
            out.dir.join(file).is_file(),
            "missing {file}; have {:?}",
            out.files()
        );
    }
    assert!(
        !out.dir.join("incidents/draft").exists(),
        "drafts are left out"
    );
    assert_eq!(out.dead_links(), Vec::<String>::new());
}

#[test]
fn links_work_under_a_sub_path() {
    let site = spec_site();
    let out = site.build_under("https://example.com/sub/path/", &[]);
    assert_eq!(out.base_path, "/sub/path/");
    assert_eq!(out.dead_links(), Vec::<String>::new());
    let doc = out.html("incidents/dns/index.html");
    let hrefs = attrs(&doc, "a[href]", "href");
    assert!(
        hrefs
            .iter()
            .all(|h| !h.starts_with('/') || h.starts_with("/sub/path/")),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"/sub/path/incidents/upgrade/#what-broke".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"/sub/path/about/".to_string()));
    let notfound = out.html("404.html");
    assert!(
        attrs(&notfound, "a[href]", "href")
            .iter()
            .all(|h| !h.starts_with('/') || h.starts_with("/sub/path/"))
    );
}

#[test]
fn drafts_and_internal_incidents_follow_the_flags() {
    let site = spec_site();
    let out = site.build(&["--drafts"]);
    assert!(out.dir.join("incidents/draft/index.html").is_file());
    let out = site.build(&["--public"]);
    assert!(!out.dir.join("incidents/internal").exists());
    let slugs: Vec<String> = out.export()["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(slugs, ["dns", "upgrade", "集群故障"]);
    let doc = out.html("incidents/dns/index.html");
    assert!(
        !attrs(&doc, "a[href]", "href")
            .iter()
            .any(|h| h.contains("internal"))
    );
    assert!(
        out.stderr.contains("warning: content/2023/dns.md:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("internal"), "{}", out.stderr);
}

#[test]
fn incidents_are_sorted_newest_first_with_title_ties() {
    let site = Site::new();
    site.write("content/a.md", &incident("beta", "2023-01-01", "minor", ""));
    site.write(
        "content/b.md",
        &incident("Alpha", "2023-01-01", "minor", ""),
    );
    site.write(
        "content/c.md",
        &incident("Gamma", "2024-01-01", "minor", ""),
    );
    let out = site.build(&[]);
    let titles: Vec<String> = out.export()["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Gamma", "Alpha", "beta"]);
    let doc = out.html("index.html");
    let listed = texts(
        &doc,
        "main li h2 a, main li h3 a, main article h2 a, main article h3 a",
    );
    assert!(
        listed.len() >= 3,
        "the index lists the incidents by title: {listed:?}"
    );
    assert_eq!(&listed[..3], ["Gamma", "Alpha", "beta"]);
}

#[test]
fn front_matter_values_are_escaped() {
    let site = spec_site();
    let out = site.build(&[]);
    let raw = out.read("incidents/dns/index.html");
    assert!(!raw.contains("<b>melts</b>"), "a title is text, not markup");
    let doc = out.html("incidents/dns/index.html");
    assert!(
        texts(&doc, "h1")
            .iter()
            .any(|t| t.contains("DNS <b>melts</b> down"))
    );
}

#[test]
fn raw_html_in_bodies_is_escaped_unless_allowed() {
    let site = Site::new();
    site.write(
        "content/x.md",
        &format!(
            "{}\n<script>alert(1)</script>\n",
            incident("X", "2023-01-01", "minor", "")
        ),
    );
    let out = site.build(&[]);
    let raw = out.read("incidents/x/index.html");
    assert!(!raw.contains("<script>alert(1)</script>"));
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    site.write("debrief.toml", "[markdown]\nunsafe_html = true\n");
    let out = site.build(&[]);
    assert!(
        out.read("incidents/x/index.html")
            .contains("<script>alert(1)</script>")
    );
}

#[test]
fn code_is_highlighted_with_classes_and_theme_css() {
    let site = Site::new();
    site.write(
        "content/x.md",
        &format!(
            "{}\n```yaml\nkind: Pod\n```\n\n```nosuchlang\nplain\n```\n",
            incident("X", "2023-01-01", "minor", "")
        ),
    );
    let out = site.build(&[]);
    let doc = out.html("incidents/x/index.html");
    assert!(
        !attrs(&doc, "pre span[class]", "class").is_empty(),
        "highlighted spans carry classes"
    );
    assert!(
        attrs(&doc, "pre span[style]", "style").is_empty(),
        "no inline styles"
    );
    assert!(
        out.read("highlight.css")
            .contains("prefers-color-scheme: dark")
    );
    assert!(
        out.stderr.contains("unknown code language `nosuchlang`"),
        "{}",
        out.stderr
    );
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = Site::new();
    site.write("content/x.md", &incident("X", "2023-01-01", "minor", ""));
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">{{ page.title }}</p>{% endblock %}",
    );
    site.write("content/pages/hello.md", "---\ntitle: Hello\n---\nx\n");
    site.write("static/debrief.css", "body{color:red}");
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = site.build(&[]);
    let doc = out.html("hello/index.html");
    assert_eq!(texts(&doc, "#custom"), ["Hello"]);
    assert_eq!(out.read("debrief.css"), "body{color:red}");
    assert!(out.dir.join("img/logo.svg").is_file());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = spec_site();
    let first = site.build(&[]);
    let files = first.files();
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(first.dir.join(f)).unwrap())
        .collect();
    let second = site.build(&[]);
    assert_eq!(files, second.files());
    for (f, bytes) in files.iter().zip(before) {
        assert_eq!(
            bytes,
            fs::read(second.dir.join(f)).unwrap(),
            "{f} differs between builds"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_rebuild_writes_only_what_changed() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::sample();
    let first = site.build(&[]);
    let inodes = |out: &crate::support::Output_| -> Vec<(String, u64)> {
        out.files()
            .into_iter()
            .map(|f| {
                let ino = fs::metadata(out.dir.join(&f)).unwrap().ino();
                (f, ino)
            })
            .collect()
    };
    let before = inodes(&first);
    let again = site.build(&[]);
    assert_eq!(
        inodes(&again),
        before,
        "an unchanged library rewrites no file"
    );

    let edited = "content/incidents/2019/venafi-opa-webhook-upgrade.md";
    let text = site.read(edited);
    site.write(
        edited,
        &format!("{text}\nA paragraph added after the review.\n"),
    );
    let third = site.build(&[]);
    let after: std::collections::HashMap<String, u64> = inodes(&third).into_iter().collect();
    let page = "incidents/venafi-opa-webhook-upgrade/index.html";
    let old = |f: &str| before.iter().find(|(g, _)| g == f).unwrap().1;
    assert_ne!(after[page], old(page), "the edited page is rewritten");
    assert!(
        third
            .read(page)
            .contains("A paragraph added after the review.")
    );
    assert_eq!(after["about/index.html"], old("about/index.html"));

    // What stays in place plus what was rewritten is exactly a fresh build.
    let fresh_dir = site.path().join("fresh");
    site.run(&["build", "--output", fresh_dir.to_str().unwrap()])
        .expect_code(0);
    let fresh = crate::support::Output_ {
        dir: fresh_dir,
        base_path: "/".into(),
        stderr: String::new(),
    };
    assert_eq!(third.files(), fresh.files());
    for f in fresh.files() {
        assert!(
            fs::read(third.dir.join(&f)).unwrap() == fs::read(fresh.dir.join(&f)).unwrap(),
            "{f} differs from a fresh build"
        );
    }
}

#[test]
fn the_feed_and_sitemap_are_valid_xml() {
    let site = spec_site();
    let out = site.build(&[]);
    let feed = out.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("atom.xml parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 4);
    let titles: Vec<&str> = entries
        .iter()
        .filter_map(|e| {
            e.children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
        })
        .collect();
    assert!(titles.contains(&"DNS <b>melts</b> down"), "{titles:?}");
    let sitemap = out.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml parses");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.contains(&"https://example.com/sub/path/incidents/dns/"),
        "{locs:?}"
    );
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://example.com/sub/path/"))
    );
}

#[test]
fn a_bare_content_folder_builds_with_defaults() {
    let site = Site::new();
    site.write(
        "content/only.md",
        &incident("Only", "2020-02-02", "production", ""),
    );
    let out = site.build(&[]);
    let export = out.export();
    let keys: Vec<&str> = export["severities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["production", "non-prod", "minor"]);
    assert_eq!(out.dead_links(), Vec::<String>::new());
}
