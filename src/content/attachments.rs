//! The files of `content/` that are not Markdown: which bundle each belongs to, its
//! size, and an image's width and height read from its header (never the whole file).

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::PathBuf;

use rayon::prelude::*;

use super::{Attachment, CONTENT_DIR, PAGES_DIR, parent_dir};

/// The names a bundle's Markdown file may have.
const BUNDLE_FILES: [&str; 2] = ["index.md", "index.markdown"];

/// The folder name of a bundle's Markdown file (`content/2024/dns/index.md` gives
/// `dns`): its slug comes from the folder. `None` for any other file, and for an
/// `index.md` directly in `content/` or `content/pages/`, which are not bundles.
pub(super) fn bundle_name(path: &str) -> Option<&str> {
    let (dir, name) = path.rsplit_once('/')?;
    if !BUNDLE_FILES.contains(&name) || !is_bundle_folder(dir) {
        return None;
    }
    Some(dir.rsplit_once('/').map_or(dir, |(_, folder)| folder))
}

/// Whether a folder can be a bundle: it is below `content/` and is not the pages
/// folder itself.
fn is_bundle_folder(dir: &str) -> bool {
    let pages = format!("{CONTENT_DIR}/{PAGES_DIR}");
    dir.starts_with(&format!("{CONTENT_DIR}/")) && dir != pages
}

/// Describes every file found: its bundle (the nearest folder above it with an
/// `index.md`), its size and, for an image, its dimensions. Sorted by path.
pub(super) fn describe(
    files: Vec<(PathBuf, String)>,
    markdown_files: &BTreeSet<String>,
) -> Vec<Attachment> {
    let mut attachments: Vec<Attachment> = files
        .into_par_iter()
        .map(|(source, path)| {
            let len = fs::metadata(&source).map_or(0, |m| m.len());
            Attachment {
                bundle: bundle_of(&path, markdown_files),
                dimensions: dimensions(&source, &path),
                path,
                source,
                len,
            }
        })
        .collect();
    attachments.sort_by(|a, b| a.path.cmp(&b.path));
    attachments
}

/// The Markdown file of the bundle that `path` lies in, if any.
fn bundle_of(path: &str, markdown_files: &BTreeSet<String>) -> Option<String> {
    let mut dir = parent_dir(path);
    while is_bundle_folder(dir) {
        for name in BUNDLE_FILES {
            let index = format!("{dir}/{name}");
            if markdown_files.contains(&index) {
                return Some(index);
            }
        }
        dir = parent_dir(dir);
    }
    None
}

/// The width and height of an image in pixels, read from its header.
fn dimensions(source: &std::path::Path, path: &str) -> Option<(u32, u32)> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" => {
            let size = imagesize::size(source).ok()?;
            Some((
                u32::try_from(size.width).ok()?,
                u32::try_from(size.height).ok()?,
            ))
        }
        "svg" => {
            let mut head = Vec::new();
            fs::File::open(source)
                .ok()?
                .take(64 * 1024)
                .read_to_end(&mut head)
                .ok()?;
            svg_dimensions(&String::from_utf8_lossy(&head))
        }
        _ => None,
    }
}

/// The size an SVG's root element gives: its `width` and `height` when both are
/// plain or pixel lengths, else its `viewBox`.
fn svg_dimensions(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start + 4..];
    let tag = &tag[..tag.find('>')?];
    let pixels = |name: &str| -> Option<u32> {
        let value = attribute(tag, name)?;
        let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
        let n: f64 = number.parse().ok()?;
        (n.is_finite() && n > 0.0 && n < 100_000.0).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (pixels("width"), pixels("height")) {
        return Some((w, h));
    }
    let view_box = attribute(tag, "viewBox")?;
    let numbers: Vec<f64> = view_box
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|part| !part.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w < 100_000.0 && h < 100_000.0 => {
            Some((w.round() as u32, h.round() as u32))
        }
        _ => None,
    }
}

/// The value of attribute `name` in the text of a start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value = &value[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_are_folders_below_content() {
        assert_eq!(bundle_name("content/2024/dns/index.md"), Some("dns"));
        assert_eq!(bundle_name("content/dns/index.markdown"), Some("dns"));
        assert_eq!(bundle_name("content/pages/team/index.md"), Some("team"));
        assert_eq!(bundle_name("content/index.md"), None);
        assert_eq!(bundle_name("content/pages/index.md"), None);
        assert_eq!(bundle_name("content/2024/dns.md"), None);
    }

    #[test]
    fn an_attachment_belongs_to_the_nearest_bundle() {
        let md: BTreeSet<String> = [
            "content/a/index.md",
            "content/a/b/index.md",
            "content/c/notes.md",
        ]
        .map(String::from)
        .into();
        let of = |p: &str| bundle_of(p, &md);
        assert_eq!(of("content/a/x.png").as_deref(), Some("content/a/index.md"));
        assert_eq!(
            of("content/a/img/x.png").as_deref(),
            Some("content/a/index.md")
        );
        assert_eq!(
            of("content/a/b/x.png").as_deref(),
            Some("content/a/b/index.md")
        );
        assert_eq!(of("content/c/x.png"), None);
        assert_eq!(of("content/x.png"), None);
    }

    #[test]
    fn raster_sizes_come_from_the_header() {
        let dir = tempfile::tempdir().unwrap();
        // A GIF's logical screen: width and height, little-endian, after the signature.
        let gif = dir.path().join("a.gif");
        let mut bytes = b"GIF89a".to_vec();
        bytes.extend_from_slice(&[0x40, 0x01, 0xf0, 0x00, 0, 0, 0]);
        std::fs::write(&gif, bytes).unwrap();
        assert_eq!(dimensions(&gif, "content/a.GIF"), Some((320, 240)));
        // Not an image, or not readable as one: no size.
        let log = dir.path().join("a.log");
        std::fs::write(&log, "GIF89a").unwrap();
        assert_eq!(dimensions(&log, "content/a.log"), None);
        let broken = dir.path().join("b.png");
        std::fs::write(&broken, "not a png").unwrap();
        assert_eq!(dimensions(&broken, "content/b.png"), None);
    }

    #[test]
    fn svg_sizes_come_from_width_and_height_or_the_view_box() {
        let svg = |tag: &str| svg_dimensions(&format!("<?xml version=\"1.0\"?>\n{tag}</svg>"));
        assert_eq!(
            svg(r#"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320px">"#),
            Some((640, 320))
        );
        assert_eq!(svg(r#"<svg viewBox="0 0 800.4 400">"#), Some((800, 400)));
        assert_eq!(
            svg(r#"<svg width="100%" height="100%" viewBox='0,0,300,150'>"#),
            Some((300, 150))
        );
        // `stroke-width` is not `width`.
        assert_eq!(
            svg(r#"<svg stroke-width="2" viewBox="0 0 10 20">"#),
            Some((10, 20))
        );
        assert_eq!(svg(r#"<svg width="10em" height="5em">"#), None);
        assert_eq!(svg("<svg>"), None);
    }
}
