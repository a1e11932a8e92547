//! Builds the views of [`super::context`] from a library and its config. Views
//! borrow what the library holds and make only the strings it does not (paths,
//! dates, counts); nothing here serialises or reads JSON back.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Deref;

use super::context::{
    ActionGroupView, ActionView, AssetsView, BriefView, ComponentGroupView, ComponentView,
    DurationView, DurationsView, FacetView, FacetsView, IncidentView, LessonGroupView, LessonView,
    LinkView, MomentView, NavView, PageView, RepeatActionView, RepeatView, SeverityCountView,
    SeverityView, SiteView, SummaryView, TermView, ThemeRefView, ThemeView, TimelineEntryView,
    TimesView, TocEntryView, category_label, display_time,
};
use crate::config::{Config, Severity};
use crate::content::incident::DETECTED_BY;
use crate::content::{ActionItem, ActionStatus};
use crate::library::urls::rel;
use crate::library::{ComponentIx, IncidentIx, Library, PageIx, SeverityIx, Term, ThemeIx};
use jiff::civil::Date;

/// Builds views; holds what every view needs.
pub(crate) struct Views<'a> {
    /// The library.
    pub library: &'a Library,
    /// The config.
    pub config: &'a Config,
    severities: Vec<SeverityView<'a>>,
}

