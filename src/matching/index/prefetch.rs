//! Software prefetch into L2, the crate's one use of `unsafe`.
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
//! Why this is sound: a prefetch instruction is a hint. It never faults, even
//! on an unmapped address, and changes no memory; the addresses here are
//! cache lines a live slice overlaps anyway. On targets other than x86-64 it
//! is a no-op.
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

#[cfg(test)]
mod tests {
    use super::lines;

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
}
