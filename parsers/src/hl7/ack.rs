//! ACK builder. Reads only the inbound MSH (never PID or any result), and
//! takes error reasons as an enum of fixed, generic texts so that internal
//! error details or patient data cannot leak to the sender.

use std::time::{SystemTime, UNIX_EPOCH};

use super::delimiters::{Charset, Delimiters};
use super::escape::escape_into;
use super::message::Message;
use super::segments::Msh;
use super::value::{nth_piece, Value};

/// MSA-1 acknowledgement code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// `AA`: accepted.
    Accept,
    /// `AE`: error, the sender may correct and resend.
    Error,
    /// `AR`: rejected (unreadable, unsupported, or not for us).
    Reject,
}

impl AckCode {
    /// The wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// Generic error reasons (HL7 table 0357) for ERR-3. Fixed texts only: the
/// sender learns the category, never our internals or anyone's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckReason {
    /// 100 segment sequence error.
    SegmentSequence,
    /// 101 required field missing.
    RequiredFieldMissing,
    /// 102 data type error.
    DataType,
    /// 103 table value not found.
    TableValueNotFound,
    /// 200 unsupported message type.
    UnsupportedMessageType,
    /// 201 unsupported event code.
    UnsupportedEventCode,
    /// 202 unsupported processing id.
    UnsupportedProcessingId,
    /// 203 unsupported version id.
    UnsupportedVersionId,
    /// 205 duplicate key identifier (e.g. a control id seen before).
    DuplicateKey,
    /// 207 application internal error.
    ApplicationInternal,
}

impl AckReason {
    /// Table 0357 code and its standard text.
    pub fn code_and_text(self) -> (&'static str, &'static str) {
        match self {
            AckReason::SegmentSequence => ("100", "Segment sequence error"),
            AckReason::RequiredFieldMissing => ("101", "Required field missing"),
            AckReason::DataType => ("102", "Data type error"),
            AckReason::TableValueNotFound => ("103", "Table value not found"),
            AckReason::UnsupportedMessageType => ("200", "Unsupported message type"),
            AckReason::UnsupportedEventCode => ("201", "Unsupported event code"),
            AckReason::UnsupportedProcessingId => ("202", "Unsupported processing id"),
            AckReason::UnsupportedVersionId => ("203", "Unsupported version id"),
            AckReason::DuplicateKey => ("205", "Duplicate key identifier"),
            AckReason::ApplicationInternal => ("207", "Application internal error"),
        }
    }
}

/// The inbound MSH fields an ACK needs, unescaped. Every field is optional
/// so that an ACK can be built for any input, however broken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AckHeader {
    /// MSH-3 components.
    pub sending_application: Vec<String>,
    /// MSH-4 components.
    pub sending_facility: Vec<String>,
    /// MSH-5 components.
    pub receiving_application: Vec<String>,
    /// MSH-6 components.
    pub receiving_facility: Vec<String>,
    /// MSH-9.2 trigger event (`R01`).
    pub trigger: String,
    /// MSH-10 control id, echoed in MSA-2.
    pub control_id: String,
    /// MSH-11.1 processing id.
    pub processing_id: String,
    /// MSH-12.1 version id.
    pub version: String,
}

/// Longest header value echoed: real ones are short; this bounds what a
/// hostile sender can make us repeat.
const MAX_ECHO: usize = 199;

fn text(v: Value<'_>) -> String {
    v.text()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_ECHO)
        .collect()
}

fn components(v: Value<'_>) -> Vec<String> {
    let mut parts: Vec<String> = v.components().take(8).map(text).collect();
    while parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts
}

impl AckHeader {
    /// Read the header of a parsed message.
    pub fn from_message(msg: &Message<'_>) -> AckHeader {
        match Msh::new(msg.msh()) {
            Some(msh) => Self::from_fields(|n| msh.field(n)),
            None => AckHeader::default(),
        }
    }

    /// Best effort for any bytes: parse when possible, else read the first
    /// line as an MSH with whatever delimiters it seems to declare; an empty
    /// header when there is no MSH at all.
    pub fn salvage(bytes: &[u8]) -> AckHeader {
        if let Ok(msg) = Message::parse(bytes) {
            return Self::from_message(&msg);
        }
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(bytes.len());
        let line = bytes.get(start..).unwrap_or_default();
        let line = line
            .split(|&b| b == b'\r' || b == b'\n')
            .next()
            .unwrap_or_default();
        let Some(&field) = line.get(3).filter(|_| line.starts_with(b"MSH")) else {
            return AckHeader::default();
        };
        let delims = guess_delimiters(line, field);
        Self::from_fields(|n| match n {
            0 | 1 => Value::new(&[], delims, Charset::Latin1),
            n => Value::new(nth_piece(line, field, n - 1), delims, Charset::Latin1),
        })
    }

