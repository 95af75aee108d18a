//! HL7 v2: MLLP framing, zero-copy ER7 parsing, typed segment views and ACKs.
//!
//! * [`mllp`]: incremental `VT … FS CR` decoder and [`mllp::frame`] encoder.
//! * [`Message`] / [`Segment`] / [`Value`]: ER7 with lazy field splitting and
//!   escape decoding on access (see [`escape`] for which escapes are decoded).
//! * [`segments`]: typed views of MSH, PID, ORC, OBR, OBX, NTE, SPM.
//! * [`ack`]: acknowledgement builder that works even for unreadable input.
//!
//! Normalization into the lab model lives in [`crate::lab::from_hl7`].

pub mod ack;
mod delimiters;
mod error;
pub mod escape;
mod message;
pub mod mllp;
pub mod segments;
mod value;

pub use delimiters::{Charset, Delimiters};
pub use error::Er7Error;
pub use message::{Message, Segment};
pub use value::Value;
