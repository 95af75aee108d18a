//! JCAMP-DX 4.24 / 5.x reader (IR, Raman, UV/VIS, MS, NMR exports).
//!
//! * Labelled data records `##LABEL=value`, multi-line values, `$$` comments;
//!   labels compared as the standard says (case, spaces, `-`, `/`, `_` ignored).
//! * `##XYDATA=(X++(Y..Y))` in AFFN, PAC, SQZ, DIF and DUP form with the DIF
//!   Y-check verified and X computed from FIRSTX/LASTX/NPOINTS; `##XYPOINTS=`,
//!   `##PEAK TABLE=` `(XY..XY)`/`(XYW..XYW)`/`(XYM..XYM)`, `##PEAK ASSIGNMENTS=`.
//! * `##NTUPLES=` blocks (one spectrum per `##PAGE=`) and compound files
//!   (`##BLOCKS=`, nested `##TITLE=`…`##END=`; one spectrum per data block).
//!
//! Every record is kept in [`Spectrum::header`] as `(label as written, value)`
//! in file order; a compound file's outer records come first in each of its
//! spectra. Oddities that still leave a spectrum (a failed Y- or X-check, an
//! NPOINTS mismatch, a missing `##END=`) are warnings with a line number.
//!
//! Memory is bounded: a file decodes to at most [`point_limit`] points in
//! total, so a DUP count of 10⁹ or a huge NPOINTS is a [`JcampError`], not
//! an allocation.

mod asdf;
mod blocks;
mod build;
mod error;
mod ldr;
mod lines;
mod meta;
mod ntuples;
mod number;
mod peaktable;
mod xydata;

pub use error::JcampError;

use crate::spectrum::{Position, SpectrumFile, Warning};

/// Absolute ceiling on decoded points per file (50 million, 800 MB of peaks).
pub const MAX_POINTS: usize = 50_000_000;

/// The most points a file of `input_len` bytes may decode to: 64 per input
/// byte (DUP compression of flat baselines reaches far less), at least 2²⁰,
/// at most [`MAX_POINTS`].
pub fn point_limit(input_len: usize) -> usize {
    input_len.saturating_mul(64).clamp(1 << 20, MAX_POINTS)
}

/// Read a JCAMP-DX file (any of the forms above) into spectra and warnings.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, JcampError> {
    let bytes = crate::text::text_body(bytes);
    let mut ctx = Ctx::new(point_limit(bytes.len()));
    let records = ldr::records(bytes, &mut ctx.warnings)?;
    let leaves = blocks::split(&records, &mut ctx);
    let mut spectra = Vec::with_capacity(leaves.len());
    for leaf in &leaves {
        spectra.extend(build::spectra(&records, leaf, &mut ctx)?);
    }
    let mut warnings = ctx.warnings;
    warnings.sort_by_key(|w| match w.position {
        Position::Line(n) | Position::Byte(n) => n,
    });
    Ok(SpectrumFile { spectra, warnings })
}

/// Whether `bytes` look like JCAMP-DX: the first line that is not blank or a
/// `$$` comment is a `##LABEL=` record, and a `##TITLE=` or `##JCAMP-DX=`
/// record occurs in the first 4 KiB.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..4096).unwrap_or(bytes);
    let head = crate::text::text_body(head);
    let mut first = true;
    for line in lines::Lines::new(head) {
        let t = lines::trim(line.text);
        if t.is_empty() || t.starts_with(b"$$") {
            continue;
        }
        let record = t
            .strip_prefix(b"##")
            .and_then(|r| r.split(|&b| b == b'=').next().filter(|_| r.contains(&b'=')));
        match record {
            Some(label) => {
                if matches!(ldr::normalise(label).as_str(), "TITLE" | "JCAMPDX") {
                    return true;
                }
            }
            None if first => return false,
            None => {}
        }
        first = false;
    }
    false
}

/// Decoding state shared by one file's blocks: warnings and the point budget.
pub(crate) struct Ctx {
    warnings: Vec<Warning>,
    /// Points still allowed for this file.
    budget: usize,
    /// The file's whole allowance, for error messages.
    limit: usize,
}

impl Ctx {
    pub(crate) fn new(limit: usize) -> Self {
        Ctx {
            warnings: Vec::new(),
            budget: limit,
            limit,
        }
    }

    pub(crate) fn warn(&mut self, line: usize, message: impl Into<String>) {
        ldr::warn(&mut self.warnings, line, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert!(sniff(b"##TITLE= x\r\n##JCAMP-DX= 4.24\r\n"));
        assert!(sniff(b"\xEF\xBB\xBF$$ made by hand\n ##JCAMPDX=5.0\n"));
        assert!(!sniff(b"MSH|^~\\&|"));
        assert!(!sniff(b"NAME: x\n##TITLE=y\n"));
        assert!(!sniff(b""));
    }

    #[test]
    fn limits() {
        assert_eq!(point_limit(10), 1 << 20);
        assert_eq!(point_limit(1 << 40), MAX_POINTS);
    }
}
