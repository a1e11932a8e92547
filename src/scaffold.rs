//! The text of the files `debrief init` and `debrief new` write: the config with
//! every default spelled out (generated from [`Config::default`], so it cannot
//! drift from the code), the example site, the CI workflows, the ejected theme and
//! the skeleton of a new postmortem. Pure: the command layer writes the files.

use jiff::civil::Date;

use crate::config::{Config, Theme, UnknownKeys};
use crate::content::{STATIC_DIR, TEMPLATES_DIR};
use crate::embedded;
pub use crate::output::NewFile;
use crate::slug::slugify;

/// A host whose Pages service `debrief init --ci` writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    /// GitHub Pages, through GitHub Actions: `.github/workflows/pages.yml`.
    Github,
    /// GitLab Pages: `.gitlab-ci.yml`.
    Gitlab,
}

impl Ci {
    /// Where the workflow goes in the site, and its text.
    pub fn workflow(self) -> NewFile {
        match self {
            Ci::Github => NewFile::new(".github/workflows/pages.yml", embedded::GITHUB_WORKFLOW),
            Ci::Gitlab => NewFile::new(".gitlab-ci.yml", embedded::GITLAB_CI),
        }
    }
}

/// Every file of a new site, in the order they are written.
pub fn site_files(ci: Option<Ci>) -> Vec<NewFile> {
    let config = Config::default();
    let mut files = vec![NewFile::new(
        crate::config::CONFIG_FILE,
        config_toml(&config),
    )];
    files.extend(
        embedded::SITE_FILES
            .iter()
            .map(|(path, text)| NewFile::new(*path, *text)),
    );
    files.push(NewFile::new(embedded::ABOUT_PAGE_PATH, about_page(&config)));
    files.extend(ci.map(Ci::workflow));
    files
}

/// The built-in templates and static files, as `debrief init --eject` copies them.
pub fn theme_files() -> Vec<NewFile> {
    let templates = embedded::TEMPLATES
        .iter()
        .map(|(name, text)| NewFile::new(format!("{TEMPLATES_DIR}/{name}"), *text));
    let assets = embedded::STATIC
        .iter()
        .map(|(path, bytes)| NewFile::new(format!("{STATIC_DIR}/{path}"), *bytes));
    templates.chain(assets).collect()
}

/// A double-quoted string that means the same text in TOML (a basic string) and in
/// YAML: `\`, `"`, control characters and the characters YAML treats as line breaks
/// or byte-order marks are escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML array of strings, on one line when it fits, else wrapped and indented.
fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    let one_line = format!("[{}]", quoted.join(", "));
    if one_line.len() <= 70 {
        return one_line;
    }
    let mut out = String::from("[\n");
    let mut line = String::new();
    for item in quoted {
        if !line.is_empty() && line.len() + item.len() + 2 > 80 {
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
        }
        if line.is_empty() {
            line.push_str("    ");
        }
        line.push_str(&item);
        line.push_str(", ");
    }
    out.push_str(line.trim_end());
    out.push_str("\n]");
    out
}

/// `debrief.toml` with every setting of `config` written out and explained. Parsing
/// it gives `config` back (the tests check this for the defaults).
pub fn config_toml(config: &Config) -> String {
    config_toml_with_notes(config, &[])
}

