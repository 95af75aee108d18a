//! Open search's multi-pair spectra of one query: for each, its pairs
//! (positions and query peaks, in the order the scan met them, which is
//! query-peak order) and an upper bound on its score from the pairs'
//! intensity classes, so its exact score — which needs the intensities, read
//! at random — is computed only if the bound reaches the top N's bar.
//!
//! Within a block an entry is found again by the ordinal of the spectrum's
//! first pair (unique within the block, and already read from
//! [`super::counts::FirstPairs`] to find that pair), so no search or hashing
//! is needed and the small table stays in L1.

/// No pair (end of a pair chain, or a spectrum whose first pair lies outside its window).
const NONE: u32 = u32::MAX;

/// One multi-pair spectrum: library id, score bound, pairs, first and last
/// of its pair chain.
#[derive(Debug, Clone, Copy)]
pub(super) struct Multi {
    pub(super) g: u32,
    pub(super) bound: f64,
    pub(super) count: u32,
    /// The ordinal of its first pair in its block.
    first: u32,
    head: u32,
    tail: u32,
}

/// One pair of a multi-pair spectrum: position, query peak, next pair.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pair {
    pub(super) pos: u32,
    pub(super) peak: u32,
    next: u32,
}

/// The query's multi-pair spectra (`list`, block by block), their pairs,
/// per first-pair ordinal of the current block the list index + 1 (0: none;
/// reset entry by entry at the next block), and per ended block the end of
/// its entries and whether they are sorted by library id.
#[derive(Debug, Default)]
pub(super) struct QueryMultis {
    by_first: Vec<u32>,
    block_from: usize,
    pub(super) list: Vec<Multi>,
    pairs: Vec<Pair>,
    ends: Vec<(u32, bool)>,
}

/// A block's entries up to this many are scanned by [`QueryMultis::contains`],
/// more are sorted once and searched. (A bit per library spectrum cost a
/// random read-modify-write per mark in a 125 KB array at 10⁶ spectra;
/// sorting every block's entries cost more than all the lookups.)
const SCAN: usize = 32;

impl QueryMultis {
    /// Start a query.
    pub(super) fn begin_query(&mut self) {
        self.begin_block(0);
        self.list.clear();
        self.pairs.clear();
        self.ends.clear();
        self.block_from = 0;
    }

    /// End the current block (blocks are numbered from 0 in the order ended).
    pub(super) fn end_block(&mut self) {
        self.ends.push((self.list.len() as u32, false));
    }

    /// Is library spectrum `g` a multi-pair spectrum of ended block `blk`?
    /// The single-pair pass asks this only of the few pairs that pass its
    /// bounds, so a short block is scanned as it is and a long one sorted by
    /// id once, at the first question (after its entries were offered:
    /// sorting reorders them).
    pub(super) fn contains(&mut self, blk: usize, g: u32) -> bool {
        let Some(&(end, sorted)) = self.ends.get(blk) else {
            return false;
        };
        let start = blk.checked_sub(1).map_or(0, |b| self.ends[b].0) as usize;
        let entries = &mut self.list[start..end as usize];
        if entries.len() <= SCAN {
            return entries.iter().any(|e| e.g == g);
        }
        if !sorted {
            entries.sort_unstable_by_key(|e| e.g);
            self.ends[blk].1 = true;
        }
        entries.binary_search_by_key(&g, |e| e.g).is_ok()
    }

    /// Start a block of `pairs` pairs.
    pub(super) fn begin_block(&mut self, pairs: usize) {
        for e in &self.list[self.block_from..] {
            self.by_first[e.first as usize] = 0;
        }
        self.block_from = self.list.len();
        if self.by_first.len() < pairs {
            self.by_first.resize(pairs, 0);
        }
    }

    /// The current block's entries.
    pub(super) fn block(&self) -> &[Multi] {
        &self.list[self.block_from..]
    }

