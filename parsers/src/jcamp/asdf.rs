//! ASDF decoding of one `(X++(Y..Y))` data line: AFFN and PAC numbers, SQZ
//! (`@A-Ia-i`), DIF (`%J-Rj-r`) and DUP (`S-Zs`) characters.

use super::number::parse_f64;

/// What a line held besides the Y values it appended.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LineInfo {
    /// The abscissa that starts the line.
    pub x: Option<f64>,
    /// The first Y was written as an absolute value (SQZ/AFFN), so it may be
    /// the DIF Y-check value repeating the previous line's last Y.
    pub first_y_absolute: bool,
    /// The last Y token was a DIF (or a DUP of a DIF): the next line starts
    /// with a Y-check value.
    pub ends_in_dif: bool,
    /// Decoding stopped at this unexpected byte (0-based column, byte).
    pub bad: Option<(usize, u8)>,
    /// `?` (missing value) tokens, decoded as NaN.
    pub missing: usize,
}

/// A DUP count or the line would push past `room` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow {
    /// The DUP count that overflowed (0 when plain values did).
    pub dup: u64,
}

#[derive(Clone, Copy)]
enum Last {
    None,
    Abs,
    Dif(f64),
}

/// Decode `line` and append its Y values to `ys` (never past `room` values in
/// total). `prev_y` is the previous line's last Y, for a line that starts in DIF.
pub(crate) fn decode_line(
    line: &[u8],
    prev_y: Option<f64>,
    ys: &mut Vec<f64>,
    room: usize,
) -> Result<LineInfo, Overflow> {
    let mut info = LineInfo::default();
    let mut last = Last::None;
    let mut y = prev_y;
    let mut i = 0;
    while let Some(&c) = line.get(i) {
        let (lead, neg, kind) = match c {
            b'0'..=b'9' | b'.' => (None, false, Kind::Abs),
            b'+' => (Some(0), false, Kind::Abs),
            b'-' => (Some(0), true, Kind::Abs),
            b'@' => (Some(0), false, Kind::Abs),
            b'A'..=b'I' => (Some(c - b'@'), false, Kind::Abs),
            b'a'..=b'i' => (Some(c - b'`'), true, Kind::Abs),
            b'%' => (Some(0), false, Kind::Dif),
            b'J'..=b'R' => (Some(c - b'I'), false, Kind::Dif),
            b'j'..=b'r' => (Some(c - b'i'), true, Kind::Dif),
            b'S'..=b'Z' => (Some(c - b'R'), false, Kind::Dup),
            b's' => (Some(9), false, Kind::Dup),
            b'?' => (None, false, Kind::Missing),
            _ if c <= b' ' || c == b',' || c == b';' => {
                i += 1;
                continue;
            }
            _ => {
                info.bad = Some((i, c));
                break;
            }
        };
        // `+`/`-` (PAC) carry a sign, not a digit: the digits follow.
        let signed = matches!(c, b'+' | b'-');
        let start = if lead.is_some() { i + 1 } else { i };
        let (end, value) = scan(line, start, if signed { None } else { lead });
        i = end.max(i + 1);
        if kind == Kind::Missing {
            if info.x.is_none() {
                info.bad = Some((start, c));
                break;
            }
            push(ys, room, f64::NAN, 0)?;
            info.missing += 1;
            y = Some(f64::NAN);
            last = Last::Abs;
            continue;
        }
        let digits = line.get(start..end).unwrap_or_default();
        let Some(v) = value.map(|v| if neg { -v } else { v }) else {
            info.bad = Some((start.min(line.len().saturating_sub(1)), c));
            break;
        };
        if info.x.is_none() {
            info.x = Some(v);
            continue;
        }
        match kind {
            Kind::Abs => {
                if matches!(last, Last::None) {
                    info.first_y_absolute = true;
                }
                push(ys, room, v, 0)?;
                y = Some(v);
                last = Last::Abs;
            }
            Kind::Dif => {
                // A DIF with nothing before it: nothing to add to, keep as is.
                let next = y.map_or(v, |p| p + v);
                push(ys, room, next, 0)?;
                y = Some(next);
                last = Last::Dif(v);
            }
            Kind::Dup => {
                let count = dup_count(lead, digits);
                let Some(mut cur) = y.filter(|_| !matches!(last, Last::None)) else {
                    info.bad = Some((start.saturating_sub(1), c));
                    break;
                };
                let extra = count.saturating_sub(1);
                if usize::try_from(extra).map_or(true, |e| ys.len().saturating_add(e) > room) {
                    return Err(Overflow { dup: count });
                }
                for _ in 0..extra {
                    if let Last::Dif(d) = last {
                        cur += d;
                    }
                    ys.push(cur);
                }
                y = Some(cur);
            }
            Kind::Missing => {}
        }
    }
    info.ends_in_dif = matches!(last, Last::Dif(_));
    Ok(info)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Abs,
    Dif,
    Dup,
    Missing,
}

