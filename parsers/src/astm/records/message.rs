//! Splitting record text into records, and records into H … L messages.

use std::ops::Range;

use super::hierarchy::Hierarchy;
use super::views::{HeaderRecord, TerminatorRecord};
use super::{DelimiterQuirk, Delimiters, Record, RecordError, RecordType};

/// The records of one transfer (or one file), grouped into messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer<'a> {
    /// Messages in order; each starts with an H record.
    pub messages: Vec<Message<'a>>,
    /// Problems that lost nothing: unknown record types, a missing L, lenient
    /// delimiter definitions. Name record numbers and offsets, never values.
    pub warnings: Vec<String>,
}

/// One message: an H record, the records after it, normally ending with L.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<'a> {
    records: Vec<Record<'a>>,
    span: Range<usize>,
    terminated: bool,
}

impl<'a> Message<'a> {
    /// All records, the H record first.
    pub fn records(&self) -> &[Record<'a>] {
        &self.records
    }

    /// Number of records, H and L included.
    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    /// Byte range in the text, from the H record to the separator after the
    /// last record (inclusive), so consecutive messages' spans tile the text.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// True when an L record was seen.
    pub fn is_terminated(&self) -> bool {
        self.terminated
    }

    /// The delimiters declared by the H record.
    pub fn delimiters(&self) -> Delimiters {
        self.records
            .first()
            .map(Record::delimiters)
            .unwrap_or_default()
    }

    /// The H record.
    pub fn header(&self) -> Option<HeaderRecord<'a>> {
        self.records.first().and_then(|r| HeaderRecord::new(*r))
    }

    /// The L record, if one was sent.
    pub fn terminator(&self) -> Option<TerminatorRecord<'a>> {
        self.records
            .iter()
            .rev()
            .find_map(|r| TerminatorRecord::new(*r))
    }

    /// The C records that belong to record `index` (the run right after it).
    pub fn comments_of(&self, index: usize) -> impl Iterator<Item = Record<'a>> + '_ {
        self.records
            .get(index + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|r| r.kind() == RecordType::Comment)
            .copied()
    }

    /// The P → O → R → C hierarchy, as indices into [`Message::records`].
    pub fn hierarchy(&self) -> Hierarchy {
        Hierarchy::of(&self.records)
    }
}

/// Read record text: records separated by CR, LF or CRLF (blank lines and
/// leading spaces ignored), grouped into messages at each H record.
///
/// Fails only when the first record is not a usable H record; every later
/// problem becomes a warning and the records are kept.
pub fn parse_transfer(text: &[u8]) -> Result<Transfer<'_>, RecordError> {
    let mut messages: Vec<Message<'_>> = Vec::new();
    let mut warnings = Vec::new();
    let mut delimiters = Delimiters::DEFAULT;
    for (index, line) in lines(text).enumerate() {
        let number = index + 1;
        let (raw, offset, end) = line;
        let kind = RecordType::from_byte(raw.first().copied().unwrap_or(0));
        let at = format!("record {number} at byte {offset}");
        if kind == RecordType::Header {
            match Delimiters::from_header(raw, number, offset) {
                Ok((found, quirk)) => {
                    delimiters = found;
                    if quirk == Some(DelimiterQuirk::DoubledRepeat) {
                        warnings.push(format!(
                            "{at}: delimiter definition has a doubled backslash; read as `\\^&`"
                        ));
                    }
                }
                Err(e) if messages.is_empty() => return Err(e),
                Err(e) => warnings.push(format!("{e}; kept the previous message's delimiters")),
            }
            if let Some(open) = messages.last().filter(|m| !m.terminated) {
                warnings.push(missing_l(open));
            }
            messages.push(Message {
                records: Vec::new(),
                span: offset..end,
                terminated: false,
            });
        }
        let Some(message) = messages.last_mut() else {
            return Err(RecordError::NotHeader {
                record: number,
                offset,
                found: kind.byte() as char,
            });
        };
        match kind {
            RecordType::Other(b) => warnings.push(format!(
                "{at}: unknown record type {:?}; kept as a generic record",
                b as char
            )),
            _ if message.terminated => warnings.push(format!(
                "{at}: {:?} record after the L record; kept in that message",
                kind.byte() as char
            )),
            _ => {}
        }
        message.terminated |= kind == RecordType::Terminator;
        message.span.end = end;
        message
            .records
            .push(Record::new(raw, number, offset, delimiters));
    }
    match messages.last() {
        None => return Err(RecordError::Empty),
        Some(open) if !open.terminated => warnings.push(missing_l(open)),
        Some(_) => {}
    }
    Ok(Transfer { messages, warnings })
}

