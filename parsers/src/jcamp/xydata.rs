//! `(X++(Y..Y))` tables: ASDF lines joined into one Y array with the DIF
//! Y-check verified, then X computed from FIRSTX/LASTX/NPOINTS (not summed
//! step by step, which drifts) and checked against each line's abscissa.

use super::asdf::{decode_line, Overflow};
use super::ldr::Record;
use super::Ctx;
use crate::jcamp::error::JcampError;
use crate::spectrum::Peak;

/// Header values that place and scale the points of one table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    /// `##FIRSTX=` (already in x units, not scaled by XFACTOR).
    pub firstx: Option<f64>,
    /// `##LASTX=`.
    pub lastx: Option<f64>,
    /// `##DELTAX=`.
    pub deltax: Option<f64>,
    /// `##NPOINTS=` and its line.
    pub npoints: Option<(usize, usize)>,
    /// `##XFACTOR=` (1 if absent).
    pub xfactor: f64,
    /// `##YFACTOR=` (1 if absent).
    pub yfactor: f64,
}

impl Default for Axis {
    fn default() -> Self {
        Axis {
            firstx: None,
            lastx: None,
            deltax: None,
            npoints: None,
            xfactor: 1.0,
            yfactor: 1.0,
        }
    }
}

/// At most this many X-check warnings per table, then one summary: a
/// shifted table would otherwise warn on every line.
const MAX_X_WARNINGS: usize = 5;

/// A line's abscissa and the index of the point it belongs to.
struct Check {
    line: usize,
    x: f64,
    index: usize,
}

/// Decode an `(X++(Y..Y))` record into points.
pub(crate) fn decode(
    rec: &Record<'_>,
    axis: &Axis,
    ctx: &mut Ctx,
) -> Result<Vec<Peak>, JcampError> {
    let hint = axis.npoints.map_or(0, |n| n.0).min(ctx.budget);
    let mut ys: Vec<f64> = Vec::with_capacity(hint);
    let mut scratch = Vec::with_capacity(64);
    let mut checks = Vec::with_capacity(rec.body.len());
    let mut prev_dif = false;
    for l in &rec.body {
        scratch.clear();
        let prev_y = ys.last().copied();
        let room = ctx.budget.saturating_sub(ys.len());
        let info = decode_line(l.text, prev_y, &mut scratch, room)
            .map_err(|o| overflow(l.no, o, ctx.limit))?;
        if let Some((col, b)) = info.bad {
            ctx.warn(l.no, format!("unexpected byte {:?} at column {}: expected an AFFN/ASDF value; rest of the line skipped", b as char, col + 1));
        }
        if info.missing > 0 {
            ctx.warn(
                l.no,
                format!("{} `?` (missing) value(s) decoded as NaN", info.missing),
            );
        }
        let mut skip = 0;
        if let (true, true, Some(&first), Some(last)) =
            (prev_dif, info.first_y_absolute, scratch.first(), prev_y)
        {
            // DIF form: this line's first Y repeats the previous line's last Y.
            skip = 1;
            if !same(first, last) {
                ctx.warn(l.no, format!("DIF Y-check failed: expected the first Y to repeat {last} (last Y of the previous line), found {first}; the check value was dropped and the line kept"));
            }
        }
        if let Some(x) = info.x {
            checks.push(Check {
                line: l.no,
                x,
                index: ys.len() - skip.min(ys.len()),
            });
        }
        ys.extend_from_slice(scratch.get(skip..).unwrap_or_default());
        prev_dif = info.ends_in_dif;
    }
    ctx.budget = ctx.budget.saturating_sub(ys.len());
    let grid = spacing(axis, ys.len(), &checks, rec.line, ctx);
    x_check(&checks, &grid, axis.xfactor, ctx);
    Ok(ys
        .iter()
        .enumerate()
        .map(|(i, &y)| Peak {
            x: grid.x(i),
            intensity: y * axis.yfactor,
        })
        .collect())
}

