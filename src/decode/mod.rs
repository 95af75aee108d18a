//! From raw bytes to normalized lab messages: sniff the protocol, run the link
//! layer (ASTM frames or MLLP), parse records or segments, and normalize.
//!
//! This is the one path every entry point uses (the `parse` command now, the
//! ingest daemon later), so a capture file and a live line are read alike.

mod astm;
mod hl7;
mod report;

use synthwatch_parsers::lab::{LabMessage, Protocol};
use synthwatch_parsers::sniff::{sniff, Sniffed};

pub use report::{value_text, MessageReport, ResultReport};

/// Which protocol to read the input as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Recognise the protocol from the content.
    Auto,
    /// ASTM: a link-layer capture (frames) or bare E1394 records.
    Astm,
    /// HL7 v2: MLLP-framed or bare ER7.
    Hl7,
}

/// One normalized message and how it was carried.
#[derive(Debug, Clone)]
pub struct DecodedMessage {
    /// Link-layer frames that carried it (ASTM frames or MLLP frames; 0 for bare text).
    pub frames: usize,
    /// ASTM records or HL7 segments in it.
    pub records: usize,
    /// The normalized message.
    pub message: LabMessage,
    /// Recoverable oddities found while reading it (never patient data).
    pub warnings: Vec<String>,
}

/// Everything read from one input: the messages that could be read and the
/// errors for the parts that could not. One bad message does not hide the rest.
#[derive(Debug, Default)]
pub struct DecodedInput {
    /// Messages read, in input order.
    pub messages: Vec<DecodedMessage>,
    /// What could not be read, each naming its position and what was expected.
    pub errors: Vec<DecodeError>,
    /// Link-level notes for the whole input (noise bytes skipped, repeated frames).
    pub notes: Vec<String>,
}

/// Why (part of) an input could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// The content is neither ASTM nor HL7.
    #[error("not a recognised lab protocol: expected ASTM frames (STX/ENQ), ASTM records (H|\\^&) or HL7 (MSH|^~\\&, optionally in MLLP)")]
    Unrecognised,
    /// The stream is recognisably something other than ASTM.
    #[error("not ASTM: {0}")]
    NotAstm(String),
    /// ASTM link layer (frames, checksums, frame numbers).
    #[error("ASTM link layer: {0}")]
    AstmLink(String),
    /// ASTM records.
    #[error("ASTM records: {0}")]
    AstmRecords(String),
    /// MLLP framing.
    #[error("MLLP framing: {0}")]
    Mllp(String),
    /// HL7 ER7 parsing.
    #[error("HL7: {0}")]
    Hl7(String),
}

/// Read `bytes` as `format` into normalized messages.
pub fn decode(bytes: &[u8], format: Format) -> DecodedInput {
    let sniffed = sniff(bytes);
    let protocol = match format {
        Format::Astm => Protocol::Astm,
        Format::Hl7 => Protocol::Hl7,
        Format::Auto => match sniffed {
            Some(Sniffed::AstmCapture | Sniffed::AstmRecords) => Protocol::Astm,
            Some(Sniffed::Hl7Mllp | Sniffed::Hl7Er7) => Protocol::Hl7,
            None => {
                return DecodedInput {
                    errors: vec![DecodeError::Unrecognised],
                    ..DecodedInput::default()
                }
            }
        },
    };
    let mut decoded = match protocol {
        Protocol::Astm => astm::decode(bytes, sniffed == Some(Sniffed::AstmRecords)),
        Protocol::Hl7 => hl7::decode(bytes),
    };
    if decoded.messages.is_empty() && decoded.errors.is_empty() {
        // e.g. a capture holding only empty transfers (ENQ EOT): normal, but say so.
        decoded
            .notes
            .push("no lab messages in the input (only empty transfers or handshakes)".into());
    }
    decoded
}
