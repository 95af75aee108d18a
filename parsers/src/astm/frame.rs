//! ASTM E1381 frame codec: `<STX> FN text <ETB|ETX> C1 C2 <CR><LF>`.
//!
//! * `FN` is one ASCII digit `'0'..='7'` (frame number modulo 8).
//! * `C1 C2` is the checksum (sum of the bytes from `FN` through `ETB`/`ETX`
//!   inclusive, modulo 256) as two hex digits; lower-case hex is accepted.
//! * `ETB` marks an intermediate frame, `ETX` the last frame of a message; the
//!   texts of consecutive frames are concatenated and the record layer splits
//!   the result on `CR` (one frame may hold several records, and one record
//!   may span several frames).
//! * Frames may be far longer than the legacy 247 bytes (CLSI LIS1-A allows
//!   64,000; real Horiba captures hold 26 kB frames), so the limit is a
//!   parameter ([`DEFAULT_MAX_TEXT_LEN`]).
//! * The `CR LF` trailer is optional on decode: real instruments send `CR LF`,
//!   only `CR`, only `LF` or nothing, and [`Trailer`] records which.

use thiserror::Error;

/// Start of text: opens a frame.
pub const STX: u8 = 0x02;
/// End of text: closes the last frame of a message.
pub const ETX: u8 = 0x03;
/// End of transmission: ends a transfer (or, as a reply, a receiver interrupt).
pub const EOT: u8 = 0x04;
/// Enquiry: asks for the line.
pub const ENQ: u8 = 0x05;
/// Positive acknowledgement.
pub const ACK: u8 = 0x06;
/// Line feed: second byte of the frame trailer.
pub const LF: u8 = 0x0A;
/// Carriage return: record separator inside text, first byte of the trailer.
pub const CR: u8 = 0x0D;
/// Negative acknowledgement (also "busy" as a reply to `ENQ`).
pub const NAK: u8 = 0x15;
/// End of transmission block: closes an intermediate frame.
pub const ETB: u8 = 0x17;

/// Default maximum text length of one frame: CLSI's 64,000 plus slack.
pub const DEFAULT_MAX_TEXT_LEN: usize = 64_000 + 1_536;
/// Text length per frame that legacy (E1381-91) instruments accept: 247-byte frames.
pub const LEGACY_FRAME_TEXT_LEN: usize = 240;
/// Bytes of a frame that are not text: STX, FN, ETB/ETX, C1, C2, CR, LF.
pub const FRAME_OVERHEAD: usize = 7;

/// Checksum of `bytes`: their sum modulo 256.
///
/// Pass the bytes from the frame number through `ETB`/`ETX` inclusive.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |acc, &b| acc.wrapping_add(b))
}

/// Encode one frame. `number` is the frame number 0–7 (larger values are
/// reduced modulo 8); `last` selects `ETX` (true) or `ETB` (false).
pub fn encode_frame(number: u8, text: &[u8], last: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + FRAME_OVERHEAD);
    out.push(STX);
    out.push(b'0' + number % 8);
    out.extend_from_slice(text);
    out.push(if last { ETX } else { ETB });
    let sum = checksum(out.get(1..).unwrap_or_default());
    out.push(hex_digit(sum >> 4));
    out.push(hex_digit(sum & 0x0F));
    out.push(CR);
    out.push(LF);
    out
}

/// Split a message text into frame texts of at most `max_text` bytes each
/// (a `max_text` of 0 is treated as 1). An empty text gives one empty frame,
/// so that a message always has a last (`ETX`) frame.
pub fn split_text(text: &[u8], max_text: usize) -> Vec<&[u8]> {
    if text.is_empty() {
        return vec![text];
    }
    text.chunks(max_text.max(1)).collect()
}

/// Encode a whole message as frames for sending: texts of at most `max_text`
/// bytes ([`LEGACY_FRAME_TEXT_LEN`] for legacy instruments), `ETB` on the
/// intermediates, `ETX` on the last, frame numbers 1, 2, …, 7, 0, 1, ….
pub fn encode_message(text: &[u8], max_text: usize) -> Vec<Vec<u8>> {
    let parts = split_text(text, max_text);
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| encode_frame(((i + 1) % 8) as u8, part, i + 1 == count))
        .collect()
}

/// What followed the checksum of a decoded frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trailer {
    /// `CR LF`, as the standard says.
    CrLf,
    /// Only `CR` (seen from Abbott, Siemens, Sysmex, Cepheid instruments).
    Cr,
    /// Only `LF` (seen from Roche and Horiba instruments).
    Lf,
    /// Nothing (yet): the buffer ended or another byte followed the checksum.
    Missing,
}

