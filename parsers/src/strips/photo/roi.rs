//! Where the strip is: the largest region that stands out from the
//! background, whether lighter, darker, or only outlined.
//!
//! The region is the convex hull of the largest enclosed blob of cells that
//! differ locally from their surroundings (edges, outline, bands, a lighter
//! or darker strip body). Works on a coarse grid after removing slow shading (vignetting, uneven
//! light) with a wide box blur, so "stands out" means locally, not globally.

use super::plane::{median, Plane};

/// Coarse grid side used for finding the region.
const GRID_SIDE: usize = 200;
/// Regions smaller than this fraction of the grid are specks, not strips.
const MIN_AREA_FRACTION: f64 = 0.002;

/// The strip's region on the analysis raster.
#[derive(Debug, Clone)]
pub(crate) struct Roi {
    /// Coarse mask, `grid_w * grid_h`, true inside the (hole-filled) region.
    mask: Vec<bool>,
    grid_w: usize,
    factor: usize,
    /// False when nothing stood out and the whole image is used.
    pub(crate) found: bool,
    /// Bounding box on the analysis raster: x0, y0, x1, y1 (exclusive).
    pub(crate) bbox: (usize, usize, usize, usize),
}

impl Roi {
    /// Whether analysis pixel (x, y) lies in the region.
    pub(crate) fn contains(&self, x: usize, y: usize) -> bool {
        let (gx, gy) = (x / self.factor, y / self.factor);
        gx < self.grid_w
            && self
                .mask
                .get(gy * self.grid_w + gx)
                .copied()
                .unwrap_or(false)
    }
}