/// [`config_toml`], with a comment after the entries of `[front_matter.aliases]`
/// that `notes` names (field, comment): why each was proposed.
pub fn config_toml_with_notes(config: &Config, notes: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut line = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    line("# debrief.toml: the site config. Every key is optional and has a default;");
    line("# this file writes every default out so that you can see and change it.");
    line("# docs/reference.md in the Debrief repository describes each key.");
    line("");
    line("# The site's name, shown in the header, the browser tab and the feed.");
    line(&format!("title = {}", quoted(&config.title)));
    line("# One line under the title, and the feed's subtitle.");
    line(&format!("description = {}", quoted(&config.description)));
    line("# Where the site is published. It may carry a path, such as");
    line("# https://example.com/incidents/: every link of the site then starts with it.");
    line("# `debrief build --base-url URL` overrides it (the CI workflows do), and");
    line("# `debrief serve` always uses its own local address.");
    line(&format!("base_url = {}", quoted(&config.base_url)));
    line("# The language of the pages, for <html lang>.");
    line(&format!("language = {}", quoted(&config.language)));
    line("# Times written without an offset are in this IANA time zone, such as");
    line("# \"Europe/Berlin\" or \"America/New_York\". An offset is never guessed.");
    line(&format!("timezone = {}", quoted(&config.timezone_name)));
    line("# `internal` or `public`: the visibility of incidents that do not say.");
    line("# `debrief build --public` leaves internal incidents out.");
    line(&format!(
        "default_visibility = {}",
        quoted(config.default_visibility.as_str())
    ));
    line("# The severity of a postmortem that gives none; without it, `severity` is");
    line("# required. It must be one of the keys below.");
    match &config.default_severity {
        Some(key) => line(&format!("default_severity = {}", quoted(key))),
        None => line("# default_severity = \"minor\""),
    }
    line("# A later incident is a repeat of an earlier one when it comes at most this");
    line("# many days after it and shares a component and a lesson or factor theme.");
    line(&format!(
        "repeat_window_days = {}",
        config.repeat_window_days
    ));
    line("# A severity, component, tag or organization page lists this many incidents");
    line("# (a theme's page this many lessons), then goes on at page/2/, page/3/...;");
    line("# 0 keeps every list on one page.");
    line(&format!("paginate_by = {}", config.paginate_by));
    line("");
    line("# The quality warnings of `debrief check` and `debrief build`; set one to false");
    line("# to switch it off. actions: an incident of the most severe severity with no");
    line("# action item. owner: an open action item with no owner. blame: blame wording");
    line("# in a body, lesson or factor. detection: a most severe incident without");
    line("# `detected`. blame_words adds phrases to the built-in ones (human error,");
    line("# operator error, careless, should have, the root cause).");
    line("[lint]");
    let lint = &config.lint;
    line(&format!("actions = {}", lint.actions));
    line(&format!("owner = {}", lint.owner));
    line(&format!("blame = {}", lint.blame));
    line(&format!("detection = {}", lint.detection));
    let added: Vec<String> = (lint.blame_words.iter())
        .filter(|w| !crate::config::BLAME_WORDS.contains(&w.as_str()))
        .cloned()
        .collect();
    line(&format!("blame_words = {}", toml_list(&added)));
    line("");
    line("# What `debrief build --public` leaves out besides internal incidents and the");
    line("# internal sections of bodies (`<!-- internal -->` ... `<!-- /internal -->`):");
    line("# `omit` names front-matter fields left out everywhere, such as [\"authors\"].");
    line("# `deny` holds regular expressions that no file of a public build may match:");
    line("# a match fails the build, at the file, line and column the text came from.");
    line("# Use single quotes so that a backslash is written once: '10\\.[0-9]+\\.'.");
    line("[public]");
    line(&format!("omit = {}", toml_list(&config.public.omit)));
    let deny: Vec<String> = config
        .public
        .deny
        .iter()
        .map(|d| d.source.clone())
        .collect();
    line(&format!("deny = {}", toml_list(&deny)));
    line("");
    line("# Postmortems written for another tool (docs/adopting.md): other names for");
    line("# fields, tried after the field's own key, and what to do with keys that are");
    line("# no field: \"warn\", or \"extra\" to keep them under incident.extra.");
    line("[front_matter]");
    let unknown = match config.front_matter.unknown_keys {
        UnknownKeys::Warn => "warn",
        UnknownKeys::Extra => "extra",
    };
    line(&format!("unknown_keys = {}", quoted(unknown)));
    if config.front_matter.aliases.is_empty() {
        line("# [front_matter.aliases]");
        line("# organization = [\"company\"]");
        line("# tags = [\"keywords\", \"categories\"]");
    } else {
        line("[front_matter.aliases]");
        for alias in &config.front_matter.aliases {
            let entry = format!("{} = {}", alias.field, toml_list(&alias.names));
            match notes.iter().find(|(field, _)| *field == alias.field) {
                Some((_, note)) => line(&format!("{entry}  # {note}")),
                None => line(&entry),
            }
        }
    }
    line("");
    line("[markdown]");
    line("# Raw HTML in postmortems is escaped unless this is true.");
    line(&format!("unsafe_html = {}", config.markdown.unsafe_html));
    line("# Syntax highlighting of code blocks: [light theme, dark theme], or one name");
    line("# for both. `debrief check` lists the available names when one is unknown.");
    let (light, dark) = &config.markdown.highlight_themes;
    line(&format!(
        "highlight_theme = {}",
        toml_list(&[light.clone(), dark.clone()])
    ));
    line("");
    line("# The severity scale, most severe first: the order is the rank. A postmortem's");
    line("# `severity` is one of these keys. Defining [[severities]] replaces the built-in");
    line("# scale, so a team that uses SEV1 to SEV4 replaces these with four of its own.");
    line("# `color` is any CSS colour; it tints the badge.");
    for s in &config.severities {
        line("");
        line("[[severities]]");
        line(&format!("key = {}", quoted(&s.key)));
        line(&format!("label = {}", quoted(&s.label)));
        line(&format!("emoji = {}", quoted(&s.emoji)));
        line(&format!("color = {}", quoted(&s.color)));
        line(&format!("description = {}", quoted(&s.description)));
    }
    line("");
    line("# Components need no config: every name a postmortem lists in `components`");
    line("# becomes one, with its own page. An entry here adds other names for the same");
    line("# component (matched ignoring case), a category and a description:");
    line("#");
    line("# [[components]]");
    line("# name = \"Checkout API\"");
    line("# aliases = [\"checkout\", \"checkout-api\"]");
    line("# category = \"services\"");
    line("# description = \"Takes the basket and the payment details and places the order.\"");
    line("#");
    line("# [[components]]");
    line("# name = \"Ingress controller\"");
    line("# aliases = [\"ingress\", \"ingress-nginx\"]");
    line("# category = \"networking\"");
    for c in &config.components {
        line("");
        line("[[components]]");
        line(&format!("name = {}", quoted(&c.name)));
        if !c.aliases.is_empty() {
            line(&format!("aliases = {}", toml_list(&c.aliases)));
        }
        if let Some(category) = &c.category {
            line(&format!("category = {}", quoted(category)));
        }
        if let Some(description) = &c.description {
            line(&format!("description = {}", quoted(description)));
        }
    }
    line("");
    line("# Lesson themes group the lessons of every postmortem on the lessons index. A");
    line("# lesson belongs to the themes it names (`themes: [monitoring]`), else to every");
    line("# theme with a keyword in its text, else to `other`. Keywords match whole words,");
    line("# ignoring case, with no stemming: list every form you want (alert, alerting).");
    line("# These are the built-in themes. Because this file defines [[lesson_themes]],");
    line("# a lesson naming a theme that is not listed here is an error; delete every");
    line("# [[lesson_themes]] entry to use the built-in themes, where such a theme is");
    line("# created with its key as its label.");
    for theme in &config.themes {
        write_theme(&mut line, theme);
    }
    out
}

