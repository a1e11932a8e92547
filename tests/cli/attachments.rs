//! Attachments and bundles (SPEC §8), read back from a built fixture:
//! `tests/fixtures/attachments/` has a bundle with a graph, a log and an unlinked
//! screenshot, a flat file linking a shared SVG and the bundle's graph, a draft
//! bundle and an internal incident with files of their own, and a file no page links.

use std::fs;

use crate::support::{Output_, Site, attrs};

/// Every file of `content/` that is not Markdown, relative to the site folder.
const PUBLISHED_PUBLIC: &[&str] = &[
    "files/shared/topology.svg",
    "incidents/2024-05-01-dns/graphs/latency.png",
    "incidents/2024-05-01-dns/notes/raw log.txt",
];

/// What no file of a build may name: files that no published page links.
const NEVER: &[&str] = &["unlinked-screenshot", "draft-secret-graph", "never-linked"];

/// The output's files that are not made by the site itself.
fn attachments(out: &Output_) -> Vec<String> {
    out.files()
        .into_iter()
        .filter(|f| {
            [".png", ".svg", ".txt", ".pdf"]
                .iter()
                .any(|e| f.ends_with(e))
        })
        .filter(|f| f != "favicon.svg")
        .collect()
}

/// Every `src` of an image and `href` of a link to a file in the page, with the
/// site's own assets left out.
fn file_links(out: &Output_, page: &str) -> Vec<String> {
    let doc = out.html(page);
    let mut links = attrs(&doc, "main img", "src");
    links.extend(
        attrs(&doc, "main a", "href")
            .into_iter()
            .filter(|h| h.contains("/files/") || h.contains(".png") || h.contains(".txt")),
    );
    links
}

/// Asserts that no output file holds any of `words`.
fn assert_nowhere(out: &Output_, words: &[&str]) {
    for file in out.files() {
        let bytes = fs::read(out.dir.join(&file)).expect("read output");
        let text = String::from_utf8_lossy(&bytes);
        for word in words {
            assert!(!text.contains(word), "{file} names {word}");
            assert!(!file.contains(word), "{file} is published");
        }
    }
}

#[test]
fn linked_files_are_published_beside_their_bundle_or_under_files() {
    let site = Site::fixture("attachments");
    let out = site.build_under("https://example.com/postmortems/", &["--public"]);
    assert_eq!(attachments(&out), PUBLISHED_PUBLIC);
    assert_nowhere(&out, NEVER);
    assert_nowhere(&out, &["internal-only-topology"]);
    assert_eq!(out.dead_links(), Vec::<String>::new());

    // Every link resolves, under the sub-path, to a file with the source's bytes.
    let sources = [
        (
            "incidents/2024-05-01-dns/index.html",
            "content/2024/2024-05-01-dns",
        ),
        ("incidents/flat-file/index.html", "content/2023"),
    ];
    let mut seen = 0;
    for (page, dir) in sources {
        for link in file_links(&out, page) {
            assert!(link.starts_with("/postmortems/"), "{page}: {link}");
            let file = out
                .file_for_url(link.split('#').next().unwrap())
                .unwrap_or_else(|| panic!("{page}: {link} resolves to no file"));
            let rel = file.strip_prefix(&out.dir).unwrap().to_string_lossy();
            let source = match rel.strip_prefix("incidents/2024-05-01-dns/") {
                Some(inside) => format!("content/2024/2024-05-01-dns/{inside}"),
                None => format!("content/{}", rel.strip_prefix("files/").unwrap()),
            };
            assert_eq!(
                fs::read(&file).unwrap(),
                fs::read(site.path().join(&source)).unwrap(),
                "{page}: {link} is not {source} (linked from {dir})"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 5, "every link of both pages was read");
}

#[test]
fn images_load_lazily_with_their_size() {
    let site = Site::fixture("attachments");
    let out = site.build(&[]);
    let doc = out.html("incidents/2024-05-01-dns/index.html");
    let images: Vec<(String, String, String, String, String)> = attrs(&doc, "main img", "src")
        .into_iter()
        .zip(attrs(&doc, "main img", "alt"))
        .zip(attrs(&doc, "main img", "width"))
        .zip(attrs(&doc, "main img", "height"))
        .zip(attrs(&doc, "main img", "loading"))
        .map(|((((src, alt), w), h), loading)| (src, alt, w, h, loading))
        .collect();
    let image = |src: &str, alt: &str, w: &str, h: &str| {
        (src.into(), alt.into(), w.into(), h.into(), "lazy".into())
    };
    assert_eq!(
        images,
        [
            image(
                "/incidents/2024-05-01-dns/graphs/latency.png",
                "p99 lookup latency, rising to 5 s",
                "64",
                "32"
            ),
            image(
                "/files/shared/topology.svg",
                "cluster topology",
                "320",
                "120"
            ),
        ]
    );
    assert_eq!(
        attrs(&doc, "main a[href*='raw']", "href"),
        ["/incidents/2024-05-01-dns/notes/raw%20log.txt#L2"]
    );
}

#[test]
fn an_internal_build_publishes_the_internal_incidents_files_and_no_others() {
    let site = Site::fixture("attachments");
    let out = site.build(&[]);
    let mut expected: Vec<&str> = PUBLISHED_PUBLIC.to_vec();
    expected.insert(0, "files/shared/internal-only-topology.png");
    assert_eq!(attachments(&out), expected);
    assert_nowhere(&out, NEVER);
}

#[test]
fn a_draft_bundles_files_are_published_only_with_the_drafts() {
    let site = Site::fixture("attachments");
    let out = site.build(&["--drafts"]);
    assert!(
        out.files()
            .contains(&"incidents/2024-06-01-draft/draft-secret-graph.png".to_string()),
        "{:?}",
        attachments(&out)
    );
    assert_nowhere(&out, &["unlinked-screenshot", "never-linked"]);
}

#[test]
fn a_file_removed_from_a_page_leaves_the_next_build() {
    let site = Site::fixture("attachments");
    site.build(&[]);
    site.write(
        "content/2023/flat-file.md",
        &crate::support::incident("An earlier DNS incident", "2023-02-01", "minor", ""),
    );
    let page = site.read("content/2024/2024-05-01-dns/index.md");
    site.write(
        "content/2024/2024-05-01-dns/index.md",
        &page.replace(
            "![cluster topology](../../shared/topology.svg)",
            "a diagram",
        ),
    );
    let out = site.build(&[]);
    assert!(
        !out.files()
            .contains(&"files/shared/topology.svg".to_string()),
        "{:?}",
        attachments(&out)
    );
}

#[test]
fn a_page_can_be_a_bundle_too() {
    let site = Site::new();
    site.write(
        "content/pages/team/index.md",
        "---\ntitle: The team\n---\n![who is on call this week](rota.svg)\n",
    );
    site.write(
        "content/pages/team/rota.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"50\"></svg>\n",
    );
    site.write(
        "content/dns.md",
        &crate::support::incident("DNS", "2024-01-01", "minor", "components: [CoreDNS]\n"),
    );
    let out = site.build(&[]);
    let doc = out.html("team/index.html");
    assert_eq!(attrs(&doc, "main img", "src"), ["/team/rota.svg"]);
    assert_eq!(attrs(&doc, "main img", "width"), ["200"]);
    assert_eq!(
        out.read("team/rota.svg"),
        site.read("content/pages/team/rota.svg")
    );
    assert_eq!(out.dead_links(), Vec::<String>::new());
}
