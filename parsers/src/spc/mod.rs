//! Galactic / Thermo GRAMS SPC binary spectra.
//!
//! Reads the new format (0x4B little-endian, 0x4C big-endian) and the old
//! format (0x4D): 16- and 32-bit fixed-point or float Y, even or explicit X,
//! multifile with shared or per-subfile X (and the subfile directory), Z
//! values, axis-type codes, memo, date and the log text. Each subfile becomes
//! one [`Spectrum`](crate::spectrum::Spectrum); raw header fields are kept in
//! `Spectrum::header`, subfile Z values as `z` / `z_next`.
//!
//! Every size in the file is checked against the bytes that remain before
//! anything is allocated, so a hostile point or subfile count is an error,
//! not an allocation.

mod bytes;
mod error;
mod file;
mod header;
mod log;
mod subfile;
mod units;
mod yvalues;

pub use error::SpcError;

use crate::spectrum::SpectrumFile;

/// Reads an SPC file held in memory.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, SpcError> {
    file::read_file(bytes)
}

/// True when `bytes` look like SPC: a known version byte at offset 1, a
/// header at least as long as that version's, and known X/Y axis codes (which
/// a text file starting with `?K`, `?L` or `?M` almost never has).
pub fn sniff(bytes: &[u8]) -> bool {
    let (min_len, axis_at) = match bytes.get(1) {
        Some(0x4B | 0x4C) => (header::NEW_HEADER_LEN, 28),
        Some(0x4D) => (256, 16),
        _ => return false,
    };
    let known = |at: usize, ok: fn(u8) -> bool| bytes.get(at).is_some_and(|&c| ok(c));
    bytes.len() >= min_len
        && known(axis_at, |c| units::x_unit(c) != "Unknown")
        && known(axis_at + 1, |c| units::y_unit(c) != "Unknown")
}
