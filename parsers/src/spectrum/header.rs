//! The raw header fields of a spectrum, kept as written, in one buffer.
//!
//! A library of 10⁵ spectra with a dozen header lines each would otherwise
//! cost two heap strings per line; allocation then dominated MSP reading
//! (a third of the time, most of it in `free`). Here every key and value of
//! one spectrum shares one `String`, with offsets beside it.

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// Ordered `(key, value)` pairs, keys as written (case kept), duplicates kept.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Header {
    text: String,
    /// Per field: where its key starts, where the key ends (= value start), where the value ends.
    spans: Vec<[u32; 3]>,
}

impl Header {
    /// An empty header with room for `fields` pairs of about `bytes` text.
    pub fn with_capacity(fields: usize, bytes: usize) -> Self {
        Header {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(fields),
        }
    }

    /// Append a pair. Text beyond 4 GiB in one header is refused (returns false).
    pub fn push(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> bool {
        let (key, value) = (key.as_ref(), value.as_ref());
        let start = self.text.len();
        let Some(end) = start
            .checked_add(key.len())
            .and_then(|k| k.checked_add(value.len()))
        else {
            return false;
        };
        let (Ok(s), Ok(k), Ok(e)) = (
            u32::try_from(start),
            u32::try_from(start + key.len()),
            u32::try_from(end),
        ) else {
            return false;
        };
        self.text.push_str(key);
        self.text.push_str(value);
        self.spans.push([s, k, e]);
        true
    }

    /// Append `more` to the value of the last pair (continuation lines).
    /// Does nothing when the header is empty.
    pub fn extend_last_value(&mut self, more: &str) {
        let Some(last) = self.spans.last_mut() else {
            return;
        };
        let Ok(end) = u32::try_from(self.text.len() + more.len()) else {
            return;
        };
        self.text.push_str(more);
        last[2] = end;
    }

    /// Put a pair first (rebuilds the buffer; for the rare reader that needs it).
    pub fn insert_first(&mut self, key: &str, value: &str) {
        let mut rebuilt =
            Header::with_capacity(self.len() + 1, self.text.len() + key.len() + value.len());
        rebuilt.push(key, value);
        for (k, v) in self.iter() {
            rebuilt.push(k, v);
        }
        *self = rebuilt;
    }

    /// Bytes of key and value text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The `i`-th pair.
    pub fn get(&self, i: usize) -> Option<(&str, &str)> {
        self.spans.get(i).map(|&span| self.pair(span))
    }

    /// All pairs in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.spans.iter().map(|&span| self.pair(span))
    }

    /// The first value whose key equals `key` ignoring ASCII case.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    fn pair(&self, [s, k, e]: [u32; 3]) -> (&str, &str) {
        // Offsets were taken at `str` boundaries by `push`, so slicing cannot
        // fail; `get` keeps that a non-panicking invariant all the same.
        let at = |a: u32, b: u32| self.text.get(a as usize..b as usize).unwrap_or_default();
        (at(s, k), at(k, e))
    }
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Serialised as a list of `[key, value]` pairs, as a `Vec<(String, String)>` would be.
impl Serialize for Header {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for pair in self.iter() {
            seq.serialize_element(&pair)?;
        }
        seq.end()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Header {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut header = Header::default();
        for (k, v) in pairs {
            header.push(k.as_ref(), v.as_ref());
        }
        header
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_pairs_in_order_with_duplicates_and_continuations() {
        let mut h = Header::default();
        assert!(h.push("Name", "fentanyl"));
        assert!(h.push("Synon", "a"));
        assert!(h.push("synon", "µ-b"));
        h.extend_last_value(" c");
        assert_eq!(h.len(), 3);
        assert_eq!(h.get(2), Some(("synon", "µ-b c")));
        assert_eq!(h.value("SYNON"), Some("a"));
        h.insert_first("layout", "x");
        let all: Vec<_> = h.iter().collect();
        assert_eq!(
            all,
            [
                ("layout", "x"),
                ("Name", "fentanyl"),
                ("Synon", "a"),
                ("synon", "µ-b c")
            ]
        );
        assert_eq!(
            serde_json::to_string(&h).ok().as_deref(),
            Some(r#"[["layout","x"],["Name","fentanyl"],["Synon","a"],["synon","µ-b c"]]"#)
        );
    }

    #[test]
    fn empty_header_and_empty_strings() {
        let mut h = Header::default();
        h.extend_last_value("ignored");
        assert!(h.is_empty());
        h.push("", "");
        assert_eq!(h.get(0), Some(("", "")));
        assert_eq!(h.get(1), None);
    }
}
