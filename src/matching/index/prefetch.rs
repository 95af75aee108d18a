//! Software prefetch into L2, the crate's one use of `unsafe`.
//!
//! Open search reads ~290 short runs of fragment records at random places of
//! a large array per query (10⁶ spectra). Demand loads let only a run or two
//! be in flight at once; plain loads used as prefetches hold load-queue
//! entries until the data arrives. `prefetcht1` retires at once and asks L2
//! for the line, so every run of a query can be requested before the first
//! is read (2026-12-05: open search at 10⁶ from ~125 to ~93 µs per query;
//! `prefetcht0`, into L1, gave ~138 µs, its requests held by L1's few miss
//! buffers; `benches/probes/prefetch_spin.c` compares the hints).
//!
//! Why this is sound: a prefetch instruction is a hint. It never faults, even
//! on an unmapped address, and changes no memory; the addresses here are
//! inside a live slice anyway. On targets other than x86-64 it is a no-op.
#![allow(unsafe_code)]

/// Ask for every cache line of `s` to be brought into L2; no effect on
/// results.
#[inline]
pub(super) fn to_l2<T>(s: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
        const LINE: usize = 64;
        let bytes = std::mem::size_of_val(s);
        if bytes == 0 {
            return;
        }
        let first = s.as_ptr() as usize;
        // Line by line from the line holding the first byte to the line
        // holding the last, so an unaligned slice is covered.
        let mut line = first & !(LINE - 1);
        while line < first + bytes {
            // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 CPU has,
            // and it is only a hint: it cannot fault or write memory. The
            // address is within a cache line that `s` overlaps.
            unsafe { _mm_prefetch::<_MM_HINT_T1>(line as *const i8) };
            line += LINE;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = s;
}

#[cfg(test)]
mod tests {
    use super::to_l2;

    #[test]
    fn prefetch_accepts_empty_unaligned_and_zero_sized_slices() {
        let v: Vec<u8> = (0..=255).collect();
        to_l2(&v[..0]);
        to_l2(&v[1..130]);
        to_l2(&v[63..64]);
        to_l2(&[(); 10][..]);
        // A hint only: the data is unchanged.
        assert!(v.iter().enumerate().all(|(i, &x)| x as usize == i));
    }
}
