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

pub use error::MspError;

use crate::spectrum::scan::{excerpt, trim, Lines};
use crate::spectrum::{Position, SpectrumFile, Warning};
use fields::{Key, NormKey};
use record::Record;

/// Read every record of an MSP file.
///
/// Returns [`MspError::NoRecords`] when no record has a `Num Peaks:` line or
/// peaks, and [`MspError::Syntax`] for a malformed peak line or count.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, MspError> {
    let bytes = crate::text::text_body(bytes);
    let mut out = SpectrumFile::default();
    let mut current: Option<Record> = None;
    let mut any_peak_list = false;
    let mut header_hint = (0, 0);
    let mut lines = Lines::new(bytes);
    let mut last_line = 0;
    let mut reserved = false;
    while let Some((n, raw)) = lines.next() {
        last_line = n;
        if !reserved && out.spectra.len() == SAMPLE_RECORDS {
            reserve_rest(&mut out, bytes.len() - lines.remaining(), lines.remaining());
            reserved = true;
        }
        let line = trim(raw);
        let Some(&first) = line.first() else {
            if current.as_ref().is_some_and(Record::has_peak_list) {
                close(&mut current, n, false, &mut out, &mut header_hint);
            }
            continue;
        };
        // `line` is trimmed, so this is `starts_like_peak` without re-trimming.
        if matches!(first, b'0'..=b'9' | b'.' | b'(' | b'-' | b'+') {
            let record = current.get_or_insert_with(|| Record::new(n, header_hint));
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
        let norm = NormKey::new(key);
        let kind = norm.kind();
        let in_peaks = current.as_ref().is_some_and(Record::has_peak_list);
        let ends_record = in_peaks
            || (kind == Key::Name && current.as_ref().is_some_and(|r| r.spectrum.title.is_some()));
        if ends_record {
            close(&mut current, n, false, &mut out, &mut header_hint);
        }
        let record = current.get_or_insert_with(|| Record::new(n, header_hint));
        record.push_header(key, &norm, value);
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
    close(&mut current, last_line, true, &mut out, &mut header_hint);
    if !any_peak_list {
        return Err(MspError::NoRecords);
    }
    Ok(out)
}

/// Fewest input bytes per record assumed when reserving: bounds the up-front
/// allocation for inputs whose first records are unusually small.
const MIN_RECORD_BYTES: usize = 128;

/// Records read before `spectra` is sized from their average length.
const SAMPLE_RECORDS: usize = 8;

/// Reserve `spectra` for the rest of the input from the average size of the
/// records read so far (`consumed` bytes), so it grows once instead of
/// doubling through copies. Cheaper than counting `Name:` lines up front.
fn reserve_rest(out: &mut SpectrumFile, consumed: usize, remaining: usize) {
    let read = out.spectra.len().max(1);
    let per_record = (consumed / read).max(MIN_RECORD_BYTES);
    out.spectra.reserve(remaining / per_record + 1);
}

/// Finish the open record, if any, before line `end`.
fn close(
    current: &mut Option<Record>,
    end: usize,
    at_eof: bool,
    out: &mut SpectrumFile,
    header_hint: &mut (usize, usize),
) {
    if let Some(record) = current.take() {
        let header = &record.spectrum.header;
        *header_hint = (header.len(), header.text_len());
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
    let bytes = crate::text::text_body(bytes);
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
