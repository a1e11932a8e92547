//! Broken sites, one per failure mode, in `tests/bad/<case>/`. Each case folder is
//! a site plus an `expect.toml` that lists every diagnostic it must produce (level,
//! path, line, column, the whole message and the whole help line) and the exit codes.
//!
//! For each case the site is copied into a temporary folder next to an `outside/`
//! folder, a previous output of a good build is put in its output folder, then the
//! real binary runs `build`, `check`, `check --format json` and `check --strict`.
//! The test compares the diagnostics of all three with the expectation, and checks
//! that a failed build left the previous output byte for byte as it was and that
//! nothing outside the output folder changed, whatever the build did.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// A run that takes longer than this is a hang.
const WATCHDOG: Duration = Duration::from_secs(60);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// What the case shows.
    about: String,
    /// Exit code of `debrief build`.
    build: i32,
    /// Exit code of `debrief check` (default: the build's).
    check: Option<i32>,
    /// `--output` for the build, relative to the site folder.
    output: Option<String>,
    /// What is in the output folder before the build: `debrief` (a good build's
    /// output, the default), `user` (someone's own file, no marker) or `none`.
    #[serde(default = "default_previous")]
    previous: String,
    /// A phrase the build's stderr must contain.
    build_stderr: Option<String>,
    /// Texts that no output file may contain (for a successful build).
    #[serde(default)]
    absent: Vec<String>,
    /// Every diagnostic `check` must report, and no others.
    #[serde(default)]
    diagnostics: Vec<ExpectedDiagnostic>,
    /// Symbolic links to create in the copy (git keeps none that point outside).
    #[serde(default)]
    symlinks: Vec<Symlink>,
    /// Large or deep files, generated rather than committed.
    #[serde(default)]
    generate: Vec<Generate>,
}

fn default_previous() -> String {
    "debrief".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedDiagnostic {
    level: String,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    /// The whole message.
    message: String,
    /// The whole help line; none expects no help line.
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Symlink {
    /// The link, relative to the site folder.
    path: String,
    /// What it points to, written into the link as is.
    target: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    /// The file, relative to the site folder.
    path: String,
    /// Text at the start of the file.
    head: String,
    /// `repeat`: `text` `count` times; `list`: a Markdown list nested `count`
    /// deep; `quote`: a block quote nested `count` deep; `map`: YAML keys nested
    /// `count` deep.
    kind: String,
    #[serde(default)]
    text: String,
    count: usize,
    /// Text at the end of the file.
    #[serde(default)]
    tail: String,
}

/// One diagnostic as the binary printed it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    level: String,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    help: Option<String>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

fn case_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(cases_dir())
        .expect("tests/bad")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("expect.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read case") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every entry under `dir`, not following links: files with their bytes, links
/// with their targets, folders as such.
fn snapshot(dir: &Path, skip: Option<&Path>) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if skip.is_some_and(|s| path == s) {
                continue;
            }
            let meta = fs::symlink_metadata(&path).expect("metadata");
            let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("read link");
                out.insert(rel, format!("link -> {}", target.display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(rel, b"dir".to_vec());
                stack.push(path);
            } else {
                out.insert(rel, fs::read(&path).expect("read"));
            }
        }
    }
    out
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a watchdog: a hang fails the test instead of stalling it.
fn run(site: &Path, args: &[&str], scratch: &Path) -> Result<Outcome, String> {
    let out_path = scratch.join("stdout");
    let err_path = scratch.join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .arg("--root")
        .arg(site)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).expect("stdout file"))
        .stderr(fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn debrief");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "`debrief {}` did not finish in {WATCHDOG:?}",
                args.join(" ")
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Outcome {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&fs::read(&out_path).expect("stdout")).into_owned(),
        stderr: String::from_utf8_lossy(&fs::read(&err_path).expect("stderr")).into_owned(),
    })
}

/// Parses `level: PATH:LINE:COL: message` (or `level: PATH: message`) lines and
/// their `  help:` lines.
fn parse_text(stderr: &str) -> Vec<Seen> {
    let mut seen: Vec<Seen> = Vec::new();
    for line in stderr.lines() {
        if let Some(help) = line.strip_prefix("  help: ") {
            if let Some(last) = seen.last_mut() {
                last.help = Some(help.to_string());
            }
            continue;
        }
        let Some((level, rest)) = line
            .split_once(": ")
            .filter(|(l, _)| *l == "error" || *l == "warning")
        else {
            continue;
        };
        let Some((location, message)) = rest.split_once(": ") else {
            continue;
        };
        let mut parts = location.rsplitn(3, ':');
        let (c, l, p) = (parts.next(), parts.next(), parts.next());
        let (path, line_no, column) = match (
            p,
            l.and_then(|l| l.parse().ok()),
            c.and_then(|c| c.parse().ok()),
        ) {
            (Some(p), Some(l), Some(c)) => (p.to_string(), Some(l), Some(c)),
            _ => (location.to_string(), None, None),
        };
        seen.push(Seen {
            level: level.to_string(),
            path,
            line: line_no,
            column,
            message: message.to_string(),
            help: None,
        });
    }
    seen.sort();
    seen
}

