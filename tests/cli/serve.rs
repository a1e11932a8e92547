//! `debrief serve` (SPEC §7): the real binary on a temporary site, asked over real
//! HTTP. Every server started here is killed when its test ends, pass or fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::support::{Site, incident};

/// Generous: the machine running the tests may be busy.
const PATIENCE: Duration = Duration::from_secs(120);

/// A running `debrief serve`, killed on drop.
struct Serving {
    child: Child,
    addr: SocketAddr,
    /// Lines the server printed to stderr after its address.
    log: Receiver<String>,
    /// Lines read while waiting for another one, in order: the server's threads
    /// print concurrently, so a line may come before the one waited for.
    passed: Vec<String>,
}

impl Serving {
    fn start(site: &Site, args: &[&str]) -> Serving {
        Serving::start_with(site, args, &[])
    }

    fn start_with(site: &Site, args: &[&str], env: &[(&str, String)]) -> Serving {
        let mut command = Command::new(env!("CARGO_BIN_EXE_debrief"));
        command
            .arg("--root")
            .arg(site.path())
            .args(["serve", "--port", "0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start debrief serve");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, log) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut serving = Serving {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
            passed: Vec::new(),
        };
        let line = serving.wait_for_line(|l| l.starts_with("serving "));
        let url = line
            .split(" at http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        serving.addr = url.parse().expect("address");
        serving
    }

    /// Waits for a line of the server's log that matches, returning it.
    /// A line read earlier, while waiting for another one, counts: none is missed.
    fn wait_for_line(&mut self, matches: impl Fn(&str) -> bool) -> String {
        if let Some(i) = self.passed.iter().position(|l| matches(l)) {
            return self.passed.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if matches(&line) => return line,
                Ok(line) => self.passed.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server never printed the line; it printed:\n{}",
                        self.passed.join("\n")
                    )
                }
            }
        }
    }

    fn get(&self, target: &str) -> Answer {
        get(self.addr, target)
    }

    /// Fetches `target` until `done` holds for the answer.
    fn get_until(&self, target: &str, done: impl Fn(&Answer) -> bool) -> Answer {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let answer = self.get(target);
            if done(&answer) {
                return answer;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting on {target}; last answer {}:\n{}",
                answer.status,
                answer.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn events(&self) -> Events {
        Events::open(self.addr)
    }

    /// Stops the server and returns every line it printed that was not read yet:
    /// the log ends when the process's stderr closes.
    fn stop(&mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut printed = std::mem::take(&mut self.passed);
        printed.extend(self.log.iter());
        printed
    }
}

/// Asks `probe` again until it answers, failing after `PATIENCE`.
fn poll_until<T>(probe: impl Fn() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// A raw HTTP/1.1 GET: the target goes on the wire exactly as written.
fn get(addr: SocketAddr, target: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("end of headers");
    let status = head
        .split(' ')
        .nth(1)
        .expect("status")
        .parse()
        .expect("code");
    Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// The server-sent event stream a page listens to.
struct Events {
    stream: TcpStream,
    buffer: String,
}

impl Events {
    fn open(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        write!(
            stream,
            "GET /__debrief/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .expect("send");
        let mut events = Events {
            stream,
            buffer: String::new(),
        };
        let head = events.until("\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        events
    }

    /// Reads up to and including `end`, returning what came before it.
    fn until(&mut self, end: &str) -> String {
        let mut chunk = [0u8; 4096];
        while !self.buffer.contains(end) {
            let n = self.stream.read(&mut chunk).expect("event stream read");
            assert!(n > 0, "event stream closed; got {:?}", self.buffer);
            self.buffer.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
        let at = self.buffer.find(end).expect("found");
        let before = self.buffer[..at].to_string();
        self.buffer.drain(..at + end.len());
        before
    }

    /// The next event, as (name, data lines joined with newlines); comments skipped.
    fn next(&mut self) -> (String, String) {
        loop {
            let block = self.until("\n\n");
            let mut name = String::from("message");
            let mut data = Vec::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = value.to_string();
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push(value.to_string());
                }
            }
            if !data.is_empty() {
                return (name, data.join("\n"));
            }
        }
    }

    /// The data of the next event called `name`, passing over the others: one save
    /// can reach the watcher as two changes (the file emptied, then written), and
    /// every rebuild announces itself.
    fn next_named(&mut self, name: &str) -> String {
        loop {
            let (found, data) = self.next();
            if found == name {
                return data;
            }
        }
    }
}

fn site() -> Site {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Serve Test\"\nbase_url = \"https://example.com/library/\"\n",
    );
    site.write(
        "content/incidents/disk-full.md",
        &incident(
            "Disk full on the primary",
            "2024-03-01",
            "production",
            "summary: The log volume filled up.\n",
        ),
    );
    site.write(
        "content/incidents/dns.md",
        &incident("DNS outage", "2024-01-05", "minor", ""),
    );
    site
}

fn script_tags(html: &str) -> usize {
    html.matches("<script data-debrief-generation=").count()
}

#[test]
fn serves_the_site_with_live_reload_on_a_local_base_url() {
    let site = site();
    let server = Serving::start(&site, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Disk full on the primary"));
    assert_eq!(script_tags(&home.body), 1);
    assert_eq!(server.get("/incidents/disk-full/").status, 200);
    // Permalinks point at the local server, whatever base_url the config has.
    let export = server.get("/incidents.json");
    assert_eq!(export.header("content-type"), Some("application/json"));
    let export: serde_json::Value = serde_json::from_str(&export.body).expect("json");
    let local = format!("http://{}/", server.addr);
    assert_eq!(export["site"]["base_url"], local.as_str());
    assert_eq!(
        export["incidents"][0]["permalink"],
        format!("{local}incidents/disk-full/").as_str()
    );
    let css = server.get("/debrief.css");
    assert_eq!(css.status, 200);
    assert!(!css.body.contains("data-debrief"));
    assert_eq!(server.get("/incidents/disk-full").status, 301);
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(script_tags(&missing.body), 1);
    // Nothing is written into the site folder.
    assert!(!site.path().join("public").exists());
}

#[test]
fn edit_break_and_fix_are_followed_live() {
    let site = site();
    let server = Serving::start(&site, &[]);
    let mut events = server.events();
    let (name, generation) = events.next();
    assert_eq!(name, "ready");
    let before = server.get("/incidents/dns/");
    assert!(before.body.contains("DNS outage"));

    // An edit: the new text is served and a reload is announced.
    site.write(
        "content/incidents/dns.md",
        &incident(
            "DNS outage, resolver pool exhausted",
            "2024-01-05",
            "minor",
            "",
        ),
    );
    let data = events.next_named("reload");
    assert_ne!(data, generation);
    let after = server.get("/incidents/dns/");
    assert!(after.body.contains("DNS outage, resolver pool exhausted"));

    // A break: the browser is told why, the last good page stays served under an overlay.
    site.write(
        "content/incidents/dns.md",
        &incident("DNS outage, half written", "2024-01-05", "sev9", ""),
    );
    let report = events.next_named("failure");
    assert!(
        report.contains("error: content/incidents/dns.md:4:11: unknown severity `sev9`"),
        "{report}"
    );
    let broken = server.get("/incidents/dns/");
    assert_eq!(broken.status, 200);
    assert!(broken.body.contains("DNS outage, resolver pool exhausted"));
    assert!(!broken.body.contains("half written"));
    let overlay = scraper::Html::parse_document(&broken.body);
    let selector = scraper::Selector::parse("#debrief-overlay pre").expect("selector");
    let shown: String = overlay
        .select(&selector)
        .next()
        .expect("the overlay is on the page")
        .text()
        .collect();
    assert!(
        shown.contains("content/incidents/dns.md:4:11: unknown severity `sev9`"),
        "{shown}"
    );
    assert!(shown.contains("help: "), "{shown}");

    // A fix: the site recovers and the browsers reload.
    site.write(
        "content/incidents/dns.md",
        &incident("DNS outage, fixed", "2024-01-05", "minor", ""),
    );
    events.next_named("reload");
    let fixed = server.get("/incidents/dns/");
    assert!(fixed.body.contains("DNS outage, fixed"));
    assert!(!fixed.body.contains("<div id=\"debrief-overlay\""));
}

#[test]
fn new_renamed_and_deleted_files_rebuild_the_site() {
    let site = site();
    let server = Serving::start(&site, &[]);
    site.write(
        "content/incidents/new.md",
        &incident("A brand new incident", "2024-04-01", "minor", ""),
    );
    server.get_until("/incidents/new/", |a| a.status == 200);
    std::fs::rename(
        site.path().join("content/incidents/new.md"),
        site.path().join("content/incidents/renamed.md"),
    )
    .expect("rename");
    server.get_until("/incidents/renamed/", |a| a.status == 200);
    assert_eq!(server.get("/incidents/new/").status, 404);
    std::fs::remove_file(site.path().join("content/incidents/renamed.md")).expect("delete");
    server.get_until("/incidents/renamed/", |a| a.status == 404);
    // Templates and static files are watched too, even when their folders are new.
    site.write("static/robots.txt", "User-agent: *\n");
    let robots = server.get_until("/robots.txt", |a| a.status == 200);
    assert_eq!(robots.body, "User-agent: *\n");
    // The config too.
    site.write("debrief.toml", "title = \"Renamed Library\"\n");
    server.get_until("/", |a| a.body.contains("Renamed Library"));
}

#[test]
fn a_site_that_never_built_shows_why_and_recovers() {
    let site = Site::new();
    site.write(
        "content/incidents/x.md",
        "---\ntitle: No date\nseverity: minor\n---\nBody.\n",
    );
    let server = Serving::start(&site, &[]);
    let answer = server.get("/");
    assert_eq!(answer.status, 503);
    assert!(
        answer.body.contains("content/incidents/x.md:1:1"),
        "{}",
        answer.body
    );
    site.write(
        "content/incidents/x.md",
        &incident("Now it builds", "2024-02-02", "minor", ""),
    );
    server.get_until("/incidents/x/", |a| {
        a.status == 200 && a.body.contains("Now it builds")
    });
}

#[test]
fn no_path_outside_the_site_can_be_fetched() {
    let site = site();
    site.write("secret.txt", "TOP-SECRET");
    let server = Serving::start(&site, &[]);
    for target in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2Fsecret.txt",
        "/incidents/..%2f..%2fdebrief.toml",
        "/%5c..%5csecret.txt",
        "/..\\secret.txt",
        "/incidents/../../secret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/secret.txt",
        "/content/incidents/dns.md",
        "/debrief.toml",
        "/secret.txt%00.html",
        "/C:/Windows/win.ini",
    ] {
        let answer = server.get(target);
        assert!(
            answer.status == 400 || answer.status == 404,
            "{target}: {}",
            answer.status
        );
        assert!(!answer.body.contains("TOP-SECRET"), "{target} leaked");
        assert!(!answer.body.contains("severity: minor"), "{target} leaked");
        assert!(!answer.body.contains("root:"), "{target} leaked");
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let run = site().run(&["serve", "--port", &port]);
    run.expect_code(1);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: cannot listen on 127.0.0.1:{port}: address already in use; try --port {}",
            port.parse::<u16>().expect("port") + 1
        )
    );
}

#[test]
fn open_starts_a_browser_on_the_local_address() {
    let site = site();
    let bin = tempfile::tempdir().expect("bin dir");
    let opened = bin.path().join("opened.txt");
    let opener = bin.path().join(if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    });
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" > '{}'\n",
            opened.display()
        ),
    )
    .expect("opener");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let server = Serving::start_with(&site, &["--open"], &[("PATH", path)]);
    // The opener writes the URL and a newline; a file without the newline is still
    // being written.
    let url = poll_until(|| {
        std::fs::read_to_string(&opened)
            .ok()
            .filter(|text| text.ends_with('\n'))
    })
    .expect("the browser was opened");
    assert_eq!(url.trim(), format!("http://{}/", server.addr));
}

