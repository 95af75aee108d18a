//! Number parsing: a fast path for the plain decimals that make up nearly all
//! JCAMP-DX numbers, the standard library for everything else.

/// Powers of ten that are exact in an f64 (so `m / 10^k` rounds once, correctly).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parse an AFFN number (`-12.5`, `+7`, `.5`, `1E+03`, `2.4e-9`); `None` if it
/// is not one. Words the standard library accepts (`inf`, `NaN`) are refused.
pub(crate) fn parse_f64(s: &[u8]) -> Option<f64> {
    if let Some(v) = fast(s) {
        return Some(v);
    }
    let numeric = s
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-' | b'e' | b'E'));
    if !numeric || !s.iter().any(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Parse a header value as a number, ignoring surrounding whitespace.
pub(crate) fn parse_value(s: &str) -> Option<f64> {
    parse_f64(s.trim().as_bytes())
}

/// Sign, at most 15 significant digits and at most 22 decimals: exact
/// integer arithmetic then one correctly rounded division.
fn fast(s: &[u8]) -> Option<f64> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let mut mant: u64 = 0;
    let mut count = 0u32;
    let mut frac: Option<usize> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mant = mant * 10 + u64::from(b - b'0');
                count += 1;
                if count > 15 {
                    return None;
                }
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => return None,
        }
    }
    if count == 0 {
        return None;
    }
    let v = mant as f64 / POW10.get(frac.unwrap_or(0)).copied()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_matches_std() {
        for s in [
            "0",
            "-12.5",
            "+7",
            ".5",
            "5.",
            "123456789012345",
            "0.000100000",
            "3487",
        ] {
            assert_eq!(parse_f64(s.as_bytes()), s.parse().ok(), "{s}");
        }
    }

    #[test]
    fn slow_path_and_refusals() {
        assert_eq!(parse_f64(b"2.384185791e-09"), Some(2.384185791e-09));
        assert_eq!(
            parse_f64(b"1234567890123456789"),
            Some(1234567890123456789.0)
        );
        for s in ["", "-", ".", "inf", "NaN", "1,5", "e5", "1..2"] {
            assert_eq!(parse_f64(s.as_bytes()), None, "{s}");
        }
    }
}
