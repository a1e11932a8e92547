//! `debrief new`: a skeleton that `check` accepts and that builds, severity checked
//! against the config, never replacing a file.

use crate::support::{Site, texts};

const PATH: &str = "content/incidents/2024-05-01-disk-full-on-db-1.md";

#[test]
fn new_writes_a_postmortem_that_check_accepts() {
    let site = Site::empty();
    site.run(&["init"]).expect_code(0);
    let run = site.run(&[
        "new",
        "Disk full on db-1",
        "--severity",
        "minor",
        "--date",
        "2024-05-01",
    ]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.trim_end(),
        site.path().join(PATH).display().to_string()
    );
    let text = site.read(PATH);
    assert!(text.starts_with("---\n"));
    assert!(text.contains("\ntitle: \"Disk full on db-1\"\n"));
    assert!(text.contains("\ndate: 2024-05-01\n"));
    assert!(text.contains("\nseverity: minor\n"));

    let check = site.run(&["check"]);
    check.expect_code(0);
    assert!(!check.stderr.contains("error:"), "{}", check.stderr);

    let out = site.build(&[]);
    let page = out.html("incidents/2024-05-01-disk-full-on-db-1/index.html");
    assert_eq!(texts(&page, "main h1"), ["Disk full on db-1"]);
    let headings = texts(&page, "main h2");
    for section in [
        "Summary",
        "Impact",
        "How it unfolded",
        "Root cause",
        "Contributing factors",
        "What went well",
        "What went wrong",
        "Looking back",
    ] {
        assert!(
            headings.iter().any(|h| h.trim_end_matches(" #") == section),
            "{section}: {headings:?}"
        );
    }
    // The guidance is in comments: it never shows on the page.
    let html = out.read("incidents/2024-05-01-disk-full-on-db-1/index.html");
    assert!(!html.contains("Numbers beat adjectives"));
    assert!(!html.contains("&lt;!--"));
    let export = out.export();
    let entry = export["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "2024-05-01-disk-full-on-db-1")
        .expect("exported");
    assert_eq!(entry["severity"], "minor");
    assert_eq!(entry["date"], "2024-05-01");
}

#[test]
fn new_refuses_to_overwrite() {
    let site = Site::new();
    let args = ["new", "Disk full on db-1", "--date", "2024-05-01"];
    site.run(&args).expect_code(0);
    site.write(PATH, "edited by hand\n");
    let run = site.run(&args);
    run.expect_code(1);
    assert!(
        run.stderr.contains("already exists; nothing was written"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read(PATH), "edited by hand\n");
}

#[test]
fn unknown_severity_names_the_nearest_key() {
    let site = Site::new();
    let run = site.run(&["new", "Disk full", "--severity", "prodution"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr,
        "error: --severity: unknown severity `prodution`\n  help: did you mean `production`? expected one of: production, non-prod, minor\n1 error, 0 warnings\n"
    );
    assert!(run.stdout.is_empty());
    assert!(
        std::fs::read_dir(site.path().join("content"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[test]
fn the_default_severity_is_the_most_severe_of_the_config() {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "[[severities]]\nkey = \"SEV1\"\n[[severities]]\nkey = \"SEV2\"\n",
    );
    let title = "Redis: \"maxmemory\" reached #2";
    let run = site.run(&["new", title, "--date", "2024-05-02"]);
    run.expect_code(0);
    let rel = "content/incidents/2024-05-02-redis-maxmemory-reached-2.md";
    let text = site.read(rel);
    assert!(text.contains("\nseverity: SEV1\n"), "{text}");
    assert!(text.contains("# One of: SEV1, SEV2 "), "{text}");
    // A severity given in another case is written in the configured spelling.
    site.run(&[
        "new",
        "Another",
        "--severity",
        "sev2",
        "--date",
        "2024-05-02",
    ])
    .expect_code(0);
    assert!(
        site.read("content/incidents/2024-05-02-another.md")
            .contains("\nseverity: SEV2\n")
    );

    site.run(&["check"]).expect_code(0);
    let out = site.build(&[]);
    let page = out.html("incidents/2024-05-02-redis-maxmemory-reached-2/index.html");
    assert_eq!(texts(&page, "main h1"), [title]);
}

#[test]
fn the_default_date_is_today() {
    let site = Site::new();
    let run = site.run(&["new", "Queue backlog"]);
    run.expect_code(0);
    let path = run.stdout.trim_end();
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let (date, rest) = name.split_at(10);
    assert_eq!(rest, "-queue-backlog.md");
    let file = site.read(&format!("content/incidents/{name}"));
    assert!(file.contains(&format!("\ndate: {date}\n")), "{file}");
    site.run(&["check"]).expect_code(0);
}

#[test]
fn bad_arguments_are_usage_errors() {
    let site = Site::new();
    let run = site.run(&["new", "Outage", "--date", "2024-13-01"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("is not a date of the form YYYY-MM-DD"),
        "{}",
        run.stderr
    );
    let run = site.run(&["new", "?!"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("at least one letter or digit"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_needs_a_site() {
    let site = Site::empty();
    let run = site.run(&["new", "Outage"]);
    run.expect_code(1);
    assert!(run.stderr.contains("no site in"), "{}", run.stderr);
    assert!(!site.path().join("content").exists());
}
