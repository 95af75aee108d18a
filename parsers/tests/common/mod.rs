//! Helpers shared by the integration tests in `parsers/tests/*.rs`: finding
//! the real files in `../shared/data` (beside the checkout) and the project's
//! own `fixtures/`, walking and reading them with panics that name the path,
//! and the peers' counts committed in `tests/data/*.json`.
//!
//! The shared data folder is optional: a test that needs it is skipped with a
//! printed message when it is absent, unless `SYNTHWATCH_REQUIRE_SHARED=1`,
//! which makes its absence a failure.
//!
//! Each test file is its own crate and uses only some of these, hence
//! `dead_code` is allowed.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;
use synthwatch_parsers::spectrum::{Position, SpectrumFile};

/// `../shared/data` beside the checkout, whether or not it exists.
pub fn shared_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data")
}

/// Whether `SYNTHWATCH_REQUIRE_SHARED=1` turns missing shared data into a failure.
pub fn shared_required() -> bool {
    std::env::var("SYNTHWATCH_REQUIRE_SHARED").as_deref() == Ok("1")
}

/// `dir` when it is a folder. Otherwise panics with `missing(dir)` when
/// [`shared_required`], or calls `skip(dir)` (which says why) and returns
/// `None`. For tests whose messages differ from [`shared_data`]'s.
pub fn dir_or_skip(
    dir: PathBuf,
    missing: impl FnOnce(&Path) -> String,
    skip: impl FnOnce(&Path),
) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    if shared_required() {
        panic!("{}", missing(&dir));
    }
    skip(&dir);
    None
}

/// `dir`, or `None` (after saying so on stderr) when it is absent; a panic
/// instead when `SYNTHWATCH_REQUIRE_SHARED=1`.
fn present(dir: PathBuf) -> Option<PathBuf> {
    dir_or_skip(
        dir,
        |d| format!("SYNTHWATCH_REQUIRE_SHARED=1 but {} is missing", d.display()),
        |d| eprintln!("skipping: shared data not found at {}", d.display()),
    )
}

/// `../shared/data`, or `None` (after saying so) when it is absent and
/// `SYNTHWATCH_REQUIRE_SHARED=1` is not set.
pub fn shared_data() -> Option<PathBuf> {
    present(shared_root())
}

/// `../shared/data/<rel>` (a folder), with the same skip/require rule as
/// [`shared_data`], applied to that folder.
pub fn shared_subdir(rel: &str) -> Option<PathBuf> {
    present(shared_root().join(rel))
}

/// Every file under `dir`, recursively, in sorted path order. Panics naming
/// the folder when it cannot be listed.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    fn walk_into(dir: &Path, out: &mut Vec<PathBuf>) {
        for path in list(dir) {
            if path.is_dir() {
                walk_into(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk_into(dir, &mut out);
    out
}

/// The entries directly in `dir` (files and folders), sorted. Panics naming
/// the folder when it cannot be listed.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    entries
}

/// The files directly in `dir` (no sub-folders, not recursive), sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    list(dir).into_iter().filter(|p| p.is_file()).collect()
}

/// The bytes of `path`; panics naming the path when it cannot be read.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `fixtures/<rel>` at the workspace root (`CARGO_MANIFEST_DIR/../fixtures`).
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(rel)
}

/// The bytes of `fixtures/<rel>`; panics naming the path when unreadable.
pub fn read_fixture(rel: &str) -> Vec<u8> {
    read(&fixture(rel))
}

/// The bytes of the broken-input fixture `fixtures/err/<name>`.
pub fn err_fixture(name: &str) -> Vec<u8> {
    read_fixture(&format!("err/{name}"))
}

/// Where `file`'s warnings whose message contains `needle` point, in order.
pub fn warnings_at(file: &SpectrumFile, needle: &str) -> Vec<Position> {
    let hits = file.warnings.iter().filter(|w| w.message.contains(needle));
    hits.map(|w| w.position).collect()
}

/// The layout of both peer-count files: `{"files": {<file>: <figures>}, …}`.
#[derive(Deserialize)]
struct CountsFile<T> {
    files: BTreeMap<String, T>,
}

fn parse_counts<T: for<'de> Deserialize<'de>>(name: &str, json: &str) -> CountsFile<T> {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("tests/data/{name}: {e}"))
}

/// One peer's figures for one file in `matchms_counts.json`: its counts, or
/// the error it raised instead.
#[derive(Deserialize)]
struct PeerFigures {
    spectra: Option<usize>,
    peaks: Option<usize>,
    error: Option<String>,
}

/// `(spectra, peaks)` that `peer` (`"matchms"` or `"pyteomics"`) read from
/// `file` (relative to `shared/data`, e.g. `"mgf/pyteomics-test.mgf"`), or the
/// error it raised, from `tests/data/matchms_counts.json` (written by
/// `benches/peers/matchms_counts.py`). `None` when the file or peer is absent.
pub fn matchms_counts(file: &str, peer: &str) -> Option<Result<(usize, usize), String>> {
    static COUNTS: OnceLock<CountsFile<BTreeMap<String, PeerFigures>>> = OnceLock::new();
    let counts = COUNTS.get_or_init(|| {
        parse_counts(
            "matchms_counts.json",
            include_str!("../data/matchms_counts.json"),
        )
    });
    let figures = counts.files.get(file)?.get(peer)?;
    if let Some(error) = &figures.error {
        return Some(Err(error.clone()));
    }
    Some(Ok((figures.spectra?, figures.peaks?)))
}

/// pyteomics' figures for one file in `tests/data/pyteomics_counts.json`
/// (written by `benches/peers/pyteomics_counts.py`).
#[derive(Debug, Clone, Deserialize)]
pub struct PyteomicsCounts {
    /// Spectra read.
    pub spectra: usize,
    /// Peaks summed over all spectra.
    pub peaks: usize,
    /// The first (up to) three m/z values of the first spectrum.
    pub first_mz: Vec<f64>,
}

/// pyteomics' figures for `file` (a name in `shared/data/mzml`), or `None`
/// when the JSON has no entry for it.
pub fn pyteomics_counts(file: &str) -> Option<PyteomicsCounts> {
    static COUNTS: OnceLock<CountsFile<PyteomicsCounts>> = OnceLock::new();
    let counts = COUNTS.get_or_init(|| {
        parse_counts(
            "pyteomics_counts.json",
            include_str!("../data/pyteomics_counts.json"),
        )
    });
    counts.files.get(file).cloned()
}
