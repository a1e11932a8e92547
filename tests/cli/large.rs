//! What keeps a large library's build small in memory. The pages that list most of
//! the library are written as they render: streamed into the sink's writer rather
//! than held whole (tested with sinks that stand in for the staging folder). Related
//! lists keep five incidents however many share a component.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use debrief::render::{OutputFile, Sink};
use debrief::{BuildOptions, build_into};

use crate::support::{Site, incident};

/// Streams every page it may into memory and keeps the other files.
#[derive(Default)]
struct Recorder {
    streamed: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

/// A writer into one of the recorder's buffers.
struct Buffer {
    path: String,
    bytes: Vec<u8>,
    into: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let bytes = std::mem::take(&mut self.bytes);
        self.into
            .lock()
            .unwrap()
            .entry(self.path.clone())
            .or_default()
            .extend(bytes);
        Ok(())
    }
}

impl Sink for Recorder {
    fn accept(&self, file: OutputFile) -> Option<OutputFile> {
        Some(file)
    }

    fn stream(&self, path: &str) -> Option<Box<dyn Write + '_>> {
        Some(Box::new(Buffer {
            path: path.to_string(),
            bytes: Vec::new(),
            into: Arc::clone(&self.streamed),
        }))
    }
}

/// A disk that fills up after `room` bytes of any streamed page.
struct FullDisk {
    room: usize,
}

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

impl Sink for FullDisk {
    fn accept(&self, file: OutputFile) -> Option<OutputFile> {
        Some(file)
    }

    fn stream(&self, _path: &str) -> Option<Box<dyn Write + '_>> {
        Some(Box::new(Filling { room: self.room }))
    }
}

fn options(site: &Site) -> BuildOptions {
    BuildOptions {
        root: site.path().to_path_buf(),
        base_url: None,
        selection: Default::default(),
    }
}

#[test]
fn streamed_pages_are_the_pages_rendered_in_memory() {
    let site = Site::sample();
    let whole = debrief::build(&options(&site)).unwrap();
    let whole = whole.plan.expect("the sample builds");
    let recorder = Recorder::default();
    let streamed = build_into(&options(&site), &(), &recorder).unwrap();
    let kept = streamed.plan.expect("the sample builds when streamed");
    let streamed = recorder.streamed.lock().unwrap();

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
    for file in &kept.files {
        assert!(
            !streamed.contains_key(&file.path),
            "{} made twice",
            file.path
        );
    }
    assert_eq!(kept.files.len() + streamed.len(), whole.files.len());
    for file in &whole.files {
        let got = streamed
            .get(&file.path)
            .or_else(|| {
                kept.files
                    .iter()
                    .find(|f| f.path == file.path)
                    .map(|f| &f.bytes)
            })
            .unwrap_or_else(|| panic!("{} is missing", file.path));
        assert!(got == &file.bytes, "{} differs when streamed", file.path);
    }
}

#[test]
fn a_write_error_while_streaming_fails_the_build_and_names_the_page() {
    let site = Site::sample();
    let build = build_into(&options(&site), &(), &FullDisk { room: 4096 }).unwrap();
    assert!(
        build.plan.is_none(),
        "a build that could not write has no site"
    );
    let errors: Vec<String> = build
        .diagnostics
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
    let build = debrief::build(&options(&site)).unwrap();
    let library = build.library.expect("the site loads");
    assert_eq!(library.incidents.len(), 60);
    for entry in &library.incidents {
        assert_eq!(entry.related.len(), 5, "{}", entry.incident.title);
    }
}
