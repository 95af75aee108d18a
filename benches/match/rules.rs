//! Class rules: time per spectrum over the real NIST EI and MassBank spectra
//! (target ≤ 5 µs per spectrum). The flag counts are asserted so the bench
//! cannot silently measure a broken engine.
use std::path::{Path, PathBuf};

use criterion::{black_box, Criterion, Throughput};
use synthwatch::matching::rules::{Class, RuleEngine, RuleInput, RuleSet};
use synthwatch_parsers::spectrum::Spectrum;

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn read_all(paths: &[PathBuf], massbank: bool) -> Vec<Spectrum> {
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .flat_map(|b| {
            let file = if massbank {
                synthwatch_parsers::massbank::read(&b).ok()
            } else {
                synthwatch_parsers::msp::read(&b).ok()
            };
            file.map(|f| f.spectra).unwrap_or_default()
        })
        .collect()
}

/// Register the class-rule benches.
pub fn bench(c: &mut Criterion) {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !data.is_dir() {
        eprintln!("skipping rules bench: {} is absent", data.display());
        return;
    }
    let engine = RuleEngine::new(&RuleSet::builtin().expect("builtin rules"));
    let nist = read_all(&files(&data.join("msp/nist-fentanyl-ei"), "msp"), false);
    let mut massbank = read_all(&files(&data.join("massbank/fentanyls"), "txt"), true);
    let fentanyl_mb = massbank.len();
    massbank.extend(read_all(
        &files(&data.join("massbank/street-drugs"), "txt"),
        true,
    ));
    let count = |set: &[Spectrum]| {
        set.iter()
            .map(|s| {
                engine
                    .evaluate(&RuleInput::from(s))
                    .iter()
                    .any(|f| f.class == Class::Fentanyl) as usize
            })
            .sum::<usize>()
    };
    assert!(
        count(&nist) >= 104,
        "NIST EI fentanyl flags fell below the bar"
    );
    assert!(
        count(&massbank[..fentanyl_mb]) >= 41,
        "MassBank fentanyl flags fell below the bar"
    );
    assert!(
        count(&massbank[fentanyl_mb..]) <= 9,
        "street-drug false flags above 1 %"
    );

    let mut group = c.benchmark_group("rules");
    for (name, set) in [("nist_ei", &nist), ("massbank_esi", &massbank)] {
        group.throughput(Throughput::Elements(set.len() as u64));
        // Screening path: flags only.
        group.bench_function(format!("{name}/flags"), |b| {
            b.iter(|| {
                let mut flags = 0usize;
                for s in set.iter() {
                    flags += engine.evaluate(black_box(&RuleInput::from(s))).len();
                }
                flags
            })
        });
        // Explaining path: flags and near misses.
        group.bench_function(format!("{name}/explain"), |b| {
            b.iter(|| {
                let mut found = 0usize;
                for s in set.iter() {
                    let ev = engine.evaluate_all(black_box(&RuleInput::from(s)));
                    found += ev.flags.len() + ev.near_misses.len();
                }
                found
            })
        });
    }
    group.finish();
}
