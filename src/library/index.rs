//! The library's indexes: incidents by severity, year, component, tag and
//! organization, and lessons by theme. Each is one pass over the entries, and
//! reads only their [`Facets`], so a test can build them from hand-made ones.

use std::collections::BTreeMap;

use super::ix::{ComponentIx, IncidentIx, Ix, IxVec, OrganizationIx, SeverityIx, TagIx, ThemeIx};
use super::{Entry, Lesson};

/// What the indexes read of an incident.
pub(super) trait Facets {
    /// Its severity.
    fn severity(&self) -> SeverityIx;
    /// The year it began.
    fn year(&self) -> i16;
    /// Its components, each once.
    fn components(&self) -> &[ComponentIx];
    /// Its tags, each once.
    fn tags(&self) -> &[TagIx];
    /// Its organization.
    fn organization(&self) -> Option<OrganizationIx>;
    /// Its lessons, with their themes.
    fn lessons(&self) -> &[Lesson];
    /// Its contributing factors, with their themes.
    fn factors(&self) -> &[Lesson];
}

impl Facets for Entry {
    fn severity(&self) -> SeverityIx {
        self.severity
    }
    fn year(&self) -> i16 {
        self.incident.date.year()
    }
    fn components(&self) -> &[ComponentIx] {
        &self.components
    }
    fn tags(&self) -> &[TagIx] {
        &self.tags
    }
    fn organization(&self) -> Option<OrganizationIx> {
        self.organization
    }
    fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }
    fn factors(&self) -> &[Lesson] {
        &self.factors
    }
}

/// For each of `count` severities, its incidents in library order.
pub(super) fn by_severity<E: Facets>(
    entries: &[E],
    count: usize,
) -> IxVec<SeverityIx, Vec<IncidentIx>> {
    let mut index = empty(count);
    for (n, entry) in numbered(entries) {
        index[entry.severity()].push(n);
    }
    index
}

/// Incidents by the year they began, in library order within a year.
pub(super) fn by_year<E: Facets>(entries: &[E]) -> BTreeMap<i16, Vec<IncidentIx>> {
    let mut index: BTreeMap<i16, Vec<IncidentIx>> = BTreeMap::new();
    for (n, entry) in numbered(entries) {
        index.entry(entry.year()).or_default().push(n);
    }
    index
}

/// For each of `count` components, its incidents in library order.
pub(super) fn by_component<E: Facets>(
    entries: &[E],
    count: usize,
) -> IxVec<ComponentIx, Vec<IncidentIx>> {
    let mut index = empty(count);
    for (n, entry) in numbered(entries) {
        for &c in entry.components() {
            index[c].push(n);
        }
    }
    index
}

/// For each of `count` tags, its incidents in library order.
pub(super) fn by_tag<E: Facets>(entries: &[E], count: usize) -> IxVec<TagIx, Vec<IncidentIx>> {
    let mut index = empty(count);
    for (n, entry) in numbered(entries) {
        for &t in entry.tags() {
            index[t].push(n);
        }
    }
    index
}

/// For each of `count` organizations, its incidents in library order.
pub(super) fn by_organization<E: Facets>(
    entries: &[E],
    count: usize,
) -> IxVec<OrganizationIx, Vec<IncidentIx>> {
    let mut index = empty(count);
    for (n, entry) in numbered(entries) {
        if let Some(o) = entry.organization() {
            index[o].push(n);
        }
    }
    index
}

/// For each of `count` themes, its lessons as (incident, lesson position) pairs,
/// in library order, then in the order the incident lists them.
pub(super) fn lessons_by_theme<E: Facets>(
    entries: &[E],
    count: usize,
) -> IxVec<ThemeIx, Vec<(IncidentIx, usize)>> {
    by_theme(entries, count, E::lessons)
}

/// The same for contributing factors.
pub(super) fn factors_by_theme<E: Facets>(
    entries: &[E],
    count: usize,
) -> IxVec<ThemeIx, Vec<(IncidentIx, usize)>> {
    by_theme(entries, count, E::factors)
}

fn by_theme<E>(
    entries: &[E],
    count: usize,
    list: impl Fn(&E) -> &[Lesson],
) -> IxVec<ThemeIx, Vec<(IncidentIx, usize)>> {
    let mut index = empty(count);
    for (n, entry) in numbered(entries) {
        for (l, lesson) in list(entry).iter().enumerate() {
            for &t in &lesson.themes {
                index[t].push((n, l));
            }
        }
    }
    index
}

