//! Order-preserving `u32` keys for `f32` masses and the direct bucket table
//! over them.
//!
//! `key(x)` maps every finite `f32` to a `u32` with the same order (the usual
//! radix-sort trick: flip the sign bit of positives, all bits of negatives), so
//! "all peaks with lo ≤ m/z ≤ hi" becomes "all keys in `[ceil(lo), floor(hi)]`",
//! exact to the last bit of the stored `f32`.
//!
//! A [`Buckets`] table cuts the key space into `2^shift`-wide buckets starting at
//! `base` (a multiple of 2¹⁶) and stores, for every bucket, the index of its first
//! entry: `starts[b]..starts[b+1]` are the entries of bucket `b`. A window lookup
//! is two table reads plus a scan of the two edge buckets, never a binary search
//! over the index. Because `shift ≤ 16` and `base` is 2¹⁶-aligned, all keys of a
//! bucket share their upper 16 bits, so an index need only store the lower
//! 16 bits of each key and rebuild the exact `f32` from the bucket (the
//! fragment table keeps buckets at most 2¹⁰ keys wide and stores 10 bits,
//! leaving 6 for an intensity class: see `classes`).
//! Bucket keys scale with the float exponent, so buckets are narrower (in Th) at
//! low m/z and wider at high m/z, roughly constant in ppm.

/// The order-preserving key of `x` (−0.0 is folded onto +0.0).
#[inline(always)]
pub(crate) fn key(x: f32) -> u32 {
    let b = (x + 0.0).to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// Inverse of [`key`].
#[inline(always)]
pub(crate) fn from_key(k: u32) -> f32 {
    if k >> 31 == 1 {
        f32::from_bits(k & 0x7fff_ffff)
    } else {
        f32::from_bits(!k)
    }
}

/// Key range of the `f32` values `x` with `lo ≤ x as f64 ≤ hi`, or `None` if empty.
pub(crate) fn key_range(lo: f64, hi: f64) -> Option<(u32, u32)> {
    if lo.is_nan() || hi.is_nan() || lo > hi {
        return None;
    }
    let mut l = lo as f32;
    if (l as f64) < lo {
        l = from_key(key(l).checked_add(1)?);
    }
    let mut h = hi as f32;
    if (h as f64) > hi {
        h = from_key(key(h).checked_sub(1)?);
    }
    let (kl, kh) = (key(l), key(h));
    (kl <= kh).then_some((kl, kh))
}

/// Direct bucket table over sorted keys (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct Buckets {
    base: u32,
    shift: u32,
    /// `starts[b]` = first entry of bucket `b`; one extra entry = total count.
    starts: Vec<u32>,
}

impl Buckets {
    /// Build over `sorted` keys (ascending), with about `n / per_bucket` buckets
    /// (never a shift above 16).
    pub(crate) fn build(sorted: &[u32], per_bucket: usize) -> Buckets {
        let (Some(&first), Some(&last)) = (sorted.first(), sorted.last()) else {
            return Buckets {
                base: 0,
                shift: 16,
                starts: vec![0, 0],
            };
        };
        let base = first & !0xffff;
        let span = (last - base) as u64;
        let target = (sorted.len() / per_bucket.max(1)).max(1) as u64;
        let shift = (0..=16u32).find(|&s| (span >> s) < target).unwrap_or(16);
        let n_buckets = (span >> shift) as usize + 1;
        let mut starts = Vec::with_capacity(n_buckets + 1);
        let mut i = 0usize;
        for b in 0..n_buckets as u64 {
            let lo = base as u64 + (b << shift);
            while i < sorted.len() && (sorted[i] as u64) < lo {
                i += 1;
            }
            starts.push(i as u32);
        }
        starts.push(sorted.len() as u32);
        Buckets {
            base,
            shift,
            starts,
        }
    }

    /// Heap bytes held.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.starts.capacity() * std::mem::size_of::<u32>()
    }

    /// Upper 16 bits shared by every key of bucket `b`, shifted in place.
    #[cfg(test)]
    pub(crate) fn high_of(&self, b: usize) -> u32 {
        (self.base + ((b as u32) << self.shift)) & !0xffff
    }

    /// Entries `lo..hi` with keys in `[kl, kh]`. `before(bucket, s..e, k, incl)`
    /// counts the entries of `s..e` (all in `bucket`, sorted) with key `< k`
    /// (`≤ k` if `incl`).
    #[inline]
    pub(crate) fn range(
        &self,
        kl: u32,
        kh: u32,
        before: impl Fn(usize, std::ops::Range<usize>, u32, bool) -> usize,
    ) -> (usize, usize) {
        let n_b = self.starts.len() - 1;
        let total = self.starts[n_b] as usize;
        let at = |k: u32, incl: bool| -> usize {
            if k < self.base {
                return 0;
            }
            let b = ((k - self.base) >> self.shift) as usize;
            if b >= n_b {
                return total;
            }
            let (s, e) = (self.starts[b] as usize, self.starts[b + 1] as usize);
            s + before(b, s..e, k, incl)
        };
        let lo = at(kl, false);
        (lo, at(kh, true).max(lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_preserve_order() {
        let xs = [-1e30f32, -2.5, -0.0, 0.0, 1e-30, 0.5, 1.0, 100.0, 1e30];
        for w in xs.windows(2) {
            assert!(key(w[0]) <= key(w[1]), "{} {}", w[0], w[1]);
            assert_eq!(from_key(key(w[1])), w[1]);
        }
    }

    #[test]
    fn buckets_find_exact_ranges() {
        let vals: Vec<f32> = (0..5000).map(|i| 50.0 + i as f32 * 0.173).collect();
        let keys: Vec<u32> = vals.iter().map(|&v| key(v)).collect();
        for per in [1, 4, 16, 1000] {
            let b = Buckets::build(&keys, per);
            for &(lo, hi) in &[
                (49.0, 50.0),
                (100.0, 100.5),
                (60.0, 60.173),
                (900.0, 2000.0),
                (0.1, 0.2),
            ] {
                let want: Vec<usize> = (0..vals.len())
                    .filter(|&i| vals[i] as f64 >= lo && vals[i] as f64 <= hi)
                    .collect();
                let got = match key_range(lo, hi) {
                    Some((kl, kh)) => {
                        let (s, e) = b.range(kl, kh, |bk, r, k, incl| {
                            r.take_while(|&i| {
                                let ki = b.high_of(bk) | (keys[i] & 0xffff);
                                ki < k || (incl && ki == k)
                            })
                            .count()
                        });
                        (s..e).collect()
                    }
                    None => vec![],
                };
                assert_eq!(got, want, "per {per} window {lo}..{hi}");
            }
        }
    }
}
