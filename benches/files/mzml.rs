//! mzML / mzXML reading speed on the shared data: our streaming mzML reader
//! (`mzml::open` + `Document::spectra`, each spectrum dropped after counting)
//! against mzdata's own `MzMLReader` doing the same (iterating all spectra and
//! decoding both arrays) on the same in-memory bytes; our whole-file
//! `mzml::read` (all spectra kept) beside them; plus `mzxml::read`. Every side
//! asserts the 48 spectra / 305,213 peaks of `small.mzML`, so none can cheat.
//!
//! `cargo bench --bench files -- mzml` (needs the `mzml` feature of
//! synthwatch-parsers and mzdata as a dev-dependency). Skips with a message if
//! ../shared/data is absent.
//!
//! `FILES_MZML_ALTERNATE=ROUNDS cargo bench --bench files -- mzml` instead runs
//! the three readers on small.mzML in rotation in one process (less exposed
//! to drift on a shared machine) and prints each side's median and its ratio
//! to mzdata.

use std::hint::black_box;
use std::io::Cursor;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use synthwatch_parsers::{mzml, mzxml};

fn data(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/mzml")
        .join(name);
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("skipping {}: {e}", path.display());
            None
        }
    }
}

/// mzdata alone: every spectrum, both arrays decoded.
fn mzdata_counts(bytes: &[u8]) -> (usize, usize) {
    let mut reader = mzdata::MzMLReader::new(Cursor::new(bytes));
    let (mut spectra, mut peaks) = (0, 0);
    while let Some(s) = reader.read_next() {
        let arrays = s.arrays.as_ref().expect("arrays");
        let mz = arrays.mzs().expect("m/z");
        let intensity = arrays.intensities().expect("intensity");
        assert_eq!(mz.len(), intensity.len());
        spectra += 1;
        peaks += mz.len();
    }
    (spectra, peaks)
}

/// Our reader the way mzdata is measured: spectrum by spectrum, each dropped
/// after counting (`mzml::open` + `Document::spectra`).
fn ours_counts(bytes: &[u8]) -> (usize, usize) {
    let doc = mzml::open(bytes).expect("small.mzML opens");
    let (mut spectra, mut peaks) = (0, 0);
    for s in doc.spectra().expect("header reads") {
        spectra += 1;
        peaks += s.expect("spectrum reads").peaks.len();
    }
    (spectra, peaks)
}

/// Our whole-file `mzml::read`, every spectrum held in memory at the end.
fn ours_whole_file(bytes: &[u8]) -> (usize, usize) {
    let file = mzml::read(bytes).expect("small.mzML reads");
    (
        file.spectra.len(),
        file.spectra.iter().map(|s| s.peaks.len()).sum(),
    )
}

/// Median of `times` in milliseconds.
fn median_ms(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1e3
}

/// mzdata, our streaming reader and our whole-file read in turn, `rounds`
/// times each (after one warm-up each), the order rotated every round.
fn alternate(bytes: &[u8], rounds: usize) {
    type Side = fn(&[u8]) -> (usize, usize);
    let sides: [(&str, Side); 3] = [
        ("mzdata", mzdata_counts),
        ("synthwatch streaming", ours_counts),
        ("synthwatch whole file", ours_whole_file),
    ];
    let mut times = vec![Vec::new(); sides.len()];
    for (_, side) in sides {
        assert_eq!(side(bytes), (48, 305_213));
    }
    for round in 0..rounds {
        for k in 0..sides.len() {
            let i = (round + k) % sides.len();
            let t = Instant::now();
            assert_eq!(black_box((sides[i].1)(black_box(bytes))), (48, 305_213));
            times[i].push(t.elapsed());
        }
    }
    let medians: Vec<f64> = times.iter_mut().map(|t| median_ms(t)).collect();
    print!("alternating {rounds} rounds:");
    for ((name, _), m) in sides.iter().zip(&medians) {
        print!(" {name} {m:.2} ms (ratio {:.3});", m / medians[0]);
    }
    println!();
}

pub fn bench(c: &mut Criterion) {
    if let Some(rounds) = std::env::var("FILES_MZML_ALTERNATE")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        if let Some(small) = data("mzdata-small.mzML") {
            alternate(&small, rounds);
        }
        return;
    }
    if let Some(small) = data("mzdata-small.mzML") {
        assert_eq!(mzdata_counts(&small), (48, 305_213));
        assert_eq!(ours_counts(&small), (48, 305_213));
        let mut g = c.benchmark_group("mzml/small.mzML");
        g.throughput(Throughput::Bytes(small.len() as u64));
        g.bench_function("mzdata", |b| {
            b.iter(|| assert_eq!(mzdata_counts(&small), (48, 305_213)))
        });
        g.bench_function("synthwatch", |b| {
            b.iter(|| assert_eq!(ours_counts(&small), (48, 305_213)))
        });
        g.bench_function("synthwatch whole file", |b| {
            b.iter(|| assert_eq!(ours_whole_file(&small), (48, 305_213)))
        });
        g.finish();
    }
    if let Some(gz) = data("mzdata-small.mzML.gz") {
        let mut g = c.benchmark_group("mzml/small.mzML.gz");
        g.throughput(Throughput::Bytes(gz.len() as u64));
        g.bench_function("synthwatch", |b| {
            b.iter(|| assert_eq!(ours_counts(&gz), (48, 305_214)))
        });
        g.finish();
    }
    if let Some(x) = data("pyteomics-test.mzXML") {
        let mut g = c.benchmark_group("mzxml/test.mzXML");
        g.throughput(Throughput::Bytes(x.len() as u64));
        g.bench_function("synthwatch", |b| {
            b.iter(|| assert_eq!(mzxml::read(&x).expect("reads").spectra.len(), 2))
        });
        g.finish();
    }
}
