//! Intensity classes: a coarse, order-preserving code of a fragment's halved
//! intensity, kept in the spare high bits of its 4-byte position record, so
//! open search can bound a pair's term without reading the intensity array.
//!
//! A record's `lo` field holds the low [`KEY_BITS`] bits of the fragment's
//! m/z key (the bucket table keeps buckets at most 2^KEY_BITS keys wide, so
//! the rest of the key comes from the bucket) and, above them, the class:
//! the intensity's exponent and top two mantissa bits (four classes per
//! octave, ~19 % wide), from 2⁻¹⁷ up to ½. Class 0 holds everything smaller
//! (zero and subnormals included) and the top class everything of ⅝ or more
//! and every non-finite or negative value, with no upper bound.
//!
//! The bound: a pair's exact term is at most `2·√(ab)` (see
//! `QPeak::prune_span`) and grows with `b`, and the computed term exceeds the
//! exact one by at most `TERM_SLACK`, so `2·√a·√(ceiling of b's class)`
//! plus that slack bounds the computed term of every pair of the class.

use super::scan::TERM_SLACK;
use std::sync::LazyLock;

/// Low key bits kept in a fragment record (buckets are at most this wide).
pub(super) const KEY_BITS: u32 = 10;
/// Mask of the key bits of a record's `lo` field.
pub(super) const KEY_MASK: u16 = (1 << KEY_BITS) - 1;
/// Number of intensity classes (the record's remaining bits).
pub(super) const CLASSES: usize = 1 << (16 - KEY_BITS);
/// The exponent-and-two-mantissa-bits code of ½ is class `CLASSES − 2`.
const Q0: u32 = (0x3f00_0000u32 >> 21) - (CLASSES as u32 - 2);

/// The class of halved intensity `b` (see the module docs).
#[inline]
pub(super) fn class_of(b: f32) -> u16 {
    let q = b.to_bits() >> 21;
    q.saturating_sub(Q0).min(CLASSES as u32 - 1) as u16
}

/// The largest intensity of class `c` (infinite for the top class).
pub(super) fn class_ceiling(c: usize) -> f32 {
    if c + 1 >= CLASSES {
        f32::INFINITY
    } else {
        f32::from_bits(((Q0 + c as u32 + 1) << 21) - 1)
    }
}

/// `√` of each class ceiling, computed once.
fn ceiling_roots() -> &'static [f64; CLASSES] {
    static ROOTS: LazyLock<[f64; CLASSES]> =
        LazyLock::new(|| std::array::from_fn(|c| (class_ceiling(c) as f64).sqrt()));
    &ROOTS
}

/// The class held in a record's `lo` field.
#[inline(always)]
pub(super) fn record_class(lo: u16) -> usize {
    (lo >> KEY_BITS) as usize
}

/// A query's per-peak table of term bounds by class: `get(k, c)` is at least
/// the computed term of query peak `k` with any library intensity of class
/// `c`, and grows with `c`.
#[derive(Debug, Default)]
pub(super) struct ClassBounds {
    bounds: Vec<f32>,
}

impl ClassBounds {
    /// Bounds for query peaks of halved intensities `a`.
    pub(super) fn fill(&mut self, a: impl Iterator<Item = f32>) {
        self.bounds.clear();
        // Every class ceiling but the top one's (infinite) is finite, so the
        // inner loop has no branch and is vectorised.
        let (finite, _top) = ceiling_roots().split_at(CLASSES - 1);
        for a in a {
            if !(f32::MIN_POSITIVE..=1.0).contains(&a) {
                self.bounds.extend([f32::INFINITY; CLASSES]);
                continue;
            }
            let root = 2.0 * (a as f64).sqrt();
            // Rounded up past f32 rounding: a relative and an absolute margin.
            self.bounds.extend(
                finite
                    .iter()
                    .map(|&r| ((root * r + TERM_SLACK) * (1.0 + 1e-6)) as f32),
            );
            self.bounds.push(f32::INFINITY);
        }
    }

    /// Heap bytes held.
    pub(super) fn memory_bytes(&self) -> usize {
        self.bounds.capacity() * 4
    }

    /// The bound of query peak `k` against class `c`.
    #[inline(always)]
    pub(super) fn get(&self, k: usize, c: usize) -> f32 {
        self.bounds[k * CLASSES + c]
    }

    /// The lowest class whose bound for query peak `k` reaches `bar`
    /// (`CLASSES` if none): pairs of lower classes cannot reach it.
    pub(super) fn lowest_reaching(&self, k: usize, bar: f32) -> usize {
        self.bounds[k * CLASSES..(k + 1) * CLASSES].partition_point(|&u| u < bar)
    }
}

#[cfg(test)]
mod tests {
    use super::super::weight::{pair_term, xlog2x};
    use super::*;

    /// Classes keep the order of intensities and each ceiling holds its class.
    #[test]
    fn classes_are_ordered_and_ceilings_hold() {
        let mut prev = 0;
        let mut b = 1e-9f32;
        while b < 4.0 {
            let c = class_of(b) as usize;
            assert!(c >= prev, "{b}");
            assert!(b <= class_ceiling(c), "{b} above its class {c}");
            assert!(
                c == 0 || b > class_ceiling(c - 1),
                "{b} in too high a class"
            );
            prev = c;
            b *= 1.01;
        }
        assert_eq!(class_of(0.5) as usize, CLASSES - 2);
        assert_eq!(class_of(0.0), 0);
        assert_eq!(class_of(1e-42), 0);
        assert_eq!(class_of(-0.25) as usize, CLASSES - 1);
        assert_eq!(class_of(f32::NAN) as usize, CLASSES - 1);
    }

    /// Every computed pair term is within its class bound, and bounds grow
    /// with the class.
    #[test]
    fn bounds_hold_every_computed_term() {
        let qa: Vec<f32> = (0..60).map(|k| 0.5 * 0.83f32.powi(k)).collect();
        let mut t = ClassBounds::default();
        t.fill(qa.iter().copied());
        for (k, &a) in qa.iter().enumerate() {
            for c in 1..CLASSES {
                assert!(t.get(k, c) >= t.get(k, c - 1));
            }
            let mut b = 1e-12f32;
            while b <= 0.5 {
                let c = class_of(b) as usize;
                let term = pair_term(a, xlog2x(a), b);
                assert!(term <= t.get(k, c), "a {a} b {b}: {term} > {}", t.get(k, c));
                b *= 1.003;
            }
            assert_eq!(t.lowest_reaching(k, f32::INFINITY), CLASSES - 1);
            assert_eq!(t.lowest_reaching(k, 0.0), 0);
        }
    }
}
