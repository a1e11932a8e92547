//! Template problems as diagnostics an author can act on: the template file (a
//! site override or the built-in one), the line and column where the engine or a
//! search of the source finds the culprit, and the nearest valid name.
//!
//! Tera 1 gives positions only for syntax errors, so for render errors the
//! variable, filter or macro it names is looked up in the template and its
//! parents.

use std::collections::HashMap;
use std::error::Error as _;

use serde_json::Value;
use tera::{ErrorKind, Tera};

use crate::diag::{Diagnostic, LineIndex, Location, Pos, did_you_mean, nearest};

/// The source of every template by name, and the path shown for it.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    map: HashMap<String, (String, String)>,
}

impl Sources {
    /// Adds or replaces a template; `path` is what messages show.
    pub(crate) fn insert(&mut self, name: &str, text: &str, path: String) {
        self.map.insert(name.to_string(), (text.to_string(), path));
    }

    /// Template names, sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.map.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The source of a template.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(|(text, _)| text.as_str())
    }

    /// The path shown for a template (`templates/x.html`, or with `(built-in)`).
    pub(crate) fn path(&self, name: &str) -> String {
        self.map
            .get(name)
            .map_or_else(|| format!("templates/{name}"), |(_, path)| path.clone())
    }

    /// Where `needle` first occurs as a whole name inside a tag of the first
    /// template of `names` that has it.
    fn find(&self, names: &[String], needle: &str) -> Option<Location> {
        names.iter().find_map(|name| {
            let text = self.text(name)?;
            let offset = find_in_tags(text, needle)?;
            Some(Location::at(
                self.path(name),
                LineIndex::new(text).pos(text, offset),
            ))
        })
    }

    /// Where `needle` first occurs in template `name`, else the file alone.
    pub(crate) fn location(&self, name: &str, needle: Option<&str>) -> Location {
        needle
            .and_then(|n| self.find(&[name.to_string()], n))
            .unwrap_or_else(|| Location::file(self.path(name)))
    }
}

/// The first offset of `needle` in `text` that is inside a `{{ }}` or `{% %}` tag
/// and not part of a longer name.
fn find_in_tags(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(needle).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        if before.is_some_and(|c| is_name(c) || c == '.') || after.is_some_and(is_name) {
            return false;
        }
        let head = &text[..i];
        let open = head.rfind("{{").max(head.rfind("{%"));
        let close = head.rfind("}}").max(head.rfind("%}"));
        match (open, close) {
            (Some(o), Some(c)) => o > c,
            (Some(_), None) => true,
            _ => false,
        }
    })
}

/// A template that does not parse: the position Tera's parser gives, and what it expected.
pub(crate) fn parse_error(sources: &Sources, name: &str, e: &tera::Error) -> Diagnostic {
    let text = chain(e);
    let pos = text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("-->")?.trim();
        let (l, c) = rest.split_once(':')?;
        Some(Pos::new(l.trim().parse().ok()?, c.trim().parse().ok()?))
    });
    let expected = text
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("= "))
        .map(str::trim);
    let location = match pos {
        Some(pos) => Location::at(sources.path(name), pos),
        None => Location::file(sources.path(name)),
    };
    let message = match expected {
        Some(expected) => format!("template does not parse: {expected}"),
        None => format!("template does not parse: {}", one_line(&text)),
    };
    Diagnostic::error(location, message)
}

/// A problem Tera finds when it links the templates together (inheritance, macro files).
pub(crate) fn link_error(sources: &Sources, e: &tera::Error) -> Diagnostic {
    let names = sources.names();
    match &e.kind {
        ErrorKind::MissingParent { current, parent } => {
            let help = nearest(parent, names.iter().copied())
                .map_or_else(|| format!("templates: {}", names.join(", ")), did_you_mean);
            Diagnostic::error(
                sources.location(current, Some(parent)),
                format!("template extends `{parent}`, which does not exist"),
            )
            .with_help(help)
        }
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(
            sources.location(tpl, Some("extends")),
            format!(
                "templates extend each other in a loop: {} -> {tpl}",
                inheritance_chain.join(" -> ")
            ),
        ),
        _ => {
            let text = chain(e);
            let (culprit, _) = quoted(&text);
            let location = culprit.filter(|c| sources.text(c).is_some()).map_or_else(
                || Location::file(crate::content::TEMPLATES_DIR),
                |c| Location::file(sources.path(c)),
            );
            Diagnostic::error(
                location,
                format!("templates do not fit together: {}", one_line(&text)),
            )
        }
    }
}

