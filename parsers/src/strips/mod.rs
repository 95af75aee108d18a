//! Drug-checking test strips (fentanyl, nitazene, benzodiazepine, xylazine
//! lateral-flow strips): strip-reader CSV exports and strip photos.
//!
//! * [`read_csv`] / [`sniff_csv`]: one [`StripReading`] per row of a reader
//!   export (schema in `docs/strip-csv-schema.md`).
//! * [`read_photo`] / [`sniff_photo`]: bands and their background-corrected
//!   intensities from a PNG/JPEG photo of a strip.

mod csv;
mod photo;

pub use self::csv::{
    read_csv, sniff_csv, Cutoff, CutoffUnit, ReaderCall, StripCsvError, StripFile, StripReading,
    StripWarning, Target,
};
pub use photo::{
    read_photo, read_photo_with, sniff_photo, Band, PhotoOptions, PhotoWarning, StripLayout,
    StripPhoto, StripPhotoError, MAX_ALLOC, MAX_SIDE,
};
