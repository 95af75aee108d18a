//! Agilent MassHunter Qualitative Analysis CSV exports: `#`-prefixed title
//! lines (`#"+ESI Scan (rt: 4.512 min) Frag=175.0V sample.d "`), a column
//! header (`#Point,X(Thomsons),Y(Counts)` or the 2-column `#X(Thomsons),Y(Counts)`
//! / `X,Y`), then comma-separated rows. A title line after rows starts the
//! next spectrum (multi-spectrum exports).

use super::error::PeakListError;
use super::lines::{number_after, peak, starts_numeric, unquoted, warn, Line};
use super::title;
use crate::spectrum::{Spectrum, SpectrumKind, Warning};

/// Column positions from the header.
#[derive(Debug, Clone, Copy)]
struct Columns {
    x: usize,
    y: usize,
}

pub(crate) fn read(
    lines: &[Line<'_>],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Spectrum>, PeakListError> {
    let mut spectra = Vec::new();
    let mut current = Spectrum::default();
    let mut columns: Option<Columns> = None;
    let mut rows_seen = false;
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            warnings.push(warn(line.number, "blank line ignored"));
            continue;
        }
        let body = text.strip_prefix('#').unwrap_or(text).trim();
        let fields: Vec<&str> = body.split(',').collect();
        if starts_numeric(&fields) && !text.starts_with('#') {
            // Bare `x,y` rows with no header at all are the 2-column variant.
            let cols = *columns.get_or_insert(Columns { x: 0, y: 1 });
            rows_seen = true;
            match peak(&fields, cols.x, cols.y) {
                Ok(p) => current.peaks.push(p),
                Err(why) => warnings.push(warn(line.number, why)),
            }
            continue;
        }
        if let Some(cols) = header_columns(&fields, line.number, body)? {
            columns = Some(cols);
            current.header.push("columns", body);
            if let Some(unit) = fields.get(cols.x).and_then(|f| unit(f)) {
                current.kind = Some(x_kind(unit));
                current.header.push("x_units", unit);
            } else if fields
                .get(cols.x)
                .is_some_and(|f| MZ_NAMES.contains(&column_name(f).as_str()))
            {
                current.kind = Some(SpectrumKind::Mass);
            }
            if let Some(unit) = fields.get(cols.y).and_then(|f| unit(f)) {
                current.header.push("y_units", unit);
            }
            continue;
        }
        if text.starts_with('#') {
            if rows_seen {
                spectra.push(std::mem::take(&mut current));
                columns = None;
                rows_seen = false;
            }
            add_title(&mut current, body);
            continue;
        }
        warnings.push(warn(
            line.number,
            format!("stray text `{}` ignored", clip(text)),
        ));
    }
    if columns.is_some() || !current.peaks.is_empty() || current.title.is_some() {
        spectra.push(current);
    }
    Ok(spectra)
}

/// `Some` when the fields are a column header; an error when they look like
/// one (`Point` first) but lack X or Y.
fn header_columns(
    fields: &[&str],
    line: usize,
    body: &str,
) -> Result<Option<Columns>, PeakListError> {
    let x = fields.iter().position(|f| {
        let n = column_name(f);
        X_NAMES.contains(&n.as_str()) || MZ_NAMES.contains(&n.as_str())
    });
    let y = fields
        .iter()
        .position(|f| Y_NAMES.contains(&column_name(f).as_str()));
    let is_point = fields
        .first()
        .is_some_and(|f| unquoted(f).eq_ignore_ascii_case("point"));
    match (x, y) {
        (Some(x), Some(y)) => Ok(Some(Columns { x, y })),
        _ if is_point => Err(PeakListError::BadColumnHeader {
            line,
            found: body.to_string(),
        }),
        _ => Ok(None),
    }
}

/// Column names (before any `(unit)`, any case) read as the x column: these,
const X_NAMES: &[&str] = &["x", "m/z value"];
/// and these, which also say the x axis is m/z when no unit is given …
const MZ_NAMES: &[&str] = &["m/z", "mz", "mass"];
/// … and as the intensity column.
const Y_NAMES: &[&str] = &[
    "y",
    "intensity",
    "int",
    "abundance",
    "counts",
    "relative intensity",
    "relative abundance",
    "rel. intensity",
];

/// A column's name before any `(unit)`, trimmed, in lower case:
/// `X(Thomsons)` → `x`, `"Intensity (counts)"` → `intensity`.
fn column_name(field: &str) -> String {
    unquoted(field)
        .split('(')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// `X(Thomsons)` → `Thomsons`.
fn unit(field: &str) -> Option<&str> {
    let f = unquoted(field);
    let open = f.find('(')?;
    f.get(open + 1..)?.strip_suffix(')')
}

fn x_kind(unit: &str) -> SpectrumKind {
    match unit.to_ascii_lowercase().as_str() {
        "thomsons" | "m/z" | "th" => SpectrumKind::Mass,
        _ => SpectrumKind::Unknown,
    }
}

/// The first title line names the spectrum; MassHunter packs polarity,
/// ionisation, scan type, RT, fragmentor and CID energy into it.
fn add_title(s: &mut Spectrum, body: &str) {
    let t = body.trim_end_matches(',').trim().trim_matches('"').trim();
    if t.is_empty() {
        return;
    }
    s.header.push("title", t);
    if s.title.is_some() {
        return;
    }
    s.title = Some(t.to_string());
    s.kind.get_or_insert(SpectrumKind::Mass);
    title::apply_scan_description(s, t);
    if let Some(rt) = number_after(&t.to_ascii_lowercase(), "(rt:") {
        s.retention_time_s = Some(rt * 60.0);
    }
    if let Some(frag) = t.split_whitespace().find_map(|w| w.strip_prefix("Frag=")) {
        s.header.push("fragmentor", frag);
    }
    if let Some(ce) = number_after(t, "CID@") {
        s.collision_energy = Some(format!("{ce} V"));
    }
}

pub(crate) fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}
