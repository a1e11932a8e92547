//! The preview server behind `debrief serve`: answers HTTP requests from the
//! site held in memory ([`LiveSite`]), never from the disk, so no request can
//! reach a file outside the built site. It maps URLs to plan paths (with
//! percent-decoding, traversal refusal, `index.html` for folders and MIME
//! types), puts the live-reload snippet into HTML answers, and streams rebuild
//! events to the browsers. It neither builds nor prints; `watch` reports changes.

pub mod cache;
mod live;
mod pages;
mod url;
pub mod watch;

use std::fmt;
use std::io::{self, Cursor, Write};
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use self::url::{HTML, PLAIN, UrlPath, content_type, folder_location, parse_url_path};
use crate::error::{Error, Result};
pub use live::{Files, LiveSite, Read, Snapshot};
pub use pages::OnDemand;

/// How many threads answer requests in [`Server::run`]. Event streams get threads
/// of their own, so open tabs never hold these up.
const WORKERS: usize = 4;

/// How often an idle event stream gets a comment, so a closed tab is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A running preview server.
///
/// It listens from [`Server::bind`] on, queueing connections until [`Server::run`]
/// (or [`Server::handle_next`]) answers them, and stops listening when dropped.
pub struct Server {
    http: tiny_http::Server,
    site: Arc<LiveSite>,
    addr: SocketAddr,
    stopping: AtomicBool,
    /// Whether HTML answers carry the live-reload snippet and events are streamed.
    live_reload: bool,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .field("stopping", &self.stopping.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds `address` (e.g. `127.0.0.1:1111`; port 0 picks a free one) to serve
    /// `site`, whatever it holds at the time of each request.
    ///
    /// A bad address, a taken port or a refused bind gives [`Error::Listen`], whose
    /// reason says what to try instead.
    pub fn bind(address: &str, site: Arc<LiveSite>) -> Result<Server> {
        let listen_error = |reason: String| Error::Listen {
            address: address.to_string(),
            reason,
        };
        let candidates: Vec<SocketAddr> = match address.to_socket_addrs() {
            Ok(found) => found.collect(),
            Err(_) => Vec::new(),
        };
        if candidates.is_empty() {
            return Err(listen_error(
                "not a valid address (expected HOST:PORT, for example 127.0.0.1:1111)".into(),
            ));
        }
        let mut failure = None;
        let mut listener = None;
        for candidate in &candidates {
            match TcpListener::bind(candidate) {
                Ok(bound) => {
                    listener = Some(bound);
                    break;
                }
                Err(e) => failure = Some(bind_failure_reason(candidate, &e)),
            }
        }
        let Some(listener) = listener else {
            return Err(listen_error(
                failure.unwrap_or_else(|| "could not bind".to_string()),
            ));
        };
        let addr = listener
            .local_addr()
            .map_err(|e| listen_error(e.to_string()))?;
        let http = tiny_http::Server::from_listener(listener, None)
            .map_err(|e| listen_error(e.to_string()))?;
        Ok(Server {
            http,
            site,
            addr,
            stopping: AtomicBool::new(false),
            live_reload: true,
        })
    }

    /// Serves the plan exactly as built: no live-reload snippet, no event stream.
    /// For serving a finished site, as a static host would.
    pub fn without_live_reload(mut self) -> Server {
        self.live_reload = false;
        self
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves requests on a few threads, blocking until [`Server::stop`] is called or
    /// the listening socket fails (in practice: until the process ends).
    pub fn run(&self) {
        std::thread::scope(|scope| {
            for _ in 0..WORKERS {
                scope.spawn(|| {
                    while self.handle_next() {}
                    // Either stop() was called or the listener died; make sure every
                    // other worker wakes up and returns too.
                    self.stop();
                });
            }
        });
    }

    /// Waits for the next request and answers it. Returns `false` without answering
    /// when the server has been stopped or can no longer accept connections.
    pub fn handle_next(&self) -> bool {
        if self.stopping.load(Ordering::SeqCst) {
            return false;
        }
        match self.http.recv() {
            Ok(request) => {
                self.answer(request);
                true
            }
            Err(_) => false,
        }
    }

    /// Makes [`Server::run`] return once the requests being answered are done, and
    /// ends the event streams. Stopping is permanent; drop the server to stop listening.
    pub fn stop(&self) {
        if !self.stopping.swap(true, Ordering::SeqCst) {
            self.site.close();
            for _ in 0..WORKERS {
                self.http.unblock();
            }
        }
    }

    fn answer(&self, request: Request) {
        let mut snapshot = self.site.snapshot();
        let reply = match parse_url_path(request.url()) {
            Some(path)
                if self.live_reload && is_events(&path) && *request.method() == Method::Get =>
            {
                let site = Arc::clone(&self.site);
                // A stream lasts as long as the tab is open: it gets its own thread.
                std::thread::spawn(move || stream_events(request, &site, &snapshot));
                return;
            }
            parsed => {
                let reply = |snapshot: &Snapshot| {
                    reply_to(
                        snapshot,
                        request.method(),
                        parsed.as_ref(),
                        self.live_reload,
                    )
                };
                let mut answer = reply(&snapshot);
                if answer.is_none() {
                    // A page that does not render: the site will turn out not to
                    // build. Answer once that is known, from whatever is served then.
                    if let Some(site) = &snapshot.site {
                        site.wait_checked();
                    }
                    snapshot = self.site.snapshot();
                    answer = reply(&snapshot);
                }
                answer.unwrap_or_else(|| {
                    Reply::text(500, "this page does not render; the terminal says why")
                })
            }
        };
        // A client that went away is not our problem, and the library never prints.
        let _ = request.respond(reply.into_response());
    }
}

fn is_events(path: &UrlPath) -> bool {
    let expected = live::EVENTS_PATH.trim_start_matches('/').split('/');
    !path.trailing_slash && path.segments.iter().map(String::as_str).eq(expected)
}

/// Explains a failed bind in words that suggest a fix.
fn bind_failure_reason(addr: &SocketAddr, error: &io::Error) -> String {
    let port = addr.port();
    match error.kind() {
        io::ErrorKind::AddrInUse => match port.checked_add(1) {
            Some(next) => format!("address already in use; try --port {next}"),
            None => "address already in use; try another --port".to_string(),
        },
        io::ErrorKind::AddrNotAvailable => {
            "address not available on this machine; try --bind 127.0.0.1".to_string()
        }
        io::ErrorKind::PermissionDenied if port < 1024 => {
            format!("permission denied (port {port} needs extra privileges); try --port 1111")
        }
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Where a request leads in the plan.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// A file of the plan, by its path.
    File(String),
    /// A folder asked for without its trailing slash; the value is the `Location`.
    Redirect(String),
    /// Nothing there.
    NotFound,
}

/// Finds a decoded request path in the site: a folder (trailing slash) leads to its
/// `index.html`, a folder without the slash to a redirect.
fn route(site: &dyn Files, request: &UrlPath) -> Route {
    let joined = request.segments.join("/");
    if request.trailing_slash || joined.is_empty() {
        let index = if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        };
        return if site.contains(&index) {
            Route::File(index)
        } else {
            Route::NotFound
        };
    }
    if site.contains(&joined) {
        Route::File(joined)
    } else if site.contains(&format!("{joined}/index.html")) {
        Route::Redirect(folder_location(request))
    } else {
        Route::NotFound
    }
}

/// A response before it is put on the wire.
struct Reply {
    status: u16,
    content_type: &'static str,
    extra_header: Option<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: PLAIN,
            extra_header: None,
            body: text.as_bytes().to_vec(),
        }
    }

