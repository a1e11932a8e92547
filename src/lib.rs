//! Debrief turns a folder of Markdown postmortems into a static website: an
//! incident library browsed by severity, by component and by lesson.
//!
//! The pipeline runs one way:
//! `content` (read the files) → `library` (the model and its indexes, with
//! `markdown` rendering bodies) → a [`Site`] → `render` (each output file through
//! the templates, as it is wanted) → `output` (write).
//! [`load`] makes the site; `build` hands it to [`output::write`], `check` to
//! [`check`], `serve` renders each page when it is asked for.

#![deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)]

pub mod adopt;
pub mod config;
pub mod content;
pub mod diag;
pub mod embedded;
pub mod error;
mod html;
pub mod leaks;
pub mod library;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;

use std::path::PathBuf;
use std::time::Instant;

use diag::Diagnostics;
use error::Result;
use library::Selection;
use progress::{Progress, Stage};
use render::Plan;
pub use site::Site;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Replaces the config's `base_url` (already checked).
    pub base_url: Option<String>,
    /// Drafts and internal incidents.
    pub selection: Selection,
}

/// A site loaded, with every problem found on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every problem found.
    pub diagnostics: Diagnostics,
    /// The site, when the config, the content and the templates could be read
    /// (it may still have content errors: see `diagnostics`).
    pub site: Option<Site>,
}

/// The whole site in memory, for tests and tools that want its files without a disk.
#[derive(Debug, Default)]
pub struct Build {
    /// Every problem found.
    pub diagnostics: Diagnostics,
    /// The files, when there was no error.
    pub plan: Option<Plan>,
    /// The site, when it could be loaded.
    pub site: Option<Site>,
}

/// Loads, checks and renders a site into memory. Content problems are diagnostics;
/// only environment failures (no `content/`, unreadable files) are errors.
pub fn build(options: &BuildOptions) -> Result<Build> {
    let Loaded {
        mut diagnostics,
        site,
    } = load(options, &())?;
    let plan = site
        .as_ref()
        .map(|site| site.render_plan(&(), &mut diagnostics))
        .filter(|_| !diagnostics.has_errors());
    Ok(Build {
        diagnostics,
        plan,
        site,
    })
}

/// Loads a site as [`load`] does and finds every problem a build would report,
/// making nothing (see [`Site::check`]); code blocks are not highlighted.
pub fn check(options: &BuildOptions, progress: &dyn Progress) -> Result<Loaded> {
    // A check keeps no HTML, so its code blocks need no highlighting.
    let plain_code = true;
    let mut loaded = load_site(
        options,
        progress,
        &mut content::Fresh,
        &mut library::Fresh,
        Bodies {
            plain_code,
            defer: true,
        },
    )?;
    if let Some(site) = &loaded.site {
        site.check(progress, &mut loaded.diagnostics);
        let deny = &site.config.public.deny;
        if site.library.public && !deny.is_empty() && !loaded.diagnostics.has_errors() {
            // The leak check reads every file a public build would write.
            let scan = leaks::LeakScan::new(site);
            site.render_each(progress, &mut loaded.diagnostics, &|file| {
                let path = file.path();
                let mut bytes = Vec::new();
                file.write_to(&mut bytes)?;
                scan.scan(&path, &bytes);
                Ok(())
            });
            scan.report(site, &options.root, &mut loaded.diagnostics);
        }
    }
    Ok(loaded)
}

/// Reads the config, the content and the theme, and builds the library and the
/// templates: the site, ready to render, nothing rendered yet.
pub fn load(options: &BuildOptions, progress: &dyn Progress) -> Result<Loaded> {
    load_site(
        options,
        progress,
        &mut content::Fresh,
        &mut library::Fresh,
        Bodies {
            plain_code: false,
            defer: true,
        },
    )
}

/// [`load`], each file parsed through `parser` and each body rendered through
/// `renderer`: `serve`'s caches reuse what has not changed since the previous load
/// (see [`serve::cache`]).
pub fn load_with(
    options: &BuildOptions,
    progress: &dyn Progress,
    parser: &mut dyn content::ParseFile,
    renderer: &mut dyn library::RenderBody,
) -> Result<Loaded> {
    // As in a build, each page renders its body again from its file: the caches
    // then hold no HTML either, and nothing is copied out of them but what the
    // lists and the search index show.
    let bodies = Bodies {
        plain_code: false,
        defer: true,
    };
    load_site(options, progress, parser, renderer, bodies)
}

/// How a load renders the bodies of its incidents.
#[derive(Debug, Clone, Copy)]
struct Bodies {
    /// Code blocks are not highlighted.
    plain_code: bool,
    /// Each body is rendered again with its page instead of held.
    defer: bool,
}

