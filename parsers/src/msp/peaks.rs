//! One MSP peak line → peaks, for every dialect seen in the wild:
//!
//! * `15 3; 27 49; 28 30;` (NIST, several pairs per line)
//! * `85:201 86:55` (Golm), `35.0\t169.85` (tab), `12,5` (comma)
//! * `( 52    3) ( 55  136)` (AMDIS `.msl`)
//! * `113.03854\t87510\t"Theoretical m/z …"` (quoted annotation after a pair)
//! * `85.0284 100 C4H5O2+` (unquoted annotation: runs to the next `;`)

use crate::spectrum::scan::{number_prefix, slow_number};
use crate::spectrum::Peak;

/// Bytes that only separate numbers.
fn is_separator(b: u8) -> bool {
    SEPARATOR[usize::from(b)]
}

/// [`is_separator`] as a table: one load per byte on the hot path.
const SEPARATOR: [bool; 256] = {
    let mut table = [false; 256];
    let seps = *b" \t,;:()\r";
    let mut i = 0;
    while i < seps.len() {
        table[seps[i] as usize] = true;
        i += 1;
    }
    table
};

/// Append the peaks on `line` to `out`.
///
/// Errors with what was expected when a number is missing or malformed, so the
/// caller can name the line; no peak from a bad line is kept.
pub(super) fn parse_line(line: &[u8], out: &mut Vec<Peak>) -> Result<(), &'static str> {
    let before = out.len();
    // Nearly every line is plain `m/z intensity` pairs; anything else (quotes,
    // annotations, exponents, errors) is re-read by the general parser.
    if plain_pairs(line, out) {
        return Ok(());
    }
    out.truncate(before);
    let result = parse_into(line, out);
    if result.is_err() {
        out.truncate(before);
    }
    result
}

/// The fast path: `line` is only plain decimals in pairs between separators.
/// Returns false (with peaks possibly pushed) on anything else.
fn plain_pairs(line: &[u8], out: &mut Vec<Peak>) -> bool {
    let mut rest = skip_separators(line);
    while !rest.is_empty() {
        let Some((x, after)) = plain_token(rest) else {
            return false;
        };
        let Some((intensity, after)) = plain_token(skip_separators(after)) else {
            return false;
        };
        out.push(Peak { x, intensity });
        rest = skip_separators(after);
    }
    true
}

/// A plain decimal at the start of `s` that ends at a separator or the line
/// end, and the bytes after it.
#[inline]
fn plain_token(s: &[u8]) -> Option<(f64, &[u8])> {
    // Whole numbers (nominal m/z, EI intensities) first: ≤ 15 digits are
    // exact in an `f64` and cannot overflow. A byte loop beats the SWAR
    // decimal path here: NIST tokens are 1–4 digits.
    let mut mantissa = 0u64;
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 || i == 15 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(d);
        i += 1;
    }
    if i > 0 {
        match s.get(i) {
            None => return Some((mantissa as i64 as f64, &[])),
            Some(&c) if is_separator(c) => return Some((mantissa as i64 as f64, s.get(i..)?)),
            _ => {}
        }
    }
    let (value, used) = number_prefix(s)?;
    let rest = s.get(used..)?;
    match rest.first() {
        Some(&c) if !is_separator(c) => None,
        _ => Some((value, rest)),
    }
}

#[inline]
fn skip_separators(mut s: &[u8]) -> &[u8] {
    while let Some((&b, tail)) = s.split_first() {
        if !is_separator(b) {
            break;
        }
        s = tail;
    }
    s
}

fn parse_into(line: &[u8], out: &mut Vec<Peak>) -> Result<(), &'static str> {
    let mut i = 0;
    let mut pairs_on_line = 0usize;
    loop {
        let Some(x) = next_token(line, &mut i) else {
            return Ok(());
        };
        let Some(x) = x else {
            // Text after a complete pair is an unquoted annotation, up to `;`.
            if pairs_on_line == 0 {
                return Err("a peak line of `m/z intensity` pairs");
            }
            i = skip_past(line, i, b';');
            continue;
        };
        match next_token(line, &mut i) {
            Some(Some(intensity)) => out.push(Peak { x, intensity }),
            Some(None) => return Err("an intensity after the m/z"),
            None => return Err("an intensity after the last m/z on the line"),
        }
        pairs_on_line += 1;
    }
}

/// The next token from `*i`, skipping separators and quoted annotations:
/// `None` at the line end, `Some(None)` for a non-numeric token (left at its
/// start so the caller can skip it as an annotation).
fn next_token(line: &[u8], i: &mut usize) -> Option<Option<f64>> {
    loop {
        let b = *line.get(*i)?;
        if is_separator(b) {
            *i += 1;
        } else if b == b'"' {
            *i = skip_past(line, *i + 1, b'"');
        } else {
            break;
        }
    }
    let rest = line.get(*i..).unwrap_or_default();
    let ends_token = |k: usize| rest.get(k).is_none_or(|&c| is_separator(c) || c == b'"');
    // Fast path: a plain decimal parsed in the same pass that finds its end.
    if let Some((v, used)) = number_prefix(rest) {
        if ends_token(used) {
            *i += used;
            return Some(Some(v));
        }
    }
    let len = rest
        .iter()
        .position(|&c| is_separator(c) || c == b'"')
        .unwrap_or(rest.len());
    let value = slow_number(rest.get(..len).unwrap_or_default());
    if value.is_some() {
        *i += len;
    }
    Some(value)
}

/// Index just past the next `stop` at or after `from`, or the line length.
fn skip_past(line: &[u8], from: usize, stop: u8) -> usize {
    match line.get(from..).and_then(|rest| memchr::memchr(stop, rest)) {
        Some(k) => from + k + 1,
        None => line.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peaks(line: &str) -> Result<Vec<(f64, f64)>, &'static str> {
        let mut out = Vec::new();
        parse_line(line.as_bytes(), &mut out)?;
        Ok(out.iter().map(|p| (p.x, p.intensity)).collect())
    }

    #[test]
    fn reads_every_dialect() {
        assert_eq!(
            peaks("15 3; 27 49; 28 30; "),
            Ok(vec![(15., 3.), (27., 49.), (28., 30.)])
        );
        assert_eq!(
            peaks("  40  147;  41   57;"),
            Ok(vec![(40., 147.), (41., 57.)])
        );
        assert_eq!(peaks("85:201 86:55"), Ok(vec![(85., 201.), (86., 55.)]));
        assert_eq!(peaks("35.0\t169.85"), Ok(vec![(35.0, 169.85)]));
        assert_eq!(
            peaks("( 52    3) (100    6)"),
            Ok(vec![(52., 3.), (100., 6.)])
        );
        assert_eq!(
            peaks("113.0\t87510\t\"m/z 113; x: 1\""),
            Ok(vec![(113.0, 87510.)])
        );
        assert_eq!(
            peaks("85.02 100 C4H5O2+; 86 5"),
            Ok(vec![(85.02, 100.), (86., 5.)])
        );
        assert_eq!(peaks("79.727272 3e-06"), Ok(vec![(79.727272, 3e-6)]));
    }

    #[test]
    fn rejects_broken_lines_without_keeping_part_of_them() {
        let mut out = vec![];
        assert!(parse_line(b"12 3; 14", &mut out).is_err());
        assert!(out.is_empty());
        assert!(peaks("12 x").is_err());
        assert!(peaks("abc 12").is_err());
    }
}
