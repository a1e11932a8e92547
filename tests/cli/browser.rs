//! Browser tests: builds the fixture site in `tests/browser/fixture/` and the
//! sample library under sub-path base URLs, serves both with the crate's own
//! static server, and runs `tests/browser/run.mjs` (playwright-core driving
//! Debian's Chromium, axe-core, html-validate) against them.
//!
//! Needs Chromium at /usr/bin/chromium (or `DEBRIEF_CHROMIUM`) and Node with
//! npm; `.ci/run` installs them. Screenshots land in `target/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use debrief::render::{OutputFile, Plan};
use debrief::serve::{LiveSite, Server};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the site at `root` into `output` for `base_url`, failing with the
/// binary's output when the build fails.
fn build(root: &Path, output: &Path, base_url: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .arg("--base-url")
        .arg(base_url)
        .output()
        .expect("run debrief");
    assert!(
        out.status.success(),
        "building {} failed:\n{}{}",
        root.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir` as a plan, for the server to answer from memory.
fn plan_of(dir: &Path) -> Plan {
    let mut plan = Plan::default();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk the built sites");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("inside");
            let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
            plan.files.push(OutputFile {
                path: parts.join("/"),
                bytes: std::fs::read(entry.path()).expect("read a built file"),
            });
        }
    }
    plan.sort();
    plan
}

/// Runs a command in `dir`, failing with its output when it fails.
fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{program}` ({e}): install Node.js and npm"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "`{program} {}` failed in {}:\n{text}",
        args.join(" "),
        dir.display()
    );
    text
}

#[test]
fn the_theme_works_in_a_real_browser() {
    let chromium = std::env::var("DEBRIEF_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "the browser tests need Chromium at {chromium}: install it with `apt-get install -y chromium` \
         (or set DEBRIEF_CHROMIUM to its path)"
    );
    let tests = manifest_dir().join("tests/browser");
    if !tests.join("node_modules/playwright-core").exists() {
        run(&tests, "npm", &["ci", "--no-audit", "--no-fund"]);
    }

    let www = tempfile::tempdir().expect("temp dir");
    let site = Arc::new(LiveSite::new());
    let server = Arc::new(
        Server::bind("127.0.0.1:0", Arc::clone(&site))
            .expect("bind a local port")
            .without_live_reload(),
    );
    let origin = format!("http://{}", server.local_addr());
    let serving = Arc::clone(&server);
    let thread = std::thread::spawn(move || serving.run());

    let fixture_url = format!("{origin}/fixture/sub/path/");
    let sample_url = format!("{origin}/sample/");
    build(
        &tests.join("fixture"),
        &www.path().join("fixture/sub/path"),
        &fixture_url,
    );
    build(&manifest_dir(), &www.path().join("sample"), &sample_url);
    site.publish(plan_of(www.path()));

    let screenshots = manifest_dir().join("target/screenshots");
    let out = Command::new("node")
        .arg("run.mjs")
        .arg("--site")
        .arg(format!("fixture={fixture_url}"))
        .arg("--site")
        .arg(format!("sample={sample_url}"))
        .arg("--screenshots")
        .arg(&screenshots)
        .env("DEBRIEF_CHROMIUM", &chromium)
        .current_dir(&tests)
        .output()
        .expect("run node: install Node.js");
    server.stop();
    let _ = thread.join();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Shown with `cargo test --test cli browser -- --nocapture`.
    println!("{report}");
    assert!(out.status.success(), "browser tests failed:\n{report}");
    assert!(
        report.contains(" passed, 0 failed"),
        "browser tests printed no summary:\n{report}"
    );
}

#[test]
fn the_theme_assets_stay_small() {
    let size = |name: &str| {
        std::fs::metadata(manifest_dir().join("static").join(name))
            .unwrap_or_else(|e| panic!("static/{name}: {e}"))
            .len()
    };
    let total = size("debrief.css") + size("debrief.js");
    assert!(
        total < 60 * 1024,
        "debrief.css and debrief.js together are {total} bytes (budget: 60 KiB)"
    );
}

#[test]
fn the_search_index_has_a_small_head_and_text_shards() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    build(
        &manifest_dir().join("tests/browser/fixture"),
        &site,
        "https://example.org/docs/incidents/",
    );
    let read = |rel: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let head = read("search/index.json");
    assert_eq!(head["prefix"], "/docs/incidents/incidents/");
    assert_eq!(head["shards"], serde_json::json!(["shard-0.json"]));
    let names = head["components"].as_array().expect("component names");
    let docs = head["docs"].as_array().expect("docs");
    let titles: Vec<&str> = docs.iter().map(|d| d[0].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Envoy certificate expiry takes down the edge",
            "DNS failover flaps between regions for an hour",
            "数据库连接池耗尽导致支付服务中断",
            "Nightly batch exhausts the shared database quota",
        ]
    );
    let envoy = &docs[0];
    assert_eq!(envoy[1], "envoy-certificate-expiry");
    assert_eq!(envoy[2], "2024-03-02");
    assert_eq!(
        head["severities"][envoy[3].as_u64().unwrap() as usize][0],
        "SEV1"
    );
    let components: Vec<&str> = envoy[4]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| names[c.as_u64().unwrap() as usize].as_str().unwrap())
        .collect();
    assert_eq!(components, ["Envoy", "cert-manager"]);
    // The alias in the DNS incident resolves to the same component.
    assert!(docs[1][4].as_array().unwrap().contains(&envoy[4][0]));

    let shard = read("search/shard-0.json");
    let texts = shard.as_array().expect("shard");
    assert_eq!(texts.len(), docs.len());
    assert!(
        texts[0][0]
            .as_str()
            .unwrap()
            .starts_with("The wildcard certificate")
    );
    assert_eq!(
        texts[0][1][1],
        "Rehearse a manual certificate rotation every quarter."
    );
    assert!(texts[2][2].as_str().unwrap().contains("灰度发布"));
}
