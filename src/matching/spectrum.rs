//! The spectrum types the matching core works on.

/// One centroided peak: m/z and intensity (single precision, as ms_entropy and
/// Flash entropy search use, which is ample for 0.02 Da / 10 ppm matching).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MsPeak {
    /// m/z in Th.
    pub mz: f32,
    /// Intensity; after cleaning, the peaks of a spectrum sum to 1.
    pub intensity: f32,
}

/// A spectrum ready for scoring: peaks sorted by ascending m/z, merged so no two
/// are closer than the merge tolerance, noise removed, intensities summing to 1.
/// Built only by [`crate::matching::clean`], so every score sees the same input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CleanSpectrum {
    /// Precursor m/z (MS/MS) when known.
    pub precursor_mz: Option<f64>,
    /// Peaks, ascending m/z, intensities normalised to sum 1 (empty if nothing survived).
    pub peaks: Vec<MsPeak>,
}

/// A fragment or precursor m/z tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// Absolute, in Th (ms_entropy's default is 0.02).
    Da(f64),
    /// Relative, in parts per million of the m/z being matched.
    Ppm(f64),
}

impl Tolerance {
    /// The absolute window half-width at `mz`.
    pub fn at(self, mz: f64) -> f64 {
        match self {
            Tolerance::Da(d) => d,
            Tolerance::Ppm(p) => mz * p * 1e-6,
        }
    }
}
