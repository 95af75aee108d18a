//! The index's query path: open and identity search through the block scans
//! (`open`, `scan`), hybrid search (`hybrid`) through a dense per-library array
//! (it needs per-spectrum marks for the neutral-loss rules), resetting only
//! touched entries; then the top N.

use super::build::LibraryIndex;
use super::classes::ClassBounds;
use super::counts::FirstPairs;
use super::multis::QueryMultis;
use super::scan::QPeak;
use super::table::{Edge, Span};
use super::topn::TopN;
use super::weight::prepare;
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
pub(super) struct Dense {
    score: f32,
    count: u32,
    mark: u32,
}

/// Per-thread working memory for [`LibraryIndex::search_with`]: a
/// first-pair slot per spectrum of a block, the repeats' positions, the
/// query's multi-pair spectra with their pairs, its class bounds and its
/// single-pair candidates (open search),
/// one block accumulator (2^16 spectra × 8 B = 512 KiB, identity search), window
/// buffers, a dense score array over the library (allocated on
/// the first hybrid search, 12 B per spectrum with its mark), and the list
/// that lets a query reset only what it touched. Reusable across queries (and
/// resized for another index).
#[derive(Debug, Default)]
pub struct Scratch {
    pub(super) acc: Vec<Dense>,
    touched: Vec<u32>,
    pub(super) nl: Vec<(u32, u32, f32)>,
    pub(super) ranges: Vec<(u32, u32)>,
    pub(super) nl_ranges: Vec<(u32, u32)>,
    /// Hybrid search: each query peak's window edges.
    pub(super) edges: Vec<Option<(Edge, Edge)>>,
    pub(super) top: TopN,
    pub(super) local: Vec<Acc>,
    pub(super) firsts: FirstPairs,
    /// Open search: a block's repeats as the pass found them.
    pub(super) cand: Vec<super::open::Repeat>,
    pub(super) starts: Vec<u32>,
    pub(super) first_ord: Vec<u32>,
    /// Open search: the query's multi-pair spectra, its class bounds and
    /// its single-pair candidates (position, query peak, block).
    pub(super) multis: QueryMultis,
    pub(super) bounds: ClassBounds,
    pub(super) singles: Vec<(u32, u32, u32)>,
    /// Open search: the multi-pair entries whose bound reached the bar
    /// after their block's pass (indices into `multis.list`).
    pub(super) reaching: Vec<u32>,
    pub(super) order: Vec<u32>,
    pub(super) terms: Vec<f32>,
    pub(super) wins: Vec<(u32, u32)>,
    /// Open search: each block's bucket span of each query peak's window.
    pub(super) spans: Vec<Span>,
    pub(super) qpeaks: Vec<QPeak>,
}

impl Scratch {
    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.acc.capacity() * std::mem::size_of::<Dense>()
            + self.touched.capacity() * 4
            + self.nl.capacity() * std::mem::size_of::<(u32, u32, f32)>()
            + (self.ranges.capacity() + self.nl_ranges.capacity()) * 8
            + self.edges.capacity() * std::mem::size_of::<Option<(Edge, Edge)>>()
            + self.top.memory_bytes()
            + self.local.capacity() * 8
            + self.firsts.memory_bytes()
            + self.multis.memory_bytes()
            + self.bounds.memory_bytes()
            + self.singles.capacity() * std::mem::size_of::<(u32, u32, u32)>()
            + self.cand.capacity() * std::mem::size_of::<super::open::Repeat>()
            + self.reaching.capacity() * 4
            + (self.starts.capacity() + self.first_ord.capacity()) * 4
            + self.order.capacity() * 4
            + self.terms.capacity() * 4
            + self.wins.capacity() * 8
            + self.spans.capacity() * std::mem::size_of::<Span>()
            + self.qpeaks.capacity() * std::mem::size_of::<QPeak>()
    }

    /// Size the dense array for a library of `n` spectra.
    fn dense(&mut self, n: usize) {
        if self.acc.len() != n {
            self.acc = vec![Dense::default(); n];
        }
    }

    #[inline(always)]
    pub(super) fn add(&mut self, s: u32, term: f32) {
        let e = &mut self.acc[s as usize];
        if e.count == 0 && e.mark == 0 {
            self.touched.push(s);
        }
        e.score += term;
        e.count += 1;
    }

    /// Load the dense entries of `ids` (a prefetch by hand).
    pub(super) fn touch(&self, ids: impl Iterator<Item = u32>) -> u32 {
        ids.fold(0, |x, s| x ^ self.acc[s as usize].mark)
    }

    /// Returns true if `s` was already marked with `tag`, marking it otherwise.
    #[inline(always)]
    pub(super) fn mark(&mut self, s: u32, tag: u32) -> bool {
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
