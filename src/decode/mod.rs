//! From raw bytes to typed, owned data: sniff the format, then run the right
//! reader — instrument protocols (link layer → records → normalized lab
//! messages) or export files (spectra, strip readings, strip photos).
//!
//! This is the one path every entry point uses (the `parse` command now, the
//! ingest daemon later), so a capture file and a live line are read alike.

mod astm;
mod files;
mod hl7;
mod report;
mod spectrum_report;

use synthwatch_parsers::gzip;
use synthwatch_parsers::lab::LabMessage;
use synthwatch_parsers::sniff::{sniff, sniff_protocol, Sniffed};
use synthwatch_parsers::spectrum::Spectrum;
use synthwatch_parsers::strips::{StripLayout, StripPhoto, StripReading};

pub use report::{value_text, MessageReport, ResultReport};
pub use spectrum_report::{PhotoReport, SpectrumReport, StripReport};

/// Which format to read the input as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Recognise the format from the content.
    Auto,
    /// ASTM: a link-layer capture (frames) or bare E1394 records.
    Astm,
    /// HL7 v2: MLLP-framed or bare ER7.
    Hl7,
    /// A file format (forced): see [`Sniffed`].
    File(Sniffed),
}

/// Reading options that some formats take.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Where the control line sits on strip photos (decides which band is which).
    pub strip_layout: StripLayout,
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

/// Everything read from one input: what could be read and the errors for the
/// parts that could not. One bad message does not hide the rest.
#[derive(Debug, Default)]
pub struct DecodedInput {
    /// The format the input was read as, when known.
    pub format: Option<Sniffed>,
    /// Lab messages (ASTM, HL7), in input order.
    pub messages: Vec<DecodedMessage>,
    /// Spectra (MSP, MGF, MassBank, JCAMP-DX, SPC, mzML, mzXML, peak lists).
    pub spectra: Vec<Spectrum>,
    /// Strip-reader CSV rows.
    pub strip_readings: Vec<StripReading>,
    /// A strip photo's bands.
    pub strip_photo: Option<StripPhoto>,
    /// Recoverable oddities of a whole file, each naming its position.
    pub warnings: Vec<String>,
    /// What could not be read, each naming its position and what was expected.
    pub errors: Vec<DecodeError>,
    /// Link-level notes for the whole input (noise bytes skipped, repeated frames).
    pub notes: Vec<String>,
}

impl DecodedInput {
    /// True when nothing at all was read (errors and notes aside).
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && self.spectra.is_empty()
            && self.strip_readings.is_empty()
            && self.strip_photo.is_none()
    }
}

/// Why (part of) an input could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// The input has no bytes at all.
    #[error("the file is empty")]
    Empty,
    /// The content is no format synthwatch reads.
    #[error("not a recognised format: expected an instrument protocol (ASTM frames or records, HL7 ER7 or MLLP), a spectrum file (MSP, MGF, MassBank, JCAMP-DX, SPC, mzML, mzXML, vendor peak list) or a strip-reader CSV or photo")]
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
    /// An export file's reader refused it.
    #[error("{format}: {message}")]
    File {
        /// Format name.
        format: &'static str,
        /// The reader's error, with its position.
        message: String,
    },
}

/// Read `bytes` as `format` with default options.
pub fn decode(bytes: &[u8], format: Format) -> DecodedInput {
    decode_with(bytes, format, &Options::default())
}

/// Read `bytes` as `format`.
pub fn decode_with(bytes: &[u8], format: Format, options: &Options) -> DecodedInput {
    if bytes.is_empty() {
        return DecodedInput {
            errors: vec![DecodeError::Empty],
            ..DecodedInput::default()
        };
    }
    if let Some(text) = synthwatch_parsers::text::utf16_as_utf8(bytes) {
        let note = "UTF-16 text, read as UTF-8 (line numbers are the file's; byte offsets count in the UTF-8 text)";
        return decode_converted(&text, note, format, options);
    }
    if gzip::is_gzip(bytes) && !is_mzml(bytes, format) {
        return decode_gzip(bytes, format, options);
    }
    let sniffed = match format {
        Format::Auto => sniff(bytes),
        forced => forced_kind(bytes, forced),
    };
    let Some(kind) = sniffed else {
        return DecodedInput {
            errors: vec![DecodeError::Unrecognised],
            ..DecodedInput::default()
        };
    };
    let mut decoded = match kind {
        Sniffed::AstmCapture => astm::decode(bytes, false),
        Sniffed::AstmRecords => astm::decode(bytes, true),
        Sniffed::Hl7Mllp | Sniffed::Hl7Er7 => hl7::decode(bytes),
        other => files::decode(bytes, other, options),
    };
    decoded.format = Some(kind);
    if decoded.is_empty() && decoded.errors.is_empty() {
        // e.g. a capture holding only empty transfers (ENQ EOT): normal, but say so.
        decoded.notes.push(
            "nothing to report in the input (only empty transfers, handshakes or headers)".into(),
        );
    }
    decoded
}

/// What a forced `format` reads `bytes` as (`None` for auto detection).
fn forced_kind(bytes: &[u8], format: Format) -> Option<Sniffed> {
    match format {
        Format::Auto => None,
        Format::Astm => Some(match sniff_protocol(bytes) {
            Some(Sniffed::AstmRecords) => Sniffed::AstmRecords,
            _ => Sniffed::AstmCapture,
        }),
        Format::Hl7 => Some(Sniffed::Hl7Er7),
        Format::File(kind) => Some(kind),
    }
}

/// `text` (converted from the input) read as `format`, the conversion noted first.
fn decode_converted(text: &[u8], note: &str, format: Format, options: &Options) -> DecodedInput {
    let mut decoded = decode_with(text, format, options);
    decoded.notes.insert(0, note.to_owned());
    decoded
}

/// mzML reads its own gzip (offsets then refer to the decompressed document).
fn is_mzml(bytes: &[u8], format: Format) -> bool {
    match format {
        Format::File(kind) => kind == Sniffed::Mzml,
        _ => synthwatch_parsers::mzml::sniff(bytes),
    }
}

/// Any other format gzip-compressed (`library.mgf.gz`): decompressed within
/// the size limit, then read, with a note; gzip inside gzip is not unwrapped.
fn decode_gzip(bytes: &[u8], format: Format, options: &Options) -> DecodedInput {
    // A forced format was applied, whatever the container did; with auto
    // detection the inner format is unknown.
    let fail = |message: String| DecodedInput {
        format: forced_kind(bytes, format),
        errors: vec![DecodeError::File {
            format: "gzip",
            message,
        }],
        ..DecodedInput::default()
    };
    let inner = match gzip::decompress(bytes) {
        Ok(inner) => inner,
        Err(e) => return fail(e.to_string()),
    };
    if gzip::is_gzip(&inner) {
        return fail("gzip inside gzip is not read: decompress the outer layer first".into());
    }
    let note = "gzip-compressed, read decompressed (byte offsets refer to the decompressed text)";
    decode_converted(&inner, note, format, options)
}
