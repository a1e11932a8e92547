//! The preview server behind `debrief serve`: a small static file server over one
//! folder, built on `tiny_http`. It owns URL-to-file mapping (percent-decoding,
//! traversal refusal, `index.html` for folders, MIME types) and nothing else: it
//! does not build, watch or print. Files are looked up on every request and never
//! cached, so the caller may rename a freshly built folder into place at any time.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Cursor, Read};
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::error::{Error, Result};

/// How many threads answer requests in [`Server::run`].
const WORKERS: usize = 4;

/// The type of anything we do not recognise (and of Pagefind's binary index files).
const OCTET_STREAM: &str = "application/octet-stream";
const HTML: &str = "text/html; charset=utf-8";
const PLAIN: &str = "text/plain; charset=utf-8";

/// A running preview server.
///
/// It listens from [`Server::bind`] on, queueing connections until [`Server::run`]
/// (or [`Server::handle_next`]) answers them, and stops listening when dropped.
pub struct Server {
    http: tiny_http::Server,
    root: PathBuf,
    addr: SocketAddr,
    stopping: AtomicBool,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("root", &self.root)
            .field("addr", &self.addr)
            .field("stopping", &self.stopping.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds `address` (e.g. `127.0.0.1:1111`; port 0 picks a free one) to serve the
    /// files under `root`. `root` need not exist yet: it is looked up per request.
    ///
    /// A bad address, a taken port or a refused bind gives [`Error::Listen`], whose
    /// reason says what to try instead.
    pub fn bind(root: &Path, address: &str) -> Result<Server> {
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
        // Made absolute now so a later change of working folder cannot move the site.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Ok(Server {
            http,
            root,
            addr,
            stopping: AtomicBool::new(false),
        })
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The folder being served.
    pub fn root(&self) -> &Path {
        &self.root
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

    /// Makes [`Server::run`] return once the requests being answered are done.
    /// Stopping is permanent; drop the server to stop listening.
    pub fn stop(&self) {
        if !self.stopping.swap(true, Ordering::SeqCst) {
            for _ in 0..WORKERS {
                self.http.unblock();
            }
        }
    }

    fn answer(&self, request: Request) {
        let reply = reply_to(&self.root, request.method(), request.url());
        // A client that went away is not our problem, and the library never prints.
        let _ = request.respond(reply.into_response());
    }
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

/// Maps a URL path to a file under root, or None if it escapes root or does not exist.
///
/// `url_path` is the request target as received: percent-encoded, possibly with a
/// query string or fragment (both ignored). A folder requested with a trailing `/`
/// maps to its `index.html`; a folder without one maps to `None`, because the server
/// redirects it instead. The returned path is canonical and always lies inside the
/// canonical `root`, symlinks included.
pub fn resolve_path(root: &Path, url_path: &str) -> Option<PathBuf> {
    match route(root, url_path) {
        Route::File { path, .. } => Some(path),
        Route::Redirect(_) | Route::NotFound | Route::BadRequest => None,
    }
}

/// Where a request leads.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// A regular file inside the root: its canonical path and the name its MIME
    /// type is taken from (the name in the URL, or `index.html`).
    File { path: PathBuf, name: String },
    /// A folder asked for without its trailing slash; the value is the `Location`.
    Redirect(String),
    /// Nothing servable there, or a symlink leading out of the root.
    NotFound,
    /// A malformed escape, invalid UTF-8 or a traversal attempt.
    BadRequest,
}

/// The path of a request target, decoded and checked segment by segment.
#[derive(Debug, PartialEq, Eq)]
struct UrlPath {
    /// Decoded segments, without empty and `.` ones.
    segments: Vec<String>,
    /// Whether the raw path ends with `/` (asks for a folder).
    trailing_slash: bool,
    /// The raw query string, without its `?`.
    query: Option<String>,
}

/// Splits and decodes a request target; `None` when the request is malformed or
/// tries to leave the root.
fn parse_url_path(url: &str) -> Option<UrlPath> {
    let url = url.split('#').next().unwrap_or_default();
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (url, None),
    };
    let rest = path.strip_prefix('/')?;
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let decoded = String::from_utf8(percent_decode(raw)?).ok()?;
        if decoded.is_empty() || decoded == "." {
            continue;
        }
        if decoded == ".." || decoded.contains(['/', '\\', '\0']) {
            return None;
        }
        // Catches anything the platform reads as absolute or as a drive prefix.
        let mut components = Path::new(&decoded).components();
        if !matches!(
            (components.next(), components.next()),
            (Some(Component::Normal(_)), None)
        ) {
            return None;
        }
        segments.push(decoded);
    }
    Some(UrlPath {
        segments,
        trailing_slash: path.ends_with('/'),
        query,
    })
}

