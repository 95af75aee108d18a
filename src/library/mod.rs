//! Spectral libraries: every spectrum of the files a user brings (SWGDRUG,
//! Cayman, HighResNPS, MoNA or in-house; any format the readers understand),
//! with where each came from, ready for the matching core.
//!
//! This is the I/O side; the matching core ([`crate::matching`]) never reads
//! files. A library's version is the order-sensitive digest of
//! its files' bytes ([`Library::version`]), so a finding can name exactly
//! which library produced it.

use std::path::{Path, PathBuf};

use synthwatch_parsers::spectrum::{Ionisation, Spectrum, SpectrumKind};

use crate::decode::{decode, Format};

/// One library file and what was taken from it.
#[derive(Debug, Clone)]
pub struct LibraryFile {
    /// Path as given.
    pub path: PathBuf,
    /// Format it was read as.
    pub format: String,
    /// Spectra taken from it.
    pub spectra: usize,
    /// Spectra skipped (no peaks, or not mass spectra), with the reason.
    pub skipped: Vec<(usize, &'static str)>,
    /// Recoverable oddities the reader reported.
    pub warnings: Vec<String>,
    /// Digest of the file's bytes (FNV-1a 64, hex): changes when the file does.
    pub digest: String,
}

/// One library spectrum with its provenance.
#[derive(Debug, Clone)]
pub struct LibraryEntry {
    /// Index into [`Library::files`].
    pub file: usize,
    /// Position of the spectrum in its file (0-based).
    pub index_in_file: usize,
    /// Compound name (title, else first name, else `spectrum N`).
    pub name: String,
    /// Precursor m/z when the file gives one.
    pub precursor_mz: Option<f64>,
    /// How the spectrum was acquired, when stated.
    pub ionisation: Option<Ionisation>,
    /// Peaks as read: `(m/z, intensity)`.
    pub peaks: Vec<(f64, f64)>,
}

/// All spectra of the library files, in file order.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// The files, in the order given.
    pub files: Vec<LibraryFile>,
    /// Their spectra, file by file.
    pub entries: Vec<LibraryEntry>,
}

/// A library file that could not be used at all.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The file could not be read.
    #[error("{path}: cannot read library: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file was read but is not a usable spectrum library.
    #[error("{path}: not a spectrum library: {reason}")]
    NotALibrary {
        /// The file.
        path: String,
        /// What the reader said, or that it held no mass spectra.
        reason: String,
    },
}

impl Library {
    /// Read every file; any unusable file is an error (a silently smaller
    /// library would give false negatives).
    pub fn load(paths: &[PathBuf]) -> Result<Library, LibraryError> {
        let mut library = Library::default();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|source| LibraryError::Io {
                path: path.display().to_string(),
                source,
            })?;
            library.add(path, &bytes)?;
        }
        Ok(library)
    }

    /// Add one file's spectra from its bytes.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), LibraryError> {
        let name = path.display().to_string();
        let decoded = decode(bytes, Format::Auto);
        if let Some(err) = decoded.errors.first() {
            return Err(LibraryError::NotALibrary {
                path: name,
                reason: err.to_string(),
            });
        }
        let file = self.files.len();
        let mut skipped = Vec::new();
        let mut taken = 0;
        for (i, s) in decoded.spectra.into_iter().enumerate() {
            match usable(&s) {
                Err(reason) => skipped.push((i, reason)),
                Ok(()) => {
                    self.entries.push(entry(file, i, s));
                    taken += 1;
                }
            }
        }
        if taken == 0 {
            return Err(LibraryError::NotALibrary {
                path: name,
                reason: "it holds no mass spectrum with peaks".to_owned(),
            });
        }
        self.files.push(LibraryFile {
            path: path.to_owned(),
            format: decoded
                .format
                .map_or_else(|| "unknown".to_owned(), |f| format!("{f:?}")),
            spectra: taken,
            skipped,
            warnings: decoded.warnings,
            digest: format!("{:016x}", fnv1a(bytes)),
        });
        Ok(())
    }

    /// The library's version: a digest over its files' digests in order.
    pub fn version(&self) -> String {
        let joined: Vec<u8> = self
            .files
            .iter()
            .flat_map(|f| f.digest.bytes().chain([b';']))
            .collect();
        format!("{:016x}", fnv1a(&joined))
    }

    /// Number of spectra.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no spectrum was loaded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn usable(s: &Spectrum) -> Result<(), &'static str> {
    if s.peaks.is_empty() {
        return Err("no peaks");
    }
    match s.kind {
        Some(SpectrumKind::Mass) | None | Some(SpectrumKind::Unknown) => Ok(()),
        Some(_) => Err("not a mass spectrum"),
    }
}

fn entry(file: usize, index_in_file: usize, s: Spectrum) -> LibraryEntry {
    let name = s
        .title
        .clone()
        .or_else(|| s.names.first().cloned())
        .unwrap_or_else(|| format!("spectrum {}", index_in_file + 1));
    LibraryEntry {
        file,
        index_in_file,
        name,
        precursor_mz: s.precursor_mz.map(|m| m.0),
        ionisation: s.ionisation,
        peaks: s.peaks.iter().map(|p| (p.x, p.intensity)).collect(),
    }
}

/// FNV-1a, 64-bit: a content fingerprint (not a security hash).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
