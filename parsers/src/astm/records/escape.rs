//! Escape sequences inside field values: `&F& &S& &R& &E& &Xhh…&`, written
//! with the message's own escape delimiter.
//!
//! Decoding happens only when a value is read, and borrows the raw record when
//! there is nothing to decode.

use std::borrow::Cow;

use super::Delimiters;
use crate::text::{latin1, trim_spaces};

/// Decode the escape sequences in `raw`.
///
/// Lenient: an escape delimiter that does not start a known sequence is kept
/// as a literal character (senders forget to escape `&` in free text).
pub fn unescape<'a>(raw: &'a [u8], delimiters: &Delimiters) -> Cow<'a, [u8]> {
    let Some(esc) = delimiters.escape else {
        return Cow::Borrowed(raw);
    };
    if memchr::memchr(esc, raw).is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b != esc {
            out.push(b);
            i += 1;
            continue;
        }
        let body_start = i + 1;
        let rest = raw.get(body_start..).unwrap_or_default();
        let decoded = memchr::memchr(esc, rest).and_then(|len| {
            let body = rest.get(..len)?;
            decode_sequence(body, delimiters, esc).map(|bytes| (bytes, len))
        });
        match decoded {
            Some((bytes, len)) => {
                out.extend(bytes);
                i = body_start + len + 1;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// The bytes one sequence body (between two escape delimiters) stands for.
fn decode_sequence(body: &[u8], d: &Delimiters, esc: u8) -> Option<Vec<u8>> {
    match body {
        b"F" => Some(vec![d.field]),
        b"S" => Some(vec![d.component]),
        b"R" => Some(vec![d.repeat]),
        b"E" => Some(vec![esc]),
        [b'X' | b'x', hex @ ..] if !hex.is_empty() && hex.len() % 2 == 0 => hex
            .chunks(2)
            .map(|pair| {
                // from_str_radix alone would also accept a sign (`+1`).
                if !pair.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let s = std::str::from_utf8(pair).ok()?;
                u8::from_str_radix(s, 16).ok()
            })
            .collect(),
        _ => None,
    }
}

/// Encode a value (Latin-1 bytes) for one field, component or repeat.
///
/// Delimiters and the escape character become `&F& &S& &R& &E&`, CR and LF
/// become `&X0D&` `&X0A&` (they end a record), and leading or trailing spaces
/// become `&X20&` so that reading, which trims padding, gives them back.
/// Returns `None` when something must be escaped but the message declares no
/// escape delimiter (Immulite).
pub fn escape(text: &[u8], delimiters: &Delimiters) -> Option<Vec<u8>> {
    let lead = text.iter().take_while(|&&b| b == b' ').count();
    let trail = text.iter().rev().take_while(|&&b| b == b' ').count();
    let body_end = text.len().saturating_sub(trail).max(lead);
    let mut out = Vec::with_capacity(text.len() + 8);
    for (i, &b) in text.iter().enumerate() {
        let padding = b == b' ' && (i < lead || i >= body_end);
        let code: Option<&[u8]> = if b == delimiters.field {
            Some(b"F")
        } else if b == delimiters.component {
            Some(b"S")
        } else if b == delimiters.repeat {
            Some(b"R")
        } else if Some(b) == delimiters.escape {
            Some(b"E")
        } else if b == b'\r' {
            Some(b"X0D")
        } else if b == b'\n' {
            Some(b"X0A")
        } else if padding {
            Some(b"X20")
        } else {
            None
        };
        match code {
            None => out.push(b),
            Some(code) => {
                let esc = delimiters.escape?;
                out.push(esc);
                out.extend_from_slice(code);
                out.push(esc);
            }
        }
    }
    Some(out)
}

/// Read a value as text: trim space padding, decode escapes, decode Latin-1.
/// Borrows the record when the value is ASCII and has no escape sequence.
pub fn decode_text<'a>(raw: &'a [u8], delimiters: &Delimiters) -> Cow<'a, str> {
    match unescape(trim_spaces(raw), delimiters) {
        Cow::Borrowed(bytes) if bytes.is_ascii() => match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(latin1(bytes)),
        },
        other => Cow::Owned(latin1(&other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENEXPERT: Delimiters = Delimiters {
        field: b'|',
        repeat: b'@',
        component: b'^',
        escape: Some(b'\\'),
    };

    #[test]
    fn decodes_the_standard_sequences() {
        let d = Delimiters::DEFAULT;
        assert_eq!(&*unescape(b"a&F&b&S&c&R&d&E&e", &d), b"a|b^c\\d&e");
        assert_eq!(&*unescape(b"&X0D0A&&xe9&", &d), b"\r\n\xe9");
        assert_eq!(&*unescape(b"x\\F\\y\\R\\", &GENEXPERT), b"x|y@");
        assert_eq!(&*unescape(b"PNG&R&2024", &d), b"PNG\\2024");
    }

    #[test]
    fn unknown_or_unclosed_sequences_stay_literal() {
        let d = Delimiters::DEFAULT;
        assert_eq!(&*unescape(b"Tom & Jerry &F& x", &d), b"Tom & Jerry | x");
        assert_eq!(&*unescape(b"a&", &d), b"a&");
        assert_eq!(&*unescape(b"&X1&&Xzz&&&&X+1&", &d), b"&X1&&Xzz&&&&X+1&");
    }

    #[test]
    fn borrows_when_nothing_to_decode() {
        let d = Delimiters::DEFAULT;
        assert!(matches!(
            decode_text(b"  40.13 ", &d),
            Cow::Borrowed("40.13")
        ));
        assert!(matches!(decode_text(b"a&F&b", &d), Cow::Owned(_)));
        assert_eq!(decode_text(b"M\xfcller", &d), "Müller");
    }

    #[test]
    fn escape_needs_an_escape_delimiter() {
        let immulite = Delimiters {
            escape: None,
            ..Delimiters::DEFAULT
        };
        assert_eq!(escape(b"plain", &immulite).as_deref(), Some(&b"plain"[..]));
        assert_eq!(escape(b"a|b", &immulite), None);
        assert_eq!(
            escape(b" a|b ", &Delimiters::DEFAULT).unwrap(),
            b"&X20&a&F&b&X20&"
        );
    }
}