/// The error for a line whose values would pass the point budget.
pub(crate) fn overflow(line: usize, o: Overflow, limit: usize) -> JcampError {
    let what = if o.dup > 0 {
        format!("DUP count {}", o.dup)
    } else {
        "the decoded values".to_owned()
    };
    JcampError::TooManyPoints { line, what, limit }
}

/// Equal up to decimal round-off accumulated by DIF sums.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Where point `i` sits on the x axis.
enum Grid {
    /// Interpolate FIRSTX..LASTX over `den` intervals: exact at both ends.
    Lerp { first: f64, last: f64, den: f64 },
    /// A start and a step.
    Step { start: f64, step: f64 },
}

impl Grid {
    fn x(&self, i: usize) -> f64 {
        match *self {
            Grid::Lerp { first, last, den } => {
                let t = i as f64 / den;
                first * (1.0 - t) + last * t
            }
            Grid::Step { start, step } => start + i as f64 * step,
        }
    }

    fn step(&self) -> f64 {
        match *self {
            Grid::Lerp { first, last, den } => (last - first) / den,
            Grid::Step { step, .. } => step,
        }
    }
}

/// The x grid. Declared FIRSTX/LASTX/NPOINTS win (the standard makes
/// them authoritative); without them fall back to DELTAX or the line abscissas.
fn spacing(axis: &Axis, n: usize, checks: &[Check], line: usize, ctx: &mut Ctx) -> Grid {
    if let Some((np, np_line)) = axis.npoints {
        if np != n {
            ctx.warn(np_line, format!("NPOINTS says {np} points but the table starting at line {line} holds {n}; x spacing taken from FIRSTX..LASTX over NPOINTS"));
        }
    }
    let from_lines = checks.first().map(|c| c.x * axis.xfactor);
    let declared = axis
        .npoints
        .map(|p| p.0)
        .filter(|&p| p >= 2)
        .or((n >= 2).then_some(n));
    match (axis.firstx, axis.lastx, declared) {
        (Some(f), Some(l), Some(np)) => Grid::Lerp {
            first: f,
            last: l,
            den: (np - 1) as f64,
        },
        (Some(f), _, _) if axis.deltax.is_some() => Grid::Step {
            start: f,
            step: axis.deltax.unwrap_or(1.0),
        },
        (first, _, _) => {
            let start = first.or(from_lines).unwrap_or(0.0);
            let step = axis
                .deltax
                .or_else(|| line_step(checks, axis.xfactor))
                .unwrap_or(1.0);
            if n > 1 {
                ctx.warn(line, format!("no FIRSTX/LASTX/NPOINTS: x taken from the line abscissas (first {start}, step {step})"));
            }
            Grid::Step { start, step }
        }
    }
}

/// Step between points from the first two lines' abscissas.
fn line_step(checks: &[Check], xfactor: f64) -> Option<f64> {
    let (a, b) = (checks.first()?, checks.get(1)?);
    let points = b.index.checked_sub(a.index).filter(|&p| p > 0)?;
    Some((b.x - a.x) * xfactor / points as f64)
}

/// Warn where a line's abscissa is not where the computed axis puts its first
/// point (a lost or repeated line).
fn x_check(checks: &[Check], grid: &Grid, xfactor: f64, ctx: &mut Ctx) {
    let tol = grid.step().abs().max(0.5 * xfactor.abs());
    let mut failed = 0;
    for c in checks {
        let want = grid.x(c.index);
        let got = c.x * xfactor;
        if (got - want).abs() > tol + 1e-9 * want.abs() {
            failed += 1;
            if failed <= MAX_X_WARNINGS {
                ctx.warn(c.line, format!("X-check failed: the line starts at x = {got} but point {} is at x = {want}", c.index + 1));
            }
        }
    }
    if failed > MAX_X_WARNINGS {
        let first = checks.first().map_or(0, |c| c.line);
        ctx.warn(
            first,
            format!(
                "X-check failed on {} more lines of this table",
                failed - MAX_X_WARNINGS
            ),
        );
    }
}
