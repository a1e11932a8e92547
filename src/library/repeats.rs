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

use std::collections::HashMap;

use rayon::prelude::*;

use super::ix::{ComponentIx, IncidentIx, ThemeIx};

/// How many repeats each side of an incident lists, nearest first.
pub const LISTED: usize = 5;

/// What the rule reads of one incident.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Keys {
    /// Its date, as a day number.
    pub day: i32,
    /// Its components, each once.
    pub components: Vec<ComponentIx>,
    /// The themes of its lessons and factors, `other` left out, sorted, each once.
    pub themes: Vec<ThemeIx>,
    /// For each action item: the day it was done, for done items with `done_on`.
    pub done_days: Vec<Option<i32>>,
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
/// its repeats, and for each of its action items the nearest later repeat whose day
/// is after the item's `done_days` entry.
///
/// Nothing is collected per pair: within one (component, theme) list the incidents
/// of a window are one run of positions, so each incident counts the distinct
/// incidents of its runs with a marker array, and takes the nearest ones from the
/// ends of the runs. A library where thousands of incidents share `etcd` and a
/// theme has millions of pairs; this holds none of them. On rayon's threads when
/// `parallel`, else on this one.
pub(super) fn repeats(
    keys: &[Keys],
    window_days: u32,
    parallel: bool,
) -> Vec<(Repeats, Vec<Option<IncidentIx>>)> {
    let window = i32::try_from(window_days).unwrap_or(i32::MAX);
    let mut postings: HashMap<(ComponentIx, ThemeIx), Vec<usize>> = HashMap::new();
    for (n, k) in keys.iter().enumerate() {
        for &c in &k.components {
            for &t in &k.themes {
                postings.entry((c, t)).or_default().push(n);
            }
        }
    }
    let one = |marks: &mut Marks, n| repeats_of(n, keys, &postings, window, marks);
    if parallel {
        (0..keys.len())
            .into_par_iter()
            .map_init(|| Marks::new(keys.len()), one)
            .collect()
    } else {
        let mut marks = Marks::new(keys.len());
        (0..keys.len()).map(|n| one(&mut marks, n)).collect()
    }
}

/// The repeats of incident `n`, read from the runs of its (component, theme) lists.
fn repeats_of(
    n: usize,
    keys: &[Keys],
    postings: &HashMap<(ComponentIx, ThemeIx), Vec<usize>>,
    window: i32,
    marks: &mut Marks,
) -> (Repeats, Vec<Option<IncidentIx>>) {
    let k = &keys[n];
    let day = |a: &usize| keys[*a].day;
    let last_day = k.day.saturating_add(window);
    let first_day = k.day.saturating_sub(window);
    // For each list: the run of earlier incidents (after this day's, within the
    // window) and the run of later ones (after this day, within the window).
    let mut earlier: Vec<&[usize]> = Vec::new();
    let mut later: Vec<&[usize]> = Vec::new();
    for &c in &k.components {
        for &t in &k.themes {
            let list = &postings[&(c, t)];
            let newer = list.partition_point(|a| day(a) > last_day);
            let after = list.partition_point(|a| day(a) > k.day);
            let from = list.partition_point(|a| day(a) >= k.day);
            let to = list.partition_point(|a| day(a) >= first_day);
            later.push(&list[newer..after]);
            earlier.push(&list[from..to.max(from)]);
        }
    }
    let earlier_count = marks.count(&earlier);
    let later_count = marks.count(&later);
    // Nearest first: the lowest positions of the earlier runs, the highest of the later.
    let mut nearest_earlier: Vec<usize> = (earlier.iter())
        .flat_map(|run| run.iter().take(LISTED).copied())
        .collect();
    nearest_earlier.sort_unstable();
    nearest_earlier.dedup();
    let mut nearest_later: Vec<usize> = (later.iter())
        .flat_map(|run| run.iter().rev().take(LISTED).copied())
        .collect();
    nearest_later.sort_unstable_by(|a, b| b.cmp(a));
    nearest_later.dedup();
    let listed = |list: &[usize]| -> Vec<Repeat> {
        (list.iter().take(LISTED))
            .map(|&other| shared(k, other, &keys[other]))
            .collect()
    };
    let repeats = Repeats {
        earlier: listed(&nearest_earlier),
        earlier_count,
        later: listed(&nearest_later),
        later_count,
    };
    // The nearest later repeat after a day: in each run, the last incident still
    // after that day.
    let after_done = (k.done_days.iter())
        .map(|done| {
            let done = (*done)?;
            (later.iter())
                .filter_map(|run| {
                    let p = run.partition_point(|a| day(a) > done);
                    p.checked_sub(1).map(|p| run[p])
                })
                .max()
                .map(IncidentIx::new)
        })
        .collect();
    (repeats, after_done)
}

/// A marker per incident, to count the distinct incidents of several runs without
/// a set: an incident is counted when its marker is not the current stamp.
struct Marks {
    stamps: Vec<u32>,
    stamp: u32,
}

impl Marks {
    fn new(len: usize) -> Marks {
        Marks {
            stamps: vec![0; len],
            stamp: 0,
        }
    }