/// A render failure: the innermost cause, located in the template or its parents,
/// with the nearest field of the context when a variable is missing.
pub(crate) fn render_error(
    tera: &Tera,
    sources: &Sources,
    template: &str,
    ctx: &tera::Context,
    e: &tera::Error,
) -> Diagnostic {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    let (culprit, _) = quoted(&cause);
    let culprit = culprit.map(|c| c.trim_matches(|ch| ch == '[' || ch == ']').to_string());
    let mut chain: Vec<String> = vec![template.to_string()];
    if let Ok(t) = tera.get_template(template) {
        chain.extend(t.parents.iter().cloned());
        chain.extend(t.imported_macro_files.iter().map(|(file, _)| file.clone()));
    }
    for name in sources.names() {
        if !chain.iter().any(|c| c == name) {
            chain.push(name.to_string());
        }
    }
    let variable = cause
        .strip_prefix("Variable `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(v, _)| v.to_string());
    let location = culprit
        .as_deref()
        .and_then(|c| {
            sources.find(&chain, c).or_else(|| {
                // `a.b` may be written `a["b"]`: look for the last part alone.
                let last = c.rsplit('.').next().filter(|l| *l != c)?;
                sources.find(&chain, last)
            })
        })
        .unwrap_or_else(|| Location::file(sources.path(template)));
    let (message, help) = match &variable {
        Some(v) => (format!("variable `{v}` is not defined"), field_help(ctx, v)),
        None => (lowercase_first(cause.trim()), None),
    };
    Diagnostic::error(location, message).with_help_opt(help)
}

/// `did you mean`: walks the missing variable's path through the context and, at
/// the first part that does not exist, suggests the nearest key there (or lists
/// the keys when none is close).
fn field_help(ctx: &tera::Context, variable: &str) -> Option<String> {
    let parts: Vec<&str> = variable.split('.').collect();
    let mut value = ctx.clone().into_json();
    for (i, part) in parts.iter().enumerate() {
        let next = match &value {
            Value::Object(map) => map.get(*part),
            Value::Array(items) => part.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => return None,
        };
        if let Some(next) = next {
            value = next.clone();
            continue;
        }
        let Value::Object(map) = &value else {
            return None;
        };
        let prefix = parts[..i].join(".");
        return match nearest(part, map.keys().map(String::as_str)) {
            Some(n) => {
                let mut fixed: Vec<&str> = parts.clone();
                fixed[i] = n;
                Some(did_you_mean(&fixed.join(".")))
            }
            None if i > 0 => {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                Some(format!("`{prefix}` has: {}", keys.join(", ")))
            }
            None => None,
        };
    }
    None
}

/// The first name in backticks or single quotes, and the rest of the text.
fn quoted(text: &str) -> (Option<&str>, &str) {
    for quote in ['`', '\''] {
        if let Some((_, rest)) = text.split_once(quote)
            && let Some((inside, after)) = rest.split_once(quote)
        {
            return (Some(inside), after);
        }
    }
    (None, text)
}

/// Every cause of an error, one per line.
fn chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push('\n');
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_inside_tags_only() {
        let text = "<p>title</p>\n<p>{{ page.title }} {{ title }}</p>";
        let at = find_in_tags(text, "title").unwrap();
        assert_eq!(&text[at - 3..at], "{{ ");
        assert_eq!(LineIndex::new(text).pos(text, at), Pos::new(2, 24));
        assert_eq!(find_in_tags(text, "itle"), None);
        assert!(find_in_tags("{% if x %}", "x").is_some());
    }

    #[test]
    fn quoted_names_and_lowercase() {
        assert_eq!(quoted("Filter 'nofilter' not found").0, Some("nofilter"));
        assert_eq!(quoted("Variable `a.b` not found in 'x'").0, Some("a.b"));
        assert_eq!(lowercase_first("Filter x"), "filter x");
    }
}