#[test]
fn drafts_are_served_only_when_asked() {
    let site = site();
    site.write(
        "content/incidents/wip.md",
        &incident("Work in progress", "2024-05-01", "minor", "draft: true\n"),
    );
    let plain = Serving::start(&site, &[]);
    assert_eq!(plain.get("/incidents/wip/").status, 404);
    drop(plain);
    let drafts = Serving::start(&site, &["--drafts"]);
    assert_eq!(drafts.get("/incidents/wip/").status, 200);
}

#[test]
fn the_reload_script_never_reaches_a_built_site() {
    let site = site();
    let out = site.build(&[]);
    for file in out.files() {
        let text =
            std::fs::read_to_string(site.path().join("public").join(&file)).unwrap_or_default();
        assert!(!text.contains("data-debrief-events"), "{file}");
        assert!(!text.contains("__debrief/events"), "{file}");
        assert!(!text.contains("debrief-overlay"), "{file}");
    }
    assert!(out.files().iter().any(|f| f.ends_with(".html")));
}

/// A served HTML page without the live-reload snippet, as `debrief build` writes it.
fn without_snippet(html: &str) -> String {
    let start = html
        .find("<script data-debrief-generation=")
        .unwrap_or_else(|| panic!("no reload snippet in {html}"));
    let end = start + html[start..].find("</script>\n").expect("snippet end") + "</script>\n".len();
    format!("{}{}", &html[..start], &html[end..])
}

