//! Zero-copy ER7 message: one memchr pass finds segment ends and records
//! their ranges; fields are split only when asked for.

use std::ops::Range;

use memchr::{memchr2_iter, memchr_iter};

use super::delimiters::{Charset, Delimiters};
use super::error::Er7Error;
use super::value::{nth_piece, Value};

/// A parsed HL7 v2 message borrowing the input bytes.
#[derive(Clone)]
pub struct Message<'a> {
    bytes: &'a [u8],
    delims: Delimiters,
    charset: Charset,
    segments: Vec<Range<usize>>,
}

impl std::fmt::Debug for Message<'_> {
    // Never print contents: messages carry patient data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message")
            .field("bytes", &self.bytes.len())
            .field("segments", &self.segments.len())
            .field("delimiters", &self.delims)
            .field("charset", &self.charset)
            .finish()
    }
}

/// True when `id` is 3 ASCII letters/digits (upper-case letters per the
/// standard; lower-case is tolerated since some senders use it for Z-segments).
fn valid_id(id: &[u8]) -> bool {
    id.len() == 3 && id.iter().all(u8::is_ascii_alphanumeric)
}

impl<'a> Message<'a> {
    /// Parse one message. Segments may end with CR, LF or CRLF; blank lines
    /// are skipped. The first segment must be MSH with valid encoding characters.
    pub fn parse(bytes: &'a [u8]) -> Result<Message<'a>, Er7Error> {
        // Typical segments are ~100-400 bytes; a guess avoids regrowth.
        let mut segments = Vec::with_capacity(bytes.len() / 128 + 4);
        let mut start = 0;
        for end in memchr2_iter(b'\r', b'\n', bytes).chain(std::iter::once(bytes.len())) {
            if end > start {
                segments.push(start..end);
            }
            start = end + 1;
        }
        let first = segments.first().ok_or(Er7Error::Empty)?.clone();
        let head = bytes.get(first.clone()).unwrap_or_default();
        if !head.starts_with(b"MSH") {
            return Err(Er7Error::NoMsh {
                offset: first.start,
            });
        }
        let delims = Delimiters::from_header(head, first.start)?;
        for (i, range) in segments.iter().enumerate().skip(1) {
            let seg = bytes.get(range.clone()).unwrap_or_default();
            let ok = valid_id(seg.get(..3).unwrap_or(seg))
                && seg.get(3).copied().unwrap_or(delims.field) == delims.field;
            if !ok {
                return Err(Er7Error::BadSegmentId {
                    segment: i + 1,
                    offset: range.start,
                });
            }
        }
        let mut msg = Message {
            bytes,
            delims,
            charset: Charset::Latin1,
            segments,
        };
        let msh18 = msg.msh().field(18).repetition(1);
        msg.charset = Charset::from_msh18(msh18.raw());
        Ok(msg)
    }

    /// The input bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Delimiters declared in MSH-1/MSH-2.
    pub fn delimiters(&self) -> Delimiters {
        self.delims
    }

    /// Charset from MSH-18 (Latin-1 unless `UNICODE UTF-8`).
    pub fn charset(&self) -> Charset {
        self.charset
    }

    /// Number of segments.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Segment by 0-based position.
    pub fn segment_at(&self, index: usize) -> Option<Segment<'a>> {
        let range = self.segments.get(index)?;
        Some(Segment {
            raw: self.bytes.get(range.clone()).unwrap_or_default(),
            offset: range.start,
            number: index + 1,
            delims: self.delims,
            charset: self.charset,
        })
    }

