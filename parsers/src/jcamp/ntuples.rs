//! `##NTUPLES=` blocks: a table of variables (`##SYMBOL=`, `##FACTOR=`,
//! `##FIRST=`, …) then `##PAGE=` sections, each with its own `##DATA TABLE=`.
//! Each page becomes a spectrum (a GC-MS run: one mass spectrum per
//! retention time; NMR: real and imaginary parts).

use super::build::{apply_axis, header, npoints, table};
use super::error::JcampError;
use super::ldr::Record;
use super::number::parse_value;
use super::xydata::Axis;
use super::{meta, Ctx};
use crate::spectrum::Spectrum;

/// The per-variable lists of the NTUPLES header, split at commas.
struct Columns {
    symbol: Vec<String>,
    units: Vec<String>,
    first: Vec<String>,
    last: Vec<String>,
    factor: Vec<String>,
    dim: Vec<String>,
    dim_line: usize,
}

impl Columns {
    fn read(records: &[&Record<'_>]) -> Self {
        let list = |key: &str| {
            records
                .iter()
                .find(|r| r.key == key)
                .map(|r| r.value().split(',').map(|s| s.trim().to_owned()).collect())
                .unwrap_or_default()
        };
        Columns {
            symbol: list("SYMBOL"),
            units: list("UNITS"),
            first: list("FIRST"),
            last: list("LAST"),
            factor: list("FACTOR"),
            dim: list("VARDIM"),
            dim_line: records
                .iter()
                .find(|r| r.key == "VARDIM")
                .map_or(0, |r| r.line),
        }
    }

    fn index(&self, symbol: &str) -> Option<usize> {
        self.symbol
            .iter()
            .position(|s| s.eq_ignore_ascii_case(symbol))
    }

    fn num(list: &[String], i: Option<usize>) -> Option<f64> {
        parse_value(list.get(i?)?)
    }
}

/// One spectrum per `##PAGE=`.
pub(crate) fn pages(
    prefix: &[&Record<'_>],
    own: &[&Record<'_>],
    ctx: &mut Ctx,
) -> Result<Vec<Spectrum>, JcampError> {
    let starts: Vec<usize> = own
        .iter()
        .enumerate()
        .filter(|(_, r)| r.key == "PAGE")
        .map(|(i, _)| i)
        .collect();
    let end_of_pages = own
        .iter()
        .position(|r| r.key == "ENDNTUPLES")
        .unwrap_or(own.len());
    let common_head = own
        .get(..starts.first().copied().unwrap_or(end_of_pages))
        .unwrap_or_default();
    let common_tail = own.get(end_of_pages..).unwrap_or_default();
    let cols = Columns::read(common_head);
    let mut out = Vec::with_capacity(starts.len());
    for (n, &start) in starts.iter().enumerate() {
        let stop = starts
            .get(n + 1)
            .copied()
            .unwrap_or(end_of_pages)
            .max(start);
        let page = own.get(start..stop).unwrap_or_default();
        let all = prefix
            .iter()
            .chain(common_head)
            .chain(page)
            .chain(common_tail)
            .copied();
        let mut spec = Spectrum {
            header: header(all.clone()),
            ..Spectrum::default()
        };
        meta::fill(&mut spec, all);
        if let Some(p) = page.first() {
            spec.retention_time_s = retention(&p.value(), &cols);
        }
        if let Some(data) = page.iter().find(|r| r.is_data()) {
            let axis = page_axis(&data.value(), &cols, page, ctx)?;
            spec.peaks = table(data, &axis, ctx)?;
        }
        out.push(spec);
    }
    if starts.is_empty() {
        let line = own.first().map_or(0, |r| r.line);
        ctx.warn(
            line,
            "`##NTUPLES=` block without `##PAGE=`: expected pages of data; no points read",
        );
    }
    Ok(out)
}

/// The axis of a page: the NTUPLES columns of its x and y symbols, then any
/// `##FIRSTX=`/`##NPOINTS=`… inside the page.
fn page_axis(
    vars: &str,
    cols: &Columns,
    page: &[&Record<'_>],
    ctx: &mut Ctx,
) -> Result<Axis, JcampError> {
    let (x, y) = symbols(vars);
    let (xi, yi) = (cols.index(&x), cols.index(&y));
    let mut axis = Axis {
        firstx: Columns::num(&cols.first, xi),
        lastx: Columns::num(&cols.last, xi),
        deltax: None,
        npoints: None,
        xfactor: Columns::num(&cols.factor, xi).unwrap_or(1.0),
        yfactor: Columns::num(&cols.factor, yi).unwrap_or(1.0),
    };
    // VAR_DIM counts points only for `++` (XYDATA) pages; in PEAKS pages it
    // is empty or counts something else.
    if vars.contains("++") {
        if let Some(d) = Columns::num(&cols.dim, xi) {
            axis.npoints = Some((npoints(d, cols.dim_line, ctx)?, cols.dim_line));
        }
    }
    apply_axis(page, &mut axis, ctx)?;
    Ok(axis)
}

/// x and y symbols of a variable list: `(X++(R..R))` → X, R; `(XY..XY)` → X, Y.
fn symbols(vars: &str) -> (String, String) {
    let letters: Vec<char> = vars
        .split("..")
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    let get = |i: usize, d: &str| letters.get(i).map_or(d.to_owned(), char::to_string);
    (get(0, "X"), get(1, "Y"))
}

/// Seconds from a page value like `T= 272` when that variable is a time.
fn retention(page: &str, cols: &Columns) -> Option<f64> {
    let (sym, value) = page.split_once('=')?;
    let i = cols.index(sym.trim())?;
    let v = parse_value(value)?;
    let units = cols.units.get(i)?.to_ascii_uppercase();
    match units.as_str() {
        "SECONDS" | "SECOND" | "S" | "SEC" => Some(v),
        "MINUTES" | "MINUTE" | "MIN" => Some(v * 60.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_lists() {
        assert_eq!(symbols("(X++(R..R)), XYDATA"), ("X".into(), "R".into()));
        assert_eq!(symbols("(XY..XY), PEAKS"), ("X".into(), "Y".into()));
    }
}
