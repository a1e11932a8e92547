//! What keeps a large library's build small in memory. The pages that list most of
//! the library are written as they render: streamed into a writer rather than held
//! whole (tested with writers that stand in for the staging folder). Related lists
//! keep five incidents however many share a component.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Mutex;

use debrief::BuildOptions;
use debrief::diag::Diagnostics;

use crate::support::{Site, incident};

/// A disk that fills up after `room` bytes.
struct Filling {
    room: usize,
}

impl Write for Filling {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.room {
            return Err(io::Error::other("no space left on the test device"));
        }
        self.room -= buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn options(site: &Site) -> BuildOptions {
    BuildOptions {
        root: site.path().to_path_buf(),
        base_url: None,
        selection: Default::default(),
    }
}

fn load(site: &Site) -> debrief::Site {
    debrief::load(&options(site), &())
        .unwrap()
        .site
        .expect("the sample loads")
}

#[test]
fn streamed_pages_are_the_pages_rendered_in_memory() {
    let site = Site::sample();
    let whole = debrief::build(&options(&site)).unwrap();
    let whole = whole.plan.expect("the sample builds");
    let streamed = Mutex::new(BTreeMap::new());
    let kept = Mutex::new(BTreeMap::new());
    let mut diags = Diagnostics::default();
    load(&site).render_each(&(), &mut diags, &|file| {
        let path = file.path();
        if file.is_large() {
            let mut out = Vec::new();
            file.write_to(&mut out)?;
            streamed.lock().unwrap().insert(path, out);
        } else {
            let file = file.into_output()?;
            kept.lock().unwrap().insert(path, file.bytes);
        }
        Ok(())
    });
    assert!(!diags.has_errors(), "{diags}");
    let (streamed, kept) = (streamed.into_inner().unwrap(), kept.into_inner().unwrap());
    for page in [
        "index.html",
        "incidents/index.html",
        "lessons/index.html",
        "actions/index.html",
        "stats/index.html",
    ] {
        assert!(streamed.contains_key(page), "{page} was not streamed");
    }
    // Every file is made once: streamed, or handed over whole.
    for path in kept.keys() {
        assert!(!streamed.contains_key(path), "{path} made twice");
    }
    assert_eq!(kept.len() + streamed.len(), whole.files.len());
    for file in &whole.files {
        let got = streamed
            .get(&file.path)
            .or_else(|| kept.get(&file.path))
            .unwrap_or_else(|| panic!("{} is missing", file.path));
        assert!(got == &file.bytes, "{} differs when streamed", file.path);
    }
}

#[test]
fn a_write_error_while_streaming_fails_the_build_and_names_the_page() {
    let site = Site::sample();
    let mut diags = Diagnostics::default();
    load(&site).render_each(&(), &mut diags, &|file| {
        if file.is_large() {
            file.write_to(&mut Filling { room: 4096 })
        } else {
            file.into_output().map(drop)
        }
    });
    let errors: Vec<String> = diags
        .iter()
        .map(|d| format!("{}: {}", d.location, d.message))
        .collect();
    assert!(
        errors.iter().any(
            |e| e.starts_with("/lessons/index.html: could not write the page")
                && e.contains("no space left on the test device")
        ),
        "{errors:#?}"
    );
    // A write error is not a template problem: no template is blamed.
    assert!(
        errors.iter().all(|e| !e.contains("templates/")),
        "{errors:#?}"
    );
}

#[test]
fn related_lists_keep_five_of_many_candidates() {
    // Every incident shares a component with every other one: each has dozens of
    // candidates, of which five are kept.
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Related\"\nbase_url = \"https://example.com/\"\n",
    );
    for n in 0..60 {
        site.write(
            &format!("content/incidents/outage-{n:02}.md"),
            &incident(
                &format!("Outage {n:02}"),
                &format!("2024-01-{:02}", n % 28 + 1),
                "minor",
                "components: [etcd, CoreDNS]\n",
            ),
        );
    }
    let site = load(&site);
    let library = &site.library;
    assert_eq!(library.incidents.len(), 60);
    for (n, entry) in library.incidents.indexed() {
        assert_eq!(library.related(n).len(), 5, "{}", entry.incident.title);
    }
}

/// Every incident's related incidents and repeats, by path.
fn found_lists(s: &debrief::Site) -> Vec<(Vec<String>, Vec<String>, Vec<String>)> {
    let library = &s.library;
    let path = |m: debrief::library::IncidentIx| library.incidents[m].incident.path.clone();
    (library.incidents.ids())
        .map(|n| {
            let repeats = library.repeats(n);
            (
                library.related(n).iter().map(|&m| path(m)).collect(),
                repeats.earlier.iter().map(|r| path(r.incident)).collect(),
                repeats.later.iter().map(|r| path(r.incident)).collect(),
            )
        })
        .collect()
}

#[test]
fn related_lists_and_repeats_are_reused_only_while_what_they_read_is_unchanged() {
    // The sample library, loaded again after edits as `serve` does: related lists
    // and repeats are taken from the previous load when only a text changed, and
    // found again when what they read did; either way they are a fresh load's.
    let site = Site::sample();
    let before = load(&site);
    let listed = found_lists(&before);
    assert!(listed.iter().any(|r| !r.0.is_empty()), "{listed:?}");
    assert!(listed.iter().any(|r| !r.1.is_empty()), "{listed:?}");

    let (n, entry) = (before.library.incidents.indexed())
        .find(|(n, _)| !before.library.repeats(*n).earlier.is_empty())
        .unwrap();
    let path = entry.incident.path.clone();
    let date = entry.incident.date.to_string();
    let text = std::fs::read_to_string(site.path().join(&path)).unwrap();
    let reused = |after: &debrief::Site| {
        after.library.reuse_from(&before.library);
        (
            std::ptr::eq(after.library.related(n), before.library.related(n)),
            std::ptr::eq(after.library.repeats(n), before.library.repeats(n)),
        )
    };

    site.write(&path, &format!("{text}\nOne more paragraph.\n"));
    let after_text = load(&site);
    assert_eq!(reused(&after_text), (true, true));
    assert_eq!(found_lists(&after_text), listed);

    // A day later: the same related incidents, the repeats found again.
    let next_day = (jiff::civil::Date::strptime("%Y-%m-%d", &date).unwrap())
        .tomorrow()
        .unwrap()
        .to_string();
    let edited = text.replacen(&format!("date: {date}"), &format!("date: {next_day}"), 1);
    assert_ne!(edited, text, "{path} gives its date as `date: {date}`");
    site.write(&path, &edited);
    let after_date = load(&site);
    // The order of the library may change with a date; compare only while it does not.
    if after_date.library.incidents[n].incident.path == path {
        assert!(!reused(&after_date).1);
    }
    assert_eq!(found_lists(&after_date), found_lists(&load(&site)));

    // A component the other incidents do not have: both are found again.
    let edited = text.replacen("components: [", "components: [a-new-component, ", 1);
    assert_ne!(edited, text, "{path} lists its components inline");
    site.write(&path, &edited);
    let after_component = load(&site);
    assert_eq!(reused(&after_component), (false, false));
    assert_eq!(found_lists(&after_component), found_lists(&load(&site)));
}
