//! One record and its fields, repeats and components, borrowed from the text.

use std::borrow::Cow;
use std::ops::Range;

use super::{escape, Delimiters};

/// Record type: the first character of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// `H` message header.
    Header,
    /// `P` patient information.
    Patient,
    /// `O` test order.
    Order,
    /// `R` result.
    Result,
    /// `C` comment.
    Comment,
    /// `Q` request information (host query).
    Query,
    /// `M` manufacturer information.
    Manufacturer,
    /// `S` scientific (ASTM E1394 only).
    Scientific,
    /// `L` message terminator.
    Terminator,
    /// Any other first byte (manufacturer-specific records); kept as a generic record.
    Other(u8),
}

impl RecordType {
    /// Classify a record by its first byte.
    pub fn from_byte(b: u8) -> RecordType {
        match b {
            b'H' => RecordType::Header,
            b'P' => RecordType::Patient,
            b'O' => RecordType::Order,
            b'R' => RecordType::Result,
            b'C' => RecordType::Comment,
            b'Q' => RecordType::Query,
            b'M' => RecordType::Manufacturer,
            b'S' => RecordType::Scientific,
            b'L' => RecordType::Terminator,
            other => RecordType::Other(other),
        }
    }

    /// The record-type byte as sent.
    pub fn byte(self) -> u8 {
        match self {
            RecordType::Header => b'H',
            RecordType::Patient => b'P',
            RecordType::Order => b'O',
            RecordType::Result => b'R',
            RecordType::Comment => b'C',
            RecordType::Query => b'Q',
            RecordType::Manufacturer => b'M',
            RecordType::Scientific => b'S',
            RecordType::Terminator => b'L',
            RecordType::Other(b) => b,
        }
    }
}

/// One record, borrowing its bytes from the record text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    raw: &'a [u8],
    number: usize,
    offset: usize,
    delimiters: Delimiters,
}

impl<'a> Record<'a> {
    /// A record from its bytes (no separator, leading spaces already trimmed).
    /// `number` (1-based, counted over the whole text) and `offset` (byte
    /// position in the text) only serve messages that point at it.
    pub fn new(raw: &'a [u8], number: usize, offset: usize, delimiters: Delimiters) -> Self {
        Record {
            raw,
            number,
            offset,
            delimiters,
        }
    }

    /// The record's bytes as received, escapes not decoded.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// 1-based record number in the text it was read from.
    pub fn number(&self) -> usize {
        self.number
    }

    /// Byte range of the record in the text (without its separator).
    pub fn span(&self) -> Range<usize> {
        self.offset..self.offset + self.raw.len()
    }

    /// The delimiters of the message the record belongs to.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// Record type, from the first byte (`Other(0)` for an empty record).
    pub fn kind(&self) -> RecordType {
        RecordType::from_byte(self.raw.first().copied().unwrap_or(0))
    }

    /// Field `n` with LIS2-A2 numbering: field 1 is the record type, and in
    /// the H record field 2 is the delimiter definition. Fields the sender
    /// left off (and `n == 0`) read as empty.
    pub fn field(&self, n: usize) -> Field<'a> {
        let raw = n
            .checked_sub(1)
            .and_then(|i| self.raw.split(|&b| b == self.delimiters.field).nth(i))
            .unwrap_or_default();
        Field::new(raw, self.delimiters)
    }

    /// Number of fields present (trailing empty fields included).
    pub fn field_count(&self) -> usize {
        self.raw.split(|&b| b == self.delimiters.field).count()
    }
}

/// A field, repeat or component value, borrowing from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    raw: &'a [u8],
    delimiters: Delimiters,
}

impl<'a> Field<'a> {
    /// A value over raw (still escaped) bytes.
    pub fn new(raw: &'a [u8], delimiters: Delimiters) -> Self {
        Field { raw, delimiters }
    }

    /// The bytes as received: padding kept, escapes not decoded.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The value as text: padding trimmed, escapes decoded, Latin-1 decoded.
    /// Delimiters inside a field that has repeats or components are kept as sent.
    pub fn text(&self) -> Cow<'a, str> {
        escape::decode_text(self.raw, &self.delimiters)
    }

    /// The value as text, or `None` when it is empty after trimming.
    pub fn non_empty(&self) -> Option<Cow<'a, str>> {
        Some(self.text()).filter(|t| !t.is_empty())
    }

    /// The value as decoded bytes (escapes decoded, padding kept).
    pub fn bytes(&self) -> Cow<'a, [u8]> {
        escape::unescape(self.raw, &self.delimiters)
    }

    /// True when the value is empty or only spaces.
    pub fn is_empty(&self) -> bool {
        self.raw.iter().all(|&b| b == b' ')
    }

    /// The repeats of the field (one repeat when the field does not repeat).
    pub fn repeats(&self) -> impl Iterator<Item = Field<'a>> + 'a {
        self.split(self.delimiters.repeat)
    }

    /// The components of the field (or of one repeat).
    pub fn components(&self) -> impl Iterator<Item = Field<'a>> + 'a {
        self.split(self.delimiters.component)
    }

    /// Repeat `n`, 1-based; empty when absent.
    pub fn repeat(&self, n: usize) -> Field<'a> {
        self.nth(self.delimiters.repeat, n)
    }

    /// Component `n`, 1-based; empty when absent.
    pub fn component(&self, n: usize) -> Field<'a> {
        self.nth(self.delimiters.component, n)
    }

    /// The first component that is not empty after trimming, as text.
    pub fn first_non_empty_component(&self) -> Option<Cow<'a, str>> {
        self.components().find_map(|c| c.non_empty())
    }

    fn split(&self, delimiter: u8) -> impl Iterator<Item = Field<'a>> + 'a {
        let delimiters = self.delimiters;
        self.raw
            .split(move |&b| b == delimiter)
            .map(move |raw| Field::new(raw, delimiters))
    }

    fn nth(&self, delimiter: u8, n: usize) -> Field<'a> {
        n.checked_sub(1)
            .and_then(|i| self.split(delimiter).nth(i))
            .unwrap_or(Field::new(&[], self.delimiters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lis2_numbering_repeats_and_components() {
        let r = Record::new(
            b"O|1||^^                    27^M|^^^^WBC\\^^^^RBC",
            4,
            100,
            Delimiters::DEFAULT,
        );
        assert_eq!(r.kind(), RecordType::Order);
        assert_eq!(r.field(1).text(), "O");
        assert_eq!(r.field(2).text(), "1");
        assert!(r.field(3).is_empty());
        assert_eq!(r.field(4).component(3).text(), "27");
        assert_eq!(
            r.field(4).first_non_empty_component().as_deref(),
            Some("27")
        );
        let tests: Vec<_> = r
            .field(5)
            .repeats()
            .map(|t| t.component(5).text())
            .collect();
        assert_eq!(tests, ["WBC", "RBC"]);
        assert!(r.field(0).is_empty() && r.field(99).is_empty());
        assert!(r.field(5).repeat(3).is_empty() && r.field(5).component(0).is_empty());
        assert_eq!(r.field_count(), 5);
        assert_eq!(r.span(), 100..100 + r.raw().len());
    }

    #[test]
    fn unknown_and_empty_types() {
        assert_eq!(RecordType::from_byte(b'X'), RecordType::Other(b'X'));
        assert_eq!(RecordType::Other(b'X').byte(), b'X');
        assert_eq!(
            Record::new(b"", 1, 0, Delimiters::DEFAULT).kind(),
            RecordType::Other(0)
        );
    }
}
