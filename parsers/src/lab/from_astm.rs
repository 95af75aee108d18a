//! ASTM E1394 / LIS2-A2 message → normalized [`LabMessage`]s.
//!
//! One [`LabMessage`] is made per P record (or one for a message without any
//! P record), because a LabMessage holds a single patient and instruments
//! such as the Siemens Immulite send several patients in one H … L message.
//! Header fields are repeated in each. Patient data goes only into
//! [`PatientIdentity`]; warnings name record numbers, never values.

use std::borrow::Cow;

use super::{
    Comment, LabMessage, LabResult, NumericValue, PatientIdentity, Protocol, ResultStatus,
    ResultValue,
};
use crate::astm::records::{
    parse_transfer, CommentRecord, Field, HeaderRecord, Message, OrderRecord, PatientRecord,
    Record, RecordError, ResultNode, ResultRecord,
};

/// What one ASTM message (or one transfer) became.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Normalized {
    /// One message per patient, in order of appearance.
    pub messages: Vec<LabMessage>,
    /// Problems met on the way; they name record numbers, never patient data.
    pub warnings: Vec<String>,
}

/// Normalize every message of a transfer's record text; the record layer's
/// warnings come first. Fails only when the text does not start with a
/// usable H record.
pub fn normalize_transfer(text: &[u8]) -> Result<Normalized, RecordError> {
    let transfer = parse_transfer(text)?;
    let mut out = Normalized {
        messages: Vec::new(),
        warnings: transfer.warnings,
    };
    for message in &transfer.messages {
        let one = normalize(message);
        out.messages.extend(one.messages);
        out.warnings.extend(one.warnings);
    }
    Ok(out)
}

/// Normalize one ASTM message: one [`LabMessage`] per P record, each with one
/// [`LabResult`] per R record under that patient. Q, M and S records carry no
/// results and are not normalized.
pub fn normalize(message: &Message<'_>) -> Normalized {
    let records = message.records();
    let header = message.header();
    let mut warnings = Vec::new();
    let hierarchy = message.hierarchy();
    let header_comments: Vec<Comment> = hierarchy
        .comments
        .iter()
        .filter_map(|&i| comment(records.get(i)?))
        .collect();
    let mut messages = Vec::new();
    for patient in &hierarchy.patients {
        let mut results = Vec::new();
        let mut comments = header_comments.clone();
        comments.extend(
            patient
                .comments
                .iter()
                .filter_map(|&i| comment(records.get(i)?)),
        );
        for order in &patient.orders {
            let order_record = order.order.and_then(|i| OrderRecord::new(*records.get(i)?));
            comments.extend(
                order
                    .comments
                    .iter()
                    .filter_map(|&i| comment(records.get(i)?)),
            );
            let specimen = order_record.as_ref().and_then(specimen);
            for node in &order.results {
                if order_record.is_none() {
                    let number = records.get(node.result).map_or(0, Record::number);
                    warnings.push(format!(
                        "record {number}: R record without an O record; no specimen"
                    ));
                }
                results.extend(result(records, node, specimen.as_deref(), &mut warnings));
            }
        }
        let patient = patient
            .patient
            .and_then(|i| PatientRecord::new(*records.get(i)?))
            .map(identity)
            .filter(|p| !p.is_empty());
        messages.push(lab_message(header, records, results, comments, patient));
    }
    if messages.is_empty() {
        messages.push(lab_message(
            header,
            records,
            Vec::new(),
            header_comments,
            None,
        ));
    }
    Normalized { messages, warnings }
}

