//! synthwatch: lab integration and early warning for synthetic opioids.
//!
//! Data flows: [`ingest`] adapters commit raw bytes to the [`store`] before
//! acknowledging; [`pipeline`] workers [`decode`] them (the one path every
//! entry point uses), [`screen`] them with the [`matching`] core (and a
//! [`library`] when configured) and publish non-evidential indications.
//! [`config`] and the [`cli`] drive it. The parsers live in `synthwatch-parsers`.
// `unsafe` is denied everywhere but one audited place: the memory hints of
// the library index (`matching::index::prefetch`: software prefetch, and
// huge-page advice for its large arrays).
#![deny(unsafe_code)]

pub mod cli;
pub mod config;
pub mod decode;
pub mod ingest;
pub mod library;
pub mod matching;
pub mod pipeline;
pub mod screen;
pub mod store;
