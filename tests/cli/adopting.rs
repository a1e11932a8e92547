//! Libraries written for other tools (SPEC §9): other names for fields, unknown keys
//! kept as extra, and the defaults that let plain Markdown build without an edit.

use serde_json::Value;

use crate::support::{Site, texts};

/// The exported incident with this slug.
fn exported(export: &Value, slug: &str) -> Value {
    export["incidents"]
        .as_array()
        .expect("a list of incidents")
        .iter()
        .find(|i| i["slug"] == slug)
        .unwrap_or_else(|| panic!("no incident {slug} in {export}"))
        .clone()
}

const POSTMORTEMS_APP: &str = r#"title = "Adopted"
default_severity = "minor"

[front_matter]
unknown_keys = "extra"

[front_matter.aliases]
organization = ["company"]
tags = ["keywords", "categories"]
started = ["start_time"]
resolved = ["end_time"]
source = ["url"]
date = ["start_time"]
"#;

#[test]
fn other_tools_front_matter_builds_with_only_a_config() {
    let site = Site::new();
    site.write("debrief.toml", POSTMORTEMS_APP);
    // postmortems.app style: no date, no severity, its own key names.
    site.write(
        "content/cloudflare-2020-07-17.md",
        "---\ntitle: Cloudflare DNS resolver outage\ncompany: Cloudflare\nkeywords: [dns, bgp]\n\
         start_time: 2020-07-17T21:12:00+00:00\nend_time: 2020-07-17T21:39:00+00:00\n\
         url: https://blog.cloudflare.com/cloudflare-outage-on-july-17-2020/\nproduct: 1.1.1.1\n---\n\
         A bad backbone config took traffic away from half the network.\n",
    );
    // A Jekyll post: the date comes from the file name.
    site.write(
        "content/_posts/2023-02-07-dns-outage.md",
        "---\nlayout: post\ntitle: \"DNS outage\"\ncategories: [postmortem]\n---\nThe resolvers fell over.\n",
    );
    // Google's template as plain Markdown: no front-matter at all.
    site.write(
        "content/2021-03-04-checkout-certificate.md",
        "# Checkout down: an expired certificate\n\n**Status:** final\n\n## Summary\n\nThe certificate expired.\n",
    );
    let out = site.build(&[]);
    let export = out.export();

    let cloudflare = exported(&export, "cloudflare-2020-07-17");
    assert_eq!(cloudflare["organization"], "Cloudflare");
    assert_eq!(cloudflare["tags"], serde_json::json!(["dns", "bgp"]));
    assert_eq!(cloudflare["date"], "2020-07-17");
    assert_eq!(cloudflare["severity"], "minor");
    assert_eq!(cloudflare["time_to_resolve_minutes"], 27);
    assert_eq!(
        cloudflare["source"],
        "https://blog.cloudflare.com/cloudflare-outage-on-july-17-2020/"
    );

    let jekyll = exported(&export, "2023-02-07-dns-outage");
    assert_eq!(jekyll["date"], "2023-02-07");
    assert_eq!(jekyll["tags"], serde_json::json!(["postmortem"]));

    let google = exported(&export, "2021-03-04-checkout-certificate");
    assert_eq!(google["title"], "Checkout down: an expired certificate");
    assert_eq!(google["date"], "2021-03-04");
    // The heading that gave the title is not repeated in the page.
    let page = out.html("incidents/2021-03-04-checkout-certificate/index.html");
    assert_eq!(
        texts(&page, "h1"),
        ["Checkout down: an expired certificate"]
    );
    // Unknown keys are kept, without a word: no warning names them.
    assert!(!out.stderr.contains("product"), "{}", out.stderr);
    assert!(!out.stderr.contains("layout"), "{}", out.stderr);
}

