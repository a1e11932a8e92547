//! Repeats (SPEC §10): incident B repeats an earlier incident A when B's date is
//! at most the config's `repeat_window_days` after A's, and the two share at least
//! one component and at least one theme other than `other` among their lessons
//! and contributing factors. "Earlier" is an earlier day: two incidents of the
//! same day do not repeat each other.
//!
//! Found through an index by (component, theme): each incident looks only at the
//! incidents sharing one such pair with it inside its window, found by binary
//! search on the date, so the work follows the number of repeats found, not the
//! square of the library's size.
//!
//! In a large library where most incidents share a component (every one names
//! `Kubernetes`, say), an incident can repeat hundreds of others: each side keeps
//! the [`LISTED`] nearest with what they share, and counts the rest.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::ix::{ComponentIx, IncidentIx, ThemeIx};

/// How many repeats each side of an incident lists, nearest first.
pub const LISTED: usize = 5;

/// What the rule reads of one incident.
#[derive(Debug, Clone, Default)]
pub(super) struct Keys {
    /// Its date, as a day number.
    pub day: i32,
    /// Its components, each once.
    pub components: Vec<ComponentIx>,
    /// The themes of its lessons and factors, `other` left out, sorted, each once.
    pub themes: Vec<ThemeIx>,
}

/// One incident repeating another, seen from either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The other incident.
    pub incident: IncidentIx,
    /// The components both name, in this incident's order.
    pub components: Vec<ComponentIx>,
    /// The themes both have, other than `other`, in theme order.
    pub themes: Vec<ThemeIx>,
}

/// The repeats of one incident.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repeats {
    /// The nearest [`LISTED`] earlier incidents it repeats, nearest first.
    pub earlier: Vec<Repeat>,
    /// How many earlier incidents it repeats in all.
    pub earlier_count: usize,
    /// The nearest [`LISTED`] later incidents that repeat it, nearest first.
    pub later: Vec<Repeat>,
    /// How many later incidents repeat it in all.
    pub later_count: usize,
}

/// For each incident (in library order, newest first, so that days never increase),
/// its repeats, and every later incident that repeats it, nearest first (for the
/// action items that a repeat followed; not kept).
pub(super) fn repeats(keys: &[Keys], window_days: u32) -> Vec<(Repeats, Vec<IncidentIx>)> {
    let window = i32::try_from(window_days).unwrap_or(i32::MAX);
    let mut postings: HashMap<(ComponentIx, ThemeIx), Vec<usize>> = HashMap::new();
    for (n, k) in keys.iter().enumerate() {
        for &c in &k.components {
            for &t in &k.themes {
                postings.entry((c, t)).or_default().push(n);
            }
        }
    }
    // Earlier incidents each one repeats.
    let earlier: Vec<Vec<usize>> = (0..keys.len())
        .into_par_iter()
        .map(|b| {
            let kb = &keys[b];
            let first_day = kb.day.saturating_sub(window);
            let mut found = BTreeSet::new();
            for &c in &kb.components {
                for &t in &kb.themes {
                    let list = &postings[&(c, t)];
                    // Days fall along the list: skip those on or after B's day, stop
                    // before those more than the window before it.
                    let from = list.partition_point(|&a| keys[a].day >= kb.day);
                    let to = list.partition_point(|&a| keys[a].day >= first_day);
                    found.extend(list[from..to.max(from)].iter().copied());
                }
            }
            found.into_iter().collect()
        })
        .collect();
    // The same pairs from the earlier side: later incidents, nearest first.
    let mut later: Vec<Vec<usize>> = vec![Vec::new(); keys.len()];
    for (b, list) in earlier.iter().enumerate().rev() {
        for &a in list {
            later[a].push(b);
        }
    }
    earlier
        .into_iter()
        .zip(later)
        .enumerate()
        .map(|(n, (earlier, later))| {
            let listed = |list: &[usize]| -> Vec<Repeat> {
                (list.iter().take(LISTED))
                    .map(|&other| shared(&keys[n], other, &keys[other]))
                    .collect()
            };
            let repeats = Repeats {
                earlier: listed(&earlier),
                earlier_count: earlier.len(),
                later: listed(&later),
                later_count: later.len(),
            };
            (repeats, later.into_iter().map(IncidentIx::new).collect())
        })
        .collect()
}

