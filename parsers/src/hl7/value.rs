//! [`Value`]: a borrowed piece of a segment (field, repetition, component or
//! subcomponent) that splits further lazily and unescapes only when read.

use std::borrow::Cow;

use memchr::{memchr, memchr_iter};

use super::delimiters::{Charset, Delimiters};
use super::escape::unescape;

/// Piece `n` (0-based) of `raw` split at `sep`; empty when absent.
pub(crate) fn nth_piece(raw: &[u8], sep: u8, n: usize) -> &[u8] {
    let mut start = 0;
    let mut seen = 0;
    for pos in memchr_iter(sep, raw) {
        if seen == n {
            return raw.get(start..pos).unwrap_or_default();
        }
        seen += 1;
        start = pos + 1;
    }
    if seen == n {
        raw.get(start..).unwrap_or_default()
    } else {
        &[]
    }
}

/// Everything before the first `sep` (all of `raw` when there is none).
fn first_piece(raw: &[u8], sep: u8) -> &[u8] {
    match memchr(sep, raw) {
        Some(end) => raw.get(..end).unwrap_or_default(),
        None => raw,
    }
}

/// A borrowed part of a message. Indices are 1-based as in the standard;
/// asking for a part that was not sent gives an empty value, never an error.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    raw: &'a [u8],
    delims: Delimiters,
    charset: Charset,
}

impl std::fmt::Debug for Value<'_> {
    // Values may hold patient data: show only the size.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Value({} bytes)", self.raw.len())
    }
}

impl<'a> Value<'a> {
    /// Wrap raw bytes.
    pub fn new(raw: &'a [u8], delims: Delimiters, charset: Charset) -> Self {
        Value {
            raw,
            delims,
            charset,
        }
    }

    fn wrap(&self, raw: &'a [u8]) -> Value<'a> {
        Value { raw, ..*self }
    }

    /// The bytes as sent (still escaped, still delimited).
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// True when nothing was sent.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// True when the value is the HL7 explicit null `""`.
    pub fn is_null(&self) -> bool {
        self.raw == b"\"\""
    }

    /// The unescaped text (delimiters inside it are left as sent).
    pub fn text(&self) -> Cow<'a, str> {
        unescape(self.raw, &self.delims, self.charset)
    }

    /// The unescaped text, or `None` when empty (after trimming spaces).
    pub fn non_empty(&self) -> Option<String> {
        let t = self.text();
        let t = t.trim_matches(' ');
        (!t.is_empty()).then(|| t.to_owned())
    }

    /// Repetition `n` (1-based) of a field.
    pub fn repetition(&self, n: usize) -> Value<'a> {
        match n.checked_sub(1) {
            Some(i) => self.wrap(nth_piece(self.raw, self.delims.repetition, i)),
            None => self.wrap(&[]),
        }
    }

    /// All repetitions of a field (one, possibly empty, when none repeat).
    pub fn repetitions(&self) -> impl Iterator<Item = Value<'a>> + 'a {
        let this = *self;
        self.raw
            .split(move |&b| b == this.delims.repetition)
            .map(move |r| this.wrap(r))
    }

    /// Component `n` (1-based) of the first repetition.
    pub fn component(&self, n: usize) -> Value<'a> {
        let rep = first_piece(self.raw, self.delims.repetition);
        match n.checked_sub(1) {
            Some(i) => self.wrap(nth_piece(rep, self.delims.component, i)),
            None => self.wrap(&[]),
        }
    }

    /// All components of the first repetition.
    pub fn components(&self) -> impl Iterator<Item = Value<'a>> + 'a {
        let this = *self;
        let rep = first_piece(self.raw, self.delims.repetition);
        rep.split(move |&b| b == this.delims.component)
            .map(move |c| this.wrap(c))
    }

    /// Subcomponent `n` (1-based) of the first component of the first repetition.
    pub fn subcomponent(&self, n: usize) -> Value<'a> {
        let rep = first_piece(self.raw, self.delims.repetition);
        let comp = first_piece(rep, self.delims.component);
        match n.checked_sub(1) {
            Some(i) => self.wrap(nth_piece(comp, self.delims.subcomponent, i)),
            None => self.wrap(&[]),
        }
    }

    /// Shorthand for `repetition(rep).component(comp).subcomponent(sub)`.
    pub fn get(&self, rep: usize, comp: usize, sub: usize) -> Value<'a> {
        self.repetition(rep).component(comp).subcomponent(sub)
    }

    /// The delimiters of the message this value came from.
    pub fn delimiters(&self) -> Delimiters {
        self.delims
    }

    /// The charset of the message this value came from.
    pub fn charset(&self) -> Charset {
        self.charset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_every_level() {
        let v = Value::new(b"a&b^c~d^e&f", Delimiters::default(), Charset::Latin1);
        assert_eq!(v.repetition(2).raw(), b"d^e&f");
        assert_eq!(v.component(1).raw(), b"a&b");
        assert_eq!(v.component(2).raw(), b"c");
        assert_eq!(v.component(1).subcomponent(2).raw(), b"b");
        assert_eq!(v.get(2, 2, 2).raw(), b"f");
        assert_eq!(v.get(3, 1, 1).raw(), b"");
        assert_eq!(v.component(0).raw(), b"");
        assert_eq!(v.repetitions().count(), 2);
        assert_eq!(v.components().count(), 2);
    }
}