    fn from_fields<'a>(field: impl Fn(usize) -> Value<'a>) -> AckHeader {
        AckHeader {
            sending_application: components(field(3)),
            sending_facility: components(field(4)),
            receiving_application: components(field(5)),
            receiving_facility: components(field(6)),
            trigger: text(field(9).component(2)),
            control_id: text(field(10)),
            processing_id: text(field(11).component(1)),
            version: text(field(12).component(1)),
        }
    }
}

/// Delimiters from a broken MSH: the declared ones when they are usable,
/// else the standard ones (with the declared field separator).
fn guess_delimiters(line: &[u8], field: u8) -> Delimiters {
    let declared = Delimiters::from_header(line, 0).ok();
    declared.unwrap_or(Delimiters {
        field,
        ..Delimiters::default()
    })
}

/// Build an ACK for `inbound` (`\r`-terminated segments, standard delimiters
/// `|^~\&`). Sender and receiver are swapped; MSA-2 echoes the inbound
/// MSH-10; `reason` adds an ERR segment with its fixed table-0357 text.
/// `control_id` and `timestamp` are ours (see [`hl7_timestamp`]).
pub fn build_ack(
    inbound: &AckHeader,
    code: AckCode,
    reason: Option<AckReason>,
    control_id: &str,
    timestamp: &str,
) -> Vec<u8> {
    let d = Delimiters::default();
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"MSH|^~\\&|");
    let put = |out: &mut Vec<u8>, s: &str| escape_into(s, &d, Charset::Latin1, out);
    for hd in [
        &inbound.receiving_application,
        &inbound.receiving_facility,
        &inbound.sending_application,
        &inbound.sending_facility,
    ] {
        for (j, comp) in hd.iter().enumerate() {
            if j > 0 {
                out.push(b'^');
            }
            put(&mut out, comp);
        }
        out.push(b'|');
    }
    put(&mut out, timestamp);
    out.extend_from_slice(b"||ACK");
    if !inbound.trigger.is_empty() {
        out.push(b'^');
        put(&mut out, &inbound.trigger);
        out.extend_from_slice(b"^ACK");
    }
    out.push(b'|');
    put(&mut out, control_id);
    out.push(b'|');
    put(&mut out, or(&inbound.processing_id, "P"));
    out.push(b'|');
    put(&mut out, or(&inbound.version, "2.5.1"));
    out.extend_from_slice(b"\rMSA|");
    out.extend_from_slice(code.as_str().as_bytes());
    out.push(b'|');
    put(&mut out, &inbound.control_id);
    out.push(b'\r');
    if let Some(reason) = reason {
        let (num, txt) = reason.code_and_text();
        let severity = if code == AckCode::Accept { "W" } else { "E" };
        out.extend_from_slice(format!("ERR|||{num}^{txt}^HL70357|{severity}\r").as_bytes());
    }
    out
}

fn or<'s>(value: &'s str, default: &'s str) -> &'s str {
    if value.is_empty() {
        default
    } else {
        value
    }
}

/// Format a time as an HL7 DTM in UTC: `YYYYMMDDHHMMSS+0000`.
pub fn hl7_timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (H. Hinnant), valid for all dates after 1970.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}+0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps() {
        assert_eq!(hl7_timestamp(UNIX_EPOCH), "19700101000000+0000");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096); // 2024-02-29 12:34:56
        assert_eq!(hl7_timestamp(t), "20240229123456+0000");
    }

    #[test]
    fn salvages_a_header_from_a_broken_message() {
        let h =
            AckHeader::salvage(b"MSH|^~\\&|APP|FAC|ME|US|2024||ORU^R01|CTRL-9|P|2.5.1\rP@D|broken");
        assert_eq!(h.control_id, "CTRL-9");
        assert_eq!(h.sending_application, vec!["APP"]);
        assert_eq!(h.trigger, "R01");
        let h = AckHeader::salvage(b"MSH|^|APP|FAC|ME|US|2024||ORU^R01|CTRL-7|P");
        assert_eq!(h.control_id, "CTRL-7");
        assert_eq!(AckHeader::salvage(b"garbage"), AckHeader::default());
        let ack = build_ack(
            &AckHeader::default(),
            AckCode::Reject,
            Some(AckReason::DataType),
            "1",
            "2",
        );
        assert_eq!(
            ack,
            b"MSH|^~\\&|||||2||ACK|1|P|2.5.1\rMSA|AR|\rERR|||102^Data type error^HL70357|E\r"
        );
    }
}
