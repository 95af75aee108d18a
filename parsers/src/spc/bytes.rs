//! Bounds-checked, endian-aware field reads: every read names its offset and
//! purpose, so a short file yields [`SpcError::Truncated`] instead of a panic.

use super::error::SpcError;

/// Byte order of the multi-byte fields (0x4B and 0x4D are LSB first, 0x4C MSB first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endian {
    Little,
    Big,
}

/// The whole file plus its byte order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bytes<'a> {
    pub data: &'a [u8],
    pub endian: Endian,
}

impl<'a> Bytes<'a> {
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Bytes left from `offset` (0 past the end).
    pub fn remaining(&self, offset: usize) -> usize {
        self.data.len().saturating_sub(offset)
    }

    /// `len` bytes at `offset`, or a `Truncated` error describing `what`.
    pub fn slice(&self, offset: usize, len: u64, what: &'static str) -> Result<&'a [u8], SpcError> {
        let truncated = || SpcError::Truncated {
            offset,
            needed: len,
            available: self.remaining(offset),
            what,
        };
        let len_usize = usize::try_from(len).map_err(|_| truncated())?;
        let end = offset.checked_add(len_usize).ok_or_else(truncated)?;
        self.data.get(offset..end).ok_or_else(truncated)
    }

    fn array<const N: usize>(
        &self,
        offset: usize,
        what: &'static str,
    ) -> Result<[u8; N], SpcError> {
        let s = self.slice(offset, N as u64, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(self.order(out))
    }

    /// Puts the bytes in little-endian order so one `from_le_bytes` serves both.
    fn order<const N: usize>(&self, mut raw: [u8; N]) -> [u8; N] {
        if self.endian == Endian::Big {
            raw.reverse();
        }
        raw
    }

    pub fn u8(&self, offset: usize, what: &'static str) -> Result<u8, SpcError> {
        Ok(self.array::<1>(offset, what)?[0])
    }

    pub fn i8(&self, offset: usize, what: &'static str) -> Result<i8, SpcError> {
        Ok(i8::from_le_bytes(self.array(offset, what)?))
    }

    pub fn u16(&self, offset: usize, what: &'static str) -> Result<u16, SpcError> {
        Ok(u16::from_le_bytes(self.array(offset, what)?))
    }

    pub fn i16(&self, offset: usize, what: &'static str) -> Result<i16, SpcError> {
        Ok(i16::from_le_bytes(self.array(offset, what)?))
    }

    pub fn u32(&self, offset: usize, what: &'static str) -> Result<u32, SpcError> {
        Ok(u32::from_le_bytes(self.array(offset, what)?))
    }

    pub fn f32(&self, offset: usize, what: &'static str) -> Result<f32, SpcError> {
        Ok(f32::from_le_bytes(self.array(offset, what)?))
    }

    pub fn f64(&self, offset: usize, what: &'static str) -> Result<f64, SpcError> {
        Ok(f64::from_le_bytes(self.array(offset, what)?))
    }

    /// A fixed-width text field: up to the first NUL, Latin-1 (the files
    /// predate UTF-8 and Latin-1 maps every byte), trimmed.
    pub fn text(&self, offset: usize, len: usize, what: &'static str) -> Result<String, SpcError> {
        Ok(latin1_trimmed(self.slice(offset, len as u64, what)?))
    }

    /// Checks that `count` values of `width` bytes fit after `offset`, before
    /// anything is allocated for them.
    pub fn check_points(
        &self,
        offset: usize,
        count: u64,
        width: u64,
        what: &'static str,
    ) -> Result<(), SpcError> {
        let needed = count.saturating_mul(width);
        let available = self.remaining(offset);
        if needed > available as u64 {
            return Err(SpcError::TooManyPoints {
                offset,
                count,
                needed,
                available,
                what,
            });
        }
        Ok(())
    }
}

/// Latin-1 text up to the first NUL, trimmed of spaces.
pub(crate) fn latin1_trimmed(raw: &[u8]) -> String {
    let end = memchr::memchr(0, raw).unwrap_or(raw.len());
    let text: String = raw.iter().take(end).map(|&b| char::from(b)).collect();
    text.trim().to_string()
}
