//! The documentation: the CI examples parse as YAML and build the site with its
//! base URL; the references name every front-matter key, config key and template.

use std::fs;
use std::path::Path;

use saphyr::{LoadableYamlNode, Yaml};

fn repo_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn load_yaml(rel: &str) -> Yaml<'static> {
    let text: &'static str = Box::leak(repo_file(rel).into_boxed_str());
    let mut docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"));
    assert_eq!(docs.len(), 1, "{rel} holds one document");
    docs.remove(0)
}

fn get<'a>(node: &'a Yaml<'static>, key: &str) -> &'a Yaml<'static> {
    node.as_mapping_get(key)
        .unwrap_or_else(|| panic!("no `{key}` in {node:?}"))
}

fn strings(node: &Yaml<'static>) -> Vec<String> {
    node.as_vec()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_github_workflow_installs_debrief_and_builds_with_the_pages_url() {
    let doc = load_yaml("docs/examples/github-pages.yml");
    let permissions = get(&doc, "permissions");
    assert_eq!(get(permissions, "pages").as_str(), Some("write"));
    assert_eq!(get(permissions, "id-token").as_str(), Some("write"));
    let jobs = get(&doc, "jobs");
    let steps = get(get(jobs, "build"), "steps").as_vec().expect("steps");
    let runs: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.as_mapping_get("run").and_then(Yaml::as_str))
        .collect();
    let uses: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.as_mapping_get("uses").and_then(Yaml::as_str))
        .collect();
    let install = runs
        .iter()
        .position(|r| r.contains("cargo +stable install --locked --git \"$DEBRIEF_GIT\""))
        .expect("an install step");
    let build = runs
        .iter()
        .position(|r| {
            r.trim() == "debrief build --base-url \"${{ steps.pages.outputs.base_url }}/\""
        })
        .expect("a build step with the Pages base URL");
    assert!(install < build);
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/configure-pages@"))
    );
    let upload = steps
        .iter()
        .find(|s| {
            s.as_mapping_get("uses")
                .and_then(Yaml::as_str)
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .expect("an upload step");
    assert_eq!(get(get(upload, "with"), "path").as_str(), Some("public"));
    let deploy = get(get(jobs, "deploy"), "steps").as_vec().expect("steps");
    assert!(deploy.iter().any(|s| {
        s.as_mapping_get("uses")
            .and_then(Yaml::as_str)
            .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
    }));
}

#[test]
fn the_gitlab_pipeline_builds_into_the_pages_artifact() {
    let doc = load_yaml("docs/examples/gitlab-ci.yml");
    let pages = get(&doc, "pages");
    let script = strings(get(pages, "script"));
    let install = script
        .iter()
        .position(|l| l.starts_with("cargo install --locked --git \"$DEBRIEF_GIT\""))
        .expect("an install line");
    let build = script
        .iter()
        .position(|l| l == "debrief build --base-url \"$CI_PAGES_URL/\"")
        .expect("a build line with the Pages URL");
    assert!(install < build);
    assert_eq!(strings(get(get(pages, "artifacts"), "paths")), ["public"]);
}

#[test]
fn the_nginx_example_serves_the_sub_path_and_its_404_page() {
    let conf = repo_file("docs/examples/nginx.conf");
    assert!(conf.contains("debrief build --base-url https://example.com/incidents/"));
    assert!(conf.contains("location /incidents/ {"));
    assert!(conf.contains("error_page 404 /incidents/404.html;"));
    assert_eq!(conf.matches('{').count(), conf.matches('}').count());
}

#[test]
fn the_reference_names_every_front_matter_and_config_key() {
    let reference = repo_file("docs/reference.md");
    for key in debrief::content::incident::incident_keys() {
        assert!(
            reference.contains(&format!("| `{key}` |")),
            "docs/reference.md does not describe the front-matter key `{key}`"
        );
    }
    let config = debrief::scaffold::config_toml(&debrief::config::Config::default());
    for line in config.lines() {
        let Some((key, _)) = line.split_once(" = ") else {
            continue;
        };
        if key.starts_with('#') {
            continue;
        }
        assert!(
            reference.contains(&format!("`{key}`")),
            "docs/reference.md does not describe the config key `{key}`"
        );
    }
}

#[test]
fn the_template_guide_names_every_built_in_template() {
    let guide = repo_file("docs/templates.md");
    for (name, _) in debrief::embedded::TEMPLATES {
        assert!(
            guide.contains(&format!("| `{name}` |")),
            "docs/templates.md does not list {name}"
        );
    }
}

#[test]
fn the_readme_links_the_docs() {
    let readme = repo_file("README.md");
    for doc in [
        "docs/publishing.md",
        "docs/reference.md",
        "docs/templates.md",
    ] {
        assert!(
            readme.contains(&format!("]({doc})")),
            "README.md does not link {doc}"
        );
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc).is_file());
    }
}

/// Runs a CI example's build command, as written, on a site from `debrief init`,
/// with the host's variable standing for a project page under a sub-path.
fn run_documented_build(command: &str, variable: &str, url: &str, base_path: &str) {
    let command = command.trim().replace(variable, url);
    let words: Vec<String> = command
        .split_whitespace()
        .map(|w| w.trim_matches('"').to_string())
        .collect();
    assert_eq!(words[..2], ["debrief", "build"], "{command}");
    let site = crate::support::Site::empty();
    site.run(&["init"]).expect_code(0);
    site.run(&["check"]).expect_code(0);
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    site.run(&args).expect_code(0);
    let out = crate::support::Output_ {
        dir: site.path().join("public"),
        base_path: base_path.into(),
        stderr: String::new(),
    };
    assert_eq!(out.dead_links(), Vec::<String>::new());
    let export = out.export();
    assert_eq!(
        export["incidents"][0]["url"],
        format!("{base_path}incidents/expired-certificate-checkout/")
    );
}

#[test]
fn the_documented_ci_builds_give_working_sub_path_sites() {
    let github = load_yaml("docs/examples/github-pages.yml");
    let steps = get(get(get(&github, "jobs"), "build"), "steps")
        .as_vec()
        .expect("steps");
    let build = steps
        .iter()
        .filter_map(|s| s.as_mapping_get("run").and_then(Yaml::as_str))
        .find(|r| r.trim_start().starts_with("debrief build"))
        .expect("a build step");
    run_documented_build(
        build,
        "${{ steps.pages.outputs.base_url }}",
        "https://acme.github.io/postmortems",
        "/postmortems/",
    );

    let gitlab = load_yaml("docs/examples/gitlab-ci.yml");
    let script = strings(get(get(&gitlab, "pages"), "script"));
    let build = script
        .iter()
        .find(|l| l.starts_with("debrief build"))
        .expect("a build line");
    run_documented_build(
        build,
        "$CI_PAGES_URL",
        "https://acme.gitlab.io/ops/postmortems",
        "/ops/postmortems/",
    );
}
