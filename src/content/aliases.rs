//! Front-matter written for another tool (SPEC §9): the config's other names for
//! fields, checked against the fields, and applied to each file's tree before it
//! is read, so that every later message points at the key actually read.

use std::collections::HashSet;

use crate::config::{CONFIG_FILE, Config, FrontMatterConfig, UnknownKeys};
use crate::diag::{Diagnostic, Location, Pos, nearest_help};

use super::front_matter::{Key, Node, Value};
use super::incident::incident_keys;

/// The fields that hold a list of names: another name for one may hold one name.
const LIST_FIELDS: [&str; 3] = ["components", "tags", "authors"];

/// The problems of the config's `[front_matter.aliases]`: a field that does not
/// exist, or another name that is itself a field.
pub(super) fn check_config(front_matter: &FrontMatterConfig) -> Vec<Diagnostic> {
    let fields = incident_keys();
    let mut problems = Vec::new();
    for alias in &front_matter.aliases {
        let at = Location::at(CONFIG_FILE, alias.pos);
        if !fields.contains(&alias.field.as_str()) {
            problems.push(
                Diagnostic::error(
                    at.clone(),
                    format!(
                        "`{}` in [front_matter.aliases] is no front-matter field",
                        alias.field
                    ),
                )
                .with_help_opt(nearest_help(&alias.field, fields.iter().copied())),
            );
        }
        for name in &alias.names {
            if fields.contains(&name.as_str()) {
                problems.push(
                    Diagnostic::error(
                        at.clone(),
                        format!(
                            "`{name}` is a field of its own and cannot be another name for `{}`",
                            alias.field
                        ),
                    )
                    .with_help(format!(
                        "remove `{name}` from the list of `{}`",
                        alias.field
                    )),
                );
            }
        }
    }
    problems
}

