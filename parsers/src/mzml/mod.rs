//! mzML reader: plain, indexed (`<indexedmzML>`) and gzip-compressed
//! (detected by the magic bytes `1f 8b`, not the file name).
//!
//! * Parsing is done by [mzdata](https://docs.rs/mzdata) 0.68 over an
//!   in-memory cursor; metadata is read by cvParam **accession**, never name.
//! * Fields: MS:1000511 ms level, MS:1000130/MS:1000129 polarity, MS:1000016
//!   scan start time (UO:0000031 minute / UO:0000010 second / UO:0000028 ms,
//!   all converted to seconds), MS:1000744 selected ion m/z, MS:1000041 charge,
//!   MS:1000045 collision energy (else MS:1000138 NCE), MS:1000796 title;
//!   every cvParam of the spectrum goes into `header` as `(accession, value)`.
//! * Peaks come from MS:1000514 (m/z) and MS:1000515 (intensity) arrays:
//!   32/64-bit float or int, uncompressed, zlib or MS-Numpress. mzdata keeps
//!   them encoded (lazy mode); we decode: SIMD base64 into a reused buffer,
//!   then, since `defaultArrayLength` gives the output size, one libdeflate
//!   call per zlib array (a streaming zlib-rs inflater when the size is
//!   unknown or wrong, with the same result).
//! * [`read`] returns the whole file; [`open`] + [`Document::spectra`] stream
//!   it one spectrum at a time (memory of one spectrum, however long the run).
//!   On `small.mzML` the streaming reader takes ~0.85× the time of mzdata
//!   alone, `read` ~0.9× (`FILES_MZML_ALTERNATE=40 cargo bench --bench files -- mzml`).
//!
//! Limits (bounded memory on hostile input): a gzip file may expand to
//! 64× its size (at least 64 MiB, at most 2 GiB, see [`gzip_limit`]); one
//! decoded binary array may be at most 256 MiB ([`MAX_ARRAY_BYTES`]).
//! Warning and error byte offsets refer to the decompressed document.
//!
//! Files with chromatograms but no spectra read as zero spectra plus a warning.

pub(crate) mod arrays;
mod error;
pub(crate) mod inflate;
mod meta;
mod params;
mod reader;
pub use reader::{panic_is_caught, Spectra};
pub(crate) mod xml;

pub use error::MzmlError;
pub use inflate::{gzip_limit, GZIP_FLOOR, GZIP_HARD_CAP, GZIP_MAX_RATIO, MAX_ARRAY_BYTES};

use inflate::{gunzip_prefix, is_gzip};
use std::borrow::Cow;

use memchr::memmem;

use crate::spectrum::{Position, SpectrumFile, Warning};

/// How far into the document the root element must appear for [`read`].
const ROOT_WINDOW: usize = 64 << 10;
/// How far [`sniff`] looks (decompressed, for gzip input).
const SNIFF_WINDOW: usize = 1024;

/// True if the first KiB (decompressed, for gzip) holds an `<mzML` or
/// `<indexedmzML` element.
pub fn sniff(bytes: &[u8]) -> bool {
    if is_gzip(bytes) {
        has_root(&gunzip_prefix(bytes, SNIFF_WINDOW as u64), SNIFF_WINDOW)
    } else {
        has_root(bytes, SNIFF_WINDOW)
    }
}

fn has_root(bytes: &[u8], window: usize) -> bool {
    let head = bytes.get(..window).unwrap_or(bytes);
    memmem::find(head, b"<mzML").is_some() || memmem::find(head, b"<indexedmzML").is_some()
}

/// Reads every spectrum of an mzML, indexed mzML or gzip-compressed mzML file.
///
/// Recoverable oddities (a declared spectrum count that does not match, array
/// length mismatches, unknown time units, no spectra at all) are returned as
/// warnings beside the spectra. For long runs, [`open`] and
/// [`Document::spectra`] read one spectrum at a time instead.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, MzmlError> {
    match read_in_part(bytes) {
        (file, None) => Ok(file),
        (_, Some(fault)) => Err(fault),
    }
}

