//! [`IndexBuilder`] → immutable [`LibraryIndex`] (layout in the module docs).

use super::classes::{class_of, KEY_BITS, KEY_MASK};
use super::keys::{from_key, key, Buckets};
use super::prefetch::huge_page_collect;
use super::search::Scratch;
use super::table::BlockTable;
use super::weight::prepare;
use super::{IndexError, SpectrumId, Weighting};
use crate::matching::CleanSpectrum;
use rayon::prelude::*;
use std::sync::Mutex;

/// Peaks per bucket and block the fragment table aims for (`u32` entries →
/// ~2 B/peak). Two rather than four halves the records an edge scan counts:
/// open search at 10⁶ spectra ~7 % faster (min of 20 A/B rounds, 91.7 vs
/// 99.0 µs, 2026-12-06) for +0.5 B/peak.
const FRAG_PEAKS_PER_BUCKET: usize = 2;
/// Spectra per block (`u16` ids within a block; 2^BLOCK_SHIFT × 8 B accumulator).
pub(super) const BLOCK_SHIFT: u32 = 16;
pub(super) const BLOCK_MASK: u32 = (1 << BLOCK_SHIFT) - 1;
/// Granularity of the position → bucket-row table (~0.06 B/peak).
const ROW_CHUNK_SHIFT: u32 = 6;
/// Granularity of the position → block table.
const CHUNK_SHIFT: u32 = 16;
/// The neutral-loss table is coarser (hybrid only; ~0.25 B/peak).
const NL_PEAKS_PER_BUCKET: usize = 16;
const LIMIT: u64 = u32::MAX as u64 - 1;

/// One indexed fragment's position record (4 B): in `lo`, the low
/// [`KEY_BITS`] bits of its m/z key (the others come from its bucket) and
/// above them its intensity class (`classes`); in `spec`, its spectrum's id
/// within the block (internal id = block · 2^BLOCK_SHIFT + `spec`). Its
/// halved weighted intensity sits at the same position of
/// [`LibraryIndex::frag_int`]: open search reads only these records for
/// every pair, and the intensities only for the few pairs whose class bound
/// reaches its bar.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Frag {
    pub(super) lo: u16,
    pub(super) spec: u16,
}

/// Collects library spectra, then [`IndexBuilder::build`]s a [`LibraryIndex`].
#[derive(Debug, Clone, Default)]
pub struct IndexBuilder {
    weighting: Weighting,
    precursors: Vec<Option<f64>>,
    offsets: Vec<u32>,
    mz: Vec<f32>,
    half: Vec<f32>,
}

impl IndexBuilder {
    /// An empty builder with entropy weighting.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder with the given weighting.
    pub fn with_weighting(weighting: Weighting) -> Self {
        IndexBuilder {
            weighting,
            ..Self::default()
        }
    }

    /// Number of spectra added.
    pub fn len(&self) -> usize {
        self.precursors.len()
    }

    /// True if nothing was added.
    pub fn is_empty(&self) -> bool {
        self.precursors.is_empty()
    }

    /// Add a cleaned spectrum (weighted here); its id is its insertion order.
    /// A spectrum with no usable peaks is kept (it never matches). A
    /// non-finite precursor counts as unknown.
    pub fn add(&mut self, spectrum: &CleanSpectrum) -> Result<SpectrumId, IndexError> {
        if self.precursors.len() as u64 >= LIMIT {
            return Err(IndexError::TooManySpectra { limit: LIMIT });
        }
        let p = prepare(&spectrum.peaks, self.weighting);
        if (self.mz.len() + p.mz.len()) as u64 >= LIMIT {
            return Err(IndexError::TooManyPeaks { limit: LIMIT });
        }
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let id = SpectrumId(self.precursors.len() as u32);
        self.precursors
            .push(spectrum.precursor_mz.filter(|m| m.is_finite()));
        self.mz.extend_from_slice(&p.mz);
        self.half.extend_from_slice(&p.half);
        self.offsets.push(self.mz.len() as u32);
        Ok(id)
    }