fn missing_l(message: &Message<'_>) -> String {
    let first = message.records.first().map_or(0, Record::number);
    let last = message.records.last().map_or(0, Record::number);
    format!("message of records {first}..={last} has no L record; kept as is")
}

/// Non-blank records: (bytes without leading spaces, offset, end incl. separator).
fn lines(text: &[u8]) -> impl Iterator<Item = (&[u8], usize, usize)> {
    let mut pos = 0;
    std::iter::from_fn(move || loop {
        let rest = text.get(pos..).filter(|r| !r.is_empty())?;
        let (len, sep) = match memchr::memchr2(b'\r', b'\n', rest) {
            Some(i) if rest.get(i..i + 2) == Some(b"\r\n") => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        let start = pos;
        pos += len + sep;
        let line = rest.get(..len).unwrap_or_default();
        let lead = line.iter().take_while(|&&b| b == b' ').count();
        if let Some(raw) = line.get(lead..).filter(|r| !r.is_empty()) {
            return Some((raw, start + lead, pos));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_messages_with_spans_and_lenient_separators() {
        let text = b"H|\\^&\rP|1\r\nO|1|S1\n\n  R|1|^^^A|1\rL|1|N\rH|\\^&\rL|1\r";
        let t = parse_transfer(text).unwrap();
        assert_eq!(t.messages.len(), 2);
        assert!(t.warnings.is_empty(), "{:?}", t.warnings);
        let (a, b) = (&t.messages[0], &t.messages[1]);
        assert_eq!((a.record_count(), b.record_count()), (5, 2));
        assert_eq!(a.span(), 0..38);
        assert_eq!(b.span(), 38..text.len());
        assert_eq!(a.records()[3].raw(), b"R|1|^^^A|1");
        assert_eq!(a.records()[3].number(), 4);
        assert!(a.is_terminated() && a.terminator().is_some());
    }

    #[test]
    fn missing_l_unknown_type_and_records_after_l_are_warnings() {
        let t = parse_transfer(b"H|\\^&\rZ|1|x\rL|1\rR|2\rH|\\^&\rP|1").unwrap();
        assert_eq!(t.messages.len(), 2);
        assert_eq!(t.messages[0].record_count(), 4);
        assert!(!t.messages[1].is_terminated());
        let all = t.warnings.join("\n");
        assert!(
            all.contains("record 2 at byte 6: unknown record type 'Z'"),
            "{all}"
        );
        assert!(
            all.contains("record 4 at byte 16: 'R' record after the L record"),
            "{all}"
        );
        assert!(all.contains("records 5..=6 has no L record"), "{all}");
    }

    #[test]
    fn errors_name_the_first_record() {
        let e = parse_transfer(b"\r\n  P|1|secret\rL|1").unwrap_err();
        assert_eq!(
            e,
            RecordError::NotHeader {
                record: 1,
                offset: 4,
                found: 'P'
            }
        );
        assert!(!e.to_string().contains("secret"));
        assert_eq!(parse_transfer(b" \r\n\r").unwrap_err(), RecordError::Empty);
        let e = parse_transfer(b"H|\\\\^|\rL|1").unwrap_err().to_string();
        assert!(
            e.starts_with("record 1 at byte 0: bad delimiter definition"),
            "{e}"
        );
    }

    #[test]
    fn a_later_bad_header_keeps_the_earlier_delimiters() {
        let t = parse_transfer(b"H|@^\\\rL|1\rH|^^\rR|1|a@b\rL|1").unwrap();
        assert_eq!(t.messages.len(), 2);
        assert_eq!(t.messages[1].delimiters().repeat, b'@');
        assert!(t.warnings[0].contains("record 3"), "{:?}", t.warnings);
    }
}
