//! Debrief turns a folder of Markdown postmortems into a static website: an
//! incident library browsed by severity, by component and by lesson.
//!
//! The pipeline runs one way:
//! `content` (load files) → `library` (model and indexes, with `markdown`
//! rendering bodies) → `render` (templates into a `Plan`) → `output` (write).
//! [`build`] runs the first three; commands decide whether to write.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diag;
pub mod embedded;
pub mod error;
pub mod library;
pub mod markdown;
pub mod output;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod slug;

use std::path::PathBuf;
use std::time::Instant;

use config::Config;
use diag::Diagnostics;
use error::Result;
use library::{Library, Selection};
use progress::{Progress, Stage};
use render::Plan;

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

/// What the pipeline runs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Make every file of the site.
    Build,
    /// Find every problem and make nothing: code blocks are not highlighted and only
    /// the pages that involve the site's own templates are rendered (see
    /// [`render::check_site`]).
    Check,
}

/// The result of running the pipeline.
#[derive(Debug, Default)]
pub struct Build {
    /// Every problem found.
    pub diagnostics: Diagnostics,
    /// The site, when there was no error.
    pub plan: Option<Plan>,
    /// The library, when the content could be loaded.
    pub library: Option<Library>,
    /// The config, when it was valid.
    pub config: Option<Config>,
}

/// Loads, checks and renders a site without writing anything. Content problems are
/// diagnostics; only environment failures (no `content/`, unreadable files) are errors.
pub fn build(options: &BuildOptions) -> Result<Build> {
    build_with_progress(options, &())
}

/// [`build`], telling `progress` as each stage starts and ends and as pages render.
pub fn build_with_progress(options: &BuildOptions, progress: &dyn Progress) -> Result<Build> {
    build_into(options, progress, &render::keep)
}

/// [`build_with_progress`], handing every output file to `sink` as soon as it is
/// rendered; the plan keeps only the files that `sink` gives back. A sink that takes
/// the files must not publish them before the build has turned out free of errors.
pub fn build_into(
    options: &BuildOptions,
    progress: &dyn Progress,
    sink: &dyn render::Sink,
) -> Result<Build> {
    run(options, Purpose::Build, progress, sink)
}

/// Loads and checks a site as [`build`] does, reporting the same problems, without
/// making the site: the result has no plan.
pub fn check(options: &BuildOptions, progress: &dyn Progress) -> Result<Build> {
    run(options, Purpose::Check, progress, &render::discard)
}

fn run(
    options: &BuildOptions,
    purpose: Purpose,
    progress: &dyn Progress,
    sink: &dyn render::Sink,
) -> Result<Build> {
    let loaded = load(
        options,
        purpose,
        progress,
        &mut content::Fresh,
        &mut library::Fresh,
    )?;
    let mut out = Build {
        diagnostics: loaded.diagnostics,
        plan: None,
        library: loaded.library,
        config: loaded.config,
    };
    if let (Some(library), Some(config), Some(theme), Some(templates)) =
        (&out.library, &out.config, &loaded.theme, &loaded.templates)
    {
        progress.stage_started(Stage::Render);
        let started = Instant::now();
        match purpose {
            Purpose::Build => {
                let plan = render::render_site_with_progress(
                    library,
                    config,
                    theme,
                    templates,
                    &mut out.diagnostics,
                    progress,
                    sink,
                );
                if !out.diagnostics.has_errors() {
                    out.plan = Some(plan);
                }
            }
            Purpose::Check => {
                render::check_site(
                    library,
                    config,
                    theme,
                    templates,
                    &mut out.diagnostics,
                    progress,
                );
            }
        }
        progress.stage_done(Stage::Render, started.elapsed());
    }
    Ok(out)
}

/// A site loaded and checked up to its templates, nothing rendered yet.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every problem found so far.
    pub diagnostics: Diagnostics,
    /// The config, when it was valid.
    pub config: Option<Config>,
    /// The library, when the content could be loaded.
    pub library: Option<Library>,
    /// The site's own templates and static files, when the content could be loaded.
    pub theme: Option<render::SiteTheme>,
    /// The templates, when the library was built and none is broken.
    pub templates: Option<render::Templates>,
}

/// Runs the pipeline up to rendering: config, content, theme, library, templates.
/// Each file is parsed through `parser` and each body rendered through `renderer`:
/// [`content::Fresh`] and [`library::Fresh`] do it afresh, `serve`'s caches reuse
/// what has not changed since the previous load.
pub fn load(
    options: &BuildOptions,
    purpose: Purpose,
    progress: &dyn Progress,
    parser: &mut dyn content::ParseFile,
    renderer: &mut dyn library::RenderBody,
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
        // A check keeps no HTML, so its code blocks need no highlighting.
        plain_code: purpose == Purpose::Check,
    };
    let library = library::build_library_with(
        content,
        &config,
        library_options,
        &mut out.diagnostics,
        renderer,
    );
    done(timer);
    out.templates = render::load_templates(&theme, &mut out.diagnostics);
    out.theme = Some(theme);
    out.library = Some(library);
    out.config = Some(config);
    Ok(out)
}
