//! The intensity profile along the strip: one value per pixel step along the
//! long axis, the median darkness across the central part of the width.
//!
//! The median (not the mean) is used so specks, a drawn outline crossing a
//! corner, or a glare spot do not move the profile; a real band spans the
//! whole width and survives it.

use super::plane::median;

/// Fraction of the strip's half-width used; the outer parts hold edges and shadows.
const CENTRAL_FRACTION: f32 = 0.5;

/// A pixel of the strip region: position on the analysis raster and darkness.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) value: f32,
}

/// Darkness per 1-pixel step along the axis, from position 0 to 1.
#[derive(Debug, Clone, Default)]
pub(crate) struct Profile {
    pub(crate) values: Vec<f32>,
}

/// Unit axis vector for an angle in degrees, signed so position 0 is the
/// left end of a more-horizontal strip and the top end of a more-vertical one.
pub(crate) fn axis_vector(angle_deg: f64) -> (f32, f32) {
    let r = angle_deg.to_radians();
    let (c, s) = (r.cos() as f32, r.sin() as f32);
    let flip = if c.abs() >= s.abs() { c < 0.0 } else { s < 0.0 };
    if flip {
        (-c, -s)
    } else {
        (c, s)
    }
}

/// Builds the profile of `samples` along the axis at `angle_deg` through `centre`.
pub(crate) fn build(samples: &[Sample], centre: (f32, f32), angle_deg: f64) -> Profile {
    let (ax, ay) = axis_vector(angle_deg);
    let uv: Vec<(f32, f32, f32)> = samples
        .iter()
        .map(|s| {
            let (dx, dy) = (s.x - centre.0, s.y - centre.1);
            (dx * ax + dy * ay, -dx * ay + dy * ax, s.value)
        })
        .collect();
    let half_width = {
        let mut v: Vec<f32> = uv.iter().map(|t| t.1.abs()).collect();
        percentile(&mut v, 0.9)
    };
    let limit = half_width * CENTRAL_FRACTION;
    let (umin, umax) = uv
        .iter()
        .filter(|t| t.1.abs() <= limit)
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), t| {
            (lo.min(t.0), hi.max(t.0))
        });
    if !(umin.is_finite() && umax.is_finite()) {
        return Profile::default();
    }
    let n = ((umax - umin).floor() as usize + 1).min(1 << 16);
    let mut bins: Vec<Vec<f32>> = vec![Vec::new(); n];
    for &(u, v, value) in &uv {
        if v.abs() <= limit {
            let i = ((u - umin).floor() as usize).min(n.saturating_sub(1));
            if let Some(b) = bins.get_mut(i) {
                b.push(value);
            }
        }
    }
    // Ragged ends (a rotated rectangle's corners) have few samples: drop them.
    let counts: Vec<usize> = bins.iter().map(Vec::len).collect();
    let typical = {
        let mut c: Vec<f32> = counts.iter().map(|c| *c as f32).collect();
        median(&mut c).unwrap_or(0.0)
    };
    let enough = |c: usize| c as f32 >= (0.3 * typical).max(1.0);
    let first = counts.iter().position(|c| enough(*c)).unwrap_or(0);
    let last = counts.iter().rposition(|c| enough(*c)).unwrap_or(0);
    let mut values = Vec::with_capacity(last.saturating_sub(first) + 1);
    let mut previous = None;
    for b in bins.iter_mut().take(last + 1).skip(first) {
        // An empty interior bin (sparse sampling) repeats its neighbour.
        let m = median(b).or(previous);
        if let Some(m) = m {
            values.push(m);
            previous = Some(m);
        }
    }
    Profile { values }
}

/// The `q`-quantile (0–1) of a slice (reorders it); 0 when empty.
fn percentile(values: &mut [f32], q: f32) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let k = ((values.len() - 1) as f32 * q.clamp(0.0, 1.0)) as usize;
    let (_, p, _) = values.select_nth_unstable_by(k, f32::total_cmp);
    *p
}