fn push(ys: &mut Vec<f64>, room: usize, v: f64, dup: u64) -> Result<(), Overflow> {
    if ys.len() >= room {
        return Err(Overflow { dup });
    }
    ys.push(v);
    Ok(())
}

/// Powers of ten exact in an f64, for the one-division fast path.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Scan the digits (`.`, and an `E±nn` exponent) from `start`, after an
/// optional leading digit carried by a SQZ/DIF/DUP character. Returns the end
/// and the unsigned value (`None` for no digits at all). One pass: this is
/// the hot loop of the reader.
fn scan(line: &[u8], start: usize, lead: Option<u8>) -> (usize, Option<f64>) {
    let mut j = start;
    let mut mant = u64::from(lead.unwrap_or(0));
    let mut digits = usize::from(lead.is_some());
    let mut frac: Option<usize> = None;
    let mut slow = false;
    while let Some(&b) = line.get(j) {
        match b {
            b'0'..=b'9' => {
                if digits < 19 {
                    mant = mant * 10 + u64::from(b - b'0');
                }
                digits += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
                j += 1;
            }
            b'.' if frac.is_none() => {
                frac = Some(0);
                j += 1;
            }
            // `E`/`e` is an exponent only before a sign and a digit; otherwise
            // it is the SQZ digit 5 / -5 starting the next value.
            b'E' | b'e'
                if matches!(line.get(j + 1), Some(b'+' | b'-'))
                    && line.get(j + 2).is_some_and(u8::is_ascii_digit) =>
            {
                slow = true;
                j += 3;
                while line.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
            }
            _ => break,
        }
    }
    let has_digit = digits > 0;
    if !has_digit {
        return (j, None);
    }
    let f = frac.unwrap_or(0);
    if !slow && digits <= 15 && f < POW10.len() {
        let m = mant as f64;
        return (
            j,
            Some(if f == 0 {
                m
            } else {
                m / POW10.get(f).copied().unwrap_or(1.0)
            }),
        );
    }
    let raw = line.get(start..j).unwrap_or_default();
    let value = match lead {
        None => parse_f64(raw),
        Some(d) => {
            let mut s = Vec::with_capacity(raw.len() + 1);
            s.push(b'0' + d);
            s.extend_from_slice(raw);
            parse_f64(&s)
        }
    };
    (j, value)
}

/// A DUP count: its leading digit and the digits after it (saturating).
fn dup_count(lead: Option<u8>, digits: &[u8]) -> u64 {
    digits
        .iter()
        .filter(|b| b.is_ascii_digit())
        .fold(u64::from(lead.unwrap_or(1)), |n, &b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(line: &str) -> (Vec<f64>, LineInfo) {
        let mut ys = Vec::new();
        let info = decode_line(line.as_bytes(), None, &mut ys, 1000).unwrap();
        (ys, info)
    }

    #[test]
    fn the_standard_example_in_every_form() {
        // JCAMP-DX 4.24 §5.9: the same Y values in AFFN, PAC, SQZ, DIF, DIFDUP.
        let want = vec![
            1000.0, 1000.0, 1001.0, 1002.0, 1003.0, 1003.0, 1003.0, 1001.0,
        ];
        assert_eq!(dec("1 1000 1000 1001 1002 1003 1003 1003 1001").0, want);
        assert_eq!(dec("1+1000+1000+1001+1002+1003+1003+1003+1001").0, want);
        assert_eq!(dec("1A000A000A001A002A003A003A003A001").0, want);
        assert_eq!(dec("1A000%JJJ%%k").0, want);
        let (ys, info) = dec("1A000%JU%Tk");
        assert_eq!(ys, want);
        assert!(info.ends_in_dif && info.first_y_absolute);
        assert_eq!(info.x, Some(1.0));
    }

    #[test]
    fn negative_sqz_exponents_and_missing() {
        assert_eq!(dec("10 a1j5").0, vec![-11.0, -26.0]);
        assert_eq!(dec("5 1.5E+02 -2e-1").0, vec![150.0, -0.2]);
        // `E` without a sign after it is SQZ 5.
        assert_eq!(dec("5 12E3").0, vec![12.0, 53.0]);
        let (ys, info) = dec("1 2 ? 3");
        assert!(ys[1].is_nan() && info.missing == 1);
    }

    #[test]
    fn bad_bytes_stop_the_line() {
        let (ys, info) = dec("1 2 3 x 4");
        assert_eq!(ys, vec![2.0, 3.0]);
        assert_eq!(info.bad, Some((6, b'x')));
        assert_eq!(dec("1 S5").1.bad.map(|b| b.1), Some(b'S'));
    }

    #[test]
    fn dup_bombs_overflow_instead_of_allocating() {
        let mut ys = Vec::new();
        let err = decode_line(b"1 5U99999999", None, &mut ys, 1000).unwrap_err();
        assert_eq!(err.dup, 399_999_999);
        assert!(ys.len() <= 1);
        let err = decode_line(b"1 5s99999999999999999999999", None, &mut ys, 1000).unwrap_err();
        assert_eq!(err.dup, u64::MAX);
    }
}
