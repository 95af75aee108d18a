//! The block scans behind open and identity search.
//!
//! The fragment arrays are partitioned into blocks of 2^BLOCK_SHIFT spectra
//! (each block m/z-sorted, see `build`), so a query walks the blocks of its
//! spectrum-id range and, per block, every query peak's window of that block.
//!
//! **Open search** (`open_scan`, every spectrum) does not compute the term of
//! every pair: almost all of the ~25 k pairs of a query on 10⁶ spectra belong
//! to spectra with a single pair, whose score is that one term. Per block:
//! 1. one pass over the block's pairs, reading only the 4-byte position
//!    records, keeps per spectrum the block ordinal of its first pair
//!    (`counts::FirstPairs`: a `u16` slot tagged by the block's code range,
//!    so one 128 KiB array serves every block uncleared) and collects the
//!    positions of repeats — pairs of a spectrum seen before, a few hundred
//!    per query — behind a branch that is almost never taken: a load, a
//!    compare and a store per pair;
//! 2. each repeat's spectrum is a multi-pair spectrum; its first repeat
//!    brings in its first pair, straight from the recorded ordinal, which
//!    precedes every repeat, so its terms are summed in query-peak order and
//!    each sum is the brute force's, bit for bit (`multis`: a list indexed
//!    by first ordinal, small enough for L1); each such spectrum is offered
//!    to the top N once and listed for pass 3 (`counts::MultiSpectra`).
//!
//! Then pass 3 offers single-pair spectra. The exact term is at most
//! `2·√(ab)` (equality at `a = b`; see `QPeak::prune_span`), so once the
//! top N holds its bar, a pair whose library intensity is below
//! `β = (bar − slack)²/4a` cannot reach it and is skipped on one integer
//! compare of its intensity; the rest get their term and an offer. A query
//! peak whose β exceeds every library intensity (`int_ceiling`, known at
//! build time) skips its windows without reading them. Multi-pair
//! spectra go first and query peaks by descending intensity, so the bar is
//! high early. This is exact: only pairs that provably score below the bar
//! are skipped, whatever `top_n` and `min_score` (with `min_score` ≤ ~1e-5
//! and fewer than `top_n` candidates nothing is pruned).
//!
//! Before any record is read, the bucket span of every window in every block
//! (a superset of the window, known from the bucket table alone) is
//! prefetched into L2 (`prefetch`), positions and intensities, so the ~290
//! runs' cache misses overlap (the intensities of the repeats and of pass 3
//! are read at random, and missing them cost far more than fetching all);
//! each block's exact window edges are resolved just before its passes, so
//! its edge buckets have the earlier blocks' passes to arrive.
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
const TERM_SLACK: f64 = 1e-5;
/// Bits of the smallest positive normal `f32`.
pub(super) const MIN_NORMAL_BITS: u32 = 0x0080_0000;

