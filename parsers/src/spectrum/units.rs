use serde::Serialize;

/// Mass-to-charge ratio (Th). Not a mass: an m/z of a 2+ ion is half its mass.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Mz(pub f64);

/// Wavenumber in cm⁻¹ (IR) or Raman shift in cm⁻¹.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Wavenumber(pub f64);

/// Peak intensity in the file's own units (counts, relative, absorbance).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Intensity(pub f64);