/// Like [`read`], but a file cut short or damaged part-way still gives every
/// spectrum before the fault (and the warnings so far), beside the fault.
pub fn read_in_part(bytes: &[u8]) -> (SpectrumFile, Option<MzmlError>) {
    let mut file = SpectrumFile::default();
    let doc = match open(bytes) {
        Ok(doc) => doc,
        Err(e) => return (file, Some(e)),
    };
    let mut spectra = match doc.spectra() {
        Ok(spectra) => spectra,
        Err(e) => return (file, Some(e)),
    };
    // The stream ends after its first fault, so there is at most one.
    let mut fault = None;
    for spectrum in spectra.by_ref() {
        match spectrum {
            Ok(s) => file.spectra.push(s),
            Err(e) => fault = Some(e),
        }
    }
    file.warnings = doc.finish(spectra);
    (file, fault)
}

/// A checked mzML document (decompressed if it was gzip), ready to stream.
pub struct Document<'a> {
    doc: Cow<'a, [u8]>,
}

/// Decompresses (if gzip) and checks `bytes`: the root element is near the
/// start and the document is UTF-8.
pub fn open(bytes: &[u8]) -> Result<Document<'_>, MzmlError> {
    let doc = if is_gzip(bytes) {
        Cow::Owned(crate::gzip::decompress(bytes)?)
    } else {
        Cow::Borrowed(bytes)
    };
    check_plain(&doc)?;
    Ok(Document { doc })
}

impl Document<'_> {
    /// The spectra, one at a time (the header is read here).
    pub fn spectra(&self) -> Result<Spectra<'_>, MzmlError> {
        Spectra::new(&self.doc)
    }

    /// All warnings of a finished `spectra` pass, plus the document-level
    /// ones (no spectra at all; a `<spectrumList count>` that does not match).
    pub fn finish(&self, spectra: Spectra<'_>) -> Vec<Warning> {
        let read = spectra.spectra_read();
        let mut warnings = spectra.into_warnings();
        if read == 0 {
            let chromatograms = memmem::find_iter(&self.doc, b"<chromatogram ").count();
            warnings.push(Warning {
                position: Position::Byte(0),
                message: format!(
                    "no spectra in this file ({chromatograms} chromatograms, which are not read)"
                ),
            });
        }
        if let Some((offset, n)) = declared_count(&self.doc) {
            if n != read {
                warnings.push(Warning {
                    position: Position::Byte(offset),
                    message: format!("<spectrumList count=\"{n}\"> but {read} spectra were read"),
                });
            }
        }
        warnings
    }
}

fn check_plain(doc: &[u8]) -> Result<(), MzmlError> {
    if !has_root(doc, ROOT_WINDOW) {
        return Err(MzmlError::NotMzml);
    }
    // mzML is UTF-8 XML, and mzdata panics on invalid UTF-8 in a cvParam:
    // refuse it here with its position instead of relying on catch_unwind.
    // Nearly every mzML byte is ASCII (base64, tags), and the ASCII check is
    // several times faster than full UTF-8 validation, which only runs if needed.
    if doc.is_ascii() {
        return Ok(());
    }
    std::str::from_utf8(doc)
        .map(|_| ())
        .map_err(|e| MzmlError::Malformed {
            spectrum: memmem::find_iter(
                doc.get(..e.valid_up_to()).unwrap_or_default(),
                b"<spectrum ",
            )
            .count(),
            offset: e.valid_up_to(),
            reason: "invalid UTF-8 (mzML documents are UTF-8 XML)".into(),
        })
}

/// The `count` attribute of `<spectrumList>` and where it is.
fn declared_count(doc: &[u8]) -> Option<(usize, usize)> {
    let at = memmem::find(doc, b"<spectrumList")?;
    let tag = doc.get(at..)?;
    let tag = tag.get(..memchr::memchr(b'>', tag)?)?;
    let v = tag.get(memmem::find(tag, b" count=\"")? + 8..)?;
    let v = v.get(..memchr::memchr(b'"', v)?)?;
    Some((at, std::str::from_utf8(v).ok()?.parse().ok()?))
}
