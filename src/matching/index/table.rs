//! The fragment bucket table of a block-partitioned index: one bucket
//! geometry (as in [`super::keys::Buckets`]: `2^shift`-wide key buckets from a
//! 2¹⁶-aligned `base`, but never wider than 2^KEY_BITS keys, so a fragment
//! record needs only the low [`KEY_BITS`] bits of its key) shared by every
//! spectrum block, and per bucket the
//! first fragment position of each block, stored bucket-major
//! (`starts[bucket · n_blocks + block]`), so the table rows a query peak needs
//! are the same for every block and stay cached while a query walks the
//! blocks. Row `n_buckets` holds the block ends.

use super::build::Frag;
use super::classes::{KEY_BITS, KEY_MASK};
use super::prefetch::huge_page_collect;

/// One end of a query window, resolved to a bucket row once per query peak.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    row: u32,
    /// Entries of the bucket with low key bits `< lim` lie before the edge.
    lim: u32,
    scan: bool,
}

/// A window's bucket span in one block, read from the table alone: the
/// positions `lo..hi` of the buckets holding the window (a superset of it),
/// the end of its first bucket and the start of its last, and the low key
/// bits that cut the window inside those two buckets, so a record of the
/// span is tested only where it needs to be ([`Span::holds`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Span {
    pub(crate) lo: u32,
    pub(crate) hi: u32,
    first_end: u32,
    last_start: u32,
    lim_lo: u32,
    lim_hi: u32,
}

impl Span {
    /// Is record `f` at position `p` (of this span) inside the window? Only
    /// a record of the first bucket can lie before the window, only one of
    /// the last after it.
    #[inline]
    pub(crate) fn holds(&self, p: u32, f: Frag) -> bool {
        let k = (f.lo & KEY_MASK) as u32;
        (p >= self.first_end || k >= self.lim_lo) && (p < self.last_start || k < self.lim_hi)
    }
}

/// Bucket-major start table over block-partitioned sorted keys.
#[derive(Debug, Clone, Default)]
pub(crate) struct BlockTable {
    base: u32,
    shift: u32,
    n_buckets: u32,
    n_blocks: usize,
    starts: Vec<u32>,
}

impl BlockTable {
    /// Build over `keys`, sorted ascending within each block `bounds[b]..bounds[b+1]`,
    /// with about `per_bucket` keys per block and bucket on average.
    pub(crate) fn build(keys: &[u32], bounds: &[u32], per_bucket: usize) -> BlockTable {
        let n_blocks = bounds.len() - 1;
        let (Some(&min), Some(&max)) = (keys.iter().min(), keys.iter().max()) else {
            return BlockTable {
                base: 0,
                shift: KEY_BITS,
                n_buckets: 0,
                n_blocks,
                starts: bounds[..n_blocks].to_vec(),
            };
        };
        let base = min & !0xffff;
        let span = (max - base) as u64;
        let target = (keys.len() / per_bucket.max(1) / n_blocks).max(1) as u64;
        let shift = (0..=KEY_BITS)
            .find(|&s| (span >> s) < target)
            .unwrap_or(KEY_BITS);
        let n_buckets = (span >> shift) as usize + 1;
        let mut starts = huge_page_collect(std::iter::repeat_n(0u32, (n_buckets + 1) * n_blocks));
        for blk in 0..n_blocks {
            let (mut i, end) = (bounds[blk] as usize, bounds[blk + 1] as usize);
            for b in 0..=n_buckets {
                let lo = base as u64 + ((b as u64) << shift);
                while i < end && (keys[i] as u64) < lo {
                    i += 1;
                }
                starts[b * n_blocks + blk] = i as u32;
            }
            starts[n_buckets * n_blocks + blk] = end as u32;
        }
        BlockTable {
            base,
            shift,
            n_buckets: n_buckets as u32,
            n_blocks,
            starts,
        }
    }

