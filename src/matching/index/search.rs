//! The index's query path: windows from the bucket tables, vectorised pair
//! terms, then scores accumulated per block of spectra (open search) or in a
//! dense array (identity: a narrow id range; hybrid), resetting only touched
//! entries.
//!
//! Open search touches tens of thousands of spectra per query at 10⁶; a dense
//! `(score, count)` array of 8 MB makes every scatter a cache miss. Instead
//! the `(spectrum, term)` pairs of all windows are appended to two buffers,
//! stably partitioned by block of 2¹⁴ spectra (a counting sort), and each
//! block is summed in a 128 KiB L2-resident array. The partition is stable,
//! so every spectrum's terms are still added in query-peak order and the
//! sums are bit-identical to the brute force.

use super::build::LibraryIndex;
use super::keys::key_range;
use super::topn::TopN;
use super::weight::{pair_term, prepare, xlog2x};
use super::{Hit, SearchMode, SearchParams, Searcher, SpectrumId};
use crate::matching::CleanSpectrum;
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    score: f32,
    count: u32,
}

/// Per-thread working memory for [`LibraryIndex::search_with`]: pair buffers
/// and one 2¹⁴-spectrum block array (open search), a dense score array over
/// the library (allocated on the first identity or hybrid search, 8 B per
/// spectrum, plus 4 B for hybrid marks), and the lists that let a query reset
/// only what it touched. Reusable across queries (and resized for another index).
#[derive(Debug, Default)]
pub struct Scratch {
    acc: Vec<Acc>,
    mark: Vec<u32>,
    touched: Vec<u32>,
    marked: Vec<u32>,
    ranges: Vec<(u32, u32)>,
    top: TopN,
    pspec: Vec<u32>,
    pterm: Vec<f32>,
    sspec: Vec<u32>,
    sterm: Vec<f32>,
    block_ends: Vec<u32>,
    local: Vec<Acc>,
}

/// Spectra per accumulation block (2¹⁴ × 8 B = 128 KiB).
const BLOCK_SHIFT: u32 = 14;

impl Scratch {
    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.acc.capacity() * 8
            + (self.mark.capacity() + self.touched.capacity() + self.marked.capacity()) * 4
            + self.ranges.capacity() * 8
            + self.top.memory_bytes()
            + (self.pspec.capacity() + self.pterm.capacity()) * 4
            + (self.sspec.capacity() + self.sterm.capacity()) * 4
            + self.local.capacity() * 8
            + self.block_ends.capacity() * 4
    }

    /// Size the dense array for a library of `n` spectra.
    fn dense(&mut self, n: usize) {
        if self.acc.len() != n {
            self.acc = vec![Acc::default(); n];
            self.mark = Vec::new();
        }
    }

    #[inline(always)]
    fn add(&mut self, s: u32, term: f32) {
        let e = &mut self.acc[s as usize];
        if e.count == 0 {
            self.touched.push(s);
        }
        e.score += term;
        e.count += 1;
    }

    /// Returns true if `s` was already marked with `tag`, marking it otherwise.
    #[inline(always)]
    fn mark(&mut self, s: u32, tag: u32) -> bool {
        let m = &mut self.mark[s as usize];
        if *m == tag {
            return true;
        }
        if *m == 0 {
            self.marked.push(s);
        }
        *m = tag;
        false
    }
}

impl LibraryIndex {
    /// A scratch sized for this index.
    pub fn scratch(&self) -> Scratch {
        Scratch::default()
    }

    /// Fragment-array window for keys `[kl, kh]`.
    #[inline]
    fn frag_range(&self, kl: u32, kh: u32) -> (usize, usize) {
        // Within a bucket all keys share their upper 16 bits: compare the
        // stored low halves (a branch-free, vectorised count).
        self.frag_buckets.range(kl, kh, |_, r, k, incl| {
            let t = k as u16;
            let lows = &self.frag_lo[r];
            if incl {
                lows.iter().filter(|&&x| x <= t).count()
            } else {
                lows.iter().filter(|&&x| x < t).count()
            }
        })
    }

