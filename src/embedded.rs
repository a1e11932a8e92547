//! Files compiled into the binary: the built-in theme (the templates of
//! `templates/` and the assets of `static/`; a site's own files of the same name
//! win), the files `debrief init` and `debrief new` start from (`scaffold/`), and
//! the CI workflows, which are the examples of `docs/examples/` themselves.

/// Built-in templates: (name, source).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("incident.html", include_str!("../templates/incident.html")),
    ("severity.html", include_str!("../templates/severity.html")),
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    (
        "component.html",
        include_str!("../templates/component.html"),
    ),
    ("lessons.html", include_str!("../templates/lessons.html")),
    ("theme.html", include_str!("../templates/theme.html")),
    ("factors.html", include_str!("../templates/factors.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    (
        "organization.html",
        include_str!("../templates/organization.html"),
    ),
    ("actions.html", include_str!("../templates/actions.html")),
    ("stats.html", include_str!("../templates/stats.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
];

/// Built-in static assets: (path under the output root, bytes).
pub const STATIC: &[(&str, &[u8])] = &[
    ("debrief.css", include_bytes!("../static/debrief.css")),
    ("debrief.js", include_bytes!("../static/debrief.js")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
];

/// The postmortem `debrief new` writes, with `{title}`, `{date}`, `{severity}` and
/// `{severity_keys}` to fill in.
pub const NEW_INCIDENT: &str = include_str!("../scaffold/incident.md");

/// Files `debrief init` writes as they are: (path in the site, text): the example
/// postmortem, the page on writing one, and `.gitignore`. The config is generated
/// from the defaults and the about page is [`ABOUT_PAGE`].
pub const SITE_FILES: &[(&str, &str)] = &[
    (
        "content/incidents/2024-03-12-expired-certificate-checkout.md",
        include_str!(
            "../scaffold/site/content/incidents/2024-03-12-expired-certificate-checkout.md"
        ),
    ),
    (
        "content/pages/writing-a-postmortem.md",
        include_str!("../scaffold/site/content/pages/writing-a-postmortem.md"),
    ),
    (".gitignore", include_str!("../scaffold/site/gitignore")),
];

/// Where `debrief init` writes the about page.
pub const ABOUT_PAGE_PATH: &str = "content/pages/about.md";

/// The about page of a new site, with `{severity_table}` and `{first_severity}`
/// filled in from the config.
pub const ABOUT_PAGE: &str = include_str!("../scaffold/site/content/pages/about.md");

/// The GitHub Pages workflow (`docs/examples/github-pages.yml`).
pub const GITHUB_WORKFLOW: &str = include_str!("../docs/examples/github-pages.yml");

/// The GitLab Pages pipeline (`docs/examples/gitlab-ci.yml`).
pub const GITLAB_CI: &str = include_str!("../docs/examples/gitlab-ci.yml");