/// Applies the config's other names to a file's front-matter: a field the file does
/// not give is read from the first of its other names that it does (keeping that
/// key's position), a name not used gets a warning, and, with `unknown_keys =
/// "extra"`, keys that are no field go under `extra`. Returns the fields read
/// from another name, with that name.
pub(super) fn apply(
    node: &mut Node,
    config: &Config,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let front_matter = &config.front_matter;
    let Value::Map(entries) = &mut node.value else {
        return Vec::new();
    };
    if front_matter.aliases.is_empty() && front_matter.unknown_keys == UnknownKeys::Warn {
        return Vec::new();
    }
    let position =
        |entries: &[(Key, Node)], name: &str| entries.iter().position(|(k, _)| k.name == name);
    let mut read_as_alias: HashSet<String> = HashSet::new();
    let mut added: Vec<(Key, Node)> = Vec::new();
    let mut read_from: Vec<(String, String)> = Vec::new();
    for alias in &front_matter.aliases {
        let own = position(entries, &alias.field);
        let present: Vec<usize> = (alias.names.iter())
            .filter_map(|name| position(entries, name))
            .collect();
        let mut unused = present.as_slice();
        if own.is_none()
            && let Some((&first, rest)) = present.split_first()
        {
            let (key, value) = &entries[first];
            let mut value = value.clone();
            // Another tool's single name (`product: DNS`) for a list field.
            if LIST_FIELDS.contains(&alias.field.as_str())
                && matches!(value.value, Value::String(_))
            {
                value = Node {
                    pos: value.pos,
                    value: Value::List(vec![value]),
                };
            }
            read_from.push((alias.field.clone(), key.name.clone()));
            added.push((
                Key {
                    pos: key.pos,
                    name: alias.field.clone(),
                },
                value,
            ));
            unused = rest;
        }
        let reason = match own {
            Some(_) => format!("this file gives `{}` under its own name", alias.field),
            None => match present.first() {
                Some(&i) => format!("`{}` is read from `{}`", alias.field, entries[i].0.name),
                None => String::new(),
            },
        };
        for &i in unused {
            let key = &entries[i].0;
            problems.push(
                Diagnostic::warning(
                    Location::at(path, key.pos),
                    format!("`{}` is not read: {reason}", key.name),
                )
                .with_help(format!(
                    "keep one of the two; [front_matter.aliases] tries `{}` first, then {}",
                    alias.field,
                    alias
                        .names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        read_as_alias.extend(present.iter().map(|&i| entries[i].0.name.clone()));
    }
    entries.retain(|(key, _)| !read_as_alias.contains(&key.name));
    entries.extend(added);
    if front_matter.unknown_keys == UnknownKeys::Extra {
        keep_unknown_as_extra(entries);
    }
    read_from
}

/// Names a problem about a field read from another name by the name written, so
/// that "`tags` must be a list" reads "`keywords` (read as `tags`) must be a list".
pub(super) fn name_as_written(problem: &mut Diagnostic, read_from: &[(String, String)]) {
    for (field, alias) in read_from {
        let field = format!("`{field}`");
        if let Some(rest) = problem.message.strip_prefix(&field) {
            problem.message = format!("`{alias}` (read as {field}){rest}");
            return;
        }
    }
}

/// Moves every key that is no field under `extra`, next to what `extra` holds.
fn keep_unknown_as_extra(entries: &mut Vec<(Key, Node)>) {
    let fields = incident_keys();
    let (unknown, known): (Vec<_>, Vec<_>) = std::mem::take(entries)
        .into_iter()
        .partition(|(key, _)| !fields.contains(&key.name.as_str()));
    *entries = known;
    if unknown.is_empty() {
        return;
    }
    match entries.iter_mut().find(|(key, _)| key.name == "extra") {
        Some((
            _,
            Node {
                value: Value::Map(extra),
                ..
            },
        )) => {
            for (key, value) in unknown {
                if !extra.iter().any(|(k, _)| k.name == key.name) {
                    extra.push((key, value));
                }
            }
        }
        // An `extra` that is not a map gets its own error when it is read.
        Some(_) => {}
        None => {
            let pos = unknown.first().map_or(Pos::new(1, 1), |(key, _)| key.pos);
            entries.push((
                Key {
                    pos,
                    name: "extra".to_string(),
                },
                Node {
                    pos,
                    value: Value::Map(unknown),
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Alias;

    fn tree(text: &str) -> Node {
        let split = super::super::front_matter::split(text).unwrap().unwrap();
        super::super::front_matter::parse(text, &split).unwrap()
    }

    fn keys(node: &Node) -> Vec<String> {
        match &node.value {
            Value::Map(entries) => entries.iter().map(|(k, _)| k.name.clone()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn one_key_feeds_several_fields_and_unknown_keys_go_under_extra() {
        let mut config = Config::default();
        config.front_matter.unknown_keys = UnknownKeys::Extra;
        for (field, name) in [("started", "start_time"), ("date", "start_time")] {
            config.front_matter.aliases.push(Alias {
                field: field.to_string(),
                names: vec![name.to_string()],
                pos: Pos::new(1, 1),
            });
        }
        let mut node = tree(
            "---\ntitle: A\nstart_time: 2024-01-01T10:00:00Z\nproduct: DNS\nextra: {team: sre}\n---\n",
        );
        let mut problems = Vec::new();
        let read_from = apply(&mut node, &config, "content/a.md", &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(keys(&node), ["title", "extra", "started", "date"]);
        assert_eq!(
            read_from,
            [
                ("started".to_string(), "start_time".to_string()),
                ("date".to_string(), "start_time".to_string())
            ]
        );
        let Value::Map(entries) = &node.value else {
            panic!("a map")
        };
        let extra = &entries.iter().find(|(k, _)| k.name == "extra").unwrap().1;
        assert_eq!(keys(extra), ["team", "product"]);
        // The field read from another name keeps that name's position.
        let started = &entries.iter().find(|(k, _)| k.name == "started").unwrap().0;
        assert_eq!(started.pos, Pos::new(3, 1));
    }
}
