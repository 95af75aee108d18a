//! The index's query path: open and identity search through the fused block
//! scan (`scan`), hybrid search through a dense per-library array (it needs
//! per-spectrum marks for the neutral-loss rules), resetting only touched
//! entries; then the top N.

use super::build::{LibraryIndex, BLOCK_SHIFT};
use super::keys::key_range;
use super::scan::QPeak;
use super::topn::TopN;
use super::weight::{pair_term, prepare, xlog2x};
use super::{Hit, SearchMode, SearchParams, Searcher, SpectrumId};
use crate::matching::CleanSpectrum;
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Acc {
    pub(super) score: f32,
    pub(super) count: u32,
}

/// A hybrid-search entry: the sum so far and its mark side by side, so a
/// pair costs one random access into the dense array, not two.
#[derive(Debug, Clone, Copy, Default)]
struct Dense {
    score: f32,
    count: u32,
    mark: u32,
}

/// Per-thread working memory for [`LibraryIndex::search_with`]: 2-bit pair
/// counts per library spectrum and the multi-pair positions (open search), one
/// block accumulator (2^16 spectra × 8 B = 512 KiB, open and identity search), window
/// buffers, a dense score array over the library (allocated on
/// the first hybrid search, 12 B per spectrum with its mark), and the list
/// that lets a query reset only what it touched. Reusable across queries (and
/// resized for another index).
#[derive(Debug, Default)]
pub struct Scratch {
    acc: Vec<Dense>,
    touched: Vec<u32>,
    nl: Vec<(u32, u32, f32)>,
    ranges: Vec<(u32, u32)>,
    pub(super) top: TopN,
    pub(super) local: Vec<Acc>,
    pub(super) state: Vec<u64>,
    pub(super) cand: Vec<u32>,
    pub(super) cand_end: Vec<u32>,
    pub(super) order: Vec<u32>,
    pub(super) terms: Vec<f32>,
    pub(super) wins: Vec<(u32, u32)>,
    pub(super) qpeaks: Vec<QPeak>,
}

impl Scratch {
    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.acc.capacity() * std::mem::size_of::<Dense>()
            + self.touched.capacity() * 4
            + self.nl.capacity() * std::mem::size_of::<(u32, u32, f32)>()
            + self.ranges.capacity() * 8
            + self.top.memory_bytes()
            + self.local.capacity() * 8
            + self.state.capacity() * 8
            + (self.cand.capacity() + self.cand_end.capacity()) * 4
            + self.order.capacity() * 4
            + self.terms.capacity() * 4
            + self.wins.capacity() * 8
            + self.qpeaks.capacity() * std::mem::size_of::<QPeak>()
    }

    /// Size the dense array for a library of `n` spectra.
    fn dense(&mut self, n: usize) {
        if self.acc.len() != n {
            self.acc = vec![Dense::default(); n];
        }
    }

    #[inline(always)]
    fn add(&mut self, s: u32, term: f32) {
        let e = &mut self.acc[s as usize];
        if e.count == 0 && e.mark == 0 {
            self.touched.push(s);
        }
        e.score += term;
        e.count += 1;
    }

    /// Load the dense entries of `ids` (a prefetch by hand).
    fn touch(&self, ids: impl Iterator<Item = u32>) -> u32 {
        ids.fold(0, |x, s| x ^ self.acc[s as usize].mark)
    }

    /// Returns true if `s` was already marked with `tag`, marking it otherwise.
    #[inline(always)]
    fn mark(&mut self, s: u32, tag: u32) -> bool {
        let e = &mut self.acc[s as usize];
        if e.mark == tag {
            return true;
        }
        if e.count == 0 && e.mark == 0 {
            self.touched.push(s);
        }
        e.mark = tag;
        false
    }
}