    /// Build the immutable index (parallel sorts with rayon).
    pub fn build(self) -> LibraryIndex {
        let n = self.precursors.len();
        // Internal order: ascending precursor, unknown precursors last, ties by id.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.par_sort_by(|&a, &b| {
            match (self.precursors[a as usize], self.precursors[b as usize]) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then(a.cmp(&b))
        });
        let n_with_precursor = order
            .iter()
            .take_while(|&&i| self.precursors[i as usize].is_some())
            .count();
        let precursor: Vec<f64> = order
            .iter()
            .map(|&i| self.precursors[i as usize].unwrap_or(f64::NAN))
            .collect();

        // Fragments in internal spectrum order, then a stable sort by
        // (block of 2^BLOCK_SHIFT spectra, m/z key).
        let mut frags: Vec<(u32, u32, f32)> = Vec::with_capacity(self.mz.len());
        for (internal, &ext) in order.iter().enumerate() {
            let (s, e) = (
                self.offsets[ext as usize] as usize,
                self.offsets[ext as usize + 1] as usize,
            );
            frags.extend((s..e).map(|k| (key(self.mz[k]), internal as u32, self.half[k])));
        }
        drop(self.mz);
        drop(self.half);
        frags.par_sort_by_key(|f| (f.1 >> BLOCK_SHIFT, f.0));
        let n_blocks = n.div_ceil(1 << BLOCK_SHIFT).max(1);
        let block_start: Vec<u32> = (0..=n_blocks)
            .map(|b| frags.partition_point(|f| ((f.1 >> BLOCK_SHIFT) as usize) < b) as u32)
            .collect();
        let chunk_block: Vec<u32> = (0..=frags.len() >> CHUNK_SHIFT)
            .map(|c| {
                (block_start[..n_blocks].partition_point(|&s| s as usize <= c << CHUNK_SHIFT) - 1)
                    as u32
            })
            .collect();
        let keys: Vec<u32> = frags.iter().map(|f| f.0).collect();
        let frag_table = BlockTable::build(&keys, &block_start, FRAG_PEAKS_PER_BUCKET);
        let internal: Vec<u32> = frags.iter().map(|f| f.1).collect();
        let class_max = frags.iter().map(|f| class_of(f.2)).max().unwrap_or(0);
        let frag = huge_page_collect(frags.iter().map(|f| Frag {
            lo: (f.0 as u16 & KEY_MASK) | class_of(f.2) << KEY_BITS,
            spec: (f.1 & BLOCK_MASK) as u16,
        }));
        let frag_int = huge_page_collect(frags.iter().map(|f| f.2));
        drop(frags);

        // Neutral losses of spectra with a precursor, as a permutation.
        let mut nl: Vec<u64> = keys
            .par_iter()
            .zip(internal.par_iter())
            .enumerate()
            .filter(|(_, (_, &s))| (s as usize) < n_with_precursor)
            .map(|(p, (&k, &s))| {
                let loss = (precursor[s as usize] - from_key(k) as f64) as f32;
                ((key(loss) as u64) << 32) | p as u64
            })
            .collect();
        drop(keys);
        drop(internal);
        nl.par_sort_unstable();
        let nl_keys: Vec<u32> = nl.iter().map(|&x| (x >> 32) as u32).collect();
        let nl_buckets = Buckets::build(&nl_keys, NL_PEAKS_PER_BUCKET);
        drop(nl_keys);
        let nl_perm = huge_page_collect(nl.iter().map(|&x| x as u32));

        let mut index = LibraryIndex {
            weighting: self.weighting,
            precursor,
            n_with_precursor: n_with_precursor as u32,
            external: order,
            frag,
            frag_int,
            frag_table,
            class_max,
            block_start,
            chunk_block,
            row_chunk: Vec::new(),
            nl_perm,
            nl_buckets,
            pool: Mutex::new(Vec::new()),
        };
        index.row_chunk = (0..index.frag.len().div_ceil(1 << ROW_CHUNK_SHIFT))
            .map(|c| {
                let p = c << ROW_CHUNK_SHIFT;
                let rows = index.frag_table.end_row();
                index.frag_table.row_of(p, index.block_of(p), 0, rows) as u32
            })
            .collect();
        index
    }
}

/// An immutable entropy-similarity library index; search it through
/// [`super::Searcher`] or [`LibraryIndex::search_with`].
#[derive(Debug)]
pub struct LibraryIndex {
    pub(super) weighting: Weighting,
    /// Per internal spectrum: precursor (NaN if unknown; those sort last).
    pub(super) precursor: Vec<f64>,
    pub(super) n_with_precursor: u32,
    /// Internal → external id.
    pub(super) external: Vec<u32>,
    /// Fragments, block by block, each block sorted by m/z key.
    pub(super) frag: Vec<Frag>,
    /// Halved weighted intensity of each fragment, position for position.
    pub(super) frag_int: Vec<f32>,
    pub(super) frag_table: BlockTable,
    /// The highest intensity class of any fragment: a query peak whose
    /// bound for it is below the bar cannot add a single-pair hit, so open
    /// search's single-pair pass skips its windows.
    pub(super) class_max: u16,
    /// First fragment position of each block (one extra entry: the total).
    pub(super) block_start: Vec<u32>,
    /// Block holding fragment position `c · 2^CHUNK_SHIFT`, for [`LibraryIndex::spec`].
    chunk_block: Vec<u32>,
    /// The bucket-table row holding fragment position `c · 2^ROW_CHUNK_SHIFT`
    /// in its block, so finding a fragment's row (for its key's upper bits)
    /// searches only the few rows of its chunk.
    row_chunk: Vec<u32>,
    pub(super) nl_perm: Vec<u32>,
    pub(super) nl_buckets: Buckets,
    pub(super) pool: Mutex<Vec<Scratch>>,
}

