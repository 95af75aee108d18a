//! Memory hints for the library index, the crate's one use of `unsafe`:
//! software prefetch into L2, and huge-page advice for its large arrays.
//!
//! Open search reads ~290 short runs of fragment records at random places of
//! a large array per query (10⁶ spectra). Demand loads let only a run or two
//! be in flight at once; plain loads used as prefetches hold load-queue
//! entries until the data arrives. `prefetcht1` retires at once and asks L2
//! for the line, so every run of a query can be requested before the first
//! is read (2026-12-05: open search at 10⁶ from ~125 to ~93 µs per query;
//! `prefetcht0`, into L1, gave ~138 µs, probably its requests held by L1's
//! few miss buffers; `benches/probes/prefetch_spin.c` compares the hints).
//!
//! Each query also touches ~600 pages at random in ~280 MB (fragment records
//! and intensities, the bucket table, hybrid's neutral-loss permutation), a
//! TLB miss and a page walk each with 4 KiB pages; a prefetch waits for its
//! walk. [`huge_page_collect`] asks Linux to back those arrays with 2 MiB
//! transparent huge pages (`madvise(MADV_HUGEPAGE)`, honoured when THP is
//! `madvise` or `always`): open search at 10⁶ ~13 % faster, hybrid ~28 %
//! (paired A/B, 2026-12-06, `docs/design/open-search-performance.md`).
//!
//! Why this is sound: a prefetch instruction is a hint. It never faults, even
//! on an unmapped address, and changes no memory; the addresses here are
//! cache lines a live slice overlaps anyway. On targets other than x86-64 it
//! is a no-op. `madvise` with `MADV_HUGEPAGE` only tells the kernel how to
//! back pages of the vector's own allocation; it changes no contents and no
//! mapping, and a refusal (an error return) changes nothing.
#![allow(unsafe_code)]

/// Cache-line size assumed for the prefetch stride.
const LINE: usize = 64;

/// Start addresses of the cache lines overlapping `bytes` bytes at `first`:
/// from the line holding the first byte to the line holding the last, so an
/// unaligned run is covered to its end.
fn lines(first: usize, bytes: usize) -> impl Iterator<Item = usize> {
    let end = first + bytes;
    let start = if bytes == 0 { end } else { first & !(LINE - 1) };
    (start..end).step_by(LINE)
}

/// Ask for every cache line of `s` to be brought into L2; no effect on
/// results.
#[inline]
pub(super) fn to_l2<T>(s: &[T]) {
    #[cfg(target_arch = "x86_64")]
    for line in lines(s.as_ptr() as usize, std::mem::size_of_val(s)) {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
        // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 CPU has, and
        // it is only a hint: it cannot fault or write memory. The address is
        // within a cache line that `s` overlaps.
        unsafe { _mm_prefetch::<_MM_HINT_T1>(line as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = s;
}

/// `items` collected into a vector whose pages the kernel is asked, before
/// they are touched, to back with transparent huge pages (honoured in THP
/// `madvise` and `always` modes); elsewhere a plain vector.
pub(super) fn huge_page_collect<T>(items: impl ExactSizeIterator<Item = T>) -> Vec<T> {
    let n = items.len();
    let mut v: Vec<T> = Vec::with_capacity(n);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let (p, bytes) = (v.as_ptr() as usize, n * std::mem::size_of::<T>());
        let (start, end) = ((p + HUGE - 1) & !(HUGE - 1), (p + bytes) & !(HUGE - 1));
        if end > start {
            // SAFETY: `madvise` with MADV_HUGEPAGE only advises the kernel
            // on how to back the range; it changes no contents or mapping.
            // The range lies inside the vector's own allocation.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    v.extend(items);
    v
}

#[cfg(test)]
mod tests {
    use super::{huge_page_collect, lines};

    #[test]
    fn every_line_a_run_overlaps_is_named_once() {
        let got = |first, bytes| lines(first, bytes).collect::<Vec<_>>();
        assert_eq!(got(0, 64), vec![0]);
        assert_eq!(got(0, 65), vec![0, 64]);
        // Unaligned: the last byte's line too (a 704 B run from byte 8
        // ends in its twelfth line).
        assert_eq!(got(63, 2), vec![0, 64]);
        assert_eq!(got(8, 704), (0..12).map(|k| k * 64).collect::<Vec<_>>());
        assert_eq!(got(130, 1), vec![128]);
        assert!(got(65, 0).is_empty());
        assert!(got(64, 0).is_empty());
    }

    /// A huge-page vector holds exactly the items collected, in order (an
    /// allocation smaller than a huge page, or none, included).
    #[test]
    fn huge_page_collect_keeps_every_item() {
        for n in [0usize, 1, 1000, 3 << 20] {
            let v: Vec<u32> = huge_page_collect(0..n as u32);
            assert_eq!(v.len(), n);
            assert!(v.iter().enumerate().all(|(i, &x)| x == i as u32));
        }
    }
}
