//! MGF `KEY=value` parameters → typed [`Spectrum`] fields.

use crate::spectrum::{scan, vocab};
use crate::spectrum::{Mz, Spectrum};

/// Where the spectrum's charge came from: `CHARGE=` beats a charge written
/// after `PEPMASS=`, and a block's own value beats a global one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(super) enum ChargeSource {
    #[default]
    None,
    GlobalPepmass,
    GlobalCharge,
    Pepmass,
    Charge,
}

/// Apply one parameter. `local` is false for global parameters (before the
/// first block). The raw pair is kept in the header by the caller.
pub(super) fn apply(
    key: &str,
    value: &str,
    local: bool,
    spectrum: &mut Spectrum,
    charge_source: &mut ChargeSource,
) {
    let is = |k: &str| key.eq_ignore_ascii_case(k);
    let mut set_charge = |charge: Option<i32>, source: ChargeSource| {
        if charge.is_some() && source >= *charge_source {
            spectrum.charge = charge;
            *charge_source = source;
        }
    };
    if is("PEPMASS") {
        // `PEPMASS=mz [intensity [charge]]`; the intensity stays in the header.
        let mut parts = value.split_ascii_whitespace();
        let mz = parts.next().and_then(|t| scan::number(t.as_bytes()));
        let charge = parts.nth(1).and_then(vocab::first_charge);
        let source = if local {
            ChargeSource::Pepmass
        } else {
            ChargeSource::GlobalPepmass
        };
        set_charge(charge, source);
        spectrum.precursor_mz = mz.filter(|&v| v > 0.0).map(Mz);
    } else if is("CHARGE") {
        // `2+ and 3+` lists candidates: keep the first; the raw text is in the header.
        let source = if local {
            ChargeSource::Charge
        } else {
            ChargeSource::GlobalCharge
        };
        set_charge(vocab::first_charge(value), source);
    } else if is("PRECURSOR_MZ") || is("PRECURSORMZ") {
        if spectrum.precursor_mz.is_none() {
            spectrum.precursor_mz = vocab::precursor_mz(value).map(Mz);
        }
    } else if is("TITLE") {
        spectrum.title = Some(value.to_owned());
    } else if is("NAME") || is("COMPOUND_NAME") {
        spectrum.names.push(value.to_owned());
    } else if is("RTINSECONDS") || is("RTINSECONDS[0]") {
        // Mascot also writes the first of several as `RTINSECONDS[0]`, and a
        // range `start-end`: the start is kept (the raw text is in the header).
        spectrum.retention_time_s = first_time(value);
    } else if is("RTINMINUTES") {
        spectrum.retention_time_s = first_time(value).map(|m| m * 60.0);
    } else if is("MSLEVEL") || is("MS_LEVEL") {
        spectrum.ms_level = vocab::ms_level(value);
    } else if is("IONMODE") || is("POLARITY") || is("ION_MODE") {
        spectrum.polarity = vocab::polarity(value);
    } else if is("SOURCE_INSTRUMENT")
        || is("INSTRUMENT")
        || is("INSTRUMENT_TYPE")
        || is("IONIZATION")
    {
        if let Some(ion) = vocab::ionisation(value) {
            spectrum.ionisation = Some(ion);
        }
    } else if is("FORMULA") && !value.is_empty() {
        spectrum.formula = Some(value.to_owned());
    } else if (is("PRECURSOR_TYPE") || is("ADDUCT")) && !value.is_empty() {
        spectrum.precursor_type = Some(value.to_owned());
    } else if is("COLLISION_ENERGY") && !value.is_empty() {
        spectrum.collision_energy = Some(value.to_owned());
    } else {
        for (k, kind) in ID_KEYS {
            // GNPS writes `N/A` and blanks for missing identifiers.
            let missing = value.is_empty() || value.eq_ignore_ascii_case("n/a");
            if is(k) && !missing {
                spectrum.ids.push(((*kind).into(), value.to_owned()));
            }
        }
    }
}

/// Parameters that are identifiers, and the kind recorded in `Spectrum::ids`.
const ID_KEYS: &[(&str, &str)] = &[
    ("INCHIKEY", "InChIKey"),
    ("INCHI", "InChI"),
    ("SMILES", "SMILES"),
    ("SPECTRUMID", "SPECTRUMID"),
    ("CAS", "CAS"),
];

/// A time, or the start of a `start-end` range.
fn first_time(value: &str) -> Option<f64> {
    let v = value.trim();
    scan::number(v.as_bytes()).or_else(|| {
        // Split at a `-` that is not a leading sign or an exponent's sign.
        let cut = v
            .char_indices()
            .skip(1)
            .find(|&(i, c)| c == '-' && !matches!(v.as_bytes().get(i - 1), Some(b'e' | b'E')))?
            .0;
        scan::number(v.get(..cut)?.trim().as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_charge_beats_global_and_pepmass() {
        let mut s = Spectrum::default();
        let mut src = ChargeSource::None;
        apply("CHARGE", "2+ and 3+", false, &mut s, &mut src);
        assert_eq!(s.charge, Some(2));
        apply("PEPMASS", "983.6 1234 3+", true, &mut s, &mut src);
        assert_eq!((s.charge, s.precursor_mz), (Some(3), Some(Mz(983.6))));
        apply("CHARGE", "1-", true, &mut s, &mut src);
        assert_eq!(s.charge, Some(-1));
        apply("PEPMASS", "983.6 1234 2+", true, &mut s, &mut src);
        assert_eq!(s.charge, Some(-1));
    }

    #[test]
    fn retention_time_forms() {
        let mut src = ChargeSource::None;
        for (key, value, want) in [
            ("RTINSECONDS", "361.8", Some(361.8)),
            ("RTINSECONDS[0]", "361.8", Some(361.8)),
            ("RTINSECONDS", "361.8-362.5", Some(361.8)),
            ("RTINSECONDS", "3.6e2-3.7e2", Some(360.0)),
            ("RTINMINUTES", "6-7", Some(360.0)),
            ("RTINSECONDS", "soon", None),
        ] {
            let mut s = Spectrum::default();
            apply(key, value, true, &mut s, &mut src);
            assert_eq!(s.retention_time_s, want, "{key}={value}");
        }
    }
}
