//! The SPC axis-type codes (`fxtype`, `fytype`, `fztype`, `fexper`) as text,
//! and what they say about the kind of spectrum.

use crate::spectrum::SpectrumKind;

/// `fxtype` / `fztype` code → unit label (GRAMS SPC.H `XAXIS` list).
pub(crate) fn x_unit(code: u8) -> &'static str {
    match code {
        0 => "Arbitrary",
        1 => "Wavenumber (cm-1)",
        2 => "Micrometers (um)",
        3 => "Nanometers (nm)",
        4 => "Seconds",
        5 => "Minutes",
        6 => "Hertz (Hz)",
        7 => "Kilohertz (KHz)",
        8 => "Megahertz (MHz)",
        9 => "Mass (M/z)",
        10 => "Parts per million (PPM)",
        11 => "Days",
        12 => "Years",
        13 => "Raman Shift (cm-1)",
        14 => "Electron Volt (eV)",
        15 => "XYZ text labels in fcatxt",
        16 => "Diode Number",
        17 => "Channel",
        18 => "Degrees",
        19 => "Temperature (F)",
        20 => "Temperature (C)",
        21 => "Temperature (K)",
        22 => "Data Points",
        23 => "Milliseconds (mSec)",
        24 => "Microseconds (uSec)",
        25 => "Nanoseconds (nSec)",
        26 => "Gigahertz (GHz)",
        27 => "Centimeters (cm)",
        28 => "Meters (m)",
        29 => "Millimeters (mm)",
        30 => "Hours",
        255 => "Double interferogram",
        _ => "Unknown",
    }
}

/// `fytype` code → unit label (GRAMS SPC.H `YAXIS` list; 128+ plot with valleys).
pub(crate) fn y_unit(code: u8) -> &'static str {
    match code {
        0 => "Arbitrary Intensity",
        1 => "Interferogram",
        2 => "Absorbance",
        3 => "Kubelka-Munk",
        4 => "Counts",
        5 => "Volts",
        6 => "Degrees",
        7 => "Milliamps",
        8 => "Millimeters",
        9 => "Millivolts",
        10 => "Log(1/R)",
        11 => "Percent",
        12 => "Intensity",
        13 => "Relative Intensity",
        14 => "Energy",
        16 => "Decibel",
        19 => "Temperature (F)",
        20 => "Temperature (C)",
        21 => "Temperature (K)",
        22 => "Index of Refraction [N]",
        23 => "Extinction Coeff. [K]",
        24 => "Real",
        25 => "Imaginary",
        26 => "Complex",
        128 => "Transmission",
        129 => "Reflectance",
        130 => "Arbitrary or Single Beam with Valley Peaks",
        131 => "Emission",
        _ => "Unknown",
    }
}

/// `fexper` code → instrument technique.
pub(crate) fn experiment(code: u8) -> &'static str {
    match code {
        0 => "General SPC",
        1 => "Gas Chromatogram",
        2 => "General Chromatogram",
        3 => "HPLC Chromatogram",
        4 => "FT-IR, FT-NIR, FT-Raman Spectrum",
        5 => "NIR Spectrum",
        7 => "UV-VIS Spectrum",
        8 => "X-ray Diffraction Spectrum",
        9 => "Mass Spectrum",
        10 => "NMR Spectrum or FID",
        11 => "Raman Spectrum",
        12 => "Fluorescence Spectrum",
        13 => "Atomic Spectrum",
        14 => "Chromatography Diode Array Spectra",
        _ => "Unknown",
    }
}

/// The x-axis code decides first (it says what x *is*); the experiment code
/// only fills in when the axis is arbitrary.
pub(crate) fn kind(x_type: u8, y_type: u8, experiment: u8) -> SpectrumKind {
    match x_type {
        9 => SpectrumKind::Mass,
        13 => SpectrumKind::Raman,
        // Transmission (and reflectance) plot as valleys; everything else on a
        // wavenumber axis is treated as absorbance-like.
        1 if matches!(y_type, 128 | 129) => SpectrumKind::IrTransmittance,
        1 => SpectrumKind::IrAbsorbance,
        2 | 3 | 14 => SpectrumKind::Optical,
        _ => match experiment {
            9 => SpectrumKind::Mass,
            11 => SpectrumKind::Raman,
            5 | 7 | 12 | 13 => SpectrumKind::Optical,
            _ => SpectrumKind::Unknown,
        },
    }
}
