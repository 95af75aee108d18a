//! Open search's multi-pair spectra of one block: their sums, kept in the
//! order of each spectrum's first repeat and found again by the ordinal of
//! the spectrum's first pair (unique within the block, and already read from
//! [`super::counts::FirstPairs`] to find that pair), so no search or hashing
//! is needed and the small table stays in L1, where the block-sized
//! accumulator (512 KiB) cost a cache miss per spectrum.

/// One multi-pair spectrum of the block and its sum so far.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Multi {
    pub(super) spec: u16,
    pub(super) score: f32,
    pub(super) count: u32,
    /// The ordinal of its first pair in the block.
    first: u32,
}

/// The block's multi-pair spectra (`list`) and, per first-pair ordinal,
/// the list index + 1 (0: none; reset entry by entry at the next block).
#[derive(Debug, Default)]
pub(super) struct BlockMultis {
    by_first: Vec<u32>,
    pub(super) list: Vec<Multi>,
}

impl BlockMultis {
    /// Start a block of `pairs` pairs.
    pub(super) fn begin(&mut self, pairs: usize) {
        for e in &self.list {
            self.by_first[e.first as usize] = 0;
        }
        self.list.clear();
        if self.by_first.len() < pairs {
            self.by_first.resize(pairs, 0);
        }
    }

    /// The entry of the spectrum whose first pair has ordinal `first`
    /// (`< pairs`); a new one is made with `start` (sum and count of the
    /// first pair) for block spectrum `spec`.
    #[inline]
    pub(super) fn entry(
        &mut self,
        first: usize,
        spec: u16,
        start: impl FnOnce() -> (f32, u32),
    ) -> &mut Multi {
        let k = self.by_first[first];
        if k != 0 {
            return &mut self.list[k as usize - 1];
        }
        let (score, count) = start();
        self.list.push(Multi {
            spec,
            score,
            count,
            first: first as u32,
        });
        self.by_first[first] = self.list.len() as u32;
        self.list.last_mut().expect("just pushed")
    }

    /// Heap bytes held.
    pub(super) fn memory_bytes(&self) -> usize {
        self.by_first.capacity() * 4 + self.list.capacity() * std::mem::size_of::<Multi>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries are found again by first ordinal, kept in first-seen order,
    /// and forgotten at the next block.
    #[test]
    fn entries_by_first_ordinal_in_first_seen_order() {
        let mut m = BlockMultis::default();
        for round in 0..3usize {
            let firsts: Vec<usize> = (0..40).map(|k| (k * 37 + round) % 100).collect();
            m.begin(100);
            for (n, &f) in firsts.iter().enumerate() {
                for _ in 0..=n % 3 {
                    let e = m.entry(f, f as u16, || (1.0, 1));
                    e.count += 1;
                }
            }
            let got: Vec<(u16, u32)> = m.list.iter().map(|e| (e.spec, e.count)).collect();
            let want: Vec<(u16, u32)> = firsts
                .iter()
                .zip(0..)
                .map(|(&f, n)| (f as u16, n % 3 + 2))
                .collect();
            assert_eq!(got, want, "round {round}");
            assert!(m.list.iter().all(|e| e.score == 1.0));
        }
    }
}