    /// Search with caller-provided scratch (the single-threaded path).
    pub fn search_with(
        &self,
        query: &CleanSpectrum,
        params: &SearchParams,
        scratch: &mut Scratch,
    ) -> Vec<Hit> {
        if params.validate().is_err() || params.top_n == 0 {
            return Vec::new();
        }
        scratch.top.reset(params);
        let pq = query.precursor_mz.filter(|p| p.is_finite());
        let q = prepare(&query.peaks, self.weighting);
        match params.mode {
            SearchMode::Open => {
                self.open_blocked(&q.mz, &q.half, params, scratch);
                return self.hits(pq, scratch);
            }
            SearchMode::Identity {
                precursor_tolerance,
            } => {
                let Some(pq) = pq else { return Vec::new() };
                let w = precursor_tolerance.at(pq);
                let with = &self.precursor[..self.n_with_precursor as usize];
                let s0 = with.partition_point(|&p| p < pq - w);
                let s1 = with.partition_point(|&p| p <= pq + w);
                if s0 >= s1 {
                    return Vec::new();
                }
                scratch.dense(self.n_spectra());
                self.identity(
                    &q.mz,
                    &q.half,
                    params,
                    (s0 as u32, (s1 - s0) as u32),
                    scratch,
                );
            }
            SearchMode::Hybrid => {
                let Some(pq) = pq else { return Vec::new() };
                scratch.dense(self.n_spectra());
                self.hybrid(pq, &q.mz, &q.half, params, scratch);
            }
        }
        self.collect(pq, scratch)
    }

    /// Identity search: product-ion matches of spectra with internal id in
    /// `start..start + width`, one unsigned compare per candidate.
    fn identity(
        &self,
        mz: &[f32],
        half: &[f32],
        params: &SearchParams,
        (start, width): (u32, u32),
        sc: &mut Scratch,
    ) {
        for (&q, &a) in mz.iter().zip(half) {
            let w = params.fragment_tolerance.at(q as f64);
            let Some((kl, kh)) = key_range(q as f64 - w, q as f64 + w) else {
                continue;
            };
            let (lo, hi) = self.frag_range(kl, kh);
            let fa = xlog2x(a);
            for (&s, &b) in self.frag_spec[lo..hi].iter().zip(&self.frag_int[lo..hi]) {
                if s.wrapping_sub(start) < width {
                    sc.add(s, pair_term(a, fa, b));
                }
            }
        }
    }

    /// Open search, accumulated block by block (see the module docs).
    fn open_blocked(&self, mz: &[f32], half: &[f32], params: &SearchParams, sc: &mut Scratch) {
        sc.pspec.clear();
        sc.pterm.clear();
        for (&q, &a) in mz.iter().zip(half) {
            let w = params.fragment_tolerance.at(q as f64);
            let Some((kl, kh)) = key_range(q as f64 - w, q as f64 + w) else {
                continue;
            };
            let (lo, hi) = self.frag_range(kl, kh);
            let fa = xlog2x(a);
            sc.pspec.extend_from_slice(&self.frag_spec[lo..hi]);
            sc.pterm
                .extend(self.frag_int[lo..hi].iter().map(|&b| pair_term(a, fa, b)));
        }
        let n_blocks = (self.n_spectra() >> BLOCK_SHIFT) + 1;
        let block = 1usize << BLOCK_SHIFT;
        if sc.local.len() < block.min(self.n_spectra()) {
            sc.local = vec![Acc::default(); block.min(self.n_spectra())];
        }
        let mut local = std::mem::take(&mut sc.local);
        if n_blocks == 1 {
            self.accumulate(&sc.pspec, &sc.pterm, &mut local, &mut sc.top);
        } else {
            // Stable counting sort by block.
            sc.block_ends.clear();
            sc.block_ends.resize(n_blocks, 0);
            for &s in &sc.pspec {
                sc.block_ends[(s >> BLOCK_SHIFT) as usize] += 1;
            }
            let mut sum = 0u32;
            for c in sc.block_ends.iter_mut() {
                let n = *c;
                *c = sum;
                sum += n;
            }
            sc.sspec.clear();
            sc.sspec.resize(sc.pspec.len(), 0);
            sc.sterm.clear();
            sc.sterm.resize(sc.pspec.len(), 0.0);
            for (&s, &t) in sc.pspec.iter().zip(&sc.pterm) {
                let slot = &mut sc.block_ends[(s >> BLOCK_SHIFT) as usize];
                sc.sspec[*slot as usize] = s;
                sc.sterm[*slot as usize] = t;
                *slot += 1;
            }
            let mut start = 0usize;
            for &end in &sc.block_ends {
                let end = end as usize;
                self.accumulate(
                    &sc.sspec[start..end],
                    &sc.sterm[start..end],
                    &mut local,
                    &mut sc.top,
                );
                start = end;
            }
        }
        sc.local = local;
    }

