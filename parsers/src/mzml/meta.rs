//! Spectrum fields from accession-keyed cvParams. Names are never consulted:
//! pymzML's `mini_numpress.chrom.mzML`, for one, has a wrong name on MS:1002313.

use super::params::{CvParam, Scope};
use crate::spectrum::{Header, Mz, Polarity, Spectrum, SpectrumKind};

/// UO terms for time units.
const UO_SECOND: &str = "UO:0000010";
const UO_MINUTE: &str = "UO:0000031";
const UO_MILLISECOND: &str = "UO:0000028";

/// Fills `s` from the spectrum's cvParams; returns notes on oddities.
pub(crate) fn apply(s: &mut Spectrum, params: Vec<(Scope, CvParam<'_>)>) -> Vec<String> {
    let mut notes = Vec::new();
    s.kind = Some(SpectrumKind::Mass);
    let first = |scope: Scope, acc: &str| {
        params
            .iter()
            .find(|(sc, p)| *sc == scope && p.accession == acc)
            .map(|(_, p)| p)
    };
    if let Some(p) = first(Scope::Spectrum, "MS:1000511") {
        match p.value.trim().parse::<u8>() {
            Ok(v) => s.ms_level = Some(v),
            Err(_) => notes.push(format!(
                "ms level (MS:1000511) `{}` is not a small integer; ignored",
                p.value
            )),
        }
    }
    if first(Scope::Spectrum, "MS:1000130").is_some() {
        s.polarity = Some(Polarity::Positive);
    } else if first(Scope::Spectrum, "MS:1000129").is_some() {
        s.polarity = Some(Polarity::Negative);
    }
    if let Some(p) = first(Scope::Spectrum, "MS:1000796") {
        s.title = Some(p.value.clone().into_owned());
    }
    if let Some(p) = first(Scope::Scan, "MS:1000016") {
        s.retention_time_s = scan_time(p, &mut notes);
    }
    if let Some(p) = first(Scope::SelectedIon, "MS:1000744") {
        match p.value.trim().parse::<f64>() {
            Ok(v) => s.precursor_mz = Some(Mz(v)),
            Err(_) => notes.push(format!(
                "selected ion m/z (MS:1000744) `{}` is not a number; ignored",
                p.value
            )),
        }
    }
    if let Some(p) = first(Scope::SelectedIon, "MS:1000041") {
        match p.value.trim().parse::<i32>() {
            // mzML writes charge magnitudes; the sign comes from the polarity.
            Ok(v) if s.polarity == Some(Polarity::Negative) && v > 0 => s.charge = Some(-v),
            Ok(v) => s.charge = Some(v),
            Err(_) => notes.push(format!(
                "charge state (MS:1000041) `{}` is not an integer; ignored",
                p.value
            )),
        }
    }
    if let Some(p) = first(Scope::Activation, "MS:1000045") {
        let unit = match p.unit.as_deref() {
            Some("UO:0000266") | None => " eV",
            Some("UO:0000187") => "%",
            Some(_) => "",
        };
        s.collision_energy = Some(format!("{}{unit}", p.value.trim()));
    } else if let Some(p) = first(Scope::Activation, "MS:1000138") {
        s.collision_energy = Some(format!("NCE {}%", p.value.trim()));
    }
    // Valueless terms (polarity, activation type) carry their meaning in the
    // accession; the written name is kept as the value for readability.
    let shown = |p: &CvParam<'_>| {
        if p.value.is_empty() {
            p.name.len()
        } else {
            p.value.len()
        }
    };
    let bytes = params
        .iter()
        .map(|(_, p)| p.accession.len() + shown(p))
        .sum();
    let mut header = Header::with_capacity(params.len(), bytes);
    for (_, p) in params {
        let v = if p.value.is_empty() { p.name } else { p.value };
        header.push(p.accession, v);
    }
    s.header = header;
    notes
}

/// Scan start time in seconds, from its unit accession.
fn scan_time(p: &CvParam<'_>, notes: &mut Vec<String>) -> Option<f64> {
    let Ok(v) = p.value.trim().parse::<f64>() else {
        notes.push(format!(
            "scan start time (MS:1000016) `{}` is not a number; ignored",
            p.value
        ));
        return None;
    };
    match p.unit.as_deref() {
        Some(UO_SECOND) => Some(v),
        Some(UO_MINUTE) => Some(v * 60.0),
        Some(UO_MILLISECOND) => Some(v / 1000.0),
        other => {
            // pwiz and Thermo write minutes; assume that, but say so.
            notes.push(format!(
                "scan start time (MS:1000016) has unit {}; expected UO:0000010 or UO:0000031, assumed minutes",
                other.unwrap_or("none")
            ));
            Some(v * 60.0)
        }
    }
}
