//! Ingest: adapters (sources) hand raw bytes to a [`RawSink`], which makes
//! them durable; only then does the adapter acknowledge the sender. Parsing,
//! matching and publishing run later, from the stored raw bytes.

mod raw;

pub use raw::{Committed, RawMessage, RawSink, SinkError, Transport};