fn lab_message(
    header: Option<HeaderRecord<'_>>,
    records: &[Record<'_>],
    results: Vec<LabResult>,
    comments: Vec<Comment>,
    patient: Option<PatientIdentity>,
) -> LabMessage {
    let sender_field = header.map(|h| h.sender());
    // R-14 names the analyser that measured; H-5 is the fallback.
    let instrument = records
        .iter()
        .filter_map(|r| ResultRecord::new(*r))
        .find_map(|r| r.instrument().first_non_empty_component())
        .map(Cow::into_owned)
        .or_else(|| sender_field.and_then(joined_components));
    LabMessage {
        protocol: Protocol::Astm,
        sender: sender_field
            .and_then(|f| f.first_non_empty_component())
            .map(Cow::into_owned),
        instrument,
        control_id: header
            .and_then(|h| h.message_control_id().non_empty())
            .map(Cow::into_owned),
        sent_at: header
            .and_then(|h| h.timestamp().non_empty())
            .map(Cow::into_owned),
        results,
        comments,
        patient,
    }
}

fn test_components(components: &[Cow<'_, str>]) -> Vec<String> {
    let used = components
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |last| last + 1);
    components
        .iter()
        .take(used)
        .map(|c| c.to_string())
        .collect()
}

/// Specimen id: the first non-empty component of O-3, else of O-4 (Sysmex
/// pads it inside components: `^^                    27`).
fn specimen(order: &OrderRecord<'_>) -> Option<String> {
    [order.specimen_id(), order.instrument_specimen_id()]
        .into_iter()
        .find_map(|f| f.repeat(1).first_non_empty_component())
        .map(Cow::into_owned)
}

fn result(
    records: &[Record<'_>],
    node: &ResultNode,
    specimen: Option<&str>,
    warnings: &mut Vec<String>,
) -> Option<LabResult> {
    let r = ResultRecord::new(*records.get(node.result)?)?;
    let number = r.record().number();
    let test_id = r.test_id();
    let test_code = test_id.code().map(Cow::into_owned).unwrap_or_else(|| {
        warnings.push(format!(
            "record {number}: R-3 universal test id has no code"
        ));
        String::new()
    });
    let test_name = test_id
        .name()
        .map(Cow::into_owned)
        .filter(|n| *n != test_code);
    Some(LabResult {
        specimen: specimen.map(str::to_owned),
        coding_system: (!test_code.is_empty()).then(|| "local".to_owned()),
        test_code,
        test_name,
        test_components: test_components(&test_id.components()),
        value: value(r.value(), number, warnings),
        units: owned(r.units()),
        reference_range: owned(r.reference_range()),
        flags: r.abnormal_flags().repeats().filter_map(owned).collect(),
        status: ResultStatus::from_code(&r.status().text()),
        observed_at: owned(r.completed_at()).or_else(|| owned(r.started_at())),
        operator: r
            .operator()
            .first_non_empty_component()
            .map(Cow::into_owned),
        comments: node
            .comments
            .iter()
            .filter_map(|&i| comment(records.get(i)?))
            .collect(),
    })
}

/// R-4: a number when it reads as one; two or more components that are not
/// a number form a coded value (code^text^system); otherwise the first
/// non-empty component as text (GeneXpert `NOT DETECTED^`, `^0.0`).
fn value(field: Field<'_>, number: usize, warnings: &mut Vec<String>) -> ResultValue {
    let parts: Vec<String> = field.components().map(|c| c.text().into_owned()).collect();
    let Some(first) = parts.iter().find(|p| !p.is_empty()) else {
        return ResultValue::Empty;
    };
    if let Some(n) = NumericValue::parse(first) {
        return ResultValue::Numeric(n);
    }
    if looks_numeric(first) {
        // The value may be health data: say where, not what.
        warnings.push(format!(
            "record {number}: R-4 looks numeric but is not a number; kept as text"
        ));
    }
    let non_empty = parts.iter().filter(|p| !p.is_empty()).count();
    match parts.as_slice() {
        [code, text, rest @ ..] if non_empty >= 2 && !code.is_empty() => ResultValue::Coded {
            code: code.clone(),
            text: Some(text.clone()).filter(|t| !t.is_empty()),
            system: rest.first().cloned().filter(|s| !s.is_empty()),
        },
        _ => ResultValue::Text {
            text: first.clone(),
        },
    }
}

/// Starts like a number and has a digit (`12,5`, `1.2.3`), unlike `-----`.
fn looks_numeric(text: &str) -> bool {
    let (_, rest) = super::Comparator::split_prefix(text.trim());
    rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
        && rest.chars().any(|c| c.is_ascii_digit())
}

fn comment(record: &Record<'_>) -> Option<Comment> {
    let c = CommentRecord::new(*record)?;
    let text: Vec<_> = c
        .text()
        .components()
        .filter_map(|p| p.non_empty())
        .collect();
    (!text.is_empty()).then(|| Comment {
        source: owned(c.source()),
        text: text.join(" "),
        kind: owned(c.kind()),
    })
}

fn identity(p: PatientRecord<'_>) -> PatientIdentity {
    PatientIdentity {
        ids: [
            p.practice_patient_id(),
            p.lab_patient_id(),
            p.patient_id_3(),
        ]
        .into_iter()
        .filter_map(present)
        .collect(),
        name: present(p.name()),
        birth_date: present(p.birth_date()),
        sex: present(p.sex()),
        address: present(p.address()),
    }
}

/// The field as sent (components joined by the delimiter) when any component
/// has content; `^^^^` is nothing.
fn present(field: Field<'_>) -> Option<String> {
    field
        .components()
        .any(|c| !c.is_empty())
        .then(|| field.text().into_owned())
}

fn owned(field: Field<'_>) -> Option<String> {
    field.non_empty().map(Cow::into_owned)
}

/// Non-empty components joined with `^` (H-5 without its padding).
fn joined_components(field: Field<'_>) -> Option<String> {
    let parts: Vec<_> = field.components().filter_map(|c| c.non_empty()).collect();
    (!parts.is_empty()).then(|| parts.join("^"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &[u8]) -> Normalized {
        normalize_transfer(text).unwrap()
    }

    #[test]
    fn values_numeric_coded_text_empty() {
        let n = one(b"H|\\^&\rO|1|S1\rR|1|^^^A|<0.5\rR|2|^^^B|POS^Positive^L\rR|3|^^^C|NOT DETECTED^\rR|4|^^^D|^\rR|5|^^^E|12,5\rL|1");
        let v: Vec<_> = n.messages[0].results.iter().map(|r| &r.value).collect();
        assert!(matches!(v[0], ResultValue::Numeric(x) if x.value == 0.5));
        assert_eq!(
            *v[1],
            ResultValue::Coded {
                code: "POS".into(),
                text: Some("Positive".into()),
                system: Some("L".into())
            }
        );
        assert_eq!(
            *v[2],
            ResultValue::Text {
                text: "NOT DETECTED".into()
            }
        );
        assert_eq!(*v[3], ResultValue::Empty);
        assert_eq!(
            *v[4],
            ResultValue::Text {
                text: "12,5".into()
            }
        );
        assert_eq!(
            n.warnings,
            ["record 7: R-4 looks numeric but is not a number; kept as text"]
        );
    }

    #[test]
    fn patient_goes_only_to_identity_and_warnings_stay_clean() {
        let n = one(b"H|\\^&|||Analyser^1.0^SN9\rP|1|PID7||X9|Canary^Carla||19700101|F||1 Canary Row\rC|1|L|fasting\rR|1|^^^A|abc1.2x\r");
        let m = &n.messages[0];
        let p = m.patient.as_ref().unwrap();
        assert_eq!(p.ids, ["PID7", "X9"]);
        assert_eq!(p.name.as_deref(), Some("Canary^Carla"));
        assert_eq!(
            (p.birth_date.as_deref(), p.sex.as_deref()),
            (Some("19700101"), Some("F"))
        );
        assert_eq!(p.address.as_deref(), Some("1 Canary Row"));
        assert_eq!(m.sender.as_deref(), Some("Analyser"));
        assert_eq!(m.instrument.as_deref(), Some("Analyser^1.0^SN9"));
        assert_eq!(m.comments[0].text, "fasting");
        assert_eq!(m.results[0].specimen, None);
        let shown = format!("{:?} {:?}", m, n.warnings);
        for secret in ["Canary", "PID7", "19700101", "Row"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(n.warnings.iter().any(|w| w.contains("without an O record")));
        assert!(n.warnings.iter().any(|w| w.contains("no L record")));
    }
}
