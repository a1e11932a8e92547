//! A site that `serve` renders as it is asked for: built from a loaded library
//! and its templates, it knows every path of the site at once but renders a page
//! only when a request or the full check ([`OnDemand::render_all`]) needs it, and
//! keeps it until the next rebuild. Every page comes from the same
//! [`SiteRenderer`] as `debrief build`, so the bytes are the same.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};

use crate::diag::Diagnostics;
use crate::render::{PageFailure, SiteRenderer, report_failures};
use crate::site::Site;

use super::live::{Files, Read};

/// What makes the file at a path.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A template page, by its number.
    Page(usize),
    /// One of the files that need no template.
    Data,
    /// A file of `content/` that a page links, by its number in the library.
    Copy(usize),
}

/// The files that need no template, made together, and what went wrong making them.
#[derive(Debug)]
struct DataFiles {
    files: HashMap<String, Vec<u8>>,
    diagnostics: Diagnostics,
}

/// One build's site, rendered page by page as it is wanted.
#[derive(Debug)]
pub struct OnDemand {
    site: Site,
    paths: HashMap<String, Source>,
    pages: Vec<OnceLock<Result<Vec<u8>, Box<PageFailure>>>>,
    data: OnceLock<DataFiles>,
    /// Set when a newer build replaces this one: the full check stops.
    cancelled: AtomicBool,
    /// Whether the full check is over (done or given up).
    checked: Mutex<bool>,
    checked_changed: Condvar,
}

impl OnDemand {
    /// A loaded site, nothing rendered yet.
    pub fn new(site: Site) -> OnDemand {
        // Before any page asks for them, from any thread (see `Library::find_lists`).
        site.library.find_lists();
        let mut site = OnDemand {
            site,
            paths: HashMap::new(),
            pages: Vec::new(),
            data: OnceLock::new(),
            cancelled: AtomicBool::new(false),
            checked: Mutex::new(false),
            checked_changed: Condvar::new(),
        };
        let renderer = site.renderer();
        let count = renderer.page_count();
        // Later files replace earlier ones of the same path, as in a built site.
        let mut paths: HashMap<String, Source> = (0..count)
            .map(|i| (renderer.page_path(i), Source::Page(i)))
            .collect();
        paths.extend(
            (site.site.library.files.iter().enumerate())
                .map(|(i, file)| (file.rel.clone(), Source::Copy(i))),
        );
        paths.extend(
            renderer
                .data_paths()
                .into_iter()
                .map(|path| (path, Source::Data)),
        );
        site.paths = paths;
        site.pages = (0..count).map(|_| OnceLock::new()).collect();
        site
    }

    /// The site it serves.
    pub fn site(&self) -> &Site {
        &self.site
    }

    fn renderer(&self) -> SiteRenderer<'_> {
        self.site.renderer()
    }

    /// How many template pages the site has.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page(&self, i: usize) -> &Result<Vec<u8>, Box<PageFailure>> {
        self.pages[i].get_or_init(|| {
            // A panic here would take a request thread, and with it the server, down.
            let renderer = self.renderer();
            std::panic::catch_unwind(AssertUnwindSafe(|| renderer.render_page(i)))
                .unwrap_or_else(|_| {
                    let location = renderer.page_path(i);
                    Err(Box::new(PageFailure::internal(&location)))
                })
                .map(|file| file.bytes)
        })
    }

    fn data(&self) -> &DataFiles {
        self.data.get_or_init(|| {
            let mut diagnostics = Diagnostics::default();
            let renderer = self.renderer();
            let files = std::iter::once(renderer.export_file())
                .chain(renderer.data_files(&mut diagnostics))
                .map(|file| (file.path, file.bytes))
                .collect();
            DataFiles { files, diagnostics }
        })
    }

    /// Renders every page not rendered yet, one at a time, and reports what
    /// `debrief build` would report about rendering. `None` when a newer build
    /// cancelled it first.
    pub fn render_all(&self) -> Option<Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut failures = Vec::new();
        for i in 0..self.pages.len() {
            if self.cancelled.load(Ordering::Relaxed) {
                return None;
            }
            if let Err(failure) = self.page(i) {
                failures.push(PageFailure::clone(failure));
            }
        }
        report_failures(failures, &mut diags);
        diags.extend(self.data().diagnostics.clone());
        Some(diags)
    }

    /// Stops [`OnDemand::render_all`] at the next page.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Tells whoever waits in [`OnDemand::wait_checked`] that the full check is over.
    pub fn mark_checked(&self) {
        *self.checked.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.checked_changed.notify_all();
    }
}

impl Files for OnDemand {
    fn contains(&self, path: &str) -> bool {
        self.paths.contains_key(path)
    }

    fn read(&self, path: &str) -> Read {
        match self.paths.get(path) {
            None => Read::Missing,
            Some(Source::Page(i)) => match self.page(*i) {
                Ok(bytes) => Read::File(bytes.clone()),
                Err(_) => Read::Broken,
            },
            Some(Source::Data) => match self.data().files.get(path) {
                Some(bytes) => Read::File(bytes.clone()),
                None => Read::Broken,
            },
            // Read afresh, so that a file saved again is served as it is now.
            Some(Source::Copy(i)) => match std::fs::read(&self.site.library.files[*i].source) {
                Ok(bytes) => Read::File(bytes),
                Err(_) => Read::Broken,
            },
        }
    }

    fn wait_checked(&self) {
        let checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        let _done = self
            .checked_changed
            .wait_while(checked, |done| !*done)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuildOptions;

    #[test]
    fn every_file_is_the_file_a_build_makes() {
        // The demo library of the repository: incidents, pages, code, every template.
        let options = BuildOptions {
            root: env!("CARGO_MANIFEST_DIR").into(),
            base_url: Some("http://127.0.0.1:1111/".into()),
            ..BuildOptions::default()
        };
        let plan = crate::build(&options)
            .unwrap()
            .plan
            .expect("the demo site builds");
        let loaded = crate::load(&options, &()).unwrap();
        let site = OnDemand::new(loaded.site.expect("the demo site loads"));
        // Asked for in the reverse order, before the full render.
        for file in plan.files.iter().rev() {
            assert!(site.contains(&file.path), "{}", file.path);
            assert_eq!(
                site.read(&file.path),
                Read::File(file.bytes.clone()),
                "{}",
                file.path
            );
        }
        assert_eq!(site.paths.len(), plan.files.len());
        assert_eq!(site.read("no/such/file.html"), Read::Missing);
        assert!(!site.render_all().unwrap().has_errors());
    }
}
