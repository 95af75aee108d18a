//! The block scans behind open and identity search.
//!
//! The fragment arrays are partitioned into blocks of 2^BLOCK_SHIFT spectra
//! (each block m/z-sorted, see `build`), so a query walks the blocks of its
//! spectrum-id range and, per block, every query peak's window of that block.
//!
//! Open search (`open`) uses the window helpers here; identity search is
//! below.
//!
//! **Identity search** (`scan`, one precursor range — one or two blocks)
//! adds each in-range pair's term into a block-sized (2¹⁶ × 8 B) accumulator
//! in query-peak order; the windows are then walked again to offer each
//! touched spectrum once and reset it. Per spectrum, terms are added in
//! query-peak order, as the brute force does.

use super::build::{LibraryIndex, BLOCK_SHIFT};
use super::keys::key_range;
use super::search::{Acc, Scratch};
use super::table::Edge;
use super::weight::{pair_term, xlog2x};
use super::SearchParams;

/// Spectra per block.
pub(super) const BLOCK: usize = 1 << BLOCK_SHIFT;
/// Absolute bound on how far a computed [`pair_term`] can exceed the exact
/// term (halved intensities ≤ ½, `log₂` within ~4e-7; the worst case is a few
/// 1e-6), used to keep the single-pair pruning exact.
pub(super) const TERM_SLACK: f64 = 1e-5;
/// Bits of the smallest positive normal `f32`.
pub(super) const MIN_NORMAL_BITS: u32 = 0x0080_0000;

/// A query peak ready for the scan: halved intensity, its `x log₂ x`, and
/// both window edges.
#[derive(Debug, Clone, Copy)]
pub(super) struct QPeak {
    pub(super) a: f32,
    pub(super) fa: f32,
    pub(super) lo: Edge,
    pub(super) hi: Edge,
}

/// The block-sized accumulator of `sc`, taken out (zeroed entries, sized on
/// first use); put it back when done.
fn take_block_acc(sc: &mut Scratch) -> Vec<Acc> {
    if sc.local.len() != BLOCK {
        sc.local = vec![Acc::default(); BLOCK];
    }
    std::mem::take(&mut sc.local)
}

impl QPeak {
    /// Single-pair pruning for this query peak under the bar `bar`: a library
    /// intensity `b` whose bits satisfy `b.to_bits() − MIN_NORMAL_BITS < span`
    /// (a normal `b` below `β`) gives a pair term that cannot reach `bar`.
    /// The exact term is at most `2·√(ab)`: with `x = b/a` it is
    /// `a·(log₂(1+x) + x·log₂(1+1/x))`, and `g(x) = log₂(1+x) + x·log₂(1+1/x) − 2√x`
    /// has `g(0⁺) = g(1) = 0` and `g′(x) = log₂(1+1/x) − 1/√x`, negative
    /// below x ≈ 0.054, positive up to 1 and negative beyond, so `g ≤ 0`. So
    /// `b < β = (bar − slack)² / 4a` (rounded down) bounds the computed term
    /// below `bar` (β capped at 1); 0 (no pruning) when `a` is not a normal float or the bar
    /// is within the slack of 0.
    #[inline]
    pub(super) fn prune_span(&self, bar: f32) -> u32 {
        let m = bar as f64 - TERM_SLACK;
        if !(m > 0.0 && self.a >= f32::MIN_POSITIVE && self.a <= 1.0) {
            return 0;
        }
        // Capped at 1: halved intensities are ≤ ½, and the slack holds below 1.
        let beta = (m * m / (4.0 * self.a as f64) * (1.0 - 1e-6)).min(1.0) as f32;
        beta.to_bits().saturating_sub(MIN_NORMAL_BITS)
    }
}

impl LibraryIndex {
    /// The window edges of each query peak (peaks with an empty key range dropped).
    pub(super) fn query_peaks(
        &self,
        mz: &[f32],
        half: &[f32],
        params: &SearchParams,
        out: &mut Vec<QPeak>,
    ) {
        out.clear();
        out.extend(mz.iter().zip(half).filter_map(|(&q, &a)| {
            let (lo, hi) = self.edges(q, params)?;
            Some(QPeak {
                a,
                fa: xlog2x(a),
                lo,
                hi,
            })
        }));
    }

