//! Single-threaded µs per query of the library index on the synthetic library
//! of `benches/match/synthetic.rs` (seed 42, 1000 perturbed queries), for
//! back-to-back comparisons with Flash (`benches/peers/flash_peer.py --rounds`).
//!
//! `cargo run --release --example index_timing -- 1000000` prints one line per
//! mode; with `--serve` it instead reads `<mode> <passes> [<queries>]` lines
//! on stdin (mode `identity`, `open` or `hybrid`) and answers each with the
//! median over `passes` passes of the mean µs/query of one pass over the first
//! `queries` queries (default all 1000). Mode `noise-<mode>` runs a loop of
//! random branches before each query and times the queries alone: the
//! branch predictor then starts every query untrained, the data caches
//! untouched (`docs/design/open-search-performance.md`, 2026-12-06, late).

#[path = "../benches/match/synthetic.rs"]
mod synthetic;

use std::io::{BufRead, Write};
use std::time::Instant;
use synthwatch::matching::clean::{clean_ms2, CleanParams};
use synthwatch::matching::index::{IndexBuilder, LibraryIndex, Scratch, SearchParams};
use synthwatch::matching::CleanSpectrum;

const SEED: u64 = 42;
const QUERIES: usize = 1000;

fn params(mode: &str) -> Option<SearchParams> {
    match mode {
        "identity" => Some(SearchParams::identity()),
        "open" => Some(SearchParams::open()),
        "hybrid" => Some(SearchParams::hybrid()),
        _ => None,
    }
}

/// ~200 k unpredictable branches on registers alone (xorshift state `x`).
fn branch_noise(x: &mut u64) -> u64 {
    let mut acc = 0u64;
    for _ in 0..200_000 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        if *x & 1 == 1 {
            acc += *x >> 3;
        } else if *x & 2 == 2 {
            acc ^= *x;
        } else {
            acc = acc.rotate_left(3);
        }
    }
    acc
}

/// Mean µs per query with [`branch_noise`] before each (not timed).
fn noisy_pass_us(
    index: &LibraryIndex,
    scratch: &mut Scratch,
    queries: &[CleanSpectrum],
    p: &SearchParams,
) -> f64 {
    let (mut x, mut el) = (0x9E37_79B9_7F4A_7C15u64, 0.0);
    for q in queries {
        std::hint::black_box(branch_noise(&mut x));
        let t = Instant::now();
        std::hint::black_box(index.search_with(q, p, scratch));
        el += t.elapsed().as_secs_f64();
    }
    el * 1e6 / queries.len() as f64
}

fn median_us(
    index: &LibraryIndex,
    scratch: &mut Scratch,
    queries: &[CleanSpectrum],
    p: &SearchParams,
    passes: usize,
    noise: bool,
) -> f64 {
    let mut times: Vec<f64> = (0..passes.max(1))
        .map(|_| {
            if noise {
                return noisy_pass_us(index, scratch, queries, p);
            }
            let t = Instant::now();
            for q in queries {
                std::hint::black_box(index.search_with(q, p, scratch));
            }
            t.elapsed().as_secs_f64() * 1e6 / queries.len() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let clean = CleanParams::default();
    let mut b = IndexBuilder::new();
    for i in 0..n {
        let r = synthetic::library_spectrum(SEED, i);
        b.add(&clean_ms2(r.peaks, Some(r.precursor), &clean))
            .expect("add");
    }
    let t = Instant::now();
    let index = b.build();
    let build = t.elapsed();
    let queries: Vec<CleanSpectrum> = (0..QUERIES)
        .map(|k| {
            let (_, r) = synthetic::query(SEED, n, k);
            clean_ms2(r.peaks, Some(r.precursor), &clean)
        })
        .collect();
    let per_peak = index.memory_bytes() as f64 / index.n_peaks() as f64;
    let mut scratch = index.scratch();
    if args.iter().any(|a| a == "--serve") {
        println!("ready {n} {per_peak:.2}");
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let line = line.expect("stdin");
            let mut it = line.split_whitespace();
            let mode = it.next().unwrap_or_default();
            let (noise, mode) = match mode.strip_prefix("noise-") {
                Some(m) => (true, m),
                None => (false, mode),
            };
            let (Some(p), passes) = (params(mode), it.next()) else {
                break;
            };
            let passes = passes.and_then(|s| s.parse().ok()).unwrap_or(3);
            let nq = it.next().and_then(|s| s.parse().ok()).unwrap_or(QUERIES);
            let qs = &queries[..nq.clamp(1, QUERIES)];
            println!(
                "{:.3}",
                median_us(&index, &mut scratch, qs, &p, passes, noise)
            );
            std::io::stdout().flush().expect("flush");
        }
        return;
    }
    println!("n={n}: build {build:.2?}, memory {per_peak:.2} B/peak");
    for mode in ["identity", "open", "hybrid"] {
        let p = params(mode).expect("mode");
        println!(
            "  {mode:8} {:9.2} us/query",
            median_us(&index, &mut scratch, &queries, &p, 5, false)
        );
    }
}