fn parse_json(stdout: &str) -> Result<Vec<Seen>, String> {
    let value: serde_json::Value =
        serde_json::from_str(stdout).map_err(|e| format!("check --format json: {e}\n{stdout}"))?;
    let items = value
        .as_array()
        .ok_or("check --format json is not an array")?;
    let mut seen = Vec::new();
    for item in items {
        let keys: Vec<&str> = item
            .as_object()
            .ok_or("a JSON diagnostic is not an object")?
            .keys()
            .map(String::as_str)
            .collect();
        if keys != ["column", "help", "level", "line", "message", "path"] {
            return Err(format!("JSON diagnostic keys are {keys:?}"));
        }
        let text = |key: &str| item[key].as_str().map(str::to_string);
        let number = |key: &str| item[key].as_u64().map(|n| n as usize);
        seen.push(Seen {
            level: text("level").ok_or("level")?,
            path: text("path").ok_or("path")?,
            line: number("line"),
            column: number("column"),
            message: text("message").ok_or("message")?,
            help: text("help"),
        });
    }
    seen.sort();
    Ok(seen)
}

fn matches(expected: &ExpectedDiagnostic, seen: &Seen) -> bool {
    expected.level == seen.level
        && expected.path == seen.path
        && expected.line == seen.line
        && expected.column == seen.column
        && expected.message == seen.message
        && expected.help == seen.help
}

/// Every expected diagnostic is seen once, and nothing else is.
fn compare(what: &str, expected: &[ExpectedDiagnostic], seen: &[Seen]) -> Result<(), String> {
    let mut left: Vec<&Seen> = seen.iter().collect();
    let mut missing = Vec::new();
    for e in expected {
        match left.iter().position(|s| matches(e, s)) {
            Some(i) => {
                left.remove(i);
            }
            None => missing.push(e),
        }
    }
    if missing.is_empty() && left.is_empty() {
        return Ok(());
    }
    let missing: Vec<String> = missing
        .iter()
        .map(|e| {
            format!(
                "{} {}:{:?}:{:?} {:?} help {:?}",
                e.level, e.path, e.line, e.column, e.message, e.help
            )
        })
        .collect();
    let left: Vec<String> = left.iter().map(|s| show(s)).collect();
    Err(format!(
        "{what}: missing\n  {}\nunexpected\n  {}",
        missing.join("\n  "),
        left.join("\n  ")
    ))
}

fn show(s: &Seen) -> String {
    format!(
        "{} {}:{:?}:{:?} {:?} help {:?}",
        s.level, s.path, s.line, s.column, s.message, s.help
    )
}

