//! MassBank tags → typed [`Spectrum`] fields.
//!
//! Several tags carry a sub-tag as the value's first word
//! (`AC$MASS_SPECTROMETRY: ION_MODE POSITIVE`, `CH$LINK: INCHIKEY …`).

use crate::spectrum::{scan, vocab};
use crate::spectrum::{Mz, Spectrum};

/// Apply one `TAG: value` pair. The raw pair is kept by the caller.
pub(super) fn apply(tag: &str, value: &str, spectrum: &mut Spectrum) {
    let (sub, rest) = split_word(value);
    let missing = value.is_empty() || value.eq_ignore_ascii_case("N/A");
    match tag {
        "ACCESSION" => spectrum.ids.push(("accession".into(), value.to_owned())),
        "RECORD_TITLE" => spectrum.title = Some(value.to_owned()),
        "CH$NAME" => spectrum.names.push(value.to_owned()),
        "CH$FORMULA" if !missing => spectrum.formula = Some(value.to_owned()),
        "CH$SMILES" if !missing => spectrum.ids.push(("SMILES".into(), value.to_owned())),
        "CH$IUPAC" if !missing => spectrum.ids.push(("InChI".into(), value.to_owned())),
        "CH$LINK" => {
            let kind = match sub {
                "INCHIKEY" => "InChIKey",
                other => other,
            };
            spectrum.ids.push((kind.to_owned().into(), rest.to_owned()));
        }
        // An explicit `IONIZATION` sub-tag, if any, wins (see below).
        "AC$INSTRUMENT_TYPE" if spectrum.ionisation.is_none() => {
            spectrum.ionisation = vocab::ionisation(value);
        }
        "AC$MASS_SPECTROMETRY" => match sub {
            "MS_TYPE" => spectrum.ms_level = vocab::ms_level(rest),
            "ION_MODE" => spectrum.polarity = vocab::polarity(rest),
            "IONIZATION" => {
                if let Some(ion) = vocab::ionisation(rest) {
                    spectrum.ionisation = Some(ion);
                }
            }
            "COLLISION_ENERGY" => spectrum.collision_energy = Some(rest.to_owned()),
            _ => {}
        },
        "AC$CHROMATOGRAPHY" if sub == "RETENTION_TIME" => {
            spectrum.retention_time_s = retention_seconds(rest);
        }
        "MS$FOCUSED_ION" => match sub {
            "PRECURSOR_M/Z" => spectrum.precursor_mz = vocab::precursor_mz(rest).map(Mz),
            "PRECURSOR_TYPE" => spectrum.precursor_type = Some(rest.to_owned()),
            "ION_TYPE" if spectrum.precursor_type.is_none() => {
                spectrum.precursor_type = Some(rest.to_owned());
            }
            _ => {}
        },
        _ => {}
    }
}

/// First word and the trimmed rest.
fn split_word(value: &str) -> (&str, &str) {
    match value.split_once(|c: char| c.is_ascii_whitespace()) {
        Some((word, rest)) => (word, rest.trim()),
        None => (value, ""),
    }
}

/// `6.1 min` → 366 s, `348 sec` → 348 s. A bare number is left unmapped:
/// records disagree on its unit, and the raw text stays in the header.
fn retention_seconds(value: &str) -> Option<f64> {
    let (number, unit) = split_word(value);
    let v = scan::number(number.as_bytes())?;
    match unit {
        "min" | "minutes" => Some(v * 60.0),
        "s" | "sec" | "seconds" => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_sub_tags() {
        let mut s = Spectrum::default();
        apply("CH$LINK", "INCHIKEY PJMPHNIQZUBGLI-UHFFFAOYSA-N", &mut s);
        apply("AC$MASS_SPECTROMETRY", "MS_TYPE MS2", &mut s);
        apply("AC$MASS_SPECTROMETRY", "ION_MODE POSITIVE", &mut s);
        apply("AC$CHROMATOGRAPHY", "RETENTION_TIME 6.1 min", &mut s);
        apply("MS$FOCUSED_ION", "PRECURSOR_M/Z 337.2274", &mut s);
        apply("AC$INSTRUMENT_TYPE", "LC-ESI-QTOF", &mut s);
        assert_eq!(
            s.ids[0],
            ("InChIKey".into(), "PJMPHNIQZUBGLI-UHFFFAOYSA-N".into())
        );
        assert_eq!(s.ms_level, Some(2));
        assert_eq!(s.retention_time_s, Some(6.1 * 60.0));
        assert_eq!(s.precursor_mz, Some(Mz(337.2274)));
        assert_eq!(
            s.ionisation,
            Some(crate::spectrum::Ionisation::Electrospray)
        );
        assert_eq!(retention_seconds("348  sec"), Some(348.0));
        assert_eq!(retention_seconds("5.2"), None);
    }
}
