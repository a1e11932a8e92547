//! Hostile front-matter and Markdown: every value comes out escaped in HTML text,
//! attributes, inline scripts, the Atom feed and the JSON export, and only http(s),
//! mailto and relative URLs are emitted as links.

use scraper::{Html, Selector};

use crate::support::{Output_, Site};

/// Every value carries markup, quotes, a CDATA end and a script end.
const NASTY: &str = r#"<script>alert(1)</script> " ' ]]> </script> &amp; <!-- x"#;

fn hostile_site() -> Site {
    let site = Site::new();
    // Single-quoted YAML: only `'` needs doubling.
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let v = |field: &str| q(&format!("{field} {NASTY}"));
    let front = [
        format!("title: {}", v("T")),
        "date: 2023-01-01".to_string(),
        "severity: minor".to_string(),
        format!("summary: {}", v("S")),
        format!("organization: {}", v("O")),
        format!("impact: {}", v("I")),
        format!(
            "components: [{}, {}]",
            v("C"),
            q("D\" onmouseover=\"alert(5)")
        ),
        format!("tags: [{}]", v("G")),
        format!("authors: [{}]", v("A")),
        format!("source: {}", q("https://example.com/?q=<script>&x=\"y\"")),
        format!("lessons:\n  - text: {}", v("L")),
        format!(
            "action_items:\n  - text: {}\n    owner: {}\n    link: {}",
            v("AI"),
            v("W"),
            q("https://example.com/\"><script>alert(7)</script>")
        ),
        format!("timeline:\n  - at: \"09:00\"\n    text: {}", v("TL")),
    ]
    .join("\n");
    let body = "## What happened\n\nBody <script>alert(10)</script> <b onclick=\"x\">raw</b>\n\n\
        [j](javascript:alert(11)) [v](vbscript:x) [d](data:text/html,x) [JS](JaVaScRiPt:alert(1)) \
        [ent](&#106;avascript:alert(1)) [ok](https://example.com/ok) [m](mailto:a@example.com) \
        [r](#what-happened) [rel](other/page/)\n\n\
        <a href=\"javascript:alert(12)\">html link</a>\n\n![img](javascript:alert(13))\n";
    site.write("content/x.md", &format!("---\n{front}\n---\n{body}"));
    site
}

fn html_pages(out: &Output_) -> Vec<(String, Html)> {
    out.files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| {
            let doc = out.html(&f);
            (f, doc)
        })
        .collect()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

