//! Text spectrum reader throughput (MB/s): MSP and MGF, plus MassBank.
//!
//! Inputs are real files from `../shared/data`, concatenated and repeated to a
//! few MB so per-call overhead does not flatter the figure:
//!
//! * MSP: all 109 NIST fentanyl EI files (sorted by path, each followed by a
//!   blank line) × [`MSP_REPEAT`];
//! * MGF: the biggest MGF (`mzdata-small.mgf`) × [`MGF_REPEAT`];
//! * MassBank: all 1,022 records (one call per file, summed bytes).
//!
//! Every iteration asserts the spectrum and peak counts, so a broken reader
//! cannot post a fast number. `benches/peers/matchms_peer.py` builds the same
//! bytes and times matchms on them.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput};
use synthwatch_parsers::{massbank, mgf, msp};

const MSP_REPEAT: usize = 20;
const MGF_REPEAT: usize = 5;
/// NIST fentanyl EI set: spectra and peaks per copy (equal to matchms's).
const MSP_SPECTRA: usize = 109;
const MSP_PEAKS: usize = 16_391;
/// `mzdata-small.mgf`: spectra and peaks per copy (equal to matchms's).
const MGF_SPECTRA: usize = 35;
const MGF_PEAKS: usize = 25_350;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The MSP corpus; `matchms_peer.py` builds the identical bytes.
fn msp_input() -> Vec<u8> {
    let mut files = Vec::new();
    files_under(&shared().join("msp/nist-fentanyl-ei"), &mut files);
    files.sort();
    assert_eq!(files.len(), MSP_SPECTRA);
    let mut one = Vec::new();
    for f in &files {
        one.extend(std::fs::read(f).expect("read MSP"));
        one.push(b'\n');
    }
    one.repeat(MSP_REPEAT)
}

fn mgf_input() -> Vec<u8> {
    std::fs::read(shared().join("mgf/mzdata-small.mgf"))
        .expect("read MGF")
        .repeat(MGF_REPEAT)
}

fn counts(file: &synthwatch_parsers::spectrum::SpectrumFile) -> (usize, usize) {
    let peaks = file.spectra.iter().map(|s| s.peaks.len()).sum();
    (file.spectra.len(), peaks)
}

pub fn text_spectra(c: &mut Criterion) {
    if !shared().is_dir() {
        eprintln!("skipping: shared data not found at {}", shared().display());
        return;
    }
    let mut group = c.benchmark_group("text_spectra");

    let input = msp_input();
    let want = (MSP_SPECTRA * MSP_REPEAT, MSP_PEAKS * MSP_REPEAT);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("msp_nist_fentanyl", |b| {
        b.iter(|| {
            let file = msp::read(black_box(&input)).expect("MSP reads");
            assert_eq!(counts(&file), want);
            file
        })
    });

    let input = mgf_input();
    let want = (MGF_SPECTRA * MGF_REPEAT, MGF_PEAKS * MGF_REPEAT);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("mgf_mzdata_small", |b| {
        b.iter(|| {
            let file = mgf::read(black_box(&input)).expect("MGF reads");
            assert_eq!(counts(&file), want);
            file
        })
    });

    let mut records = Vec::new();
    files_under(&shared().join("massbank"), &mut records);
    let records: Vec<Vec<u8>> = records
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    let bytes: usize = records.iter().map(Vec::len).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("massbank_all_records", |b| {
        b.iter(|| {
            for r in &records {
                let file = massbank::read(black_box(r)).expect("MassBank reads");
                assert_eq!(file.spectra.len(), 1);
            }
        })
    });
    group.finish();
}