#[test]
fn an_edited_site_is_served_as_debrief_build_writes_it() {
    let site = site();
    site.write(
        "content/incidents/cache.md",
        &incident(
            "Cache stampede",
            "2024-02-10",
            "minor",
            "tags: [cache]\ncomponents: [edge]\n",
        ),
    );
    let server = Serving::start(&site, &[]);
    let mut events = server.events();
    assert_eq!(events.next().0, "ready");
    // Pages asked for before the edit are rendered and kept; the edit replaces them.
    assert!(server.get("/incidents/dns/").body.contains("DNS outage"));
    site.write(
        "content/incidents/dns.md",
        &incident(
            "DNS outage, resolvers overloaded",
            "2024-01-05",
            "minor",
            "tags: [cache]\n",
        )
        .replace(
            "What happened",
            "Read [the stampede](cache.md#summary). What happened",
        ),
    );
    events.next_named("reload");
    let served = server.get("/incidents/dns/");
    assert!(served.body.contains("DNS outage, resolvers overloaded"));

    let out = tempfile::tempdir().expect("temp dir");
    let base = format!("http://{}/", server.addr);
    site.run(&[
        "build",
        "--output",
        out.path().to_str().expect("utf-8 path"),
        "--base-url",
        &base,
    ])
    .expect_code(0);
    let built = |rel: &str| {
        std::fs::read_to_string(out.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    assert_eq!(
        without_snippet(&served.body),
        built("incidents/dns/index.html")
    );
    for (url, rel) in [
        ("/", "index.html"),
        ("/incidents/", "incidents/index.html"),
        ("/incidents/cache/", "incidents/cache/index.html"),
        ("/tags/cache/", "tags/cache/index.html"),
        ("/stats/", "stats/index.html"),
        ("/no/such/page/", "404.html"),
    ] {
        let answer = server.get(url);
        assert_eq!(without_snippet(&answer.body), built(rel), "{url}");
    }
    for (url, rel) in [
        ("/incidents.json", "incidents.json"),
        ("/search/index.json", "search/index.json"),
        ("/search/shard-0.json", "search/shard-0.json"),
        ("/atom.xml", "atom.xml"),
        ("/sitemap.xml", "sitemap.xml"),
    ] {
        assert_eq!(server.get(url).body, built(rel), "{url}");
    }
}

#[test]
fn a_template_that_fails_on_a_page_nobody_asked_for_shows_the_overlay() {
    let site = site();
    let server = Serving::start(&site, &[]);
    let mut events = server.events();
    assert_eq!(events.next().0, "ready");
    // The stats page is never asked for: the full check behind the reload finds it.
    site.write(
        "templates/stats.html",
        "<html><body>{{ no_such_variable.at_all }}</body></html>\n",
    );
    let (mut name, mut report) = events.next();
    while name == "reload" {
        (name, report) = events.next();
    }
    assert_eq!(name, "failure");
    assert!(report.contains("templates/stats.html"), "{report}");
    assert!(report.contains("(rendering /stats/)"), "{report}");
    // The last site that built is served, under the report.
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<div id=\"debrief-overlay\""));
    assert!(home.body.contains("templates/stats.html"));
    let page = server.get("/incidents/dns/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("DNS outage"));

    // A page that fails when it is asked for is answered with the last good one too.
    site.write("templates/stats.html", "<html><body>fine</body></html>\n");
    server.get_until("/stats/", |a| a.body.starts_with("<html><body>fine"));
    site.write(
        "templates/incident.html",
        "<html><body>{{ no_such_variable.at_all }}</body></html>\n",
    );
    let page = server.get_until("/incidents/dns/", |a| {
        a.body.contains("<div id=\"debrief-overlay\"")
    });
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("What happened to DNS outage."),
        "{}",
        page.body
    );
    assert!(page.body.contains("templates/incident.html"));

    // Fixed: the new pages are served.
    std::fs::remove_file(site.path().join("templates/incident.html")).expect("remove");
    server.get_until("/incidents/dns/", |a| {
        !a.body.contains("<div id=\"debrief-overlay\"") && a.body.contains("What happened to DNS")
    });
}

