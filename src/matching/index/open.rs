//! Open search (`open_scan`, every spectrum), without computing the term of
//! every pair or reading most intensities: almost all of the ~25 k pairs of a
//! query on 10⁶ spectra belong to spectra with a single pair, whose score is
//! that one term, and a pair's term is bounded by its record's intensity
//! class (`classes`). Per block:
//! 1. one pass over the block's pairs, reading only the 4-byte position
//!    records, keeps per spectrum the block ordinal of its first pair
//!    (`counts::FirstPairs`: a `u16` slot tagged by the block's code range,
//!    so one 128 KiB array serves every block uncleared) and collects the
//!    positions of repeats — pairs of a spectrum seen before, a few hundred
//!    per query — behind a branch that is almost never taken: a load, a
//!    compare and a store per pair;
//! 2. each repeat's spectrum is a multi-pair spectrum; its first repeat
//!    brings in its first pair, straight from the recorded ordinal, which
//!    precedes every repeat. Its pairs are chained in query-peak order and
//!    their class bounds summed (`multis`, which pass 3 also asks whether a
//!    spectrum has several pairs).
//!
//! The multi-pair spectra whose bound reaches the top N's bar get their
//! exact score — their pairs' intensities prefetched at the end of their
//! block's pass and read after the next block's, terms summed in query-peak
//! order, so each sum is the brute force's, bit for bit — and are offered.
//!
//! Pass 3 offers single-pair spectra. Query peaks go by descending
//! intensity. For each, the classes whose bound reaches the bar are a range
//! from some lowest class up, so a record is a candidate on one integer
//! compare of its `lo` field, and a query peak none of whose library classes
//! reach the bar is skipped whole; candidates' intensities are prefetched as
//! they are listed. Then each candidate gets the exact test — its term is at
//! most `2·√(ab)`, so an intensity below `β = (bar − slack)²/4a` cannot
//! reach the bar (`QPeak::prune_span`) — and the rest get their term and an
//! offer. This is exact: only pairs and spectra that provably score below
//! the bar are skipped, whatever `top_n` and `min_score`.
//!
//! Before any record is read, the bucket span of every window in every block
//! (a superset of the window, known from the bucket table alone: `Span`) is
//! prefetched into L2 (`prefetch`), position records only, so the ~290
//! runs' cache misses overlap. The passes read these spans whole, not the
//! exact windows: resolving a window's two edges meant counting records of
//! its edge buckets, ~15 ns an edge and ~640 edges a query. A span differs
//! from its window only in its first and last bucket, so the pass counts
//! the few records there that lie outside the window as well, and what it
//! finds is checked where it is used (`Span::holds`): a repeat outside its
//! window is dropped, a first pair outside starts no chain, and pass 3
//! tests its candidates. A spectrum left with one pair inside its window
//! keeps its multi-pair entry, scored and offered once like any other.

use super::build::{Frag, LibraryIndex, BLOCK_SHIFT};
use super::classes::{record_class, KEY_BITS};
use super::counts::Codes;
use super::multis::Multi;
use super::prefetch::to_l2;
use super::scan::{QPeak, BLOCK, MIN_NORMAL_BITS};
use super::search::Scratch;
use super::table::Span;
use super::weight::pair_term;
use std::ops::Range;
use std::slice::from_ref;

/// Can multi-pair spectrum `e` reach `bar`? Each pair's class bound already
/// covers its computed term; the `f32` sum of `count` terms rounds up by at
/// most `count · 2⁻²⁴` of the bound.
#[inline]
fn reaches(e: &Multi, bar: f32) -> bool {
    e.bound * (1.0 + 1e-7 * e.count as f64) >= bar as f64
}

