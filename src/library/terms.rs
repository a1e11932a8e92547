//! The components, tags and organizations of a build: what each published
//! incident names, resolved to the config's components and aliases and to one
//! spelling per name (see [`names`](super::names)), with typo warnings.
//!
//! The incidents of each name are an index, built from the entries afterwards.

use std::collections::{BTreeSet, HashMap};

use crate::config::Config;
use crate::content::Incident;
use crate::diag::{Diagnostic, Location, did_you_mean, nearest};

use super::ix::{ComponentIx, DefinitionIx, IncidentIx, IxVec, OrganizationIx, TagIx};
use super::names::{self, Resolved, Use, lowercase};
use super::urls::rel;
use super::{ComponentTerm, Term};

/// The names of every published incident, resolved.
#[derive(Debug)]
pub(super) struct Names {
    /// Components, sorted by slug.
    pub components: IxVec<ComponentIx, Resolved>,
    /// Tags, sorted by slug.
    pub tags: IxVec<TagIx, Resolved>,
    /// Organizations, sorted by slug.
    pub organizations: IxVec<OrganizationIx, Resolved>,
    /// What each published incident names, in the order of the incidents.
    pub of_incidents: Vec<IncidentNames>,
    /// Lowercase names and aliases of the config's components.
    definitions: HashMap<String, DefinitionIx>,
}

/// The names one incident uses.
#[derive(Debug, Default)]
pub(super) struct IncidentNames {
    /// Its components, each once, in written order.
    pub components: Vec<ComponentIx>,
    /// Its tags, each once, in written order.
    pub tags: Vec<TagIx>,
    /// Its organization.
    pub organization: Option<OrganizationIx>,
}

/// Resolves the names the published `incidents` use. A component written as a
/// config alias counts as that component; names with an error are left out.
pub(super) fn resolve(
    config: &Config,
    incidents: &[Incident],
    problems: &mut Vec<Diagnostic>,
) -> Names {
    let definitions = definition_lookup(config);
    let mut component_uses = Vec::new();
    let mut tag_uses = Vec::new();
    let mut org_uses = Vec::new();
    for (n, incident) in incidents.iter().enumerate() {
        let n = IncidentIx::new(n);
        let mut seen = BTreeSet::new();
        for c in &incident.components {
            let canonical = definitions
                .get(&*lowercase(&c.value))
                .map_or(c.value.as_str(), |&d| {
                    config.components[d.index()].name.as_str()
                });
            if seen.insert(lowercase(canonical)) {
                component_uses.push(Use {
                    spelling: canonical,
                    incident: n,
                    date: incident.date,
                    path: &incident.path,
                    pos: c.pos,
                });
            }
        }
        let mut seen = BTreeSet::new();
        for t in &incident.tags {
            if seen.insert(lowercase(&t.value)) {
                tag_uses.push(Use {
                    spelling: &t.value,
                    incident: n,
                    date: incident.date,
                    path: &incident.path,
                    pos: t.pos,
                });
            }
        }
        if let Some(org) = &incident.organization {
            org_uses.push(Use {
                spelling: &org.value,
                incident: n,
                date: incident.date,
                path: &incident.path,
                pos: org.pos,
            });
        }
    }
    warn_component_typos(config, &component_uses, &definitions, problems);
    let (components, component_map) = names::resolve("component", &component_uses, problems);
    let (tags, tag_map) = names::resolve("tag", &tag_uses, problems);
    let (organizations, org_map) = names::resolve("organization", &org_uses, problems);
    let mut of_incidents: Vec<IncidentNames> =
        incidents.iter().map(|_| IncidentNames::default()).collect();
    for (u, c) in component_uses.iter().zip(component_map) {
        if let Some(c) = c {
            of_incidents[u.incident.index()].components.push(c);
        }
    }
    for (u, t) in tag_uses.iter().zip(tag_map) {
        if let Some(t) = t {
            of_incidents[u.incident.index()].tags.push(t);
        }
    }
    for (u, o) in org_uses.iter().zip(org_map) {
        if o.is_some() {
            of_incidents[u.incident.index()].organization = o;
        }
    }
    Names {
        components,
        tags,
        organizations,
        of_incidents,
        definitions,
    }
}

/// The terms the site shows, given the incidents of each name (from the index).
pub(super) fn into_terms(
    names: Names,
    by_component: IxVec<ComponentIx, Vec<IncidentIx>>,
    by_tag: IxVec<TagIx, Vec<IncidentIx>>,
    by_organization: IxVec<OrganizationIx, Vec<IncidentIx>>,
) -> (
    IxVec<ComponentIx, ComponentTerm>,
    IxVec<TagIx, Term>,
    IxVec<OrganizationIx, Term>,
) {
    let definitions = &names.definitions;
    let components = terms(names.components, by_component, rel::component)
        .map(|mut term| {
            term.definition = definitions.get(&term.name.to_lowercase()).copied();
            term
        })
        .collect();
    let tags = terms(names.tags, by_tag, rel::tag).collect();
    let organizations = terms(names.organizations, by_organization, rel::organization).collect();
    (components, tags, organizations)
}

/// Names with their incidents and locations, not yet with a definition.
fn terms<I, S: From<String>>(
    resolved: IxVec<I, Resolved>,
    incidents: IxVec<I, Vec<IncidentIx>>,
    make_rel: fn(&str) -> String,
) -> impl Iterator<Item = Term<S>> {
    resolved
        .into_iter()
        .zip(incidents)
        .map(move |(r, incidents)| Term {
            rel: make_rel(&r.slug),
            definition: None,
            name: r.name,
            slug: S::from(r.slug),
            incidents,
        })
}

/// Lowercase names and aliases of config components, to their definition.
fn definition_lookup(config: &Config) -> HashMap<String, DefinitionIx> {
    let mut map = HashMap::new();
    for (i, c) in config.components.iter().enumerate() {
        map.insert(c.name.to_lowercase(), DefinitionIx::new(i));
        for alias in &c.aliases {
            map.insert(alias.to_lowercase(), DefinitionIx::new(i));
        }
    }
    map
}

/// A component name that is not in the config but is one typo away from a name or
/// alias there is probably that component.
fn warn_component_typos(
    config: &Config,
    uses: &[Use<'_>],
    lookup: &HashMap<String, DefinitionIx>,
    problems: &mut Vec<Diagnostic>,
) {
    if config.components.is_empty() {
        return;
    }
    let known: Vec<&str> = config
        .components
        .iter()
        .flat_map(|c| std::iter::once(c.name.as_str()).chain(c.aliases.iter().map(String::as_str)))
        .collect();
    for u in uses {
        if lookup.contains_key(&*lowercase(u.spelling)) {
            continue;
        }
        if let Some(near) = nearest(u.spelling, known.iter().copied()) {
            let canonical = lookup
                .get(&near.to_lowercase())
                .map_or(near, |&i| config.components[i.index()].name.as_str());
            problems.push(
                Diagnostic::warning(
                    Location::at(u.path, u.pos),
                    format!(
                        "component `{}` looks like a typo of `{canonical}`",
                        u.spelling
                    ),
                )
                .with_help(did_you_mean(canonical)),
            );
        }
    }
}
