//! Open search's per-block pair record: for each spectrum of the current
//! block, the block ordinal of its first pair (pairs numbered in the order
//! the pass meets them), so one pass over the pairs finds every repeat — a
//! pair whose spectrum already has one — and each repeat leads straight
//! back to the first pair it needs.
//!
//! A block's `u16` slots are tagged by a range of codes `base..base + len`:
//! code `base + k` says "first pair at ordinal `k`", and any value outside
//! the range was left by an earlier block or query and reads as "no pair
//! yet". Ranges only grow between two clears, so an old value never falls
//! in a new range; the 128 KiB array is cleared when the next range would
//! pass 65 535 (about every 45 blocks of ~1.4 k pairs). One array serves
//! every block, so it stays in L2 beside the prefetched fragment runs: a
//! slot per library spectrum (2 MiB at 10⁶) would push those runs out. A
//! block with more pairs than codes shares one code among all of them and
//! the first pairs are then found by one more pass (`open`).

use super::scan::BLOCK;

/// Codes per slot (0 is "never written").
const CODES: usize = u16::MAX as usize;

/// The first-pair slots of one block and the first code not yet used since
/// the last clear.
#[derive(Debug, Default)]
pub(super) struct FirstPairs {
    slots: Vec<u16>,
    next: usize,
}

/// One block's code range `base..base + len`: pair ordinal `k` of the block
/// has code `base + k`, or, when the block has more pairs than codes, every
/// pair has code `base` (`len` 1, `step` 0: the slots then only say "has a
/// pair").
#[derive(Debug, Clone, Copy)]
pub(super) struct Codes {
    base: u16,
    len: u16,
}

impl FirstPairs {
    /// Start a block of `pairs` pairs: every spectrum reads "no pair yet"
    /// under the returned codes.
    pub(super) fn begin_block(&mut self, pairs: usize) -> (Codes, &mut [u16; BLOCK]) {
        let len = if pairs < CODES { pairs.max(1) } else { 1 };
        if self.slots.len() != BLOCK {
            self.slots = vec![0; BLOCK];
            self.next = 1;
        } else if self.next + len > CODES + 1 {
            self.slots.fill(0);
            self.next = 1;
        }
        let codes = Codes {
            base: self.next as u16,
            len: len as u16,
        };
        self.next += len;
        let slots = (&mut self.slots[..]).try_into().expect("block slots");
        (codes, slots)
    }

    /// Heap bytes held.
    pub(super) fn memory_bytes(&self) -> usize {
        self.slots.capacity() * 2
    }
}

impl Codes {
    /// The first code (that of pair ordinal 0).
    #[inline]
    pub(super) fn first(self) -> u16 {
        self.base
    }

    /// What the code grows by from one pair to the next (0 when every pair
    /// shares one code).
    #[inline]
    pub(super) fn step(self) -> u16 {
        (self.len > 1) as u16
    }

    /// Record a pair of block spectrum `s` under `code`: if it is a repeat
    /// (the spectrum had a pair already; its slot is kept), the ordinal of
    /// the spectrum's first pair — meaningless when every pair shares one
    /// code (`step` 0, where the slots only say "has a pair"); if it is the
    /// first, `None` (its slot becomes `code`).
    #[inline(always)]
    pub(super) fn repeat_of(self, st: &mut [u16; BLOCK], s: u16, code: u16) -> Option<u32> {
        let first = st[s as usize].wrapping_sub(self.base);
        if first < self.len {
            return Some(first as u32);
        }
        st[s as usize] = code;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Repeats are found per block, their first pairs' ordinals are kept,
    /// stale slots read as no pair, across clears, for blocks of few pairs
    /// and of more pairs than codes.
    #[test]
    fn first_pairs_are_per_block_across_clears() {
        for pairs in [1, 2, 20, 1400, 30_000, CODES - 1, CODES, 70_000] {
            let mut c = FirstPairs::default();
            for b in 0..40 {
                let (codes, st) = c.begin_block(pairs);
                let (mut code, step) = (codes.first(), codes.step());
                // Spectrum b mod 7 has a pair at ordinals k, 2k, 3k (k = b mod 4).
                let s = (b % 7) as u16;
                let other = ((b + 1) % 7) as u16;
                let k = b % 4;
                let mut seen = 0;
                for ord in 0..pairs.min(20) {
                    if k > 0 && ord > 0 && ord % k == 0 && ord <= 3 * k {
                        let first = codes.repeat_of(st, s, code);
                        assert_eq!(first.is_some(), seen > 0, "{pairs} {b} {ord}");
                        if let Some(f) = first {
                            let want = if pairs < CODES { k } else { 0 };
                            assert_eq!(f as usize, want, "{pairs} {b}");
                        }
                        seen += 1;
                    }
                    code = code.wrapping_add(step);
                }
                // A spectrum seen in earlier blocks reads as no pair yet.
                assert!(
                    codes.repeat_of(st, other, codes.first()).is_none(),
                    "{pairs} {b}: stale"
                );
            }
        }
    }
}