impl Trailer {
    /// Number of trailer bytes.
    pub fn len(self) -> usize {
        match self {
            Trailer::CrLf => 2,
            Trailer::Cr | Trailer::Lf => 1,
            Trailer::Missing => 0,
        }
    }

    /// Whether there were no trailer bytes.
    pub fn is_empty(self) -> bool {
        self == Trailer::Missing
    }
}

/// A decoded frame borrowing its text from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// Frame number 0–7 (numeric, not ASCII).
    pub number: u8,
    /// The text between the frame number and `ETB`/`ETX` (may hold `CR`s).
    pub text: &'a [u8],
    /// `true` for an `ETX` (last) frame, `false` for an `ETB` (intermediate) frame.
    pub last: bool,
    /// The verified checksum.
    pub checksum: u8,
    /// Which trailer followed the checksum.
    pub trailer: Trailer,
}

/// A frame plus the number of input bytes it used (trailer included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The frame.
    pub frame: Frame<'a>,
    /// Bytes consumed from the start of the input.
    pub len: usize,
}

/// Why a frame could not be decoded. Offsets are relative to the `STX`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// The input does not start with `STX`.
    #[error("byte 0: expected STX (0x02) to start a frame, found 0x{found:02X}")]
    NoStx {
        /// The byte found instead.
        found: u8,
    },
    /// More bytes are needed; `needed` is a lower bound on the total length.
    #[error("incomplete frame: have {have} bytes, need at least {needed}")]
    Incomplete {
        /// Bytes available.
        have: usize,
        /// Minimum total bytes needed.
        needed: usize,
    },
    /// The byte after `STX` is not `'0'..='7'`.
    #[error("byte 1: expected frame number '0'..'7', found 0x{found:02X}")]
    BadFrameNumber {
        /// The byte found instead.
        found: u8,
    },
    /// No `ETB`/`ETX` within the configured maximum text length.
    #[error("frame text longer than the maximum of {max} bytes without ETB/ETX")]
    TooLong {
        /// The configured maximum text length.
        max: usize,
    },
    /// A link control byte (`STX`, `ENQ`, `EOT`) arrived before `ETB`/`ETX`:
    /// the frame was cut short.
    #[error("byte {offset}: frame cut short by control byte 0x{found:02X} before ETB/ETX")]
    Interrupted {
        /// Offset of the control byte.
        offset: usize,
        /// The control byte.
        found: u8,
    },
    /// A checksum character is not a hex digit.
    #[error("byte {offset}: expected checksum hex digit after ETB/ETX, found 0x{found:02X}")]
    BadChecksumChar {
        /// Offset of the bad character.
        offset: usize,
        /// The byte found instead.
        found: u8,
    },
    /// The checksum does not match the frame's bytes.
    #[error("frame {number}: checksum mismatch, computed {expected:02X}, frame says {found:02X}")]
    BadChecksum {
        /// The frame number (0–7).
        number: u8,
        /// Checksum computed from the bytes.
        expected: u8,
        /// Checksum written in the frame.
        found: u8,
        /// Length of the frame through `C2` (trailer excluded).
        len: usize,
    },
}

impl FrameError {
    /// Whether more input could turn this error into a frame.
    pub fn is_incomplete(&self) -> bool {
        matches!(self, FrameError::Incomplete { .. })
    }
}

