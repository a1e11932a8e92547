//! Integration tests, one binary: real sites in temporary folders, built by the real
//! binary or the library's pipeline, read back through an HTML parser, a JSON parser
//! and an XML parser. `bad` runs the broken sites of `tests/bad/`, `props` the
//! property tests and `browser` the theme in Chromium.

#![allow(missing_docs)]

#[cfg(unix)] // The bad sites make symbolic links the Unix way.
mod adopting;
mod attachments;
mod bad;
mod browser;
mod build;
mod check;
mod colour;
mod docs;
mod errors;
mod escaping;
mod export;
mod init;
mod large;
mod learning;
mod new;
mod pages;
mod pagination;
mod props;
mod public;
mod sample;
mod serve;
mod support;
mod usage;
