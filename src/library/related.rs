//! Related incidents: up to five incidents sharing the most components, tags and
//! lesson themes with each incident, closest in the library's order on ties.
//!
//! Built through an inverted index; very common keys are sampled near the
//! incident (by date) so that the work stays linear in the library's size.

use std::collections::HashMap;

use rayon::prelude::*;

use super::index::Facets;
use super::ix::{ComponentIx, IncidentIx, TagIx, ThemeIx};

/// How many related incidents an incident lists.
pub(super) const MAX_RELATED: usize = 5;
/// Keys used by at most this many incidents are scanned whole.
const FULL_SCAN: usize = 400;
/// For a more common key, how many incidents on each side of this one are scanned.
const WINDOW: usize = 100;

/// What two incidents can share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Component(ComponentIx),
    Tag(TagIx),
    Theme(ThemeIx),
}

/// For each incident, its related incidents, most related first: more keys shared,
/// then nearer in the library, then earlier in it. On rayon's threads when
/// `parallel`, else on this one.
pub(super) fn related<E: Facets + Sync>(entries: &[E], parallel: bool) -> Vec<Vec<IncidentIx>> {
    let keys_of = |e: &E| -> Vec<Key> {
        let mut keys: Vec<Key> = e.components().iter().map(|&c| Key::Component(c)).collect();
        keys.extend(e.tags().iter().map(|&t| Key::Tag(t)));
        keys.extend(
            e.lessons()
                .iter()
                .flat_map(|l| l.themes.iter().map(|&t| Key::Theme(t))),
        );
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let all_keys: Vec<Vec<Key>> = entries.iter().map(keys_of).collect();
    let mut postings: HashMap<Key, Vec<usize>> = HashMap::new();
    for (n, keys) in all_keys.iter().enumerate() {
        for &k in keys {
            postings.entry(k).or_default().push(n);
        }
    }
    // Scores by incident, and which are set: reset after each incident.
    let init = || (vec![0u32; entries.len()], Vec::new());
    let one = |(scores, touched): &mut (Vec<u32>, Vec<usize>), n: usize| -> Vec<IncidentIx> {
        for k in &all_keys[n] {
            let list = &postings[k];
            let candidates: &[usize] = if list.len() <= FULL_SCAN {
                list
            } else {
                let at = list.partition_point(|&m| m < n);
                &list[at.saturating_sub(WINDOW)..(at + WINDOW).min(list.len())]
            };
            for &m in candidates {
                if m != n {
                    if scores[m] == 0 {
                        touched.push(m);
                    }
                    scores[m] += 1;
                }
            }
        }
        let mut ranked: Vec<(u32, usize)> = touched
            .drain(..)
            .map(|m| (std::mem::take(&mut scores[m]), m))
            .collect();
        let order = |a: &(u32, usize), b: &(u32, usize)| {
            b.0.cmp(&a.0)
                .then(a.1.abs_diff(n).cmp(&b.1.abs_diff(n)))
                .then(a.1.cmp(&b.1))
        };
        // Only the first few are wanted: select them, then sort just those.
        if ranked.len() > MAX_RELATED {
            ranked.select_nth_unstable_by(MAX_RELATED, order);
            ranked.truncate(MAX_RELATED);
        }
        ranked.sort_unstable_by(order);
        // A fresh vector: collecting `ranked` by value would reuse its buffer,
        // sized for every candidate (thousands in a large library), for five
        // numbers kept until the build ends.
        ranked.iter().map(|&(_, m)| IncidentIx::new(m)).collect()
    };
    if parallel {
        (0..entries.len())
            .into_par_iter()
            .map_init(init, one)
            .collect()
    } else {
        let mut state = init();
        (0..entries.len()).map(|n| one(&mut state, n)).collect()
    }
}

/// Whether two incidents have the same keys, written alike: when every incident of
/// two libraries does, position by position, their related incidents are the same.
pub(super) fn same_keys<E: Facets>(a: &E, b: &E) -> bool {
    a.components() == b.components()
        && a.tags() == b.tags()
        && (a.lessons().iter().map(|l| &l.themes)).eq(b.lessons().iter().map(|l| &l.themes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Lesson;
    use crate::library::index::Made;

    fn with_components(components: &[usize]) -> Made {
        Made {
            components: components.iter().map(|&c| ComponentIx::new(c)).collect(),
            ..Made::default()
        }
    }

    fn numbers(related: &[IncidentIx]) -> Vec<usize> {
        related.iter().map(|n| n.index()).collect()
    }

    #[test]
    fn more_shared_keys_first_then_nearer_then_earlier() {
        let entries = [
            with_components(&[0, 1]),
            with_components(&[0]),
            with_components(&[0, 1]),
            with_components(&[0]),
            with_components(&[]),
            with_components(&[0]),
        ];
        let related = related(&entries, true);
        assert_eq!(related, super::related(&entries, false));
        // Incident 2 shares two components; 1, 3 and 5 one each, by distance.
        assert_eq!(numbers(&related[0]), [2, 1, 3, 5]);
        // 2 is nearest; 1 and 5 are as near, and 1 comes first; 0 is farthest.
        assert_eq!(numbers(&related[3]), [2, 1, 5, 0]);
        assert!(related[4].is_empty());
    }

    #[test]
    fn tags_and_themes_count_and_differ_from_components() {
        let entries = [
            with_components(&[0]),
            Made {
                tags: vec![TagIx::new(0)],
                ..Made::default()
            },
            Made {
                tags: vec![TagIx::new(0)],
                lessons: vec![Lesson {
                    text: String::new(),
                    themes: vec![ThemeIx::new(0), ThemeIx::new(0)],
                }],
                ..Made::default()
            },
            Made {
                lessons: vec![Lesson {
                    text: String::new(),
                    themes: vec![ThemeIx::new(0)],
                }],
                ..Made::default()
            },
        ];
        let related = related(&entries, true);
        // Component 0 and tag 0 are different keys.
        assert!(related[0].is_empty());
        assert_eq!(numbers(&related[1]), [2]);
        // A theme named twice in one incident counts once.
        assert_eq!(numbers(&related[2]), [1, 3]);
    }

    #[test]
    fn at_most_five_are_kept() {
        let entries: Vec<Made> = (0..12).map(|_| with_components(&[3])).collect();
        let related = related(&entries, true);
        assert!(related.iter().all(|r| r.len() == MAX_RELATED));
        assert_eq!(numbers(&related[6]), [5, 7, 4, 8, 3]);
    }
}