/// Try to decode one frame at the start of `buf`, with texts of at most
/// `max_text` bytes. Trailer bytes not yet in `buf` are reported as
/// [`Trailer::Missing`]; a streaming reader that wants them should look at
/// the following bytes (the link layer swallows a trailing `CR`/`LF`).
pub fn decode_frame(buf: &[u8], max_text: usize) -> Result<Decoded<'_>, FrameError> {
    let first = *buf
        .first()
        .ok_or(FrameError::Incomplete { have: 0, needed: 5 })?;
    if first != STX {
        return Err(FrameError::NoStx { found: first });
    }
    let fn_byte = *buf.get(1).ok_or(FrameError::Incomplete {
        have: buf.len(),
        needed: 5,
    })?;
    if !(b'0'..=b'7').contains(&fn_byte) {
        return Err(FrameError::BadFrameNumber { found: fn_byte });
    }
    let body = buf.get(2..).unwrap_or_default();
    let window = body.get(..max_text.saturating_add(1)).unwrap_or(body);
    let Some(term_rel) = window
        .iter()
        .position(|&b| matches!(b, ETX | ETB | STX | ENQ | EOT))
    else {
        return Err(if body.len() > max_text {
            FrameError::TooLong { max: max_text }
        } else {
            FrameError::Incomplete {
                have: buf.len(),
                needed: buf.len() + 3,
            }
        });
    };
    let term = term_rel + 2;
    let term_byte = buf.get(term).copied().unwrap_or(ETX);
    if !matches!(term_byte, ETX | ETB) {
        return Err(FrameError::Interrupted {
            offset: term,
            found: term_byte,
        });
    }
    if term_rel > max_text {
        return Err(FrameError::TooLong { max: max_text });
    }
    let found = read_hex_pair(buf, term + 1)?;
    let expected = checksum(buf.get(1..=term).unwrap_or_default());
    let number = fn_byte - b'0';
    if expected != found {
        return Err(FrameError::BadChecksum {
            number,
            expected,
            found,
            len: term + 3,
        });
    }
    let trailer = match (buf.get(term + 3), buf.get(term + 4)) {
        (Some(&CR), Some(&LF)) => Trailer::CrLf,
        (Some(&CR), _) => Trailer::Cr,
        (Some(&LF), _) => Trailer::Lf,
        _ => Trailer::Missing,
    };
    Ok(Decoded {
        frame: Frame {
            number,
            text: buf.get(2..term).unwrap_or_default(),
            last: term_byte == ETX,
            checksum: found,
            trailer,
        },
        len: term + 3 + trailer.len(),
    })
}

/// Read the two checksum hex digits at `at`.
fn read_hex_pair(buf: &[u8], at: usize) -> Result<u8, FrameError> {
    let mut value = 0u8;
    for offset in at..at + 2 {
        let found = *buf.get(offset).ok_or(FrameError::Incomplete {
            have: buf.len(),
            needed: at + 2,
        })?;
        let digit = hex_value(found).ok_or(FrameError::BadChecksumChar { offset, found })?;
        value = (value << 4) | digit;
    }
    Ok(value)
}

/// Value of one hex digit, either case.
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Upper-case hex digit for a nibble (the standard writes upper case).
fn hex_digit(nibble: u8) -> u8 {
    b"0123456789ABCDEF"
        .get(usize::from(nibble & 0x0F))
        .copied()
        .unwrap_or(b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_known_frame() {
        // The cobas c111 capture's last frame: 7L|1|N CR ETX, checksum 0A.
        let frame = encode_frame(7, b"L|1|N\r", true);
        assert_eq!(frame, b"\x027L|1|N\r\x030A\r\n");
    }

    #[test]
    fn decodes_lower_case_and_trailers() {
        let d = decode_frame(b"\x027L|1|N\r\x030a", 100).unwrap();
        assert_eq!(d.frame.number, 7);
        assert_eq!(d.frame.text, b"L|1|N\r");
        assert!(d.frame.last);
        assert_eq!(d.frame.trailer, Trailer::Missing);
        assert_eq!(d.len, 11);
        let d = decode_frame(b"\x021AB\x17CB\rX", 100).unwrap();
        assert_eq!(
            (d.frame.last, d.frame.trailer, d.len),
            (false, Trailer::Cr, 8)
        );
        let d = decode_frame(b"\x021AB\x17CB\n", 100).unwrap();
        assert_eq!((d.frame.trailer, d.len), (Trailer::Lf, 8));
    }

    #[test]
    fn distinct_errors() {
        assert!(decode_frame(b"\x021AB", 100).unwrap_err().is_incomplete());
        assert!(decode_frame(b"\x021AB\x03C", 100)
            .unwrap_err()
            .is_incomplete());
        assert_eq!(
            decode_frame(b"\x028AB\x03C0", 100),
            Err(FrameError::BadFrameNumber { found: b'8' })
        );
        assert_eq!(
            decode_frame(b"\x021AB\x03ZZ", 100),
            Err(FrameError::BadChecksumChar {
                offset: 5,
                found: b'Z'
            })
        );
        assert_eq!(
            decode_frame(b"\x021AB\x0300\r\n", 100),
            Err(FrameError::BadChecksum {
                number: 1,
                expected: 0xB7,
                found: 0,
                len: 7
            })
        );
        assert_eq!(
            decode_frame(b"\x021ABCD", 3),
            Err(FrameError::TooLong { max: 3 })
        );
        assert_eq!(
            decode_frame(b"\x021AB\x02", 100),
            Err(FrameError::Interrupted {
                offset: 4,
                found: STX
            })
        );
        assert_eq!(
            decode_frame(b"X", 100),
            Err(FrameError::NoStx { found: b'X' })
        );
    }
}
