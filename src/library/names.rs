//! Names that match case-insensitively (components, tags, organizations):
//! choosing the spelling shown everywhere and catching slug collisions.
//!
//! SPEC §2: the spelling used by the most published incidents wins, ties go to
//! the oldest such incident, then to the file path.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Location, Pos};
use crate::slug::slugify;

/// One use of a name by an incident.
#[derive(Debug, Clone)]
pub struct Use<'a> {
    /// The name as written (after alias resolution for components).
    pub spelling: &'a str,
    /// The incident's index in the published list.
    pub incident: usize,
    /// The incident's date, for tie breaks.
    pub date: Date,
    /// The file, for tie breaks and messages.
    pub path: &'a str,
    /// Where the name is written.
    pub pos: Pos,
}

/// A name as the site shows it, with its incidents.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The chosen spelling.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// Incident indices, ascending, each once.
    pub incidents: Vec<usize>,
}

/// Groups uses by lowercase name, picks each group's spelling, and reports names
/// whose slugs collide. Returns the names sorted by slug, and for every use the index
/// of its name in that list (in the order of `uses`).
pub fn resolve(
    what: &str,
    uses: &[Use<'_>],
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Resolved>, Vec<usize>) {
    /// Per spelling: incidents using it, the oldest use, the last incident counted.
    struct Spelling<'a> {
        count: usize,
        oldest: (Date, &'a str),
        last: Option<usize>,
    }
    struct Group<'a> {
        spellings: BTreeMap<&'a str, Spelling<'a>>,
        incidents: Vec<usize>,
        first: &'a Use<'a>,
    }
    let mut groups: BTreeMap<String, Group<'_>> = BTreeMap::new();
    for u in uses {
        let group = groups
            .entry(u.spelling.to_lowercase())
            .or_insert_with(|| Group {
                spellings: BTreeMap::new(),
                incidents: Vec::new(),
                first: u,
            });
        let entry = group.spellings.entry(u.spelling).or_insert(Spelling {
            count: 0,
            oldest: (u.date, u.path),
            last: None,
        });
        if entry.last != Some(u.incident) {
            entry.count += 1;
            entry.last = Some(u.incident);
        }
        if (u.date, u.path) < entry.oldest {
            entry.oldest = (u.date, u.path);
        }
        if group.incidents.last() != Some(&u.incident) {
            group.incidents.push(u.incident);
        }
    }
    let mut by_slug: BTreeMap<String, (String, Group<'_>)> = BTreeMap::new();
    for (_, mut group) in groups {
        let name = group
            .spellings
            .iter()
            .min_by(|a, b| b.1.count.cmp(&a.1.count).then(a.1.oldest.cmp(&b.1.oldest)))
            .map(|(s, _)| (*s).to_string())
            .unwrap_or_default();
        let slug = slugify(&name);
        if slug.is_empty() {
            problems.push(Diagnostic::error(
                Location::at(group.first.path, group.first.pos),
                format!("{what} `{name}` has no letters or digits, so it cannot have a page"),
            ));
            continue;
        }
        group.incidents.sort_unstable();
        group.incidents.dedup();
        if let Some((other, other_group)) = by_slug.get(&slug) {
            let first = group.first;
            problems.push(
                Diagnostic::error(
                    Location::at(first.path, first.pos),
                    format!(
                        "{what} `{}` and `{other}` would share the URL slug `{slug}`",
                        first.spelling
                    ),
                )
                .with_help(format!(
                    "`{other}` is used in {}:{}; rename one of them",
                    other_group.first.path, other_group.first.pos.line
                )),
            );
            continue;
        }
        by_slug.insert(slug, (name, group));
    }
    let mut index_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut resolved = Vec::with_capacity(by_slug.len());
    for (slug, (name, group)) in by_slug {
        index_of.insert(name.to_lowercase(), resolved.len());
        for spelling in group.spellings.keys() {
            index_of.insert(spelling.to_lowercase(), resolved.len());
        }
        resolved.push(Resolved {
            name,
            slug,
            incidents: group.incidents,
        });
    }
    let map = uses
        .iter()
        .map(|u| {
            index_of
                .get(&u.spelling.to_lowercase())
                .copied()
                .unwrap_or(usize::MAX)
        })
        .collect();
    (resolved, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn most_used_spelling_wins_then_oldest() {
        let uses = [
            Use {
                spelling: "ETCD",
                incident: 0,
                date: date("2023-01-01"),
                path: "a.md",
                pos: Pos::new(1, 1),
            },
            Use {
                spelling: "etcd",
                incident: 1,
                date: date("2022-01-01"),
                path: "b.md",
                pos: Pos::new(1, 1),
            },
            Use {
                spelling: "etcd",
                incident: 2,
                date: date("2021-01-01"),
                path: "c.md",
                pos: Pos::new(1, 1),
            },
            Use {
                spelling: "Istio",
                incident: 0,
                date: date("2023-01-01"),
                path: "a.md",
                pos: Pos::new(2, 1),
            },
            Use {
                spelling: "istio",
                incident: 1,
                date: date("2022-01-01"),
                path: "b.md",
                pos: Pos::new(2, 1),
            },
        ];
        let mut problems = Vec::new();
        let (names, map) = resolve("component", &uses, &mut problems);
        assert!(problems.is_empty());
        let shown: Vec<_> = names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(shown, ["etcd", "istio"]);
        assert_eq!(names[0].incidents, [0, 1, 2]);
        assert_eq!(map, [0, 0, 0, 1, 1]);
    }

    #[test]
    fn colliding_slugs_are_an_error_naming_both() {
        let uses = [
            Use {
                spelling: "C++",
                incident: 0,
                date: date("2023-01-01"),
                path: "a.md",
                pos: Pos::new(3, 5),
            },
            Use {
                spelling: "C",
                incident: 1,
                date: date("2023-01-01"),
                path: "b.md",
                pos: Pos::new(4, 5),
            },
        ];
        let mut problems = Vec::new();
        resolve("component", &uses, &mut problems);
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(text.contains("share the URL slug `c`"), "{text}");
        assert!(text.contains("a.md") && text.contains("b.md"), "{text}");
    }
}
