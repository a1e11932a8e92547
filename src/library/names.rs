//! Names that match case-insensitively (components, tags, organizations):
//! choosing the spelling shown everywhere and catching slug collisions.
//!
//! SPEC §2: the spelling used by the most published incidents wins, ties go to
//! the oldest such incident, then to the file path.

use std::borrow::Cow;
use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Location, Pos};
use crate::slug::slugify;

use super::ix::{IncidentIx, Ix, IxVec};

/// One use of a name by an incident.
#[derive(Debug, Clone)]
pub(super) struct Use<'a> {
    /// The name as written (after alias resolution for components).
    pub spelling: &'a str,
    /// The incident using it.
    pub incident: IncidentIx,
    /// The incident's date, for tie breaks.
    pub date: Date,
    /// The file, for tie breaks and messages.
    pub path: &'a str,
    /// Where the name is written.
    pub pos: Pos,
}

/// A name as the site shows it.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    /// The chosen spelling.
    pub name: String,
    /// Its slug.
    pub slug: String,
}

/// `text` in lowercase, borrowed when it already is: most names are, and this is
/// asked of every name of every incident.
pub(super) fn lowercase(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// Groups uses by lowercase name, picks each group's spelling, and reports names
/// whose slugs collide. Returns the names sorted by slug, and for every use the
/// position of its name in that list (in the order of `uses`): `None` for a name
/// left out because of an error reported here.
pub(super) fn resolve<I: Ix>(
    what: &str,
    uses: &[Use<'_>],
    problems: &mut Vec<Diagnostic>,
) -> (IxVec<I, Resolved>, Vec<Option<I>>) {
    /// Per spelling: incidents using it, the oldest use, the last incident counted.
    struct Spelling<'a> {
        count: usize,
        oldest: (Date, &'a str),
        last: Option<IncidentIx>,
    }
    struct Group<'a> {
        spellings: BTreeMap<&'a str, Spelling<'a>>,
        first: &'a Use<'a>,
    }
    let mut groups: BTreeMap<Cow<'_, str>, Group<'_>> = BTreeMap::new();
    for u in uses {
        let group = groups
            .entry(lowercase(u.spelling))
            .or_insert_with(|| Group {
                spellings: BTreeMap::new(),
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
    }
    let mut by_slug: BTreeMap<String, (String, Group<'_>)> = BTreeMap::new();
    for (_, group) in groups {
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
    let mut index_of: BTreeMap<String, I> = BTreeMap::new();
    let mut resolved = IxVec::new();
    for (slug, (name, group)) in by_slug {
        let lowercase = name.to_lowercase();
        let at = resolved.push(Resolved { name, slug });
        index_of.insert(lowercase, at);
        for spelling in group.spellings.keys() {
            index_of.insert(spelling.to_lowercase(), at);
        }
    }
    let map = uses
        .iter()
        .map(|u| index_of.get(&*lowercase(u.spelling)).copied())
        .collect();
    (resolved, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::ix::ComponentIx;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn most_used_spelling_wins_then_oldest() {
        let uses = [
            Use {
                spelling: "ETCD",
                incident: IncidentIx::new(0),
                date: date("2023-01-01"),
                path: "a.md",
                pos: Pos::new(1, 1),
            },
            Use {
                spelling: "etcd",
                incident: IncidentIx::new(1),
                date: date("2022-01-01"),
                path: "b.md",
                pos: Pos::new(1, 1),
            },
            Use {
                spelling: "etcd",
                incident: IncidentIx::new(2),
                date: date("2021-01-01"),
                path: "c.md",
                pos: Pos::new(1, 1),
            },
            Use {
                spelling: "Istio",
                incident: IncidentIx::new(0),
                date: date("2023-01-01"),
                path: "a.md",
                pos: Pos::new(2, 1),
            },
            Use {
                spelling: "istio",
                incident: IncidentIx::new(1),
                date: date("2022-01-01"),
                path: "b.md",
                pos: Pos::new(2, 1),
            },
        ];
        let mut problems = Vec::new();
        let (names, map) = resolve::<ComponentIx>("component", &uses, &mut problems);
        assert!(problems.is_empty());
        let shown: Vec<_> = names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(shown, ["etcd", "istio"]);
        let at = |n: usize| Some(ComponentIx::new(n));
        assert_eq!(map, [at(0), at(0), at(0), at(1), at(1)]);
    }

    #[test]
    fn colliding_slugs_are_an_error_naming_both() {
        let uses = [
            Use {
                spelling: "C++",
                incident: IncidentIx::new(0),
                date: date("2023-01-01"),
                path: "a.md",
                pos: Pos::new(3, 5),
            },
            Use {
                spelling: "C",
                incident: IncidentIx::new(1),
                date: date("2023-01-01"),
                path: "b.md",
                pos: Pos::new(4, 5),
            },
        ];
        let mut problems = Vec::new();
        let (names, map) = resolve::<ComponentIx>("component", &uses, &mut problems);
        assert_eq!(problems.len(), 1);
        // `c` sorts first and keeps the slug; `c++` is left out, with no position.
        assert_eq!(names.len(), 1);
        assert_eq!(map, [None, Some(ComponentIx::new(0))]);
        let text = problems[0].to_string();
        assert!(text.contains("share the URL slug `c`"), "{text}");
        assert!(text.contains("a.md") && text.contains("b.md"), "{text}");
    }

    #[test]
    fn lowercase_borrows_what_is_lowercase_already() {
        assert!(matches!(lowercase("etcd-2 x"), Cow::Borrowed("etcd-2 x")));
        assert_eq!(lowercase("CoreDNS"), "coredns");
        assert_eq!(lowercase("ÉTÉ été"), "été été");
        assert!(matches!(lowercase("été"), Cow::Owned(_)));
    }
}
