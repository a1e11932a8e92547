//! The built-in theme, compiled into the binary: the templates of `templates/`
//! and the assets of `static/`. A site's own files of the same name win.

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
