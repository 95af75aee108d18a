//! mzML / mzXML reading speed on the shared data: our `mzml::read` against
//! mzdata's own `MzMLReader` (iterating all spectra and decoding both arrays)
//! on the same in-memory bytes, plus `mzxml::read`. Both sides assert the
//! 48 spectra / 305,213 peaks of `small.mzML`, so neither can cheat.
//!
//! `cargo bench --bench files -- mzml` (needs the `mzml` feature of
//! synthwatch-parsers and mzdata as a dev-dependency). Skips with a message if
//! ../shared/data is absent.
//!
//! `FILES_MZML_ALTERNATE=ROUNDS cargo bench --bench files -- mzml` instead runs
//! both readers on small.mzML alternately in one process (less exposed to
//! drift on a shared machine) and prints each side's median and the ratio.

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

fn ours_counts(bytes: &[u8]) -> (usize, usize) {
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

/// Both readers in turn, `rounds` times each (after one warm-up each).
fn alternate(bytes: &[u8], rounds: usize) {
    let (mut theirs, mut ours) = (Vec::new(), Vec::new());
    assert_eq!(mzdata_counts(bytes), (48, 305_213));
    assert_eq!(ours_counts(bytes), (48, 305_213));
    for round in 0..rounds {
        // Swap the order every round so neither side always runs second.
        for side in [round % 2, 1 - round % 2] {
            let t = Instant::now();
            if side == 0 {
                assert_eq!(black_box(mzdata_counts(black_box(bytes))), (48, 305_213));
                theirs.push(t.elapsed());
            } else {
                assert_eq!(black_box(ours_counts(black_box(bytes))), (48, 305_213));
                ours.push(t.elapsed());
            }
        }
    }
    let (m, o) = (median_ms(&mut theirs), median_ms(&mut ours));
    println!(
        "alternating {rounds} rounds: mzdata {m:.2} ms, synthwatch {o:.2} ms, ratio {:.3}",
        o / m
    );
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