/// Decodes `%XX` escapes; `None` on a `%` not followed by two hex digits.
fn percent_decode(raw: &str) -> Option<Vec<u8>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = hex_value(*bytes.get(i + 1)?)?;
            let low = hex_value(*bytes.get(i + 2)?)?;
            out.push((high << 4) | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Percent-encodes one path segment for a `Location` header.
fn percent_encode_segment(segment: &str, out: &mut String) {
    for &byte in segment.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// Canonicalizes `path` and returns it only if it still lies inside `base` (which
/// must itself be canonical).
fn inside(base: &Path, path: &Path) -> Option<PathBuf> {
    let canonical = fs::canonicalize(path).ok()?;
    canonical.starts_with(base).then_some(canonical)
}

/// Decides what a request target leads to, looking at the filesystem afresh.
fn route(root: &Path, url: &str) -> Route {
    let Some(request) = parse_url_path(url) else {
        return Route::BadRequest;
    };
    // Canonicalized per request: the root may have been replaced since the last one.
    let Ok(base) = fs::canonicalize(root) else {
        return Route::NotFound;
    };
    let mut joined = base.clone();
    joined.extend(&request.segments);
    let Some(found) = inside(&base, &joined) else {
        return Route::NotFound;
    };
    let Ok(meta) = fs::metadata(&found) else {
        return Route::NotFound;
    };
    if meta.is_dir() {
        if !request.trailing_slash {
            return Route::Redirect(folder_location(&request));
        }
        match inside(&base, &found.join("index.html")) {
            Some(index) if index.is_file() => Route::File {
                path: index,
                name: "index.html".to_string(),
            },
            _ => Route::NotFound,
        }
    } else if meta.is_file() && !request.trailing_slash {
        let name = request.segments.last().cloned().unwrap_or_default();
        Route::File { path: found, name }
    } else {
        // Sockets, FIFOs and devices are never read; a file asked for as a folder
        // (`/style.css/`) does not exist.
        Route::NotFound
    }
}

/// The folder's URL with a trailing slash (and the query, when it is plain ASCII).
/// Built from the decoded segments, so `//host` can never become an open redirect.
fn folder_location(request: &UrlPath) -> String {
    let mut location = String::new();
    for segment in &request.segments {
        location.push('/');
        percent_encode_segment(segment, &mut location);
    }
    location.push('/');
    if let Some(query) = &request.query
        && query.bytes().all(|b| b.is_ascii_graphic())
    {
        location.push('?');
        location.push_str(query);
    }
    location
}

/// The MIME type for a file name, by extension (case-insensitive).
fn content_type(name: &str) -> &'static str {
    if name.eq_ignore_ascii_case("atom.xml") {
        return "application/atom+xml";
    }
    let Some((_, extension)) = name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "txt" => PLAIN,
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => OCTET_STREAM,
    }
}

