//! The main file header, in both layouts: the 512-byte "new" header (0x4B
//! LSB first, 0x4C MSB first) and the 256-byte "old" header (0x4D, whose last
//! 32 bytes are already the first subfile header). Both are normalised into
//! one [`MainHeader`] so the rest of the reader does not care which it was.

use super::bytes::{latin1_trimmed, Bytes, Endian};
use super::error::SpcError;

/// Size of the new-format header; data (X array or first subfile) follows.
pub(crate) const NEW_HEADER_LEN: usize = 512;
/// Offset of the first subfile header in the old format (inside its 256-byte header).
pub(crate) const OLD_FIRST_SUBFILE: usize = 224;

/// Which header layout the file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// 0x4B (LSB) or 0x4C (MSB).
    New,
    /// 0x4D.
    Old,
}

/// The `ftflgs` bits (same meaning in both layouts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flags(pub u8);

impl Flags {
    /// Y values are 16-bit integers instead of 32-bit.
    pub const TSPREC: u8 = 0x01;
    /// Multifile (several subfiles).
    pub const TMULTI: u8 = 0x04;
    /// Subfile Z values are in random order.
    pub const TRANDM: u8 = 0x08;
    /// Subfile Z values are ordered but unevenly spaced.
    pub const TORDRD: u8 = 0x10;
    /// Axis labels are given as text in `fcatxt`.
    pub const TALABS: u8 = 0x20;
    /// Every subfile carries its own X array.
    pub const TXYXYS: u8 = 0x40;
    /// An explicit X array follows the header.
    pub const TXVALS: u8 = 0x80;

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// The fields the reader uses, whichever layout they came from.
#[derive(Debug, Clone)]
pub(crate) struct MainHeader {
    pub version: Version,
    pub version_byte: u8,
    pub flags: Flags,
    pub experiment: u8,
    /// Y exponent: -128 (0x80) means IEEE float Y.
    pub exponent: i16,
    /// FNPTS; in TXYXYS files the subfile-directory offset instead.
    pub npts: u32,
    pub first_x: f64,
    pub last_x: f64,
    /// FNSUB; `None` in the old format, which does not record it.
    pub nsub: Option<u32>,
    pub x_type: u8,
    pub y_type: u8,
    pub z_type: u8,
    pub date: Option<String>,
    pub resolution: String,
    pub source: String,
    pub memo: String,
    pub axis_labels: Vec<String>,
    pub method: String,
    pub log_offset: u32,
    pub z_increment: f32,
    /// Where the X array (TXVALS) or the first subfile starts.
    pub data_start: usize,
}

/// Reads the header whose layout the version byte (offset 1) names.
pub(crate) fn read_header(data: &[u8]) -> Result<(MainHeader, Endian), SpcError> {
    let probe = Bytes {
        data,
        endian: Endian::Little,
    };
    let version_byte = probe.u8(1, "the version byte")?;
    match version_byte {
        0x4B => Ok((
            read_new(
                Bytes {
                    data,
                    endian: Endian::Little,
                },
                version_byte,
            )?,
            Endian::Little,
        )),
        0x4C => Ok((
            read_new(
                Bytes {
                    data,
                    endian: Endian::Big,
                },
                version_byte,
            )?,
            Endian::Big,
        )),
        0x4D => Ok((read_old(probe)?, Endian::Little)),
        byte => Err(SpcError::UnknownVersion { byte }),
    }
}

fn read_new(b: Bytes<'_>, version_byte: u8) -> Result<MainHeader, SpcError> {
    // One up-front check gives one clear message for a short header.
    b.slice(0, NEW_HEADER_LEN as u64, "the 512-byte new-format header")?;
    let what = "the main header";
    Ok(MainHeader {
        version: Version::New,
        version_byte,
        flags: Flags(b.u8(0, what)?),
        experiment: b.u8(2, what)?,
        exponent: i16::from(b.i8(3, what)?),
        npts: b.u32(4, what)?,
        first_x: b.f64(8, what)?,
        last_x: b.f64(16, what)?,
        nsub: Some(b.u32(24, what)?),
        x_type: b.u8(28, what)?,
        y_type: b.u8(29, what)?,
        z_type: b.u8(30, what)?,
        date: packed_date(b.u32(32, what)?),
        resolution: b.text(36, 9, what)?,
        source: b.text(45, 9, what)?,
        memo: b.text(88, 130, what)?,
        axis_labels: axis_labels(b.slice(218, 30, what)?),
        log_offset: b.u32(248, what)?,
        method: b.text(264, 48, what)?,
        z_increment: b.f32(312, what)?,
        data_start: NEW_HEADER_LEN,
    })
}

fn read_old(b: Bytes<'_>) -> Result<MainHeader, SpcError> {
    b.slice(0, 256, "the 256-byte old-format header")?;
    let what = "the old-format header";
    let raw_npts = b.f32(4, what)?;
    let npts = whole_count(raw_npts).ok_or_else(|| SpcError::BadPointCount {
        value: raw_npts.to_string(),
    })?;
    // The year's top 4 bits hold the Z type in this layout.
    let year_word = b.u16(18, what)?;
    let year = year_word & 0x0FFF;
    let date = (year != 0).then(|| {
        format!(
            "{year:04}-{:02}-{:02} {:02}:{:02}",
            b.u8(20, what).unwrap_or(0),
            b.u8(21, what).unwrap_or(0),
            b.u8(22, what).unwrap_or(0),
            b.u8(23, what).unwrap_or(0)
        )
    });
    Ok(MainHeader {
        version: Version::Old,
        version_byte: 0x4D,
        flags: Flags(b.u8(0, what)?),
        experiment: 0,
        exponent: b.i16(2, what)?,
        npts,
        first_x: f64::from(b.f32(8, what)?),
        last_x: f64::from(b.f32(12, what)?),
        nsub: None,
        x_type: b.u8(16, what)?,
        y_type: b.u8(17, what)?,
        z_type: (year_word >> 12) as u8,
        date,
        resolution: b.text(24, 8, what)?,
        source: String::new(),
        memo: b.text(64, 130, what)?,
        axis_labels: axis_labels(b.slice(194, 30, what)?),
        method: String::new(),
        log_offset: 0,
        z_increment: 0.0,
        data_start: OLD_FIRST_SUBFILE,
    })
}

/// The old format stores its point count as a float; only whole counts make sense.
fn whole_count(value: f32) -> Option<u32> {
    let v = f64::from(value);
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
}

/// FDATE packs minute (6 bits), hour (5), day (5), month (4), year (12).
fn packed_date(d: u32) -> Option<String> {
    if d == 0 {
        return None;
    }
    let (year, month, day) = (d >> 20, (d >> 16) & 0x0F, (d >> 11) & 0x1F);
    let (hour, minute) = ((d >> 6) & 0x1F, d & 0x3F);
    Some(format!(
        "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}"
    ))
}

/// `fcatxt` holds X, Y and Z labels separated by NULs (used when TALABS is set).
fn axis_labels(raw: &[u8]) -> Vec<String> {
    raw.split(|&b| b == 0).map(latin1_trimmed).take(3).collect()
}
