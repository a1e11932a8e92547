//! How a build reports its progress: the stages it goes through and the pages it
//! renders. The library only calls a [`Progress`]; the command layer decides what,
//! if anything, to show (a progress bar, a list of stages with timings, nothing).

use std::time::Duration;

/// A stage of the pipeline, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking `debrief.toml`.
    Config,
    /// Reading and parsing every Markdown file of `content/`.
    Content,
    /// Reading the site's `templates/` and `static/`.
    Theme,
    /// Building the library: names, indexes, lessons, Markdown bodies.
    Library,
    /// Rendering every page through the templates.
    Render,
    /// Writing the output folder (run by the command, after the pipeline).
    Write,
}

impl Stage {
    /// A short lowercase name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Config => "config",
            Stage::Content => "content",
            Stage::Theme => "theme",
            Stage::Library => "library",
            Stage::Render => "render",
            Stage::Write => "write",
        }
    }
}

/// Hears how a build goes. Every method does nothing by default; `()` ignores all.
/// Pages render in parallel, so implementations must be `Sync`.
pub trait Progress: Sync {
    /// A stage begins.
    fn stage_started(&self, _stage: Stage) {}
    /// A stage is done after `took`.
    fn stage_done(&self, _stage: Stage, _took: Duration) {}
    /// Rendering begins: `pages` pages are to be rendered.
    fn render_started(&self, _pages: usize) {}
    /// One more page is rendered.
    fn page_rendered(&self) {}
}

impl Progress for () {}