    /// Heap bytes held.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.starts.capacity() * std::mem::size_of::<u32>()
    }

    /// The edge before keys `≥ k` (`> k` if `incl`).
    #[inline]
    pub(crate) fn edge(&self, k: u32, incl: bool) -> Edge {
        if k < self.base {
            return Edge {
                row: 0,
                lim: 0,
                scan: false,
            };
        }
        let b = (k - self.base) >> self.shift;
        if b >= self.n_buckets {
            return Edge {
                row: self.n_buckets,
                lim: 0,
                scan: false,
            };
        }
        Edge {
            row: b,
            lim: (k & KEY_MASK as u32) + incl as u32,
            scan: true,
        }
    }

    /// Positions `(first, end)` in block `blk` of the buckets `lo.row ..= hi.row`:
    /// a superset of the window `lo..hi`, from the table alone.
    #[inline]
    pub(crate) fn bucket_span(&self, lo: Edge, hi: Edge, blk: usize) -> (usize, usize) {
        let l = self.starts[lo.row as usize * self.n_blocks + blk] as usize;
        let end_row = (hi.row + hi.scan as u32) as usize;
        (
            l,
            (self.starts[end_row * self.n_blocks + blk] as usize).max(l),
        )
    }

    /// The bucket span of the window `lo..hi` in block `blk` (see [`Span`]).
    #[inline]
    pub(crate) fn span(&self, lo: Edge, hi: Edge, blk: usize) -> Span {
        let nb = self.n_blocks;
        let (l, h) = self.bucket_span(lo, hi, blk);
        let (first_end, lim_lo) = if lo.scan {
            (self.starts[(lo.row as usize + 1) * nb + blk], lo.lim)
        } else {
            (l as u32, 0)
        };
        let (last_start, lim_hi) = if hi.scan {
            (self.starts[hi.row as usize * nb + blk], hi.lim)
        } else {
            (h as u32, u32::MAX)
        };
        Span {
            lo: l as u32,
            hi: h as u32,
            first_end,
            last_start,
            lim_lo,
            lim_hi,
        }
    }

    /// Prefetch the table rows [`BlockTable::span`] reads for the window
    /// `lo..hi` (in every block), so the rows of all of a query's windows
    /// are requested before the first is read.
    #[inline]
    pub(crate) fn prefetch_span_rows(&self, lo: Edge, hi: Edge) {
        let nb = self.n_blocks;
        for row in [lo.row as usize, hi.row as usize] {
            let from = (row * nb).min(self.starts.len());
            let to = ((row + 2) * nb).min(self.starts.len());
            super::prefetch::to_l2(&self.starts[from..to]);
        }
    }

    /// The block-end row (after the last bucket's row).
    pub(crate) fn end_row(&self) -> usize {
        self.n_buckets as usize
    }

    /// The row of the bucket holding position `p` of block `blk` (which has
    /// it), searched among rows `first..=last` (known to include it).
    pub(crate) fn row_of(&self, p: usize, blk: usize, first: usize, last: usize) -> usize {
        // The last row starting at or before p: p is before the next row's start.
        let (mut lo, mut hi) = (first, last + 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.starts[mid * self.n_blocks + blk] as usize <= p {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo.saturating_sub(1)
    }

    /// The key bits above the low [`KEY_BITS`] of every key in row `r`'s
    /// bucket (buckets are at most 2^KEY_BITS keys wide and aligned).
    pub(crate) fn row_high(&self, r: usize) -> u32 {
        (self.base + ((r as u32) << self.shift)) & !(KEY_MASK as u32)
    }

    /// Position of `edge` in block `blk`; the fragments store the low
    /// [`KEY_BITS`] key bits (all keys of one bucket share the others),
    /// counted branch-free.
    #[inline]
    pub(crate) fn pos(&self, e: Edge, blk: usize, frag: &[Frag]) -> usize {
        let at = e.row as usize * self.n_blocks + blk;
        let s = self.starts[at] as usize;
        if !e.scan {
            return s;
        }
        let end = self.starts[at + self.n_blocks] as usize;
        s + frag[s..end]
            .iter()
            .filter(|f| ((f.lo & KEY_MASK) as u32) < e.lim)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The span prefetched for a window must hold the window (an error there
    /// would only bring the wrong lines in), and `Span::holds` must pick out
    /// exactly the window's records from it (open search reads spans).
    #[test]
    fn bucket_span_holds_the_window_in_every_block() {
        let mut next = super::super::test_rng(0x9E37_79B9_7F4A_7C15);
        // Three blocks of sorted keys spread over ~2²⁰ key values.
        let base = 0x4310_0000u32;
        let mut keys = Vec::new();
        let mut bounds = vec![0u32];
        for n in [500, 37, 900] {
            let mut block: Vec<u32> = (0..n).map(|_| base + (next() % (1 << 20)) as u32).collect();
            block.sort_unstable();
            keys.extend(block);
            bounds.push(keys.len() as u32);
        }
        let frag: Vec<Frag> = keys
            .iter()
            .map(|&k| Frag {
                // Key bits, and a class in the bits above them to be ignored.
                lo: (k as u16 & KEY_MASK) | ((k >> 3) as u16 & !KEY_MASK),
                ..Frag::default()
            })
            .collect();
        let t = BlockTable::build(&keys, &bounds, 4);
        for _ in 0..2000 {
            let a = base.wrapping_sub(1 << 16) + (next() % (3 << 20)) as u32;
            let (kl, kh) = (a, a + (next() % 5000) as u32);
            let (lo, hi) = (t.edge(kl, false), t.edge(kh, true));
            for blk in 0..3 {
                let (wl, wh) = (
                    t.pos(lo, blk, &frag),
                    t.pos(hi, blk, &frag).max(t.pos(lo, blk, &frag)),
                );
                let (sl, sh) = t.bucket_span(lo, hi, blk);
                assert!(
                    sl <= wl && wh <= sh,
                    "window {wl}..{wh} outside span {sl}..{sh}"
                );
                // The span's records held are exactly the window's.
                let sp = t.span(lo, hi, blk);
                assert_eq!((sp.lo as usize, sp.hi as usize), (sl, sh));
                for (p, &f) in (sl..sh).zip(&frag[sl..sh]) {
                    let inside = wl <= p && p < wh;
                    assert_eq!(sp.holds(p as u32, f), inside, "position {p} of {sl}..{sh}");
                }
                // The window is exact: keys in [kl, kh], within the block.
                let inside = keys[bounds[blk] as usize..bounds[blk + 1] as usize]
                    .iter()
                    .filter(|&&k| kl <= k && k <= kh)
                    .count();
                assert_eq!(wh - wl, inside);
            }
        }
    }
}
