//! The fused block scan behind open and identity search.
//!
//! The fragment arrays are partitioned into blocks of 2^BLOCK_SHIFT spectra
//! (each block m/z-sorted, see `build`), so a query walks the blocks of its
//! spectrum-id range and, per block, every query peak's window of that block:
//! the window's pair terms are computed in one vectorised pass into a small
//! buffer, then added into a block-sized accumulator (512 KiB, L2-resident)
//! indexed by the `u16` in-block spectrum id. Once all windows of a block are
//! summed, they are walked again to offer each touched spectrum to the top N
//! and reset it. Per spectrum, terms are added in query-peak order, as the
//! brute force does.

use super::build::{LibraryIndex, BLOCK_SHIFT};
use super::keys::key_range;
use super::search::{Acc, Scratch};
use super::table::Edge;
use super::weight::{pair_term, xlog2x};
use super::SearchParams;

/// Spectra per block.
pub(super) const BLOCK: usize = 1 << BLOCK_SHIFT;

/// A query peak ready for the scan: halved intensity, its `x log₂ x`, and
/// both window edges.
#[derive(Debug, Clone, Copy)]
pub(super) struct QPeak {
    a: f32,
    fa: f32,
    lo: Edge,
    hi: Edge,
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
            let w = params.fragment_tolerance.at(q as f64);
            let (kl, kh) = key_range(q as f64 - w, q as f64 + w)?;
            Some(QPeak {
                a,
                fa: xlog2x(a),
                lo: self.frag_table.edge(kl, false),
                hi: self.frag_table.edge(kh, true),
            })
        }));
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
        if sc.local.len() != BLOCK {
            sc.local = vec![Acc::default(); BLOCK];
        }
        let mut buf = std::mem::take(&mut sc.local);
        let local: &mut [Acc; BLOCK] = (&mut buf[..]).try_into().expect("block accumulator");
        let peaks = std::mem::take(&mut sc.qpeaks);
        let all = s1 as usize >= self.n_spectra();
        for blk in (s0 >> BLOCK_SHIFT)..=((s1 - 1) >> BLOCK_SHIFT) {
            let gbase = blk << BLOCK_SHIFT;
            let start = s0.saturating_sub(gbase);
            let width = (s1 - gbase).min(BLOCK as u32) - start;
            let full = start == 0 && (all || width == BLOCK as u32);
            // All windows of the block first: their edge scans are
            // independent cache misses that overlap.
            sc.wins.clear();
            sc.wins.extend(peaks.iter().map(|p| {
                let (lo, hi) = self.window(p.lo, p.hi, blk as usize);
                (lo as u32, hi as u32)
            }));
            for (p, &(lo, hi)) in peaks.iter().zip(&sc.wins) {
                let frag = &self.frag[lo as usize..hi as usize];
                sc.terms.clear();
                sc.terms
                    .extend(frag.iter().map(|f| pair_term(p.a, p.fa, f.int)));
                if full {
                    for (f, &t) in frag.iter().zip(&sc.terms) {
                        let e = &mut local[f.spec as usize & (BLOCK - 1)];
                        e.score += t;
                        e.count += 1;
                    }
                } else {
                    for (f, &t) in frag.iter().zip(&sc.terms) {
                        if (f.spec as u32).wrapping_sub(start) < width {
                            let e = &mut local[f.spec as usize & (BLOCK - 1)];
                            e.score += t;
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
                        sc.top
                            .offer(e.score, g, e.count, || self.external[g as usize]);
                    }
                }
            }
        }
        sc.qpeaks = peaks;
        sc.local = buf;
    }
}
