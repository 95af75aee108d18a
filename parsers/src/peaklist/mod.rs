//! Vendor peak-list text exports, layout detected from the content:
//!
//! * Agilent MassHunter CSV: `#` title lines, `#Point,X(Thomsons),Y(Counts)`
//!   rows ([`PeakListKind::AgilentMassHunter`]) or the 2-column
//!   `X(Thomsons),Y(Counts)` / bare `x,y` variant ([`PeakListKind::AgilentXy`]);
//! * Thermo Xcalibur / FreeStyle spectrum lists (`SPECTRUM - MS`, raw-file
//!   name, filter, `Scan #:` / `RT:`, `Mass<TAB>Intensity`, rows);
//! * two-column whitespace-separated m/z–intensity text, the layout of the
//!   NIST DART-MS in-source-CID exports ([`PeakListKind::DartMs`]).
//!
//! Column names may be `X`/`Y` with units, `m/z`/`Mass` and
//! `Intensity`/`Abundance`/`Counts`; semicolon-separated exports with decimal
//! commas (`105,06988;2131,52`) read as their comma-separated equivalent.
//!
//! Blank lines, stray text and rows with a missing or non-numeric value are
//! reported as warnings with their line numbers; nothing is dropped silently.

mod agilent;
mod dart;
mod error;
mod lines;
mod semicolon;
mod thermo;
mod title;

pub use error::PeakListError;

use crate::spectrum::SpectrumFile;
use lines::{number, split_lines};

/// The layouts [`read`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeakListKind {
    /// Agilent MassHunter CSV with a `#Point,X(..),Y(..)` header.
    AgilentMassHunter,
    /// Agilent MassHunter 2-column CSV (`X(..),Y(..)` header or bare `x,y` rows).
    AgilentXy,
    /// Thermo Xcalibur / FreeStyle spectrum-list text.
    ThermoSpectrumList,
    /// Two-column whitespace-separated m/z–intensity text (NIST DART-MS
    /// export); read as in-source CID.
    DartMs,
}

/// How far into the input layout detection looks.
const SNIFF_WINDOW: usize = 8192;

/// Recognises the peak-list layout of `bytes`; `None` for binary input or an
/// unknown layout.
pub fn sniff(bytes: &[u8]) -> Option<PeakListKind> {
    let bytes = crate::text::text_body(bytes);
    let head = bytes.get(..SNIFF_WINDOW).unwrap_or(bytes);
    // Only the window is converted: sniffing must not copy a whole file.
    match semicolon::to_commas(head) {
        Some(commas) => sniff_commas(&commas),
        None => sniff_commas(head),
    }
}

/// [`sniff`] of comma- or whitespace-separated text.
fn sniff_commas(bytes: &[u8]) -> Option<PeakListKind> {
    let head = bytes.get(..SNIFF_WINDOW).unwrap_or(bytes);
    if memchr::memchr(0, head).is_some() {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(60)
        .collect();
    if lines.iter().any(|l| l.starts_with("SPECTRUM -")) {
        return Some(PeakListKind::ThermoSpectrumList);
    }
    let header = |l: &&&str| l.trim_start_matches('#').trim().to_ascii_lowercase();
    if lines.iter().any(|l| header(&l).starts_with("point,")) {
        return Some(PeakListKind::AgilentMassHunter);
    }
    if lines.iter().any(|l| {
        let h = header(&l);
        h.starts_with("x(") || h == "x,y"
    }) {
        return Some(PeakListKind::AgilentXy);
    }
    // Without a header, the text must be mostly numeric rows: a stray
    // "1 0 obj" in some other text file must not make it a peak list.
    let mut rows: Vec<&&str> = lines.iter().filter(|l| !l.starts_with('#')).collect();
    let is_row = |l: &&&str| {
        let comma: Vec<&str> = l.split(',').collect();
        let ws: Vec<&str> = l.split_whitespace().collect();
        [comma, ws]
            .iter()
            .any(|f| f.len() >= 2 && f.iter().take(2).all(|v| number(v).is_some()))
    };
    // One column-header line (`m/z<TAB>Intensity`) may precede the rows.
    if rows.first().is_some_and(|l| !is_row(l)) {
        rows.remove(0);
    }
    let numeric = rows.iter().filter(|l| is_row(l)).count();
    if numeric == 0 || numeric * 5 < rows.len() * 4 {
        return None;
    }
    let first_row = rows.into_iter().find(|l| is_row(l))?;
    let comma: Vec<&str> = first_row.split(',').collect();
    if comma.len() >= 2 && comma.iter().take(2).all(|f| number(f).is_some()) {
        return Some(PeakListKind::AgilentXy);
    }
    let ws: Vec<&str> = first_row.split_whitespace().collect();
    (ws.len() >= 2 && ws.iter().take(2).all(|f| number(f).is_some()))
        .then_some(PeakListKind::DartMs)
}

/// Reads a vendor peak list, detecting its layout.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, PeakListError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(PeakListError::Empty);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(PeakListError::Binary { offset });
    }
    let commas = semicolon::to_commas(crate::text::text_body(bytes));
    let bytes = commas.as_deref().unwrap_or(bytes);
    let mut warnings = Vec::new();
    let lines = split_lines(bytes, &mut warnings);
    // Already converted from semicolons (if it was), so sniff it as is.
    let kind = sniff_commas(crate::text::text_body(bytes)).ok_or_else(|| {
        PeakListError::UnknownLayout {
            line: lines
                .iter()
                .find(|l| !l.text.trim().is_empty())
                .map_or(1, |l| l.number),
        }
    })?;
    let mut spectra = match kind {
        PeakListKind::AgilentMassHunter | PeakListKind::AgilentXy => {
            agilent::read(&lines, &mut warnings)?
        }
        PeakListKind::ThermoSpectrumList => thermo::read(&lines, &mut warnings)?,
        PeakListKind::DartMs => dart::read(&lines, &mut warnings)?,
    };
    for s in &mut spectra {
        s.header.insert_first("layout", &format!("{kind:?}"));
    }
    Ok(SpectrumFile { spectra, warnings })
}
