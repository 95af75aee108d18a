//! One leaf block to spectra: header, descriptive fields, and its data table
//! decoded with the block's axis values (NTUPLES blocks go to [`super::ntuples`]).

use super::blocks::Leaf;
use super::error::JcampError;
use super::ldr::Record;
use super::number::parse_value;
use super::xydata::Axis;
use super::{meta, ntuples, peaktable, xydata, Ctx};
use crate::spectrum::{Header, Peak, Spectrum};

/// Data records in order of preference when a block holds several.
const DATA_KEYS: [&str; 4] = ["XYDATA", "XYPOINTS", "PEAKTABLE", "PEAKASSIGNMENTS"];

/// The spectra of one leaf block (several for an NTUPLES block).
pub(crate) fn spectra(
    records: &[Record<'_>],
    leaf: &Leaf,
    ctx: &mut Ctx,
) -> Result<Vec<Spectrum>, JcampError> {
    let prefix: Vec<&Record<'_>> = leaf.prefix.iter().filter_map(|&i| records.get(i)).collect();
    let own: Vec<&Record<'_>> = leaf.own.iter().filter_map(|&i| records.get(i)).collect();
    if own.iter().any(|r| r.key == "NTUPLES") {
        return ntuples::pages(&prefix, &own, ctx);
    }
    let mut spec = Spectrum {
        header: header(prefix.iter().chain(own.iter()).copied()),
        ..Spectrum::default()
    };
    meta::fill(&mut spec, prefix.iter().chain(own.iter()).copied());
    let mut axis = Axis::default();
    apply_axis(&own, &mut axis, ctx)?;
    let data = DATA_KEYS
        .iter()
        .find_map(|k| own.iter().find(|r| r.key == *k));
    if let Some(rec) = data {
        for other in own.iter().filter(|r| r.is_data() && r.line != rec.line) {
            ctx.warn(other.line, format!("second data table `##{}=` in the block: only `##{}=` (line {}) is decoded into points; this one is kept in the header only", other.label_text(), rec.label_text(), rec.line));
        }
        spec.peaks = table(rec, &axis, ctx)?;
    }
    Ok(vec![spec])
}

/// `(label, value)` for every record, in file order.
pub(crate) fn header<'r, 'a: 'r>(records: impl Iterator<Item = &'r Record<'a>>) -> Header {
    records.map(|r| (r.label_text(), r.value())).collect()
}

/// Decode a data record by its variable list: `++` lists are ASDF, the
/// rest tuple tables.
pub(crate) fn table(rec: &Record<'_>, axis: &Axis, ctx: &mut Ctx) -> Result<Vec<Peak>, JcampError> {
    let vars = rec.value().to_ascii_uppercase();
    match peaktable::width(&vars) {
        None => xydata::decode(rec, axis, ctx),
        Some(w) => {
            if !vars.contains('(') {
                ctx.warn(rec.line, format!("`##{}={vars}`: expected a variable list like `(XY..XY)`; read as x,y pairs", rec.label_text()));
            }
            peaktable::decode(rec, w, axis, ctx)
        }
    }
}

/// Set the axis values present in `records` (later ones win), checking NPOINTS
/// against the point budget before anything is allocated for it.
pub(crate) fn apply_axis(
    records: &[&Record<'_>],
    axis: &mut Axis,
    ctx: &mut Ctx,
) -> Result<(), JcampError> {
    for r in records {
        let slot = match r.key.as_str() {
            "FIRSTX" => &mut axis.firstx,
            "LASTX" => &mut axis.lastx,
            "DELTAX" => &mut axis.deltax,
            "XFACTOR" | "YFACTOR" | "NPOINTS" => &mut None,
            _ => continue,
        };
        let text = r.value();
        let Some(v) = parse_value(&text).filter(|v| v.is_finite()) else {
            ctx.warn(
                r.line,
                format!("`##{}={text}`: expected a number; ignored", r.label_text()),
            );
            continue;
        };
        match r.key.as_str() {
            "XFACTOR" => axis.xfactor = v,
            "YFACTOR" => axis.yfactor = v,
            "NPOINTS" => axis.npoints = Some((npoints(v, r.line, ctx)?, r.line)),
            _ => *slot = Some(v),
        }
    }
    Ok(())
}

/// A declared point count, refused when it exceeds the budget.
pub(crate) fn npoints(v: f64, line: usize, ctx: &mut Ctx) -> Result<usize, JcampError> {
    if v < 0.0 || v.fract() != 0.0 {
        ctx.warn(
            line,
            format!("NPOINTS {v}: expected a whole number of points; rounded"),
        );
    }
    let n = v.max(0.0).round();
    if n > ctx.budget as f64 {
        return Err(JcampError::TooManyPoints {
            line,
            what: format!("NPOINTS {n}"),
            limit: ctx.limit,
        });
    }
    Ok(n as usize)
}
