//! MassBank record format (`ACCESSION:` … `PK$PEAK:` … `//`).
//!
//! Each line is `TAG: value`; a line starting with two spaces continues the
//! previous tag. Continuations of `PK$PEAK` are the peak table
//! (`m/z int. rel.int.`: `Peak::intensity` is the absolute `int.` column; the
//! relative one is derivable and dropped). Continuations of other tags
//! (`PK$ANNOTATION`'s table, wrapped comments) are appended to that tag's
//! header value, one row per line. `//` ends a record; a file may hold several.

mod error;
mod fields;

pub use error::MassBankError;

use crate::spectrum::scan::{excerpt, next_column, number, peak_capacity, text, trim, Lines};
use crate::spectrum::{Peak, Spectrum, SpectrumFile, SpectrumKind};

/// A record being read.
struct Record {
    spectrum: Spectrum,
    start: usize,
    /// `PK$NUM_PEAK` value and its line.
    declared: Option<(usize, usize)>,
    /// Whether continuation lines currently belong to `PK$PEAK`.
    in_peaks: bool,
}

/// Read every record of a MassBank record file.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, MassBankError> {
    let bytes = crate::text::text_body(bytes);
    let mut out = SpectrumFile::default();
    let mut record: Option<Record> = None;
    let mut lines = Lines::new(bytes);
    let mut last_line = 0;
    while let Some((n, raw)) = lines.next() {
        last_line = n;
        let line = trim(raw);
        if line.is_empty() {
            continue;
        }
        // Indented: a continuation line. The format indents with two spaces;
        // hand-edited and converted records use a tab or one space.
        if raw.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            continuation(line, n, record.as_mut(), &mut out)?;
            continue;
        }
        if line == b"//" {
            match record.take() {
                Some(r) => finish(r, n, false, &mut out),
                None => warn(
                    &mut out,
                    n,
                    "`//` without a record before it; ignored".into(),
                ),
            }
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            warn(
                &mut out,
                n,
                format!("expected `TAG: value`, ignored `{}`", excerpt(line)),
            );
            continue;
        };
        let tag = text(trim(line.get(..colon).unwrap_or_default()));
        let value = text(trim(line.get(colon + 1..).unwrap_or_default()));
        let r = record.get_or_insert_with(|| Record {
            spectrum: Spectrum {
                kind: Some(SpectrumKind::Mass),
                ..Spectrum::default()
            },
            start: n,
            declared: None,
            in_peaks: false,
        });
        r.in_peaks = tag == "PK$PEAK";
        if tag == "PK$NUM_PEAK" {
            // `N/A` or junk leaves the count undeclared; `finish` warns.
            if let Some(declared) = number(value.as_bytes()).filter(|v| v.fract() == 0.0) {
                let declared = declared.max(0.0) as usize;
                r.declared = Some((declared, n));
                let capacity = peak_capacity(declared, lines.remaining());
                r.spectrum.peaks.reserve(capacity);
            }
        }
        fields::apply(&tag, &value, &mut r.spectrum);
        r.spectrum.header.push(tag, value);
    }
    if let Some(r) = record.take() {
        finish(r, last_line, true, &mut out);
    }
    if out.spectra.is_empty() {
        return Err(MassBankError::NoRecords);
    }
    Ok(out)
}

/// A line that started with two spaces: a peak row or a wrapped value.
fn continuation(
    row: &[u8],
    n: usize,
    record: Option<&mut Record>,
    out: &mut SpectrumFile,
) -> Result<(), MassBankError> {
    let Some(r) = record else {
        warn(
            out,
            n,
            format!("indented line before any tag; ignored `{}`", excerpt(row)),
        );
        return Ok(());
    };
    if !r.in_peaks {
        r.spectrum.header.extend_last_value("\n");
        r.spectrum.header.extend_last_value(&text(row));
        return Ok(());
    }
    let bad = |expected| MassBankError::Syntax {
        line: n,
        expected,
        found: excerpt(row),
    };
    let mut at = 0;
    let x = next_column(row, &mut at)
        .flatten()
        .ok_or_else(|| bad("a peak m/z number"))?;
    let intensity = next_column(row, &mut at)
        .flatten()
        .ok_or_else(|| bad("an intensity after the peak m/z"))?;
    r.spectrum.peaks.push(Peak { x, intensity });
    Ok(())
}

/// Check the record's peak count and push it.
fn finish(r: Record, end: usize, at_eof: bool, out: &mut SpectrumFile) {
    let got = r.spectrum.peaks.len();
    let start = r.start;
    if at_eof {
        let msg = format!("record from line {start} ends at line {end} without `//` (truncated?)");
        warn(out, end, msg);
    }
    match r.declared {
        Some((n, line)) if n != got => {
            let msg =
                format!("`PK$NUM_PEAK` on line {line} says {n} peaks but the record has {got}");
            warn(out, line, msg);
        }
        Some(_) => {}
        None => {
            let msg = format!("record from line {start} has no numeric `PK$NUM_PEAK`");
            warn(out, start, msg);
        }
    }
    out.spectra.push(r.spectrum);
}

fn warn(out: &mut SpectrumFile, line: usize, message: String) {
    out.warn_line(line, message);
}

/// How many leading bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 8192;

/// Does `bytes` look like a MassBank record? True when, within the first
/// 8 KiB, a line starts with `ACCESSION:` and another with a MassBank tag
/// prefix (`CH$`, `AC$`, `MS$`, `PK$`).
pub fn sniff(bytes: &[u8]) -> bool {
    let bytes = crate::text::text_body(bytes);
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let (mut accession, mut tagged) = (false, false);
    for (_, line) in Lines::new(head) {
        accession |= line.starts_with(b"ACCESSION:");
        let prefix = line.get(..3).unwrap_or_default();
        tagged |= matches!(prefix, b"CH$" | b"AC$" | b"MS$" | b"PK$");
        if accession && tagged {
            return true;
        }
    }
    false
}
