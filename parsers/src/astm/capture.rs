//! Reading a recorded ASTM E1381 byte stream (a capture of a live line, or
//! frames back to back as instruments print them to a file) through the same
//! receiver rules as the live [`Link`], with `require_enq` off: the first
//! `STX` opens a transfer, `EOT` or the end of input closes it.
//!
//! Captures cannot be repaired by `NAK`, so a valid frame with an unexpected
//! number is kept and listed in [`CaptureReport::out_of_sequence`] (the real
//! Horiba Yumizen H500 capture numbers its `M` records 1, 1, 1, 4). A corrupt
//! frame is listed in [`CaptureReport::errors`]; if the sender's
//! retransmission follows, that one is used. A stream with no well-formed
//! frame at all is [`CaptureError::NotAstm`], with a hint when it looks like a
//! known non-ASTM instrument stream.

use std::time::Duration;

use thiserror::Error;

use crate::astm::frame::{ACK, CR, ENQ, EOT, ETX, LF, NAK, STX};
use crate::astm::link::{Discarded, Link, LinkConfig, LinkEvent, Rejected, Transfer};

/// How many leading bytes are kept to explain a non-ASTM stream.
const HINT_WINDOW: usize = 4096;

/// A frame accepted although its number was not the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceGap {
    /// Byte offset of its `STX` in the capture.
    pub offset: u64,
    /// 0-based index among every `STX` in the capture.
    pub frame_index: u64,
    /// The number the receiver rules expected.
    pub expected: u8,
    /// The number it had.
    pub found: u8,
}

/// What a capture held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaptureReport {
    /// Complete transfers, in order; [`Transfer::range`] is their byte range.
    pub transfers: Vec<Transfer>,
    /// Incomplete transfers cut off by a new `ENQ` inside the capture.
    pub discarded: Vec<Discarded>,
    /// The transfer the capture ends in the middle of (its last frame was not
    /// an `ETX` frame), kept whole.
    pub incomplete: Option<Discarded>,
    /// Refused frames (bad checksum, malformed, cut short), with position.
    pub errors: Vec<Rejected>,
    /// Frames kept despite an unexpected number.
    pub out_of_sequence: Vec<SequenceGap>,
    /// Bytes outside frames (noise, the other side's `ACK`s, trailers excepted).
    pub ignored_bytes: u64,
    /// Repeated frames counted once.
    pub repeated_frames: u64,
}

/// What a non-ASTM stream looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAstmHint {
    /// `STX` then fields separated by RS (0x1E) / GS (0x1D): a bioMérieux
    /// VIDAS-style proprietary stream.
    VidasStream,
    /// Text between `STX` and `ETX` with no frame number or checksum: a
    /// printer-style report (e.g. Arkray Spotchem EL).
    TextPrintout,
    /// HL7 in MLLP framing (`VT` … `FS CR`).
    Hl7Mllp,
    /// No `STX` at all.
    NoFrameStart,
    /// `STX`s, but none followed by a frame number, `ETB`/`ETX` and two hex digits.
    NoValidFrame,
}

impl std::fmt::Display for NotAstmHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NotAstmHint::VidasStream => {
                "STX followed by RS/GS-separated fields: looks like a bioMérieux VIDAS proprietary stream"
            }
            NotAstmHint::TextPrintout => {
                "text between STX and ETX without frame number and checksum: looks like a plain-text print-out"
            }
            NotAstmHint::Hl7Mllp => "VT … FS CR blocks: looks like HL7 in MLLP framing",
            NotAstmHint::NoFrameStart => "no STX frame start anywhere",
            NotAstmHint::NoValidFrame => {
                "no STX followed by a frame number 0-7, ETB/ETX and a two-digit checksum"
            }
        })
    }
}

/// Why a capture could not be read as ASTM.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CaptureError {
    /// Zero bytes.
    #[error("empty capture")]
    Empty,
    /// Not a single well-formed ASTM frame.
    #[error("not an ASTM E1381 stream: {hint}")]
    NotAstm {
        /// What it looks like instead.
        hint: NotAstmHint,
        /// The first refused frame, if any, for detail.
        first_error: Option<Rejected>,
    },
}

/// The receiver configuration used for captures: no `ENQ` needed,
/// out-of-sequence frames kept, default (64,000 + slack) frame limit.
pub fn capture_config() -> LinkConfig {
    LinkConfig {
        require_enq: false,
        accept_out_of_sequence: true,
        ..LinkConfig::default()
    }
}

/// Read a whole capture with [`capture_config`].
pub fn read_capture(bytes: &[u8]) -> Result<CaptureReport, CaptureError> {
    let mut reader = CaptureReader::new(capture_config());
    reader.feed(bytes);
    reader.finish()
}

/// Incremental capture reader: feed chunks, then [`finish`](Self::finish).
/// Any chunking gives the same report.
#[derive(Debug)]
pub struct CaptureReader {
    link: Link,
    report: CaptureReport,
    head: Vec<u8>,
    saw_content: bool,
}

impl CaptureReader {
    /// A reader with the given receiver configuration (see [`capture_config`]).
    pub fn new(cfg: LinkConfig) -> Self {
        CaptureReader {
            link: Link::new(cfg),
            report: CaptureReport::default(),
            head: Vec::new(),
            saw_content: false,
        }
    }

