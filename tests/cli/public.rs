//! Public builds (SPEC §11): internal sections, omitted fields and the leak check.
//! Each secret is planted in its own place; the public build's every file, path
//! included, is then read back for it, and the internal build must still hold it.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use debrief::library::Selection;
use debrief::{BuildOptions, build};
use proptest::prelude::*;

use crate::support::{Output_, Site, texts};

/// Every output file (path, bytes) of a build folder.
fn every_file(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

/// The files (by path) that hold `secret`, in their path or their bytes, ignoring case.
fn holding(files: &BTreeMap<String, Vec<u8>>, secret: &str) -> Vec<String> {
    let secret = secret.to_lowercase();
    files
        .iter()
        .filter(|(path, bytes)| {
            path.to_lowercase().contains(&secret)
                || String::from_utf8_lossy(bytes)
                    .to_lowercase()
                    .contains(&secret)
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// The secrets of [`planted`], one per place.
const SECRETS: [&str; 9] = [
    "zqsection",
    "zqauthor",
    "zqlesson",
    "zqaction",
    "zqfilename",
    "zqlinktext",
    "zqtable",
    "zqcode",
    "zqheading",
];

/// A site with one secret in each place a public build must leave out.
fn planted() -> Site {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Planted\"\nbase_url = \"https://example.com/lib/\"\ndefault_visibility = \"public\"\n\n[public]\nomit = [\"authors\", \"lessons\", \"action_items\"]\n",
    );
    site.write(
        "content/incidents/leak/index.md",
        r#"---
title: A public incident
date: 2024-03-01
severity: minor
components: [Gateway]
authors: [Zqauthor Person]
lessons: [Ask zqlesson first.]
action_items:
  - text: Call zqaction
    owner: sre
---
The gateway dropped requests for an hour.

## What the public may read

Retries helped.

<!-- internal -->
## The zqheading call

A paragraph about zqsection.

| host | role |
|---|---|
| zqtable-1 | primary |

```text
connect zqcode:5432
```

See [the zqlinktext notes](notes.txt) and the ![graph](zqfilename.svg).
<!-- /internal -->

The rest is public.
"#,
    );
    site.write("content/incidents/leak/notes.txt", "notes\n");
    site.write(
        "content/incidents/leak/zqfilename.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>",
    );
    site
}

#[test]
fn a_public_build_holds_no_secret_and_the_internal_build_keeps_every_one() {
    let site = planted();
    let internal = site.build(&[]);
    let inside = every_file(&internal.dir);
    for secret in SECRETS {
        assert!(
            !holding(&inside, secret).is_empty(),
            "the internal build lost {secret}"
        );
    }
    // The internal build marks the section.
    let page = internal.html("incidents/leak/index.html");
    assert_eq!(
        texts(&page, ".internal-section > .internal-label"),
        ["Internal: left out of public builds"]
    );
    assert_eq!(
        texts(&page, ".internal-section h2"),
        ["The zqheading call #"]
    );

    let out = site.path().join("public-site");
    site.run(&[
        "build",
        "--public",
        "--output",
        out.to_str().expect("utf-8"),
    ])
    .expect_code(0);
    let files = every_file(&out);
    for secret in SECRETS {
        assert_eq!(
            holding(&files, secret),
            Vec::<String>::new(),
            "{secret} leaked"
        );
    }
    // What is public is still there, the attachment linked only from the internal
    // section is not published, and the table of contents lost the heading.
    let public = Output_ {
        dir: out.clone(),
        base_path: "/lib/".into(),
        stderr: String::new(),
    };
    let page = public.html("incidents/leak/index.html");
    assert!(
        texts(&page, ".prose p")
            .concat()
            .contains("The rest is public.")
    );
    assert_eq!(texts(&page, ".internal-section").len(), 0);
    assert!(!files.contains_key("incidents/leak/notes.txt"));
    assert!(
        texts(&page, ".toc a")
            .iter()
            .all(|t| !t.contains("zqheading"))
    );
    assert_eq!(public.dead_links(), Vec::<String>::new());
}

#[test]
fn the_internal_build_is_unchanged_by_the_public_settings() {
    let site = planted();
    let with = site.build(&[]);
    let with_files = every_file(&with.dir);
    site.write(
        "debrief.toml",
        "title = \"Planted\"\nbase_url = \"https://example.com/lib/\"\ndefault_visibility = \"public\"\n",
    );
    let without = site.build(&[]);
    assert_eq!(with_files, every_file(&without.dir));
}

#[test]
fn a_deny_match_fails_the_build_at_each_source_and_leaves_the_output() {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Deny\"\ndefault_visibility = \"public\"\n\n[public]\ndeny = [\"(?i)acme-customer\", '10\\.[0-9]+\\.[0-9]+\\.[0-9]+']\n",
    );
    let incident = |body: &str| {
        format!(
            "---\ntitle: Outage\ndate: 2024-01-01\nseverity: minor\ncomponents: [db]\nlessons: [Page sooner.]\n---\n{body}"
        )
    };
    site.write("content/a.md", &incident("All fine.\n"));
    let out = site.path().join("site");
    let out_arg = out.to_str().expect("utf-8").to_string();
    site.run(&["build", "--public", "--output", &out_arg])
        .expect_code(0);
    let before = every_file(&out);

    site.write(
        "content/a.md",
        &incident("We told ACME-Customer.\n\n<!-- internal -->\nacme-customer again, at 10.0.0.9\n<!-- /internal -->\n\n```\nping 10.1.2.3\n```\n"),
    );
    site.write("content/b.md", "---\ntitle: Acme-Customer outage\ndate: 2024-02-01\nseverity: minor\ncomponents: [db]\nlessons: [x]\n---\nBody.\n");
    let run = site.run(&["build", "--public", "--output", &out_arg]);
    run.expect_code(1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: content/a.md:8:9: `ACME-Customer` matches the public deny pattern `(?i)acme-customer`",
            "error: content/a.md:15:6: `10.1.2.3` matches the public deny pattern `10\\.[0-9]+\\.[0-9]+\\.[0-9]+`",
            "error: content/b.md:2:8: `Acme-Customer` matches the public deny pattern `(?i)acme-customer`",
        ]
    );
    let help = run
        .stderr
        .lines()
        .find(|l| l.contains("help:") && l.contains("search/"))
        .expect("a help naming the files");
    assert!(help.contains("incidents/a/index.html"), "{help}");
    assert!(run.stderr.contains("the previous output is untouched"));
    assert_eq!(
        every_file(&out),
        before,
        "a failed build changed the output"
    );

    // `check --public` finds the same, writing nothing; an internal build is not
    // checked.
    let check = site.run(&["check", "--public"]);
    check.expect_code(1);
    let again: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(again, errors);
    site.run(&["check"]).expect_code(0);
    assert!(!site.path().join("public").exists());
}

#[test]
fn an_attachment_holding_a_denied_text_is_located_in_it() {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Files\"\ndefault_visibility = \"public\"\n[public]\ndeny = [\"db-prod-[0-9]+\", \"(?i)secret-plan\"]\n",
    );
    site.write(
        "content/incidents/x/index.md",
        "---\ntitle: X\ndate: 2024-01-01\nseverity: minor\ncomponents: [db]\nlessons: [x]\n---\nSee [the log](log.txt) and [the plan](Secret-Plan.pdf).\n",
    );
    site.write(
        "content/incidents/x/log.txt",
        "ok\nconnected to db-prod-17\n",
    );
    site.write("content/incidents/x/Secret-Plan.pdf", "%PDF-1.4\n");
    let run = site.run(&["check", "--public"]);
    run.expect_code(1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: content/incidents/x/Secret-Plan.pdf: `Secret-Plan` matches the public deny pattern `(?i)secret-plan`",
            "error: content/incidents/x/index.md:8:39: `Secret-Plan` matches the public deny pattern `(?i)secret-plan`",
            "error: content/incidents/x/log.txt:2:14: `db-prod-17` matches the public deny pattern `db-prod-[0-9]+`",
        ]
    );
}