fn generate(site: &Path, g: &Generate) {
    let mut text = g.head.clone();
    match g.kind.as_str() {
        "repeat" => text.push_str(&g.text.repeat(g.count)),
        "list" => {
            for depth in 0..g.count {
                text.push_str(&"  ".repeat(depth));
                text.push_str("- item\n");
            }
        }
        "quote" => {
            text.push_str(&">".repeat(g.count));
            text.push_str(" deep\n");
        }
        "map" => {
            for depth in 1..=g.count {
                text.push_str(&"  ".repeat(depth));
                text.push_str("a:\n");
            }
        }
        other => panic!("unknown generate kind {other}"),
    }
    text.push_str(&g.tail);
    let path = site.join(&g.path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write generated");
}

/// The output of a real, successful build of a small good site.
fn good_output(scratch: &Path) -> PathBuf {
    let site = scratch.join("good");
    fs::create_dir_all(site.join("content")).expect("mkdir");
    fs::write(
        site.join("content/earlier.md"),
        "---\ntitle: An earlier incident\ndate: 2022-05-01\nseverity: minor\ncomponents: [etcd]\nlessons: [Keep backups.]\n---\nIt went fine in the end.\n",
    )
    .expect("write");
    let outcome = run(&site, &["build"], scratch).expect("good build");
    assert_eq!(outcome.code, 0, "good build failed: {}", outcome.stderr);
    site.join("public")
}

fn run_case(name: &str, good: &Path) -> Result<(), String> {
    let case_dir = cases_dir().join(name);
    let expect: Expect = toml::from_str(
        &fs::read_to_string(case_dir.join("expect.toml")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| format!("expect.toml: {e}"))?;
    assert!(!expect.about.is_empty());
    let temp = tempfile::tempdir().expect("temp dir");
    let scratch = temp.path().join("scratch");
    fs::create_dir_all(&scratch).expect("scratch");
    let world = temp.path().join("world");
    let site = world.join("site");
    copy_dir(&case_dir, &site);
    fs::remove_file(site.join("expect.toml")).expect("remove expect.toml");
    fs::create_dir_all(world.join("outside")).expect("outside");
    fs::write(
        world.join("outside/secret.md"),
        "---\ntitle: Outside\ndate: 2023-01-01\nseverity: minor\n---\nOUTSIDE-SECRET-TEXT\n",
    )
    .expect("secret");
    for link in &expect.symlinks {
        let path = site.join(&link.path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::os::unix::fs::symlink(&link.target, &path).expect("symlink");
    }
    for g in &expect.generate {
        generate(&site, g);
    }

    let output = match &expect.output {
        Some(rel) => site.join(rel),
        None => site.join("public"),
    };
    match expect.previous.as_str() {
        "debrief" => copy_dir(good, &output),
        "user" => {
            fs::create_dir_all(&output).expect("mkdir");
            fs::write(output.join("thesis.txt"), "a user's own file").expect("write");
        }
        "none" => {}
        other => return Err(format!("unknown previous {other}")),
    }
    let inside_output = output.starts_with(&site) && output != site;
    let skip = inside_output.then_some(output.as_path());
    let world_before = snapshot(&world, skip);
    let output_before = snapshot(&output, None);

    // build
    let mut args = vec!["build"];
    let output_arg = output.to_string_lossy().into_owned();
    if expect.output.is_some() {
        args.extend(["--output", &output_arg]);
    }
    let build = run(&site, &args, &scratch)?;
    if build.code != expect.build {
        return Err(format!(
            "build exited {} (expected {})\n{}",
            build.code, expect.build, build.stderr
        ));
    }
    if let Some(phrase) = &expect.build_stderr
        && !build.stderr.contains(phrase.as_str())
    {
        return Err(format!("build stderr lacks `{phrase}`:\n{}", build.stderr));
    }
    if snapshot(&world, skip) != world_before {
        return Err("the build changed files outside its output folder".into());
    }
    if build.code != 0 {
        if snapshot(&output, None) != output_before {
            return Err("a failed build changed the previous output".into());
        }
    } else {
        let after = snapshot(&output, None);
        if !after.contains_key(Path::new(".debrief-output"))
            || !after.contains_key(Path::new("index.html"))
            || after == output_before
        {
            return Err("a successful build did not replace the output".into());
        }
        for (path, bytes) in &after {
            let text = String::from_utf8_lossy(bytes);
            for phrase in &expect.absent {
                if text.contains(phrase.as_str()) {
                    return Err(format!("{} contains `{phrase}`", path.display()));
                }
            }
        }
    }

    // check, in text and JSON, and strict: they write nothing
    let output_after_build = snapshot(&output, None);
    let check_code = expect.check.unwrap_or(expect.build);
    let check = run(&site, &["check"], &scratch)?;
    if check.code != check_code {
        return Err(format!(
            "check exited {} (expected {check_code})\n{}",
            check.code, check.stderr
        ));
    }
    let text = parse_text(&check.stderr);
    compare("check", &expect.diagnostics, &text)?;
    // A build refused or failing while writing prints its own error instead.
    if expect.output.is_none() && expect.previous != "user" && expect.build_stderr.is_none() {
        compare("build", &expect.diagnostics, &parse_text(&build.stderr))?;
    }
    let json = run(&site, &["check", "--format", "json"], &scratch)?;
    if json.code != check_code {
        return Err(format!("check --format json exited {}", json.code));
    }
    let json_seen = parse_json(&json.stdout)?;
    if json_seen != text {
        let text: Vec<String> = text.iter().map(show).collect();
        let json: Vec<String> = json_seen.iter().map(show).collect();
        return Err(format!(
            "text and JSON disagree:\n  {}\nJSON:\n  {}",
            text.join("\n  "),
            json.join("\n  ")
        ));
    }
    let strict = run(&site, &["check", "--strict"], &scratch)?;
    let strict_code = if text.is_empty() { check_code } else { 1 };
    if strict.code != strict_code {
        return Err(format!(
            "check --strict exited {} (expected {strict_code})",
            strict.code
        ));
    }
    if snapshot(&world, skip) != world_before || snapshot(&output, None) != output_after_build {
        return Err("check changed files".into());
    }
    Ok(())
}

#[test]
fn every_bad_site_gives_its_diagnostics_and_loses_nothing() {
    let names = case_names();
    assert!(names.len() >= 24, "only {} cases", names.len());
    let good_site = tempfile::tempdir().expect("temp dir");
    let good = good_output(good_site.path());
    let good = good.as_path();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<String>> = (0..2)
            .map(|k| names.iter().skip(k).step_by(2).cloned().collect())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|name| {
                            run_case(name, good)
                                .err()
                                .map(|e| format!("== {name}\n{e}"))
                        })
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("case thread"))
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
