//! The optional log block at FLOGOFF: a 64-byte LOGSTC header, an optional
//! binary area, then `KEY=value` text lines (CR LF, NUL-terminated). The
//! binary part is instrument-private, so only its size is kept.

use super::bytes::Bytes;
use crate::spectrum::{Position, Warning};

/// Size of the LOGSTC header.
const LOG_HEADER_LEN: usize = 64;

/// Reads the log at `offset`. Every problem is recoverable (the spectra are
/// intact), so they become warnings and the header fields read so far are kept.
pub(crate) fn read_log(
    b: &Bytes<'_>,
    offset: usize,
    warnings: &mut Vec<Warning>,
) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let what = "the log header";
    let header = (|| {
        Ok::<_, super::error::SpcError>((
            b.u32(offset, what)?,
            b.u32(offset.saturating_add(8), what)?,
            b.u32(offset.saturating_add(12), what)?,
        ))
    })();
    let (block_size, text_offset, binary_size) = match header {
        Ok(h) => h,
        Err(e) => {
            warnings.push(Warning {
                position: Position::Byte(offset),
                message: format!("log block ignored: {e}"),
            });
            return fields;
        }
    };
    if binary_size > 0 {
        fields.push(("log_binary_bytes".to_string(), binary_size.to_string()));
    }
    // The text cannot start inside LOGSTC; a smaller offset is a writer bug.
    let text_offset = if (text_offset as usize) < LOG_HEADER_LEN {
        warnings.push(Warning {
            position: Position::Byte(offset.saturating_add(8)),
            message: format!("log text offset {text_offset} is inside the 64-byte log header; read the text from byte 64 of the block"),
        });
        LOG_HEADER_LEN
    } else {
        text_offset as usize
    };
    let start = offset.saturating_add(text_offset);
    let wanted_end = offset.saturating_add(block_size as usize);
    let end = wanted_end.min(b.len());
    if wanted_end > b.len() {
        warnings.push(Warning {
            position: Position::Byte(offset),
            message: format!(
                "log block claims {block_size} bytes but the file ends at byte {}; read what is there",
                b.len()
            ),
        });
    }
    let text = b.data.get(start..end).unwrap_or_default();
    let text = text.split(|&c| c == 0).next().unwrap_or_default();
    for line in text.split(|&c| c == b'\n') {
        let line: String = line.iter().map(|&c| char::from(c)).collect();
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) => fields.push((format!("log.{}", k.trim()), v.trim().to_string())),
            None => fields.push(("log".to_string(), line.to_string())),
        }
    }
    fields
}
