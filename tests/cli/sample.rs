//! The repository's own sample library: it builds cleanly, every link works,
//! it holds what the README promises, and its file list, index page and one
//! incident page match the snapshots in `snapshots/`.

use crate::support::{Site, texts};

#[test]
fn the_sample_library_builds_without_problems() {
    let site = Site::sample();
    let run = site.run(&["check", "--strict"]);
    run.expect_code(0);
    let out = site.build_under("https://example.com/incidents/", &[]);
    assert_eq!(out.dead_links(), Vec::<String>::new());
    let export = out.export();
    let incidents = export["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 10);
    let count = |key: &str| incidents.iter().filter(|i| i["severity"] == key).count();
    assert_eq!(
        (count("production"), count("non-prod"), count("minor")),
        (5, 3, 2)
    );
    for incident in incidents {
        assert!(incident["organization"].is_string(), "{}", incident["slug"]);
        assert!(!incident["components"].as_array().unwrap().is_empty());
        assert!(!incident["lessons"].as_array().unwrap().is_empty());
    }
    let about = out.html("about/index.html");
    assert!(texts(&about, "main").iter().any(|t| t.contains("🤬")));
}

#[test]
fn the_sample_library_matches_its_snapshots() {
    // The pages hold no build time or folder path, so the snapshots hold still;
    // review a deliberate change with `cargo insta review`.
    let site = Site::sample();
    let out = site.build(&[]);
    insta::assert_snapshot!("sample_files", out.files().join("\n"));
    insta::assert_snapshot!("sample_index", out.read("index.html"));
    insta::assert_snapshot!(
        "sample_incident",
        out.read("incidents/reddit-pi-day-calico-upgrade/index.html")
    );
}
