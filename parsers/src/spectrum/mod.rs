//! The one owned spectrum type every export-file reader produces (MSP, MGF,
//! MassBank, JCAMP-DX, SPC, mzML/mzXML, vendor peak lists).
//!
//! Units are newtypes: an m/z is not a mass and a wavenumber is neither.

mod header;
pub(crate) mod scan;
mod units;
pub(crate) mod vocab;

pub use header::Header;
pub use units::{Intensity, Mz, Wavenumber};

use std::borrow::Cow;

use serde::Serialize;

/// What the x axis of a spectrum measures, and so what kind of spectrum it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpectrumKind {
    /// Mass spectrum: x is m/z.
    Mass,
    /// Infrared absorbance: x is wavenumber (cm⁻¹) unless the header says otherwise.
    IrAbsorbance,
    /// Infrared transmittance.
    IrTransmittance,
    /// Raman: x is Raman shift (cm⁻¹).
    Raman,
    /// UV/visible or other optical spectrum.
    Optical,
    /// Not stated and not inferable.
    Unknown,
}

/// Ion polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Positive ions.
    Positive,
    /// Negative ions.
    Negative,
    /// Not stated.
    Unknown,
}

/// How ions were made, which decides how peaks are matched later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ionisation {
    /// Electron ionisation (GC-MS): nominal-mass spectra.
    ElectronIonisation,
    /// Electrospray or other soft ionisation with accurate-mass MS/MS.
    Electrospray,
    /// In-source collision-induced dissociation (e.g. DART-MS at 30/60/90 V).
    InSourceCid,
    /// Other stated ionisation (APCI, MALDI, …); see the raw header fields.
    Other,
    /// Not stated.
    Unknown,
}

/// One peak or data point: x (m/z or wavenumber, see [`SpectrumKind`]) and intensity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Peak {
    /// x value: m/z for mass spectra, wavenumber / shift for optical spectra.
    pub x: f64,
    /// Intensity in the file's units.
    pub intensity: f64,
}

/// A spectrum as read from a file, owned, with everything the file said about it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Spectrum {
    /// Kind of spectrum (and so the meaning of `Peak::x`).
    pub kind: Option<SpectrumKind>,
    /// Peaks or data points, in file order.
    pub peaks: Vec<Peak>,
    /// Title or name as given (MSP `Name:`, MGF `TITLE=`, JCAMP `##TITLE=`).
    pub title: Option<String>,
    /// Further names and synonyms.
    pub names: Vec<String>,
    /// Molecular formula, if given.
    pub formula: Option<String>,
    /// Identifiers (CAS, InChIKey, accession, …) as `(kind, value)`; the kind
    /// is usually a fixed word, so it is borrowed when it can be.
    pub ids: Vec<(Cow<'static, str>, String)>,
    /// Precursor m/z for MS/MS.
    pub precursor_mz: Option<Mz>,
    /// Precursor ion type (`[M+H]+`).
    pub precursor_type: Option<String>,
    /// Precursor charge, signed.
    pub charge: Option<i32>,
    /// MS level (1 for full scan / EI, 2 for MS/MS).
    pub ms_level: Option<u8>,
    /// Polarity.
    pub polarity: Option<Polarity>,
    /// Ionisation.
    pub ionisation: Option<Ionisation>,
    /// Collision energy as given (free text: `35 eV`, `NCE 30%`, `30 V`).
    pub collision_energy: Option<String>,
    /// Retention time in seconds.
    pub retention_time_s: Option<f64>,
    /// Every header field as read, in order, keys as written.
    pub header: Header,
}

/// A recoverable oddity met while reading, kept beside the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line number (text formats) or byte offset (binary formats).
    pub position: Position,
    /// What was odd and what was done about it.
    pub message: String,
}

/// Where in a file something was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "at")]
pub enum Position {
    /// 1-based line number.
    Line(usize),
    /// 0-based byte offset.
    Byte(usize),
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line {n}"),
            Position::Byte(n) => write!(f, "byte {n}"),
        }
    }
}

/// A reader's output: the spectra read and the warnings met.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpectrumFile {
    /// Spectra in file order.
    pub spectra: Vec<Spectrum>,
    /// Recoverable oddities, in file order.
    pub warnings: Vec<Warning>,
}

impl SpectrumFile {
    /// Record a recoverable oddity at a 1-based line.
    pub(crate) fn warn_line(&mut self, line: usize, message: String) {
        self.warnings.push(Warning {
            position: Position::Line(line),
            message,
        });
    }
}

impl Spectrum {
    /// The first header value whose key equals `key` ignoring ASCII case.
    pub fn header_value(&self, key: &str) -> Option<&str> {
        self.header.value(key)
    }
}
