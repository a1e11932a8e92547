//! `debrief check` and failing builds: every problem, located, in one run; the
//! previous output untouched; nothing written outside the output folder.

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};

use debrief::BuildOptions;
use debrief::progress::Progress;

use crate::support::{Site, incident};

#[test]
fn every_problem_is_reported_with_its_position() {
    let site = Site::new();
    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2023-02-30\nseverity: sev5\nseverty: x\n---\n",
    );
    site.write("content/b.md", "---\ntitle: B\ndate: 2023-01-01\nseverity: minor\naction_items:\n  - text: x\n    status: finished\n---\n");
    site.write(
        "content/c.md",
        "---\ntitle: C\ndate: 2023-01-02\nseverity: minor\n---\n\nSee [gone](nope.md).\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(1);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .filter(|l| !l.contains("the incident names no"))
        .collect();
    assert_eq!(
        lines,
        [
            "error: content/a.md:3:7: `date` is not a date: `2023-02-30`",
            "error: content/a.md:4:11: unknown severity `sev5`",
            "warning: content/a.md:5:1: unknown front-matter key `severty`",
            "error: content/b.md:7:13: unknown action-item status `finished`",
            "error: content/c.md:7:5: link to `nope.md`: no such file content/nope.md",
        ]
    );
    assert!(run.stderr.contains("help: did you mean `severity`?"));
    assert!(!site.path().join("public").exists(), "check writes nothing");
}

#[test]
fn check_json_is_an_array_of_located_problems() {
    let site = Site::new();
    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2023-01-01\nseverity: minr\ncomponents: [etcd]\nlessons: [x]\n---\n",
    );
    let run = site.run(&["check", "--format", "json"]);
    run.expect_code(1);
    let items: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        items,
        serde_json::json!([{
            "level": "error", "path": "content/a.md", "line": 4, "column": 11,
            "message": "unknown severity `minr`",
            "help": "did you mean `minor`? expected one of: production, non-prod, minor",
        }])
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = Site::new();
    site.write(
        "content/a.md",
        &incident("A", "2023-01-01", "minor", "colour: red\n"),
    );
    site.run(&["check"]).expect_code(0);
    site.run(&["check", "--strict"]).expect_code(1);
}

#[test]
fn a_failed_build_leaves_the_previous_output() {
    let site = Site::new();
    site.write("content/a.md", &incident("A", "2023-01-01", "minor", ""));
    let out = site.build(&[]);
    let before = out.read("incidents/a/index.html");
    site.write("content/a.md", "---\ntitle: A\n---\n");
    site.run(&["build"]).expect_code(1);
    assert_eq!(out.read("incidents/a/index.html"), before);
}

#[test]
fn a_folder_of_someone_elses_files_is_refused() {
    let site = Site::new();
    site.write("content/a.md", &incident("A", "2023-01-01", "minor", ""));
    site.write("public/notes.txt", "mine");
    let run = site.run(&["build"]);
    run.expect_code(1);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    assert_eq!(
        fs::read_to_string(site.path().join("public/notes.txt")).unwrap(),
        "mine"
    );
    let root = site.path().to_str().unwrap();
    site.run(&["build", "--output", root]).expect_code(1);
    site.run(&["build", "--output", &format!("{root}/content")])
        .expect_code(1);
}

#[test]
fn duplicate_slugs_name_both_files() {
    let site = Site::new();
    site.write(
        "content/2022/outage.md",
        &incident("One", "2022-01-01", "minor", ""),
    );
    site.write(
        "content/2023/outage.md",
        &incident("Two", "2023-01-01", "minor", ""),
    );
    let run = site.run(&["build"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("error: content/2023/outage.md:1:1: incident slug `outage` is already used by content/2022/outage.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_usage_exits_two() {
    let site = Site::new();
    site.run(&["build", "--no-such-flag"]).expect_code(2);
    let run = site.run(&["build", "--base-url", "not a url"]);
    run.expect_code(2);
    assert!(
        run.stderr.starts_with(
            "error: invalid value 'not a url' for '--base-url <URL>': base_url `not a url` must start with http:// or https://\n"
        ),
        "{}",
        run.stderr
    );
}

/// Counts the pages a run renders.
#[derive(Default)]
struct PagesRendered(AtomicUsize);

impl Progress for PagesRendered {
    fn page_rendered(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

fn pages_checked(site: &Site) -> (usize, debrief::Loaded) {
    let progress = PagesRendered::default();
    let options = BuildOptions {
        root: site.path().to_path_buf(),
        ..BuildOptions::default()
    };
    let result = debrief::check(&options, &progress).expect("check runs");
    (progress.0.load(Ordering::Relaxed), result)
}

#[test]
fn check_renders_only_the_pages_of_the_sites_own_templates() {
    let site = Site::new();
    site.write(
        "content/a.md",
        &incident("A", "2023-01-01", "minor", "components: [etcd]\n"),
    );
    site.write(
        "content/b.md",
        &incident("B", "2023-01-02", "minor", "components: [etcd]\n"),
    );
    // The built-in templates render any library that loads: nothing to render.
    let (pages, result) = pages_checked(&site);
    assert_eq!(pages, 0);
    assert!(!result.diagnostics.has_errors());

    // An incident template of the site's own that fails on one incident only.
    site.write(
        "templates/incident.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ incident.title }}</h1>\n{% if incident.title == \"B\" %}{{ incident.no_such_field }}{% endif %}{% endblock content %}",
    );
    let (pages, result) = pages_checked(&site);
    assert_eq!(pages, 2, "both incident pages, and no other");
    assert!(result.diagnostics.has_errors());
    let run = site.run(&["check"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("templates/incident.html:2:")
            && run.stderr.contains("no_such_field")
            && run.stderr.contains("content/b.md"),
        "{}",
        run.stderr
    );
    // `build` reports the same problem.
    let build = site.run(&["build"]);
    build.expect_code(1);
    assert!(
        build.stderr.contains("templates/incident.html:2:"),
        "{}",
        build.stderr
    );

    // A base template of the site's own is involved in every page.
    fs::remove_file(site.path().join("templates/incident.html")).unwrap();
    site.write(
        "templates/base.html",
        "<!doctype html><title>{% block title %}{% endblock title %}</title>{% block content %}{% endblock content %}",
    );
    let (pages, result) = pages_checked(&site);
    assert!(!result.diagnostics.has_errors(), "{:?}", result.diagnostics);
    let built = site.run(&["build", "--verbose"]);
    built.expect_code(0);
    let html_pages = walkdir::WalkDir::new(site.path().join("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html" || e.file_name() == "404.html")
        .count();
    assert_eq!(pages, html_pages, "every HTML page extends base.html");
}
