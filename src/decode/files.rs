//! Export files: spectra, strip-reader CSV and strip photos.

use synthwatch_parsers::sniff::Sniffed;
use synthwatch_parsers::spectrum::SpectrumFile;
use synthwatch_parsers::strips::{self, PhotoOptions};
use synthwatch_parsers::{jcamp, massbank, mgf, msp, mzml, mzxml, peaklist, spc};

use super::{DecodeError, DecodedInput, Options};

/// Read a file format (never a protocol: those have their own paths).
pub(super) fn decode(bytes: &[u8], kind: Sniffed, options: &Options) -> DecodedInput {
    let mut out = DecodedInput::default();
    let spectra = match kind {
        Sniffed::Msp => msp::read(bytes).map_err(|e| error("MSP", e)),
        Sniffed::Mgf => mgf::read(bytes).map_err(|e| error("MGF", e)),
        Sniffed::MassBank => massbank::read(bytes).map_err(|e| error("MassBank", e)),
        Sniffed::Jcamp => jcamp::read(bytes).map_err(|e| error("JCAMP-DX", e)),
        Sniffed::Spc => spc::read(bytes).map_err(|e| error("SPC", e)),
        Sniffed::Mzml => {
            mzml_in_part(bytes, &mut out);
            return out;
        }
        Sniffed::Mzxml => mzxml::read(bytes).map_err(|e| error("mzXML", e)),
        Sniffed::PeakList => peaklist::read(bytes).map_err(|e| error("peak list", e)),
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
    match spectra {
        Ok(SpectrumFile { spectra, warnings }) => {
            out.spectra = spectra;
            out.warnings = warnings
                .iter()
                .map(|w| format!("{}: {}", w.position, w.message))
                .collect();
        }
        Err(err) => out.errors.push(err),
    }
    out
}

/// mzML, spectrum by spectrum: a file cut short or damaged part-way still
/// yields every spectrum before the fault, beside the error that says where.
fn mzml_in_part(bytes: &[u8], out: &mut DecodedInput) {
    let doc = match mzml::open(bytes) {
        Ok(doc) => doc,
        Err(e) => return out.errors.push(error("mzML", e)),
    };
    let mut spectra = match doc.spectra() {
        Ok(s) => s,
        Err(e) => return out.errors.push(error("mzML", e)),
    };
    for spectrum in spectra.by_ref() {
        match spectrum {
            Ok(s) => out.spectra.push(s),
            Err(e) => out.errors.push(error("mzML", e)),
        }
    }
    out.warnings = doc
        .finish(spectra)
        .iter()
        .map(|w| format!("{}: {}", w.position, w.message))
        .collect();
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