fn empty<I: Ix, T>(count: usize) -> IxVec<I, Vec<T>> {
    (0..count).map(|_| Vec::new()).collect()
}

fn numbered<E>(entries: &[E]) -> impl Iterator<Item = (IncidentIx, &E)> {
    entries
        .iter()
        .enumerate()
        .map(|(n, e)| (IncidentIx::new(n), e))
}

/// A hand-made incident for the index tests, here and in `related`.
#[cfg(test)]
#[derive(Debug, Default)]
pub(super) struct Made {
    pub(super) severity: usize,
    pub(super) year: i16,
    pub(super) components: Vec<ComponentIx>,
    pub(super) tags: Vec<TagIx>,
    pub(super) organization: Option<OrganizationIx>,
    pub(super) lessons: Vec<Lesson>,
}

#[cfg(test)]
impl Facets for Made {
    fn severity(&self) -> SeverityIx {
        SeverityIx::new(self.severity)
    }
    fn year(&self) -> i16 {
        self.year
    }
    fn components(&self) -> &[ComponentIx] {
        &self.components
    }
    fn tags(&self) -> &[TagIx] {
        &self.tags
    }
    fn organization(&self) -> Option<OrganizationIx> {
        self.organization
    }
    fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }
    fn factors(&self) -> &[Lesson] {
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids<I: Ix>(list: &[I]) -> Vec<usize> {
        list.iter().map(|i| i.index()).collect()
    }

    fn lists<I: Ix, K>(index: &IxVec<K, Vec<I>>) -> Vec<Vec<usize>> {
        index.iter().map(|l| ids(l)).collect()
    }

    fn lesson(themes: &[usize]) -> Lesson {
        Lesson {
            text: String::new(),
            themes: themes.iter().map(|&t| ThemeIx::new(t)).collect(),
        }
    }

    #[test]
    fn severities_and_years_list_incidents_in_library_order() {
        let made = |severity, year| Made {
            severity,
            year,
            ..Made::default()
        };
        let entries = [made(1, 2024), made(0, 2024), made(1, 2023), made(1, 2022)];
        assert_eq!(
            lists(&by_severity(&entries, 3)),
            [vec![1], vec![0, 2, 3], vec![]]
        );
        let years: Vec<(i16, Vec<usize>)> = by_year(&entries)
            .into_iter()
            .map(|(y, l)| (y, ids(&l)))
            .collect();
        assert_eq!(
            years,
            [(2022, vec![3]), (2023, vec![2]), (2024, vec![0, 1])]
        );
    }

    #[test]
    fn components_tags_and_organizations_list_their_incidents() {
        let c = ComponentIx::new;
        let t = TagIx::new;
        let entries = [
            Made {
                components: vec![c(1), c(0)],
                tags: vec![t(0)],
                organization: Some(OrganizationIx::new(1)),
                ..Made::default()
            },
            Made::default(),
            Made {
                components: vec![c(1)],
                tags: vec![t(0), t(1)],
                organization: Some(OrganizationIx::new(1)),
                ..Made::default()
            },
        ];
        assert_eq!(
            lists(&by_component(&entries, 3)),
            [vec![0], vec![0, 2], vec![]]
        );
        assert_eq!(lists(&by_tag(&entries, 2)), [vec![0, 2], vec![2]]);
        assert_eq!(lists(&by_organization(&entries, 2)), [vec![], vec![0, 2]]);
    }

    #[test]
    fn lessons_are_listed_under_each_of_their_themes() {
        let entries = [
            Made {
                lessons: vec![lesson(&[1]), lesson(&[0, 1])],
                ..Made::default()
            },
            Made {
                lessons: vec![lesson(&[2])],
                ..Made::default()
            },
        ];
        let index = lessons_by_theme(&entries, 3);
        let pairs: Vec<Vec<(usize, usize)>> = index
            .iter()
            .map(|l| l.iter().map(|&(n, l)| (n.index(), l)).collect())
            .collect();
        assert_eq!(pairs, [vec![(0, 1)], vec![(0, 0), (0, 1)], vec![(1, 0)]]);
    }
}
