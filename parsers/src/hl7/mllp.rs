//! MLLP framing (`VT` payload `FS CR`): an incremental, sans-IO decoder that
//! accepts any chunking of the byte stream, and the matching encoder.

use memchr::{memchr, memchr2};
use thiserror::Error;

/// Start block (vertical tab).
pub const VT: u8 = 0x0b;
/// End block (file separator).
pub const FS: u8 = 0x1c;
/// Carriage return that follows `FS`.
pub const CR: u8 = 0x0d;

/// Default maximum payload length: far above any lab message, low enough
/// that a peer that never sends `FS` cannot exhaust memory.
pub const DEFAULT_MAX_FRAME: usize = 1 << 20;

/// Frame a payload for sending: `VT payload FS CR`. The payload must not
/// contain `VT` or `FS` (ER7 text never does).
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 3);
    out.push(VT);
    out.extend_from_slice(payload);
    out.push(FS);
    out.push(CR);
    out
}

/// A framing problem; decoding continues at the next `VT`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MllpError {
    /// The payload grew past the limit without an `FS`; it was discarded.
    #[error("stream byte {offset}: frame longer than {limit} bytes without FS; discarded, resyncing at next VT")]
    FrameTooLong {
        /// Stream offset of the frame's `VT`.
        offset: u64,
        /// The configured maximum payload length.
        limit: usize,
    },
    /// A `VT` arrived inside a frame: the sender restarted; the partial
    /// frame was discarded and a new one begins here.
    #[error(
        "stream byte {offset}: VT inside a frame (expected FS first); partial frame discarded"
    )]
    UnexpectedStart {
        /// Stream offset of the second `VT`.
        offset: u64,
    },
    /// The stream ended inside a frame (reported by [`MllpDecoder::finish`]).
    #[error("stream byte {offset}: stream ended inside a frame (expected FS)")]
    Truncated {
        /// Stream offset where the stream ended.
        offset: u64,
    },
}

/// Counters for what the decoder had to tolerate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MllpStats {
    /// Complete frames returned.
    pub frames: u64,
    /// Bytes outside frames (before a `VT`), dropped.
    pub noise_bytes: u64,
    /// Frames whose `FS` was not followed by `CR` (accepted anyway).
    pub missing_cr: u64,
    /// Bytes of oversize or interrupted frames, dropped.
    pub discarded_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for `VT`.
    Hunting,
    /// Inside a frame, collecting payload.
    InFrame,
    /// Oversize frame: skipping to `FS`/`VT` without buffering.
    Skipping,
    /// Just saw `FS`; a `CR` is expected.
    AfterFs,
}

/// Incremental MLLP decoder. Feed it chunks as they arrive; it returns each
/// complete payload as soon as its `FS` is seen (not waiting for the `CR`,
/// so a sender that omits the `CR` still gets its ACK; the missing `CR` is
/// counted in [`MllpStats::missing_cr`] when the next byte arrives).
#[derive(Debug, Clone)]
pub struct MllpDecoder {
    buf: Vec<u8>,
    state: State,
    max_frame: usize,
    pos: u64,
    frame_start: u64,
    stats: MllpStats,
}

impl Default for MllpDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME)
    }
}

impl MllpDecoder {
    /// A decoder accepting payloads up to `max_frame` bytes.
    pub fn new(max_frame: usize) -> Self {
        MllpDecoder {
            buf: Vec::new(),
            state: State::Hunting,
            max_frame,
            pos: 0,
            frame_start: 0,
            stats: MllpStats::default(),
        }
    }

    /// What has been tolerated so far.
    pub fn stats(&self) -> MllpStats {
        self.stats
    }