#[test]
fn an_omitted_field_reaches_no_template() {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Extra\"\ndefault_visibility = \"public\"\n[public]\nomit = [\"extra\", \"source\"]\n",
    );
    // A site template that shows `extra`, as a team's theme might.
    site.write(
        "templates/incident.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"customer\">{{ incident.extra.customer | default(value=\"none\") }}</p>{{ incident.body_html | safe }}{% endblock content %}",
    );
    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nseverity: minor\ncomponents: [db]\nlessons: [x]\nsource: https://wiki.example.com/zqsource\nextra:\n  customer: zqextra\n---\nBody.\n",
    );
    let internal = site.build(&[]);
    assert_eq!(
        texts(&internal.html("incidents/a/index.html"), ".customer"),
        ["zqextra"]
    );
    assert!(!holding(&every_file(&internal.dir), "zqsource").is_empty());
    let out = site.path().join("site");
    site.run(&[
        "build",
        "--public",
        "--output",
        out.to_str().expect("utf-8"),
    ])
    .expect_code(0);
    let files = every_file(&out);
    assert_eq!(holding(&files, "zqextra"), Vec::<String>::new());
    assert_eq!(holding(&files, "zqsource"), Vec::<String>::new());
}

/// Blocks a body is made of: Markdown that stays well-formed wherever it goes.
fn block(secret: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("A paragraph with {secret} in it.\n")),
        Just(format!("## Heading {secret}\n")),
        Just(format!("- item\n- {secret} item\n")),
        Just(format!("| a | b |\n|---|---|\n| {secret} | x |\n")),
        Just(format!("```\n{secret}\n```\n")),
        Just(format!("> quoted {secret}\n")),
        Just(format!("[link {secret}](https://example.com/{secret})\n")),
        Just(format!("![alt {secret}](https://example.com/i.png)\n")),
        Just(format!("Text[^n].\n\n[^n]: {secret} note\n")),
        Just(format!("`{secret}` and *{secret}*\n")),
    ]
}

