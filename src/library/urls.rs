//! Every output path and URL of the site is made here, so that links, files,
//! the export and the sitemap can never disagree, and every link carries the
//! base URL's path (SPEC §5).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Builds site paths (with the base path) and permalinks (absolute).
#[derive(Debug, Clone)]
pub struct Urls {
    base_url: String,
    base_path: String,
}

impl Urls {
    /// From an absolute base URL ending in `/` and its path part.
    pub fn new(base_url: &str, base_path: &str) -> Urls {
        Urls {
            base_url: base_url.to_string(),
            base_path: base_path.to_string(),
        }
    }

    /// The path the site links with, for a location relative to the site root.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{rel}", self.base_path)
    }

    /// The absolute URL of a location relative to the site root.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{rel}", self.base_url)
    }

    /// The base path, starting and ending with `/`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The base URL, ending with `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// Locations relative to the site root (no leading `/`; folders end in `/`).
pub mod rel {
    /// The incident list.
    pub const INCIDENTS: &str = "incidents/";
    /// All components.
    pub const COMPONENTS: &str = "components/";
    /// The lessons index.
    pub const LESSONS: &str = "lessons/";
    /// Action items.
    pub const ACTIONS: &str = "actions/";
    /// Contributing factors by theme.
    pub const FACTORS: &str = "factors/";
    /// Charts.
    pub const STATS: &str = "stats/";
    /// Search.
    pub const SEARCH: &str = "search/";
    /// The search index the search page loads.
    pub const SEARCH_INDEX: &str = "search/index.json";
    /// The export.
    pub const EXPORT: &str = "incidents.json";
    /// The feed.
    pub const FEED: &str = "atom.xml";
    /// The sitemap.
    pub const SITEMAP: &str = "sitemap.xml";
    /// The not-found page.
    pub const NOT_FOUND: &str = "404.html";
    /// The syntax highlighting stylesheet.
    pub const HIGHLIGHT_CSS: &str = "highlight.css";
    /// The files that pages link which belong to no published bundle.
    pub const FILES: &str = "files/";

    /// One incident.
    pub fn incident(slug: &str) -> String {
        format!("incidents/{slug}/")
    }
    /// One severity.
    pub fn severity(key: &str) -> String {
        format!("severity/{}/", key.to_lowercase())
    }
    /// One component.
    pub fn component(slug: &str) -> String {
        format!("components/{slug}/")
    }
    /// One lesson theme.
    pub fn theme(key: &str) -> String {
        format!("lessons/{}/", key.to_lowercase())
    }
    /// One tag.
    pub fn tag(slug: &str) -> String {
        format!("tags/{slug}/")
    }
    /// One organization.
    pub fn organization(slug: &str) -> String {
        format!("organizations/{slug}/")
    }
    /// One plain page.
    pub fn page(slug: &str) -> String {
        format!("{slug}/")
    }
}

/// First path segments the site uses itself, which a plain page's slug may not take.
pub const RESERVED_SLUGS: &[&str] = &[
    "incidents",
    "severity",
    "components",
    "lessons",
    "tags",
    "organizations",
    "actions",
    "stats",
    "factors",
    "search",
    "static",
    "files",
];

/// What a URL path segment escapes: everything but RFC 3986's unreserved
/// characters and the sub-delimiters and `@` that a segment may hold as they are.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@');

/// One path segment (a file or folder name) escaped for a URL.
pub fn escape_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// The output file for a location: folders get `index.html`.
pub fn file_for(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_carry_the_base_path() {
        let urls = Urls::new("https://example.com/sub/path/", "/sub/path/");
        assert_eq!(urls.path(&rel::incident("x")), "/sub/path/incidents/x/");
        assert_eq!(
            urls.permalink(&rel::severity("SEV1")),
            "https://example.com/sub/path/severity/sev1/"
        );
        assert_eq!(
            file_for(&rel::theme("monitoring")),
            "lessons/monitoring/index.html"
        );
        assert_eq!(file_for(""), "index.html");
        assert_eq!(file_for(rel::EXPORT), "incidents.json");
    }
}
