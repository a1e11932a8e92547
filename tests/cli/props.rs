//! Property tests: whatever bytes a content file holds, and whatever keys and
//! values its front-matter has, loading, checking and building never panic and
//! always end either in a site or in diagnostics that each name a file (and, when
//! they have a position, one inside that file).

use std::fs;
use std::path::Path;
use std::process::Command;

use debrief::content::incident::incident_keys;
use debrief::diag::Level;
use debrief::{BuildOptions, build};
use proptest::prelude::*;

/// Keys that are near misses of the front-matter keys, or junk.
const ODD_KEYS: &[&str] = &[
    "severty",
    "titel",
    "",
    "0",
    "a b",
    "käse",
    "__proto__",
    "<b>",
];

/// The front-matter keys of SPEC §2 (title, date and severity first), then the odd
/// ones.
fn keys() -> Vec<&'static str> {
    incident_keys().iter().chain(ODD_KEYS).copied().collect()
}

/// Scalars that mean something somewhere in the schema, and some that break things.
const WORDS: &[&str] = &[
    "minor",
    "production",
    "non-prod",
    "Minor",
    "sev1",
    "2023-02-07",
    "2023-02-30",
    "2023-02-07T09:12:00Z",
    "2023-02-07 09:40",
    "09:12",
    "25:99",
    "4h",
    "1h30m",
    "2d",
    "4x",
    "",
    "open",
    "done",
    "in-progress",
    "wont-do",
    "https://example.com/x",
    "javascript:alert(1)",
    "mailto:a@b.c",
    "internal",
    "public",
    "../../etc",
    "a/b",
    "x.md",
    "monitoring",
    "etcd",
    "Linkred",
    "<script>",
    "]]>",
    "\u{feff}",
    "\u{0}",
    "日本語",
    "-",
    "~",
    "null",
    "true",
];

/// A front-matter value as JSON, which is also valid YAML (flow style).
fn value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e9f64..1e9).prop_map(serde_json::Value::from),
        prop::sample::select(WORDS).prop_map(|w| serde_json::Value::from(w.to_string())),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((prop::sample::select(keys()), inner), 0..4).prop_map(
                |entries| {
                    serde_json::Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    )
                }
            ),
        ]
    })
}

/// A whole front-matter map: random keys with random values.
fn front_matter() -> impl Strategy<Value = Vec<(String, serde_json::Value)>> {
    prop::collection::vec(
        (
            prop::sample::select(keys()).prop_map(str::to_string),
            value(),
        ),
        0..10,
    )
}

/// Front-matter with the required fields right and everything else random, so
/// that most cases get past loading into the library and the templates.
fn mostly_valid_front_matter() -> impl Strategy<Value = Vec<(String, serde_json::Value)>> {
    (
        "\\PC{1,20}",
        prop::sample::select(
            &[
                "2023-02-07",
                "2023-02-07T09:12:00Z",
                "2023-02-07T09:12:00+05:30",
            ][..],
        ),
        prop::sample::select(&["minor", "Production", "non-prod"][..]),
        prop::collection::btree_map(prop::sample::select(keys()[3..].to_vec()), value(), 0..6),
    )
        .prop_map(|(title, date, severity, rest)| {
            let mut entries = vec![
                ("title".to_string(), serde_json::Value::from(title)),
                ("date".to_string(), serde_json::Value::from(date)),
                ("severity".to_string(), serde_json::Value::from(severity)),
            ];
            entries.extend(rest.into_iter().map(|(k, v)| (k.to_string(), v)));
            entries
        })
}

fn yaml_file(entries: &[(String, serde_json::Value)], body: &str) -> String {
    let mut text = String::from("---\n");
    for (key, value) in entries {
        text.push_str(&serde_json::to_string(key).expect("key"));
        text.push_str(": ");
        text.push_str(&serde_json::to_string(value).expect("value"));
        text.push('\n');
    }
    text.push_str("---\n");
    text.push_str(body);
    text
}

fn toml_value(value: &serde_json::Value) -> Option<toml::Value> {
    Some(match value {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        serde_json::Value::String(s) => toml::Value::String(s.clone()),
        serde_json::Value::Array(items) => {
            toml::Value::Array(items.iter().filter_map(toml_value).collect())
        }
        serde_json::Value::Object(map) => toml::Value::Table(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), toml_value(v)?)))
                .collect(),
        ),
    })
}

fn toml_file(entries: &[(String, serde_json::Value)], body: &str) -> String {
    let table: toml::Table = entries
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), toml_value(v)?)))
        .collect();
    format!(
        "+++\n{}+++\n{body}",
        toml::to_string(&table).unwrap_or_default()
    )
}