impl<'a> Views<'a> {
    /// Prepares the views of a library.
    pub(crate) fn new(library: &'a Library, config: &'a Config) -> Views<'a> {
        let severities = config
            .severities
            .iter()
            .enumerate()
            .map(|(i, s)| severity_view(library, s, library.by_severity[SeverityIx::new(i)].len()))
            .collect();
        Views {
            library,
            config,
            severities,
        }
    }

    /// The site.
    pub(crate) fn site(&self) -> SiteView<'a> {
        SiteView {
            title: &self.config.title,
            description: &self.config.description,
            language: &self.config.language,
            base_url: self.library.urls.base_url(),
            base_path: self.library.urls.base_path(),
            generator: super::context::GENERATOR,
        }
    }

    /// Every severity, most severe first.
    pub(crate) fn severities(&self) -> &[SeverityView<'a>] {
        &self.severities
    }

    /// The severity view at an index of the config.
    pub(crate) fn severity(&self, s: SeverityIx) -> &SeverityView<'a> {
        &self.severities[s.index()]
    }

    fn path(&self, rel: &str) -> String {
        self.library.urls.path(rel)
    }

    fn term_link<S: Deref<Target = str>>(&self, term: &'a Term<S>) -> LinkView<'a> {
        LinkView {
            name: &term.name,
            slug: &term.slug,
            url: self.path(&term.rel),
        }
    }

    /// The paths of the built-in assets.
    pub(crate) fn assets(&self) -> AssetsView {
        AssetsView {
            css: self.path("debrief.css"),
            js: self.path("debrief.js"),
        }
    }

    /// The links to the plain pages, for `nav`.
    pub(crate) fn nav(&self) -> Vec<NavView<'a>> {
        self.library
            .pages
            .iter()
            .map(|p| NavView {
                title: &p.page.title,
                url: self.path(&p.rel),
            })
            .collect()
    }

    /// Incident `n` as lists of lessons and action items name it.
    pub(crate) fn brief(&self, n: IncidentIx) -> BriefView<'_> {
        let e = &self.library.incidents[n];
        let i = &e.incident;
        BriefView {
            slug: &i.slug.value,
            url: self.path(&e.rel),
            title: &i.title,
            date: i.date.to_string(),
            year: i.date.year(),
            severity: &self.severities[e.severity.index()],
        }
    }

    /// Incident `n` as it appears in lists.
    pub(crate) fn summary(&self, n: IncidentIx) -> SummaryView<'_> {
        let e = &self.library.incidents[n];
        let i = &e.incident;
        let lib = self.library;
        SummaryView {
            slug: &i.slug.value,
            url: self.path(&e.rel),
            permalink: lib.urls.permalink(&e.rel),
            title: &i.title,
            date: i.date.to_string(),
            year: i.date.year(),
            severity: &self.severities[e.severity.index()],
            organization: e
                .organization
                .map(|o| self.term_link(&lib.organizations[o])),
            components: e
                .components
                .iter()
                .map(|&c| self.term_link(&lib.components[c]))
                .collect(),
            tags: e
                .tags
                .iter()
                .map(|&t| self.term_link(&lib.tags[t]))
                .collect(),
            summary: &e.summary,
            draft: i.draft,
            visibility: i.visibility.as_str(),
            detected_by: i.detected_by.as_deref().map(detected_by_label),
            detected_by_value: i.detected_by.as_deref().map(crate::slug::slugify),
            near_miss: i.near_miss,
        }
    }

    /// The summaries of the incidents at `indices`, in that order.
    pub(crate) fn summaries(&self, indices: &[IncidentIx]) -> Vec<SummaryView<'_>> {
        indices.iter().map(|&n| self.summary(n)).collect()
    }

    /// Incident `n` with everything its own page shows; `body_html` is its body's
    /// ([`Library::body_html`]).
    pub(crate) fn incident(&self, n: IncidentIx, body_html: Cow<'a, str>) -> IncidentView<'_> {
        let e = &self.library.incidents[n];
        let repeats = self.library.repeats(n);
        let i = &e.incident;
        let tz = &self.config.timezone;
        let moment = |ts: Option<jiff::Timestamp>| {
            ts.map(|ts| MomentView {
                at: display_time(ts, tz),
                datetime: ts.to_string(),
            })
        };
        IncidentView {
            summary: self.summary(n),
            impact: i.impact.as_deref(),
            authors: &i.authors,
            source: i.source.as_deref(),
            body_html,
            toc: toc(&e.body.toc),
            lessons: (0..e.lessons.len())
                .map(|l| self.lesson(n, l, true, false))
                .collect(),
            factors: (0..e.factors.len())
                .map(|f| self.factor(n, f, true, false))
                .collect(),
            lucky: &i.lucky,
            repeats: (repeats.earlier.iter())
                .map(|r| self.repeat(r, r.incident, n))
                .collect(),
            repeat_count: repeats.earlier_count,
            repeated_by: (repeats.later.iter())
                .map(|r| self.repeat(r, n, r.incident))
                .collect(),
            repeated_by_count: repeats.later_count,
            action_items: (i.action_items.iter().enumerate())
                .map(|(k, a)| self.action(n, k, a))
                .collect(),
            timeline: i
                .timeline
                .iter()
                .map(|t| TimelineEntryView {
                    at: display_time(t.at, tz),
                    datetime: t.at.to_string(),
                    text: &t.text,
                })
                .collect(),
            times: TimesView {
                started: moment(i.started),
                detected: moment(i.detected),
                mitigated: moment(i.mitigated),
                resolved: moment(i.resolved),
            },
            durations: DurationsView {
                detect: e.time_to_detect.map(DurationView::from_minutes),
                mitigate: e.time_to_mitigate.map(DurationView::from_minutes),
                resolve: e.time_to_resolve.map(DurationView::from_minutes),
            },
            extra: &i.extra,
        }
    }

    /// A repeat seen from one side: `shared` names the other incident; `earlier`
    /// and `later` are the two incidents of the pair.
    fn repeat(
        &self,
        shared: &crate::library::Repeat,
        earlier: IncidentIx,
        later: IncidentIx,
    ) -> RepeatView<'_> {
        let lib = self.library;
        let later_date = lib.incidents[later].incident.date;
        let earlier_incident = &lib.incidents[earlier].incident;
        RepeatView {
            incident: self.brief(shared.incident),
            days: days_between(earlier_incident.date, later_date),
            components: (shared.components.iter())
                .map(|&c| self.term_link(&lib.components[c]))
                .collect(),
            themes: shared.themes.iter().map(|&t| self.theme_ref(t)).collect(),
            actions: (earlier_incident.action_items.iter())
                .map(|a| repeat_action(a, later_date))
                .collect(),
        }
    }

    /// Action item `a`, number `k`, of incident `n`, with the days it took and the
    /// repeat that followed it.
    fn action(&self, n: IncidentIx, k: usize, a: &'a ActionItem) -> ActionView<'_> {
        let done_on = a.done_on.filter(|_| a.status == ActionStatus::Done);
        let repeat_after =
            (self.library.repeat_after(n).get(k).copied().flatten()).map(|later| self.brief(later));
        ActionView {
            text: &a.text,
            owner: a.owner.as_deref(),
            status: a.status.as_str(),
            status_label: a.status.label(),
            due: a.due.map(|d| d.to_string()),
            link: a.link.as_deref(),
            done_on: done_on.map(|d| d.to_string()),
            days_to_done: done_on.map(|d| days_between(self.library.incidents[n].incident.date, d)),
            repeat_after,
            incident: None,
        }
    }

    /// `{key, label, url}` of a theme.
    pub(crate) fn theme_ref(&self, t: ThemeIx) -> ThemeRefView<'a> {
        let theme = &self.library.themes[t];
        ThemeRefView {
            key: &theme.theme.key,
            label: &theme.theme.label,
            url: self.path(&theme.rel),
        }
    }

    /// A component with its counts by severity.
    pub(crate) fn component(&self, c: ComponentIx) -> ComponentView<'_> {
        let term = &self.library.components[c];
        let definition = term.definition.map(|d| &self.config.components[d.index()]);
        let category = definition.and_then(|d| d.category.as_deref());
        ComponentView {
            name: &term.name,
            slug: &term.slug,
            url: self.path(&term.rel),
            category,
            category_slug: category.map(crate::slug::slugify),
            category_label: category.map(category_label),
            description: definition.and_then(|d| d.description.as_deref()),
            aliases: definition.map(|d| d.aliases.as_slice()).unwrap_or_default(),
            count: term.incidents.len(),
            lessons: term
                .incidents
                .iter()
                .map(|&n| self.library.incidents[n].lessons.len())
                .sum(),
            by_severity: self.by_severity(&term.incidents),
        }
    }

    /// Every component, in slug order.
    pub(crate) fn components(&self) -> Vec<ComponentView<'_>> {
        (self.library.components.ids())
            .map(|c| self.component(c))
            .collect()
    }

    /// Every component grouped by its configured category, categories in name
    /// order (case-insensitive) and the uncategorised last, components by name
    /// within each; a group's `incidents` counts its distinct incidents.
    pub(crate) fn component_groups(&self) -> Vec<ComponentGroupView<'_>> {
        let lib = self.library;
        let mut groups: BTreeMap<(bool, &str), Vec<ComponentIx>> = BTreeMap::new();
        for (c, term) in lib.components.indexed() {
            let category = term
                .definition
                .and_then(|d| self.config.components[d.index()].category.as_deref());
            let key = match category {
                Some(name) => (false, name),
                None => (true, ""),
            };
            groups.entry(key).or_default().push(c);
        }
        let mut groups: Vec<((bool, &str), Vec<ComponentIx>)> = groups.into_iter().collect();
        groups.sort_by(|a, b| {
            (a.0.0, a.0.1.to_lowercase(), a.0.1).cmp(&(b.0.0, b.0.1.to_lowercase(), b.0.1))
        });
        groups
            .into_iter()
            .map(|((uncategorised, name), mut members)| {
                members.sort_by(|&a, &b| {
                    let (x, y) = (&lib.components[a].name, &lib.components[b].name);
                    x.to_lowercase().cmp(&y.to_lowercase()).then(x.cmp(y))
                });
                let mut incidents: Vec<IncidentIx> = members
                    .iter()
                    .flat_map(|&c| lib.components[c].incidents.iter().copied())
                    .collect();
                incidents.sort_unstable();
                incidents.dedup();
                let (category, id, label) = if uncategorised {
                    (
                        None,
                        "uncategorised".to_string(),
                        "Uncategorised".to_string(),
                    )
                } else {
                    (
                        Some(name),
                        format!("category-{}", crate::slug::slugify(name)),
                        category_label(name),
                    )
                };
                ComponentGroupView {
                    category,
                    id,
                    label,
                    components: members.iter().map(|&c| self.component(c)).collect(),
                    incidents: incidents.len(),
                    by_severity: self.by_severity(&incidents),
                }
            })
            .collect()
    }

    /// `[{severity, count}]` in severity order for a set of incidents.
    pub(crate) fn by_severity(&self, incidents: &[IncidentIx]) -> Vec<SeverityCountView<'_>> {
        let mut counts = vec![0u64; self.severities.len()];
        for &n in incidents {
            counts[self.library.incidents[n].severity.index()] += 1;
        }
        self.with_severities(counts)
    }

    /// Counts given in severity order, each with its severity.
    pub(crate) fn with_severities(&self, counts: Vec<u64>) -> Vec<SeverityCountView<'_>> {
        self.severities
            .iter()
            .zip(counts)
            .map(|(severity, count)| SeverityCountView { severity, count })
            .collect()
    }

    /// A tag or organization.
    pub(crate) fn term(&self, term: &'a Term) -> TermView<'a> {
        TermView {
            name: &term.name,
            slug: &term.slug,
            url: self.path(&term.rel),
            count: term.incidents.len(),
        }
    }

    /// A theme with its lesson count, keywords, and the incidents its lessons
    /// come from; without its lessons.
    pub(crate) fn theme(&self, t: ThemeIx) -> ThemeView<'_> {
        let entry = &self.library.themes[t];
        let mut incidents: Vec<IncidentIx> = entry.lessons.iter().map(|&(n, _)| n).collect();
        incidents.sort_unstable();
        incidents.dedup();
        ThemeView {
            theme: self.theme_ref(t),
            count: entry.lessons.len(),
            keywords: &entry.theme.keywords,
            incidents: incidents.len(),
            by_severity: self.by_severity(&incidents),
            factor_count: entry.factors.len(),
            lessons: None,
            factors: None,
        }
    }

    /// Theme `t` as the factors page lists it: with its first `shown` factors, each
    /// with its incident but not its themes.
    pub(crate) fn factors_theme(&self, t: ThemeIx, shown: usize) -> ThemeView<'_> {
        let factors = &self.library.themes[t].factors;
        ThemeView {
            factors: Some(self.theme_factors(t, &factors[..shown.min(factors.len())], false)),
            ..self.theme(t)
        }
    }

    /// `factors`, (incident, factor) pairs of theme `t`, each with its incident and,
    /// when asked, `other_themes`.
    pub(crate) fn theme_factors(
        &self,
        t: ThemeIx,
        factors: &[(IncidentIx, usize)],
        others: bool,
    ) -> Vec<LessonView<'_>> {
        (factors.iter())
            .map(|&(n, f)| {
                let mut factor = self.factor(n, f, false, true);
                if others {
                    let themes = &self.library.incidents[n].factors[f].themes;
                    factor.other_themes = Some(
                        (themes.iter().filter(|&&other| other != t))
                            .map(|&other| self.theme_ref(other))
                            .collect(),
                    );
                }
                factor
            })
            .collect()
    }

    /// Contributing factor `f` of incident `n`, with its themes and its incident as
    /// asked.
    fn factor(&self, n: IncidentIx, f: usize, themes: bool, incident: bool) -> LessonView<'_> {
        let factor = &self.library.incidents[n].factors[f];
        LessonView {
            text: &factor.text,
            themes: themes.then(|| factor.themes.iter().map(|&t| self.theme_ref(t)).collect()),
            incident: incident.then(|| self.brief(n)),
            other_themes: None,
        }
    }

    /// Theme `t` as the lessons index lists it: with its first `shown` lessons, each
    /// without the list of its themes, which would be the largest part of the
    /// largest page.
    pub(crate) fn index_theme(&self, t: ThemeIx, shown: usize) -> ThemeView<'_> {
        let lessons = self.library.themes[t]
            .lessons
            .iter()
            .take(shown)
            .map(|&(n, l)| self.lesson(n, l, false, true))
            .collect();
        ThemeView {
            lessons: Some(lessons),
            ..self.theme(t)
        }
    }

    /// Lesson `l` of incident `n`, with its themes and its incident as asked.
    fn lesson(&self, n: IncidentIx, l: usize, themes: bool, incident: bool) -> LessonView<'_> {
        let lesson = &self.library.incidents[n].lessons[l];
        LessonView {
            text: &lesson.text,
            themes: themes.then(|| lesson.themes.iter().map(|&t| self.theme_ref(t)).collect()),
            incident: incident.then(|| self.brief(n)),
            other_themes: None,
        }
    }

    /// The lessons of incident `n`, each with its themes and its incident.
    pub(crate) fn incident_lessons(&self, n: IncidentIx) -> impl Iterator<Item = LessonView<'_>> {
        (0..self.library.incidents[n].lessons.len()).map(move |l| self.lesson(n, l, true, true))
    }

    /// The lessons of incident `n` with its brief, for a group that names the
    /// incident itself: the lessons leave it out.
    pub(crate) fn lesson_group(&self, n: IncidentIx) -> LessonGroupView<'_> {
        LessonGroupView {
            incident: self.brief(n),
            lessons: (0..self.library.incidents[n].lessons.len())
                .map(|l| self.lesson(n, l, true, false))
                .collect(),
        }
    }

    /// `lessons`, (incident, lesson) pairs of theme `t`, each with its incident and
    /// `other_themes`: its themes but this one.
    pub(crate) fn theme_lessons(
        &self,
        t: ThemeIx,
        lessons: &[(IncidentIx, usize)],
    ) -> Vec<LessonView<'_>> {
        lessons
            .iter()
            .map(|&(n, l)| {
                let mut lesson = self.lesson(n, l, true, true);
                let others = self.library.incidents[n].lessons[l]
                    .themes
                    .iter()
                    .filter(|&&other| other != t)
                    .map(|&other| self.theme_ref(other))
                    .collect();
                lesson.other_themes = Some(others);
                lesson
            })
            .collect()
    }

    /// The action items at `order` (from [`action_order`]), each with its incident.
    pub(crate) fn actions(&self, order: &[(IncidentIx, usize)]) -> Vec<ActionView<'_>> {
        order
            .iter()
            .map(|&(n, k)| ActionView {
                incident: Some(self.brief(n)),
                ..self.action(n, k, &self.library.incidents[n].incident.action_items[k])
            })
            .collect()
    }

    /// The items of a page of action items grouped by status, in the order of
    /// `ActionStatus::ALL`, every status present even when empty; `run` gives how
    /// many items of the whole list have a status and the page where they begin.
    pub(crate) fn action_groups<'v>(
        &self,
        actions: &'v [ActionView<'v>],
        run: impl Fn(ActionStatus) -> (usize, String),
    ) -> Vec<ActionGroupView<'v>> {
        ActionStatus::ALL
            .iter()
            .map(|&status| {
                let items: Vec<&ActionView<'_>> = actions
                    .iter()
                    .filter(|a| a.status == status.as_str())
                    .collect();
                let (count, url) = run(status);
                ActionGroupView {
                    status: status.as_str(),
                    label: status.label(),
                    count,
                    url: format!("{url}#status-{}", status.as_str()),
                    items,
                }
            })
            .collect()
    }

    /// The filter values of the components or the tags: most used first, then by
    /// label.
    fn facet_items<S: Deref<Target = str>>(&self, terms: &'a [Term<S>]) -> Vec<FacetView<'a>> {
        let mut items: Vec<FacetView<'a>> = terms
            .iter()
            .map(|t| FacetView {
                value: Cow::Borrowed(&t.slug),
                label: Cow::Borrowed(&t.name),
                count: t.incidents.len(),
                url: Some(self.path(&t.rel)),
            })
            .collect();
        items.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
        });
        items
    }

    /// Facets for the index filters, each sorted by count then label.
    pub(crate) fn facets(&self) -> FacetsView<'a> {
        let lib = self.library;
        let severities = self
            .severities
            .iter()
            .filter(|s| s.count > 0)
            .map(|s| FacetView {
                value: Cow::Owned(s.key.to_lowercase()),
                label: Cow::Owned(format!("{} {}", s.emoji, s.label).trim().to_string()),
                count: s.count,
                url: Some(s.url.clone()),
            })
            .collect();
        let years = lib
            .by_year
            .iter()
            .rev()
            .map(|(year, list)| FacetView {
                value: Cow::Owned(year.to_string()),
                label: Cow::Owned(year.to_string()),
                count: list.len(),
                url: None,
            })
            .collect();
        // How incidents were noticed: the values SPEC §10 names in that order,
        // then any other text by count and label, each under its slug.
        let mut detected: BTreeMap<String, (&str, usize)> = BTreeMap::new();
        let mut near_misses = 0;
        for e in lib.incidents.iter() {
            if let Some(by) = &e.incident.detected_by {
                detected
                    .entry(crate::slug::slugify(by))
                    .or_insert((by, 0))
                    .1 += 1;
            }
            near_misses += usize::from(e.incident.near_miss);
        }
        let mut detected_by: Vec<FacetView<'a>> = detected
            .into_iter()
            .map(|(value, (label, count))| FacetView {
                value: Cow::Owned(value),
                label: Cow::Owned(detected_by_label(label)),
                count,
                url: None,
            })
            .collect();
        let rank = |v: &str| {
            DETECTED_BY
                .iter()
                .position(|k| *k == v)
                .unwrap_or(DETECTED_BY.len())
        };
        detected_by.sort_by(|a, b| {
            (rank(&a.value).cmp(&rank(&b.value)))
                .then(b.count.cmp(&a.count))
                .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
        });
        let near_miss = (near_misses > 0)
            .then_some(FacetView {
                value: Cow::Borrowed("yes"),
                label: Cow::Borrowed("Near miss"),
                count: near_misses,
                url: None,
            })
            .into_iter()
            .collect();
        FacetsView {
            severities,
            components: self.facet_items(&lib.components),
            tags: self.facet_items(&lib.tags),
            years,
            detected_by,
            near_miss,
        }
    }

    /// Plain page `n`.
    pub(crate) fn page(&self, n: PageIx) -> PageView<'a> {
        let p = &self.library.pages[n];
        PageView {
            title: &p.page.title,
            slug: &p.page.slug.value,
            url: self.path(&p.rel),
            body_html: &p.body.html,
            toc: toc(&p.body.toc),
        }
    }
}