#[test]
fn a_field_given_under_two_names_warns_at_the_one_not_read() {
    let site = Site::new();
    site.write("debrief.toml", POSTMORTEMS_APP);
    site.write(
        "content/a.md",
        "---\ntitle: A\norganization: Acme\ncompany: Acme Corp\nkeywords: [dns]\ncategories: [net]\n\
         date: 2024-01-01\ncomponents: [CoreDNS]\nlessons: [x]\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("warning") || l.starts_with("  help"))
            .collect::<Vec<_>>(),
        [
            "warning: content/a.md:4:1: `company` is not read: this file gives `organization` under its own name",
            "  help: keep one of the two; [front_matter.aliases] tries `organization` first, then `company`",
            "warning: content/a.md:6:1: `categories` is not read: `tags` is read from `keywords`",
            "  help: keep one of the two; [front_matter.aliases] tries `tags` first, then `keywords`, `categories`",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn problems_are_located_at_the_key_actually_read() {
    let site = Site::new();
    site.write("debrief.toml", POSTMORTEMS_APP);
    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nkeywords: {a: b}\nend_time: yesterday\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: content/a.md:5:11: `end_time` (read as `resolved`) is not a date and time: `yesterday`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "error: content/a.md:4:11: `keywords` (read as `tags`) must be a list, found a map"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn without_extra_unknown_keys_still_warn() {
    let site = Site::new();
    site.write(
        "content/2024-01-01-a.md",
        "---\ntitle: A\nseverity: minor\nproduct: x\ncomponents: [etcd]\nlessons: [y]\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("content/2024-01-01-a.md:4:1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`product`"), "{}", run.stderr);
}

/// A folder's files and their bytes, to tell that nothing in it changed.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).expect("read")
            } else {
                Vec::new()
            };
            (e.path().display().to_string(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// A library of `count` postmortems kept for another tool, as messy as real ones:
/// keys of that tool, some titles only in a heading, date-times with offsets or
/// none, empty lists, keys nobody reads, a few plain Markdown files, a graph.
fn foreign_library(dir: &std::path::Path, count: usize) {
    let companies = [
        "Cloudflare",
        "GitHub",
        "Slack",
        "Monzo",
        "Reddit",
        "Datadog",
        "",
    ];
    let products = ["DNS", "CDN", "API", "payments", "search"];
    for n in 0..count {
        let day = 1 + n % 28;
        let month = 1 + (n / 28) % 12;
        let year = 2015 + n % 9;
        let stamp = match n % 4 {
            0 => format!("{year}-{month:02}-{day:02}T10:{:02}:00Z", n % 60),
            1 => format!("{year}-{month:02}-{day:02}T10:{:02}:00+05:30", n % 60),
            2 => format!("{year}-{month:02}-{day:02} 09:15"),
            _ => format!("\"{year}-{month:02}-{day:02}T23:59:59-08:00\""),
        };
        let name = format!("{year}-{month:02}-{day:02}-outage-{n}.md");
        let text = if n % 10 == 9 {
            // Plain Markdown after Google's template: no front-matter.
            format!(
                "# Outage {n}: the {} went down\n\n## Summary\n\nIt broke.\n",
                products[n % 5]
            )
        } else {
            let mut fm = String::from("---\n");
            if n % 3 != 0 {
                fm.push_str(&format!("title: \"{} outage #{n}\"\n", products[n % 5]));
            }
            let company = companies[n % companies.len()];
            if !company.is_empty() {
                fm.push_str(&format!("company: {company}\n"));
            }
            fm.push_str(match n % 3 {
                0 => "keywords: []\n",
                1 => "keywords: [dns, \"config change\"]\n",
                _ => "keywords:\n  - network\n",
            });
            fm.push_str(&format!("start_time: {stamp}\n"));
            if n % 2 == 0 {
                fm.push_str(&format!("end_time: {year}-{month:02}-{day:02}T23:59:59Z\n"));
            }
            if n % 5 != 0 {
                fm.push_str(&format!("url: https://example.com/postmortems/{n}\n"));
            }
            fm.push_str(&format!("product: {}\n", products[n % 5]));
            if n % 7 == 0 {
                fm.push_str("imported_by: script v2\nreviewers: []\n");
            }
            fm.push_str("---\n");
            if n % 3 == 0 {
                fm.push_str(&format!("# Incident {n}\n\n"));
            }
            fm.push_str("What happened, in the words of whoever wrote it.\n");
            fm
        };
        let folder = dir.join(format!("{year}"));
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(folder.join(name), text).expect("write");
    }
    std::fs::write(
        dir.join("README.md"),
        "# Our postmortems\n\nOne file per incident.\n",
    )
    .expect("write");
}

#[test]
fn init_from_a_foreign_library_builds_it_without_an_edit() {
    let root = tempfile::tempdir().expect("temp dir");
    let source = root.path().join("old-postmortems");
    foreign_library(&source, 120);
    let before = snapshot(&source);
    let site = Site::empty();
    let target = site.path().join("adopted");
    let run = site.run(&[
        "init",
        target.to_str().unwrap(),
        "--from",
        source.to_str().unwrap(),
    ]);
    run.expect_code(0);
    assert_eq!(snapshot(&source), before, "the source folder changed");

    let config = std::fs::read_to_string(target.join("debrief.toml")).expect("config");
    for line in [
        "default_severity = \"minor\"",
        "unknown_keys = \"extra\"",
        "organization = [\"company\"]  # `company` in ",
        "components = [\"product\"]",
        "tags = [\"keywords\"]",
        "started = [\"start_time\"]",
        "resolved = [\"end_time\"]",
        "source = [\"url\"]",
    ] {
        assert!(config.contains(line), "no `{line}` in\n{config}");
    }
    // Every postmortem builds; the README is no postmortem and is left out.
    assert!(
        run.stderr
            .contains("check: 120 of 120 postmortems build; 0 with errors"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("left out README.md"), "{}", run.stderr);
    assert!(!target.join("content/README.md").exists());
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args(["--root", target.to_str().unwrap(), "build", "--quiet"])
        .output()
        .expect("run debrief");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let export: serde_json::Value = serde_json::from_slice(
        &std::fs::read(target.join("public/incidents.json")).expect("export"),
    )
    .expect("JSON");
    let incidents = export["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 120);
    // A title only in a heading, a date-time with an offset: read as written.
    let third = exported(&export, "2015-01-01-outage-0");
    assert_eq!(third["title"], "Incident 0");
    assert_eq!(third["date"], "2015-01-01");
    let offset = exported(&export, "2016-01-02-outage-1");
    assert_eq!(offset["organization"], "GitHub");
    assert_eq!(offset["tags"], serde_json::json!(["dns", "config change"]));
}

#[test]
fn init_from_refuses_a_site_inside_the_folder_it_adopts() {
    let root = tempfile::tempdir().expect("temp dir");
    let source = root.path().join("old");
    foreign_library(&source, 3);
    let before = snapshot(&source);
    let site = Site::empty();
    let inside = source.join("site");
    let run = site.run(&[
        "init",
        inside.to_str().unwrap(),
        "--from",
        source.to_str().unwrap(),
    ]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("the new site must be outside the folder it adopts"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&source), before);
}
