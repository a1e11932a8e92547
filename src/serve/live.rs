//! The site as `serve` shows it: the last site that built (a finished plan, or
//! pages rendered as they are asked for), the report of the last build when it
//! failed, and a generation number that moves on every rebuild. Request threads read it; the rebuild loop replaces it and wakes
//! the event streams. Also the live-reload snippet that goes into served HTML
//! (never into a built site) and the server-sent events that drive it.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::html::escape_html;
use crate::render::Plan;

/// The browser side of live reload, put into every HTML page that `serve` answers.
const RELOAD_SCRIPT: &str = include_str!("reload.js");

/// Where the browser listens for rebuilds.
pub(crate) const EVENTS_PATH: &str = "/__debrief/events";

/// What a site answers for one of its paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// The file's bytes.
    File(Vec<u8>),
    /// The site has no such file.
    Missing,
    /// The file could not be made (a template failed on that page): the site
    /// will turn out not to build.
    Broken,
}

/// The files of a served site, by path under the output root.
pub trait Files: fmt::Debug + Send + Sync {
    /// Whether the site has a file at `path`.
    fn contains(&self, path: &str) -> bool;
    /// The file at `path`.
    fn read(&self, path: &str) -> Read;
    /// Returns once the site is known to build or not (at once for a finished site).
    fn wait_checked(&self) {}
}

impl Files for Plan {
    fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    fn read(&self, path: &str) -> Read {
        match self.get(path) {
            Some(file) => Read::File(file.bytes.clone()),
            None => Read::Missing,
        }
    }
}

/// What is served right now.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The last site that built, if any did.
    pub site: Option<Arc<dyn Files>>,
    /// The report of the last build when it failed (what the overlay shows).
    pub failure: Option<Arc<str>>,
    /// Moves on with every build, good or bad; starts at 0 before the first.
    pub generation: u64,
}

#[derive(Debug, Default)]
struct State {
    snapshot: Snapshot,
    /// The last site known to build in full, to fall back on.
    last_good: Option<Arc<dyn Files>>,
    closed: bool,
}

/// The served site, shared between the request threads and the rebuild loop.
#[derive(Debug, Default)]
pub struct LiveSite {
    state: Mutex<State>,
    changed: Condvar,
}

impl LiveSite {
    /// A site with nothing built yet.
    pub fn new() -> LiveSite {
        LiveSite::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is replaced whole, so a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Serves `plan` from now on and tells the browsers to reload.
    pub fn publish(&self, plan: Plan) {
        let site: Arc<dyn Files> = Arc::new(plan);
        let replaced = self.publish_unchecked(Arc::clone(&site));
        self.confirm(&site);
        drop(replaced);
    }

    /// Serves `site` from now on and tells the browsers to reload, before it is
    /// known whether every page of it renders: [`LiveSite::confirm`] or
    /// [`LiveSite::reject`] says so later. Returns the site it replaces, so that
    /// the caller decides where a large site's memory is given back.
    pub fn publish_unchecked(&self, site: Arc<dyn Files>) -> Option<Arc<dyn Files>> {
        let mut state = self.lock();
        let generation = state.snapshot.generation + 1;
        let replaced = std::mem::replace(
            &mut state.snapshot,
            Snapshot {
                site: Some(site),
                failure: None,
                generation,
            },
        );
        self.changed.notify_all();
        replaced.site
    }

    /// `site` builds in full: it is the one to fall back on from now on.
    pub fn confirm(&self, site: &Arc<dyn Files>) {
        let mut state = self.lock();
        state.last_good = Some(Arc::clone(site));
    }

    /// `site` does not build: if it is still served, the last site that built is
    /// served again (or none) with `report` shown over it.
    pub fn reject(&self, site: &Arc<dyn Files>, report: String) {
        let mut state = self.lock();
        let current = state.snapshot.site.as_ref();
        if !current.is_some_and(|c| Arc::ptr_eq(c, site)) {
            return;
        }
        state.snapshot.site = state.last_good.clone();
        state.snapshot.failure = Some(Arc::from(report));
        state.snapshot.generation += 1;
        self.changed.notify_all();
    }

    /// Keeps serving the last good plan and shows `report` over it in the browsers.
    pub fn fail(&self, report: String) {
        let mut state = self.lock();
        state.snapshot.failure = Some(Arc::from(report));
        state.snapshot.generation += 1;
        self.changed.notify_all();
    }

    /// What is served right now.
    pub fn snapshot(&self) -> Snapshot {
        self.lock().snapshot.clone()
    }

    /// Waits until the generation is past `seen`, at most `timeout`. Returns the new
    /// snapshot, the same generation again on a timeout, or `None` once closed.
    pub fn wait_past(&self, seen: u64, timeout: Duration) -> Option<Snapshot> {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| {
                !s.closed && s.snapshot.generation <= seen
            })
            .unwrap_or_else(PoisonError::into_inner);
        (!state.closed).then(|| state.snapshot.clone())
    }

