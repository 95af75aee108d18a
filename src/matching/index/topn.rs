//! Bounded top-N selection over (score, external id) with a rising bar, so
//! most of the thousands of touched spectra of an open search are rejected
//! with one compare.

use super::SearchParams;

/// One candidate: score, external id, internal id, matched pairs.
pub(crate) type Cand = (f32, u32, u32, u32);

fn order(a: &Cand, b: &Cand) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Reusable top-N state.
#[derive(Debug, Default)]
pub(crate) struct TopN {
    best: Vec<Cand>,
    top_n: usize,
    cap: usize,
    /// (score, external id, raised): candidates must beat this once raised.
    bar: (f32, u32, bool),
}

impl TopN {
    /// Start a query.
    pub(crate) fn reset(&mut self, params: &SearchParams) {
        self.best.clear();
        self.top_n = params.top_n.max(1);
        self.cap = self.top_n.saturating_mul(2).max(16);
        self.bar = (params.min_score, 0, false);
    }

    /// Offer internal spectrum `s`. Its external id (`external[s]`, a random
    /// load in a big library) is read only on a tie with the bar; the held
    /// candidates' ids are read together when they are cut, a loop of
    /// independent loads whose misses overlap.
    #[inline]
    pub(crate) fn offer(&mut self, score: f32, s: u32, count: u32, external: &[u32]) {
        let pass = if self.bar.2 {
            score > self.bar.0 || (score == self.bar.0 && external[s as usize] < self.bar.1)
        } else {
            score >= self.bar.0
        };
        if pass {
            self.best.push((score, 0, s, count));
            if self.best.len() >= self.cap {
                self.cut(external);
                let w = self.best[self.top_n - 1];
                self.bar = (w.0, w.1, true);
            }
        }
    }

    fn cut(&mut self, external: &[u32]) {
        for c in &mut self.best {
            c.1 = external[c.2 as usize];
        }
        if self.best.len() > self.top_n {
            self.best.select_nth_unstable_by(self.top_n - 1, order);
            self.best.truncate(self.top_n);
        }
    }

    /// The winners, best first (ties by external id).
    pub(crate) fn finish(&mut self, external: &[u32]) -> &[Cand] {
        self.cut(external);
        self.best.sort_unstable_by(order);
        &self.best
    }

    /// The current bar: every candidate scoring below it is rejected (the
    /// minimum score until `top_n` candidates are held, then rising).
    #[inline]
    pub(crate) fn bar(&self) -> f32 {
        self.bar.0
    }

    /// Heap bytes held.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.best.capacity() * std::mem::size_of::<Cand>()
    }
}
