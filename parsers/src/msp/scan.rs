//! Byte-level helpers shared by the text spectrum readers (MSP, MGF, MassBank).
//!
//! They live here, `pub(crate)`, because the brief limits edits to the format
//! folders; they belong in a shared `spectrum` helper module once that is free.

use memchr::memchr;

/// Iterates the lines of a byte slice with 1-based line numbers.
///
/// Splits on `\n` with memchr and strips one trailing `\r`, so LF, CRLF and a
/// missing final newline all read the same, and no line is copied.
pub(crate) struct Lines<'a> {
    rest: &'a [u8],
    number: usize,
}

impl<'a> Lines<'a> {
    /// Lines of `bytes`, starting at line 1.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Lines {
            rest: bytes,
            number: 0,
        }
    }

    /// Bytes not yet returned (used to bound capacity reservations).
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match memchr(b'\n', self.rest) {
            Some(i) => self.rest.split_at(i),
            None => (self.rest, &b""[..]),
        };
        self.rest = rest.get(1..).unwrap_or_default();
        self.number += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Some((self.number, line))
    }
}

/// Largest number of peaks reserved up front from a declared count: a lying
/// `Num Peaks: 999999999` must not allocate gigabytes before any peak is read.
const MAX_RESERVE: usize = 1 << 16;

/// Capacity to reserve for `declared` peaks when `remaining` bytes are left:
/// every peak takes at least 4 bytes (`1 2` plus a separator).
pub(crate) fn peak_capacity(declared: usize, remaining: usize) -> usize {
    declared.min(remaining / 4).min(MAX_RESERVE)
}

/// Strip ASCII whitespace (space, tab, CR, FF, VT) from both ends.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Decode a field: UTF-8 when valid, else Latin-1 (every byte is a code
/// point), so old NIST/AMDIS exports with `°` or `µ` in Latin-1 still read.
pub(crate) fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// A short, printable excerpt of a line for error messages.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    const MAX: usize = 60;
    let cut = bytes.get(..MAX).unwrap_or(bytes);
    let mut s = text(cut);
    if bytes.len() > MAX {
        s.push('…');
    }
    s
}

/// Parse an ASCII decimal number without allocating.
///
/// Plain decimals take the exact fast path of [`number_prefix`]; anything
/// else (exponents, long digit strings) falls back to the standard library.
pub(crate) fn number(bytes: &[u8]) -> Option<f64> {
    match number_prefix(bytes) {
        Some((value, used)) if used == bytes.len() => Some(value),
        _ => slow_number(bytes),
    }
}

/// The standard library parser, for what the fast path declines.
pub(crate) fn slow_number(bytes: &[u8]) -> Option<f64> {
    std::str::from_utf8(bytes)
        .ok()?
        .parse()
        .ok()
        // `inf`, `NaN` and overflowing exponents are not intensities or m/z values.
        .filter(|v: &f64| v.is_finite())
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A plain decimal (`-12.5`, `245`, `.5`) at the start of `bytes`, and how
/// many bytes it used; `None` if there is none or it needs the slow path.
///
/// Exact: with at most 19 digits, a mantissa ≤ 2^53 and ≤ 22 fraction digits,
/// both operands of the one division are exact, so the quotient is correctly
/// rounded (Clinger's fast path), the same value `str::parse` gives.
pub(crate) fn number_prefix(bytes: &[u8]) -> Option<(f64, usize)> {
    let (negative, mut i) = match bytes.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut fraction = 0usize;
    let mut in_fraction = false;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            // 19 digits cannot overflow u64; more go to the slow path.
            if digits == 19 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(b - b'0');
            digits += 1;
            fraction += usize::from(in_fraction);
        } else if b == b'.' && !in_fraction {
            in_fraction = true;
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 || mantissa > (1u64 << 53) {
        return None;
    }
    // Integers (most EI intensities and nominal m/z) skip the division.
    let value = match fraction {
        0 => mantissa as f64,
        f => mantissa as f64 / POW10.get(f)?,
    };
    Some((if negative { -value } else { value }, i))
}

/// The next whitespace-separated column of `line` from `*at`, as a number:
/// `None` at the end of the line, `Some(None)` for a non-numeric column.
/// Advances `*at` past the column; plain decimals take the one-pass fast path.
pub(crate) fn next_column(line: &[u8], at: &mut usize) -> Option<Option<f64>> {
    let blank = |c: u8| c == b' ' || c == b'\t';
    while line.get(*at).is_some_and(|&c| blank(c)) {
        *at += 1;
    }
    let rest = line.get(*at..).filter(|r| !r.is_empty())?;
    if let Some((v, used)) = number_prefix(rest) {
        if rest.get(used).is_none_or(|&c| blank(c)) {
            *at += used;
            return Some(Some(v));
        }
    }
    let len = rest.iter().position(|&c| blank(c)).unwrap_or(rest.len());
    *at += len;
    Some(slow_number(rest.get(..len).unwrap_or_default()))
}

/// Does the line start like a peak (a number or an AMDIS `(`)?
pub(crate) fn starts_like_peak(line: &[u8]) -> bool {
    matches!(
        trim(line).first(),
        Some(b'0'..=b'9' | b'.' | b'(' | b'-' | b'+')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_strip_cr_and_count_from_one() {
        let got: Vec<_> = Lines::new(b"a\r\nb\n\nc").collect();
        assert_eq!(got, vec![(1, &b"a"[..]), (2, b"b"), (3, b""), (4, b"c")]);
    }

    #[test]
    fn numbers_match_std_parse() {
        for s in [
            "0",
            "15",
            "245.5",
            "0.000295",
            "1e-06",
            "3e-06",
            "-12.5",
            "+7",
            "1955166",
            "223.12845079826587",
            "125.02417974599999",
            "99.99",
            ".5",
            "5.",
        ] {
            let want: f64 = s.parse().unwrap();
            assert_eq!(number(s.as_bytes()), Some(want), "{s}");
        }
        for s in [
            "", "-", ".", "1.2.3", "abc", "12a", "1,5", "inf", "NaN", "1e400",
        ] {
            assert_eq!(number(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn columns_split_on_blanks() {
        let line = b"  846.60\t73 b1+1 1e3";
        let mut at = 0;
        let mut got = vec![];
        while let Some(col) = next_column(line, &mut at) {
            got.push(col);
        }
        assert_eq!(got, vec![Some(846.6), Some(73.0), None, Some(1000.0)]);
    }

    #[test]
    fn capacity_is_bounded_by_input_and_cap() {
        assert_eq!(peak_capacity(999_999_999, 40), 10);
        assert_eq!(peak_capacity(3, 1_000_000), 3);
        assert_eq!(peak_capacity(usize::MAX, usize::MAX), MAX_RESERVE);
    }
}