impl LibraryIndex {
    /// Number of library spectra.
    pub fn n_spectra(&self) -> usize {
        self.precursor.len()
    }

    /// Number of indexed peaks.
    pub fn n_peaks(&self) -> usize {
        self.frag.len()
    }

    /// The weighting the library was built with (queries get the same).
    pub fn weighting(&self) -> Weighting {
        self.weighting
    }

    /// Heap bytes of the index proper: fragment arrays, neutral-loss
    /// permutation, both bucket tables, the position → row and → block
    /// tables and the per-spectrum precursor and id arrays (not the per-thread scratch).
    pub fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        self.frag.capacity() * size_of::<Frag>()
            + self.frag_int.capacity() * size_of::<f32>()
            + self.nl_perm.capacity() * 4
            + self.frag_table.memory_bytes()
            + (self.block_start.capacity() + self.chunk_block.capacity()) * 4
            + self.nl_buckets.memory_bytes()
            + self.row_chunk.capacity() * 4
            + self.precursor.capacity() * size_of::<f64>()
            + self.external.capacity() * 4
    }

    /// The exact fragment key (`f32` m/z order key) of fragment `p`: its
    /// bucket's upper bits (the bucket row found among the few of its
    /// position chunk) and its record's low bits.
    #[inline]
    pub(super) fn frag_key(&self, p: usize) -> u32 {
        let blk = self.block_of(p);
        // The rows of p's chunk start and of the next chunk's start bound
        // p's row, when those positions are in p's block.
        let c = p >> ROW_CHUNK_SHIFT;
        let first = if c << ROW_CHUNK_SHIFT >= self.block_start[blk] as usize {
            self.row_chunk[c] as usize
        } else {
            0
        };
        let last = match self.row_chunk.get(c + 1) {
            Some(&r) if (c + 1) << ROW_CHUNK_SHIFT < self.block_start[blk + 1] as usize => {
                r as usize
            }
            _ => self.frag_table.end_row(),
        };
        let row = self.frag_table.row_of(p, blk, first, last);
        self.frag_table.row_high(row) | (self.frag[p].lo & KEY_MASK) as u32
    }

    /// The block holding fragment position `p`.
    #[inline]
    fn block_of(&self, p: usize) -> usize {
        let mut b = self.chunk_block[p >> CHUNK_SHIFT] as usize;
        while self.block_start[b + 1] as usize <= p {
            b += 1;
        }
        b
    }

    /// Internal spectrum id of fragment `p`.
    #[inline]
    pub(super) fn spec(&self, p: usize) -> u32 {
        ((self.block_of(p) as u32) << BLOCK_SHIFT) | self.frag[p].spec as u32
    }

    /// The neutral-loss key of fragment `p` (its spectrum has a precursor).
    #[inline]
    pub(super) fn nl_key(&self, p: usize) -> u32 {
        let s = self.spec(p) as usize;
        key((self.precursor[s] - from_key(self.frag_key(p)) as f64) as f32)
    }

    /// Library precursor of internal spectrum `s`.
    #[inline]
    pub(super) fn precursor_of(&self, s: usize) -> Option<f64> {
        Some(self.precursor[s]).filter(|p| !p.is_nan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::MsPeak;

    /// Every fragment's key, rebuilt from its bucket row and its record's
    /// low bits, is the key of the m/z it was built from, in every block
    /// (two blocks, dense and sparse m/z regions, a peak far off alone).
    #[test]
    fn fragment_keys_are_rebuilt_exactly() {
        let n = (1 << BLOCK_SHIFT) + 3000;
        let mz_of = |i: usize, j: usize| match j {
            0 => 100.0 + (i % 977) as f32 * 0.0137,
            1 => 300.0 + (i as f32 * 0.61803).fract() * 600.0,
            _ => 1500.0 + (i % 3) as f32,
        };
        let mut b = IndexBuilder::new();
        for i in 0..n {
            let peaks = (0..2 + (i % 2))
                .map(|j| MsPeak {
                    mz: mz_of(i, j),
                    intensity: 0.25 + j as f32 * 0.25,
                })
                .collect();
            b.add(&CleanSpectrum {
                precursor_mz: Some(2000.0),
                peaks,
            })
            .expect("add");
        }
        let index = b.build();
        assert_eq!(index.block_start.len(), 3, "two blocks");
        for p in 0..index.n_peaks() {
            let ext = index.external[index.spec(p) as usize] as usize;
            let k = index.frag_key(p);
            assert!(
                (0..3).any(|j| key(mz_of(ext, j)) == k),
                "position {p}: key {k:#x} is none of spectrum {ext}'s m/z"
            );
        }
    }
}
