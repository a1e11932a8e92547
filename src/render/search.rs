//! The search index that `/search/` loads: a small head file with what every
//! result shows and what ranks first (titles, components), and shards with the
//! text that ranks after it (lessons, summary, the start of the body).
//!
//! The browser fetches the head before showing the first results and the
//! shards afterwards, so a large library never has to arrive whole before a
//! reader sees a result. Nothing here reads or writes files.

use serde::Serialize;

use crate::config::Config;
use crate::library::urls::rel;
use crate::library::{ComponentIx, Library, SeverityIx};

use super::plan::OutputFile;

/// The head of the index, under the output root.
pub(crate) const HEAD: &str = "search/index.json";

/// How many incidents one shard holds.
pub(crate) const SHARD_SIZE: usize = 250;

/// The format version, bumped when the layout changes.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    /// The path incident URLs start with: a result's URL is this plus its slug plus `/`.
    prefix: String,
    /// `[key, label, emoji, color]` per severity, most severe first.
    severities: Vec<[&'a str; 4]>,
    /// Shard file names, relative to the head.
    shards: Vec<String>,
    /// How many incidents each shard holds: shard `n` starts at doc `n * shard_size`.
    shard_size: usize,
    /// Component names, in the library's order; docs refer to them by index.
    components: Vec<&'a str>,
    /// Incidents in shard order (newest first):
    /// `[title, slug, date, severity index, component indices]`.
    docs: Vec<(&'a str, &'a str, String, SeverityIx, &'a [ComponentIx])>,
}

/// One incident's text in a shard: `[summary, lessons, body]`.
type ShardDoc<'a> = (&'a str, Vec<&'a str>, &'a str);

/// The file name of a shard, relative to the head.
fn shard_name(n: usize) -> String {
    format!("shard-{n}.json")
}

/// The paths of the files [`search_files`] makes, in the same order, without making them.
pub(crate) fn search_paths(library: &Library) -> Vec<String> {
    let shard_count = library.incidents.len().div_ceil(SHARD_SIZE);
    std::iter::once(HEAD.to_string())
        .chain((0..shard_count).map(|n| format!("search/{}", shard_name(n))))
        .collect()
}

/// Every file of the search index: the head, then the shards.
pub(crate) fn search_files(library: &Library, config: &Config) -> Vec<OutputFile> {
    let incidents = &library.incidents;
    let shard_count = incidents.len().div_ceil(SHARD_SIZE);
    let head = Head {
        version: VERSION,
        prefix: library.urls.path(rel::INCIDENTS),
        severities: config
            .severities
            .iter()
            .map(|s| {
                [
                    s.key.as_str(),
                    s.label.as_str(),
                    s.emoji.as_str(),
                    s.color.as_str(),
                ]
            })
            .collect(),
        shards: (0..shard_count).map(shard_name).collect(),
        shard_size: SHARD_SIZE,
        components: library.components.iter().map(|c| c.name.as_str()).collect(),
        docs: incidents
            .iter()
            .map(|e| {
                (
                    e.incident.title.as_str(),
                    e.incident.slug.value.as_str(),
                    e.incident.date.to_string(),
                    e.severity,
                    e.components.as_slice(),
                )
            })
            .collect(),
    };
    let mut files = vec![OutputFile {
        path: HEAD.to_string(),
        bytes: serde_json::to_vec(&head).unwrap_or_default(),
    }];
    for (n, chunk) in incidents.chunks(SHARD_SIZE).enumerate() {
        let docs: Vec<ShardDoc<'_>> = chunk
            .iter()
            .map(|e| {
                (
                    e.summary.as_str(),
                    (e.lessons.iter().chain(&e.factors))
                        .map(|l| l.text.as_str())
                        .collect(),
                    e.body.plain_text.as_str(),
                )
            })
            .collect();
        files.push(OutputFile {
            path: format!("search/{}", shard_name(n)),
            bytes: serde_json::to_vec(&docs).unwrap_or_default(),
        });
    }
    files
}