/// Markdown bodies: random text, links to files that may or may not exist.
fn body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "\\PC{0,30}",
            Just("[a](b.md)".to_string()),
            Just("[a](a.md#nope)".to_string()),
            Just("[j](javascript:x)".to_string()),
            Just("\n\n# Heading\n\n".to_string()),
            Just("> > - [ ] *x*\n".to_string()),
            Just("```rust\nfn x() {}\n```\n".to_string()),
            Just("<script>x</script>".to_string()),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

/// A valid neighbour so that links and slugs have something to meet.
const NEIGHBOUR: &str = "---\ntitle: B\ndate: 2023-01-01\nseverity: minor\ncomponents: [etcd]\nlessons: [x]\n---\n# B\n";

/// Builds a site holding `bytes` as `content/a.md` through the library, and checks
/// the outcome: a site and no error, or no site and at least one error; every
/// diagnostic names a file, and positions in the file are inside it.
fn assert_build_ends_well(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("content");
    fs::create_dir_all(&content).expect("mkdir");
    fs::write(content.join("a.md"), bytes).expect("write");
    fs::write(content.join("b.md"), NEIGHBOUR).expect("write");
    let result = build(&BuildOptions {
        root: dir.path().to_path_buf(),
        ..BuildOptions::default()
    });
    let build = result.map_err(|e| TestCaseError::fail(format!("fatal error: {e}")))?;
    let diags = build.diagnostics;
    prop_assert_eq!(build.plan.is_some(), !diags.has_errors());
    let lines = bytes.split(|&b| b == b'\n').count();
    for d in diags.iter() {
        prop_assert!(!d.location.path.is_empty(), "no path: {d}");
        prop_assert!(!d.message.is_empty(), "no message: {d}");
        if d.location.path == "content/a.md"
            && let Some(pos) = d.location.pos
        {
            prop_assert!(pos.line >= 1 && pos.column >= 1, "{d}");
            prop_assert!(pos.line <= lines, "{d} is past the end ({lines} lines)");
        }
        if d.level == Level::Error {
            prop_assert!(build.plan.is_none());
        }
    }
    // Nothing was written: the library does not touch the disk.
    let entries: Vec<_> = fs::read_dir(dir.path()).expect("list").collect();
    prop_assert_eq!(entries.len(), 1);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        assert_build_ends_well(&bytes)?;
    }

    #[test]
    fn arbitrary_bytes_after_a_fence_never_panic(
        fence in prop::sample::select(&["---\n", "+++\n", "\u{feff}---\r\n", "---\r\n"][..]),
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        close in any::<bool>(),
    ) {
        let mut file = fence.as_bytes().to_vec();
        file.extend(&bytes);
        if close {
            file.extend(b"\n");
            file.extend(fence.trim_start_matches('\u{feff}').as_bytes());
            file.extend(b"body\n");
        }
        assert_build_ends_well(&file)?;
    }

    #[test]
    fn arbitrary_yaml_front_matter_never_panics(entries in front_matter(), body in body()) {
        assert_build_ends_well(yaml_file(&entries, &body).as_bytes())?;
    }

    #[test]
    fn mostly_valid_front_matter_never_panics(entries in mostly_valid_front_matter(), body in body()) {
        assert_build_ends_well(yaml_file(&entries, &body).as_bytes())?;
        assert_build_ends_well(toml_file(&entries, &body).as_bytes())?;
    }

    #[test]
    fn arbitrary_toml_front_matter_never_panics(entries in front_matter(), body in body()) {
        assert_build_ends_well(toml_file(&entries, &body).as_bytes())?;
    }
}

fn run(site: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .arg("--root")
        .arg(site)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run debrief");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

proptest! {
    // The binary is slower to start: a few cases show that the commands agree
    // with the library and write only into the output folder.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn the_commands_agree_and_write_only_the_output(entries in front_matter(), body in body()) {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        fs::create_dir_all(&content).expect("mkdir");
        fs::write(content.join("a.md"), yaml_file(&entries, &body)).expect("write");
        fs::write(content.join("b.md"), NEIGHBOUR).expect("write");
        let (check, json, _) = run(dir.path(), &["check", "--format", "json"]);
        prop_assert!(check == 0 || check == 1, "check exited {}", check);
        let items: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        for item in items.as_array().expect("array") {
            prop_assert!(item["path"].as_str().is_some_and(|p| !p.is_empty()), "{}", item);
            prop_assert!(matches!(item["level"].as_str(), Some("error" | "warning")));
        }
        let errors = items
            .as_array()
            .expect("array")
            .iter()
            .any(|i| i["level"] == "error");
        prop_assert_eq!(check == 1, errors);
        let (built, _, stderr) = run(dir.path(), &["build"]);
        prop_assert_eq!(built, check, "{}", stderr);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let expected: Vec<&str> = if built == 0 { vec!["content", "public"] } else { vec!["content"] };
        prop_assert_eq!(names, expected);
    }
}
