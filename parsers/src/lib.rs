//! Exact, lenient and panic-free parsers for the inputs synthwatch reads.
//!
//! * [`astm`]: ASTM E1381 link layer (frames, checksums, a sans-IO link state
//!   machine) and ASTM E1394 / CLSI LIS2-A2 records.
//! * [`hl7`]: HL7 v2 MLLP framing, ER7 parsing, typed segments and ACKs.
//! * [`lab`]: the one normalized lab-message model both protocols produce.
//!
//! Everything here is synchronous and does no I/O: callers hand in bytes and get
//! typed data or an error that says where the input went wrong.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod astm;
#[cfg(feature = "mzml")]
pub mod gzip;
pub mod hl7;
pub mod jcamp;
pub mod lab;
pub mod massbank;
pub mod mgf;
pub mod msp;
#[cfg(feature = "mzml")]
pub mod mzml;
#[cfg(feature = "mzml")]
pub mod mzxml;
pub mod peaklist;
pub mod sniff;
pub mod spc;
pub mod spectrum;
#[cfg(feature = "strips")]
pub mod strips;
pub mod text;
