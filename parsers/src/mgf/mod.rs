//! Mascot Generic Format (MGF) peak lists.
//!
//! Parameters before the first block are global and apply to every spectrum
//! unless the block sets the same key. Each spectrum's header holds the
//! global pairs it did not override, then its own pairs, in file order, so
//! [`Spectrum::header_value`](crate::spectrum::Spectrum::header_value) returns
//! the value in effect. Lines starting `#`, `;`, `!` or `/` are comments.
//!
//! Peak lines are `m/z intensity [charge-or-annotation]`; the third column is
//! ignored. A block missing `END IONS` is kept with a warning; a line that is
//! neither a parameter nor a peak is an error (see [`MgfError`]).

mod error;
mod params;

pub use error::MgfError;

use crate::spectrum::scan::{excerpt, next_column, starts_like_peak, text, trim, Lines};
use crate::spectrum::{Peak, Spectrum, SpectrumFile, SpectrumKind};
use params::ChargeSource;

/// A `BEGIN IONS` block being read.
struct Block {
    spectrum: Spectrum,
    charge_source: ChargeSource,
    start: usize,
    /// Peak lines with an m/z but no intensity, and the first such line.
    no_intensity: (usize, usize),
}

/// Global parameters and what they set.
#[derive(Default)]
struct Globals {
    pairs: Vec<(String, String)>,
    template: Spectrum,
    charge_source: ChargeSource,
}

/// Read every `BEGIN IONS` … `END IONS` block of an MGF file.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, MgfError> {
    let bytes = crate::text::text_body(bytes);
    let mut out = SpectrumFile::default();
    let mut globals = Globals {
        template: Spectrum {
            kind: Some(SpectrumKind::Mass),
            ..Spectrum::default()
        },
        ..Globals::default()
    };
    let mut block: Option<Block> = None;
    let mut any_block = false;
    let mut last_line = 0;
    for (n, raw) in Lines::new(bytes) {
        last_line = n;
        let line = trim(raw);
        // Hot path first: a peak line inside a block (cannot be a comment,
        // `BEGIN IONS`, `END IONS` or a parameter, all of which start with a
        // non-digit; `starts_like_peak` cases that are not digits go below).
        if let Some(open) = block
            .as_mut()
            .filter(|_| line.first().is_some_and(u8::is_ascii_digit))
        {
            peak_line(line, n, open)?;
            continue;
        }
        if line.is_empty() || matches!(line.first(), Some(b'#' | b';' | b'!' | b'/')) {
            continue;
        }
        if line.eq_ignore_ascii_case(b"BEGIN IONS") {
            if let Some(open) = block.take() {
                let msg = format!(
                    "`BEGIN IONS` before `END IONS` of the block from line {}; block closed here",
                    open.start
                );
                warn(&mut out, n, msg);
                finish(open, &globals, &mut out);
            }
            block = Some(Block {
                spectrum: globals.template.clone(),
                charge_source: globals.charge_source,
                start: n,
                no_intensity: (0, 0),
            });
            any_block = true;
        } else if line.eq_ignore_ascii_case(b"END IONS") {
            match block.take() {
                Some(open) => finish(open, &globals, &mut out),
                None => warn(
                    &mut out,
                    n,
                    "`END IONS` without `BEGIN IONS`; ignored".to_owned(),
                ),
            }
        } else if let Some(open) = block.as_mut().filter(|_| starts_like_peak(line)) {
            peak_line(line, n, open)?;
        } else if let Some(eq) = memchr::memchr(b'=', line) {
            let key = text(trim(line.get(..eq).unwrap_or_default()));
            let value = text(trim(line.get(eq + 1..).unwrap_or_default()));
            match block.as_mut() {
                Some(b) => {
                    params::apply(&key, &value, true, &mut b.spectrum, &mut b.charge_source);
                    b.spectrum.header.push(key, value);
                }
                None => {
                    let g = &mut globals;
                    params::apply(&key, &value, false, &mut g.template, &mut g.charge_source);
                    g.pairs.push((key, value));
                }
            }
        } else {
            return Err(MgfError::Syntax {
                line: n,
                expected: if block.is_some() {
                    "`KEY=value`, a peak line or `END IONS`"
                } else {
                    "`KEY=value` or `BEGIN IONS`"
                },
                found: excerpt(line),
            });
        }
    }
    if let Some(open) = block.take() {
        let msg = format!(
            "input ends at line {last_line} inside the block from line {} (no `END IONS`; truncated?); block kept",
            open.start
        );
        warn(&mut out, last_line, msg);
        finish(open, &globals, &mut out);
    }
    if !any_block {
        return Err(MgfError::NoSpectra);
    }
    Ok(out)
}

/// Parse `m/z [intensity [third column]]` into the block.
fn peak_line(line: &[u8], n: usize, block: &mut Block) -> Result<(), MgfError> {
    let bad = |expected| MgfError::Syntax {
        line: n,
        expected,
        found: excerpt(line),
    };
    let mut at = 0;
    let x = next_column(line, &mut at)
        .flatten()
        .ok_or_else(|| bad("a peak m/z number"))?;
    // A third column (charge or fragment annotation) is ignored.
    let intensity = match next_column(line, &mut at) {
        Some(Some(v)) => v,
        Some(None) => return Err(bad("a peak intensity number after the m/z")),
        None => {
            // Mascot allows an m/z alone; read it as intensity 0 and say so.
            if block.no_intensity.0 == 0 {
                block.no_intensity.1 = n;
            }
            block.no_intensity.0 += 1;
            0.0
        }
    };
    block.spectrum.peaks.push(Peak { x, intensity });
    Ok(())
}

/// Close a block: add the globals it did not override, then push it.
fn finish(block: Block, globals: &Globals, out: &mut SpectrumFile) {
    let mut spectrum = block.spectrum;
    let own = std::mem::take(&mut spectrum.header);
    spectrum.header = globals
        .pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| !own.iter().any(|(o, _)| o.eq_ignore_ascii_case(k)))
        .chain(own.iter())
        .collect();
    if spectrum.title.is_none() {
        spectrum.title = spectrum.names.first().cloned();
    }
    let (count, first) = block.no_intensity;
    if count > 0 {
        let msg = format!("{count} peak line(s) from line {first} have no intensity; read as 0");
        warn(out, first, msg);
    }
    out.spectra.push(spectrum);
}

fn warn(out: &mut SpectrumFile, line: usize, message: String) {
    out.warn_line(line, message);
}

/// How many leading bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 8192;

/// Does `bytes` look like MGF? True when a `BEGIN IONS` line appears within
/// the first 8 KiB and every earlier line is blank, a comment or `KEY=value`.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    for (_, raw) in Lines::new(head) {
        let line = trim(raw);
        if line.eq_ignore_ascii_case(b"BEGIN IONS") {
            return true;
        }
        let comment = matches!(line.first(), Some(b'#' | b';' | b'!' | b'/'));
        if !(line.is_empty() || comment || line.contains(&b'=')) {
            return false;
        }
    }
    false
}