    /// Add a repeat (a pair at `pos` of query peak `peak`, bound `bound`)
    /// of library spectrum `g`, whose first pair has block ordinal `first`
    /// (`< pairs`). A new entry starts with that first pair, given by
    /// `start` as position, query peak and bound (`None`: no pair, as for a
    /// first pair outside its window; the entry then starts with this one).
    #[inline]
    pub(super) fn add(
        &mut self,
        first: usize,
        g: u32,
        start: impl FnOnce() -> Option<(u32, u32, f32)>,
        (pos, peak, bound): (u32, u32, f32),
    ) {
        let mut k = self.by_first[first] as usize;
        if k == 0 {
            let mut e = Multi {
                g,
                bound: 0.0,
                count: 0,
                first: first as u32,
                head: NONE,
                tail: NONE,
            };
            if let Some((pos, peak, bound)) = start() {
                e.head = self.pairs.len() as u32;
                e.tail = e.head;
                e.bound = bound as f64;
                e.count = 1;
                self.pairs.push(Pair {
                    pos,
                    peak,
                    next: NONE,
                });
            }
            self.list.push(e);
            k = self.list.len();
            self.by_first[first] = k as u32;
        }
        let at = self.pairs.len() as u32;
        self.pairs.push(Pair {
            pos,
            peak,
            next: NONE,
        });
        let e = &mut self.list[k - 1];
        match e.tail {
            NONE => e.head = at,
            t => self.pairs[t as usize].next = at,
        }
        e.tail = at;
        e.bound += bound as f64;
        e.count += 1;
    }

    /// The pairs of entry `e`, in the order they were added.
    pub(super) fn pairs_of(&self, e: &Multi) -> impl Iterator<Item = &Pair> + '_ {
        let mut at = e.head;
        std::iter::from_fn(move || {
            let p = self.pairs.get(at as usize)?;
            at = p.next;
            Some(p)
        })
    }

    /// Heap bytes held.
    pub(super) fn memory_bytes(&self) -> usize {
        self.by_first.capacity() * 4
            + self.list.capacity() * std::mem::size_of::<Multi>()
            + self.pairs.capacity() * std::mem::size_of::<Pair>()
            + self.ends.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries are found again by first ordinal within a block, kept in
    /// first-seen order with their pairs in added order and their bounds
    /// summed, and forgotten at the next block.
    #[test]
    fn entries_by_first_ordinal_with_their_pairs() {
        let mut m = QueryMultis::default();
        m.begin_query();
        for blk in 0..3u32 {
            let firsts: Vec<usize> = (0..40).map(|k| (k * 37 + blk as usize) % 100).collect();
            m.begin_block(100);
            for (n, &f) in firsts.iter().enumerate() {
                for r in 0..=n % 3 {
                    let g = blk << 16 | f as u32;
                    let start = || Some((f as u32, 0, 0.5));
                    m.add(f, g, start, (1000 + r as u32, r as u32 + 1, 0.25));
                }
            }
            let got: Vec<(u32, u32)> = m.block().iter().map(|e| (e.g, e.count)).collect();
            let want: Vec<(u32, u32)> = firsts
                .iter()
                .zip(0..)
                .map(|(&f, n)| (blk << 16 | f as u32, n % 3 + 2))
                .collect();
            assert_eq!(got, want, "block {blk}");
            for e in m.block() {
                let pairs: Vec<(u32, u32)> = m.pairs_of(e).map(|p| (p.pos, p.peak)).collect();
                let n = e.count as usize - 1;
                let mut want = vec![(e.g & 0xffff, 0)];
                want.extend((0..n as u32).map(|r| (1000 + r, r + 1)));
                assert_eq!(pairs, want);
                assert_eq!(e.bound, 0.5 + 0.25 * n as f64);
            }
        }
        assert_eq!(m.list.len(), 120);
    }

    /// Short and long blocks (scanned and sorted) answer alike, and a block
    /// not ended holds nothing.
    #[test]
    fn contains_finds_each_blocks_spectra() {
        let mut m = QueryMultis::default();
        for round in 0..2u32 {
            m.begin_query();
            let blocks: Vec<Vec<u32>> = [3u32, 0, 100]
                .iter()
                .enumerate()
                .map(|(b, &n)| {
                    (0..n)
                        .map(|k| ((b as u32) << 16) | (k * 7919 + round) & 0xffff)
                        .collect()
                })
                .collect();
            for ids in &blocks {
                m.begin_block(ids.len());
                for (first, &g) in ids.iter().enumerate() {
                    m.add(first, g, || Some((0, 0, 0.0)), (1, 1, 0.0));
                }
                m.end_block();
            }
            for (b, ids) in blocks.iter().enumerate() {
                for k in 0..0x1_0000u32 {
                    let g = ((b as u32) << 16) | k;
                    assert_eq!(m.contains(b, g), ids.contains(&g), "{round} {b} {k}");
                }
            }
            assert!(!m.contains(3, 0), "a block not ended holds nothing");
        }
    }
}
