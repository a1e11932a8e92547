//! A loaded site: its config, its library, its templates and its own theme files,
//! everything rendering needs and nothing it made. Loading produces one; `build`
//! writes its files ([`crate::output::write`]), `check` renders them into nothing
//! ([`Site::check`]) and `serve` renders each page when it is asked for.

use std::sync::OnceLock;

use crate::config::Config;
use crate::content::SiteTheme;
use crate::diag::Diagnostics;
use crate::library::Library;
use crate::progress::Progress;
use crate::render::{self, Plan, Prepared, SiteFile, SiteRenderer, Templates};

/// A site ready to render.
#[derive(Debug)]
pub struct Site {
    /// The config, validated.
    pub config: Config,
    /// The incidents and their indexes.
    pub library: Library,
    /// The site's own templates and static files.
    pub theme: SiteTheme,
    /// Every template, built-in and the site's.
    pub templates: Templates,
    /// What every page shares, made the first time a page is wanted.
    prepared: OnceLock<Prepared>,
}

impl Site {
    /// The site of a library and its templates; nothing is rendered yet.
    pub fn new(config: Config, library: Library, theme: SiteTheme, templates: Templates) -> Site {
        Site {
            config,
            library,
            theme,
            templates,
            prepared: OnceLock::new(),
        }
    }

    /// The renderer of every file of the site.
    pub fn renderer(&self) -> SiteRenderer<'_> {
        let prepared = self
            .prepared
            .get_or_init(|| Prepared::new(&self.library, &self.config));
        self.renderer_of(prepared)
    }

    fn renderer_of<'s>(&'s self, prepared: &'s Prepared) -> SiteRenderer<'s> {
        SiteRenderer::new(
            &self.library,
            &self.config,
            &self.theme,
            &self.templates,
            prepared,
        )
    }

    /// Hands every file of the site to `take` as it is made, pages in parallel; a
    /// page that fails to render is reported in `diags` instead.
    pub fn render_each(
        &self,
        progress: &dyn Progress,
        diags: &mut Diagnostics,
        take: &(dyn Fn(SiteFile<'_>) -> render::Rendered + Sync),
    ) {
        render::render_each(&self.renderer(), progress, diags, take);
    }

    /// Every file of the site, in memory.
    pub fn render_plan(&self, progress: &dyn Progress, diags: &mut Diagnostics) -> Plan {
        let files = std::sync::Mutex::new(Vec::new());
        self.render_each(progress, diags, &|file| {
            let file = file.into_output()?;
            files
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(file);
            Ok(())
        });
        let mut plan = Plan {
            files: files
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        };
        plan.sort();
        plan
    }

    /// Finds what rendering would report, making nothing: only the pages whose
    /// template is, extends, includes or imports one of the site's own templates
    /// are rendered, since the built-in templates render any library that loads
    /// without error (the tests hold them to it); no search index, export or assets.
    pub fn check(&self, progress: &dyn Progress, diags: &mut Diagnostics) {
        let prepared =
            render::prepared_for_check(&self.library, &self.config, &self.theme, &self.templates);
        render::check_pages(&self.renderer_of(&prepared), progress, diags);
    }
}