    /// Feed the next bytes of the capture.
    pub fn feed(&mut self, bytes: &[u8]) {
        let room = HINT_WINDOW.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(bytes.get(..room).unwrap_or(bytes));
        self.saw_content |= bytes
            .iter()
            .any(|b| !matches!(*b, ENQ | EOT | ACK | NAK | CR | LF));
        // Virtual time stands still: a file has no timing to enforce.
        self.link.on_bytes(Duration::ZERO, bytes);
        self.link.take_output();
        self.collect(false);
    }

    /// End of the capture: the report, or why this is not ASTM.
    pub fn finish(mut self) -> Result<CaptureReport, CaptureError> {
        if self.link.offset() == 0 {
            return Err(CaptureError::Empty);
        }
        self.link.finish(Duration::ZERO);
        self.collect(true);
        let stats = *self.link.stats();
        if stats.well_formed_frames == 0 && self.saw_content {
            return Err(CaptureError::NotAstm {
                hint: hint(&self.head),
                first_error: self.report.errors.first().cloned(),
            });
        }
        self.report.ignored_bytes = stats.ignored_bytes;
        self.report.repeated_frames = stats.repeated_frames;
        Ok(self.report)
    }

    /// Move the link's events into the report.
    fn collect(&mut self, at_end: bool) {
        while let Some(event) = self.link.poll_event() {
            match event {
                LinkEvent::Received(t) => self.report.transfers.push(t),
                LinkEvent::Discarded(d) if at_end => self.report.incomplete = Some(d),
                LinkEvent::Discarded(d) => self.report.discarded.push(d),
                LinkEvent::FrameRejected(r) => self.report.errors.push(r),
                LinkEvent::OutOfSequence {
                    offset,
                    frame_index,
                    expected,
                    found,
                } => self.report.out_of_sequence.push(SequenceGap {
                    offset,
                    frame_index,
                    expected,
                    found,
                }),
                // A receiver never sends.
                LinkEvent::Sent(_)
                | LinkEvent::SendFailed { .. }
                | LinkEvent::SendInterrupted(_) => {}
            }
        }
    }
}

/// Explain what a stream without a well-formed frame looks like.
fn hint(head: &[u8]) -> NotAstmHint {
    if head.contains(&0x0B) && head.contains(&0x1C) {
        return NotAstmHint::Hl7Mllp;
    }
    let Some(stx) = head.iter().position(|&b| b == STX) else {
        return NotAstmHint::NoFrameStart;
    };
    let after = head.get(stx + 1..).unwrap_or_default();
    let block = after
        .iter()
        .position(|&b| b == ETX || b == STX)
        .and_then(|end| after.get(..end))
        .unwrap_or(after);
    if block.iter().any(|&b| b == 0x1E || b == 0x1D) {
        return NotAstmHint::VidasStream;
    }
    let ends_in_etx = after.get(block.len()) == Some(&ETX);
    let printable = block
        .iter()
        .all(|&b| b == b'\t' || b == CR || b == LF || b >= 0x20);
    if ends_in_etx && printable {
        return NotAstmHint::TextPrintout;
    }
    NotAstmHint::NoValidFrame
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::astm::frame::encode_frame;

    #[test]
    fn recognises_non_astm_streams() {
        let vidas = b"\x02\x1emtrsl|\x1epi|\x1epn|\x1db0\n";
        let printout = b"\x0224/10/29 13:08 ID# 1 Na 131 mmol/L\x03\n";
        for (bytes, want) in [
            (&vidas[..], NotAstmHint::VidasStream),
            (&printout[..], NotAstmHint::TextPrintout),
            (&b"hello"[..], NotAstmHint::NoFrameStart),
            (&b"\x0bMSH|^~\\&\x1c\r"[..], NotAstmHint::Hl7Mllp),
            (&b"\x02\x01\x01\x03\x02\x01"[..], NotAstmHint::NoValidFrame),
        ] {
            match read_capture(bytes) {
                Err(CaptureError::NotAstm { hint, .. }) => assert_eq!(hint, want),
                other => panic!("{want:?}: {other:?}"),
            }
        }
        assert_eq!(read_capture(b""), Err(CaptureError::Empty));
    }

    #[test]
    fn handshake_only_is_an_empty_transfer() {
        let report = read_capture(&[ENQ, EOT]).unwrap();
        assert_eq!(report.transfers.len(), 1);
        assert!(report.transfers[0].is_empty());
    }

    #[test]
    fn etb_at_end_is_incomplete_and_bad_checksum_is_located() {
        let mut bytes = b"xx".to_vec();
        let mut bad = encode_frame(1, b"H|\\^&\r", false);
        bad[3] ^= 0x01;
        bytes.extend_from_slice(&bad);
        bytes.extend_from_slice(&encode_frame(1, b"H|\\^&\r", false));
        let report = read_capture(&bytes).unwrap();
        assert!(report.transfers.is_empty());
        let inc = report.incomplete.expect("trailing ETB frame is incomplete");
        assert_eq!(inc.partial.text, b"H|\\^&\r");
        assert_eq!(inc.partial.range(), 2..bytes.len() as u64);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(
            (report.errors[0].offset, report.errors[0].frame_index),
            (2, 0)
        );
        assert_eq!(report.ignored_bytes, 2);
    }
}