impl LibraryIndex {
    /// A scratch sized for this index.
    pub fn scratch(&self) -> Scratch {
        Scratch::default()
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
                self.query_peaks(&q.mz, &q.half, params, &mut scratch.qpeaks);
                self.open_scan(scratch);
                self.hits(pq, scratch)
            }
            SearchMode::Identity {
                precursor_tolerance,
            } => {
                let Some(pq) = pq else { return Vec::new() };
                let w = precursor_tolerance.at(pq);
                let with = &self.precursor[..self.n_with_precursor as usize];
                let s0 = with.partition_point(|&p| p < pq - w);
                let s1 = with.partition_point(|&p| p <= pq + w);
                self.query_peaks(&q.mz, &q.half, params, &mut scratch.qpeaks);
                self.scan(s0 as u32, s1 as u32, scratch);
                self.hits(Some(pq), scratch)
            }
            SearchMode::Hybrid => {
                let Some(pq) = pq else { return Vec::new() };
                scratch.dense(self.n_spectra());
                self.hybrid(pq, &q.mz, &q.half, params, scratch);
                self.collect(Some(pq), scratch)
            }
        }
    }

    /// Hybrid search (rules 1–4 of the module docs).
    fn hybrid(&self, pq: f64, mz: &[f32], half: &[f32], params: &SearchParams, sc: &mut Scratch) {
        // Product windows per block and peak (`wins`, block-major), and the
        // non-empty ones in ascending position for `product_matched`.
        let nb = self.block_start.len() - 1;
        let np = mz.len();
        sc.ranges.clear();
        sc.wins.clear();
        for blk in 0..nb {
            for &q in mz {
                let w = params.fragment_tolerance.at(q as f64);
                let r = key_range(q as f64 - w, q as f64 + w).map_or((0, 0), |(kl, kh)| {
                    let t = &self.frag_table;
                    self.window(t.edge(kl, false), t.edge(kh, true), blk)
                });
                sc.wins.push((r.0 as u32, r.1 as u32));
                if r.0 < r.1 {
                    sc.ranges.push((r.0 as u32, r.1 as u32));
                }
            }
        }
        let ranges = std::mem::take(&mut sc.ranges);
        let wins = std::mem::take(&mut sc.wins);
        let product_matched = |p: u32| {
            let j = ranges.partition_point(|r| r.0 <= p);
            j > 0 && p < ranges[j - 1].1
        };
        // Dense entries are loaded ahead of their updates (plain loads as
        // prefetches), so the misses of one window overlap.
        let mut sink = 0u32;
        for (i, (&q, &a)) in mz.iter().zip(half).enumerate() {
            let tag = i as u32 + 1;
            let fa = xlog2x(a);
            for blk in 0..nb {
                let (lo, hi) = wins[blk * np + i];
                let (lo, hi) = (lo as usize, hi as usize);
                let gbase = (blk as u32) << BLOCK_SHIFT;
                sink ^= sc.touch(self.frag[lo..hi].iter().map(|f| gbase | f.spec as u32));
                for f in &self.frag[lo..hi] {
                    let s = gbase | f.spec as u32;
                    sc.add(s, pair_term(a, fa, f.int));
                    sc.mark(s, tag);
                }
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
            // The fragments are read first, in a loop of independent loads,
            // so their cache misses overlap; the marks come after.
            let mut nl = std::mem::take(&mut sc.nl);
            nl.clear();
            nl.extend(
                self.nl_perm[nlo..nhi]
                    .iter()
                    .map(|&p| (p, self.spec(p as usize), self.frag[p as usize].int)),
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

    /// Top hits from the dense array's touched entries, resetting them.
    fn collect(&self, pq: Option<f64>, sc: &mut Scratch) -> Vec<Hit> {
        for &s in &sc.touched {
            let e = std::mem::take(&mut sc.acc[s as usize]);
            if e.count > 0 {
                sc.top.offer(e.score, s, e.count, &self.external);
            }
        }
        sc.touched.clear();
        self.hits(pq, sc)
    }

    /// The selected candidates as hits.
    fn hits(&self, pq: Option<f64>, sc: &mut Scratch) -> Vec<Hit> {
        sc.top
            .finish(&self.external)
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
