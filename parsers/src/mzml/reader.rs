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
use crate::spectrum::{Position, Spectrum, SpectrumFile, Warning};

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

/// Reads every spectrum of a plain (decompressed) mzML document.
pub(crate) fn read_document(doc: &[u8]) -> Result<SpectrumFile, MzmlError> {
    let groups = ref_groups(doc);
    let mut out = SpectrumFile::default();
    let mut at = Progress::default();
    GUARDED.with(|g| g.set(true));
    let drive = catch_unwind(AssertUnwindSafe(|| drive(doc, &groups, &mut out, &mut at)));
    GUARDED.with(|g| g.set(false));
    let result = match drive {
        Ok(r) => r,
        Err(_) => Err(MzmlError::ReaderPanic {
            spectrum: at.index,
            offset: at.start,
        }),
    };
    // A missing root end tag explains any failure better than the XML layer.
    if memchr::memmem::rfind(doc, b"</mzML>").is_none() {
        return Err(MzmlError::Truncated {
            spectrum: at.index,
            offset: doc.len(),
        });
    }
    result.map(|()| out)
}

/// Current byte offset of the parser in `doc`.
fn position(reader: &mut Reader<'_>) -> usize {
    reader.stream_position().map_or(0, |p| p as usize)
}

fn drive(
    doc: &[u8],
    groups: &RefGroups,
    out: &mut SpectrumFile,
    at: &mut Progress,
) -> Result<(), MzmlError> {
    let mut reader: Reader<'_> = MzMLReaderType::with_buffer_capacity_and_detail_level(
        Cursor::new(doc),
        BUFFER,
        DetailLevel::Lazy,
    );
    at.start = position(&mut reader);
    if reader.state == MzMLParserState::ParserError {
        return Err(MzmlError::Malformed {
            spectrum: 0,
            offset: at.start,
            reason: "the header before the spectrum list is not well-formed mzML".to_owned(),
        });
    }
    let mut scratch = Scratch::default();
    // Any state past the spectrum list (chromatograms, EOF) means no more spectra.
    while reader.state < MzMLParserState::SpectrumListDone {
        let mut raw = MultiLayerSpectrum::default();
        match reader.read_into(&mut raw) {
            Ok(_) if reader.state == MzMLParserState::SpectrumDone => {}
            // Between spectra mzdata reports `</spectrumList>` as a mismatched
            // close tag in its `Resume` state; that is the normal end.
            Ok(_)
            | Err(MzMLParserError::EOF)
            | Err(MzMLParserError::IncompleteElementError(_, MzMLParserState::Resume)) => break,
            Err(e) => {
                return Err(MzmlError::Malformed {
                    spectrum: at.index,
                    offset: position(&mut reader),
                    reason: e.to_string(),
                })
            }
        }
        let end = position(&mut reader);
        let xml = doc.get(at.start..end).unwrap_or_default();
        let spectrum = convert(&mut raw, xml, groups, at, &mut out.warnings, &mut scratch)?;
        out.spectra.push(spectrum);
        at.index += 1;
        at.start = end;
    }
    Ok(())
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
