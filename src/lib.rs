//! synthwatch: lab integration and early warning for synthetic opioids.
//!
//! This crate holds the application side: [`decode`] (bytes → normalized lab
//! messages, the one path every entry point uses) and the [`cli`]. The parsers
//! themselves live in `synthwatch-parsers`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod decode;
pub mod ingest;
pub mod library;
pub mod matching;
pub mod store;
