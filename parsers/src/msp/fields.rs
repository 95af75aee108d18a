//! MSP header keys → typed [`Spectrum`] fields.
//!
//! Dialects spell the same key many ways (`PrecursorMZ`, `PRECURSORMZ`,
//! `Precursor_MZ`, `Num Peaks`, `NUM PEAKS`), so keys are compared after
//! lower-casing and dropping spaces, `_` and `-`.

use crate::spectrum::vocab;
use crate::spectrum::Spectrum;

/// A header key that decides record structure or fills a typed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Name,
    NumPeaks,
    Other,
}

/// Longest normalised key we map; longer keys are kept in the header only.
const MAX_KEY: usize = 24;

/// A key lower-cased without spaces, `_`, `-` and tabs, computed once per
/// header line and used both to shape records and to fill typed fields.
pub(super) struct NormKey {
    buf: [u8; MAX_KEY],
    /// Length used in `buf`, or `None` when the key is longer than we map.
    len: Option<usize>,
}

impl NormKey {
    /// Normalise a raw key.
    pub(super) fn new(key: &[u8]) -> Self {
        let mut buf = [0u8; MAX_KEY];
        let mut n = 0;
        for &b in key {
            if matches!(b, b' ' | b'_' | b'-' | b'\t') {
                continue;
            }
            let Some(slot) = buf.get_mut(n) else {
                return NormKey { buf, len: None };
            };
            *slot = b.to_ascii_lowercase();
            n += 1;
        }
        NormKey { buf, len: Some(n) }
    }

    fn bytes(&self) -> Option<&[u8]> {
        self.buf.get(..self.len?)
    }

    /// Classify the key (only `Name` and `Num Peaks` shape records).
    pub(super) fn kind(&self) -> Key {
        match self.bytes() {
            Some(b"name") => Key::Name,
            Some(b"numpeaks" | b"numpeak") => Key::NumPeaks,
            _ => Key::Other,
        }
    }
}

/// Classify a raw key (only `Name` and `Num Peaks` shape records).
pub(super) fn classify(key: &[u8]) -> Key {
    NormKey::new(key).kind()
}

/// Fill the typed field `key` maps to, if any. The raw pair is recorded in
/// `spectrum.header` by the caller, so unmapped keys lose nothing.
pub(super) fn apply(key: &NormKey, value: &str, spectrum: &mut Spectrum) {
    let Some(norm) = key.bytes() else {
        return;
    };
    let owned = || value.to_owned();
    let id = |spectrum: &mut Spectrum, kind: &'static str| {
        if !value.is_empty() {
            spectrum.ids.push((kind.into(), value.to_owned()));
        }
    };
    match norm {
        b"name" => match spectrum.title {
            None => spectrum.title = Some(owned()),
            Some(_) => spectrum.names.push(owned()),
        },
        b"synon" | b"synonym" | b"synonyms" => spectrum.names.push(owned()),
        b"formula" if !value.is_empty() => spectrum.formula = Some(owned()),
        b"precursormz" | b"precursor" => {
            spectrum.precursor_mz = vocab::precursor_mz(value).map(crate::spectrum::Mz);
        }
        b"precursortype" | b"adduct" if !value.is_empty() => {
            spectrum.precursor_type = Some(owned());
        }
        b"ionmode" | b"polarity" | b"ionpolarity" => spectrum.polarity = vocab::polarity(value),
        b"spectrumtype" | b"mslevel" | b"mstype" => {
            if let Some(level) = vocab::ms_level(value) {
                spectrum.ms_level = Some(level);
            }
        }
        b"collisionenergy" if !value.is_empty() => spectrum.collision_energy = Some(owned()),
        b"instrumenttype" | b"ionization" | b"ionisation" | b"ionsource" => {
            if let Some(ion) = vocab::ionisation(value) {
                spectrum.ionisation = Some(ion);
            }
        }
        b"inchikey" => id(spectrum, "InChIKey"),
        b"inchi" | b"stdinchi" => id(spectrum, "InChI"),
        b"smiles" => id(spectrum, "SMILES"),
        b"cas" | b"cas#" | b"casno" | b"casnumber" | b"casn" => id(spectrum, "CAS"),
        b"db#" | b"dbno" | b"accession" => id(spectrum, "DB#"),
        // Retention time is deliberately not mapped: MSP writers use minutes,
        // seconds or `-1` without saying which; the raw value stays in `header`.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_across_dialects() {
        assert_eq!(classify(b"Num Peaks"), Key::NumPeaks);
        assert_eq!(classify(b"NUM PEAKS"), Key::NumPeaks);
        assert_eq!(classify(b"Num_peaks"), Key::NumPeaks);
        assert_eq!(classify(b"NAME"), Key::Name);
        assert_eq!(classify(b"Synon"), Key::Other);
        assert_eq!(classify(&[b'a'; 100]), Key::Other);
    }

    #[test]
    fn maps_typed_fields() {
        let mut s = Spectrum::default();
        let mut apply = |key: &[u8], value: &str| apply(&NormKey::new(key), value, &mut s);
        apply(b"PRECURSORMZ", "252.09323");
        apply(b"Ion_mode", "N");
        apply(b"INSTRUMENTTYPE", "GC-EI-Orbitrap");
        apply(b"INCHI", "");
        apply(b"CAS#", "55493-91-9");
        assert_eq!(s.precursor_mz, Some(crate::spectrum::Mz(252.09323)));
        assert_eq!(s.polarity, Some(crate::spectrum::Polarity::Negative));
        assert_eq!(
            s.ionisation,
            Some(crate::spectrum::Ionisation::ElectronIonisation)
        );
        assert_eq!(s.ids, vec![("CAS".into(), "55493-91-9".to_owned())]);
    }
}