/// An URL Debrief may emit as a link: http(s), mailto, or relative (path or fragment).
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _))
            if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') =>
        {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

#[test]
fn front_matter_values_are_escaped_in_every_context() {
    let site = hostile_site();
    let out = site.build(&[]);
    let pages = html_pages(&out);
    assert!(pages.len() > 10);
    for (page, doc) in &pages {
        // The only scripts are the theme's own: its inline theme switch and its file.
        for script in doc.select(&sel("script")) {
            let text: String = script.text().collect();
            match script.value().attr("src") {
                Some(src) => assert!(src.ends_with("debrief.js"), "{page}: script {src}"),
                None => assert!(
                    text.starts_with("try{var t=localStorage")
                        || text.trim_start().starts_with('{')
                        || text.trim_start().starts_with('['),
                    "{page}: unexpected inline script {text:?}"
                ),
            }
            if script
                .value()
                .attr("type")
                .is_some_and(|t| t.contains("json"))
            {
                let value: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{page}: {e}"));
                assert!(!value.is_null());
            }
        }
        for element in doc.select(&sel("*")) {
            for (name, value) in element.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{page}: event handler {name}={value}"
                );
                if matches!(
                    name,
                    "href" | "src" | "action" | "formaction" | "xlink:href"
                ) {
                    assert!(safe_url(value), "{page}: unsafe {name}={value}");
                }
            }
        }
        for bad in ["img", "svg", "iframe", "object", "embed", "u", "i"] {
            let found = doc
                .select(&sel(&format!("main {bad}")))
                .filter(|e| {
                    e.value().attr("class").is_none() && e.value().attr("aria-hidden").is_none()
                })
                .count();
            assert_eq!(found, 0, "{page}: a <{bad}> element from content");
        }
    }

    // The text reads exactly as written: escaped once, not twice.
    let doc = out.html("incidents/x/index.html");
    let h1: String = doc.select(&sel("h1")).next().expect("h1").text().collect();
    assert!(h1.contains(&format!("T {NASTY}")), "{h1:?}");
    let title: String = doc
        .select(&sel("title"))
        .next()
        .expect("title")
        .text()
        .collect();
    assert!(title.contains(&format!("T {NASTY}")), "{title:?}");
    let body_text: String = doc
        .select(&sel("main"))
        .next()
        .expect("main")
        .text()
        .collect();
    for field in ["S", "O", "I", "L", "AI", "W", "TL"] {
        assert!(
            body_text.contains(&format!("{field} {NASTY}")),
            "{field} not shown as text"
        );
    }
    assert!(body_text.contains("Body <script>alert(10)</script> <b onclick=\"x\">raw</b>"));
    assert_eq!(
        doc.select(&sel("main b")).count(),
        0,
        "raw HTML became an element"
    );
    // Attributes hold the value as written.
    let described = doc
        .select(&sel("meta[name=description]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .expect("description");
    assert!(described.contains(&format!("S {NASTY}")), "{described:?}");
    let source = doc
        .select(&sel("a[href^='https://example.com/?q=']"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("source link");
    assert_eq!(source, "https://example.com/?q=<script>&x=\"y\"");
    // Safe links are kept, unsafe ones are plain text.
    let hrefs: Vec<&str> = doc
        .select(&sel("main a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"https://example.com/ok"), "{hrefs:?}");
    assert!(hrefs.contains(&"mailto:a@example.com"), "{hrefs:?}");
    assert!(hrefs.contains(&"#what-happened"), "{hrefs:?}");
    assert!(hrefs.contains(&"other/page/"), "{hrefs:?}");
    assert!(
        !hrefs
            .iter()
            .any(|h| h.to_ascii_lowercase().contains("script:"))
    );
    assert!(body_text.contains("html link"));

    // Atom: well-formed, values as written.
    let feed = out.read("atom.xml");
    let xml = roxmltree::Document::parse(&feed).expect("atom.xml is well-formed XML");
    let entry_title = xml
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .flat_map(|e| e.children())
        .find(|n| n.has_tag_name("title"))
        .and_then(|t| t.text())
        .expect("entry title");
    assert_eq!(entry_title, format!("T {NASTY}"));
    let all_text: String = xml
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        all_text.contains(&format!("S {NASTY}")),
        "summary in the feed"
    );
    for node in xml.descendants().filter(|n| n.is_element()) {
        assert!(
            !matches!(node.tag_name().name(), "script" | "img"),
            "markup from content became XML elements"
        );
    }

    // Export: values exactly as written.
    let export = out.export();
    let incident = &export["incidents"][0];
    assert_eq!(incident["title"], format!("T {NASTY}"));
    assert_eq!(incident["summary"], format!("S {NASTY}"));
    assert_eq!(incident["organization"], format!("O {NASTY}"));
    assert_eq!(incident["lessons"][0]["text"], format!("L {NASTY}"));
    assert_eq!(incident["action_items"][0]["owner"], format!("W {NASTY}"));
    // The search index is JSON too.
    for file in out.files().iter().filter(|f| f.ends_with(".json")) {
        let _: serde_json::Value = serde_json::from_str(&out.read(file))
            .unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
    }
}

#[test]
fn unsafe_html_lets_raw_html_through_only_when_asked() {
    let site = Site::new();
    site.write(
        "content/x.md",
        "---\ntitle: X\ndate: 2023-01-01\nseverity: minor\ncomponents: [a]\nlessons: [b]\n---\nA <b class=\"raw\">bold</b> word.\n\n<div class=\"box\">boxed</div>\n",
    );
    let out = site.build(&[]);
    let doc = out.html("incidents/x/index.html");
    assert_eq!(doc.select(&sel("main b.raw")).count(), 0);
    assert_eq!(doc.select(&sel("main div.box")).count(), 0);
    let text: String = doc
        .select(&sel("main"))
        .next()
        .expect("main")
        .text()
        .collect();
    assert!(text.contains("<b class=\"raw\">bold</b>"), "{text}");

    site.write("debrief.toml", "[markdown]\nunsafe_html = true\n");
    let out = site.build(&[]);
    let doc = out.html("incidents/x/index.html");
    assert_eq!(doc.select(&sel("main b.raw")).count(), 1);
    assert_eq!(doc.select(&sel("main div.box")).count(), 1);
}
