//! Drives mzdata's `MzMLReader` over the in-memory document, spectrum by
//! spectrum, and turns each into our [`Spectrum`].
//!
//! mzdata is used for the XML state machine and the binary-array model; it is
//! run in lazy mode (arrays decoded here, size-bounded) and its name-keyed
//! metadata is replaced by our accession-keyed scan of the same bytes. mzdata
//! still `expect`s on some malformed values, so the whole drive runs under
//! `catch_unwind` and a panic becomes [`MzmlError::ReaderPanic`].

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mzdata::io::mzml::{MzMLParserError, MzMLParserState, MzMLReaderType};
use mzdata::io::DetailLevel;
use mzdata::spectrum::MultiLayerSpectrum;

use super::arrays::{self, Scratch};
use super::error::MzmlError;
use super::meta;
use super::params::{ref_groups, spectrum_params, RefGroups};
use crate::spectrum::{Position, Spectrum, Warning};

type Reader<'a> = MzMLReaderType<Cursor<&'a [u8]>>;

/// mzdata's XML read buffer; larger than its 10 kB default to cut refills.
const BUFFER: usize = 1 << 16;

thread_local! {
    /// Set while mzdata runs under `catch_unwind` on this thread.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True while this thread is inside the mzML reader's `catch_unwind` guard:
/// a panic hook can stay quiet then, since the panic becomes an
/// [`MzmlError::ReaderPanic`] rather than a crash.
pub fn panic_is_caught() -> bool {
    GUARDED.with(|g| g.get())
}

/// Where the drive got to, kept outside `catch_unwind` so a panic can say where.
#[derive(Default)]
struct Progress {
    /// 0-based index of the spectrum being read.
    index: usize,
    /// Byte offset where that spectrum's XML starts.
    start: usize,
}

/// The spectra of a plain (decompressed) mzML document, one at a time.
///
/// Memory stays at one spectrum however long the run is. Per-spectrum
/// warnings are handed over, with the file's own, by `Document::finish`.
/// After the first error the iterator ends (mzdata's state is unknown after a
/// failure).
pub struct Spectra<'a> {
    /// `None` once the spectrum list is done or a read failed.
    reader: Option<Reader<'a>>,
    doc: &'a [u8],
    groups: RefGroups,
    at: Progress,
    scratch: Scratch,
    warnings: Vec<Warning>,
    /// The root end tag `</mzML>` is missing: any failure, and the end of the
    /// spectra, is reported as truncation.
    truncated: bool,
}

impl<'a> Spectra<'a> {
    /// Reads the header (up to the first spectrum) of `doc`.
    pub(crate) fn new(doc: &'a [u8]) -> Result<Self, MzmlError> {
        let truncated = memchr::memmem::rfind(doc, b"</mzML>").is_none();
        let opened = guarded(|| {
            MzMLReaderType::with_buffer_capacity_and_detail_level(
                Cursor::new(doc),
                BUFFER,
                DetailLevel::Lazy,
            )
        });
        let header_error = |offset| {
            if truncated {
                MzmlError::Truncated {
                    spectrum: 0,
                    offset: doc.len(),
                }
            } else {
                MzmlError::Malformed {
                    spectrum: 0,
                    offset,
                    reason: "the header before the spectrum list is not well-formed mzML".into(),
                }
            }
        };
        let Some(mut reader): Option<Reader<'a>> = opened else {
            return Err(header_error(0));
        };
        let start = position(&mut reader);
        if reader.state == MzMLParserState::ParserError {
            return Err(header_error(start));
        }
        Ok(Spectra {
            reader: Some(reader),
            doc,
            groups: ref_groups(doc),
            at: Progress { index: 0, start },
            scratch: Scratch::default(),
            warnings: Vec::new(),
            truncated,
        })
    }

    /// Number of spectra read so far.
    pub fn spectra_read(&self) -> usize {
        self.at.index
    }

    pub(crate) fn into_warnings(self) -> Vec<Warning> {
        self.warnings
    }

    /// Reads the next spectrum; `Ok(None)` at the end of the spectrum list.
    fn step(&mut self) -> Result<Option<Spectrum>, MzmlError> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        // Any state past the spectrum list (chromatograms, EOF) means no more spectra.
        if reader.state >= MzMLParserState::SpectrumListDone {
            return Ok(None);
        }
        let mut raw = MultiLayerSpectrum::default();
        let at = &self.at;
        let read = guarded(|| reader.read_into(&mut raw)).ok_or(MzmlError::ReaderPanic {
            spectrum: at.index,
            offset: at.start,
        })?;
        match read {
            Ok(_) if reader.state == MzMLParserState::SpectrumDone => {}
            // Between spectra mzdata reports `</spectrumList>` as a mismatched
            // close tag in its `Resume` state; that is the normal end.
            Ok(_)
            | Err(MzMLParserError::EOF)
            | Err(MzMLParserError::IncompleteElementError(_, MzMLParserState::Resume)) => {
                return Ok(None)
            }
            Err(e) => {
                return Err(MzmlError::Malformed {
                    spectrum: at.index,
                    offset: position(reader),
                    reason: e.to_string(),
                })
            }
        }
        let end = position(reader);
        let xml = self.doc.get(self.at.start..end).unwrap_or_default();
        let spectrum = convert(
            &mut raw,
            xml,
            &self.groups,
            &self.at,
            &mut self.warnings,
            &mut self.scratch,
        )?;
        self.at.index += 1;
        self.at.start = end;
        Ok(Some(spectrum))
    }
}