    fn count(&mut self, runs: &[&[usize]]) -> usize {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.stamps.fill(0);
            self.stamp = 1;
        }
        let mut count = 0;
        for &a in runs.iter().flat_map(|run| run.iter()) {
            if self.stamps[a] != self.stamp {
                self.stamps[a] = self.stamp;
                count += 1;
            }
        }
        count
    }
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
            done_days: Vec::new(),
        }
    }

    fn pairs(found: &[(Repeats, Vec<Option<IncidentIx>>)]) -> Vec<(usize, usize)> {
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
        let found = repeats(&library, 365, true);
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
        assert!(pairs(&repeats(&library, 365, true)).is_empty());
    }

    #[test]
    fn the_same_day_is_no_repeat_and_shared_keys_are_listed() {
        let library = [
            keys(50, &[2, 0, 1], &[1, 4]),
            keys(50, &[0], &[1]),
            keys(40, &[1, 2, 5], &[1, 3, 4]),
        ];
        let found = repeats(&library, 30, true);
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
        let found = repeats(&library, 365, true);
        let ids = |list: &[Repeat]| list.iter().map(|r| r.incident.index()).collect::<Vec<_>>();
        assert_eq!(ids(&found[0].0.earlier), [1, 2]);
        assert_eq!(ids(&found[2].0.later), [1, 0]);
    }

    #[test]
    fn each_side_lists_the_nearest_and_counts_the_rest() {
        let mut library: Vec<Keys> = (0..25).map(|n| keys(100 - n, &[0], &[0])).collect();
        // The oldest (day 76) has items done on days 80, 100 and on no day.
        library[24].done_days = vec![Some(80), Some(100), None];
        let found = repeats(&library, 365, true);
        let (newest, _) = &found[0];
        assert_eq!(newest.earlier_count, 24);
        assert_eq!(newest.earlier.len(), LISTED);
        assert_eq!(newest.earlier[0].incident, IncidentIx::new(1));
        let (oldest, after_done) = &found[24];
        assert_eq!(oldest.later_count, 24);
        assert_eq!(oldest.later.len(), LISTED);
        assert_eq!(oldest.later[0].incident, IncidentIx::new(23));
        // Day 81 is the first repeat after day 80; none is after day 100.
        assert_eq!(after_done, &[Some(IncidentIx::new(19)), None, None]);
    }

    /// Every pair by the rule itself, for comparison: (earlier of each, later of each).
    fn by_the_rule(keys: &[Keys], window: i32) -> Vec<(Vec<usize>, Vec<usize>)> {
        let repeats = |b: &Keys, a: &Keys| {
            a.day < b.day
                && b.day - a.day <= window
                && b.components.iter().any(|c| a.components.contains(c))
                && b.themes.iter().any(|t| a.themes.contains(t))
        };
        (0..keys.len())
            .map(|n| {
                let earlier = (0..keys.len())
                    .filter(|&a| repeats(&keys[n], &keys[a]))
                    .collect();
                let mut later: Vec<usize> = (0..keys.len())
                    .filter(|&b| repeats(&keys[b], &keys[n]))
                    .collect();
                later.reverse();
                (earlier, later)
            })
            .collect()
    }

    #[test]
    fn counts_nearest_and_repeats_after_done_agree_with_the_rule() {
        // A small pseudo-random library, many shared keys and same-day ties.
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            usize::try_from((seed >> 33) % n).unwrap_or(0)
        };
        let mut days: Vec<i32> = (0..300)
            .map(|_| i32::try_from(next(400)).unwrap_or(0))
            .collect();
        days.sort_unstable_by(|a, b| b.cmp(a));
        let library: Vec<Keys> = days
            .iter()
            .map(|&day| {
                let mut k = keys(day, &[], &[]);
                let mut components: Vec<usize> = (0..1 + next(3)).map(|_| next(6)).collect();
                components.sort_unstable();
                components.dedup();
                let mut themes: Vec<usize> = (0..1 + next(3)).map(|_| next(5)).collect();
                themes.sort_unstable();
                themes.dedup();
                k.components = components.into_iter().map(ComponentIx::new).collect();
                k.themes = themes.into_iter().map(ThemeIx::new).collect();
                k.done_days = vec![Some(day + i32::try_from(next(60)).unwrap_or(0)), None];
                k
            })
            .collect();
        for window in [0, 15, 90, 1000] {
            let window_days = u32::try_from(window).unwrap_or(0);
            let found = repeats(&library, window_days, true);
            // On one thread, as a page that asks first finds them: the same.
            assert_eq!(found, repeats(&library, window_days, false));
            let expected = by_the_rule(&library, window);
            for (n, ((r, after), (earlier, later))) in found.iter().zip(&expected).enumerate() {
                assert_eq!(
                    r.earlier_count,
                    earlier.len(),
                    "incident {n}, window {window}"
                );
                assert_eq!(r.later_count, later.len(), "incident {n}, window {window}");
                let ids =
                    |list: &[Repeat]| list.iter().map(|r| r.incident.index()).collect::<Vec<_>>();
                assert_eq!(ids(&r.earlier), earlier[..earlier.len().min(LISTED)]);
                assert_eq!(ids(&r.later), later[..later.len().min(LISTED)]);
                let done = library[n].done_days[0].unwrap_or(0);
                let nearest = later.iter().copied().find(|&b| library[b].day > done);
                assert_eq!(after[0].map(IncidentIx::index), nearest, "incident {n}");
                assert_eq!(after[1], None);
            }
        }
    }
}