/// Calls `found(i)` for each record `recs[i]` whose `lo` field is at least
/// `least` (its class reaches the bar), in order. Sixteen records at a time
/// are compared into a bit mask, a loop the compiler vectorises: candidates
/// are a few in ~25 k records, so nearly every mask is empty. The last
/// sixteen records are one more chunk, overlapping the one before, with the
/// records already seen masked out: one loop exit per span to mispredict,
/// not two (a remainder loop's as well).
#[inline]
fn at_least(recs: &[Frag], least: u16, mut found: impl FnMut(usize)) {
    const LANES: usize = 16;
    let mask_of = |chunk: &[Frag]| {
        chunk
            .iter()
            .enumerate()
            .fold(0u32, |m, (i, f)| m | ((f.lo >= least) as u32) << i)
    };
    let mut visit = |base: usize, mut mask: u32| {
        while mask != 0 {
            found(base + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
    };
    let n = recs.len();
    if n < LANES {
        for (i, f) in recs.iter().enumerate() {
            if f.lo >= least {
                found(i);
            }
        }
        return;
    }
    let mut base = 0;
    while base + LANES <= n {
        visit(base, mask_of(&recs[base..base + LANES]));
        base += LANES;
    }
    if base < n {
        let last = n - LANES;
        visit(last, mask_of(&recs[last..]) & (u32::MAX << (base - last)));
    }
}

/// A repeat found by the pass: its position, window and record, and the
/// block ordinal of its spectrum's first pair (read from the slot the pass
/// had loaded anyway, so chaining need not load the record and the slot
/// again; meaningless when the block's pairs share one code).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Repeat {
    pos: u32,
    win: u32,
    rec: Frag,
    first: u32,
}

/// Step 1's pass over a block's spans `bw` of `frag` (module docs): each
/// spectrum's first pair leaves its block ordinal in `st`, each repeat a
/// [`Repeat`] in `cand`, and `starts` gets each span's first ordinal.
/// Returns the number of repeats. Not inlined: inside the search its loop
/// invariants were spilled to the stack, three extra loads in the hottest
/// loop.
#[inline(never)]
fn repeats_pass(
    frag: &[Frag],
    bw: &[Span],
    codes: Codes,
    st: &mut [u16; BLOCK],
    cand: &mut [Repeat],
    starts: &mut Vec<u32>,
) -> usize {
    starts.clear();
    let mut nc = 0;
    let (mut code, step) = (codes.first(), codes.step());
    let mut ord = 0;
    for (k, &Span { lo, hi, .. }) in bw.iter().enumerate() {
        starts.push(ord);
        ord += hi - lo;
        for (pos, f) in (lo..hi).zip(&frag[lo as usize..hi as usize]) {
            if let Some(first) = codes.repeat_of(st, f.spec, code) {
                cand[nc] = Repeat {
                    pos,
                    win: k as u32,
                    rec: *f,
                    first,
                };
                nc += 1;
            }
            code = code.wrapping_add(step);
        }
    }
    nc
}

impl LibraryIndex {
    /// The position of block spectrum `s`'s first pair, block ordinal `k0`
    /// of spans `bw`, with its window (`starts`: each span's first
    /// ordinal); `None` if that pair is not `s`'s (cannot happen: a guard).
    fn first_pair(&self, bw: &[Span], starts: &[u32], k0: usize, s: u16) -> Option<(usize, usize)> {
        // The window of ordinal k0, without a branch per window.
        let w = starts
            .iter()
            .map(|&o| (o as usize <= k0) as usize)
            .sum::<usize>()
            .checked_sub(1)?;
        let Span { lo, hi, .. } = bw[w];
        let at = lo as usize + (k0 - starts[w] as usize);
        let found = at < hi as usize && self.frag.get(at)?.spec == s;
        debug_assert!(found, "first pair of {s} not at ordinal {k0}");
        found.then_some((w, at))
    }

    /// The block ordinal of the first pair of each spectrum with a repeat in
    /// `repeats`, in `out` by block spectrum (others `u32::MAX`).
    #[cold]
    #[inline(never)]
    fn first_ordinals(&self, bw: &[Span], repeats: &[Repeat], out: &mut Vec<u32>) {
        const WANTED: u32 = u32::MAX - 1;
        out.clear();
        out.resize(BLOCK, u32::MAX);
        for r in repeats {
            out[r.rec.spec as usize] = WANTED;
        }
        let mut ord = 0;
        for &Span { lo, hi, .. } in bw {
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
    /// to `sc.top`, without computing the term of every pair (module docs).
    pub(super) fn open_scan(&self, sc: &mut Scratch) {
        let n = self.n_spectra() as u32;
        if n == 0 {
            return;
        }
        let nb = ((n - 1) >> BLOCK_SHIFT) as usize + 1;
        let peaks = std::mem::take(&mut sc.qpeaks);
        sc.bounds.fill(peaks.iter().map(|p| p.a));
        sc.spans.clear();
        // Every block's bucket span of every window (a superset of the
        // window, from the table alone) is prefetched into L2 before any
        // record is read: ~290 short runs at random places whose misses
        // then overlap, instead of each run waiting in turn.
        for p in &peaks {
            self.frag_table.prefetch_span_rows(p.lo, p.hi);
        }
        for blk in 0..nb {
            for p in &peaks {
                let span = self.frag_table.span(p.lo, p.hi, blk);
                to_l2(&self.frag[span.lo as usize..span.hi as usize]);
                sc.spans.push(span);
            }
        }
        sc.multis.begin_query();
        sc.reaching.clear();
        // Each block's multi-pair spectra are scored after the next block's
        // pass, so the intensities prefetched for them have that long to come.
        let mut pending = 0..0;
        for blk in 0..nb {
            let from = sc.multis.list.len();
            self.block_pass(&peaks, blk, sc);
            // The entries whose bound reaches the bar, listed without a
            // branch per entry (about one in five reaches it, unpredictably).
            let bar = sc.top.bar();
            let at = sc.reaching.len();
            let block = sc.multis.block();
            sc.reaching.resize(at + block.len(), 0);
            let mut n = at;
            for (i, e) in block.iter().enumerate() {
                sc.reaching[n] = (from + i) as u32;
                n += reaches(e, bar) as usize;
            }
            sc.reaching.truncate(n);
            for &i in &sc.reaching[at..] {
                for p in sc.multis.pairs_of(&sc.multis.list[i as usize]) {
                    to_l2(from_ref(&self.frag_int[p.pos as usize]));
                }
            }
            self.offer_multis(&peaks, pending, sc);
            pending = at..sc.reaching.len();
        }
        self.offer_multis(&peaks, pending, sc);
        self.offer_singles(&peaks, nb, sc);
        sc.qpeaks = peaks;
    }

    /// Block `blk`'s pass (module docs, steps 1 and 2) over its spans in
    /// `sc.spans`: its multi-pair spectra listed with their pairs and bounds.
    fn block_pass(&self, peaks: &[QPeak], blk: usize, sc: &mut Scratch) {
        let np = peaks.len();
        let gbase = (blk as u32) << BLOCK_SHIFT;
        let bw = &sc.spans[blk * np..(blk + 1) * np];
        let total: usize = bw.iter().map(|w| (w.hi - w.lo) as usize).sum();
        let (codes, st) = sc.firsts.begin_block(total);
        // One pass over the block's pairs: each spectrum's first pair
        // records its block ordinal; the positions of repeats (pairs of a
        // spectrum seen before — a few hundred of ~25 k) are listed, with
        // their windows, behind a branch that is almost never taken.
        if sc.cand.len() <= total {
            sc.cand.resize(total + 1, Repeat::default());
        }
        let nc = repeats_pass(&self.frag, bw, codes, st, &mut sc.cand, &mut sc.starts);
        // A spectrum's first repeat brings in its first pair, found from its
        // recorded ordinal. With one code for the whole block (more pairs
        // than codes) the slots say only "has a pair", and one more pass
        // finds those ordinals.
        let shared = codes.step() == 0;
        if shared {
            self.first_ordinals(bw, &sc.cand[..nc], &mut sc.first_ord);
        }
        sc.multis.begin_block(total);
        // One flat loop over the repeats (each tagged with its window), not
        // one per window: most windows have none, and a loop per window
        // mispredicted its exit about once a repeat.
        for &Repeat {
            pos,
            win,
            rec: f,
            first,
        } in &sc.cand[..nc]
        {
            let k = win as usize;
            // Pairs outside the window (in its first or last bucket)
            // were counted by the pass but are no pairs.
            if !bw[k].holds(pos, f) {
                continue;
            }
            let k0 = if shared {
                sc.first_ord[f.spec as usize] as usize
            } else {
                first as usize
            };
            let start = || {
                let (w, first) = self.first_pair(bw, &sc.starts, k0, f.spec)?;
                let ff = self.frag[first];
                if !bw[w].holds(first as u32, ff) {
                    return None;
                }
                let u = sc.bounds.get(w, record_class(ff.lo));
                Some((first as u32, w as u32, u))
            };
            let u = sc.bounds.get(k, record_class(f.lo));
            sc.multis
                .add(k0, gbase | f.spec as u32, start, (pos, k as u32, u));
        }
        sc.multis.end_block();
    }

    /// Exact scores of the multi-pair spectra whose bound reaches the bar,
    /// offered (terms summed in query-peak order, as the brute force does):
    /// `which` is a range of `sc.reaching`, the entries that reached the bar
    /// after their block's pass (it only rises, so no other entry can).
    fn offer_multis(&self, peaks: &[QPeak], which: Range<usize>, sc: &mut Scratch) {
        for k in which {
            let e = sc.multis.list[sc.reaching[k] as usize];
            if !reaches(&e, sc.top.bar()) {
                continue;
            }
            let mut score = 0.0f32;
            for p in sc.multis.pairs_of(&e) {
                let q = &peaks[p.peak as usize];
                score += pair_term(q.a, q.fa, self.frag_int[p.pos as usize]);
            }
            sc.top.offer(score, e.g, e.count, &self.external);
        }
    }

    /// Pass 3 (module docs): single-pair spectra whose term can reach the bar.
    fn offer_singles(&self, peaks: &[QPeak], nb: usize, sc: &mut Scratch) {
        let np = peaks.len();
        sc.order.clear();
        sc.order.extend(0..np as u32);
        sc.order
            .sort_unstable_by(|&x, &y| peaks[y as usize].a.total_cmp(&peaks[x as usize].a));
        // Candidates under the bar as it is now (it only rises), their
        // intensities prefetched as they are listed.
        let bar = sc.top.bar();
        sc.singles.clear();
        for &k in &sc.order {
            let c0 = sc.bounds.lowest_reaching(k as usize, bar);
            if c0 > self.class_max as usize {
                // No library intensity's class reaches the bar.
                continue;
            }
            let least = (c0 as u16) << KEY_BITS;
            for blk in 0..nb {
                let w = sc.spans[blk * np + k as usize];
                let recs = &self.frag[w.lo as usize..w.hi as usize];
                at_least(recs, least, |i| {
                    let pos = w.lo + i as u32;
                    if w.holds(pos, recs[i]) {
                        to_l2(from_ref(&self.frag_int[pos as usize]));
                        sc.singles.push((pos, k, blk as u32));
                    }
                });
            }
        }
        let (mut cur, mut span) = (u32::MAX, 0);
        for &(pos, k, blk) in &sc.singles {
            let p = &peaks[k as usize];
            if k != cur {
                cur = k;
                span = p.prune_span(sc.top.bar());
            }
            let b = self.frag_int[pos as usize];
            if b.to_bits().wrapping_sub(MIN_NORMAL_BITS) >= span {
                let g = (blk << BLOCK_SHIFT) | self.frag[pos as usize].spec as u32;
                if !sc.multis.contains(blk as usize, g) {
                    let t = 0.0 + pair_term(p.a, p.fa, b);
                    sc.top.offer(t, g, 1, &self.external);
                    span = p.prune_span(sc.top.bar());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunked scan (with its overlapping last chunk) lists exactly the
    /// records a plain filter does, in order, for every length around the
    /// chunk size and every threshold.
    #[test]
    fn at_least_lists_every_record_reaching_the_threshold_once() {
        let mut next = super::super::test_rng(0x2545_F491_4F6C_DD1D);
        for n in 0..80 {
            let recs: Vec<Frag> = (0..n)
                .map(|_| Frag {
                    lo: next() as u16,
                    spec: 0,
                })
                .collect();
            for least in [0u16, 1, 0x4000, 0x8000, 0xC000, u16::MAX] {
                let mut got = Vec::new();
                at_least(&recs, least, |i| got.push(i));
                let want: Vec<usize> = (0..n).filter(|&i| recs[i].lo >= least).collect();
                assert_eq!(got, want, "{n} records, threshold {least:#x}");
            }
        }
    }
}
