//! Deterministic synthetic MS/MS libraries and perturbed queries, shared by the
//! index bench and `tests/match_index.rs`, and reimplemented bit for bit in
//! `benches/peers/flash_peer.py` (only `+ − ×` on `f64`, no transcendental
//! functions, so NumPy and Rust produce identical values).
//!
//! Draw `c` of stream `seed` is `u(seed, c) = (splitmix64(seed + c·φ) >> 11) · 2⁻⁵³`
//! with φ = 0x9e3779b97f4a7c15 (counter-based, so Python vectorises it).
//! Library spectrum i uses draws 64i + …: precursor `100 + 900·u₀`; fragment j
//! (0..20) at m/z `50 + (precursor − 52)·u₁₊ⱼ`, intensity `1 + 999·u₂₁₊ⱼ²`.
//! Query k (stream `seed ^ 0x5eed`, draws 64k + …) copies library spectrum
//! `⌊u₀·n⌋`, shifts its precursor by `(u₁ − ½)·0.004`, each fragment by
//! `(u₂₊ⱼ − ½)·0.01` and scales each intensity by `0.5 + u₂₂₊ⱼ`.
#![allow(dead_code)]

/// Fragments per synthetic spectrum.
pub const PEAKS: usize = 20;
const PHI: u64 = 0x9e37_79b9_7f4a_7c15;

/// A raw (uncleaned) synthetic spectrum.
#[derive(Debug, Clone)]
pub struct RawSpectrum {
    /// Precursor m/z.
    pub precursor: f64,
    /// `(m/z, intensity)` pairs.
    pub peaks: Vec<(f64, f64)>,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Uniform draw in [0, 1) number `c` of stream `seed`.
pub fn uniform(seed: u64, c: u64) -> f64 {
    (mix(seed.wrapping_add(c.wrapping_mul(PHI))) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Library spectrum `i` of stream `seed`.
pub fn library_spectrum(seed: u64, i: usize) -> RawSpectrum {
    let c = i as u64 * 64;
    let precursor = 100.0 + 900.0 * uniform(seed, c);
    let peaks = (0..PEAKS as u64)
        .map(|j| {
            let mz = 50.0 + (precursor - 52.0) * uniform(seed, c + 1 + j);
            let u = uniform(seed, c + 21 + j);
            (mz, 1.0 + 999.0 * (u * u))
        })
        .collect();
    RawSpectrum { precursor, peaks }
}

/// The first `n` library spectra of stream `seed`.
pub fn library(seed: u64, n: usize) -> Vec<RawSpectrum> {
    (0..n).map(|i| library_spectrum(seed, i)).collect()
}

/// Query `k` against a library of `n` spectra: `(source index, spectrum)`.
pub fn query(seed: u64, n: usize, k: usize) -> (usize, RawSpectrum) {
    let qs = seed ^ 0x5eed;
    let c = k as u64 * 64;
    let source = ((uniform(qs, c) * n as f64) as usize).min(n.saturating_sub(1));
    let lib = library_spectrum(seed, source);
    let precursor = lib.precursor + (uniform(qs, c + 1) - 0.5) * 0.004;
    let peaks = lib
        .peaks
        .iter()
        .zip(0u64..)
        .map(|(&(mz, int), j)| {
            let mz = mz + (uniform(qs, c + 2 + j) - 0.5) * 0.01;
            (mz, int * (0.5 + uniform(qs, c + 22 + j)))
        })
        .collect();
    (source, RawSpectrum { precursor, peaks })
}
