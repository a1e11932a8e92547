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

use debrief::serve::Server;

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
    let server = Arc::new(Server::bind(www.path(), "127.0.0.1:0").expect("bind a local port"));
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
    assert!(out.status.success(), "browser tests failed:\n{report}");
    assert!(
        report.contains(" passed, 0 failed"),
        "browser tests printed no summary:\n{report}"
    );
}
