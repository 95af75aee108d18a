//! Line splitting and number-pair parsing shared by the peak-list layouts.

use std::borrow::Cow;

use crate::spectrum::{Peak, Position, Warning};

/// One input line: 1-based number and text without the line ending.
#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    pub number: usize,
    /// Borrowed from the input unless bytes had to be replaced.
    pub text: Cow<'a, str>,
}

/// Splits on LF (CR LF and lone-CR files too), dropping the final empty line.
/// Non-UTF-8 bytes are replaced, with a warning rather than silently.
pub(crate) fn split_lines<'a>(bytes: &'a [u8], warnings: &mut Vec<Warning>) -> Vec<Line<'a>> {
    let bytes = crate::text::text_body(bytes);
    let lone_cr = !bytes.contains(&b'\n') && bytes.contains(&b'\r');
    let sep = if lone_cr { b'\r' } else { b'\n' };
    let mut parts: Vec<&[u8]> = bytes.split(|&b| b == sep).collect();
    if parts.last().is_some_and(|l| l.is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let text = match std::str::from_utf8(raw) {
                Ok(t) => Cow::Borrowed(t),
                Err(_) => {
                    warnings.push(warn(i + 1, "not UTF-8; undecodable bytes replaced"));
                    String::from_utf8_lossy(raw)
                }
            };
            Line {
                number: i + 1,
                text,
            }
        })
        .collect()
}

pub(crate) fn warn(line: usize, message: impl Into<String>) -> Warning {
    Warning {
        position: Position::Line(line),
        message: message.into(),
    }
}

/// A field without its surrounding spaces and double quotes.
pub(crate) fn unquoted(field: &str) -> &str {
    field.trim().trim_matches('"')
}

/// A finite number, tolerating surrounding spaces and double quotes.
pub(crate) fn number(field: &str) -> Option<f64> {
    let t = unquoted(field).trim();
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// True when the line's first field is a number: a data row, not text.
pub(crate) fn starts_numeric(fields: &[&str]) -> bool {
    fields.first().is_some_and(|f| number(f).is_some())
}

/// Builds a peak from the x and y fields of a row, or says what is wrong
/// (the caller turns that into a warning and skips the row).
pub(crate) fn peak(fields: &[&str], x_col: usize, y_col: usize) -> Result<Peak, String> {
    let get = |col: usize, name: &str| -> Result<f64, String> {
        match fields.get(col).map(|f| f.trim()) {
            None | Some("") => Err(format!("missing {name}; row skipped")),
            Some(f) => {
                number(f).ok_or_else(|| format!("{name} `{f}` is not a number; row skipped"))
            }
        }
    };
    Ok(Peak {
        x: get(x_col, "x value")?,
        intensity: get(y_col, "intensity")?,
    })
}

/// Whitespace-separated fields (tabs or runs of spaces).
pub(crate) fn ws_fields(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// The number right after `key` in `text` (`RT: 6.03`, `CID@20.0`).
pub(crate) fn number_after(text: &str, key: &str) -> Option<f64> {
    let start = text.find(key)?.checked_add(key.len())?;
    let rest = text.get(start..)?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(rest.len());
    number(rest.get(..end)?)
}