    fn into_response(self) -> Response<Cursor<Vec<u8>>> {
        let mut headers = Vec::new();
        let mut push = |name: &str, value: &str| {
            if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                headers.push(header);
            }
        };
        push("Content-Type", self.content_type);
        push("Cache-Control", "no-cache");
        push("X-Content-Type-Options", "nosniff");
        if let Some((name, value)) = &self.extra_header {
            push(name, value);
        }
        let length = self.body.len();
        Response::new(
            StatusCode(self.status),
            headers,
            Cursor::new(self.body),
            Some(length),
            None,
        )
    }
}

/// Answers one request from a snapshot. HEAD bodies are dropped by `tiny_http`.
/// `None` when the file asked for cannot be made (see [`Read::Broken`]).
fn reply_to(
    snapshot: &Snapshot,
    method: &Method,
    request: Option<&UrlPath>,
    live_reload: bool,
) -> Option<Reply> {
    if !matches!(method, Method::Get | Method::Head) {
        let mut reply = Reply::text(405, "method not allowed");
        reply.extra_header = Some(("Allow", "GET, HEAD".to_string()));
        return Some(reply);
    }
    let Some(request) = request else {
        return Some(Reply::text(400, "bad request"));
    };
    let Some(site) = &snapshot.site else {
        // Nothing has built yet: every page explains and shows the report.
        return Some(Reply {
            status: 503,
            content_type: HTML,
            extra_header: None,
            body: live::no_site_page(snapshot),
        });
    };
    match route(site.as_ref(), request) {
        Route::File(path) => file_reply(snapshot, site.as_ref(), &path, 200, live_reload),
        Route::Redirect(location) => Some(Reply {
            status: 301,
            content_type: PLAIN,
            extra_header: Some(("Location", location)),
            body: Vec::new(),
        }),
        Route::NotFound if site.contains("404.html") => {
            file_reply(snapshot, site.as_ref(), "404.html", 404, live_reload)
        }
        Route::NotFound => Some(Reply::text(404, "not found")),
    }
}

