//! What a block says about its spectrum: kind, title, names, formula, ids,
//! ionisation. Read from the block's records, later records winning.

use super::ldr::Record;
use crate::spectrum::{Ionisation, Polarity, Spectrum, SpectrumKind};

/// Fill the descriptive fields of `spec` from `records` (file order).
pub(crate) fn fill<'r, 'a: 'r>(
    spec: &mut Spectrum,
    records: impl IntoIterator<Item = &'r Record<'a>>,
) {
    let (mut data_type, mut xunits, mut yunits) = (String::new(), String::new(), String::new());
    for r in records {
        let value = || r.value().trim().to_owned();
        match r.key.as_str() {
            "TITLE" => {
                spec.title = Some(value())
                    .filter(|v| !v.is_empty())
                    .or(spec.title.take())
            }
            "DATATYPE" | "NTUPLES" => {
                let v = value();
                // A compound file's `LINK` says nothing about its children.
                if !v.eq_ignore_ascii_case("LINK") {
                    data_type = v;
                }
            }
            "XUNITS" => xunits = value(),
            "YUNITS" => yunits = value(),
            "MOLFORM" => {
                spec.formula = Some(value())
                    .filter(|v| !v.is_empty())
                    .or(spec.formula.take())
            }
            "CASREGISTRYNO" => {
                let v = value();
                // `0 - 00 - 0` and the like: a placeholder, not an id.
                if v.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
                    spec.ids.push(("CAS".into(), v));
                }
            }
            "NAMES" | "CASNAME" => {
                for name in r.value().lines().map(str::trim).filter(|n| !n.is_empty()) {
                    spec.names.push(name.to_owned());
                }
            }
            ".IONIZATIONMODE" | "IONIZATIONMODE" => ionisation(spec, &value()),
            ".IONPOLARITY" | "IONPOLARITY" => {
                let v = value().to_ascii_uppercase();
                if v.starts_with("POS") {
                    spec.polarity = Some(Polarity::Positive);
                } else if v.starts_with("NEG") {
                    spec.polarity = Some(Polarity::Negative);
                }
            }
            _ => {}
        }
    }
    spec.kind = Some(kind(&data_type, &xunits, &yunits));
}

fn ionisation(spec: &mut Spectrum, v: &str) {
    let up = v.to_ascii_uppercase();
    let mode = up.trim_end_matches(['+', '-']).trim();
    spec.ionisation = Some(match mode {
        "EI" | "ELECTRON IMPACT" | "ELECTRON IONIZATION" => Ionisation::ElectronIonisation,
        "ESI" | "ELECTROSPRAY" => Ionisation::Electrospray,
        "" => Ionisation::Unknown,
        _ => Ionisation::Other,
    });
    if up.ends_with('+') {
        spec.polarity = Some(Polarity::Positive);
    } else if up.ends_with('-') {
        spec.polarity = Some(Polarity::Negative);
    }
}

/// Kind from `##DATA TYPE=` (or the NTUPLES name), falling back to the units.
/// Infrared is transmittance only when YUNITS says so (or reflectance, which
/// is matched the same way); otherwise absorbance-like (absorbance,
/// absorptivity, arbitrary).
pub(crate) fn kind(data_type: &str, xunits: &str, yunits: &str) -> SpectrumKind {
    let dt = data_type.to_ascii_uppercase();
    let (x, y) = (xunits.to_ascii_uppercase(), yunits.to_ascii_uppercase());
    let ir = || {
        if y.contains("TRANSM") || y.contains("REFLECT") || y.trim() == "%T" {
            SpectrumKind::IrTransmittance
        } else {
            SpectrumKind::IrAbsorbance
        }
    };
    if dt.contains("MASS") {
        SpectrumKind::Mass
    } else if dt.contains("RAMAN") {
        SpectrumKind::Raman
    } else if dt.contains("INFRARED")
        || dt.split_whitespace().next() == Some("IR")
        || dt.contains("FTIR")
    {
        ir()
    } else if ["UV", "VIS", "ULTRAVIOLET", "FLUORESCENCE"]
        .iter()
        .any(|k| dt.contains(k))
    {
        SpectrumKind::Optical
    } else if dt.is_empty() && x.trim() == "M/Z" {
        SpectrumKind::Mass
    } else if dt.is_empty() && x.trim() == "1/CM" {
        ir()
    } else {
        SpectrumKind::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind("MASS SPECTRUM", "", ""), SpectrumKind::Mass);
        assert_eq!(kind("CONTINUOUS MASS SPECTRUM", "", ""), SpectrumKind::Mass);
        assert_eq!(
            kind("INFRARED SPECTRUM", "1/CM", "TRANSMITTANCE"),
            SpectrumKind::IrTransmittance
        );
        assert_eq!(
            kind("INFRARED SPECTRUM", "1/CM", "ABSORBANCE"),
            SpectrumKind::IrAbsorbance
        );
        assert_eq!(kind("RAMAN SPECTRUM", "", ""), SpectrumKind::Raman);
        assert_eq!(kind("UV/VIS SPECTRUM", "", ""), SpectrumKind::Optical);
        assert_eq!(kind("NMR SPECTRUM", "HZ", ""), SpectrumKind::Unknown);
        assert_eq!(kind("", "M/Z", ""), SpectrumKind::Mass);
    }
}
