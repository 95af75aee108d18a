//! One MSP record being assembled, and the checks made when it ends.

use super::fields::NormKey;
use crate::spectrum::scan::{peak_capacity, text_cow};
use crate::spectrum::{Header, Position, Spectrum, SpectrumKind, Warning};

/// Most header pairs reserved up front from the previous record's count.
const MAX_HEADER_HINT: usize = 64;

/// A record under construction.
#[derive(Debug)]
pub(super) struct Record {
    pub(super) spectrum: Spectrum,
    /// Line of the record's first header or peak line.
    pub(super) start: usize,
    /// `Num Peaks` value and its line.
    pub(super) declared: Option<(usize, usize)>,
    /// Whether the peak list has begun (after `Num Peaks:` or a first peak).
    pub(super) in_peaks: bool,
    /// First line that carried peaks beyond the declared count.
    pub(super) overflow_line: Option<usize>,
}

impl Record {
    /// A record starting on line `start`, with room for as many header pairs
    /// and bytes as the previous record had (libraries repeat their layout).
    pub(super) fn new(start: usize, (fields, bytes): (usize, usize)) -> Self {
        let spectrum = Spectrum {
            kind: Some(SpectrumKind::Mass),
            header: Header::with_capacity(
                fields.min(MAX_HEADER_HINT),
                bytes.min(MAX_HEADER_HINT * 64),
            ),
            ..Spectrum::default()
        };
        Record {
            spectrum,
            start,
            declared: None,
            in_peaks: false,
            overflow_line: None,
        }
    }

    /// Fill the typed field the pair maps to, then keep it as written.
    pub(super) fn push_header(&mut self, key: &[u8], norm: &NormKey, value: &[u8]) {
        let value = text_cow(value);
        super::fields::apply(norm, &value, &mut self.spectrum);
        self.spectrum.header.push(text_cow(key), value);
    }

    /// `Num Peaks: n` seen on `line`: the peak list starts here.
    pub(super) fn start_peaks(&mut self, declared: usize, line: usize, remaining: usize) {
        self.declared = Some((declared, line));
        self.in_peaks = true;
        self.spectrum
            .peaks
            .reserve(peak_capacity(declared, remaining));
    }

    /// Note the line if it pushed the peak count past the declared one.
    pub(super) fn check_overflow(&mut self, line: usize) {
        if let Some((n, _)) = self.declared {
            if self.spectrum.peaks.len() > n && self.overflow_line.is_none() {
                self.overflow_line = Some(line);
            }
        }
    }

    /// Whether this record ever reached a peak list.
    pub(super) fn has_peak_list(&self) -> bool {
        self.in_peaks
    }

    /// Close the record before line `end` (`at_eof`: the input ran out), adding
    /// a warning for each inconsistency, and return the spectrum.
    pub(super) fn finish(self, end: usize, at_eof: bool, warnings: &mut Vec<Warning>) -> Spectrum {
        let start = self.start;
        let mut warn = |line: usize, message: String| {
            warnings.push(Warning {
                position: Position::Line(line),
                message,
            });
        };
        let got = self.spectrum.peaks.len();
        if self.spectrum.title.is_none() {
            warn(
                start,
                format!("record starting at line {start} has no `Name:`"),
            );
        }
        match self.declared {
            None if self.in_peaks => warn(
                start,
                format!("record starting at line {start} has {got} peaks but no `Num Peaks:` line"),
            ),
            None => warn(
                start,
                format!("record starting at line {start} has no `Num Peaks:` line and no peaks"),
            ),
            // Fewer peaks is a warning, even with none: one damaged record
            // must not cost the rest of a library; the count shows the gap.
            Some((n, line)) if got < n && at_eof => warn(
                end,
                format!(
                    "input ends at line {end} after {got} of the {n} peaks declared by \
                     `Num Peaks` on line {line} (truncated?)"
                ),
            ),
            Some((n, line)) if got < n => warn(
                end,
                format!(
                    "peak list ends before line {end} with {got} of the {n} peaks declared \
                     by `Num Peaks` on line {line}"
                ),
            ),
            Some((n, line)) if got > n => {
                let from = self.overflow_line.unwrap_or(end);
                warn(
                    from,
                    format!(
                        "`Num Peaks` on line {line} declares {n} peaks but {got} follow (extra \
                         from line {from}); all {got} kept in this record"
                    ),
                );
            }
            Some(_) => {}
        }
        self.spectrum
    }
}