/// A file of the site; with live reload, HTML pages get the snippet. `None` when
/// the file cannot be made.
fn file_reply(
    snapshot: &Snapshot,
    site: &dyn Files,
    path: &str,
    status: u16,
    live_reload: bool,
) -> Option<Reply> {
    let bytes = match site.read(path) {
        Read::File(bytes) => bytes,
        Read::Missing => Vec::new(),
        Read::Broken => return None,
    };
    let content_type = content_type(path);
    let body = if live_reload && content_type == HTML {
        live::inject(&bytes, &live::reload_snippet(snapshot))
    } else {
        bytes
    };
    Some(Reply {
        status,
        content_type,
        extra_header: None,
        body,
    })
}

/// Streams server-sent events to one browser tab until it goes away or the server
/// stops: a greeting with the current state, then one event per rebuild.
fn stream_events(request: Request, site: &LiveSite, snapshot: &Snapshot) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 500\n\n";
    let mut message = format!("{head}{}", live::event_for(snapshot, true));
    let mut seen = snapshot.generation;
    loop {
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        let Some(now) = site.wait_past(seen, KEEP_ALIVE) else {
            return;
        };
        message = if now.generation == seen {
            ": still here\n\n".to_string()
        } else {
            seen = now.generation;
            live::event_for(&now, false)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{OutputFile, Plan};
    use std::io::Read;
    use std::net::TcpStream;

    fn fixture() -> Plan {
        let files: &[(&str, &str)] = &[
            ("index.html", "<html><body><h1>home</h1></body></html>"),
            ("incidents/x/index.html", "<h1>incident x</h1>"),
            ("debrief.css", "body{}"),
            ("atom.xml", "<feed/>"),
            ("with space/index.html", "spaced"),
            ("404.html", "<h1>custom not found</h1>"),
        ];
        let mut plan = Plan {
            files: files
                .iter()
                .map(|(path, body)| OutputFile {
                    path: (*path).to_string(),
                    bytes: body.as_bytes().to_vec(),
                })
                .collect(),
        };
        plan.sort();
        plan
    }

    struct Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Answer {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        fn text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    /// A raw HTTP/1.1 client: the target is sent exactly as given.
    fn send(addr: SocketAddr, method: &str, target: &str) -> Answer {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("no end of headers");
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let body = raw[split + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        Answer {
            status: status.parse().unwrap(),
            headers,
            body,
        }
    }

    fn get(addr: SocketAddr, target: &str) -> Answer {
        send(addr, "GET", target)
    }

    /// Runs a server over `site` for the duration of `f`.
    fn with_server(site: Arc<LiveSite>, f: impl FnOnce(SocketAddr)) {
        with_server_of(Server::bind("127.0.0.1:0", site).unwrap(), f);
    }

    fn with_server_of(server: Server, f: impl FnOnce(SocketAddr)) {
        /// Stops the server even when the test body panics, so the scope can end.
        struct StopOnDrop<'a>(&'a Server);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.stop();
            }
        }
        let addr = server.local_addr();
        std::thread::scope(|scope| {
            let guard = StopOnDrop(&server);
            let running = scope.spawn(|| server.run());
            f(addr);
            drop(guard);
            running.join().unwrap();
        });
    }

    fn published() -> Arc<LiveSite> {
        let site = Arc::new(LiveSite::new());
        site.publish(fixture());
        site
    }

    #[test]
    fn serves_pages_with_the_reload_snippet() {
        with_server(published(), |addr| {
            let home = get(addr, "/");
            assert_eq!(home.status, 200);
            assert_eq!(home.header("content-type"), Some(HTML));
            assert_eq!(home.header("cache-control"), Some("no-cache"));
            let text = home.text();
            assert!(
                text.starts_with("<html><body><h1>home</h1><script data-debrief-generation=\"1\"")
            );
            assert!(text.ends_with("</script>\n</body></html>"));
            assert!(!text.contains("<div id=\"debrief-overlay\""));

            let incident = get(addr, "/incidents/x/?q=1#frag");
            assert!(incident.text().starts_with("<h1>incident x</h1><script"));
            assert!(get(addr, "/with%20space/").text().starts_with("spaced"));
            assert_eq!(get(addr, "/./incidents/./x/").status, 200);
            assert_eq!(get(addr, "//incidents//x/").status, 200);
            assert_eq!(get(addr, "/index.html").status, 200);

            let css = get(addr, "/debrief.css");
            assert_eq!(css.text(), "body{}");
            assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
            let feed = get(addr, "/atom.xml");
            assert_eq!(feed.text(), "<feed/>");
            assert_eq!(feed.header("content-type"), Some("application/atom+xml"));
        });
    }

    #[test]
    fn a_finished_site_is_served_as_built() {
        let server = Server::bind("127.0.0.1:0", published())
            .unwrap()
            .without_live_reload();
        with_server_of(server, |addr| {
            let home = get(addr, "/");
            assert_eq!(home.text(), "<html><body><h1>home</h1></body></html>");
            assert_eq!(get(addr, "/__debrief/events").status, 404);
        });
    }

    #[test]
    fn redirects_folders_without_slash() {
        with_server(published(), |addr| {
            let answer = get(addr, "/incidents/x?tab=1");
            assert_eq!(answer.status, 301);
            assert_eq!(answer.header("location"), Some("/incidents/x/?tab=1"));
            let answer = get(addr, "/with%20space");
            assert_eq!(answer.header("location"), Some("/with%20space/"));
            // Never a protocol-relative (open) redirect.
            let answer = get(addr, "//incidents/x");
            assert_eq!(answer.header("location"), Some("/incidents/x/"));
        });
    }

    #[test]
    fn not_found_uses_the_site_page() {
        with_server(published(), |addr| {
            for target in ["/missing", "/incidents/", "/debrief.css/", "/nope/"] {
                let answer = get(addr, target);
                assert_eq!(answer.status, 404, "{target}");
                assert!(
                    answer
                        .text()
                        .starts_with("<h1>custom not found</h1><script")
                );
            }
        });
        let site = Arc::new(LiveSite::new());
        site.publish(Plan::default());
        with_server(site, |addr| {
            let answer = get(addr, "/missing");
            assert_eq!(answer.status, 404);
            assert_eq!(answer.text(), "not found");
        });
    }

    #[test]
    fn traversal_and_bad_escapes_are_refused() {
        with_server(published(), |addr| {
            for target in [
                "/../index.html",
                "/%2e%2e/index.html",
                "/.%2E/index.html",
                "/..%2findex.html",
                "/incidents%2fx/index.html",
                "/..%5cindex.html",
                "/%2fetc/passwd",
                "/secret%00.html",
                "/%zz",
                "/%ff.html",
                "/C:/x",
            ] {
                for method in ["GET", "HEAD"] {
                    let answer = send(addr, method, target);
                    assert_eq!(answer.status, 400, "{method} {target}");
                }
            }
        });
    }

    #[test]
    fn other_methods_are_refused_and_head_has_no_body() {
        with_server(published(), |addr| {
            let head = send(addr, "HEAD", "/debrief.css");
            assert_eq!(head.status, 200);
            assert!(head.body.is_empty());
            assert_eq!(head.header("content-length"), Some("6"));
            for method in ["POST", "PUT", "DELETE"] {
                let answer = send(addr, method, "/index.html");
                assert_eq!(answer.status, 405, "{method}");
                assert_eq!(answer.header("allow"), Some("GET, HEAD"));
            }
        });
    }

    #[test]
    fn failed_builds_keep_the_last_site_under_an_overlay() {
        let site = published();
        site.fail("error: content/a.md:2:1: unknown severity `<sev5>`".into());
        with_server(Arc::clone(&site), |addr| {
            let text = get(addr, "/").text();
            assert!(text.starts_with("<html><body><h1>home</h1><div id=\"debrief-overlay\""));
            assert!(text.contains("error: content/a.md:2:1: unknown severity `&lt;sev5&gt;`"));
        });
        let empty = Arc::new(LiveSite::new());
        empty.fail("error: debrief.toml:1:1: bad".into());
        with_server(empty, |addr| {
            let answer = get(addr, "/anything/");
            assert_eq!(answer.status, 503);
            assert!(answer.text().contains("error: debrief.toml:1:1: bad"));
        });
    }

    #[test]
    fn event_stream_greets_then_follows_rebuilds() {
        let site = published();
        with_server(Arc::clone(&site), |addr| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            write!(stream, "GET /__debrief/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut received = String::new();
            let mut read_until = |needle: &str, received: &mut String| {
                let mut buf = [0u8; 1024];
                while !received.contains(needle) {
                    let n = stream.read(&mut buf).unwrap();
                    assert!(n > 0, "stream ended before {needle:?}: {received}");
                    received.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            };
            read_until("event: ready\ndata: 1\n\n", &mut received);
            assert!(received.starts_with("HTTP/1.1 200 OK\r\n"));
            assert!(received.contains("Content-Type: text/event-stream\r\n"));
            site.fail("error: x.md:1:1: broken".into());
            read_until(
                "event: failure\ndata: error: x.md:1:1: broken\n\n",
                &mut received,
            );
            site.publish(fixture());
            read_until("event: reload\ndata: 3\n\n", &mut received);
        });
    }

    #[test]
    fn taken_port_is_a_listen_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = taken.local_addr().unwrap().to_string();
        let err = Server::bind(&address, Arc::new(LiveSite::new())).unwrap_err();
        match err {
            Error::Listen {
                address: reported,
                reason,
            } => {
                assert_eq!(reported, address);
                assert!(reason.starts_with("address already in use; try --port "));
            }
            other => panic!("unexpected error: {other}"),
        }
    }

    #[test]
    fn bad_address_is_a_listen_error() {
        for address in ["nonsense", "127.0.0.1", "127.0.0.1:99999", ""] {
            let err = Server::bind(address, Arc::new(LiveSite::new())).unwrap_err();
            assert!(
                matches!(&err, Error::Listen { reason, .. } if reason.starts_with("not a valid address")),
                "{address}: {err}"
            );
        }
    }

    #[test]
    fn routes_in_the_plan() {
        let plan = fixture();
        let route_of = |target: &str| route(&plan, &parse_url_path(target).unwrap());
        assert_eq!(route_of("/"), Route::File("index.html".into()));
        assert_eq!(
            route_of("/incidents/x/"),
            Route::File("incidents/x/index.html".into())
        );
        assert_eq!(
            route_of("/incidents/x"),
            Route::Redirect("/incidents/x/".into())
        );
        assert_eq!(route_of("/debrief.css"), Route::File("debrief.css".into()));
        assert_eq!(route_of("/debrief.css/"), Route::NotFound);
        assert_eq!(route_of("/missing"), Route::NotFound);
    }
}