    /// The MSH segment (always the first).
    pub fn msh(&self) -> Segment<'a> {
        self.segment_at(0).unwrap_or(Segment {
            raw: &[],
            offset: 0,
            number: 1,
            delims: self.delims,
            charset: self.charset,
        })
    }

    /// All segments in order.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment<'a>> + '_ {
        let (bytes, delims, charset) = (self.bytes, self.delims, self.charset);
        self.segments
            .iter()
            .enumerate()
            .map(move |(i, range)| Segment {
                raw: bytes.get(range.clone()).unwrap_or_default(),
                offset: range.start,
                number: i + 1,
                delims,
                charset,
            })
    }

    /// All segments with the given id (e.g. `"OBX"`), in order.
    pub fn segments_by_id<'s>(&'s self, id: &'s str) -> impl Iterator<Item = Segment<'a>> + 's {
        self.segments()
            .filter(move |s| s.id_bytes() == id.as_bytes())
    }

    /// First segment with the given id.
    pub fn segment(&self, id: &str) -> Option<Segment<'a>> {
        self.segments_by_id(id).next()
    }
}

/// One segment of a [`Message`].
#[derive(Clone, Copy)]
pub struct Segment<'a> {
    raw: &'a [u8],
    offset: usize,
    number: usize,
    delims: Delimiters,
    charset: Charset,
}

impl std::fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Segment({} #{} @{})",
            self.id(),
            self.number,
            self.offset
        )
    }
}

impl<'a> Segment<'a> {
    /// Segment id bytes (`MSH`, `OBX`, …).
    pub fn id_bytes(&self) -> &'a [u8] {
        self.raw.get(..3).unwrap_or(self.raw)
    }

    /// Segment id as text (ids are validated ASCII at parse time).
    pub fn id(&self) -> &'a str {
        std::str::from_utf8(self.id_bytes()).unwrap_or("")
    }

    /// 1-based segment number in the message.
    pub fn number(&self) -> usize {
        self.number
    }

    /// Byte offset of the segment in the message.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The segment bytes as sent, without the line end.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    fn is_msh(&self) -> bool {
        self.id_bytes() == b"MSH"
    }

    /// Field `n` (1-based, standard numbering: MSH-1 is the field separator
    /// itself, MSH-2 the encoding characters). Empty when not sent.
    pub fn field(&self, n: usize) -> Value<'a> {
        Value::new(self.field_bytes(n), self.delims, self.charset)
    }

    fn field_bytes(&self, n: usize) -> &'a [u8] {
        match (self.is_msh(), n) {
            (_, 0) => &[],
            (true, 1) => self.raw.get(3..4).unwrap_or_default(),
            (true, n) => nth_piece(self.raw, self.delims.field, n - 1),
            (false, n) => nth_piece(self.raw, self.delims.field, n),
        }
    }

    /// Number of the last field present (MSH counts MSH-1).
    pub fn field_count(&self) -> usize {
        let seps = memchr_iter(self.delims.field, self.raw).count();
        // MSH-1 is the first separator itself, so MSH has one field more.
        seps + usize::from(self.is_msh())
    }

    /// Fields 1..=N split in one pass; index `i` holds field `i` (index 0 is
    /// the segment id). Typed views use this so reading many fields costs one scan.
    pub fn field_table<const N: usize>(&self) -> [&'a [u8]; N] {
        let mut table: [&'a [u8]; N] = [&[]; N];
        // Piece k of the split is field k, except MSH where it is field k+1.
        let shift = usize::from(self.is_msh());
        let mut start = 0;
        let ends = memchr_iter(self.delims.field, self.raw).chain(std::iter::once(self.raw.len()));
        for (k, pos) in ends.enumerate() {
            let Some(slot) = table.get_mut(k + shift) else {
                break;
            };
            *slot = self.raw.get(start..pos).unwrap_or_default();
            start = pos + 1;
        }
        if self.is_msh() {
            if let Some(slot) = table.get_mut(1) {
                *slot = self.raw.get(3..4).unwrap_or_default();
            }
            if let Some(slot) = table.get_mut(0) {
                *slot = self.id_bytes();
            }
        }
        table
    }

    /// Wrap raw field bytes (from [`Segment::field_table`]) as a [`Value`].
    pub fn value(&self, raw: &'a [u8]) -> Value<'a> {
        Value::new(raw, self.delims, self.charset)
    }
}
