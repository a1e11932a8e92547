//! `debrief serve`: build with a local base URL, serve the site from memory, watch
//! the sources and rebuild on every change, reloading the open browser tabs. A
//! change that breaks the build keeps the last good site served, with the report
//! shown over it; nothing is written to disk.
//!
//! A rebuild loads the content and builds the library (Markdown bodies that did
//! not change come from the previous build), then publishes the site at once:
//! pages render when they are asked for, while a background thread renders all
//! the others to find template failures. A site with a page that does not render
//! is taken back for the last one that built, as for any other error.

use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use clap::Args as ClapArgs;

use crate::cmd::SelectionArgs;
use crate::ui::Ui;
use debrief::BuildOptions;
use debrief::diag::{Diagnostic, Diagnostics, Location};
use debrief::error::Result;
use debrief::progress::{Progress, Stage};
use debrief::serve::watch::Watcher;
use debrief::serve::{Files, LiveSite, OnDemand, Server};

/// Flags of `debrief serve`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 1111)]
    pub(crate) port: u16,
    /// The address to listen on; 0.0.0.0 makes the preview reachable from other machines.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub(crate) bind: String,
    /// Open the site in a browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// Which incidents to include.
    #[command(flatten)]
    pub(crate) selection: SelectionArgs,
}