    /// The window edges of a query peak at `q` (`None`: empty key range).
    pub(super) fn edges(&self, q: f32, params: &SearchParams) -> Option<(Edge, Edge)> {
        let w = params.fragment_tolerance.at(q as f64);
        let (kl, kh) = key_range(q as f64 - w, q as f64 + w)?;
        Some((
            self.frag_table.edge(kl, false),
            self.frag_table.edge(kh, true),
        ))
    }

    /// Prefetch into L2 the records of window `lo..hi` in block `blk`: its
    /// bucket span, a superset known from the table alone.
    #[inline]
    pub(super) fn prefetch_window(&self, lo: Edge, hi: Edge, blk: usize) {
        let (l, h) = self.frag_table.bucket_span(lo, hi, blk);
        super::prefetch::to_l2(&self.frag[l..h]);
        super::prefetch::to_l2(&self.frag_int[l..h]);
    }

    /// Prefetch the records of every query peak's window in block `blk`.
    fn prefetch_block(&self, peaks: &[QPeak], blk: usize) {
        for p in peaks {
            self.prefetch_window(p.lo, p.hi, blk);
        }
    }

    /// Window `lo..hi` of edges `(lo, hi)` in block `blk`.
    #[inline]
    pub(super) fn window(&self, lo: Edge, hi: Edge, blk: usize) -> (usize, usize) {
        let l = self.frag_table.pos(lo, blk, &self.frag);
        (l, self.frag_table.pos(hi, blk, &self.frag).max(l))
    }

    /// Product-match scores of internal spectra `s0..s1`, offered to `sc.top`.
    pub(super) fn scan(&self, s0: u32, s1: u32, sc: &mut Scratch) {
        if s0 >= s1 {
            return;
        }
        let mut buf = take_block_acc(sc);
        let local: &mut [Acc; BLOCK] = (&mut buf[..]).try_into().expect("block accumulator");
        let peaks = std::mem::take(&mut sc.qpeaks);
        let all = s1 as usize >= self.n_spectra();
        for blk in (s0 >> BLOCK_SHIFT)..=((s1 - 1) >> BLOCK_SHIFT) {
            let gbase = blk << BLOCK_SHIFT;
            let start = s0.saturating_sub(gbase);
            let width = (s1 - gbase).min(BLOCK as u32) - start;
            let full = start == 0 && (all || width == BLOCK as u32);
            // The block's bucket spans are prefetched, then all its windows
            // resolved: their edge scans' misses overlap.
            self.prefetch_block(&peaks, blk as usize);
            sc.wins.clear();
            sc.wins.extend(peaks.iter().map(|p| {
                let (lo, hi) = self.window(p.lo, p.hi, blk as usize);
                (lo as u32, hi as u32)
            }));
            for (p, &(lo, hi)) in peaks.iter().zip(&sc.wins) {
                let (lo, hi) = (lo as usize, hi as usize);
                let (frag, ints) = (&self.frag[lo..hi], &self.frag_int[lo..hi]);
                if full {
                    sc.terms.clear();
                    sc.terms
                        .extend(ints.iter().map(|&b| pair_term(p.a, p.fa, b)));
                    for (f, &t) in frag.iter().zip(&sc.terms) {
                        let e = &mut local[f.spec as usize & (BLOCK - 1)];
                        e.score += t;
                        e.count += 1;
                    }
                } else {
                    // Few spectra of the window are in range: terms only for those.
                    for (f, &b) in frag.iter().zip(ints) {
                        if (f.spec as u32).wrapping_sub(start) < width {
                            let e = &mut local[f.spec as usize & (BLOCK - 1)];
                            e.score += pair_term(p.a, p.fa, b);
                            e.count += 1;
                        }
                    }
                }
            }
            for &(lo, hi) in &sc.wins {
                for f in &self.frag[lo as usize..hi as usize] {
                    let e = &mut local[f.spec as usize & (BLOCK - 1)];
                    if e.count > 0 {
                        let e = std::mem::take(e);
                        let g = gbase | f.spec as u32;
                        sc.top.offer(e.score, g, e.count, &self.external);
                    }
                }
            }
        }
        sc.qpeaks = peaks;
        sc.local = buf;
    }
}
