//! JCAMP-DX reader throughput over every file in `../shared/data/jcamp`
//! (each file a separate `read`, as the pipeline does). The bar is 100 MB/s.
//!
//! Run: `cargo bench --bench files -- jcamp`. Asserts, inside the measured
//! loop, that all 134 JCAMP-DX files decode to 312 spectra and 1,070,349
//! points, so a faster-but-wrong reader cannot pass.

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};

const SPECTRA: usize = 312;
const POINTS: usize = 1_070_349;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/jcamp");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    // Only JCAMP-DX content: LICENSE.txt, the suite's DX-DIR.TXT listing and an
    // empty file are not JCAMP-DX (the reader refuses them; tested elsewhere).
    let inputs: Vec<Vec<u8>> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| synthwatch_parsers::jcamp::sniff(b))
        .collect();
    if inputs.is_empty() {
        eprintln!(
            "files_jcamp: {} not found; nothing to measure",
            root.display()
        );
        return;
    }
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("jcamp");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(
        format!("read {} files, {} bytes", inputs.len(), bytes),
        |b| {
            b.iter(|| {
                let (mut spectra, mut points) = (0, 0);
                for input in &inputs {
                    let file = synthwatch_parsers::jcamp::read(black_box(input))
                        .expect("every JCAMP-DX file reads");
                    spectra += file.spectra.len();
                    points += file.spectra.iter().map(|s| s.peaks.len()).sum::<usize>();
                }
                assert_eq!(
                    (spectra, points),
                    (SPECTRA, POINTS),
                    "spectra and points decoded"
                );
            })
        },
    );
    group.finish();
}