fn load_site(
    options: &BuildOptions,
    progress: &dyn Progress,
    parser: &mut dyn content::ParseFile,
    renderer: &mut dyn library::RenderBody,
    bodies: Bodies,
) -> Result<Loaded> {
    let mut out = Loaded::default();
    let stage = |stage: Stage| {
        progress.stage_started(stage);
        (stage, Instant::now())
    };
    let done = |(stage, started): (Stage, Instant)| progress.stage_done(stage, started.elapsed());

    let timer = stage(Stage::Config);
    let (config, config_diags) = content::load_config(&options.root)?;
    out.diagnostics.extend(config_diags);
    let Some(mut config) = config else {
        // The content is read against the config, but the templates are not: check
        // them too, so that one run reports every problem it can.
        let theme = content::load_theme(&options.root, &mut out.diagnostics)?;
        render::load_templates(&theme, &mut out.diagnostics);
        return Ok(out);
    };
    if let Some(url) = &options.base_url
        && let Err(message) = config.set_base_url(url)
    {
        out.diagnostics.push(diag::Diagnostic::error(
            diag::Location::file("--base-url"),
            message,
        ));
        return Ok(out);
    }
    done(timer);
    let timer = stage(Stage::Content);
    let content = content::load_content_with(&options.root, &config, &mut out.diagnostics, parser)?;
    done(timer);
    let timer = stage(Stage::Theme);
    let theme = content::load_theme(&options.root, &mut out.diagnostics)?;
    done(timer);
    let timer = stage(Stage::Library);
    let library_options = library::LibraryOptions {
        selection: options.selection,
        plain_code: bodies.plain_code,
        defer_bodies: bodies.defer,
    };
    let library = library::build_library_with(
        content,
        &config,
        library_options,
        &mut out.diagnostics,
        renderer,
    );
    done(timer);
    let templates = render::load_templates(&theme, &mut out.diagnostics);
    out.site = templates.map(|templates| Site::new(config, library, theme, templates));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Writes `text` to `rel` under `root`, making its folders.
    pub(crate) fn write_file(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Every incident body's HTML and every problem of a load of `root`, its bodies
    /// held (`defer` false) or read from their files again for their pages.
    fn bodies(root: &Path, public_only: bool, defer: bool) -> (Vec<String>, Vec<String>) {
        let options = BuildOptions {
            root: root.to_path_buf(),
            selection: Selection {
                public_only,
                ..Selection::default()
            },
            ..BuildOptions::default()
        };
        let bodies = Bodies {
            plain_code: false,
            defer,
        };
        let loaded = load_site(
            &options,
            &(),
            &mut content::Fresh,
            &mut library::Fresh,
            bodies,
        )
        .unwrap();
        let library = &loaded.site.as_ref().unwrap().library;
        let html = (library.incidents.ids())
            .map(|n| library.body_html(n).unwrap().into_owned())
            .collect();
        (html, problems(&loaded))
    }

    /// Every problem of a load, in order, as printed.
    pub(crate) fn problems(loaded: &Loaded) -> Vec<String> {
        (loaded.diagnostics.sorted().iter())
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn bodies_read_again_for_their_pages_are_the_bodies_held() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| write_file(root, rel, text);
        write(
            "debrief.toml",
            "title = \"Again\"\ndefault_severity = \"minor\"\ndefault_visibility = \"public\"\n",
        );
        // A byte-order mark, a title from the first heading, an internal section,
        // code to highlight, a link to another incident; plain Markdown with no
        // front-matter.
        write(
            "content/incidents/a.md",
            "\u{feff}---\ndate: 2024-01-02\nseverity: minor\n---\nIntro.\n\n# The title\n\n<!-- internal -->\nSecret.\n<!-- /internal -->\n\n```yaml\nkey: value\n```\n\nSee [b](b.md).\n",
        );
        write(
            "content/incidents/2024-02-03-c.md",
            "# C from its heading\n\nText of c, with **bold**.\n",
        );
        write(
            "content/incidents/b.md",
            "---\ntitle: B\ndate: 2024-01-03\nseverity: minor\n---\r\n## Cause\r\n\r\nCRLF text.\r\n",
        );
        for public in [false, true] {
            let held = bodies(root, public, false);
            let again = bodies(root, public, true);
            assert_eq!(held, again, "public: {public}");
            assert_eq!(held.0.len(), 3, "{:?}", held.1);
            assert_eq!(
                held.0.iter().any(|h| h.contains("Secret.")),
                !public,
                "{:?}",
                held.0
            );
            assert!(
                held.0.iter().all(|h| !h.contains("The title")),
                "{:?}",
                held.0
            );
        }
    }

    #[test]
    fn a_body_that_changed_since_the_library_read_it_is_an_error_on_its_page() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let path = root.join("content/incidents/a.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(root.join("debrief.toml"), "title = \"Changed\"\n").unwrap();
        let incident =
            |body: &str| format!("---\ntitle: A\ndate: 2024-01-02\nseverity: minor\n---\n{body}");
        std::fs::write(&path, incident("Before.\n")).unwrap();
        let options = BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        };
        let loaded = load(&options, &()).unwrap();
        let library = &loaded.site.as_ref().unwrap().library;
        let n = library.incidents.ids().next().unwrap();
        assert!(library.body_html(n).unwrap().contains("Before."));

        std::fs::write(&path, incident("After.\n")).unwrap();
        let error = library.body_html(n).unwrap_err();
        assert!(
            error.contains("changed while the site was building"),
            "{error}"
        );
        std::fs::remove_file(&path).unwrap();
        let error = library.body_html(n).unwrap_err();
        assert!(error.contains("cannot read the file again"), "{error}");
    }
}
