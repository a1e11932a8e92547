//! HTML escaping, the one place text becomes safe to put in element content or a
//! quoted attribute: rendered Markdown, the SVG charts and the error overlay of
//! `serve` all escape through here.

/// Escapes text for HTML (and SVG) element content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