/// A response before it is put on the wire.
struct Reply {
    status: u16,
    content_type: &'static str,
    extra_header: Option<(&'static str, String)>,
    body: Body,
}

enum Body {
    File(File),
    Bytes(Vec<u8>),
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: PLAIN,
            extra_header: None,
            body: Body::Bytes(text.as_bytes().to_vec()),
        }
    }

    fn into_response(self) -> Response<Box<dyn Read + Send>> {
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
        let (reader, length): (Box<dyn Read + Send>, Option<usize>) = match self.body {
            Body::File(file) => {
                let length = file
                    .metadata()
                    .ok()
                    .and_then(|meta| usize::try_from(meta.len()).ok());
                (Box::new(file), length)
            }
            Body::Bytes(bytes) => {
                let length = bytes.len();
                (Box::new(Cursor::new(bytes)), Some(length))
            }
        };
        Response::new(StatusCode(self.status), headers, reader, length, None)
    }
}

/// Answers one request. HEAD bodies are dropped by `tiny_http` itself.
fn reply_to(root: &Path, method: &Method, url: &str) -> Reply {
    if !matches!(method, Method::Get | Method::Head) {
        let mut reply = Reply::text(405, "method not allowed");
        reply.extra_header = Some(("Allow", "GET, HEAD".to_string()));
        return reply;
    }
    match route(root, url) {
        Route::File { path, name } => match File::open(&path) {
            Ok(file) => Reply {
                status: 200,
                content_type: content_type(&name),
                extra_header: None,
                body: Body::File(file),
            },
            Err(_) => not_found(root),
        },
        Route::Redirect(location) => Reply {
            status: 301,
            content_type: PLAIN,
            extra_header: Some(("Location", location)),
            body: Body::Bytes(Vec::new()),
        },
        Route::NotFound => not_found(root),
        Route::BadRequest => Reply::text(400, "bad request"),
    }
}