/// What incident `this` shares with incident `other`, seen from `this`.
fn shared(this: &Keys, other: usize, keys: &Keys) -> Repeat {
    Repeat {
        incident: IncidentIx::new(other),
        components: (this.components.iter())
            .filter(|c| keys.components.contains(c))
            .copied()
            .collect(),
        themes: (this.themes.iter())
            .filter(|t| keys.themes.binary_search(t).is_ok())
            .copied()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(day: i32, components: &[usize], themes: &[usize]) -> Keys {
        Keys {
            day,
            components: components.iter().map(|&c| ComponentIx::new(c)).collect(),
            themes: themes.iter().map(|&t| ThemeIx::new(t)).collect(),
        }
    }

    fn pairs(found: &[(Repeats, Vec<IncidentIx>)]) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for (b, (r, _)) in found.iter().enumerate() {
            pairs.extend(r.earlier.iter().map(|r| (b, r.incident.index())));
        }
        pairs
    }

    #[test]
    fn the_window_includes_its_last_day() {
        // Newest first: 365 days apart repeats, 366 does not.
        let library = [
            keys(1000, &[0], &[1]),
            keys(635, &[0], &[1]),
            keys(634, &[0], &[1]),
        ];
        let found = repeats(&library, 365);
        assert_eq!(pairs(&found), [(0, 1), (1, 2)]);
        assert_eq!(
            found[1]
                .0
                .later
                .iter()
                .map(|r| r.incident.index())
                .collect::<Vec<_>>(),
            [0]
        );
        assert_eq!(
            found[2]
                .0
                .later
                .iter()
                .map(|r| r.incident.index())
                .collect::<Vec<_>>(),
            [1]
        );
    }

    #[test]
    fn a_component_without_a_theme_is_no_repeat() {
        // Shared component 0 but themes 1 and 2; then a shared theme but no component.
        let library = [
            keys(20, &[0], &[1]),
            keys(10, &[0], &[2]),
            keys(5, &[3], &[1]),
        ];
        assert!(pairs(&repeats(&library, 365)).is_empty());
    }

    #[test]
    fn the_same_day_is_no_repeat_and_shared_keys_are_listed() {
        let library = [
            keys(50, &[2, 0, 1], &[1, 4]),
            keys(50, &[0], &[1]),
            keys(40, &[1, 2, 5], &[1, 3, 4]),
        ];
        let found = repeats(&library, 30);
        assert_eq!(pairs(&found), [(0, 2)]);
        let r = &found[0].0.earlier[0];
        assert_eq!(r.components, [ComponentIx::new(2), ComponentIx::new(1)]);
        assert_eq!(r.themes, [ThemeIx::new(1), ThemeIx::new(4)]);
        // Seen from the earlier side, in its own order.
        let back = &found[2].0.later[0];
        assert_eq!(back.incident, IncidentIx::new(0));
        assert_eq!(back.components, [ComponentIx::new(1), ComponentIx::new(2)]);
    }

    #[test]
    fn nearest_first_on_both_sides() {
        let library = [
            keys(30, &[0], &[0]),
            keys(20, &[0], &[0]),
            keys(10, &[0], &[0]),
        ];
        let found = repeats(&library, 365);
        let ids = |list: &[Repeat]| list.iter().map(|r| r.incident.index()).collect::<Vec<_>>();
        assert_eq!(ids(&found[0].0.earlier), [1, 2]);
        assert_eq!(ids(&found[2].0.later), [1, 0]);
    }

    #[test]
    fn each_side_lists_the_nearest_and_counts_the_rest() {
        let library: Vec<Keys> = (0..25).map(|n| keys(100 - n, &[0], &[0])).collect();
        let found = repeats(&library, 365);
        let (newest, _) = &found[0];
        assert_eq!(newest.earlier_count, 24);
        assert_eq!(newest.earlier.len(), LISTED);
        assert_eq!(newest.earlier[0].incident, IncidentIx::new(1));
        let (oldest, all_later) = &found[24];
        assert_eq!(oldest.later_count, 24);
        assert_eq!(oldest.later.len(), LISTED);
        assert_eq!(oldest.later[0].incident, IncidentIx::new(23));
        assert_eq!(all_later.len(), 24);
        assert_eq!(all_later.last(), Some(&IncidentIx::new(0)));
    }
}
