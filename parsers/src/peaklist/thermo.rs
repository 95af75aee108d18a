//! Thermo Xcalibur Qual Browser / FreeStyle spectrum-list text exports:
//!
//! ```text
//! SPECTRUM - MS
//! fentanyl_std_01.raw
//! ITMS + c ESI Full ms2 337.23@cid35.00 [90.00-350.00]
//! Scan #: 1234
//! RT: 6.03
//! Data points: 5
//! Mass<TAB>Intensity
//! 105.07<TAB>1520.0
//! ```
//!
//! Several `SPECTRUM -` blocks may follow each other.

use super::agilent::clip;
use super::error::PeakListError;
use super::lines::{number_after, peak, starts_numeric, warn, ws_fields, Line};
use super::title;
use crate::spectrum::{Spectrum, SpectrumKind, Warning};

pub(crate) fn read(
    lines: &[Line<'_>],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Spectrum>, PeakListError> {
    let mut spectra = Vec::new();
    let mut current: Option<Spectrum> = None;
    let mut in_rows = false;
    let mut declared_points: Option<(usize, usize)> = None;
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            warnings.push(warn(line.number, "blank line ignored"));
            continue;
        }
        if let Some(kind) = text.strip_prefix("SPECTRUM -") {
            finish(&mut current, &mut spectra, declared_points.take(), warnings);
            current = Some(Spectrum {
                kind: Some(SpectrumKind::Mass),
                header: [("spectrum", kind.trim())].into_iter().collect(),
                ..Spectrum::default()
            });
            in_rows = false;
            continue;
        }
        let Some(s) = current.as_mut() else {
            warnings.push(warn(
                line.number,
                format!("text before `SPECTRUM -` ignored: `{}`", clip(text)),
            ));
            continue;
        };
        let fields = ws_fields(text);
        if in_rows {
            if starts_numeric(&fields) {
                match peak(&fields, 0, 1) {
                    Ok(p) => s.peaks.push(p),
                    Err(why) => warnings.push(warn(line.number, why)),
                }
            } else {
                warnings.push(warn(
                    line.number,
                    format!("stray text `{}` ignored", clip(text)),
                ));
            }
            continue;
        }
        if fields
            .first()
            .is_some_and(|f| f.eq_ignore_ascii_case("mass"))
        {
            s.header.push("columns", fields.join("\t"));
            in_rows = true;
            continue;
        }
        if starts_numeric(&fields) {
            return Err(PeakListError::MissingColumnHeader { line: line.number });
        }
        header_line(s, text, line.number, &mut declared_points);
    }
    finish(&mut current, &mut spectra, declared_points, warnings);
    Ok(spectra)
}

/// One header line: the raw-file name, the scan filter, or `Key: value` pairs
/// (`Scan #: 12` and `RT: 0.07` may share a line).
fn header_line(s: &mut Spectrum, text: &str, number: usize, declared: &mut Option<(usize, usize)>) {
    let lower = text.to_ascii_lowercase();
    if lower.ends_with(".raw") {
        s.header.push("file", text);
        return;
    }
    if lower.contains("scan #:") || lower.starts_with("rt:") || lower.contains(" rt:") {
        if let Some(scan) = number_after(&lower, "scan #:") {
            s.header.push("scan", scan.to_string());
        }
        if let Some(rt) = number_after(&lower, "rt:") {
            // Xcalibur gives RT in minutes.
            s.retention_time_s = Some(rt * 60.0);
            s.header.push("rt_min", rt.to_string());
        }
        return;
    }
    if let Some(n) = number_after(&lower, "data points:") {
        *declared = Some((n as usize, number));
        s.header.push("data_points", n.to_string());
        return;
    }
    let (key, value) = match text.split_once(": ") {
        Some((k, v)) if k.len() <= 20 => (Some(k.trim()), v.trim()),
        _ => (None, text),
    };
    match key {
        Some(k) if !k.eq_ignore_ascii_case("f") && !k.eq_ignore_ascii_case("filter") => {
            s.header.push(k, value);
        }
        _ => {
            // The scan filter: `FTMS + p ESI Full ms [100.00-1000.00]`, bare or after `F:`.
            s.header.push("filter", value);
            if s.title.is_none() {
                s.title = Some(value.to_string());
            }
            title::apply_scan_description(s, value);
        }
    }
}

/// Closes a spectrum; a `Data points:` count that the rows do not match is
/// worth a warning (rows lost in copying, or a cut-off export).
fn finish(
    current: &mut Option<Spectrum>,
    spectra: &mut Vec<Spectrum>,
    declared: Option<(usize, usize)>,
    warnings: &mut Vec<Warning>,
) {
    let Some(s) = current.take() else { return };
    if let Some((n, line)) = declared {
        if n != s.peaks.len() {
            warnings.push(warn(
                line,
                format!("`Data points: {n}` but {} peaks were read", s.peaks.len()),
            ));
        }
    }
    spectra.push(s);
}