/// Every action item of the library as (incident, item number), in the order the
/// action items pages list them: statuses in their declared order (open, in
/// progress, done, won't do), then the nearest due date, items without one last,
/// then the newest incident.
pub(crate) fn action_order(library: &Library) -> Vec<(IncidentIx, usize)> {
    let mut order: Vec<(IncidentIx, usize)> = (library.incidents.indexed())
        .flat_map(|(n, e)| (0..e.incident.action_items.len()).map(move |k| (n, k)))
        .collect();
    order.sort_by_key(|&(n, k)| {
        let a = &library.incidents[n].incident.action_items[k];
        (a.status, a.due.is_none(), a.due, n)
    });
    order
}

fn severity_view<'a>(library: &Library, s: &'a Severity, count: usize) -> SeverityView<'a> {
    SeverityView {
        key: &s.key,
        label: &s.label,
        emoji: &s.emoji,
        color: &s.color,
        description: &s.description,
        rank: s.rank,
        count,
        url: library.urls.path(&rel::severity(&s.key)),
    }
}

/// Whole days from `from` to `to`.
pub(crate) fn days_between(from: Date, to: Date) -> i32 {
    from.until(to).map_or(0, |span| span.get_days())
}

/// An action item of an earlier incident, against the date of its repeat.
fn repeat_action(a: &ActionItem, later: Date) -> RepeatActionView<'_> {
    let (state, state_label) = match (a.status, a.done_on) {
        (ActionStatus::Done, Some(day)) if day < later => (
            "done-before",
            format!("Done {} before the repeat", days(days_between(day, later))),
        ),
        (ActionStatus::Done, Some(day)) if day == later => {
            ("done-after", "Done on the day of the repeat".to_string())
        }
        (ActionStatus::Done, Some(day)) => (
            "done-after",
            format!("Done {} after the repeat", days(days_between(later, day))),
        ),
        (ActionStatus::Done, None) => ("done-undated", "Done; when is not recorded".to_string()),
        (ActionStatus::WontDo, _) => ("wont-do", "Decided against".to_string()),
        (status, _) => (
            "not-done",
            format!("Not done ({})", status.label().to_lowercase()),
        ),
    };
    RepeatActionView {
        text: &a.text,
        status: a.status.as_str(),
        done_on: a.done_on.map(|d| d.to_string()),
        state,
        state_label,
    }
}

/// `1 day`, `3 days`.
fn days(n: i32) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// `alert` reads `Alert`; free text is shown as written.
pub(crate) fn detected_by_label(written: &str) -> String {
    if DETECTED_BY.contains(&written) {
        let mut chars = written.chars();
        chars
            .next()
            .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
    } else {
        written.to_string()
    }
}

fn toc(headings: &[(u8, String, String)]) -> Vec<TocEntryView<'_>> {
    headings
        .iter()
        .map(|(level, id, text)| TocEntryView {
            level: *level,
            id,
            text,
        })
        .collect()
}
