//! Scan descriptions shared by the vendor layouts: the MassHunter title
//! (`+ESI Product Ion (rt: 6.02 min) CID@20.0 (337.2274[z=1] -> **) x.d`) and
//! the Thermo scan filter (`ITMS + c ESI Full ms2 337.23@cid35.00 [90.00-350.00]`)
//! both state polarity, ionisation, MS level and precursor.

use super::lines::number;
use crate::spectrum::{Ionisation, Mz, Polarity, Spectrum};

/// Fills polarity, ionisation, MS level and precursor from a scan description.
pub(crate) fn apply_scan_description(s: &mut Spectrum, text: &str) {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (i, raw) in tokens.iter().enumerate() {
        // `+ESI` carries the sign on the ionisation token; Thermo writes it alone.
        let (sign, word) = match raw.chars().next() {
            Some(c @ ('+' | '-')) => (Some(c), raw.get(1..).unwrap_or_default()),
            _ => (None, *raw),
        };
        match sign {
            Some('+') => s.polarity = Some(Polarity::Positive),
            Some('-') => s.polarity = Some(Polarity::Negative),
            _ => {}
        }
        if let Some(ion) = ionisation(word) {
            s.ionisation.get_or_insert(ion);
        }
        let lower = word.to_ascii_lowercase();
        if let Some(level) = lower.strip_prefix("ms").and_then(|n| {
            if n.is_empty() {
                Some(1)
            } else {
                n.parse().ok()
            }
        }) {
            s.ms_level = Some(level);
        }
        if lower == "scan" {
            s.ms_level.get_or_insert(1);
        }
        if lower == "product"
            && tokens
                .get(i + 1)
                .is_some_and(|t| t.eq_ignore_ascii_case("ion"))
        {
            s.ms_level = Some(2);
        }
        // Thermo: `337.23@cid35.00`.
        if let Some((mz, activation)) = word.split_once('@') {
            if let Some(mz) = number(mz) {
                s.precursor_mz = Some(Mz(mz));
                s.collision_energy = Some(activation.to_string());
            }
        }
        // MassHunter: `(337.2274[z=1]`.
        if let Some(rest) = word.strip_prefix('(') {
            if let Some((mz, z)) = rest.split_once("[z=") {
                if let Some(mz) = number(mz) {
                    s.precursor_mz = Some(Mz(mz));
                    s.charge = z.trim_end_matches(']').parse().ok();
                }
            }
        }
    }
}

fn ionisation(word: &str) -> Option<Ionisation> {
    match word.to_ascii_uppercase().as_str() {
        "ESI" | "NSI" | "HESI" => Some(Ionisation::Electrospray),
        "EI" => Some(Ionisation::ElectronIonisation),
        "APCI" | "APPI" | "MALDI" | "CI" | "DART" => Some(Ionisation::Other),
        _ => None,
    }
}
