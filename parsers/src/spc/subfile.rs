//! One subfile: its 32-byte header, then (TXYXYS only) its own X array, then
//! its Y values.

use super::bytes::Bytes;
use super::error::SpcError;
use super::yvalues::{decode_x, decode_y, YEncoding};

/// Size of a subfile header.
pub(crate) const SUBHEADER_LEN: usize = 32;

/// The subfile header fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SubHeader {
    pub flags: u8,
    pub exponent: i8,
    pub index: u16,
    /// Z value of this subfile (SUBTIME).
    pub z: f32,
    /// Z value of the next subfile (SUBNEXT).
    pub z_next: f32,
    pub noise: f32,
    /// SUBNPTS: only meaningful with TXYXYS.
    pub npts: u32,
    pub scans: u32,
    pub w: f32,
}

/// How the file lays out every subfile (from the main header).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// Points per subfile when subfiles do not carry their own count.
    pub npts: u32,
    /// Each subfile has its own X array and point count (TXYXYS).
    pub own_x: bool,
    /// Multifile: each subfile's exponent applies, not the file's.
    pub multi: bool,
    pub sixteen_bit: bool,
    pub old: bool,
    /// The file-level exponent and where it was read.
    pub file_exponent: i16,
    pub file_exponent_offset: usize,
}

/// A decoded subfile; `end` is the offset just past it.
#[derive(Debug, Clone)]
pub(crate) struct Subfile {
    pub header: SubHeader,
    pub exponent: i16,
    pub x: Option<Vec<f64>>,
    pub y: Vec<f64>,
    pub end: usize,
}

/// Reads the subfile header at `offset`.
pub(crate) fn read_subheader(b: &Bytes<'_>, offset: usize) -> Result<SubHeader, SpcError> {
    let what = "a 32-byte subfile header";
    b.slice(offset, SUBHEADER_LEN as u64, what)?;
    let at = |n: usize| offset.saturating_add(n);
    Ok(SubHeader {
        flags: b.u8(at(0), what)?,
        exponent: b.i8(at(1), what)?,
        index: b.u16(at(2), what)?,
        z: b.f32(at(4), what)?,
        z_next: b.f32(at(8), what)?,
        noise: b.f32(at(12), what)?,
        npts: b.u32(at(16), what)?,
        scans: b.u32(at(20), what)?,
        w: b.f32(at(24), what)?,
    })
}

/// Reads the whole subfile at `offset`.
pub(crate) fn read_subfile(
    b: &Bytes<'_>,
    offset: usize,
    layout: &Layout,
) -> Result<Subfile, SpcError> {
    let header = read_subheader(b, offset)?;
    let (exponent, exp_offset) = if layout.multi {
        (i16::from(header.exponent), offset.saturating_add(1))
    } else {
        (layout.file_exponent, layout.file_exponent_offset)
    };
    let encoding = YEncoding::choose(exponent, layout.sixteen_bit, layout.old, exp_offset)?;
    let mut pos = offset.saturating_add(SUBHEADER_LEN);
    let (npts, x) = if layout.own_x {
        // The spec stores these X arrays as 32-bit floats, like TXVALS.
        let x = decode_x(b, pos, header.npts, "subfile X values")?;
        pos = pos.saturating_add(x.len() * 4);
        (header.npts, Some(x))
    } else {
        (layout.npts, None)
    };
    let y = decode_y(b, pos, npts, encoding)?;
    let end = pos.saturating_add(y.len().saturating_mul(encoding.width() as usize));
    Ok(Subfile {
        header,
        exponent,
        x,
        y,
        end,
    })
}