    /// Feed the next chunk; returns the frames (payloads, without `VT`/`FS`/`CR`)
    /// and errors completed by it, in stream order.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Result<Vec<u8>, MllpError>> {
        let mut out = Vec::new();
        let mut rest = chunk;
        while !rest.is_empty() {
            let used = self.step(rest, &mut out);
            self.pos += used as u64;
            rest = rest.get(used..).unwrap_or_default();
        }
        out
    }

    /// Signal end of stream: reports a frame left open.
    pub fn finish(&mut self) -> Option<MllpError> {
        let open = matches!(self.state, State::InFrame | State::Skipping);
        self.stats.discarded_bytes += self.buf.len() as u64;
        self.buf.clear();
        self.state = State::Hunting;
        open.then_some(MllpError::Truncated { offset: self.pos })
    }

    /// Consume a prefix of `input` (at least one byte); returns its length.
    fn step(&mut self, input: &[u8], out: &mut Vec<Result<Vec<u8>, MllpError>>) -> usize {
        match self.state {
            State::AfterFs => {
                self.state = State::Hunting;
                if input.first() == Some(&CR) {
                    return 1;
                }
                // Not a CR: note it and read this byte again as hunting.
                self.stats.missing_cr += 1;
                0
            }
            State::Hunting => match memchr(VT, input) {
                Some(i) => {
                    self.stats.noise_bytes += i as u64;
                    self.frame_start = self.pos + i as u64;
                    self.state = State::InFrame;
                    i + 1
                }
                None => {
                    self.stats.noise_bytes += input.len() as u64;
                    input.len()
                }
            },
            State::InFrame | State::Skipping => {
                let stop = memchr2(FS, VT, input);
                let body = input.get(..stop.unwrap_or(input.len())).unwrap_or_default();
                self.take_body(body, out);
                let Some(i) = stop else { return input.len() };
                if input.get(i) == Some(&VT) {
                    if self.state == State::InFrame {
                        out.push(Err(MllpError::UnexpectedStart {
                            offset: self.pos + i as u64,
                        }));
                    }
                    self.stats.discarded_bytes += self.buf.len() as u64;
                    self.buf.clear();
                    self.frame_start = self.pos + i as u64;
                    self.state = State::InFrame;
                } else {
                    if self.state == State::InFrame {
                        self.stats.frames += 1;
                        out.push(Ok(std::mem::take(&mut self.buf)));
                    }
                    self.state = State::AfterFs;
                }
                i + 1
            }
        }
    }

    /// Append payload bytes, switching to skipping once the limit is passed.
    fn take_body(&mut self, body: &[u8], out: &mut Vec<Result<Vec<u8>, MllpError>>) {
        if self.state == State::Skipping {
            self.stats.discarded_bytes += body.len() as u64;
        } else if self.buf.len() + body.len() > self.max_frame {
            out.push(Err(MllpError::FrameTooLong {
                offset: self.frame_start,
                limit: self.max_frame,
            }));
            self.stats.discarded_bytes += (self.buf.len() + body.len()) as u64;
            self.buf = Vec::new();
            self.state = State::Skipping;
        } else {
            self.buf.extend_from_slice(body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(d: &mut MllpDecoder, bytes: &[u8]) -> Vec<Result<Vec<u8>, MllpError>> {
        d.feed(bytes)
    }

    #[test]
    fn round_trip_and_noise() {
        let mut d = MllpDecoder::default();
        let mut stream = b"junk\r\n".to_vec();
        stream.extend(frame(b"MSH|a"));
        stream.extend(frame(b"MSH|b"));
        let got = frames(&mut d, &stream);
        assert_eq!(got, vec![Ok(b"MSH|a".to_vec()), Ok(b"MSH|b".to_vec())]);
        assert_eq!(d.stats().noise_bytes, 6);
        assert_eq!(d.stats().frames, 2);
        assert_eq!(d.finish(), None);
    }

    #[test]
    fn missing_cr_is_tolerated_and_counted() {
        let mut d = MllpDecoder::default();
        let got = frames(&mut d, b"\x0bA\x1c\x0bB\x1c\r");
        assert_eq!(got, vec![Ok(b"A".to_vec()), Ok(b"B".to_vec())]);
        assert_eq!(d.stats().missing_cr, 1);
        assert_eq!(d.stats().noise_bytes, 0);
    }

    #[test]
    fn oversize_frame_errors_then_resyncs() {
        let mut d = MllpDecoder::new(4);
        let got = frames(&mut d, b"\x0b123456789\x1c\r\x0bok\x1c\r");
        assert_eq!(
            got,
            vec![
                Err(MllpError::FrameTooLong {
                    offset: 0,
                    limit: 4
                }),
                Ok(b"ok".to_vec())
            ]
        );
        // Byte-at-a-time gives the same answer and never buffers past the limit.
        let mut d = MllpDecoder::new(4);
        let mut got = Vec::new();
        for b in b"\x0b123456789\x1c\r\x0bok\x1c\r" {
            got.extend(d.feed(&[*b]));
            assert!(d.buf.len() <= 4);
        }
        assert_eq!(
            got,
            vec![
                Err(MllpError::FrameTooLong {
                    offset: 0,
                    limit: 4
                }),
                Ok(b"ok".to_vec())
            ]
        );
    }

    #[test]
    fn restart_and_truncation_are_reported_with_offsets() {
        let mut d = MllpDecoder::default();
        let got = frames(&mut d, b"\x0bpart\x0bwhole\x1c\r\x0bopen");
        assert_eq!(
            got,
            vec![
                Err(MllpError::UnexpectedStart { offset: 5 }),
                Ok(b"whole".to_vec())
            ]
        );
        assert_eq!(d.finish(), Some(MllpError::Truncated { offset: 18 }));
    }
}
