//! Templates that would never finish rendering: includes that loop back (or name
//! a template that does not exist) and macros that call themselves with nothing
//! to stop them. Tera 1 would recurse until the stack runs out and the process
//! aborts, so these are found in the syntax trees before anything renders.

use std::collections::{BTreeMap, BTreeSet};

use tera::Tera;
use tera::ast::Node;

use super::template_errors::Sources;
use crate::diag::{Diagnostic, nearest_help};

/// How one template refers to another.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reference {
    /// `{% include %}`; `required` unless `ignore missing` or a list of choices.
    Include { required: bool },
    /// `{% extends %}`.
    Extends,
    /// `{% import ... as ... %}`.
    Import,
}

/// Includes, parents and macro files a template refers to, from its syntax tree.
fn references(nodes: &[Node], out: &mut Vec<(String, Reference)>) {
    for node in nodes {
        match node {
            Node::Include(_, names, ignore_missing) => {
                let required = !*ignore_missing && names.len() == 1;
                out.extend(
                    names
                        .iter()
                        .map(|n| (n.clone(), Reference::Include { required })),
                );
            }
            Node::Extends(_, name) => out.push((name.clone(), Reference::Extends)),
            Node::ImportMacro(_, name, _) => out.push((name.clone(), Reference::Import)),
            Node::MacroDefinition(_, m, _) => references(&m.body, out),
            Node::FilterSection(_, f, _) => references(&f.body, out),
            Node::Block(_, b, _) => references(&b.body, out),
            Node::Forloop(_, f, _) => {
                references(&f.body, out);
                if let Some(empty) = &f.empty_body {
                    references(empty, out);
                }
            }
            Node::If(i, _) => {
                for (_, _, body) in &i.conditions {
                    references(body, out);
                }
                if let Some((_, body)) = &i.otherwise {
                    references(body, out);
                }
            }
            _ => {}
        }
    }
}

/// Includes of templates that do not exist, and templates that include one another
/// in a loop (which would recurse without end when rendered).
pub(crate) fn check_includes(tera: &Tera, sources: &Sources) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let names: BTreeSet<&str> = tera.get_template_names().collect();
    let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for &name in &names {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        let mut refs = Vec::new();
        references(&template.ast, &mut refs);
        let mut targets = Vec::new();
        for (target, reference) in refs {
            if names.contains(target.as_str()) {
                // A macro file may call its own macros through `self::`.
                if !(reference == Reference::Import && target == name) {
                    targets.push(target);
                }
            } else if reference == (Reference::Include { required: true }) {
                let help = nearest_help(&target, names.iter().copied());
                problems.push(
                    Diagnostic::error(
                        sources.location(name, Some(&format!("\"{target}\""))),
                        format!("template includes `{target}`, which does not exist"),
                    )
                    .with_help_opt(help),
                );
            }
        }
        edges.insert(name, targets);
    }
    // Depth-first search for cycles; each is reported once, at its first template.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for &start in &names {
        let mut path: Vec<&str> = Vec::new();
        find_cycles(start, &edges, &mut path, &mut done, &mut |cycle: Vec<
            &str,
        >| {
            let mut key: Vec<String> = cycle.iter().map(|s| s.to_string()).collect();
            key.sort();
            if reported.insert(key) {
                let first = cycle[0];
                let next = cycle.get(1).copied().unwrap_or(first);
                problems.push(
                    Diagnostic::error(
                        sources.location(first, Some(&format!("\"{next}\""))),
                        format!(
                            "templates include each other in a loop: {} -> {first}",
                            cycle.join(" -> ")
                        ),
                    )
                    .with_help("a template cannot include itself, directly or through others"),
                );
            }
        });
    }
    problems
}

/// Every template whose rendering can involve one of `roots`: the roots, and the
/// templates that extend, include or import them, directly or through others.
pub(crate) fn dependents(tera: &Tera, roots: &[&str]) -> BTreeSet<String> {
    let mut used_by: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        let mut refs = Vec::new();
        references(&template.ast, &mut refs);
        for (target, _) in refs {
            used_by.entry(target).or_default().push(name);
        }
    }
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<&str> = roots.to_vec();
    while let Some(name) = queue.pop() {
        if found.insert(name.to_string()) {
            queue.extend(used_by.get(name).into_iter().flatten().copied());
        }
    }
    found
}

fn find_cycles<'a>(
    node: &'a str,
    edges: &'a BTreeMap<&'a str, Vec<String>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
    report: &mut dyn FnMut(Vec<&'a str>),
) {
    if let Some(at) = path.iter().position(|&n| n == node) {
        report(path[at..].to_vec());
        return;
    }
    if done.contains(node) {
        return;
    }
    path.push(node);
    for target in edges.get(node).into_iter().flatten() {
        if let Some((&key, _)) = edges.get_key_value(target.as_str()) {
            find_cycles(key, edges, path, done, report);
        }
    }
    path.pop();
    done.insert(node);
}

/// Macro calls that always happen when `nodes` render: outside any `if` branch or
/// `for` body (their conditions and containers are always evaluated, though).
fn unconditional_calls(nodes: &[Node], out: &mut Vec<(String, String)>) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, expr) => expr_calls(expr, out),
            Node::Set(_, set) => expr_calls(&set.value, out),
            Node::FilterSection(_, f, _) => {
                f.filter.args.values().for_each(|e| expr_calls(e, out));
                unconditional_calls(&f.body, out);
            }
            Node::Forloop(_, f, _) => expr_calls(&f.container, out),
            Node::If(i, _) => {
                if let Some((_, condition, _)) = i.conditions.first() {
                    expr_calls(condition, out);
                }
            }
            _ => {}
        }
    }
}