    /// Ends every event stream; used when the server stops.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

/// The snippet put before `</body>`: the overlay when the last build failed, and
/// the script that listens for rebuilds.
pub(crate) fn reload_snippet(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    if let Some(report) = &snapshot.failure {
        out.push_str(&overlay_html(report));
    }
    out.push_str(&format!(
        "<script data-debrief-generation=\"{}\" data-debrief-events=\"{EVENTS_PATH}\">\n{RELOAD_SCRIPT}</script>\n",
        snapshot.generation
    ));
    out
}

/// The overlay that shows a failed build's report over the page. The script builds
/// the same element when a failure arrives while the page is open.
fn overlay_html(report: &str) -> String {
    format!(
        "<div id=\"debrief-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:rgba(20,20,24,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace\"><p style=\"margin:0 0 1rem;color:#ff8a80;font-weight:bold\">The site does not build; showing the last version that did.</p><pre style=\"margin:0;white-space:pre-wrap\">{}</pre></div>\n",
        escape_html(report)
    )
}

/// Puts the snippet before the last `</body>` (any case), or at the end.
pub(crate) fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let needle = b"</body";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page answered for every HTML request while no build has succeeded yet.
pub(crate) fn no_site_page(snapshot: &Snapshot) -> Vec<u8> {
    let text = if snapshot.site.is_none() && snapshot.failure.is_none() {
        "The site is being built; this page reloads when it is ready."
    } else {
        "The site does not build yet."
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>debrief serve</title></head>\n<body><p>{text}</p>\n</body></html>\n"
    );
    inject(html.as_bytes(), &reload_snippet(snapshot))
}

/// One server-sent event telling the browser what the snapshot means for it.
/// `first` is the greeting on a new stream, which carries the generation so that
/// a page built before a missed rebuild can tell it is stale.
pub(crate) fn event_for(snapshot: &Snapshot, first: bool) -> String {
    let mut out = String::new();
    match &snapshot.failure {
        Some(report) => {
            out.push_str("event: failure\n");
            for line in report.lines() {
                out.push_str("data: ");
                out.push_str(line);
                out.push('\n');
            }
        }
        None => {
            out.push_str(if first {
                "event: ready\n"
            } else {
                "event: reload\n"
            });
            out.push_str(&format!("data: {}\n", snapshot.generation));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputFile;

    fn plan(text: &str) -> Plan {
        Plan {
            files: vec![OutputFile {
                path: "index.html".into(),
                bytes: text.as_bytes().to_vec(),
            }],
        }
    }

    #[test]
    fn publish_and_fail_move_the_generation_and_keep_the_last_plan() {
        let site = LiveSite::new();
        assert_eq!(site.snapshot().generation, 0);
        site.publish(plan("one"));
        site.fail("error: content/x.md:3:1: broken".into());
        let snapshot = site.snapshot();
        assert_eq!(snapshot.generation, 2);
        assert_eq!(
            snapshot.site.unwrap().read("index.html"),
            Read::File(b"one".to_vec())
        );
        assert_eq!(
            snapshot.failure.as_deref(),
            Some("error: content/x.md:3:1: broken")
        );
        site.publish(plan("two"));
        let snapshot = site.snapshot();
        assert!(snapshot.failure.is_none());
        assert_eq!(snapshot.generation, 3);
    }

    #[test]
    fn a_rejected_site_gives_way_to_the_last_one_that_built() {
        let read = |site: &LiveSite| site.snapshot().site.map(|s| s.read("index.html"));
        let site = LiveSite::new();
        let never: Arc<dyn Files> = Arc::new(plan("never builds"));
        site.publish_unchecked(Arc::clone(&never));
        site.reject(&never, "error: templates/a.html: broken".into());
        // Nothing built yet: nothing is served, the report is.
        assert_eq!(read(&site), None);
        assert_eq!(site.snapshot().generation, 2);

        site.publish(plan("one"));
        let two: Arc<dyn Files> = Arc::new(plan("two"));
        assert!(site.publish_unchecked(Arc::clone(&two)).is_some());
        assert_eq!(read(&site), Some(Read::File(b"two".to_vec())));
        site.reject(&two, "error: templates/b.html: broken".into());
        let snapshot = site.snapshot();
        assert_eq!(snapshot.generation, 5);
        assert_eq!(
            snapshot.failure.as_deref(),
            Some("error: templates/b.html: broken")
        );
        assert_eq!(read(&site), Some(Read::File(b"one".to_vec())));

        // A verdict on a site no longer served changes nothing.
        let three: Arc<dyn Files> = Arc::new(plan("three"));
        site.publish_unchecked(Arc::clone(&three));
        site.reject(&two, "stale".into());
        assert!(site.snapshot().failure.is_none());
        site.confirm(&three);
        let four: Arc<dyn Files> = Arc::new(plan("four"));
        site.publish_unchecked(Arc::clone(&four));
        site.reject(&four, "error: x".into());
        assert_eq!(read(&site), Some(Read::File(b"three".to_vec())));
    }

    #[test]
    fn waiting_wakes_on_change_and_on_close() {
        let site = Arc::new(LiveSite::new());
        let waiter = {
            let site = Arc::clone(&site);
            std::thread::spawn(move || site.wait_past(0, Duration::from_secs(60)))
        };
        site.publish(plan("x"));
        assert_eq!(waiter.join().unwrap().unwrap().generation, 1);
        assert_eq!(
            site.wait_past(1, Duration::from_millis(1))
                .unwrap()
                .generation,
            1
        );
        site.close();
        assert!(site.wait_past(1, Duration::from_secs(60)).is_none());
    }

    #[test]
    fn snippet_goes_before_the_last_body_end_and_escapes_the_report() {
        let snapshot = Snapshot {
            site: None,
            failure: Some(Arc::from("error: content/<b>.md:1:1: bad & \"worse\"")),
            generation: 7,
        };
        let out = inject(b"<p>a</p></BODY></html>", &reload_snippet(&snapshot));
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("<p>a</p><div id=\"debrief-overlay\""),
            "{out}"
        );
        assert!(out.contains("error: content/&lt;b&gt;.md:1:1: bad &amp; &quot;worse&quot;"));
        assert!(out.contains("data-debrief-generation=\"7\""));
        assert!(out.ends_with("</script>\n</BODY></html>"));
        let bare = String::from_utf8(inject(b"plain", "<s>")).unwrap();
        assert_eq!(bare, "plain<s>");
    }

    #[test]
    fn events_carry_the_generation_or_every_line_of_the_report() {
        let mut snapshot = Snapshot {
            site: None,
            failure: None,
            generation: 4,
        };
        assert_eq!(event_for(&snapshot, true), "event: ready\ndata: 4\n\n");
        assert_eq!(event_for(&snapshot, false), "event: reload\ndata: 4\n\n");
        snapshot.failure = Some(Arc::from("error: a.md:1:1: x\n  help: y"));
        assert_eq!(
            event_for(&snapshot, false),
            "event: failure\ndata: error: a.md:1:1: x\ndata:   help: y\n\n"
        );
    }
}