    /// Sum one block's terms in `local`, offer each spectrum once, reset.
    #[inline]
    fn accumulate(&self, specs: &[u32], terms: &[f32], local: &mut [Acc], top: &mut TopN) {
        let mask = ((1usize << BLOCK_SHIFT) - 1) as u32;
        for (&s, &t) in specs.iter().zip(terms) {
            let e = &mut local[(s & mask) as usize];
            e.score += t;
            e.count += 1;
        }
        for &s in specs {
            let e = &mut local[(s & mask) as usize];
            if e.count > 0 {
                let e = std::mem::take(e);
                top.offer(e.score, s, e.count, || self.external[s as usize]);
            }
        }
    }

    /// Hybrid search (rules 1–4 of the module docs).
    fn hybrid(&self, pq: f64, mz: &[f32], half: &[f32], params: &SearchParams, sc: &mut Scratch) {
        if sc.mark.len() != self.n_spectra() {
            sc.mark = vec![0; self.n_spectra()];
        }
        sc.ranges.clear();
        for &q in mz {
            let w = params.fragment_tolerance.at(q as f64);
            let r = key_range(q as f64 - w, q as f64 + w).map_or((0, 0), |(kl, kh)| {
                let (lo, hi) = self.frag_range(kl, kh);
                (lo as u32, hi as u32)
            });
            sc.ranges.push(r);
        }
        let ranges = std::mem::take(&mut sc.ranges);
        let product_matched = |p: u32| {
            let j = ranges.partition_point(|r| r.0 <= p);
            j > 0 && p < ranges[j - 1].1
        };
        for (i, (&q, &a)) in mz.iter().zip(half).enumerate() {
            let tag = i as u32 + 1;
            let fa = xlog2x(a);
            let (lo, hi) = (ranges[i].0 as usize, ranges[i].1 as usize);
            for (&s, &b) in self.frag_spec[lo..hi].iter().zip(&self.frag_int[lo..hi]) {
                sc.add(s, pair_term(a, fa, b));
                sc.mark(s, tag);
            }
            let w = params.fragment_tolerance.at(q as f64);
            let loss = pq - q as f64;
            let Some((kl, kh)) = key_range(loss - w, loss + w) else {
                continue;
            };
            let (nlo, nhi) = self.nl_buckets.range(kl, kh, |_, r, k, incl| {
                r.take_while(|&i| {
                    let ki = self.nl_key(self.nl_perm[i] as usize);
                    ki < k || (incl && ki == k)
                })
                .count()
            });
            for &p in &self.nl_perm[nlo..nhi] {
                let s = self.frag_spec[p as usize];
                if sc.mark(s, tag) || product_matched(p) {
                    continue;
                }
                sc.add(s, pair_term(a, fa, self.frag_int[p as usize]));
            }
        }
        sc.ranges = ranges;
        for s in std::mem::take(&mut sc.marked) {
            sc.mark[s as usize] = 0;
        }
    }

    /// Top hits from the dense array's touched entries, resetting them.
    fn collect(&self, pq: Option<f64>, sc: &mut Scratch) -> Vec<Hit> {
        for &s in &sc.touched {
            let e = std::mem::take(&mut sc.acc[s as usize]);
            sc.top
                .offer(e.score, s, e.count, || self.external[s as usize]);
        }
        sc.touched.clear();
        self.hits(pq, sc)
    }

    /// The selected candidates as hits.
    fn hits(&self, pq: Option<f64>, sc: &mut Scratch) -> Vec<Hit> {
        sc.top
            .finish()
            .iter()
            .map(|&(score, ext, s, count)| Hit {
                id: SpectrumId(ext),
                score,
                matched_peaks: count,
                delta_mass: pq.zip(self.precursor_of(s as usize)).map(|(q, l)| q - l),
            })
            .collect()
    }
}

impl Searcher for LibraryIndex {
    fn search(&self, query: &CleanSpectrum, params: &SearchParams) -> Vec<Hit> {
        let popped = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut scratch = popped.unwrap_or_else(|| self.scratch());
        let hits = self.search_with(query, params, &mut scratch);
        if let Ok(mut p) = self.pool.lock() {
            p.push(scratch);
        }
        hits
    }

    fn len(&self) -> usize {
        self.n_spectra()
    }

    fn search_many(&self, queries: &[CleanSpectrum], params: &SearchParams) -> Vec<Vec<Hit>> {
        queries
            .par_iter()
            .map_init(|| self.scratch(), |sc, q| self.search_with(q, params, sc))
            .collect()
    }
}
