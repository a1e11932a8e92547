//! `docs/templates.md` lists, in its field reference, every field each template
//! receives. These tests hold that list to what the page contexts serialise for
//! the sample library, so that a renamed or dropped key fails here, not in the
//! templates of some site.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::{Prepared, SiteRenderer};

/// The two tables of the field reference: fields by template (with
/// `every template`), and fields by object.
struct Reference {
    templates: BTreeMap<String, Vec<String>>,
    objects: BTreeMap<String, Vec<String>>,
}

fn reference() -> Reference {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md");
    let text = std::fs::read_to_string(&path).expect("docs/templates.md");
    let section = text
        .split("\n## Field reference\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a `## Field reference` section");
    let mut reference = Reference {
        templates: BTreeMap::new(),
        objects: BTreeMap::new(),
    };
    let mut table = None;
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        let name = cells[0].trim().trim_matches('`');
        match name {
            "template" | "object" => table = Some(name == "template"),
            _ if name.starts_with("---") => {}
            _ => {
                let fields = cells
                    .get(1)
                    .map(|c| c.split('`').skip(1).step_by(2).map(str::to_string))
                    .into_iter()
                    .flatten()
                    .collect();
                let into = match table {
                    Some(true) => &mut reference.templates,
                    _ => &mut reference.objects,
                };
                assert!(
                    into.insert(name.to_string(), fields).is_none(),
                    "`{name}` is listed twice"
                );
            }
        }
    }
    reference
}

/// The dotted paths `fields` document under `prefix`; the paths of free-form maps
/// go into `free`.
fn expand(
    reference: &Reference,
    fields: &[String],
    prefix: &str,
    paths: &mut BTreeSet<String>,
    free: &mut BTreeSet<String>,
) {
    for field in fields {
        if let Some(object) = field.strip_prefix("...") {
            expand(
                reference,
                object_fields(reference, object),
                prefix,
                paths,
                free,
            );
            continue;
        }
        let (name, kind) = match field.split_once(':') {
            Some((name, kind)) => (name.trim(), Some(kind.trim())),
            None => (field.as_str(), None),
        };
        let path = format!("{prefix}{name}");
        paths.insert(path.clone());
        match kind.map(|k| k.trim_start_matches('[').trim_end_matches(']')) {
            None => {}
            Some("map") => {
                free.insert(path);
            }
            Some(object) => expand(
                reference,
                object_fields(reference, object),
                &format!("{path}."),
                paths,
                free,
            ),
        }
    }
}

fn object_fields<'r>(reference: &'r Reference, object: &str) -> &'r [String] {
    reference
        .objects
        .get(object)
        .unwrap_or_else(|| panic!("the field reference names no object `{object}`"))
}

/// Every dotted path of the keys of `value`: a list adds the keys of its items.
fn collect(value: &Value, prefix: &str, paths: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = format!("{prefix}{key}");
                collect(value, &format!("{path}."), paths);
                paths.insert(path);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(item, prefix, paths);
            }
        }
        _ => {}
    }
}

/// The paths every template of the sample library receives, over all its pages.
fn served() -> BTreeMap<&'static str, BTreeSet<String>> {
    let options = crate::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        ..Default::default()
    };
    let loaded = crate::load(&options, &()).expect("the sample");
    assert!(!loaded.diagnostics.has_errors(), "{}", loaded.diagnostics);
    let mut site = loaded.site.expect("the sample loads");
    // One item a page, so that the lists that paginate pass `pagination` too.
    site.config.paginate_by = 1;
    let prepared = Prepared::new(&site.library, &site.config);
    let renderer = SiteRenderer::new(
        &site.library,
        &site.config,
        &site.theme,
        &site.templates,
        &prepared,
    );
    let mut served: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for i in 0..renderer.page_count() {
        let context = renderer.page_context(i).expect("a context").into_json();
        let paths = served.entry(prepared.jobs[i].template()).or_default();
        collect(&context, "", paths);
    }
    served
}

#[test]
fn the_field_reference_names_every_field_each_template_receives() {
    let reference = reference();
    let common = reference
        .templates
        .get("every template")
        .expect("an `every template` row")
        .clone();
    let served = served();
    let documented: BTreeSet<&str> = reference
        .templates
        .keys()
        .map(String::as_str)
        .filter(|&t| t != "every template")
        .collect();
    let rendered: BTreeSet<&str> = served.keys().copied().collect();
    assert_eq!(
        documented, rendered,
        "the templates documented and rendered"
    );

    let mut problems = Vec::new();
    for (template, actual) in &served {
        let mut fields = common.clone();
        fields.extend(reference.templates[*template].iter().cloned());
        let (mut expected, mut free) = (BTreeSet::new(), BTreeSet::new());
        expand(&reference, &fields, "", &mut expected, &mut free);
        let actual: BTreeSet<&String> = actual
            .iter()
            .filter(|path| !free.iter().any(|f| path.starts_with(&format!("{f}."))))
            .collect();
        for path in &expected {
            if !actual.contains(path) {
                problems.push(format!("{template}: `{path}` is documented but not passed"));
            }
        }
        for path in actual {
            if !expected.contains(path) {
                problems.push(format!("{template}: `{path}` is passed but not documented"));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn expanding_follows_objects_lists_spreads_and_maps() {
    let mut reference = Reference {
        templates: BTreeMap::new(),
        objects: BTreeMap::new(),
    };
    let fields = |list: &[&str]| list.iter().map(|f| f.to_string()).collect::<Vec<_>>();
    reference
        .objects
        .insert("a".into(), fields(&["x", "b: [b]", "extra: map"]));
    reference.objects.insert("b".into(), fields(&["y"]));
    reference.objects.insert("c".into(), fields(&["...a", "z"]));
    let (mut paths, mut free) = (BTreeSet::new(), BTreeSet::new());
    expand(&reference, &fields(&["top: c"]), "", &mut paths, &mut free);
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    assert_eq!(
        paths,
        ["top", "top.b", "top.b.y", "top.extra", "top.x", "top.z"]
    );
    assert!(free.contains("top.extra"));

    let mut served = BTreeSet::new();
    collect(
        &serde_json::json!({"top": {"b": [{"y": 1}, {"w": 2}], "x": null}}),
        "",
        &mut served,
    );
    let served: Vec<&str> = served.iter().map(String::as_str).collect();
    assert_eq!(served, ["top", "top.b", "top.b.w", "top.b.y", "top.x"]);
}
