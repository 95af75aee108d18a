//! ASTM: link-layer capture (or bare records) → records → normalized messages.

use std::ops::Range;

use synthwatch_parsers::astm::capture::{read_capture, CaptureError};
use synthwatch_parsers::astm::link::Transfer;
use synthwatch_parsers::astm::records::{parse_transfer, Message, PatientNode};
use synthwatch_parsers::lab::from_astm;

use super::{DecodeError, DecodedInput, DecodedMessage};

/// Decode `bytes`: bare E1394 records when `bare`, else a link-layer capture.
pub(super) fn decode(bytes: &[u8], bare: bool) -> DecodedInput {
    let mut out = DecodedInput::default();
    if bare {
        // A bare-records file saved by a Windows tool may start with a BOM.
        decode_text(synthwatch_parsers::text::text_body(bytes), &[], &mut out);
        return out;
    }
    let report = match read_capture(bytes) {
        Ok(report) => report,
        Err(CaptureError::NotAstm { hint, .. }) => {
            out.errors.push(DecodeError::NotAstm(hint.to_string()));
            return out;
        }
        Err(err) => {
            out.errors.push(DecodeError::AstmLink(err.to_string()));
            return out;
        }
    };
    for transfer in report.transfers.iter().filter(|t| !t.is_empty()) {
        let frames: Vec<Range<usize>> = transfer.frames.iter().map(|f| f.text.clone()).collect();
        let before = out.errors.len();
        decode_text(&transfer.text, &frames, &mut out);
        locate_record_errors(&mut out.errors[before..], transfer);
    }
    for rejected in &report.errors {
        out.errors.push(DecodeError::AstmLink(rejected.to_string()));
    }
    for discarded in report.discarded.iter().chain(&report.incomplete) {
        out.errors
            .push(DecodeError::AstmLink(discarded.to_string()));
    }
    for gap in &report.out_of_sequence {
        out.notes.push(format!(
            "frame {} at byte offset {} kept out of sequence: expected frame number {}, found {}",
            gap.frame_index + 1,
            gap.offset,
            gap.expected,
            gap.found
        ));
    }
    if report.ignored_bytes > 0 {
        out.notes.push(format!(
            "{} byte(s) outside frames ignored (line noise or handshake bytes)",
            report.ignored_bytes
        ));
    }
    if report.repeated_frames > 0 {
        out.notes.push(format!(
            "{} repeated frame(s) counted once (the sender did not see our ACK)",
            report.repeated_frames
        ));
    }
    out
}

/// Record errors name positions inside the transfer text; say which transfer.
fn locate_record_errors(errors: &mut [DecodeError], transfer: &Transfer) {
    for err in errors {
        if let DecodeError::AstmRecords(text) = err {
            let range = transfer.range();
            *text = format!(
                "in the transfer at byte offsets {}..{}: {text}",
                range.start, range.end
            );
        }
    }
}

/// Records of one transfer's text (or a bare-records file); `frames` are the
/// text ranges of the link frames that carried it (empty for bare records).
fn decode_text(text: &[u8], frames: &[Range<usize>], out: &mut DecodedInput) {
    let transfer = match parse_transfer(text) {
        Ok(transfer) => transfer,
        Err(err) => {
            out.errors.push(DecodeError::AstmRecords(err.to_string()));
            return;
        }
    };
    let mut transfer_warnings = transfer.warnings;
    for message in &transfer.messages {
        let normalized = from_astm::normalize(message);
        let mut warnings = std::mem::take(&mut transfer_warnings);
        warnings.extend(normalized.warnings);
        let groups = record_groups(message, normalized.messages.len());
        for (k, lab) in normalized.messages.into_iter().enumerate() {
            let group = groups.get(k).map(Vec::as_slice).unwrap_or_default();
            out.messages.push(DecodedMessage {
                frames: frames_touching(message, group, frames),
                records: group.len(),
                message: lab,
                // Warnings name record numbers; they belong to the first part.
                warnings: if k == 0 {
                    std::mem::take(&mut warnings)
                } else {
                    Vec::new()
                },
            });
        }
    }
}

/// Which records each normalized message came from. `from_astm` makes one
/// message per patient node; records outside every patient's subtree (H, L,
/// header comments, M, Q, S) count with the first, so the counts add up to
/// the message's record count.
fn record_groups(message: &Message<'_>, parts: usize) -> Vec<Vec<usize>> {
    let all = message.record_count();
    let patients = message.hierarchy().patients;
    if parts <= 1 || patients.len() != parts {
        return vec![(0..all).collect()];
    }
    let mut owner = vec![0usize; all];
    for (k, node) in patients.iter().enumerate() {
        for i in subtree(node) {
            if let Some(slot) = owner.get_mut(i) {
                *slot = k;
            }
        }
    }
    let mut groups = vec![Vec::new(); parts];
    for (i, k) in owner.into_iter().enumerate() {
        if let Some(group) = groups.get_mut(k) {
            group.push(i);
        }
    }
    groups
}

fn subtree(node: &PatientNode) -> Vec<usize> {
    let mut out: Vec<usize> = node
        .patient
        .into_iter()
        .chain(node.comments.iter().copied())
        .collect();
    for order in &node.orders {
        out.extend(order.order);
        out.extend(&order.comments);
        for r in &order.results {
            out.push(r.result);
            out.extend(&r.comments);
        }
    }
    out
}

/// Link frames whose text overlaps any of the given records. Frames are in
/// text order, so each record finds its first frame by binary search:
/// O(records · log frames), not frames × records, for long transfers.
fn frames_touching(message: &Message<'_>, group: &[usize], frames: &[Range<usize>]) -> usize {
    let records = message.records();
    let mut touched = vec![false; frames.len()];
    for span in group
        .iter()
        .filter_map(|&i| records.get(i))
        .map(|r| r.span())
    {
        let end = span.end.max(span.start + 1);
        let first = frames.partition_point(|f| f.end <= span.start);
        let hits = frames.get(first..).unwrap_or_default();
        for (k, _) in hits.iter().enumerate().take_while(|(_, f)| f.start < end) {
            if let Some(t) = touched.get_mut(first + k) {
                *t = true;
            }
        }
    }
    touched.into_iter().filter(|&t| t).count()
}
