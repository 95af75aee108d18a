//! HL7 v2: MLLP frames (or a bare ER7 file of one or more messages) →
//! segments → normalized messages.

use std::ops::Range;

use synthwatch_parsers::hl7::mllp::{MllpDecoder, DEFAULT_MAX_FRAME};
use synthwatch_parsers::hl7::Message;
use synthwatch_parsers::lab::from_hl7;

use super::{DecodeError, DecodedInput, DecodedMessage};

/// Decode `bytes`: MLLP-framed when it holds a `VT`, else bare ER7.
pub(super) fn decode(bytes: &[u8]) -> DecodedInput {
    let mut out = DecodedInput::default();
    if memchr::memchr(0x0b, bytes).is_some() {
        decode_mllp(bytes, &mut out);
    } else {
        // A file saved by a Windows tool may start with a byte-order mark;
        // offsets stay those of the file.
        let body = synthwatch_parsers::text::text_body(bytes);
        let skipped = bytes.len() - body.len();
        for range in split_messages(body) {
            let start = range.start + skipped;
            decode_one(body.get(range).unwrap_or_default(), 0, start, &mut out);
        }
    }
    out
}

fn decode_mllp(bytes: &[u8], out: &mut DecodedInput) {
    let mut decoder = MllpDecoder::new(DEFAULT_MAX_FRAME);
    let frames = decoder.feed(bytes);
    for frame in frames {
        match frame {
            // Offsets inside a frame are reported relative to the frame.
            Ok(payload) => decode_one(&payload, 1, 0, out),
            Err(err) => out.errors.push(DecodeError::Mllp(err.to_string())),
        }
    }
    if let Some(err) = decoder.finish() {
        out.errors.push(DecodeError::Mllp(err.to_string()));
    }
    let stats = decoder.stats();
    if stats.noise_bytes > 0 {
        out.notes.push(format!(
            "{} byte(s) outside MLLP frames ignored",
            stats.noise_bytes
        ));
    }
    if stats.missing_cr > 0 {
        out.notes.push(format!(
            "{} MLLP frame(s) ended with FS but no CR",
            stats.missing_cr
        ));
    }
}

fn decode_one(bytes: &[u8], frames: usize, offset: usize, out: &mut DecodedInput) {
    let message = match Message::parse(bytes) {
        Ok(message) => message,
        Err(err) => {
            let at = if offset > 0 {
                format!(" (message starting at byte offset {offset})")
            } else {
                String::new()
            };
            out.errors.push(DecodeError::Hl7(format!("{err}{at}")));
            return;
        }
    };
    let (lab, warnings) = from_hl7::from_message(&message);
    out.messages.push(DecodedMessage {
        frames,
        records: message.segment_count(),
        message: lab,
        warnings: warnings.iter().map(ToString::to_string).collect(),
    });
}

/// A bare ER7 file may hold several messages (and batch envelopes FHS/BHS/
/// BTS/FTS): each message starts at an `MSH` at the start of a line.
fn split_messages(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut starts: Vec<usize> = line_starts(bytes)
        .filter(|&i| bytes.get(i..i + 3) == Some(b"MSH"))
        .collect();
    if starts.is_empty() {
        // No MSH at all: let the parser report it with its position.
        return std::iter::once(0..bytes.len()).collect();
    }
    starts.push(bytes.len());
    starts
        .windows(2)
        .map(|w| w[0]..end_before_envelope(bytes, w[0], w[1]))
        .collect()
}

/// Stop a message before a following batch trailer/header segment.
fn end_before_envelope(bytes: &[u8], start: usize, end: usize) -> usize {
    line_starts(bytes.get(..end).unwrap_or_default())
        .filter(|&i| i > start)
        .find(|&i| matches!(bytes.get(i..i + 3), Some(b"BTS" | b"FTS" | b"BHS" | b"FHS")))
        .unwrap_or(end)
}

/// Offsets where a line (segment) starts: 0 and after every CR or LF.
fn line_starts(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(
        memchr::memchr2_iter(b'\r', b'\n', bytes)
            .map(|i| i + 1)
            .filter(move |&i| i < bytes.len()),
    )
}
