//! The JSON shape `synthwatch parse` prints: one object per message. Built from
//! the normalized model; patient identity is not part of it by construction.

use serde::Serialize;
use synthwatch_parsers::lab::{Comment, LabResult, Protocol, ResultValue};

use super::DecodedMessage;

/// One message as printed.
#[derive(Debug, Serialize)]
pub struct MessageReport<'a> {
    /// Input file as given on the command line.
    pub file: &'a str,
    /// Position of the message in the file, from 0.
    pub index: usize,
    /// `"astm"` or `"hl7"`.
    pub protocol: Protocol,
    /// Link-layer frames that carried the message (0 for bare records).
    pub frames: usize,
    /// Records (ASTM) or segments (HL7).
    pub records: usize,
    /// Sending system.
    pub sender: Option<&'a str>,
    /// Instrument identifier.
    pub instrument: Option<&'a str>,
    /// Message control id.
    pub control_id: Option<&'a str>,
    /// Message time as sent.
    pub sent_at: Option<&'a str>,
    /// Whether the sender included patient identity (never the identity itself).
    pub has_patient: bool,
    /// One entry per ASTM R record / HL7 OBX segment.
    pub results: Vec<ResultReport<'a>>,
    /// Message-level comments.
    pub comments: &'a [Comment],
    /// Recoverable oddities.
    pub warnings: &'a [String],
}

/// One result as printed.
#[derive(Debug, Serialize)]
pub struct ResultReport<'a> {
    /// Specimen id.
    pub specimen: Option<&'a str>,
    /// Test code.
    pub test_code: &'a str,
    /// Test name.
    pub test_name: Option<&'a str>,
    /// Coding system of the test code.
    pub coding_system: Option<&'a str>,
    /// ASTM universal test id components as sent (empty for HL7).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub test_components: &'a [String],
    /// The value as one string (`"3.2"`, `"<0.5"`, `"8/152"`, a coded value's code).
    pub value: String,
    /// The value with its type (numeric with comparator, coded, text).
    pub value_detail: &'a ResultValue,
    /// Units.
    pub units: Option<&'a str>,
    /// Reference range.
    pub reference_range: Option<&'a str>,
    /// Abnormal flags.
    pub flags: &'a [String],
    /// Result status.
    pub status: synthwatch_parsers::lab::ResultStatus,
    /// When the result was observed or completed.
    pub observed_at: Option<&'a str>,
    /// Operator / responsible observer.
    pub operator: Option<&'a str>,
    /// Comments on this result.
    pub comments: &'a [Comment],
}

impl<'a> MessageReport<'a> {
    /// The printable view of `decoded`, the `index`-th message of `file`.
    pub fn new(file: &'a str, index: usize, decoded: &'a DecodedMessage) -> Self {
        let m = &decoded.message;
        MessageReport {
            file,
            index,
            protocol: m.protocol,
            frames: decoded.frames,
            records: decoded.records,
            sender: m.sender.as_deref(),
            instrument: m.instrument.as_deref(),
            control_id: m.control_id.as_deref(),
            sent_at: m.sent_at.as_deref(),
            has_patient: m.patient.as_ref().is_some_and(|p| !p.is_empty()),
            results: m.results.iter().map(ResultReport::new).collect(),
            comments: &m.comments,
            warnings: &decoded.warnings,
        }
    }
}

impl<'a> ResultReport<'a> {
    fn new(r: &'a LabResult) -> Self {
        ResultReport {
            specimen: r.specimen.as_deref(),
            test_code: &r.test_code,
            test_name: r.test_name.as_deref(),
            coding_system: r.coding_system.as_deref(),
            test_components: &r.test_components,
            value: value_text(&r.value),
            value_detail: &r.value,
            units: r.units.as_deref(),
            reference_range: r.reference_range.as_deref(),
            flags: &r.flags,
            status: r.status,
            observed_at: r.observed_at.as_deref(),
            operator: r.operator.as_deref(),
            comments: &r.comments,
        }
    }
}

/// The value as one string, as a lab technician would read it.
pub fn value_text(value: &ResultValue) -> String {
    match value {
        // `=` is the default comparator (HL7 SN `=^9.2`): show 9.2.
        ResultValue::Numeric(n) => n.text.strip_prefix('=').unwrap_or(&n.text).to_owned(),
        ResultValue::Coded { code, text, .. } => match text {
            Some(t) if !t.is_empty() && code.is_empty() => t.clone(),
            _ => code.clone(),
        },
        ResultValue::Text { text } => text.clone(),
        ResultValue::Empty => String::new(),
    }
}