/// A body of public blocks with one internal section, holding the secret in a
/// random construct, at a random place.
fn body_with_section() -> impl Strategy<Value = (String, String)> {
    (
        prop::collection::vec(block("public words"), 0..4),
        prop::collection::vec(block("zqmarker"), 1..4),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(public, internal, at)| {
            let at = at.index(public.len() + 1);
            let mut parts: Vec<String> = public;
            let section = format!(
                "<!-- internal -->\n{}<!-- /internal -->\n",
                internal.join("\n")
            );
            parts.insert(at, section.clone());
            (parts.join("\n"), section)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_public_build_never_holds_text_from_an_internal_section((body, _section) in body_with_section()) {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        fs::create_dir_all(&content).expect("mkdir");
        fs::write(dir.path().join("debrief.toml"), "title = \"P\"\ndefault_visibility = \"public\"\n").expect("write");
        fs::write(
            content.join("a.md"),
            format!("---\ntitle: A\ndate: 2024-01-01\nseverity: minor\ncomponents: [db]\nlessons: [x]\n---\n{body}"),
        )
        .expect("write");
        let options = |public_only| BuildOptions {
            root: dir.path().to_path_buf(),
            selection: Selection { drafts: false, public_only },
            ..BuildOptions::default()
        };
        let public = build(&options(true)).expect("build");
        let plan = public.plan.expect("a well-formed body builds");
        for file in &plan.files {
            prop_assert!(!file.path.contains("zqmarker"), "{} is named after the secret", file.path);
            let text = String::from_utf8_lossy(&file.bytes).to_lowercase();
            prop_assert!(!text.contains("zqmarker"), "{} holds the secret:\n{}", file.path, body);
        }
        // The internal build keeps it.
        let internal = build(&options(false)).expect("build").plan.expect("builds");
        prop_assert!(internal.files.iter().any(|f| String::from_utf8_lossy(&f.bytes).contains("zqmarker")));
    }
}

#[test]
fn a_title_heading_inside_a_section_and_the_theme_files_are_not_published() {
    let site = Site::new();
    // A pattern that the built-in stylesheet's own class names would match.
    site.write(
        "debrief.toml",
        "title = \"Own\"\ndefault_visibility = \"public\"\n[public]\nomit = [\"owner\", \"link\"]\ndeny = ['(?i)internal', 'zqowner', 'tracker\\.corp']\n",
    );
    site.write(
        "content/a.md",
        "---\ndate: 2024-01-01\nseverity: minor\ncomponents: [db]\nlessons: [x]\naction_items:\n  - text: Fix\n    owner: zqowner\n    link: https://tracker.corp/OPS-1\n---\n<!-- internal -->\n# The zqtitle outage\n<!-- /internal -->\n# A public title\n\nBody.\n",
    );
    let out = site.path().join("site");
    let run = site.run(&[
        "build",
        "--public",
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    run.expect_code(0);
    let files = every_file(&out);
    assert_eq!(holding(&files, "zqtitle"), Vec::<String>::new());
    assert_eq!(holding(&files, "zqowner"), Vec::<String>::new());
    assert_eq!(holding(&files, "tracker.corp"), Vec::<String>::new());
    let export: serde_json::Value =
        serde_json::from_slice(&files["incidents.json"]).expect("the export parses");
    assert_eq!(export["incidents"][0]["title"], "A public title");
}
