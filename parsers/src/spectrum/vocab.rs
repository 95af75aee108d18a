//! Free-text header values → typed spectrum fields, shared by the MSP, MGF and
//! MassBank readers (all three spell ion mode, instrument and charge the same
//! loose ways). Unrecognised values map to `None`; the raw text stays in the
//! header, so nothing is lost by declining to guess.

use crate::spectrum::{Ionisation, Polarity};

/// `POSITIVE`, `Positive`, `pos`, `P`, `+` → positive; likewise negative.
pub(crate) fn polarity(value: &str) -> Option<Polarity> {
    let v = value.trim();
    let is = |s: &str| v.eq_ignore_ascii_case(s);
    if is("positive") || is("pos") || is("p") || is("+") {
        Some(Polarity::Positive)
    } else if is("negative") || is("neg") || is("n") || is("-") {
        Some(Polarity::Negative)
    } else {
        None
    }
}

/// Ionisation from an instrument type or ionisation field: `EI`, `EI+`,
/// `EI-B`, `GC-EI-Orbitrap` → EI; `ESI`, `LC-ESI-QTOF` → electrospray.
pub(crate) fn ionisation(value: &str) -> Option<Ionisation> {
    let mut found = None;
    // Tokens, not substrings: "EI" must not match inside "ESI" or "REIMS".
    for token in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let is = |s: &str| token.eq_ignore_ascii_case(s);
        if is("EI") {
            return Some(Ionisation::ElectronIonisation);
        } else if is("ESI") || is("NSI") || is("HESI") {
            return Some(Ionisation::Electrospray);
        } else if [
            "APCI", "APPI", "MALDI", "CI", "FAB", "FD", "FI", "DART", "LDI",
        ]
        .iter()
        .any(|s| is(s))
        {
            found = Some(Ionisation::Other);
        }
    }
    found
}

/// `MS2`, `ms1`, `2` → the MS level; `MS` (MassBank's full scan) → 1;
/// `in-source`, `Centroid` → `None`.
pub(crate) fn ms_level(value: &str) -> Option<u8> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("ms") {
        return Some(1);
    }
    let digits = match v.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("ms") => v.get(2..).unwrap_or_default(),
        _ => v,
    };
    digits.trim().parse().ok().filter(|&n| n > 0)
}

/// The first charge in `2+`, `+2`, `3-`, `2`, `2+ and 3+`, `2+,3+`.
///
/// `0` means "unknown" in GNPS exports, so it maps to `None`.
pub(crate) fn first_charge(value: &str) -> Option<i32> {
    let token = value
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .find(|t| !t.is_empty())?;
    let (sign, digits) = if let Some(d) = token.strip_suffix('+').or(token.strip_prefix('+')) {
        (1, d)
    } else if let Some(d) = token.strip_suffix('-').or(token.strip_prefix('-')) {
        (-1, d)
    } else {
        (1, token)
    };
    let n: i32 = digits.parse().ok()?;
    (n != 0).then_some(sign * n)
}

/// Precursor m/z: the first number of the value; `0` (MoNA GC-MS exports say
/// `PrecursorMZ: 0`) and negatives mean "none".
pub(crate) fn precursor_mz(value: &str) -> Option<f64> {
    let first = value.split_ascii_whitespace().next()?;
    super::scan::number(first.as_bytes()).filter(|&v| v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_instrument_types() {
        let ei = Some(Ionisation::ElectronIonisation);
        let esi = Some(Ionisation::Electrospray);
        assert_eq!(ionisation("EI"), ei);
        assert_eq!(ionisation("EI+"), ei);
        assert_eq!(ionisation("EI-B"), ei);
        assert_eq!(ionisation("GC-EI-Orbitrap"), ei);
        assert_eq!(ionisation("LC-ESI-QTOF"), esi);
        assert_eq!(ionisation("ESI"), esi);
        assert_eq!(ionisation("LC-APCI-QTOF"), Some(Ionisation::Other));
        assert_eq!(ionisation("Linear Ion Trap"), None);
        assert_eq!(ionisation("GC Orbitrap"), None);
    }

    #[test]
    fn maps_charges_and_levels() {
        assert_eq!(first_charge("2+ and 3+"), Some(2));
        assert_eq!(first_charge("3-"), Some(-3));
        assert_eq!(first_charge("+1"), Some(1));
        assert_eq!(first_charge("2"), Some(2));
        assert_eq!(first_charge("0"), None);
        assert_eq!(first_charge("x"), None);
        assert_eq!(ms_level("MS2"), Some(2));
        assert_eq!(ms_level("2"), Some(2));
        assert_eq!(ms_level("MS"), Some(1));
        assert_eq!(ms_level("in-source"), None);
        assert_eq!(polarity("N"), Some(Polarity::Negative));
        assert_eq!(polarity("Positive"), Some(Polarity::Positive));
        assert_eq!(polarity("n/a"), None);
    }
}
