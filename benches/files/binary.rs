//! Throughput of the SPC binary reader over every `.spc` in
//! `../shared/data/spc`, and of the vendor peak-list readers over every NIST
//! DART-MS text in `../shared/data/dart-ms` plus the hand-made Agilent and
//! Thermo fixtures (each file a separate `read`, as the pipeline does).
//!
//! Run: `cargo bench --bench files -- files_binary`. The measured loops assert the
//! spectrum and point totals, so a faster-but-wrong reader cannot pass.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;

/// 10 SPC files: 6 single-subfile, m_evenz 32, m_xyxy 512, nir 20 subfiles.
const SPC_SPECTRA: usize = 571;
const SPC_POINTS: usize = 31_990;
/// 45 DART-MS texts + 2 Agilent + 1 Thermo fixture.
const PEAK_SPECTRA: usize = 48;
const PEAK_POINTS: usize = 2_844;

fn read_dir(dir: &Path, keep: impl Fn(&[u8]) -> bool) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| keep(b))
        .collect()
}

pub fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("../shared/data");
    let spc_files = read_dir(&data.join("spc"), synthwatch_parsers::spc::sniff);
    let mut peak_files = read_dir(&data.join("dart-ms"), |b| {
        synthwatch_parsers::peaklist::sniff(b).is_some()
    });
    if spc_files.is_empty() || peak_files.is_empty() {
        eprintln!(
            "files_binary: {} not found; nothing to measure",
            data.display()
        );
        return;
    }
    for f in [
        "agilent-masshunter.csv",
        "agilent-xy.csv",
        "thermo-spectrum-list.txt",
    ] {
        if let Ok(b) = std::fs::read(root.join("fixtures/peaklist").join(f)) {
            peak_files.push(b);
        }
    }

    let mut group = c.benchmark_group("files_binary");
    let spc_bytes: usize = spc_files.iter().map(Vec::len).sum();
    group.throughput(Throughput::Bytes(spc_bytes as u64));
    group.bench_function("spc", |b| {
        b.iter(|| {
            let (mut spectra, mut points) = (0, 0);
            for f in &spc_files {
                let file =
                    synthwatch_parsers::spc::read(black_box(f)).expect("shared SPC file reads");
                spectra += file.spectra.len();
                points += file.spectra.iter().map(|s| s.peaks.len()).sum::<usize>();
            }
            assert_eq!((spectra, points), (SPC_SPECTRA, SPC_POINTS));
        })
    });

    let peak_bytes: usize = peak_files.iter().map(Vec::len).sum();
    group.throughput(Throughput::Bytes(peak_bytes as u64));
    group.bench_function("peaklist", |b| {
        b.iter(|| {
            let (mut spectra, mut points) = (0, 0);
            for f in &peak_files {
                let file =
                    synthwatch_parsers::peaklist::read(black_box(f)).expect("peak list reads");
                spectra += file.spectra.len();
                points += file.spectra.iter().map(|s| s.peaks.len()).sum::<usize>();
            }
            assert_eq!((spectra, points), (PEAK_SPECTRA, PEAK_POINTS));
        })
    });
    group.finish();
}
