//! A single-channel darkness raster (0 = white, 255 = black) and the few
//! whole-image operations the band reader needs.

/// Row-major `f32` raster; every accessor is bounds-checked.
#[derive(Debug, Clone)]
pub(crate) struct Plane {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) data: Vec<f32>,
}

impl Plane {
    /// A raster of `width * height` zeros.
    pub(crate) fn new(width: usize, height: usize) -> Self {
        Plane {
            width,
            height,
            data: vec![0.0; width.saturating_mul(height)],
        }
    }

    /// The value at (x, y), or `None` outside the raster.
    pub(crate) fn get(&self, x: usize, y: usize) -> Option<f32> {
        if x >= self.width || y >= self.height {
            return None;
        }
        self.data.get(y * self.width + x).copied()
    }

    /// Sets (x, y); ignored outside the raster.
    pub(crate) fn set(&mut self, x: usize, y: usize, v: f32) {
        if x < self.width && y < self.height {
            if let Some(p) = self.data.get_mut(y * self.width + x) {
                *p = v;
            }
        }
    }

    /// Box-averages `factor x factor` blocks; partial edge blocks average
    /// what they have, so no pixel is dropped.
    pub(crate) fn downsample(&self, factor: usize) -> Plane {
        let f = factor.max(1);
        let (w, h) = (self.width.div_ceil(f), self.height.div_ceil(f));
        let mut sum = vec![0.0f64; w * h];
        let mut count = vec![0u32; w * h];
        for y in 0..self.height {
            for x in 0..self.width {
                let i = (y / f) * w + x / f;
                if let (Some(s), Some(c), Some(v)) =
                    (sum.get_mut(i), count.get_mut(i), self.get(x, y))
                {
                    *s += f64::from(v);
                    *c += 1;
                }
            }
        }
        let data = sum
            .iter()
            .zip(&count)
            .map(|(s, c)| {
                if *c == 0 {
                    0.0
                } else {
                    (*s / f64::from(*c)) as f32
                }
            })
            .collect();
        Plane {
            width: w,
            height: h,
            data,
        }
    }

    /// Mean over a square window of the given radius (clipped at the edges),
    /// via a summed-area table so the cost does not grow with the radius.
    pub(crate) fn box_blur(&self, radius: usize) -> Plane {
        let (w, h) = (self.width, self.height);
        let stride = w + 1;
        let mut sat = vec![0.0f64; stride * (h + 1)];
        for y in 0..h {
            let mut row = 0.0f64;
            for x in 0..w {
                row += f64::from(self.get(x, y).unwrap_or(0.0));
                let above = sat.get(y * stride + x + 1).copied().unwrap_or(0.0);
                if let Some(s) = sat.get_mut((y + 1) * stride + x + 1) {
                    *s = above + row;
                }
            }
        }
        let at = |x: usize, y: usize| sat.get(y * stride + x).copied().unwrap_or(0.0);
        let mut out = Plane::new(w, h);
        for y in 0..h {
            let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
            for x in 0..w {
                let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
                let n = ((x1 - x0) * (y1 - y0)).max(1) as f64;
                let s = at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0);
                out.set(x, y, (s / n) as f32);
            }
        }
        out
    }

    /// Median over a square window, only inside the box `[x0, x1) x [y0, y1)`
    /// (elsewhere the value is copied). Removes lines narrower than the
    /// radius (drawn outlines, scratches, JPEG ringing) but keeps real bands.
    pub(crate) fn median_in_box(&self, radius: usize, bx: (usize, usize, usize, usize)) -> Plane {
        let (x0, y0, x1, y1) = bx;
        let mut out = self.clone();
        let mut win: Vec<f32> = Vec::with_capacity((2 * radius + 1).pow(2));
        for y in y0..y1.min(self.height) {
            for x in x0..x1.min(self.width) {
                win.clear();
                for yy in y.saturating_sub(radius)..=(y + radius) {
                    for xx in x.saturating_sub(radius)..=(x + radius) {
                        if let Some(v) = self.get(xx, yy) {
                            win.push(v);
                        }
                    }
                }
                if let Some(m) = median(&mut win) {
                    out.set(x, y, m);
                }
            }
        }
        out
    }
}

/// Median of a slice (reorders it); `None` when empty.
pub(crate) fn median(values: &mut [f32]) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    let (_, m, _) = values.select_nth_unstable_by(mid, f32::total_cmp);
    Some(*m)
}