/// Builds, serves, and rebuilds on every change until the process is stopped.
///
/// `--quiet` leaves the address and the problems; `--verbose` adds, after each
/// rebuild, the time it took to render every page.
pub(crate) fn run(root: &Path, args: &Args, ui: Ui) -> Result<ExitCode> {
    let site = Arc::new(LiveSite::new());
    let address = if args.bind.contains(':') && !args.bind.starts_with('[') {
        format!("[{}]:{}", args.bind, args.port)
    } else {
        format!("{}:{}", args.bind, args.port)
    };
    let server = Server::bind(&address, Arc::clone(&site))?;
    let local = server.local_addr();
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else if local.is_ipv6() {
        format!("[{}]", local.ip())
    } else {
        local.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", local.port());
    let options = BuildOptions {
        root: root.to_path_buf(),
        base_url: Some(base_url.clone()),
        selection: args.selection.into(),
    };
    // Watching starts before the first build, so an edit made during it is not missed.
    let mut watcher = Watcher::new(root)?;
    let mut cache = debrief::serve::cache::LoadCache::new();
    // An environment failure (no content/ folder) stops here; content errors do not.
    let started = Instant::now();
    let checks = Checks::start(Arc::clone(&site), ui);
    let clock = StageClock::default();
    let first = debrief::load_with(&options, &clock, &mut cache.files, &mut cache.bodies)?;
    let mut current = publish(&site, &checks, first, (started, &clock), "built", ui);
    ui.alert(format_args!(
        "serving {} at {base_url} (Ctrl-C to stop)",
        root.display()
    ));
    if args.open {
        open_browser(&base_url, ui);
    }
    std::thread::spawn(move || {
        while let Some(changed) = watcher.next_change() {
            // The pages of the site being replaced are no longer worth checking.
            let previous = current.take();
            if let Some(previous) = &previous {
                previous.cancel();
            }
            let started = Instant::now();
            ui.info(format_args!("changed: {}", changed.join(", ")));
            // Read again whatever their stamps say.
            cache.files.forget(&changed);
            let clock = StageClock::default();
            match debrief::load_with(&options, &clock, &mut cache.files, &mut cache.bodies) {
                Ok(loaded) => {
                    if let (Some(built), Some(previous)) = (&loaded.site, &previous) {
                        built.library.reuse_from(&previous.site().library);
                    }
                    drop(previous);
                    current = publish(&site, &checks, loaded, (started, &clock), "rebuilt", ui);
                }
                Err(e) => {
                    ui.alert(format_args!("error: {e}"));
                    site.fail(format!("error: {e}"));
                }
            }
        }
    });
    server.run();
    Ok(ExitCode::SUCCESS)
}

/// Prints a loaded site's problems and hands it to the server, to be checked in
/// full by `checks`; or, when it has errors, the report to show over the last good
/// site. Returns the site published.
fn publish(
    site: &LiveSite,
    checks: &Checks,
    loaded: debrief::Loaded,
    (started, clock): (Instant, &StageClock),
    verb: &str,
    ui: Ui,
) -> Option<Arc<OnDemand>> {
    let debrief::Loaded {
        diagnostics,
        site: loaded_site,
    } = loaded;
    let Some(loaded_site) = loaded_site.filter(|_| !diagnostics.has_errors()) else {
        ui.diagnostics(&diagnostics);
        fail(site, &diagnostics, ui);
        return None;
    };
    let loaded_in = started.elapsed();
    let pages = Arc::new(OnDemand::new(loaded_site));
    let replaced = site.publish_unchecked(Arc::clone(&pages) as Arc<dyn Files>);
    let published_in = started.elapsed();
    // Printed once the browser has been told to reload: a large library's warnings
    // take a while to print, and they are the same as before the edit but for it.
    ui.diagnostics(&diagnostics);
    ui.info(format_args!(
        "{verb} in {} ms ({}, pages {} ms); its {} pages render as they are asked for",
        published_in.as_millis(),
        clock.summary(),
        (published_in - loaded_in).as_millis(),
        pages.page_count(),
    ));
    checks.check(Check {
        pages: Arc::clone(&pages),
        diagnostics,
        started: Instant::now(),
        replaced,
    });
    Some(pages)
}

/// The time of each stage of a load, for the line printed after it.
#[derive(Default)]
struct StageClock {
    stages: Mutex<Vec<(Stage, Duration)>>,
}

impl StageClock {
    /// `content 80 ms, library 40 ms`: the stages that took a millisecond or more.
    fn summary(&self) -> String {
        let stages = self.stages.lock().unwrap_or_else(PoisonError::into_inner);
        let parts: Vec<String> = stages
            .iter()
            .filter(|(_, took)| took.as_millis() > 0)
            .map(|(stage, took)| format!("{} {} ms", stage.name(), took.as_millis()))
            .collect();
        parts.join(", ")
    }
}

impl Progress for StageClock {
    fn stage_done(&self, stage: Stage, took: Duration) {
        self.stages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((stage, took));
    }
}

fn fail(site: &LiveSite, diagnostics: &Diagnostics, ui: Ui) {
    site.fail(failure_report(diagnostics));
    ui.alert(format_args!(
        "the build failed; still serving the last site that built"
    ));
}

/// A published site to check, with the problems its load found and the site it
/// replaced (freed by the checking thread).
struct Check {
    pages: Arc<OnDemand>,
    diagnostics: Diagnostics,
    started: Instant,
    replaced: Option<Arc<dyn Files>>,
}

/// The thread that renders every page of each published site, one site at a
/// time, and confirms or rejects the site.
struct Checks {
    sender: mpsc::Sender<Check>,
}

impl Checks {
    fn start(site: Arc<LiveSite>, ui: Ui) -> Checks {
        let (sender, receiver) = mpsc::channel::<Check>();
        std::thread::spawn(move || {
            for check in receiver {
                let Check {
                    pages,
                    mut diagnostics,
                    started,
                    replaced,
                } = check;
                // Freeing the site replaced takes a while for a large one: here, it
                // does not hold up the reload.
                drop(replaced);
                let files: Arc<dyn Files> = Arc::clone(&pages) as Arc<dyn Files>;
                let rendered =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pages.render_all()));
                match rendered.unwrap_or_else(|_| {
                    let mut internal = Diagnostics::default();
                    internal.push(Diagnostic::error(
                        Location::file(debrief::content::CONTENT_DIR),
                        "rendering the site stopped on an internal error",
                    ));
                    Some(internal)
                }) {
                    // A newer site replaced it: that one gets checked instead.
                    None => {}
                    Some(rendering) if rendering.has_errors() => {
                        ui.diagnostics(&rendering);
                        diagnostics.extend(rendering);
                        site.reject(&files, failure_report(&diagnostics));
                        ui.alert(format_args!(
                            "the build failed; still serving the last site that built"
                        ));
                    }
                    Some(rendering) => {
                        ui.diagnostics(&rendering);
                        site.confirm(&files);
                        ui.detail(format_args!(
                            "rendered all {} pages in {} ms",
                            pages.page_count(),
                            started.elapsed().as_millis()
                        ));
                    }
                }
                pages.mark_checked();
            }
        });
        Checks { sender }
    }

    fn check(&self, check: Check) {
        // The thread only ends with the process.
        let _ = self.sender.send(check);
    }
}

/// The text the browser overlay shows: every problem as the terminal shows it.
fn failure_report(diags: &Diagnostics) -> String {
    diags.to_string().trim_end().to_string()
}

/// Opens the site in the default browser (`$BROWSER` when it is set); the opener
/// is reaped in the background, so it never lingers as a zombie.
fn open_browser(url: &str, ui: Ui) {
    if opener::open_browser(url).is_err() {
        ui.alert(format_args!("could not open a browser; visit {url}"));
    }
}
