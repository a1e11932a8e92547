//! Integration tests: real sites in temporary folders, built by the real binary,
//! read back through an HTML parser, a JSON parser and an XML parser.

#![allow(missing_docs)]

mod build;
mod check;
mod colour;
mod docs;
mod escaping;
mod export;
mod init;
mod large;
mod new;
mod pages;
mod sample;
mod serve;
mod support;
mod usage;
