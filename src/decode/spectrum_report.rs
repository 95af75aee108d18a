//! The JSON shapes `synthwatch parse` prints for export files: one object per
//! spectrum, per strip-reader row, or per strip photo.

use serde::Serialize;
use synthwatch_parsers::spectrum::{Ionisation, Polarity, Spectrum, SpectrumKind};
use synthwatch_parsers::strips::{Band, StripPhoto, StripReading};

/// One spectrum as printed.
#[derive(Debug, Serialize)]
pub struct SpectrumReport<'a> {
    /// Input file as given.
    pub file: &'a str,
    /// Position of the spectrum in the file, from 0.
    pub index: usize,
    /// Format the file was read as (`msp`, `mgf`, `jcamp`, …).
    pub format: &'a str,
    /// Kind of spectrum.
    pub kind: Option<SpectrumKind>,
    /// Title or name.
    pub title: Option<&'a str>,
    /// Further names and synonyms.
    pub names: &'a [String],
    /// Molecular formula.
    pub formula: Option<&'a str>,
    /// Identifiers as `[kind, value]`.
    pub ids: &'a [(std::borrow::Cow<'static, str>, String)],
    /// Number of peaks or points.
    pub n_peaks: usize,
    /// Precursor m/z.
    pub precursor_mz: Option<f64>,
    /// Precursor ion type.
    pub precursor_type: Option<&'a str>,
    /// Precursor charge.
    pub charge: Option<i32>,
    /// MS level.
    pub ms_level: Option<u8>,
    /// Polarity.
    pub polarity: Option<Polarity>,
    /// Ionisation.
    pub ionisation: Option<Ionisation>,
    /// Collision energy as given.
    pub collision_energy: Option<&'a str>,
    /// Retention time in seconds.
    pub retention_time_s: Option<f64>,
    /// Peaks as `[x, intensity]` pairs (only with `--peaks`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peaks: Option<Vec<[f64; 2]>>,
    /// The file's warnings (positions are lines or bytes in the file); given
    /// with the first spectrum, since a warning may fall between spectra.
    pub warnings: &'a [String],
}

impl<'a> SpectrumReport<'a> {
    /// The printable view of spectrum `index` of `file`.
    pub fn new(
        file: &'a str,
        format: &'a str,
        index: usize,
        s: &'a Spectrum,
        warnings: &'a [String],
        peaks: bool,
    ) -> Self {
        SpectrumReport {
            file,
            index,
            format,
            kind: s.kind,
            title: s.title.as_deref(),
            names: &s.names,
            formula: s.formula.as_deref(),
            ids: &s.ids,
            n_peaks: s.peaks.len(),
            precursor_mz: s.precursor_mz.map(|m| m.0),
            precursor_type: s.precursor_type.as_deref(),
            charge: s.charge,
            ms_level: s.ms_level,
            polarity: s.polarity,
            ionisation: s.ionisation,
            collision_energy: s.collision_energy.as_deref(),
            retention_time_s: s.retention_time_s,
            peaks: peaks.then(|| s.peaks.iter().map(|p| [p.x, p.intensity]).collect()),
            warnings: if index == 0 { warnings } else { &[] },
        }
    }
}

/// One strip-reader CSV row as printed.
#[derive(Debug, Serialize)]
pub struct StripReport<'a> {
    /// Input file as given.
    pub file: &'a str,
    /// Position of the row among the readings, from 0.
    pub index: usize,
    /// The reading.
    #[serde(flatten)]
    pub reading: &'a StripReading,
    /// The file's warnings, given with the first row.
    pub warnings: &'a [String],
}

/// A strip photo as printed.
#[derive(Debug, Serialize)]
pub struct PhotoReport<'a> {
    /// Input file as given.
    pub file: &'a str,
    /// Always 0: one strip per photo.
    pub index: usize,
    /// Bands found, each with `position` along the strip (0–1) and
    /// background-corrected `intensity`.
    pub bands: &'a [Band],
    /// Control-line intensity, when it can tell which band is the control.
    pub control_intensity: Option<f64>,
    /// Test-line intensity, when it can tell which band is the test line.
    pub test_intensity: Option<f64>,
    /// Long-axis angle in degrees.
    pub axis_angle_deg: f64,
    /// Recoverable oddities.
    pub warnings: Vec<String>,
}

impl<'a> PhotoReport<'a> {
    /// The printable view of a photo.
    pub fn new(file: &'a str, photo: &'a StripPhoto) -> Self {
        PhotoReport {
            file,
            index: 0,
            bands: &photo.bands,
            control_intensity: photo.control_intensity,
            test_intensity: photo.test_intensity,
            axis_angle_deg: photo.axis_angle_deg,
            warnings: photo.warnings.iter().map(|w| format!("{w:?}")).collect(),
        }
    }
}
