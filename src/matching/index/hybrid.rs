//! Hybrid search (Moorthy et al. 2017; Flash's `search_hybrid`): product
//! matches and neutral-loss matches added into a dense per-library array,
//! under rules 1–4 of the module docs.
//!
//! Its reads are random: product windows are short runs in every block,
//! neutral-loss matches are fragment positions anywhere, and every pair
//! updates a dense entry anywhere in a 12 B × library array. So the work is
//! staged to keep misses in flight: every product window's bucket span and
//! every neutral-loss window's permutation entries are prefetched into L2
//! before the first peak; while peak i is processed, the neutral-loss
//! fragments of peak i+2 and the dense entries of peak i+1 are prefetched
//! (2026-12-05, 10⁶ spectra: 2.66 → 2.27 ms per query, medians of 12
//! alternating A/B rounds; other runs on that noisy machine ranged from no
//! difference to −20 %); within a peak the
//! dense entries are still loaded in a loop of independent loads before
//! their updates.

use super::build::{LibraryIndex, BLOCK_SHIFT};
use super::keys::key_range;
use super::prefetch::to_l2;
use super::search::Scratch;
use super::weight::{pair_term, xlog2x};
use super::SearchParams;
use std::slice::from_ref;

impl LibraryIndex {
    /// Hybrid search of a query with precursor `pq`, peaks `mz` and halved
    /// weighted intensities `half`, into `sc`'s dense array.
    pub(super) fn hybrid(
        &self,
        pq: f64,
        mz: &[f32],
        half: &[f32],
        params: &SearchParams,
        sc: &mut Scratch,
    ) {
        let nb = self.block_start.len() - 1;
        let np = mz.len();
        self.hybrid_windows(pq, mz, params, sc);
        if let Some(&r) = sc.nl_ranges.first() {
            self.prefetch_nl_frags(r);
        }
        let ranges = std::mem::take(&mut sc.ranges);
        let wins = std::mem::take(&mut sc.wins);
        let product_matched = |p: u32| {
            let j = ranges.partition_point(|r| r.0 <= p);
            j > 0 && p < ranges[j - 1].1
        };
        let mut sink = 0u32;
        for (i, &a) in half.iter().enumerate() {
            let tag = i as u32 + 1;
            let fa = xlog2x(a);
            if i + 1 < np {
                self.prefetch_dense(&wins, i + 1, sc);
            }
            // Rule 1: every product match counts (and marks its spectrum).
            for blk in 0..nb {
                let (lo, hi) = wins[blk * np + i];
                let (lo, hi) = (lo as usize, hi as usize);
                let gbase = (blk as u32) << BLOCK_SHIFT;
                sink ^= sc.touch(self.frag[lo..hi].iter().map(|f| gbase | f.spec as u32));
                for (f, &b) in self.frag[lo..hi].iter().zip(&self.frag_int[lo..hi]) {
                    let s = gbase | f.spec as u32;
                    sc.add(s, pair_term(a, fa, b));
                    sc.mark(s, tag);
                }
            }
            if let Some(&r) = sc.nl_ranges.get(i + 2) {
                self.prefetch_nl_frags(r);
            }
            // Rules 2–4: a neutral-loss match counts unless its spectrum is
            // already marked by this peak or the library peak is a product
            // match. The fragments are read first, in a loop of independent
            // loads, so their misses overlap; the marks come after.
            let (nlo, nhi) = sc.nl_ranges[i];
            let mut nl = std::mem::take(&mut sc.nl);
            nl.clear();
            nl.extend(
                self.nl_perm[nlo as usize..nhi as usize]
                    .iter()
                    .map(|&p| (p, self.spec(p as usize), self.frag_int[p as usize])),
            );
            sink ^= sc.touch(nl.iter().map(|x| x.1));
            for &(p, s, b) in &nl {
                if sc.mark(s, tag) || product_matched(p) {
                    continue;
                }
                sc.add(s, pair_term(a, fa, b));
            }
            sc.nl = nl;
        }
        std::hint::black_box(sink);
        sc.ranges = ranges;
        sc.wins = wins;
    }

    /// Product windows per block and peak (`sc.wins`, block-major), the
    /// non-empty ones in ascending position (`sc.ranges`, for rule 3), and
    /// each peak's neutral-loss window (`sc.nl_ranges`), with their records
    /// and permutation entries prefetched.
    fn hybrid_windows(&self, pq: f64, mz: &[f32], params: &SearchParams, sc: &mut Scratch) {
        let nb = self.block_start.len() - 1;
        sc.edges.clear();
        sc.edges.extend(mz.iter().map(|&q| self.edges(q, params)));
        // Every bucket span first, so the edge scans below hit L2.
        for blk in 0..nb {
            for &(lo, hi) in sc.edges.iter().flatten() {
                self.prefetch_window(lo, hi, blk);
            }
        }
        sc.ranges.clear();
        sc.wins.clear();
        for blk in 0..nb {
            for e in &sc.edges {
                let r = e.map_or((0, 0), |(lo, hi)| self.window(lo, hi, blk));
                sc.wins.push((r.0 as u32, r.1 as u32));
                if r.0 < r.1 {
                    sc.ranges.push((r.0 as u32, r.1 as u32));
                }
            }
        }
        sc.nl_ranges.clear();
        for &q in mz {
            let w = params.fragment_tolerance.at(q as f64);
            let loss = pq - q as f64;
            let r = key_range(loss - w, loss + w).map_or((0, 0), |(kl, kh)| {
                self.nl_buckets.range(kl, kh, |_, r, k, incl| {
                    r.take_while(|&i| {
                        let ki = self.nl_key(self.nl_perm[i] as usize);
                        ki < k || (incl && ki == k)
                    })
                    .count()
                })
            });
            to_l2(&self.nl_perm[r.0..r.1]);
            sc.nl_ranges.push((r.0 as u32, r.1 as u32));
        }
    }

    /// Prefetch the fragments of the neutral-loss window `(lo, hi)`.
    fn prefetch_nl_frags(&self, (lo, hi): (u32, u32)) {
        for &p in &self.nl_perm[lo as usize..hi as usize] {
            to_l2(from_ref(&self.frag[p as usize]));
            to_l2(from_ref(&self.frag_int[p as usize]));
        }
    }

    /// Prefetch the dense entries peak `i` will update: those of its product
    /// windows and of its neutral-loss fragments (prefetched a peak before).
    fn prefetch_dense(&self, wins: &[(u32, u32)], i: usize, sc: &Scratch) {
        // `wins` is block-major over the query peaks (`i` < their number).
        let np = sc.edges.len();
        for blk in 0..wins.len() / np {
            let (lo, hi) = wins[blk * np + i];
            let gbase = (blk as u32) << BLOCK_SHIFT;
            for f in &self.frag[lo as usize..hi as usize] {
                to_l2(from_ref(&sc.acc[(gbase | f.spec as u32) as usize]));
            }
        }
        let (lo, hi) = sc.nl_ranges[i];
        for &p in &self.nl_perm[lo as usize..hi as usize] {
            to_l2(from_ref(&sc.acc[self.spec(p as usize) as usize]));
        }
    }
}
