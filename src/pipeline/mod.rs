//! Workers: take stored raw messages from the queue and run parse →
//! normalize → match → publish, with retries; quarantine what cannot be
//! processed, with the reason. Processing starts from the stored raw bytes
//! only, so a crash at any point is repaired by processing again: derived
//! rows of the message are forgotten first and publishing is idempotent.

mod derive;
mod summary;
mod worker;

pub use derive::{process_raw, Context, Outcome, ProcessError, SampleKinds};
pub use worker::{spawn_workers, step, WorkerConfig};