fn expr_calls(expr: &tera::ast::Expr, out: &mut Vec<(String, String)>) {
    use tera::ast::ExprVal;
    match &expr.val {
        ExprVal::MacroCall(call) => {
            out.push((call.namespace.clone(), call.name.clone()));
            call.args.values().for_each(|e| expr_calls(e, out));
        }
        ExprVal::FunctionCall(call) => call.args.values().for_each(|e| expr_calls(e, out)),
        ExprVal::Math(math) => {
            expr_calls(&math.lhs, out);
            expr_calls(&math.rhs, out);
        }
        // The right side of `and` / `or` may not be evaluated.
        ExprVal::Logic(logic) => expr_calls(&logic.lhs, out),
        ExprVal::In(within) => {
            expr_calls(&within.lhs, out);
            expr_calls(&within.rhs, out);
        }
        ExprVal::Array(items) => items.iter().for_each(|e| expr_calls(e, out)),
        _ => {}
    }
    for filter in &expr.filters {
        filter.args.values().for_each(|e| expr_calls(e, out));
    }
}

/// Macros that call themselves, directly or through other macros, with no `if` on
/// the way: rendering them would recurse until the stack runs out.
pub(crate) fn check_macro_recursion(tera: &Tera, sources: &Sources) -> Vec<Diagnostic> {
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in tera.get_template_names() {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        for (macro_name, definition) in &template.macros {
            let mut calls = Vec::new();
            unconditional_calls(&definition.body, &mut calls);
            let targets = calls
                .into_iter()
                .filter_map(|(namespace, called)| {
                    let file = if namespace == "self" {
                        name.to_string()
                    } else {
                        template
                            .imported_macro_files
                            .iter()
                            .find(|(_, ns)| *ns == namespace)
                            .map(|(file, _)| file.clone())?
                    };
                    Some(format!("{file}::{called}"))
                })
                .collect();
            edges.insert(format!("{name}::{macro_name}"), targets);
        }
    }
    let graph: BTreeMap<&str, Vec<String>> =
        edges.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let mut problems = Vec::new();
    let mut done = BTreeSet::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for &start in graph.keys() {
        let mut path = Vec::new();
        find_cycles(start, &graph, &mut path, &mut done, &mut |cycle: Vec<
            &str,
        >| {
            let mut key: Vec<String> = cycle.iter().map(|s| s.to_string()).collect();
            key.sort();
            if !reported.insert(key) {
                return;
            }
            let (file, name) = cycle[0].split_once("::").unwrap_or((cycle[0], ""));
            let location = sources.location(file, Some(name));
            let message = if cycle.len() == 1 {
                format!("macro `{name}` calls itself with no condition, so it would never stop")
            } else {
                format!(
                    "macros call each other with no condition, so they would never stop: {} -> {}",
                    cycle.join(" -> "),
                    cycle[0]
                )
            };
            problems.push(
                Diagnostic::error(location, message)
                    .with_help("put the recursive call inside an `if` that ends it"),
            );
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(templates: &[(&str, &str)]) -> (Tera, Sources) {
        let mut sources = Sources::default();
        for (name, text) in templates {
            sources.insert(name, text, format!("templates/{name}"));
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        (tera, sources)
    }

    fn messages(problems: &[Diagnostic]) -> Vec<String> {
        problems
            .iter()
            .map(|d| format!("{}: {}", d.location, d.message))
            .collect()
    }

    #[test]
    fn include_loops_and_missing_includes_are_found_once() {
        let (tera, sources) = load(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "x\n{% if y %}{% include \"a.html\" %}{% endif %}"),
            (
                "c.html",
                "{% include \"nope.html\" %}{% include \"nope.html\" ignore missing %}",
            ),
            (
                "d.html",
                "{% import \"d.html\" as m %}{% macro f() %}1{% endmacro f %}",
            ),
        ]);
        assert_eq!(
            messages(&check_includes(&tera, &sources)),
            [
                "templates/c.html:1:12: template includes `nope.html`, which does not exist",
                "templates/a.html:1:12: templates include each other in a loop: a.html -> b.html -> a.html",
            ]
        );
    }

    #[test]
    fn dependents_follow_extends_includes_and_imports() {
        let (tera, _) = load(&[
            ("base.html", "{% block b %}{% endblock b %}"),
            (
                "macros.html",
                "{% macro f() %}{% include \"part.html\" %}{% endmacro f %}",
            ),
            ("part.html", "x"),
            ("page.html", "{% extends \"base.html\" %}"),
            (
                "list.html",
                "{% extends \"base.html\" %}{% import \"macros.html\" as m %}",
            ),
            ("alone.html", "y"),
        ]);
        let names =
            |roots: &[&str]| -> Vec<String> { dependents(&tera, roots).into_iter().collect() };
        assert_eq!(
            names(&["part.html"]),
            ["list.html", "macros.html", "part.html"]
        );
        assert_eq!(
            names(&["base.html"]),
            ["base.html", "list.html", "page.html"]
        );
        assert_eq!(names(&["alone.html"]), ["alone.html"]);
        assert!(names(&[]).is_empty());
    }

    #[test]
    fn only_unconditional_macro_recursion_is_an_error() {
        let (tera, sources) = load(&[(
            "m.html",
            "{% macro ok(n) %}{% if n > 0 %}{{ self::ok(n=n - 1) }}{% endif %}{% endmacro ok %}\n\
             {% macro loop_(n) %}{{ 1 + self::loop_(n=n) }}{% endmacro loop_ %}\n\
             {% macro guarded(n) %}{{ n > 0 and self::guarded(n=n - 1) }}{% endmacro guarded %}",
        )]);
        assert_eq!(
            messages(&check_macro_recursion(&tera, &sources)),
            [
                "templates/m.html:2:10: macro `loop_` calls itself with no condition, so it would never stop"
            ]
        );
    }
}
