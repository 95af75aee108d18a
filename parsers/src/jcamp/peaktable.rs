//! Tables of tuples: `(XY..XY)` (PEAK TABLE, XYPOINTS, NTUPLES `PEAKS`
//! pages), `(XYW..XYW)`, `(XYM..XYM)`, and parenthesised assignments
//! `(XYMA)` / `(XYA)`. Tuples may be separated by spaces, `;` or line ends,
//! their fields by `,` or spaces.

use super::ldr::Record;
use super::number::parse_f64;
use super::xydata::Axis;
use super::Ctx;
use crate::jcamp::error::JcampError;
use crate::spectrum::Peak;

/// Decode a tuple table with `width` fields per tuple (x and y are the first two).
pub(crate) fn decode(
    rec: &Record<'_>,
    width: usize,
    axis: &Axis,
    ctx: &mut Ctx,
) -> Result<Vec<Peak>, JcampError> {
    let width = width.max(2);
    let mut peaks = Vec::new();
    let mut fields: Vec<f64> = Vec::with_capacity(width);
    let mut last_line = rec.line;
    for l in &rec.body {
        last_line = l.no;
        if l.text.contains(&b'(') {
            parenthesised(l.text, l.no, axis, &mut peaks, ctx);
        } else {
            for tok in l.text.split(|&b| b <= b' ' || b == b',' || b == b';') {
                if tok.is_empty() {
                    continue;
                }
                let Some(v) = parse_f64(tok) else {
                    ctx.warn(l.no, format!("`{}` is not a number: expected {width} numbers per tuple; rest of the line skipped", String::from_utf8_lossy(tok)));
                    break;
                };
                fields.push(v);
                if fields.len() == width {
                    if let [x, y, ..] = fields[..] {
                        push(&mut peaks, x, y, axis);
                    }
                    fields.clear();
                }
            }
        }
        if peaks.len() > ctx.budget {
            return Err(JcampError::TooManyPoints {
                line: l.no,
                what: "the peak table".to_owned(),
                limit: ctx.limit,
            });
        }
    }
    if !fields.is_empty() {
        ctx.warn(last_line, format!("table ends inside a tuple: {} value(s) left over, expected {width} per tuple; dropped", fields.len()));
    }
    if let Some((np, line)) = axis.npoints {
        if np != peaks.len() {
            ctx.warn(
                line,
                format!(
                    "NPOINTS says {np} but the table starting at line {} holds {} tuples",
                    rec.line,
                    peaks.len()
                ),
            );
        }
    }
    ctx.budget = ctx.budget.saturating_sub(peaks.len());
    Ok(peaks)
}

fn push(peaks: &mut Vec<Peak>, x: f64, y: f64, axis: &Axis) {
    peaks.push(Peak {
        x: x * axis.xfactor,
        intensity: y * axis.yfactor,
    });
}

/// `(x, y, m, <a>)` groups: take x and y; the rest (multiplicity,
/// assignment) stays in the record's text.
fn parenthesised(text: &[u8], line: usize, axis: &Axis, peaks: &mut Vec<Peak>, ctx: &mut Ctx) {
    for group in text.split(|&b| b == b'(').skip(1) {
        let inner = group.split(|&b| b == b')').next().unwrap_or_default();
        let mut it = inner.split(|&b| b == b',').map(super::lines::trim);
        match (it.next().and_then(parse_f64), it.next().and_then(parse_f64)) {
            (Some(x), Some(y)) => push(peaks, x, y, axis),
            (Some(x), None) => push(peaks, x, f64::NAN, axis),
            _ => ctx.warn(
                line,
                format!(
                    "`({})`: expected `(x, y, …)` with numeric x; tuple skipped",
                    String::from_utf8_lossy(inner)
                ),
            ),
        }
    }
}

/// Fields per tuple from a variable list like `(XY..XY)`, `(XYW..XYW)`,
/// `(XYMA)`; `None` for `++` (ASDF) lists.
pub(crate) fn width(vars: &str) -> Option<usize> {
    if vars.contains("++") {
        return None;
    }
    let inner: String = vars
        .chars()
        .filter(|c| c.is_ascii_alphabetic() || *c == '.')
        .collect();
    let tuple = inner.split("..").next().unwrap_or_default();
    Some(tuple.len().max(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jcamp::lines::Line;

    fn table(lines: &[&'static str], width: usize) -> (Vec<(f64, f64)>, usize) {
        let rec = Record {
            line: 1,
            label: b"PEAK TABLE",
            key: "PEAKTABLE".into(),
            first: b"(XY..XY)",
            body: lines
                .iter()
                .enumerate()
                .map(|(i, t)| Line {
                    no: i + 2,
                    text: t.as_bytes(),
                })
                .collect(),
        };
        let mut ctx = Ctx::new(1000);
        let peaks = decode(&rec, width, &Axis::default(), &mut ctx).unwrap();
        (
            peaks.iter().map(|p| (p.x, p.intensity)).collect(),
            ctx.warnings.len(),
        )
    }

    #[test]
    fn every_separator_form() {
        let want = vec![(50.0, 2.5), (51.0, 9.0), (52.0, 7.0)];
        assert_eq!(table(&["50, 2.5; 51, 9; 52, 7"], 2), (want.clone(), 0));
        assert_eq!(table(&["50,2.5 51,9 52,7"], 2), (want.clone(), 0));
        assert_eq!(table(&["50 2.5", "51   9", "52\t7"], 2), (want.clone(), 0));
        assert_eq!(table(&["50, 2.5, 1; 51, 9, 1", "52, 7, 2"], 3), (want, 0));
    }

    #[test]
    fn assignments_and_leftovers() {
        assert_eq!(
            table(&["( 27.00, 1.0,, < 7>)", "(218.40, 1.0,, < 2>)"], 4).0,
            vec![(27.0, 1.0), (218.4, 1.0)]
        );
        assert_eq!(table(&["1,2 3"], 2), (vec![(1.0, 2.0)], 1));
        assert_eq!(width("(XYW..XYW)"), Some(3));
        assert_eq!(width("(XYMA)"), Some(4));
        assert_eq!(width("(X++(Y..Y))"), None);
    }
}