/// A query peak ready for the scan: halved intensity, its `x log₂ x`, and
/// both window edges.
#[derive(Debug, Clone, Copy)]
pub(super) struct QPeak {
    a: f32,
    fa: f32,
    lo: Edge,
    hi: Edge,
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
    fn prune_span(&self, bar: f32) -> u32 {
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

    /// Append the windows of every query peak in block `blk`.
    fn windows_into(&self, peaks: &[QPeak], blk: usize, out: &mut Vec<(u32, u32)>) {
        out.extend(peaks.iter().map(|p| {
            let (lo, hi) = self.window(p.lo, p.hi, blk);
            (lo as u32, hi as u32)
        }));
    }

    /// The position of block spectrum `s`'s first pair, block ordinal `k0`
    /// of windows `bw`, with its window (`starts`: each window's first
    /// ordinal); `None` if that pair is not `s`'s (cannot happen: a guard).
    fn first_pair(
        &self,
        bw: &[(u32, u32)],
        starts: &[u32],
        k0: usize,
        s: u16,
    ) -> Option<(usize, usize)> {
        // The window of ordinal k0, without a branch per window.
        let w = starts
            .iter()
            .map(|&o| (o as usize <= k0) as usize)
            .sum::<usize>()
            .checked_sub(1)?;
        let (lo, hi) = bw[w];
        let at = lo as usize + (k0 - starts[w] as usize);
        (at < hi as usize && self.frag.get(at)?.spec == s).then_some((w, at))
    }

    /// The block ordinal of the first pair of each spectrum with a repeat in
    /// `repeats` (positions), in `out` by block spectrum (others `u32::MAX`).
    #[cold]
    #[inline(never)]
    fn first_ordinals(&self, bw: &[(u32, u32)], repeats: &[u32], out: &mut Vec<u32>) {
        const WANTED: u32 = u32::MAX - 1;
        out.clear();
        out.resize(BLOCK, u32::MAX);
        for &pos in repeats {
            out[self.frag[pos as usize].spec as usize] = WANTED;
        }
        let mut ord = 0;
        for &(lo, hi) in bw {
            for f in &self.frag[lo as usize..hi as usize] {
                let o = &mut out[f.spec as usize];
                if *o == WANTED {
                    *o = ord;
                }
                ord += 1;
            }
        }
    }

    /// Open search: product-match scores of every library spectrum, offered
    /// to `sc.top`, without computing the term of every pair (module docs,
    /// "Open search").
    pub(super) fn open_scan(&self, sc: &mut Scratch) {
        let n = self.n_spectra() as u32;
        if n == 0 {
            return;
        }
        let nb = ((n - 1) >> BLOCK_SHIFT) as usize + 1;
        let mut firsts = std::mem::take(&mut sc.firsts);
        let mut multi = std::mem::take(&mut sc.multi);
        multi.begin();
        let peaks = std::mem::take(&mut sc.qpeaks);
        let np = peaks.len();
        let mut wins = std::mem::take(&mut sc.wins);
        wins.clear();
        // Every block's bucket span of every window (a superset of the
        // window, from the table alone) is prefetched into L2 before any
        // record is read, block by block: ~290 short runs at random places
        // whose misses then overlap, instead of each run waiting in turn.
        for blk in 0..nb {
            self.prefetch_block(&peaks, blk);
        }
        for blk in 0..nb {
            let gbase = (blk as u32) << BLOCK_SHIFT;
            // The block's exact window edges, resolved only now: its edge
            // buckets have had the earlier blocks' passes to arrive.
            self.windows_into(&peaks, blk, &mut wins);
            let bw = &wins[blk * np..(blk + 1) * np];
            let total: usize = bw.iter().map(|&(lo, hi)| (hi - lo) as usize).sum();
            let (codes, st) = firsts.begin_block(total);
            // One pass over the block's pairs: each spectrum's first pair
            // records its block ordinal; the positions of repeats (pairs of
            // a spectrum seen before — a few hundred of ~25 k) are listed
            // behind a branch that is almost never taken, window by window.
            if sc.cand.len() <= total {
                sc.cand.resize(total + 1, 0);
            }
            sc.cand_end.clear();
            sc.starts.clear();
            let mut nc = 0;
            let cand = &mut sc.cand[..];
            let (mut code, step) = (codes.first(), codes.step());
            let mut ord = 0;
            for &(lo, hi) in bw {
                sc.starts.push(ord);
                ord += hi - lo;
                for (pos, f) in (lo..hi).zip(&self.frag[lo as usize..hi as usize]) {
                    if codes.visit(st, f.spec, code) {
                        cand[nc] = pos;
                        nc += 1;
                    }
                    code = code.wrapping_add(step);
                }
                sc.cand_end.push(nc as u32);
            }
            // Multi-pair spectra's terms, summed per spectrum in query-peak
            // order (so each sum is the brute force's, bit for bit): a
            // spectrum's first repeat brings in its first pair, found from
            // its recorded ordinal, which precedes every repeat. With one
            // code for the whole block (more pairs than codes) the slots say
            // only "has a pair", and one more pass finds those ordinals.
            let shared = codes.step() == 0;
            if shared {
                self.first_ordinals(bw, &sc.cand[..nc], &mut sc.first_ord);
            }
            let mut ms = std::mem::take(&mut sc.multi_sums);
            ms.begin(total);
            let mut from = 0;
            for (p, &end) in peaks.iter().zip(&sc.cand_end) {
                for &pos in &sc.cand[from..end as usize] {
                    let s = self.frag[pos as usize].spec;
                    let k0 = if shared {
                        sc.first_ord[s as usize] as usize
                    } else {
                        codes.first_ordinal(st, s)
                    };
                    let e = ms.entry(k0, s, || match self.first_pair(bw, &sc.starts, k0, s) {
                        Some((w, first)) => {
                            let b = self.frag_int[first];
                            (0.0 + pair_term(peaks[w].a, peaks[w].fa, b), 1)
                        }
                        None => {
                            debug_assert!(false, "first pair of {s} not at ordinal {k0}");
                            (0.0, 0)
                        }
                    });
                    e.score += pair_term(p.a, p.fa, self.frag_int[pos as usize]);
                    e.count += 1;
                }
                from = end as usize;
            }
            for e in &ms.list {
                let g = gbase | e.spec as u32;
                multi.mark(g);
                sc.top.offer(e.score, g, e.count, &self.external);
            }
            multi.end_block();
            sc.multi_sums = ms;
        }
        // Pass 3, once every multi-pair spectrum is offered: a single-pair
        // spectrum's score is its one term, and the bound 2·√(ab) skips
        // almost every pair on its intensity alone. Query peaks go by
        // descending intensity so the bar rises early (any order gives the
        // same top N).
        sc.order.clear();
        sc.order.extend(0..np as u32);
        sc.order
            .sort_unstable_by(|&x, &y| peaks[y as usize].a.total_cmp(&peaks[x as usize].a));
        for &k in &sc.order {
            let p = &peaks[k as usize];
            let mut span = p.prune_span(sc.top.bar());
            if span > self.int_ceiling {
                // No library intensity reaches β: the window cannot add a hit.
                continue;
            }
            for blk in 0..nb {
                let gbase = (blk as u32) << BLOCK_SHIFT;
                let (lo, hi) = wins[blk * np + k as usize];
                let (lo, hi) = (lo as usize, hi as usize);
                for (f, &b) in self.frag[lo..hi].iter().zip(&self.frag_int[lo..hi]) {
                    if b.to_bits().wrapping_sub(MIN_NORMAL_BITS) >= span {
                        let g = gbase | f.spec as u32;
                        if !multi.contains(blk, g) {
                            let t = 0.0 + pair_term(p.a, p.fa, b);
                            sc.top.offer(t, g, 1, &self.external);
                            span = p.prune_span(sc.top.bar());
                        }
                    }
                }
            }
        }
        sc.wins = wins;
        sc.qpeaks = peaks;
        sc.firsts = firsts;
        sc.multi = multi;
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
