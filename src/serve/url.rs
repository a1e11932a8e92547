//! Request targets: percent-decoding, refusal of anything that could climb out
//! of the site (`..`, encoded slashes and backslashes, NUL, absolute or drive
//! paths), folder redirects and MIME types. Pure functions over strings.

use std::path::{Component, Path};

use percent_encoding::percent_decode_str;

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
        let decoded = decode_segment(raw)?;
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

/// Decodes one path segment's `%XX` escapes into UTF-8; `None` on a `%` not followed
/// by two hex digits (the decoder would keep it as it is) or on bytes that are not UTF-8.
fn decode_segment(raw: &str) -> Option<String> {
    let well_formed = raw.split('%').skip(1).all(|escape| {
        let digits = escape.as_bytes();
        digits.len() >= 2 && digits[0].is_ascii_hexdigit() && digits[1].is_ascii_hexdigit()
    });
    if !well_formed {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    Some(decoded.into_owned())
}

/// The folder's URL with a trailing slash (and the query, when it is plain ASCII).
/// Built from the decoded segments, so `//host` can never become an open redirect.
pub(crate) fn folder_location(request: &UrlPath) -> String {
    let mut location = String::new();
    for segment in &request.segments {
        location.push('/');
        location.push_str(&crate::library::urls::escape_segment(segment));
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

/// The MIME type for a file name, by extension (case-insensitive). Text types say
/// they are UTF-8, which is what the site's own files are.
pub(crate) fn content_type(name: &str) -> &'static str {
    let name = name.rsplit('/').next().unwrap_or(name);
    if name.eq_ignore_ascii_case("atom.xml") {
        return "application/atom+xml";
    }
    let Some((_, extension)) = name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    let extension = extension.to_ascii_lowercase();
    // Where the registered type differs from what the crate's table still lists.
    let guessed = match extension.as_str() {
        "mjs" => Some("text/javascript"),
        "map" => Some("application/json"),
        "xml" => Some("application/xml"),
        "woff" => Some("font/woff"),
        "otf" => Some("font/otf"),
        other => mime_guess::from_ext(other).first_raw(),
    };
    match guessed {
        Some("text/html") => HTML,
        Some("text/plain") => PLAIN,
        Some("text/css") => "text/css; charset=utf-8",
        Some("text/javascript") => "text/javascript; charset=utf-8",
        Some("text/markdown") => "text/markdown; charset=utf-8",
        Some("text/csv") => "text/csv; charset=utf-8",
        Some(other) => other,
        None => OCTET_STREAM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_decodes_paths() {
        assert_eq!(decode_segment("a%20b%2F").as_deref(), Some("a b/"));
        assert_eq!(decode_segment("%e2%9c%93").as_deref(), Some("✓"));
        assert_eq!(decode_segment("%g0"), None);
        assert_eq!(decode_segment("%"), None);
        assert_eq!(decode_segment("%4"), None);
        assert_eq!(decode_segment("%ff"), None);
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
        assert_eq!(content_type("app.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("app.js.map"), "application/json");
        assert_eq!(content_type("a.woff"), "font/woff");
        assert_eq!(content_type("a.otf"), "font/otf");
        assert_eq!(content_type("notes.md"), "text/markdown; charset=utf-8");
        assert_eq!(
            content_type("site.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(content_type("a.unknown-extension"), OCTET_STREAM);
    }
}
