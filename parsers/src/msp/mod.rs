//! NIST MSP text spectra and their dialects (NIST, AMDIS `.msl`, Golm, RIKEN,
//! MoNA, MassBank exports).
//!
//! A record is `key: value` header lines, then `Num Peaks: n`, then peak
//! lines. Keys are case-insensitive; `Name:` usually comes first but RIKEN
//! exports put it mid-header, so records are split on structure instead:
//!
//! * a blank line, or a header line after the peak list has begun, ends a
//!   record (so peak lines beyond `Num Peaks` stay in their record, with a
//!   warning, and never start a new one);
//! * a second `Name:` before any peak list ends a header-only record.
//!
//! Peak-count mismatches (fewer, more, or none of `Num Peaks`) and missing
//! `Name:` / `Num Peaks:` lines are warnings: the spectrum is kept with the
//! peaks actually present. A malformed peak line is an error, because a
//! silently mis-read spectrum could match the wrong compound.

mod error;
mod fields;
mod peaks;
mod record;
pub(crate) mod scan;
pub(crate) mod vocab;

pub use error::MspError;

use crate::spectrum::{Position, SpectrumFile, Warning};
use fields::Key;
use record::Record;
use scan::{excerpt, starts_like_peak, trim, Lines};

/// Read every record of an MSP file.
///
/// Returns [`MspError::NoRecords`] when no record has a `Num Peaks:` line or
/// peaks, and [`MspError::Syntax`] for a malformed peak line or count.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, MspError> {
    let mut out = SpectrumFile::default();
    let mut current: Option<Record> = None;
    let mut any_peak_list = false;
    let mut lines = Lines::new(bytes);
    let mut last_line = 0;
    while let Some((n, raw)) = lines.next() {
        last_line = n;
        let line = trim(raw);
        let in_peaks = current.as_ref().is_some_and(Record::has_peak_list);
        if line.is_empty() {
            if in_peaks {
                close(&mut current, n, false, &mut out);
            }
            continue;
        }
        if starts_like_peak(line) {
            let record = current.get_or_insert_with(|| Record::new(n));
            record.in_peaks = true;
            any_peak_list = true;
            peaks::parse_line(line, &mut record.spectrum.peaks).map_err(|expected| {
                MspError::Syntax {
                    line: n,
                    expected,
                    found: excerpt(line),
                }
            })?;
            record.check_overflow(n);
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            out.warnings.push(Warning {
                position: Position::Line(n),
                message: format!("expected `key: value`, ignored `{}`", excerpt(line)),
            });
            continue;
        };
        let (key, value) = line.split_at(colon);
        let key = trim(key);
        let value = trim(value.get(1..).unwrap_or_default());
        let kind = fields::classify(key);
        let ends_record = in_peaks
            || (kind == Key::Name && current.as_ref().is_some_and(|r| r.spectrum.title.is_some()));
        if ends_record {
            close(&mut current, n, false, &mut out);
        }
        let record = current.get_or_insert_with(|| Record::new(n));
        record.push_header(key, value);
        if kind == Key::NumPeaks {
            let declared = parse_count(value).ok_or_else(|| MspError::Syntax {
                line: n,
                expected: "a whole number of peaks after `Num Peaks:`",
                found: excerpt(value),
            })?;
            record.start_peaks(declared, n, lines.remaining());
            any_peak_list = true;
        }
    }
    close(&mut current, last_line, true, &mut out);
    if !any_peak_list {
        return Err(MspError::NoRecords);
    }
    Ok(out)
}

/// Finish the open record, if any, before line `end`.
fn close(current: &mut Option<Record>, end: usize, at_eof: bool, out: &mut SpectrumFile) {
    if let Some(record) = current.take() {
        let spectrum = record.finish(end, at_eof, &mut out.warnings);
        out.spectra.push(spectrum);
    }
}

/// A declared peak count; saturates instead of failing on absurd values so
/// the mismatch is reported as a warning against the peaks actually read.
fn parse_count(value: &[u8]) -> Option<usize> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(value.iter().fold(0usize, |acc, &d| {
        acc.saturating_mul(10).saturating_add(usize::from(d - b'0'))
    }))
}

/// How many leading bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 8192;

/// Does `bytes` look like MSP? True when, within the first 8 KiB, a line
/// starts with `Name:` or `Num Peaks:` (any case) and no line is an MGF
/// `BEGIN IONS` (MGF keeps `NAME=` but never `Name:`).
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let mut seen = false;
    for (_, raw) in Lines::new(head) {
        let line = trim(raw);
        if line.eq_ignore_ascii_case(b"BEGIN IONS") {
            return false;
        }
        if let Some(colon) = memchr::memchr(b':', line) {
            let key = trim(line.get(..colon).unwrap_or_default());
            seen |= fields::classify(key) != Key::Other;
        }
    }
    seen
}
