//! Lines of a JCAMP-DX file: LF, CRLF and classic-Mac CR endings (some test
//! files use bare CR), numbered from 1, with `$$` comments cut off.

use memchr::{memchr, memchr2};

/// One line, without its line ending.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub no: usize,
    /// The bytes of the line.
    pub text: &'a [u8],
}

/// Iterator over the lines of a file.
pub(crate) struct Lines<'a> {
    rest: &'a [u8],
    no: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Lines { rest: bytes, no: 0 }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        self.no += 1;
        let (text, rest) = match memchr2(b'\n', b'\r', self.rest) {
            Some(i) => {
                let crlf = self.rest.get(i) == Some(&b'\r') && self.rest.get(i + 1) == Some(&b'\n');
                let skip = if crlf { 2 } else { 1 };
                (
                    self.rest.get(..i).unwrap_or_default(),
                    self.rest.get(i + skip..).unwrap_or_default(),
                )
            }
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        Some(Line { no: self.no, text })
    }
}

/// The line without its `$$` comment (which runs to the end of the line).
pub(crate) fn strip_comment(text: &[u8]) -> &[u8] {
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| memchr(b'$', t)) {
        let at = from + i;
        if text.get(at + 1) == Some(&b'$') {
            return text.get(..at).unwrap_or(text);
        }
        from = at + 1;
    }
    text
}

/// Trim whitespace and control bytes (a DOS end-of-file `^Z` ends some files).
pub(crate) fn trim(text: &[u8]) -> &[u8] {
    let blank = |b: &u8| *b <= b' ' || *b == 0x7f;
    let start = text.iter().position(|b| !blank(b)).unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |e| e + 1);
    text.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_line_endings() {
        let lines: Vec<_> = Lines::new(b"a\r\nb\rc\nd")
            .map(|l| (l.no, l.text))
            .collect();
        assert_eq!(lines, [(1, &b"a"[..]), (2, b"b"), (3, b"c"), (4, b"d")]);
        assert_eq!(Lines::new(b"a\n\n").count(), 2);
    }

    #[test]
    fn comments_and_trimming() {
        assert_eq!(strip_comment(b"0 A513177   $$ checkpoint"), b"0 A513177   ");
        assert_eq!(strip_comment(b"$5 $ $"), b"$5 $ $");
        assert_eq!(trim(b" \t##END=\x1a "), b"##END=");
    }
}
