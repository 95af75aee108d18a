//! Open search's pair counts: per spectrum of the current block, 0, 1 or
//! ≥ 2 pairs (a byte each, tagged with the block's epoch so nothing is
//! cleared between blocks); and, across the library, the set of spectra
//! found to have two or more (read by the single-pair pass).
//!
//! In epoch `E` a count byte reads `2E` (one pair) or `2E + 1` (two or
//! more); any other value was left by an earlier block or query and reads
//! as none. Counting a pair is a load, a compare and a store. One 64 KiB
//! array serves every block, so it stays in L1/L2 beside the prefetched
//! fragment runs: a byte per library spectrum (1 MiB at 10⁶) pushed those
//! runs out of L2, and the 2-bit counts used before cost a shift, two ORs
//! and a mask per pair. The array is cleared once every 127 epochs.

use super::scan::BLOCK;

/// Epochs between two clears (`2E + 1` must fit a byte).
const EPOCHS: u8 = 127;

/// The count bytes of one block and the epoch of the last block counted.
#[derive(Debug, Default)]
pub(super) struct PairCounts {
    bytes: Vec<u8>,
    epoch: u8,
}

/// The tag `2E` of one block's epoch `E`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tag(u8);

impl PairCounts {
    /// Start counting a block: every count reads 0 under the returned tag.
    pub(super) fn begin_block(&mut self) -> (Tag, &mut [u8; BLOCK]) {
        if self.bytes.len() != BLOCK {
            self.bytes = vec![0; BLOCK];
            self.epoch = 0;
        } else if self.epoch >= EPOCHS {
            self.bytes.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
        let bytes = (&mut self.bytes[..]).try_into().expect("block counts");
        (Tag(self.epoch * 2), bytes)
    }

    /// Heap bytes held.
    pub(super) fn memory_bytes(&self) -> usize {
        self.bytes.capacity()
    }
}

impl Tag {
    /// Count one pair of block spectrum `s`.
    #[inline(always)]
    pub(super) fn count(self, st: &mut [u8; BLOCK], s: u16) {
        let v = st[s as usize];
        st[s as usize] = self.0 | ((v | 1) == (self.0 | 1)) as u8;
    }

    /// Has block spectrum `s` two or more pairs in this epoch?
    #[inline(always)]
    pub(super) fn is_multi(self, st: &[u8; BLOCK], s: u16) -> bool {
        st[s as usize] == self.0 | 1
    }
}

/// The library spectra with two or more pairs in the current query: a bit
/// each, and their ids, so that the end of the query clears only those.
#[derive(Debug, Default)]
pub(super) struct MultiSpectra {
    bits: Vec<u64>,
    ids: Vec<u32>,
}

impl MultiSpectra {
    /// Start a query over `n` library spectra (none marked).
    pub(super) fn begin(&mut self, n: usize) {
        if self.bits.len() != n.div_ceil(64) {
            self.bits = vec![0; n.div_ceil(64)];
            self.ids.clear();
        }
        self.clear();
    }

    /// Mark library spectrum `g` (`g < n`).
    #[inline]
    pub(super) fn mark(&mut self, g: u32) {
        self.bits[g as usize >> 6] |= 1 << (g & 63);
        self.ids.push(g);
    }

    /// Is library spectrum `g` marked?
    #[inline]
    pub(super) fn contains(&self, g: u32) -> bool {
        self.bits[g as usize >> 6] >> (g & 63) & 1 != 0
    }

    /// Unmark every marked spectrum.
    pub(super) fn clear(&mut self) {
        for &g in &self.ids {
            self.bits[g as usize >> 6] = 0;
        }
        self.ids.clear();
    }

    /// Heap bytes held.
    pub(super) fn memory_bytes(&self) -> usize {
        (self.bits.capacity() * 8) + self.ids.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts saturate at two, read as zero in the next block, and survive
    /// the clear at the epoch wrap.
    #[test]
    fn counts_are_per_block_across_epoch_wraps() {
        let mut c = PairCounts::default();
        for b in 0..3 * EPOCHS as usize + 5 {
            let (tag, st) = c.begin_block();
            // Spectrum (b mod 7) gets b mod 4 pairs.
            let s = (b % 7) as u16;
            for _ in 0..b % 4 {
                tag.count(st, s);
            }
            assert_eq!(tag.is_multi(st, s), b % 4 >= 2, "block {b}");
            // A spectrum counted in earlier blocks reads none: one pair is single.
            let other = ((b + 1) % 7) as u16;
            tag.count(st, other);
            assert!(!tag.is_multi(st, other), "block {b}: stale count");
        }
    }

    #[test]
    fn multi_spectra_mark_and_clear() {
        let mut m = MultiSpectra::default();
        m.begin(130);
        for g in [0, 63, 64, 129] {
            m.mark(g);
        }
        assert!([0, 63, 64, 129].iter().all(|&g| m.contains(g)));
        assert!(!m.contains(1) && !m.contains(128));
        m.begin(130);
        assert!((0..130).all(|g| !m.contains(g)));
    }
}
