//! Byte-level helpers shared by the text spectrum readers (MSP, MGF, MassBank):
//! line splitting, trimming, field decoding and exact decimal parsing.
//!
//! Everything works on `&[u8]`: only header text that becomes a `String` is
//! UTF-8 checked, never the peak lines.

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
    text_cow(bytes).into_owned()
}

/// [`text`] without a copy when the bytes are already UTF-8.
pub(crate) fn text_cow(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
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

/// Powers of ten that are exact in an `f64` (10^22 is the largest).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Most significant digits the fast path accepts: 19 cannot overflow `u64`.
const MAX_DIGITS: usize = 19;

/// `10^n` for `n < 8`, to shift a mantissa left by a partial digit group.
const POW10_U64: [u64; 8] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/// Bit 7 of each byte of `v` (little-endian) up to and including the first
/// byte that is not an ASCII digit is set exactly when that byte is not a
/// digit; bytes after it may be flagged spuriously by carries, so only the
/// lowest flag is meaningful.
#[inline]
fn non_digit_flags(v: u64) -> u64 {
    let above = v.wrapping_add(0x4646_4646_4646_4646);
    let below = v.wrapping_sub(0x3030_3030_3030_3030);
    (above | below) & 0x8080_8080_8080_8080
}

/// The value of eight digit values (0–9, not ASCII) packed little-endian in
/// `d`, first digit in the low byte, in three multiplications instead of eight.
#[inline]
fn eight_digit_value(d: u64) -> u64 {
    // Pairs, then quads, then the whole: each step merges neighbours.
    let v = d.wrapping_mul(10).wrapping_add(d >> 8);
    let low = (v & 0x0000_00FF_0000_00FF).wrapping_mul(0x000F_4240_0000_0064);
    let high = ((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(0x0000_2710_0000_0001);
    low.wrapping_add(high) >> 32
}

/// Append the run of ASCII digits at the start of `s` to `mantissa`; returns
/// the new mantissa and the run length. Wraps on overflow: callers reject
/// runs longer than [`MAX_DIGITS`] in total, so a wrapped value is never used.
///
/// Where eight bytes are available the run's length and value come from one
/// word (SWAR) without a branch per digit, so token lengths that vary from
/// peak to peak do not cost a mispredicted branch each.
#[inline]
fn digit_run(s: &[u8], mut mantissa: u64) -> (u64, usize) {
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let v = u64::from_le_bytes(chunk);
        let digits = v.wrapping_sub(0x3030_3030_3030_3030);
        let n = (non_digit_flags(v).trailing_zeros() / 8) as usize;
        if n == 8 {
            mantissa = mantissa
                .wrapping_mul(100_000_000)
                .wrapping_add(eight_digit_value(digits));
            i += 8;
            continue;
        }
        if n > 0 {
            // Keep the run's n digits as the top bytes: zeros below are
            // leading zeros, and the bytes after the run are shifted out.
            let run = eight_digit_value(digits << (64 - 8 * n));
            let scale = POW10_U64.get(n).copied().unwrap_or(1);
            mantissa = mantissa.wrapping_mul(scale).wrapping_add(run);
        }
        return (mantissa, i + n);
    }
    while let Some(&b) = s.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    (mantissa, i)
}

/// A plain decimal (`-12.5`, `245`, `.5`) at the start of `bytes`, and how
/// many bytes it used; `None` if there is none or it needs the slow path.
///
/// Exact: with at most 19 digits, a mantissa ≤ 2^53 and ≤ 22 fraction digits,
/// both operands of the one division are exact, so the quotient is correctly
/// rounded (Clinger's fast path), bit-identical to what `str::parse` gives.
/// Digits are consumed eight at a time where possible (SWAR).
#[inline]
pub(crate) fn number_prefix(bytes: &[u8]) -> Option<(f64, usize)> {
    let (negative, sign) = match bytes.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let body = bytes.get(sign..)?;
    let (mut mantissa, int_digits) = digit_run(body, 0);
    let mut used = int_digits;
    let mut fraction = 0;
    if body.get(used) == Some(&b'.') {
        let (m, n) = digit_run(body.get(used + 1..)?, mantissa);
        mantissa = m;
        fraction = n;
        used += 1 + n;
    }
    let digits = int_digits + fraction;
    if digits == 0 || digits > MAX_DIGITS || mantissa > (1u64 << 53) {
        return None;
    }
    // Integers (most EI intensities and nominal m/z) skip the division.
    let value = match fraction {
        // ≤ 2^53, so the signed conversion (one instruction) is exact.
        0 => mantissa as i64 as f64,
        f => mantissa as i64 as f64 / POW10.get(f)?,
    };
    Some((if negative { -value } else { value }, sign + used))
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
    fn digit_runs_match_scalar() {
        for s in [
            "0",
            "7",
            "12",
            "123;",
            "1234 5",
            "99999999",
            "123456789",
            "00000001x",
            "1234567890123",
            "12.5",
            "1\u{ff}23",
            "",
            ";",
        ] {
            let want_len = s.bytes().take_while(u8::is_ascii_digit).count();
            let want: u64 = s.get(..want_len).unwrap().parse().unwrap_or(0);
            assert_eq!(digit_run(s.as_bytes(), 0), (want, want_len), "{s:?}");
        }
        assert_eq!(digit_run(b"45;", 12), (1245, 2));
        assert_eq!(number(b"1234567890123456.5"), Some(1234567890123456.5));
        assert_eq!(
            number(b"12345678901234567890"),
            Some(12345678901234567890.0)
        );
    }

    /// The standard library's reading of `s`, as `number` promises it.
    fn std_number(s: &str) -> Option<u64> {
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(f64::to_bits)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Random decimals (any sign, up to 25 + 25 digits, optional exponent)
        /// read bit-identically to `str::parse::<f64>`, fast path or not.
        #[test]
        fn decimals_are_bit_identical_to_std(
            s in "[+-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,3})?"
        ) {
            proptest::prop_assert_eq!(number(s.as_bytes()).map(f64::to_bits), std_number(&s));
        }

        /// Short decimals with many zeros, the shape of real peak lists.
        #[test]
        fn peak_like_decimals_are_bit_identical_to_std(
            int in "[0-9]{1,8}", frac in "[0-9]{0,15}", zeros in 0usize..12
        ) {
            let s = format!("{int}.{}{frac}", "0".repeat(zeros));
            proptest::prop_assert_eq!(number(s.as_bytes()).map(f64::to_bits), std_number(&s));
            // As a prefix, too: the fast path must stop at the separator.
            let line = format!("{s}; 7");
            if let Some((v, used)) = number_prefix(line.as_bytes()) {
                proptest::prop_assert_eq!(used, s.len());
                proptest::prop_assert_eq!(Some(v.to_bits()), std_number(&s));
            }
        }

        /// Arbitrary bytes never panic and agree with std when they are UTF-8.
        #[test]
        fn arbitrary_bytes_agree_with_std(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            let got = number(&bytes).map(f64::to_bits);
            match std::str::from_utf8(&bytes) {
                Ok(s) => proptest::prop_assert_eq!(got, std_number(s)),
                Err(_) => proptest::prop_assert_eq!(got, None),
            }
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