/// Finds the strip region; falls back to the whole image.
pub(crate) fn find(plane: &Plane) -> Roi {
    let factor = plane.width.max(plane.height).div_ceil(GRID_SIDE).max(1);
    let grid = plane.downsample(factor);
    let (gw, gh) = (grid.width, grid.height);
    let whole = Roi {
        mask: vec![true; gw * gh],
        grid_w: gw,
        factor,
        found: false,
        bbox: (0, 0, plane.width, plane.height),
    };
    let radius = (gw.max(gh) / 6).max(1);
    // Pass 1 flags what stands out from a plain blur; pass 2 re-estimates the
    // shading from the unflagged cells only, so a large high-contrast strip
    // does not bleed a halo into the background around it.
    let mut on = vec![false; gw * gh];
    for _ in 0..2 {
        let keep = Plane {
            width: gw,
            height: gh,
            data: on.iter().map(|o| if *o { 0.0 } else { 1.0 }).collect(),
        };
        let masked = Plane {
            width: gw,
            height: gh,
            data: grid
                .data
                .iter()
                .zip(&keep.data)
                .map(|(v, k)| v * k)
                .collect(),
        };
        let (num, den) = (masked.box_blur(radius), keep.box_blur(radius));
        let dev: Vec<f32> = grid
            .data
            .iter()
            .zip(num.data.iter().zip(&den.data))
            .map(|(v, (n, d))| if *d > 1e-3 { (v - n / d).abs() } else { 0.0 })
            .collect();
        // Robust noise level of the flattened image: most cells are background.
        let noise = median(&mut dev.clone()).unwrap_or(0.0) * 1.4826;
        let threshold = (4.0 * noise).max(4.0);
        on = dev.iter().map(|d| *d > threshold).collect();
    }
    // Grow by one cell so a faint outline broken by noise stays one piece.
    let on = dilate(&on, gw, gh);
    let min_area = ((gw * gh) as f64 * MIN_AREA_FRACTION).max(4.0) as usize;
    let comps: Vec<Vec<usize>> = components(&on, gw, gh)
        .into_iter()
        .filter(|c| c.len() >= min_area / 4)
        .collect();
    let mut best: Option<(f64, usize)> = None;
    for (k, comp) in comps.iter().enumerate() {
        let (filled, _, touches) = hull_mask(comp, gw, gh);
        let area = filled.iter().filter(|b| **b).count();
        if area < min_area {
            continue;
        }
        // A strip may run off the frame, but border-touching blobs are far
        // more often paper edges, vignetting or shadows: an enclosed region
        // of any reasonable size wins over them.
        let score = area as f64 * if touches { 0.01 } else { 1.0 };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    // A band as dark as the background can split a strip in two: take in
    // the enclosed pieces lying next to the chosen one.
    let best = best.and_then(|(_, k)| comps.get(k)).map(|chosen| {
        let reach = (gw.max(gh) / 20).max(2);
        let (_, (x0, y0, x1, y1), _) = hull_mask(chosen, gw, gh);
        let mut cells = chosen.clone();
        for other in &comps {
            let (_, (a0, b0, a1, b1), touches) = hull_mask(other, gw, gh);
            let near = a0 <= x1 + reach && x0 <= a1 + reach && b0 <= y1 + reach && y0 <= b1 + reach;
            if near && !touches && !std::ptr::eq(other, chosen) {
                cells.extend_from_slice(other);
            }
        }
        let (mask, bbox, _) = hull_mask(&cells, gw, gh);
        (mask, bbox)
    });
    match best {
        None => whole,
        Some((mask, (x0, y0, x1, y1))) => Roi {
            mask,
            grid_w: gw,
            factor,
            found: true,
            bbox: (
                x0 * factor,
                y0 * factor,
                (x1 * factor).min(plane.width),
                (y1 * factor).min(plane.height),
            ),
        },
    }
}

/// 8-connected components of `on`, each as a list of cell indices.
fn components(on: &[bool], w: usize, h: usize) -> Vec<Vec<usize>> {
    let mut seen = vec![false; on.len()];
    let mut out = Vec::new();
    for start in 0..on.len() {
        if !on.get(start).copied().unwrap_or(false) || seen.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut comp = Vec::new();
        let mut stack = vec![start];
        if let Some(s) = seen.get_mut(start) {
            *s = true;
        }
        while let Some(i) = stack.pop() {
            comp.push(i);
            let (x, y) = (i % w, i / w);
            for (nx, ny) in neighbours(x, y, w, h, true) {
                let j = ny * w + nx;
                if on.get(j).copied().unwrap_or(false) && !seen.get(j).copied().unwrap_or(true) {
                    if let Some(s) = seen.get_mut(j) {
                        *s = true;
                    }
                    stack.push(j);
                }
            }
        }
        out.push(comp);
    }
    out
}

/// The component's convex hull as a mask (an outlined or partly outlined
/// strip counts as solid), its bounding box (exclusive) and whether it
/// touches the image border.
fn hull_mask(
    comp: &[usize],
    w: usize,
    h: usize,
) -> (Vec<bool>, (usize, usize, usize, usize), bool) {
    let mut pts: Vec<(i64, i64)> = comp
        .iter()
        .map(|i| ((i % w) as i64, (i / w) as i64))
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for &(x, y) in &pts {
        let (x, y) = (x as usize, y as usize);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
    }
    let touches = x0 == 0 || y0 == 0 || x1 >= w || y1 >= h;
    let hull = convex_hull(&mut pts);
    let mut mask = vec![false; w * h];
    for &i in comp {
        if let Some(m) = mask.get_mut(i) {
            *m = true;
        }
    }
    if hull.len() >= 3 {
        for y in y0..y1 {
            for x in x0..x1 {
                if inside(&hull, (x as i64, y as i64)) {
                    if let Some(m) = mask.get_mut(y * w + x) {
                        *m = true;
                    }
                }
            }
        }
    }
    (mask, (x0, y0, x1, y1), touches)
}

fn cross(o: (i64, i64), a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

/// Andrew's monotone chain; counter-clockwise, no repeated end point.
fn convex_hull(pts: &mut [(i64, i64)]) -> Vec<(i64, i64)> {
    pts.sort_unstable();
    let mut lower: Vec<(i64, i64)> = Vec::new();
    for &p in pts.iter() {
        while let [.., a, b] = lower.as_slice() {
            if cross(*a, *b, p) > 0 {
                break;
            }
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(i64, i64)> = Vec::new();
    for &p in pts.iter().rev() {
        while let [.., a, b] = upper.as_slice() {
            if cross(*a, *b, p) > 0 {
                break;
            }
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// Point in (or on) a counter-clockwise convex polygon.
fn inside(hull: &[(i64, i64)], p: (i64, i64)) -> bool {
    hull.iter()
        .zip(hull.iter().cycle().skip(1))
        .all(|(a, b)| cross(*a, *b, p) >= 0)
}

/// 3x3 dilation of a mask.
fn dilate(on: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut out = on.to_vec();
    for (i, v) in on.iter().enumerate() {
        if *v {
            for (nx, ny) in neighbours(i % w, i / w, w, h, true) {
                if let Some(o) = out.get_mut(ny * w + nx) {
                    *o = true;
                }
            }
        }
    }
    out
}

/// In-bounds neighbours of (x, y); 8-connected when `diagonal`.
fn neighbours(x: usize, y: usize, w: usize, h: usize, diagonal: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(8);
    for dy in -1i64..=1 {
        for dx in -1i64..=1 {
            if (dx == 0 && dy == 0) || (!diagonal && dx != 0 && dy != 0) {
                continue;
            }
            let (nx, ny) = (x as i64 + dx, y as i64 + dy);
            if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                out.push((nx as usize, ny as usize));
            }
        }
    }
    out
}
