//! mzXML reader (mzXML 2.x and 3.x), written here because mzdata does not read
//! mzXML: quick-xml for the document, base64 + zlib (size-bounded, at most
//! 256 MiB per `<peaks>`, see [`crate::mzml::MAX_ARRAY_BYTES`]) for the peaks.
//!
//! Each `<scan>` becomes one [`Spectrum`](crate::spectrum::Spectrum), in
//! start-tag order (an MS1 precedes the MS2 scans nested in it). Scan
//! attributes go to `header` as written; `<precursorMz>` attributes as
//! `precursorMz.<name>`. A `peaksCount` that disagrees with the decoded peaks
//! is a warning.

mod error;
mod peaks;
mod reader;
mod time;

pub use error::MzxmlError;

use crate::spectrum::SpectrumFile;

/// How far into the document the root element must appear for [`read`].
const ROOT_WINDOW: usize = 64 << 10;

/// True if the first KiB holds an `<mzXML` element.
pub fn sniff(bytes: &[u8]) -> bool {
    has_root(bytes, 1024)
}

fn has_root(bytes: &[u8], window: usize) -> bool {
    let head = bytes.get(..window).unwrap_or(bytes);
    memchr::memmem::find(head, b"<mzXML").is_some()
}

/// Reads every scan of an mzXML file.
pub fn read(bytes: &[u8]) -> Result<SpectrumFile, MzxmlError> {
    if !has_root(bytes, ROOT_WINDOW) {
        return Err(MzxmlError::NotMzxml);
    }
    reader::read_document(bytes)
}