#[test]
fn quiet_and_verbose_apply_to_serve() {
    // --quiet: the address and the problems, nothing else.
    let site = site();
    let mut server = Serving::start(&site, &["--quiet"]);
    let mut events = server.events();
    assert_eq!(events.next().0, "ready");
    site.write(
        "content/incidents/dns.md",
        &incident("DNS outage", "2024-01-05", "sev9", ""),
    );
    events.next_named("failure");
    site.write(
        "content/incidents/dns.md",
        &incident("DNS outage, fixed", "2024-01-05", "minor", ""),
    );
    events.next_named("reload");
    let _ = server.get_until("/incidents/dns/", |a| a.body.contains("fixed"));
    let printed = server.stop();
    assert!(
        printed
            .iter()
            .any(|l| l.starts_with("error: ") && l.contains("unknown severity `sev9`")),
        "{printed:?}"
    );
    let chatter = ["changed:", "built in", "rebuilt in", "rendered all"];
    for line in &printed {
        assert!(
            !chatter.iter().any(|c| line.starts_with(c)),
            "--quiet printed {line:?}"
        );
    }
    drop(server);

    // --verbose: also when every page of a rebuild has rendered.
    let mut server = Serving::start(&site, &["--verbose"]);
    server.wait_for_line(|l| l.starts_with("rendered all ") && l.ends_with(" ms"));
    site.write(
        "content/incidents/dns.md",
        &incident("DNS outage, again", "2024-01-05", "minor", ""),
    );
    server.wait_for_line(|l| l.starts_with("changed: "));
    server.wait_for_line(|l| l.starts_with("rebuilt in "));
    server.wait_for_line(|l| l.starts_with("rendered all "));
}