/// A 404 carrying the site's own `404.html` when it has one.
fn not_found(root: &Path) -> Reply {
    let page = fs::canonicalize(root)
        .ok()
        .and_then(|base| inside(&base, &base.join("404.html")))
        .and_then(|path| fs::read(path).ok());
    match page {
        Some(bytes) => Reply {
            status: 404,
            content_type: HTML,
            extra_header: None,
            body: Body::Bytes(bytes),
        },
        None => Reply::text(404, "not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpStream;
    use std::time::Duration;

    const SECRET: &str = "TOP-SECRET-CONTENT";

    /// A site folder `site/` with a secret file next to it (outside the root).
    fn fixture() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
        let files: &[(&str, &str)] = &[
            ("index.html", "<h1>home</h1>"),
            ("incidents/x/index.html", "<h1>incident x</h1>"),
            ("incidents/empty/.keep", ""),
            ("style.css", "body{}"),
            ("app.js", "let a;"),
            ("data.json", "{}"),
            ("sitemap.xml", "<urlset/>"),
            ("atom.xml", "<feed/>"),
            ("logo.svg", "<svg/>"),
            ("img.png", "png"),
            ("photo.JPG", "jpg"),
            ("photo.jpeg", "jpeg"),
            ("anim.gif", "gif"),
            ("pic.webp", "webp"),
            ("favicon.ico", "ico"),
            ("robots.txt", "User-agent: *"),
            ("font.woff2", "woff2"),
            ("module.wasm", "wasm"),
            ("pagefind/pagefind.pf_meta", "meta"),
            ("pagefind/fragment/a.pf_fragment", "frag"),
            ("pagefind/index/a.pf_index", "idx"),
            ("blob.unknownext", "blob"),
            ("noextension", "none"),
            ("with space/index.html", "spaced"),
            ("404.html", "<h1>custom not found</h1>"),
        ];
        for (path, body) in files {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, body).unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("leak.txt"))
                .unwrap();
            std::os::unix::fs::symlink(dir.path(), root.join("leakdir")).unwrap();
            std::os::unix::fs::symlink(root.join("style.css"), root.join("inner.css")).unwrap();
        }
        (dir, root)
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
            .set_read_timeout(Some(Duration::from_secs(10)))
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
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        assert!(
            !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")),
            "test client does not decode chunked bodies"
        );
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Runs a server over `root` for the duration of `f`.
    fn with_server(root: &Path, f: impl FnOnce(SocketAddr)) {
        /// Stops the server even when the test body panics, so the scope can end.
        struct StopOnDrop<'a>(&'a Server);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.stop();
            }
        }
        let server = Server::bind(root, "127.0.0.1:0").unwrap();
        let addr = server.local_addr();
        std::thread::scope(|scope| {
            let guard = StopOnDrop(&server);
            let running = scope.spawn(|| server.run());
            f(addr);
            drop(guard);
            running.join().unwrap();
        });
    }

    fn get(addr: SocketAddr, target: &str) -> Answer {
        send(addr, "GET", target)
    }

    #[test]
    fn serves_index_pages() {
        let (_dir, root) = fixture();
        with_server(&root, |addr| {
            let home = get(addr, "/");
            assert_eq!(home.status, 200);
            assert_eq!(home.text(), "<h1>home</h1>");
            assert_eq!(home.header("content-type"), Some(HTML));
            assert_eq!(home.header("cache-control"), Some("no-cache"));

            let incident = get(addr, "/incidents/x/");
            assert_eq!(incident.status, 200);
            assert_eq!(incident.text(), "<h1>incident x</h1>");

            assert_eq!(get(addr, "/index.html").text(), "<h1>home</h1>");
            assert_eq!(get(addr, "/incidents/x/?q=1#frag").status, 200);
            assert_eq!(get(addr, "/with%20space/").text(), "spaced");
            assert_eq!(get(addr, "/./incidents/./x/").status, 200);
            assert_eq!(get(addr, "//incidents//x/").status, 200);
        });
    }

    #[test]
    fn redirects_folder_without_slash() {
        let (_dir, root) = fixture();
        with_server(&root, |addr| {
            let answer = get(addr, "/incidents/x");
            assert_eq!(answer.status, 301);
            assert_eq!(answer.header("location"), Some("/incidents/x/"));
            assert_eq!(answer.header("cache-control"), Some("no-cache"));

            let answer = get(addr, "/incidents/x?tab=1");
            assert_eq!(answer.header("location"), Some("/incidents/x/?tab=1"));

            let answer = get(addr, "/with%20space");
            assert_eq!(answer.header("location"), Some("/with%20space/"));

            // Never a protocol-relative (open) redirect.
            let answer = get(addr, "//incidents");
            assert_eq!(answer.header("location"), Some("/incidents/"));
        });
    }

    #[test]
    fn content_types() {
        let (_dir, root) = fixture();
        let cases = [
            ("/style.css", "text/css; charset=utf-8"),
            ("/app.js", "text/javascript; charset=utf-8"),
            ("/data.json", "application/json"),
            ("/sitemap.xml", "application/xml"),
            ("/atom.xml", "application/atom+xml"),
            ("/logo.svg", "image/svg+xml"),
            ("/img.png", "image/png"),
            ("/photo.JPG", "image/jpeg"),
            ("/photo.jpeg", "image/jpeg"),
            ("/anim.gif", "image/gif"),
            ("/pic.webp", "image/webp"),
            ("/favicon.ico", "image/x-icon"),
            ("/robots.txt", "text/plain; charset=utf-8"),
            ("/font.woff2", "font/woff2"),
            ("/module.wasm", "application/wasm"),
            ("/pagefind/pagefind.pf_meta", OCTET_STREAM),
            ("/pagefind/fragment/a.pf_fragment", OCTET_STREAM),
            ("/pagefind/index/a.pf_index", OCTET_STREAM),
            ("/blob.unknownext", OCTET_STREAM),
            ("/noextension", OCTET_STREAM),
            ("/index.html", HTML),
        ];
        with_server(&root, |addr| {
            for (target, expected) in cases {
                let answer = get(addr, target);
                assert_eq!(answer.status, 200, "{target}");
                assert_eq!(answer.header("content-type"), Some(expected), "{target}");
            }
        });
    }

    #[test]
    fn not_found_uses_site_page() {
        let (_dir, root) = fixture();
        with_server(&root, |addr| {
            for target in ["/missing", "/incidents/empty/", "/style.css/", "/nope/"] {
                let answer = get(addr, target);
                assert_eq!(answer.status, 404, "{target}");
                assert_eq!(answer.text(), "<h1>custom not found</h1>", "{target}");
                assert_eq!(answer.header("content-type"), Some(HTML));
                assert_eq!(answer.header("cache-control"), Some("no-cache"));
            }
        });
    }

    #[test]
    fn not_found_without_site_page() {
        let (_dir, root) = fixture();
        fs::remove_file(root.join("404.html")).unwrap();
        with_server(&root, |addr| {
            let answer = get(addr, "/missing");
            assert_eq!(answer.status, 404);
            assert_eq!(answer.text(), "not found");
            assert_eq!(answer.header("content-type"), Some(PLAIN));
        });
    }

    #[test]
    fn traversal_never_leaks() {
        let (_dir, root) = fixture();
        // Refused outright (400), or followed to a place outside the root (404).
        let attempts = [
            ("/../secret.txt", 400),
            ("/../../secret.txt", 400),
            ("/%2e%2e/secret.txt", 400),
            ("/%2E%2E/secret.txt", 400),
            ("/.%2e/secret.txt", 400),
            ("/..%2fsecret.txt", 400),
            ("/..%2f..%2fsecret.txt", 400),
            ("/..%2F..%2Fsite%2F..%2Fsecret.txt", 400),
            ("/%5c..%5csecret.txt", 400),
            ("/..%5csecret.txt", 400),
            ("/..\\secret.txt", 400),
            ("/a/../../secret.txt", 400),
            ("/incidents/../../secret.txt", 400),
            ("/incidents/x/../../../secret.txt", 400),
            ("/%2fsecret.txt", 400),
            ("/secret.txt%00.html", 400),
            ("/secret.txt", 404),
            ("/leak.txt", 404),
            ("/leakdir/secret.txt", 404),
            ("/leakdir/", 404),
            ("/leakdir", 404),
        ];
        with_server(&root, |addr| {
            for (target, status) in attempts {
                for method in ["GET", "HEAD"] {
                    let answer = send(addr, method, target);
                    assert_eq!(answer.status, status, "{method} {target}");
                    assert!(!answer.text().contains(SECRET), "{method} {target} leaked");
                }
            }
            // A symlink that stays inside the root is fine.
            assert_eq!(get(addr, "/inner.css").text(), "body{}");
        });
    }

    #[test]
    fn bad_escapes_are_bad_requests() {
        let (_dir, root) = fixture();
        with_server(&root, |addr| {
            for target in ["/%zz", "/%4", "/abc%", "/%e2%28%a1", "/%ff.html", "/%00"] {
                let answer = get(addr, target);
                assert_eq!(answer.status, 400, "{target}");
                assert_eq!(answer.header("cache-control"), Some("no-cache"));
            }
        });
    }

    #[test]
    fn head_has_no_body_and_other_methods_are_refused() {
        let (_dir, root) = fixture();
        with_server(&root, |addr| {
            let answer = send(addr, "HEAD", "/style.css");
            assert_eq!(answer.status, 200);
            assert!(answer.body.is_empty());
            assert_eq!(answer.header("content-length"), Some("6"));
            assert_eq!(
                answer.header("content-type"),
                Some("text/css; charset=utf-8")
            );

            let missing = send(addr, "HEAD", "/missing");
            assert_eq!(missing.status, 404);
            assert!(missing.body.is_empty());

            for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
                let answer = send(addr, method, "/index.html");
                assert_eq!(answer.status, 405, "{method}");
                assert_eq!(answer.header("allow"), Some("GET, HEAD"));
                assert_eq!(answer.header("cache-control"), Some("no-cache"));
            }
        });
    }

    #[test]
    fn swapped_root_is_picked_up() {
        let (dir, root) = fixture();
        with_server(&root, |addr| {
            assert_eq!(get(addr, "/").text(), "<h1>home</h1>");
            let staging = dir.path().join("staging");
            fs::create_dir(&staging).unwrap();
            fs::write(staging.join("index.html"), "<h1>rebuilt</h1>").unwrap();
            fs::rename(&root, dir.path().join("old")).unwrap();
            assert_eq!(get(addr, "/").status, 404);
            fs::rename(&staging, &root).unwrap();
            assert_eq!(get(addr, "/").text(), "<h1>rebuilt</h1>");
        });
    }

    #[test]
    fn taken_port_is_a_listen_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = taken.local_addr().unwrap().to_string();
        let err = Server::bind(Path::new("."), &address).unwrap_err();
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
            let err = Server::bind(Path::new("."), address).unwrap_err();
            assert!(
                matches!(&err, Error::Listen { reason, .. } if reason.starts_with("not a valid address")),
                "{address}: {err}"
            );
        }
    }

    #[test]
    fn handle_next_answers_one_request() {
        let (_dir, root) = fixture();
        let server = Server::bind(&root, "127.0.0.1:0").unwrap();
        let addr = server.local_addr();
        assert_eq!(server.root(), root.as_path());
        let client = std::thread::spawn(move || get(addr, "/robots.txt"));
        assert!(server.handle_next());
        assert_eq!(client.join().unwrap().text(), "User-agent: *");
        server.stop();
        assert!(!server.handle_next());
    }

    #[test]
    fn resolve_path_maps_and_refuses() {
        let (_dir, root) = fixture();
        let base = fs::canonicalize(&root).unwrap();
        assert_eq!(resolve_path(&root, "/"), Some(base.join("index.html")));
        assert_eq!(
            resolve_path(&root, "/incidents/x/?a=b"),
            Some(base.join("incidents/x/index.html"))
        );
        assert_eq!(
            resolve_path(&root, "/style.css#top"),
            Some(base.join("style.css"))
        );
        assert_eq!(resolve_path(&root, "/incidents/x"), None);
        assert_eq!(resolve_path(&root, "/missing"), None);
        assert_eq!(resolve_path(&root, "/../secret.txt"), None);
        assert_eq!(resolve_path(&root, "/%2e%2e/secret.txt"), None);
        assert_eq!(resolve_path(&root, "style.css"), None);
        #[cfg(unix)]
        {
            assert_eq!(resolve_path(&root, "/leak.txt"), None);
            assert_eq!(resolve_path(&root, "/leakdir/secret.txt"), None);
            assert_eq!(
                resolve_path(&root, "/inner.css"),
                Some(base.join("style.css"))
            );
        }
        assert_eq!(route(&root, "/%2e%2e/x"), Route::BadRequest);
        assert_eq!(route(&root, "/missing"), Route::NotFound);
        assert_eq!(
            route(&root, "/incidents"),
            Route::Redirect("/incidents/".into())
        );
    }

    #[test]
    fn parses_and_decodes_paths() {
        assert_eq!(percent_decode("a%20b%2F"), Some(b"a b/".to_vec()));
        assert_eq!(percent_decode("%e2%9c%93"), Some("✓".as_bytes().to_vec()));
        assert_eq!(percent_decode("%g0"), None);
        assert_eq!(percent_decode("%"), None);
        assert_eq!(
            parse_url_path("/a/%C3%A9/?x=1#y"),
            Some(UrlPath {
                segments: vec!["a".into(), "é".into()],
                trailing_slash: true,
                query: Some("x=1".into()),
            })
        );
        for bad in [
            "/..", "/%2e%2E", "/a%2fb", "/a%5cb", "/a%00", "relative", "/%c3",
        ] {
            assert_eq!(parse_url_path(bad), None, "{bad}");
        }
        let mut encoded = String::new();
        percent_encode_segment("a b/é?", &mut encoded);
        assert_eq!(encoded, "a%20b%2F%C3%A9%3F");
    }

    #[test]
    fn content_type_by_name() {
        assert_eq!(content_type("ATOM.XML"), "application/atom+xml");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("INDEX.HTML"), HTML);
        assert_eq!(content_type(".hidden"), OCTET_STREAM);
        assert_eq!(content_type("pagefind-entry.json"), "application/json");
    }
}
