//! Encoding characters (MSH-1, MSH-2) and the character set (MSH-18).

use super::error::Er7Error;

/// The delimiters a message declares in MSH-1 and MSH-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    /// Field separator (MSH-1), usually `|`.
    pub field: u8,
    /// Component separator, usually `^`.
    pub component: u8,
    /// Repetition separator, usually `~`.
    pub repetition: u8,
    /// Escape character, usually `\`.
    pub escape: u8,
    /// Subcomponent separator, usually `&`.
    pub subcomponent: u8,
    /// Truncation character (HL7 2.7+, usually `#`), when MSH-2 has a 5th
    /// character. It is data, never a separator: only `\P\` escapes to it.
    pub truncation: Option<u8>,
}

impl Default for Delimiters {
    fn default() -> Self {
        Delimiters {
            field: b'|',
            component: b'^',
            repetition: b'~',
            escape: b'\\',
            subcomponent: b'&',
            truncation: None,
        }
    }
}

/// Character set of the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Charset {
    /// ISO 8859-1, the default (ASCII is a subset); also used for charsets
    /// this crate cannot decode, so decoding never fails.
    #[default]
    Latin1,
    /// UTF-8 (MSH-18 `UNICODE UTF-8`); invalid sequences are replaced.
    Utf8,
}

impl Charset {
    /// Map MSH-18 (first repetition, as sent) to a charset.
    pub fn from_msh18(value: &[u8]) -> Charset {
        let v = crate::text::trim_spaces(value);
        if v.eq_ignore_ascii_case(b"UNICODE UTF-8") || v.eq_ignore_ascii_case(b"UTF-8") {
            Charset::Utf8
        } else {
            Charset::Latin1
        }
    }
}

/// A byte that can never be a delimiter: letters, digits, space and line ends
/// would make segments ambiguous.
fn usable(b: u8) -> bool {
    b.is_ascii_graphic() && !b.is_ascii_alphanumeric()
}

impl Delimiters {
    /// Read MSH-1 and MSH-2 from the start of a message (`bytes` starts with `MSH`).
    /// `base` is the byte offset of `bytes` in the input, for error positions.
    pub fn from_header(bytes: &[u8], base: usize) -> Result<Delimiters, Er7Error> {
        let field = *bytes
            .get(3)
            .ok_or(Er7Error::MissingFieldSeparator { offset: base + 3 })?;
        if !usable(field) {
            return Err(Er7Error::BadFieldSeparator {
                offset: base + 3,
                byte: field,
            });
        }
        let rest = bytes.get(4..).unwrap_or_default();
        // MSH-2 runs to the next field separator (or line end in a truncated MSH).
        let len = rest
            .iter()
            .position(|&b| b == field || b == b'\r' || b == b'\n')
            .unwrap_or(rest.len());
        let chars = rest.get(..len).unwrap_or_default();
        let bad = |reason| Er7Error::BadEncodingCharacters {
            offset: base + 4,
            reason,
        };
        let [component, repetition, escape, subcomponent, more @ ..] = chars else {
            return Err(bad("expected 4 or 5 characters (e.g. `^~\\&`)"));
        };
        let truncation = match more {
            [] => None,
            [t] => Some(*t),
            _ => return Err(bad("expected 4 or 5 characters, found more")),
        };
        if !chars.iter().all(|&b| usable(b)) {
            return Err(bad(
                "expected punctuation, found a letter, digit, space or control byte",
            ));
        }
        for (i, a) in chars.iter().enumerate() {
            if *a == field || chars.iter().skip(i + 1).any(|b| b == a) {
                return Err(bad("expected all delimiters to differ"));
            }
        }
        Ok(Delimiters {
            field,
            component: *component,
            repetition: *repetition,
            escape: *escape,
            subcomponent: *subcomponent,
            truncation,
        })
    }

    /// True when `b` splits data at any level (field, repetition, component,
    /// subcomponent) or starts an escape, so text containing it must be escaped.
    pub fn is_special(&self, b: u8) -> bool {
        b == self.field
            || b == self.component
            || b == self.repetition
            || b == self.escape
            || b == self.subcomponent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_four_and_five_characters() {
        let d = Delimiters::from_header(b"MSH|^~\\&|X", 0).unwrap();
        assert_eq!(d, Delimiters::default());
        let d = Delimiters::from_header(b"MSH|^~\\&#|X", 0).unwrap();
        assert_eq!(d.truncation, Some(b'#'));
    }

    #[test]
    fn rejects_bad_encoding_characters_with_offset() {
        for bad in [
            &b"MSH|^~|"[..],
            b"MSH|^~\\&#!|",
            b"MSH|^^\\&|",
            b"MSH|^~A&|",
            b"MSH|^~|&|",
        ] {
            match Delimiters::from_header(bad, 10) {
                Err(Er7Error::BadEncodingCharacters { offset, .. }) => assert_eq!(offset, 14),
                other => panic!("{other:?} for {bad:?}"),
            }
        }
        assert!(matches!(
            Delimiters::from_header(b"MSHA^~\\&", 0),
            Err(Er7Error::BadFieldSeparator {
                offset: 3,
                byte: b'A'
            })
        ));
        assert!(matches!(
            Delimiters::from_header(b"MSH", 0),
            Err(Er7Error::MissingFieldSeparator { offset: 3 })
        ));
    }

    #[test]
    fn charset_from_msh18() {
        assert_eq!(Charset::from_msh18(b"UNICODE UTF-8"), Charset::Utf8);
        assert_eq!(Charset::from_msh18(b"8859/1"), Charset::Latin1);
        assert_eq!(Charset::from_msh18(b""), Charset::Latin1);
    }
}