fn write_theme(line: &mut impl FnMut(&str), theme: &Theme) {
    line("");
    if theme.key == crate::config::OTHER_THEME {
        line("# Lessons that fit no other theme. It always exists; you may relabel it.");
    }
    line("[[lesson_themes]]");
    line(&format!("key = {}", quoted(&theme.key)));
    line(&format!("label = {}", quoted(&theme.label)));
    line(&format!("keywords = {}", toml_list(&theme.keywords)));
}

/// The about page of a new site, its severity table made from `config`.
pub fn about_page(config: &Config) -> String {
    let mut table = String::from("| Level | Key | Meaning |\n|---|---|---|\n");
    for s in &config.severities {
        let cell = |text: &str| text.replace('|', "\\|");
        table.push_str(&format!(
            "| {} | `{}` | {} |\n",
            cell(format!("{} {}", s.emoji, s.label).trim()),
            s.key,
            cell(&s.description)
        ));
    }
    let first = config.severities.first().map_or("", |s| s.key.as_str());
    embedded::ABOUT_PAGE
        .replace("{severity_table}", table.trim_end())
        .replace("{first_severity}", first)
}

/// Where `debrief new` writes a postmortem: `content/incidents/<date>-<slug>.md`.
/// `None` when the title has no letter or digit to make a file name from.
pub fn incident_path(title: &str, date: Date) -> Option<String> {
    let slug = slugify(title);
    if slug.is_empty() {
        return None;
    }
    Some(format!("content/incidents/{date}-{slug}.md"))
}

