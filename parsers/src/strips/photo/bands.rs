//! Bands in a profile: peaks of darkness over a local baseline.
//!
//! The baseline is a morphological opening (rolling minimum, then rolling
//! maximum) wider than any band, so it follows slow shading but passes under
//! the bands; what sticks out above it is the background-corrected signal.

use super::plane::median;
use super::profile::Profile;

/// Gaussian smoothing of the profile, in pixels: JPEG blocks and paper grain.
const SMOOTH_SIGMA: f32 = 1.5;
/// Peaks need this many darkness levels (of 255) above the baseline at least…
const MIN_HEIGHT: f32 = 2.0;
/// …and this many times the profile's own noise.
const NOISE_FACTOR: f32 = 4.0;
/// Narrower peaks (full width at half height, in pixels) are lines drawn or
/// scratched on the cassette, not reagent bands.
const MIN_WIDTH_PX: usize = 5;
/// Peaks in this outer fraction of each end are not reported: the region was
/// found by what stands out from the background, so its ends hold its own
/// outline, shadow or the step into the background. On a whole strip these
/// are the sample pad and the wick, where no reagent line sits.
const END_MARGIN: f64 = 0.1;

/// A band found in a profile, before control/test assignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RawBand {
    pub(crate) position: f64,
    pub(crate) height: f64,
    pub(crate) area: f64,
    pub(crate) width: f64,
}

/// Background-corrected signal: smoothed profile minus its baseline (≥ 0).
pub(crate) fn corrected(profile: &Profile) -> Vec<f32> {
    let smooth = gaussian(&profile.values, SMOOTH_SIGMA);
    // Window a quarter of the strip (at least 9 px): wider than any band,
    // narrower than the shading we want to follow.
    let window = (smooth.len() / 4).max(9);
    let opened = rolling(&rolling(&smooth, window, f32::min), window, f32::max);
    smooth
        .iter()
        .zip(&opened)
        .map(|(s, b)| (s - b).max(0.0))
        .collect()
}

/// Highest corrected value away from the ends; the axis search maximises it.
pub(crate) fn contrast(profile: &Profile) -> f32 {
    let r = corrected(profile);
    let (lo, hi) = interior(r.len());
    r.get(lo..hi)
        .map_or(0.0, |s| s.iter().copied().fold(0.0, f32::max))
}

/// The bands of a profile, in order of position.
pub(crate) fn detect(profile: &Profile) -> Vec<RawBand> {
    let r = corrected(profile);
    let n = r.len();
    if n < 2 * MIN_WIDTH_PX {
        return Vec::new();
    }
    let threshold = (NOISE_FACTOR * noise(&profile.values)).max(MIN_HEIGHT);
    let (lo, hi) = interior(n);
    let span = (n - 1) as f64;
    let mut bands = Vec::new();
    let mut i = 0;
    while i < n {
        if r.get(i).copied().unwrap_or(0.0) <= threshold {
            i += 1;
            continue;
        }
        // One contiguous run above the threshold is one band.
        let start = i;
        while i < n && r.get(i).copied().unwrap_or(0.0) > threshold {
            i += 1;
        }
        let run = r.get(start..i).unwrap_or(&[]);
        let (k, peak) =
            run.iter().enumerate().fold(
                (0, 0.0f32),
                |acc, (k, v)| if *v > acc.1 { (k, *v) } else { acc },
            );
        let at = start + k;
        // A run cut off by either end is a step into the background.
        if at < lo || at >= hi || start == 0 || i == n {
            continue;
        }
        let width = half_max_width(&r, at, peak);
        if width < MIN_WIDTH_PX {
            continue;
        }
        // Area over the whole foot of the peak, not only above the threshold.
        let (mut a, mut b) = (at, at);
        while a > 0 && r.get(a - 1).copied().unwrap_or(0.0) > 0.0 {
            a -= 1;
        }
        while b + 1 < n && r.get(b + 1).copied().unwrap_or(0.0) > 0.0 {
            b += 1;
        }
        let area: f32 = r.get(a..=b).map_or(0.0, |s| s.iter().sum());
        bands.push(RawBand {
            position: at as f64 / span,
            height: f64::from(peak),
            area: f64::from(area) / span,
            width: width as f64 / span,
        });
    }
    bands
}

/// Index range excluding the end margins.
fn interior(n: usize) -> (usize, usize) {
    let m = ((n as f64 * END_MARGIN).ceil() as usize).max(1);
    (m.min(n), n.saturating_sub(m))
}

/// Full width at half maximum around index `at`, in samples.
fn half_max_width(r: &[f32], at: usize, peak: f32) -> usize {
    let half = peak / 2.0;
    let (mut a, mut b) = (at, at);
    while a > 0 && r.get(a - 1).copied().unwrap_or(0.0) >= half {
        a -= 1;
    }
    while b + 1 < r.len() && r.get(b + 1).copied().unwrap_or(0.0) >= half {
        b += 1;
    }
    b - a + 1
}

/// Robust white-noise level: MAD of successive differences (÷√2 for the
/// difference of two samples).
fn noise(values: &[f32]) -> f32 {
    let mut d: Vec<f32> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    median(&mut d).unwrap_or(0.0) * 1.4826 / std::f32::consts::SQRT_2
}

/// Gaussian smoothing with edge renormalisation (no padding artefacts).
fn gaussian(values: &[f32], sigma: f32) -> Vec<f32> {
    let radius = (3.0 * sigma).ceil() as i64;
    let kernel: Vec<f32> = (-radius..=radius)
        .map(|k| (-((k * k) as f32) / (2.0 * sigma * sigma)).exp())
        .collect();
    let n = values.len() as i64;
    (0..n)
        .map(|i| {
            let (mut s, mut w) = (0.0, 0.0);
            for (k, kv) in (-radius..=radius).zip(&kernel) {
                let j = i + k;
                if (0..n).contains(&j) {
                    if let Some(v) = values.get(j as usize) {
                        s += v * kv;
                        w += kv;
                    }
                }
            }
            if w > 0.0 {
                s / w
            } else {
                0.0
            }
        })
        .collect()
}

/// Centred rolling reduction (min or max) over `window` samples, clipped at the ends.
fn rolling(values: &[f32], window: usize, op: fn(f32, f32) -> f32) -> Vec<f32> {
    let half = window / 2;
    (0..values.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(values.len());
            values
                .get(lo..hi)
                .map_or(0.0, |s| s.iter().copied().reduce(op).unwrap_or(0.0))
        })
        .collect()
}
