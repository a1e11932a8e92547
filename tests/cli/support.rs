//! Test support: sites in temporary folders, the real `debrief` binary, and
//! readers for what it writes (HTML through an HTML parser, JSON, XML).

#![allow(dead_code, unreachable_pub)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// A site in a temporary folder.
pub struct Site {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Fails the test with the output when the exit code differs.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code {} (expected {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

impl Site {
    /// An empty site folder with an empty `content/`.
    pub fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir_all(dir.path().join("content")).expect("content dir");
        Site { dir }
    }

    /// An empty folder: no `content/`, nothing at all (for `debrief init`).
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Reads a file of the site folder.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path().join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel} of the site: {e}"))
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::new();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&from, site.path());
        site
    }

    /// A copy of the repository's own site: the sample library.
    pub fn sample() -> Site {
        let site = Site::new();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &site.path().join("content"));
        fs::copy(repo.join("debrief.toml"), site.path().join("debrief.toml")).expect("config");
        site
    }

    /// The site folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the site folder.
    pub fn write(&self, rel: &str, text: &str) -> &Site {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Writes raw bytes.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Site {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
        self
    }

    /// Runs `debrief COMMAND` with the colour variables of the environment removed
    /// and `env` set, expects `code`, and returns what it printed to stderr.
    pub fn stderr_with_env(&self, command: &str, env: &[(&str, &str)], code: i32) -> String {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_debrief"));
        cmd.arg("--root")
            .arg(self.path())
            .arg(command)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run debrief");
        assert_eq!(output.status.code(), Some(code));
        String::from_utf8(output.stderr).expect("utf-8")
    }

    /// Runs `debrief --root SITE ARGS...`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_debrief"));
        command
            .arg("--root")
            .arg(self.path())
            .args(args)
            .env("NO_COLOR", "1");
        Run::from(command.output().expect("run debrief"))
    }

    /// Builds into `public/`, expecting success.
    pub fn build(&self, args: &[&str]) -> Output_ {
        let run = self.run(&[&["build"], args].concat());
        run.expect_code(0);
        Output_ {
            dir: self.path().join("public"),
            base_path: "/".into(),
            stderr: run.stderr,
        }
    }

    /// Builds under a sub-path base URL, expecting success.
    pub fn build_under(&self, base_url: &str, args: &[&str]) -> Output_ {
        let mut out = self.build(&[&["--base-url", base_url], args].concat());
        let path = base_url.splitn(4, '/').nth(3).unwrap_or("");
        out.base_path = format!("/{}", path.trim_end_matches('/'));
        if !out.base_path.ends_with('/') {
            out.base_path.push('/');
        }
        out
    }
}

/// A built site.
pub struct Output_ {
    pub dir: PathBuf,
    /// The path part of the base URL, starting and ending in `/`.
    pub base_path: String,
    pub stderr: String,
}

impl Output_ {
    /// The same output, read as served under `base_path` (set by the site's config).
    pub fn served_under(mut self, base_path: &str) -> Output_ {
        self.base_path = base_path.to_string();
        self
    }

    /// Reads a file of the output.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel} of the output: {e}"))
    }

    /// Parses an HTML page of the output.
    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }

    /// Parses `incidents.json`.
    pub fn export(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("incidents.json")).expect("incidents.json is JSON")
    }

    /// Every file of the output, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut files: Vec<String> = walkdir::WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&self.dir)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }

    /// Maps a site URL path (with the base path) to an output file, as a static host would.
    pub fn file_for_url(&self, url_path: &str) -> Option<PathBuf> {
        let rest = url_path.strip_prefix(&self.base_path)?;
        let rest = percent_decode(rest);
        let path = self.dir.join(&rest);
        if path.is_dir() {
            let index = path.join("index.html");
            return index.is_file().then_some(index);
        }
        path.is_file().then_some(path)
    }

    /// Crawls every HTML page and checks every internal link and anchor. Returns the
    /// problems found (empty when every link works).
    pub fn dead_links(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
        let pages: Vec<String> = self
            .files()
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .collect();
        let id_sel = Selector::parse("[id]").expect("selector");
        let name_sel = Selector::parse("a[name]").expect("selector");
        for page in &pages {
            let doc = self.html(page);
            let set = doc
                .select(&id_sel)
                .filter_map(|e| e.value().attr("id"))
                .chain(doc.select(&name_sel).filter_map(|e| e.value().attr("name")))
                .map(str::to_string)
                .collect();
            ids.insert(self.dir.join(page), set);
        }
        let link_sel =
            Selector::parse("a[href], link[href], script[src], img[src]").expect("selector");
        for page in &pages {
            let doc = self.html(page);
            let page_path = self.dir.join(page);
            for element in doc.select(&link_sel) {
                let value = element.value();
                let target = value
                    .attr("href")
                    .or_else(|| value.attr("src"))
                    .unwrap_or("");
                if target.starts_with("http://")
                    || target.starts_with("https://")
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                if target.is_empty() {
                    problems.push(format!("{page}: empty link"));
                    continue;
                }
                let (path, fragment) = match target.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (target, None),
                };
                let path = path.split('?').next().unwrap_or("");
                let file = if path.is_empty() {
                    Some(page_path.clone())
                } else if path.starts_with('/') {
                    self.file_for_url(path)
                } else {
                    problems.push(format!("{page}: relative link `{target}`"));
                    continue;
                };
                let Some(file) = file else {
                    problems.push(format!("{page}: dead link `{target}`"));
                    continue;
                };
                // Fragments name elements of HTML pages; in other files (a log's
                // `#L2`) they are the reader's business.
                let is_page = file.extension().is_some_and(|e| e == "html");
                if let Some(fragment) = fragment.filter(|f| !f.is_empty() && is_page) {
                    let fragment = percent_decode(fragment);
                    let known = ids.get(&file).is_some_and(|set| set.contains(&fragment));
                    if !known {
                        problems.push(format!("{page}: dead anchor `{target}`"));
                    }
                }
            }
        }
        problems
    }
}

/// Text of every element matching `selector`, trimmed.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// An attribute of every element matching `selector`.
pub fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("mkdir");
        } else {
            fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// A minimal valid incident, with extra front-matter lines.
pub fn incident(title: &str, date: &str, severity: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\nseverity: {severity}\n{extra}---\n## Summary\n\nWhat happened to {title}.\n"
    )
}