#[test]
fn a_changed_attachment_is_served_anew_and_reloads_the_page() {
    let site = site();
    let svg = |label: &str| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 40\"><text x=\"4\" y=\"20\">{label}</text></svg>\n"
        )
    };
    site.write("content/incidents/bundle/diagram.svg", &svg("first"));
    site.write(
        "content/incidents/bundle/index.md",
        &incident(
            "A bundled incident",
            "2024-02-01",
            "minor",
            "summary: With a diagram.\n",
        )
        .replace("## Summary", "![the layout](diagram.svg)\n\n## Summary"),
    );
    let server = Serving::start(&site, &[]);
    let path = "/incidents/bundle/diagram.svg";
    let first = server.get_until(path, |a| a.status == 200);
    assert_eq!(first.body, svg("first"));
    assert_eq!(first.header("Content-Type"), Some("image/svg+xml"));
    let mut events = server.events();
    site.write("content/incidents/bundle/diagram.svg", &svg("second"));
    events.next_named("reload");
    assert_eq!(server.get(path).body, svg("second"));
    // A file no page links is not served.
    site.write("content/incidents/bundle/unlinked.txt", "not linked\n");
    events.next_named("reload");
    assert_eq!(server.get("/incidents/bundle/unlinked.txt").status, 404);
}
