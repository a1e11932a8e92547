//! Request targets: percent-decoding, refusal of anything that could climb out
//! of the site (`..`, encoded slashes and backslashes, NUL, absolute or drive
//! paths), folder redirects and MIME types. Pure functions over strings.

use std::path::{Component, Path};

/// The type of anything we do not recognise.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";
/// The type of HTML pages.
pub(crate) const HTML: &str = "text/html; charset=utf-8";
/// The type of plain text.
pub(crate) const PLAIN: &str = "text/plain; charset=utf-8";

/// The path of a request target, decoded and checked segment by segment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UrlPath {
    /// Decoded segments, without empty and `.` ones.
    pub(crate) segments: Vec<String>,
    /// Whether the raw path ends with `/` (asks for a folder).
    pub(crate) trailing_slash: bool,
    /// The raw query string, without its `?`.
    pub(crate) query: Option<String>,
}

/// Splits and decodes a request target; `None` when the request is malformed or
/// tries to leave the site.
pub(crate) fn parse_url_path(url: &str) -> Option<UrlPath> {
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
        // Catches anything a platform reads as absolute or as a drive prefix.
        let mut components = Path::new(&decoded).components();
        if !matches!(
            (components.next(), components.next()),
            (Some(Component::Normal(_)), None)
        ) || decoded.contains(':')
        {
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
pub(crate) fn percent_decode(raw: &str) -> Option<Vec<u8>> {
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
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// The folder's URL with a trailing slash (and the query, when it is plain ASCII).
/// Built from the decoded segments, so `//host` can never become an open redirect.
pub(crate) fn folder_location(request: &UrlPath) -> String {
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
pub(crate) fn content_type(name: &str) -> &'static str {
    let name = name.rsplit('/').next().unwrap_or(name);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            parse_url_path("/./a//b"),
            Some(UrlPath {
                segments: vec!["a".into(), "b".into()],
                trailing_slash: false,
                query: None,
            })
        );
    }

    #[test]
    fn refuses_every_way_out() {
        for bad in [
            "/..",
            "/../secret.txt",
            "/a/../../b",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a%2fb",
            "/..%2f..%2fx",
            "/a%5cb",
            "/..\\x",
            "/a%00",
            "/%2fetc/passwd",
            "/C:/x",
            "/c%3a%5cx",
            "relative",
            "",
            "/%c3",
            "/%zz",
            "/abc%",
        ] {
            assert_eq!(parse_url_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn redirect_locations_are_encoded_and_local() {
        let request = parse_url_path("//a b/é?x=1").unwrap();
        assert_eq!(folder_location(&request), "/a%20b/%C3%A9/?x=1");
        let request = parse_url_path("/x?bad\u{7f}").unwrap();
        assert_eq!(folder_location(&request), "/x/");
    }

    #[test]
    fn content_type_by_name() {
        assert_eq!(content_type("ATOM.XML"), "application/atom+xml");
        assert_eq!(content_type("a/atom.xml"), "application/atom+xml");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("INDEX.HTML"), HTML);
        assert_eq!(content_type("x/debrief.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("photo.JPG"), "image/jpeg");
        assert_eq!(content_type(".hidden"), OCTET_STREAM);
        assert_eq!(content_type("noextension"), OCTET_STREAM);
        assert_eq!(content_type("search.json"), "application/json");
    }
}
