//! `debrief init`: a new site that builds, checks clean and links correctly; never
//! replacing a file; `--ci` workflows; `--eject`.

use std::fs;
use std::path::Path;

use crate::support::{Site, texts};

const EXAMPLE: &str = "content/incidents/2024-03-12-expired-certificate-checkout.md";

#[test]
fn init_then_build_gives_a_valid_site() {
    let site = Site::empty();
    let run = site.run(&["init"]);
    run.expect_code(0);
    for file in [
        "debrief.toml",
        EXAMPLE,
        "content/pages/about.md",
        "content/pages/writing-a-postmortem.md",
        ".gitignore",
    ] {
        assert!(
            site.path().join(file).is_file(),
            "init did not write {file}"
        );
        assert!(
            run.stderr.contains(file),
            "not reported: {file}\n{}",
            run.stderr
        );
    }
    assert!(site.read(".gitignore").lines().any(|l| l == "/public/"));

    // The example postmortem is complete: not even a warning under --strict.
    let check = site.run(&["check", "--strict"]);
    check.expect_code(0);
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);

    let out = site.build(&[]);
    assert_eq!(out.dead_links(), Vec::<String>::new());
    let index = out.html("index.html");
    assert_eq!(
        texts(&index, "main h3 a"),
        ["An expired TLS certificate takes checkout offline"]
    );
    let incident = out.html("incidents/expired-certificate-checkout/index.html");
    let body = texts(&incident, "main").join(" ");
    for expected in ["Storefront team", "How it unfolded", "Write a runbook"] {
        assert!(
            body.contains(expected),
            "{expected} missing from the incident page"
        );
    }
    let about = out.html("about/index.html");
    let cells = texts(&about, "main table tbody td");
    assert_eq!(cells.len(), 9, "{cells:?}");
    assert_eq!(
        cells[..3],
        ["🤬 Production", "production", "Customers were affected."]
    );

    let export = out.export();
    let incident = &export["incidents"][0];
    assert_eq!(incident["time_to_detect_minutes"], 14);
    assert_eq!(incident["time_to_mitigate_minutes"], 45);
    assert_eq!(incident["time_to_resolve_minutes"], 210);
    assert_eq!(incident["action_items"].as_array().map(Vec::len), Some(4));
}

#[test]
fn the_new_site_links_work_under_a_sub_path() {
    let site = Site::empty();
    site.run(&["init"]).expect_code(0);
    let out = site.build_under("https://example.org/team/incidents/", &[]);
    assert_eq!(out.dead_links(), Vec::<String>::new());
}

#[test]
fn init_creates_the_folder_it_is_given() {
    let site = Site::empty();
    let dir = site.path().join("libraries/ops");
    let dir_arg = dir.to_string_lossy().into_owned();
    site.run(&["init", &dir_arg]).expect_code(0);
    assert!(dir.join("debrief.toml").is_file());
    assert!(dir.join(EXAMPLE).is_file());
}

#[test]
fn a_folder_with_files_is_refused_and_kept_as_it_was() {
    let site = Site::empty();
    site.write("notes.txt", "my notes\n");
    let run = site.run(&["init"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("the folder is not empty") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read("notes.txt"), "my notes\n");
    assert_eq!(entries(site.path()), ["notes.txt"]);
}

#[test]
fn hidden_files_such_as_git_do_not_make_a_folder_full() {
    let site = Site::empty();
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site.run(&["init"]).expect_code(0);
    assert!(site.path().join("debrief.toml").is_file());
    assert_eq!(site.read(".git/HEAD"), "ref: refs/heads/main\n");
}

#[test]
fn force_adds_missing_files_and_keeps_existing_ones() {
    let site = Site::empty();
    site.write("debrief.toml", "title = \"Our outages\"\n");
    site.write(
        "content/pages/about.md",
        "---\ntitle: About us\n---\nOurs.\n",
    );
    let run = site.run(&["init", "--force"]);
    run.expect_code(0);
    assert_eq!(site.read("debrief.toml"), "title = \"Our outages\"\n");
    assert_eq!(
        site.read("content/pages/about.md"),
        "---\ntitle: About us\n---\nOurs.\n"
    );
    for kept in ["debrief.toml", "content/pages/about.md"] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains("kept") && l.contains(kept)),
            "{kept} not reported as kept:\n{}",
            run.stderr
        );
    }
    assert!(site.path().join(EXAMPLE).is_file());
    assert!(
        run.stderr.contains("3 files written, 2 kept"),
        "{}",
        run.stderr
    );
    let out = site.build(&[]);
    assert_eq!(texts(&out.html("about/index.html"), "main p"), ["Ours."]);
}

#[test]
fn ci_writes_the_documented_workflow() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let github = Site::empty();
    github.run(&["init", "--ci", "github"]).expect_code(0);
    assert_eq!(
        github.read(".github/workflows/pages.yml"),
        fs::read_to_string(repo.join("docs/examples/github-pages.yml")).unwrap()
    );
    assert!(!github.path().join(".gitlab-ci.yml").exists());

    let gitlab = Site::empty();
    gitlab.run(&["init", "--ci", "gitlab"]).expect_code(0);
    assert_eq!(
        gitlab.read(".gitlab-ci.yml"),
        fs::read_to_string(repo.join("docs/examples/gitlab-ci.yml")).unwrap()
    );

    let run = Site::empty().run(&["init", "--ci", "jenkins"]);
    run.expect_code(2);
}

#[test]
fn ci_can_be_added_to_an_existing_site_with_force() {
    let site = Site::empty();
    site.run(&["init"]).expect_code(0);
    let config = site.read("debrief.toml");
    site.run(&["init", "--force", "--ci", "gitlab"])
        .expect_code(0);
    assert!(site.path().join(".gitlab-ci.yml").is_file());
    assert_eq!(site.read("debrief.toml"), config);
}

#[test]
fn eject_copies_the_theme_and_the_site_builds_the_same() {
    let site = Site::empty();
    site.run(&["init"]).expect_code(0);
    let before = site.build(&[]);
    let pages: Vec<(String, String)> = before
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".html") || f.ends_with(".css") || f.ends_with(".js"))
        .map(|f| {
            let text = before.read(&f);
            (f, text)
        })
        .collect();

    site.write("templates/404.html", "{% extends \"base.html\" %}\n");
    let run = site.run(&["init", "--eject"]);
    run.expect_code(0);
    assert_eq!(
        site.read("templates/404.html"),
        "{% extends \"base.html\" %}\n"
    );
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("kept") && l.contains("404.html")),
        "{}",
        run.stderr
    );
    for (name, source) in debrief::embedded::TEMPLATES {
        if *name != "404.html" {
            assert_eq!(&site.read(&format!("templates/{name}")), source, "{name}");
        }
    }
    for (path, bytes) in debrief::embedded::STATIC {
        assert_eq!(
            &fs::read(site.path().join("static").join(path)).unwrap(),
            bytes
        );
    }

    fs::remove_file(site.path().join("templates/404.html")).unwrap();
    site.run(&["init", "--eject"]).expect_code(0);
    let after = site.build(&[]);
    for (file, text) in &pages {
        assert_eq!(&after.read(file), text, "{file} changed after --eject");
    }
}

#[test]
fn eject_needs_a_site() {
    let site = Site::empty();
    site.write("notes.txt", "x");
    let run = site.run(&["init", "--eject"]);
    run.expect_code(1);
    assert!(run.stderr.contains("no site in"), "{}", run.stderr);
    assert_eq!(entries(site.path()), ["notes.txt"]);
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
