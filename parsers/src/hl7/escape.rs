//! HL7 escape sequences: decoding on access (so untouched fields cost
//! nothing) and an encoder for text we write (ACKs, tests).
//!
//! Decoded: `\F\ \S\ \T\ \R\ \E\` (delimiters), `\P\` (truncation character,
//! when declared), `\Xhh…\` (hex bytes, then read in the message charset) and
//! `\.br\` (line break → `\n`). Other formatting escapes (`\.sp\`, `\.in\`,
//! `\H\`, `\N\`, `\Z…\`, `\C…\`, `\M…\`) are kept verbatim, escape
//! characters included, so no information is lost; malformed or unterminated
//! escapes are kept verbatim too.

use std::borrow::Cow;

use memchr::memchr;

use super::delimiters::{Charset, Delimiters};

/// Decode bytes in `charset` without copying when they are plain ASCII (or valid UTF-8).
pub fn decode_charset(bytes: &[u8], charset: Charset) -> Cow<'_, str> {
    match charset {
        Charset::Utf8 => String::from_utf8_lossy(bytes),
        Charset::Latin1 => match std::str::from_utf8(bytes) {
            Ok(s) if bytes.is_ascii() => Cow::Borrowed(s),
            _ => Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
        },
    }
}

fn decode_owned(bytes: Vec<u8>, charset: Charset) -> String {
    match decode_charset(&bytes, charset) {
        Cow::Borrowed(_) => String::from_utf8(bytes).unwrap_or_default(),
        Cow::Owned(s) => s,
    }
}

/// Unescape `raw` (one field, component or subcomponent as sent) and decode it.
pub fn unescape<'a>(raw: &'a [u8], delims: &Delimiters, charset: Charset) -> Cow<'a, str> {
    if memchr(delims.escape, raw).is_none() {
        return decode_charset(raw, charset);
    }
    Cow::Owned(decode_owned(unescape_bytes(raw, delims), charset))
}

/// Unescape to bytes, before charset decoding (`\Xhh\` yields raw bytes).
pub fn unescape_bytes(raw: &[u8], delims: &Delimiters) -> Vec<u8> {
    let esc = delims.escape;
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = memchr(esc, rest) {
        out.extend_from_slice(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 1..).unwrap_or_default();
        let Some(end) = memchr(esc, after) else {
            // Unterminated: keep the rest verbatim.
            out.extend_from_slice(rest.get(start..).unwrap_or_default());
            return out;
        };
        let seq = after.get(..end).unwrap_or_default();
        if !decode_sequence(seq, delims, &mut out) {
            out.push(esc);
            out.extend_from_slice(seq);
            out.push(esc);
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out
}

/// Append the meaning of one escape sequence; false when it is kept verbatim.
fn decode_sequence(seq: &[u8], d: &Delimiters, out: &mut Vec<u8>) -> bool {
    let byte = match seq {
        b"F" => d.field,
        b"S" => d.component,
        b"T" => d.subcomponent,
        b"R" => d.repetition,
        b"E" => d.escape,
        b"P" => match d.truncation {
            Some(t) => t,
            None => return false,
        },
        b".br" => b'\n',
        [b'X', hex @ ..] => return decode_hex(hex, out),
        _ => return false,
    };
    out.push(byte);
    true
}

fn decode_hex(hex: &[u8], out: &mut Vec<u8>) -> bool {
    let pairs = hex.chunks_exact(2);
    if hex.is_empty() || !pairs.remainder().is_empty() || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let nibble = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
    for pair in pairs {
        if let [hi, lo] = pair {
            out.push(nibble(*hi) << 4 | nibble(*lo));
        }
    }
    true
}

/// Escape `text` for writing into one subcomponent of a message with `delims`,
/// in `charset`. Delimiters become `\F\` etc., `\n` becomes `\.br\`, other
/// control characters and (in Latin-1) characters outside Latin-1 become
/// `\Xhh\` (for the latter, their UTF-8 bytes: lossy, but never a broken segment).
pub fn escape(text: &str, delims: &Delimiters, charset: Charset) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    escape_into(text, delims, charset, &mut out);
    out
}

/// [`escape`] appending to `out`.
pub fn escape_into(text: &str, d: &Delimiters, charset: Charset, out: &mut Vec<u8>) {
    let mut utf8 = [0u8; 4];
    for ch in text.chars() {
        let code = u32::from(ch);
        let seq: Option<&[u8]> = match code {
            c if c == u32::from(d.field) => Some(b"F"),
            c if c == u32::from(d.component) => Some(b"S"),
            c if c == u32::from(d.subcomponent) => Some(b"T"),
            c if c == u32::from(d.repetition) => Some(b"R"),
            c if c == u32::from(d.escape) => Some(b"E"),
            0x0a => Some(b".br"),
            _ => None,
        };
        if let Some(seq) = seq {
            out.push(d.escape);
            out.extend_from_slice(seq);
            out.push(d.escape);
        } else if code < 0x20 || code == 0x7f {
            push_hex(&[code as u8], d.escape, out);
        } else if code < 0x80 {
            out.push(code as u8);
        } else {
            match (charset, u8::try_from(code)) {
                (Charset::Latin1, Ok(b)) => out.push(b),
                (Charset::Latin1, Err(_)) => {
                    push_hex(ch.encode_utf8(&mut utf8).as_bytes(), d.escape, out)
                }
                (Charset::Utf8, _) => out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes()),
            }
        }
    }
}

fn push_hex(bytes: &[u8], esc: u8, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(esc);
    out.push(b'X');
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0x0f)]);
    }
    out.push(esc);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn un(raw: &str) -> String {
        unescape(raw.as_bytes(), &Delimiters::default(), Charset::Latin1).into_owned()
    }

    #[test]
    fn decodes_delimiters_hex_and_line_breaks() {
        assert_eq!(un(r"a\F\b\S\c\T\d\R\e\E\f"), r"a|b^c&d~e\f");
        assert_eq!(un(r"M\XFC\ller"), "Müller");
        assert_eq!(un(r"line1\.br\line2"), "line1\nline2");
        assert!(matches!(
            unescape(b"plain", &Delimiters::default(), Charset::Latin1),
            Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn keeps_unknown_and_broken_escapes_verbatim() {
        assert_eq!(un(r"\H\bold\N\"), r"\H\bold\N\");
        assert_eq!(un(r"a\.sp\b"), r"a\.sp\b");
        assert_eq!(un(r"\XZZ\"), r"\XZZ\");
        assert_eq!(un(r"\X1\"), r"\X1\");
        assert_eq!(un(r"tail\F"), r"tail\F");
        assert_eq!(un(r"\P\"), r"\P\");
        let five = Delimiters {
            truncation: Some(b'#'),
            ..Delimiters::default()
        };
        assert_eq!(unescape(br"\P\", &five, Charset::Latin1), "#");
    }

    #[test]
    fn utf8_charset() {
        let d = Delimiters::default();
        assert_eq!(unescape("Zoë".as_bytes(), &d, Charset::Utf8), "Zoë");
        assert_eq!(unescape(br"\XC3AB\", &d, Charset::Utf8), "ë");
    }

    #[test]
    fn encodes_what_would_break_a_segment() {
        let d = Delimiters::default();
        assert_eq!(
            escape("a|b^c\r\nd€", &d, Charset::Latin1),
            br"a\F\b\S\c\X0D\\.br\d\XE282AC\".to_vec()
        );
        assert_eq!(escape("é", &d, Charset::Latin1), vec![0xe9]);
    }
}