impl Iterator for Spectra<'_> {
    type Item = Result<Spectrum, MzmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.as_ref()?;
        let step = self.step();
        if !matches!(step, Ok(Some(_))) {
            self.reader = None;
        }
        // A missing root end tag explains a failure or an early end better
        // than the XML layer does.
        match step {
            Ok(Some(s)) => Some(Ok(s)),
            Ok(None) | Err(_) if self.truncated => Some(Err(MzmlError::Truncated {
                spectrum: self.at.index,
                offset: self.doc.len(),
            })),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Runs `f` (which drives mzdata) with panics caught: mzdata still `expect`s
/// on some malformed values, and a panic there must become an error.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    GUARDED.with(|g| g.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    r.ok()
}

/// Current byte offset of the parser in `doc`.
fn position(reader: &mut Reader<'_>) -> usize {
    reader.stream_position().map_or(0, |p| p as usize)
}

/// One mzdata spectrum (arrays still encoded) plus its XML bytes → ours.
fn convert(
    raw: &mut MultiLayerSpectrum,
    xml: &[u8],
    groups: &RefGroups,
    at: &Progress,
    warnings: &mut Vec<Warning>,
    scratch: &mut Scratch,
) -> Result<Spectrum, MzmlError> {
    let mut s = Spectrum::default();
    let params = spectrum_params(xml, groups);
    let mut notes = meta::apply(&mut s, params);
    s.ids
        .push(("mzML id".into(), std::mem::take(&mut raw.description.id)));
    let (peaks, note) = arrays::peaks(raw.arrays.as_mut(), default_array_length(xml), scratch)
        .map_err(|e| MzmlError::BinaryArray {
            spectrum: at.index,
            array: e.array,
            reason: e.reason,
        })?;
    s.peaks = peaks;
    notes.extend(note);
    warnings.extend(notes.into_iter().map(|m| Warning {
        position: Position::Byte(at.start),
        message: format!("spectrum {}: {m}", at.index),
    }));
    Ok(s)
}

/// The `defaultArrayLength` attribute of the `<spectrum>` start tag.
fn default_array_length(xml: &[u8]) -> Option<usize> {
    let tag = xml.get(..memchr::memchr(b'>', xml)?)?;
    let at = memchr::memmem::find(tag, b"defaultArrayLength=\"")? + 20;
    let v = tag.get(at..)?;
    std::str::from_utf8(v.get(..memchr::memchr(b'"', v)?)?)
        .ok()?
        .parse()
        .ok()
}
