//! The strip's long axis.
//!
//! An elongated strip region gives its axis by its second moments (the
//! major axis of its pixel cloud). A square-ish region (a reader window
//! showing only part of a strip) does not, so there the axis is the angle at
//! which the bands look sharpest (coarse 5° steps, then 1°): bands run across the strip, so projecting
//! along them keeps them narrow and high, any other angle smears them.

use super::bands;
use super::profile::{self, Sample};

/// Major/minor spread ratio above which the region's shape decides the axis.
const ELONGATED: f64 = 1.5;
/// At most this many samples are used per trial angle (cost bound).
const SEARCH_SAMPLES: usize = 8_000;

/// The chosen axis.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    /// Degrees from the image's +x towards +y, in [0, 180).
    pub(crate) angle_deg: f64,
    /// Centroid of the region on the analysis raster.
    pub(crate) centre: (f32, f32),
    /// True when the shape was elongated enough to decide the axis.
    pub(crate) from_shape: bool,
}

/// Finds the long axis of the region given by `samples`.
pub(crate) fn find(samples: &[Sample]) -> Axis {
    let n = samples.len().max(1) as f64;
    let (mx, my) = samples.iter().fold((0.0, 0.0), |(x, y), s| {
        (x + f64::from(s.x), y + f64::from(s.y))
    });
    let (cx, cy) = (mx / n, my / n);
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for s in samples {
        let (dx, dy) = (f64::from(s.x) - cx, f64::from(s.y) - cy);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    // Eigen-decomposition of the 2x2 covariance.
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let mean = 0.5 * (sxx + syy);
    let diff = (0.25 * (sxx - syy).powi(2) + sxy * sxy).sqrt();
    let (major, minor) = (mean + diff, (mean - diff).max(1e-9));
    let elongation = (major / minor).sqrt();
    let centre = (cx as f32, cy as f32);
    let shape_deg = angle.to_degrees().rem_euclid(180.0);
    let from_shape = elongation >= ELONGATED;

    if from_shape {
        // The outline is trusted over the bands: a band search here could
        // be fooled by background pixels at the region's rim.
        return Axis {
            angle_deg: shape_deg,
            centre,
            from_shape,
        };
    }
    let step = (samples.len() / SEARCH_SAMPLES).max(1);
    let subset: Vec<Sample> = samples.iter().step_by(step).copied().collect();
    let score = |deg: f64| bands::contrast(&profile::build(&subset, centre, deg));
    let coarse = 5.0;
    let best = best_angle(0.0, 180.0, coarse, &score);
    let angle_deg = best_angle(best - coarse, best + coarse, 1.0, &score);
    Axis {
        angle_deg: angle_deg.rem_euclid(180.0),
        centre,
        from_shape,
    }
}

/// Angle in `[lo, hi]` (step `step`) with the highest score; ties keep the first.
fn best_angle(lo: f64, hi: f64, step: f64, score: &dyn Fn(f64) -> f32) -> f64 {
    let mut best = (lo, f32::NEG_INFINITY);
    let mut a = lo;
    while a <= hi + 1e-9 {
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
        a += step;
    }
    best.0
}
