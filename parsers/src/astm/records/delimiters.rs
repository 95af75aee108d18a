//! The delimiter set a message declares in its H record (`H|\^&`).

use super::RecordError;

/// Field, repeat, component and escape delimiters of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    /// Field delimiter (`|`).
    pub field: u8,
    /// Repeat delimiter (`\`; GeneXpert `@`).
    pub repeat: u8,
    /// Component delimiter (`^`).
    pub component: u8,
    /// Escape delimiter (`&`; GeneXpert `\`); `None` when the header declares
    /// none (Siemens Immulite `H|\^|`), so no escape sequence is decoded.
    pub escape: Option<u8>,
}

impl Default for Delimiters {
    fn default() -> Self {
        Delimiters::DEFAULT
    }
}

/// How a header's delimiter definition was read, when it needed leniency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelimiterQuirk {
    /// `H|\\^&`: the first delimiter written twice (a doubled backslash, as
    /// some generators write it from a string literal); read as `H|\^&`.
    DoubledRepeat,
}

impl Delimiters {
    /// The LIS2-A2 default set `|\^&`.
    pub const DEFAULT: Delimiters = Delimiters {
        field: b'|',
        repeat: b'\\',
        component: b'^',
        escape: Some(b'&'),
    };

    /// Read the delimiters from an H record (`raw` starts with `H`).
    ///
    /// `record` and `offset` only serve the error message. Accepts the
    /// standard 4-character set, a 3-character set without escape (the field
    /// delimiter follows the component delimiter), and leniently a doubled
    /// first delimiter (reported as a [`DelimiterQuirk`]).
    pub fn from_header(
        raw: &[u8],
        record: usize,
        offset: usize,
    ) -> Result<(Delimiters, Option<DelimiterQuirk>), RecordError> {
        let bad = |reason: &'static str| RecordError::BadDelimiters {
            record,
            offset,
            definition: crate::text::latin1(raw.get(..6.min(raw.len())).unwrap_or_default()),
            reason,
        };
        let field = *raw
            .get(1)
            .ok_or_else(|| bad("no field delimiter after `H`"))?;
        // H-2 runs from after the field delimiter up to the next one (or the end).
        let rest = raw.get(2..).unwrap_or_default();
        let def_len = memchr::memchr(field, rest).unwrap_or(rest.len());
        let def = rest.get(..def_len).unwrap_or_default();
        let (def, quirk) = match def {
            // Only a doubled backslash: a generator's unescaped string literal.
            [b'\\', b'\\', _, _] => (
                def.get(1..).unwrap_or_default(),
                Some(DelimiterQuirk::DoubledRepeat),
            ),
            _ => (def, None),
        };
        let (repeat, component, escape) = match *def {
            [r, c, e] => (r, c, Some(e)),
            [r, c] => (r, c, None),
            [] | [_] => return Err(bad("expected repeat, component and escape delimiters")),
            _ => {
                return Err(bad(
                    "expected at most 3 characters between the field delimiters",
                ))
            }
        };
        let mut set = vec![field, repeat, component];
        set.extend(escape);
        if set
            .iter()
            .any(|&b| b.is_ascii_alphanumeric() || b == b'\r' || b == b'\n' || b == b' ')
        {
            return Err(bad(
                "delimiters must not be letters, digits, spaces or line ends",
            ));
        }
        for (i, b) in set.iter().enumerate() {
            if set.get(i + 1..).unwrap_or_default().contains(b) {
                return Err(bad("the same character is used for two delimiters"));
            }
        }
        Ok((
            Delimiters {
                field,
                repeat,
                component,
                escape,
            },
            quirk,
        ))
    }

    /// The delimiter definition as written in H-2 (without the field delimiter).
    pub fn definition(&self) -> Vec<u8> {
        let mut out = vec![self.repeat, self.component];
        out.extend(self.escape);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &[u8]) -> Result<(Delimiters, Option<DelimiterQuirk>), RecordError> {
        Delimiters::from_header(raw, 1, 0)
    }

    #[test]
    fn standard_genexpert_immulite_and_doubled() {
        assert_eq!(read(b"H|\\^&|||x").unwrap(), (Delimiters::DEFAULT, None));
        assert_eq!(read(b"H|\\^&").unwrap(), (Delimiters::DEFAULT, None));
        let (d, _) = read(b"H|@^\\|URM").unwrap();
        assert_eq!((d.repeat, d.component, d.escape), (b'@', b'^', Some(b'\\')));
        let (d, _) = read(b"H|\\^||PASSWORD").unwrap();
        assert_eq!(
            (d.field, d.repeat, d.component, d.escape),
            (b'|', b'\\', b'^', None)
        );
        let (d, q) = read(b"H|\\\\^&|||").unwrap();
        assert_eq!(
            (d, q),
            (Delimiters::DEFAULT, Some(DelimiterQuirk::DoubledRepeat))
        );
    }

    #[test]
    fn rejects_bad_definitions() {
        let err = read(b"H|^^&|").unwrap_err().to_string();
        assert!(err.contains("two delimiters"), "{err}");
        assert!(err.contains("record 1"), "{err}");
        assert!(read(b"H").is_err());
        assert!(read(b"H|").is_err());
        assert!(read(b"H|\\^&x|").is_err());
        assert!(read(b"HA^&\\").is_err());
        assert!(read(b"H|\\|&").is_err());
    }
}
