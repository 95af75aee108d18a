//! Two-column m/z–intensity text as exported for the NIST DART-MS in-source
//! CID spectra (`94.066395<TAB>1737.148220`, no header). Ionisation is
//! in-source CID by definition of the export; the voltage is taken only from
//! the content (a `# … voltage: 60 V` style line), never from the file name.

use super::agilent::clip;
use super::error::PeakListError;
use super::lines::{peak, starts_numeric, warn, ws_fields, Line};
use crate::spectrum::{Ionisation, Spectrum, SpectrumKind, Warning};

pub(crate) fn read(
    lines: &[Line<'_>],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Spectrum>, PeakListError> {
    let mut s = Spectrum {
        kind: Some(SpectrumKind::Mass),
        ionisation: Some(Ionisation::InSourceCid),
        ..Spectrum::default()
    };
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            warnings.push(warn(line.number, "blank line ignored"));
            continue;
        }
        let fields = ws_fields(text);
        if starts_numeric(&fields) {
            if fields.len() > 2 {
                warnings.push(warn(
                    line.number,
                    format!(
                        "{} fields; only the first two (m/z, intensity) read",
                        fields.len()
                    ),
                ));
            }
            match peak(&fields, 0, 1) {
                Ok(p) => s.peaks.push(p),
                Err(why) => warnings.push(warn(line.number, why)),
            }
            continue;
        }
        if let Some(voltage) = voltage(text) {
            s.header.push("voltage", voltage.clone());
            s.collision_energy = Some(voltage);
            continue;
        }
        if s.peaks.is_empty() && is_column_header(&fields) {
            s.header.push("columns", fields.join("\t"));
            continue;
        }
        warnings.push(warn(
            line.number,
            format!("stray text `{}` ignored", clip(text)),
        ));
    }
    Ok(vec![s])
}

/// `# Orifice 1 voltage: 60 V`, `Cone voltage = 30V`: any key naming a
/// voltage, cone or orifice, with a value after `:` or `=`.
fn voltage(text: &str) -> Option<String> {
    let body = text.trim_start_matches(['#', ';', ' ']);
    let (key, value) = body.split_once(':').or_else(|| body.split_once('='))?;
    let key = key.to_ascii_lowercase();
    let named = ["voltage", "cone", "orifice", "fragmentor"]
        .iter()
        .any(|k| key.contains(k));
    let value = value.trim();
    (named && !value.is_empty()).then(|| value.to_string())
}

/// `m/z<TAB>Intensity` and similar: two non-numeric words.
fn is_column_header(fields: &[&str]) -> bool {
    fields.len() == 2 && fields.iter().all(|f| f.parse::<f64>().is_err())
}
