//! Export files: spectra, strip-reader CSV and strip photos.

use synthwatch_parsers::sniff::Sniffed;
use synthwatch_parsers::spectrum::SpectrumFile;
use synthwatch_parsers::strips::{self, PhotoOptions};
use synthwatch_parsers::{jcamp, massbank, mgf, msp, mzml, mzxml, peaklist, spc};

use super::{DecodeError, DecodedInput, Options};

/// Read a file format (never a protocol: those have their own paths).
pub(super) fn decode(bytes: &[u8], kind: Sniffed, options: &Options) -> DecodedInput {
    let mut out = DecodedInput::default();
    let (file, fault) = match kind {
        Sniffed::Msp => whole("MSP", msp::read(bytes)),
        Sniffed::Mgf => whole("MGF", mgf::read(bytes)),
        Sniffed::MassBank => whole("MassBank", massbank::read(bytes)),
        Sniffed::Jcamp => whole("JCAMP-DX", jcamp::read(bytes)),
        Sniffed::Spc => whole("SPC", spc::read(bytes)),
        // A file cut short part-way still gives the spectra before the cut.
        Sniffed::Mzml => {
            let (file, fault) = mzml::read_in_part(bytes);
            (file, fault.map(|e| error("mzML", e)))
        }
        Sniffed::Mzxml => whole("mzXML", mzxml::read(bytes)),
        Sniffed::PeakList => whole("peak list", peaklist::read(bytes)),
        Sniffed::StripCsv => {
            match strips::read_csv(bytes) {
                Ok(file) => {
                    out.warnings = file.warnings.iter().map(strip_warning).collect();
                    out.strip_readings = file.readings;
                }
                Err(e) => out.errors.push(error("strip CSV", e)),
            }
            return out;
        }
        Sniffed::StripPhoto => {
            let opts = PhotoOptions {
                layout: options.strip_layout,
            };
            match strips::read_photo_with(bytes, &opts) {
                Ok(photo) => out.strip_photo = Some(photo),
                Err(e) => out.errors.push(error("strip photo", e)),
            }
            return out;
        }
        Sniffed::AstmCapture | Sniffed::AstmRecords | Sniffed::Hl7Mllp | Sniffed::Hl7Er7 => {
            out.errors.push(DecodeError::Unrecognised);
            return out;
        }
    };
    out.spectra = file.spectra;
    out.warnings = file
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.position, w.message))
        .collect();
    out.errors.extend(fault);
    out
}

/// A reader's all-or-nothing result as (what was read, the error).
fn whole<E: std::fmt::Display>(
    format: &'static str,
    read: Result<SpectrumFile, E>,
) -> (SpectrumFile, Option<DecodeError>) {
    match read {
        Ok(file) => (file, None),
        Err(e) => (SpectrumFile::default(), Some(error(format, e))),
    }
}

fn strip_warning(w: &strips::StripWarning) -> String {
    match (w.row, &w.column) {
        (Some(row), Some(col)) => format!("line {row}, column {col}: {}", w.message),
        (Some(row), None) => format!("line {row}: {}", w.message),
        (None, Some(col)) => format!("column {col}: {}", w.message),
        (None, None) => w.message.clone(),
    }
}

fn error(format: &'static str, err: impl std::fmt::Display) -> DecodeError {
    DecodeError::File {
        format,
        message: err.to_string(),
    }
}