/// A new postmortem: the front-matter skeleton with `title`, `date` and `severity`
/// filled in, every other field present and explained, and the usual sections with
/// guidance in comments. `severity` must be a key of `config`.
pub fn new_incident(title: &str, date: Date, severity: &str, config: &Config) -> String {
    let keys: Vec<&str> = config.severities.iter().map(|s| s.key.as_str()).collect();
    // The title goes in last, so that text in it is never taken for a placeholder.
    embedded::NEW_INCIDENT
        .replace("{date}", &date.to_string())
        .replace("{severity_keys}", &keys.join(", "))
        .replace("{severity}", severity)
        .replace("\"{title}\"", &quoted(title.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;
    use crate::content::incident::incident_keys;

    #[test]
    fn the_written_config_parses_back_to_the_defaults() {
        let defaults = Config::default();
        let text = config_toml(&defaults);
        let (parsed, diags) = parse_config(&text, "debrief.toml");
        assert!(diags.is_empty(), "{:?}", diags.sorted());
        let mut parsed = parsed.expect("the written config is valid");
        // The two differences are intended: the file names its lesson themes
        // (so an unlisted theme is an error) and says where its highlight theme is.
        assert!(parsed.themes_configured);
        assert!(parsed.markdown.highlight_pos.is_some());
        parsed.themes_configured = defaults.themes_configured;
        parsed.markdown.highlight_pos = None;
        assert_eq!(parsed.timezone_name, defaults.timezone_name);
        parsed.timezone = defaults.timezone.clone();
        assert_eq!(parsed, defaults);
    }

    #[test]
    fn the_commented_component_examples_are_valid_once_uncommented() {
        let text = config_toml(&Config::default());
        let start = text.find("# [[components]]").expect("component examples");
        let examples: String = text[start..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{}\n", l.trim_start_matches('#').trim_start()))
            .collect();
        let (parsed, diags) = parse_config(&examples, "debrief.toml");
        assert!(diags.is_empty(), "{:?}", diags.sorted());
        let components = parsed.expect("valid").components;
        assert_eq!(components.len(), 2);
        assert_eq!(components[0].name, "Checkout API");
        assert_eq!(components[1].aliases, ["ingress", "ingress-nginx"]);
    }

    #[test]
    fn config_strings_are_escaped_and_lists_wrap() {
        assert_eq!(quoted("a \"b\" \\ c\u{1}"), "\"a \\\"b\\\" \\\\ c\\u0001\"");
        let long: Vec<String> = (0..30).map(|i| format!("keyword{i}")).collect();
        let list = toml_list(&long);
        assert!(list.lines().all(|l| l.len() <= 80), "{list}");
        let parsed: toml::Value = toml::from_str(&format!("k = {list}")).unwrap();
        assert_eq!(parsed["k"].as_array().map(Vec::len), Some(30));
    }

    #[test]
    fn the_example_postmortem_uses_every_front_matter_key() {
        let (_, text) = embedded::SITE_FILES
            .iter()
            .find(|(path, _)| path.starts_with("content/incidents/"))
            .expect("an example postmortem");
        for key in incident_keys() {
            assert!(
                text.lines().any(|l| l.starts_with(&format!("{key}:"))),
                "the example postmortem does not use `{key}`"
            );
        }
    }

    #[test]
    fn the_about_page_lists_every_severity() {
        let page = about_page(&Config::default());
        assert!(!page.contains("{severity_table}") && !page.contains("{first_severity}"));
        assert!(page.contains("| 🤬 Production | `production` | Customers were affected. |"));
        assert!(page.contains("--severity production"));
    }

    #[test]
    fn new_incident_fills_the_skeleton_and_quotes_the_title() {
        let config = Config::default();
        let date = Date::new(2024, 5, 1).unwrap();
        let text = new_incident("Disk \"full\" {date} \\ again", date, "minor", &config);
        assert!(text.contains("title: \"Disk \\\"full\\\" {date} \\\\ again\"\n"));
        assert!(text.contains("\ndate: 2024-05-01\n"));
        assert!(text.contains("\nseverity: minor\n"));
        assert!(text.contains("# One of: production, non-prod, minor "));
        for section in [
            "Summary",
            "Impact",
            "How it unfolded",
            "Root cause",
            "Contributing factors",
            "What went well",
        ] {
            assert!(text.contains(&format!("\n## {section}\n")), "{section}");
        }
        for field in ["lessons: []", "action_items: []", "timeline: []"] {
            assert!(text.contains(field), "{field}");
        }
    }

    #[test]
    fn incident_paths_need_a_letter_or_digit() {
        let date = Date::new(2024, 5, 1).unwrap();
        assert_eq!(
            incident_path("Payments down: 45 minutes!", date).as_deref(),
            Some("content/incidents/2024-05-01-payments-down-45-minutes.md")
        );
        assert_eq!(incident_path("?!", date), None);
    }

    #[test]
    fn init_writes_the_workflow_of_the_chosen_host() {
        let github = site_files(Some(Ci::Github));
        let workflow = github
            .iter()
            .find(|f| f.path == ".github/workflows/pages.yml")
            .expect("workflow");
        assert_eq!(workflow.bytes, embedded::GITHUB_WORKFLOW.as_bytes());
        let gitlab = site_files(Some(Ci::Gitlab));
        assert!(gitlab.iter().any(|f| f.path == ".gitlab-ci.yml"));
        assert!(
            !site_files(None)
                .iter()
                .any(|f| f.path.starts_with(".git") && f.path != ".gitignore")
        );
    }
}
