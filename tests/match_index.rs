//! Library index vs brute force: a property test over random libraries and
//! queries in all three modes, table-driven cases run against every engine,
//! and (ignored) the JSON export that `benches/peers/flash_peer.py --verify`
//! compares with ms_entropy.

#[path = "../benches/match/synthetic.rs"]
mod synthetic;

use proptest::prelude::*;
use synthwatch::matching::clean::{clean_ms2, CleanParams};
use synthwatch::matching::index::{
    BruteForce, Hit, IndexBuilder, SearchMode, SearchParams, Searcher, SpectrumId, Weighting,
};
use synthwatch::matching::{CleanSpectrum, MsPeak, Tolerance};

fn spectrum(precursor: Option<f64>, peaks: &[(f32, f32)]) -> CleanSpectrum {
    CleanSpectrum {
        precursor_mz: precursor,
        peaks: peaks
            .iter()
            .map(|&(mz, intensity)| MsPeak { mz, intensity })
            .collect(),
    }
}

fn engines(lib: &[CleanSpectrum], w: Weighting) -> Vec<(&'static str, Box<dyn Searcher>)> {
    let mut b = IndexBuilder::with_weighting(w);
    for s in lib {
        b.add(s).expect("add");
    }
    vec![
        ("index", Box::new(b.build())),
        ("brute", Box::new(BruteForce::new(lib, w).expect("brute"))),
    ]
}

fn assert_same(a: &[Hit], b: &[Hit], what: &str) {
    let ids = |h: &[Hit]| h.iter().map(|h| h.id).collect::<Vec<_>>();
    assert_eq!(ids(a), ids(b), "{what}: ids");
    for (x, y) in a.iter().zip(b) {
        assert!((x.score - y.score).abs() <= 1e-5, "{what}: {x:?} vs {y:?}");
        assert_eq!(x.matched_peaks, y.matched_peaks, "{what}: {x:?} vs {y:?}");
        assert_eq!(x.delta_mass, y.delta_mass, "{what}");
    }
}

// ---------------------------------------------------------------- proptest

fn arb_peaks(max_mz: f32) -> impl Strategy<Value = Vec<(f32, f32)>> {
    // Half the time on a 0.005 grid so windows land exactly on peaks.
    let mz = prop_oneof![
        (50.0f32..max_mz).boxed(),
        (10_000u32..(max_mz * 200.0) as u32)
            .prop_map(|k| k as f32 * 0.005)
            .boxed(),
    ];
    // Now and then intensities over ten decades, so every intensity class
    // of open search's bounds (down to the catch-all lowest) is met.
    let int = prop_oneof![
        3 => (0.01f32..100.0).boxed(),
        1 => (-10.0f32..0.0).prop_map(|e| 10f32.powf(e)).boxed(),
    ];
    prop::collection::vec((mz, int), 0..12)
}

fn arb_spectrum() -> impl Strategy<Value = CleanSpectrum> {
    (
        prop::option::weighted(0.9, 100.0f64..400.0),
        arb_peaks(420.0),
    )
        .prop_map(|(p, peaks)| spectrum(p.map(|p| (p * 200.0).round() / 200.0), &peaks))
}

/// A query derived from a library spectrum: precursor shifted by `shift`, some
/// peaks shifted too (so hybrid has neutral-loss matches), some jittered.
fn derive(lib: &CleanSpectrum, shift: f64, pattern: u32) -> CleanSpectrum {
    let peaks = lib
        .peaks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mz = match (pattern >> (i % 30)) & 3 {
                0 => p.mz + shift as f32,
                1 => p.mz + 0.01,
                _ => p.mz,
            };
            MsPeak { mz, ..*p }
        })
        .collect();
    CleanSpectrum {
        precursor_mz: lib.precursor_mz.map(|m| m + shift),
        peaks,
    }
}

fn arb_case() -> impl Strategy<Value = (Vec<CleanSpectrum>, CleanSpectrum, SearchParams, bool)> {
    let tol = prop_oneof![
        (0.0f64..0.1).prop_map(Tolerance::Da),
        Just(Tolerance::Da(0.01)),
        (1.0f64..200.0).prop_map(Tolerance::Ppm),
    ];
    let mode = prop_oneof![
        (0.0f64..3.0).prop_map(|t| SearchMode::Identity {
            precursor_tolerance: Tolerance::Da(t)
        }),
        (0.0f64..2000.0).prop_map(|t| SearchMode::Identity {
            precursor_tolerance: Tolerance::Ppm(t)
        }),
        Just(SearchMode::Open),
        Just(SearchMode::Hybrid),
    ];
    (
        prop::collection::vec(arb_spectrum(), 1..25),
        any::<prop::sample::Index>(),
        prop_oneof![Just(0.0), -2.0f64..2.0, -60.0f64..60.0],
        any::<u32>(),
        prop::option::weighted(0.2, arb_spectrum()),
        tol,
        mode,
        any::<bool>(),
    )
        .prop_map(|(lib, pick, shift, pattern, random, tol, mode, weighted)| {
            let query =
                random.unwrap_or_else(|| derive(&lib[pick.index(lib.len())], shift, pattern));
            let params = SearchParams {
                mode,
                fragment_tolerance: tol,
                top_n: 1000,
                min_score: 0.0,
            };
            (lib, query, params, weighted)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn index_equals_brute_force((lib, query, params, weighted) in arb_case()) {
        let w = if weighted { Weighting::Entropy } else { Weighting::Unweighted };
        let e = engines(&lib, w);
        let a = e[0].1.search(&query, &params);
        let b = e[1].1.search(&query, &params);
        assert_same(&a, &b, &format!("{:?}", params.mode));
        // Every mode again with the same data.
        for mode in [SearchMode::Open, SearchMode::Hybrid] {
            let p = SearchParams { mode, ..params };
            assert_same(&e[0].1.search(&query, &p), &e[1].1.search(&query, &p), &format!("{mode:?}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Open search prunes single-pair spectra against the top-N bar: with a
    /// small `top_n` and any `min_score` it must still return exactly the
    /// brute force's hits (same scores to the bit).
    #[test]
    fn open_pruning_is_exact(
        lib in prop::collection::vec(arb_spectrum(), 1..80),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<u32>()), 1..4),
        top_n in 1usize..6,
        min_score in prop_oneof![Just(0.0f32), 0.0f32..0.6, -1.0f32..0.0],
        tol in prop_oneof![Just(Tolerance::Da(0.02)), (0.0f64..0.5).prop_map(Tolerance::Da)],
        weighted in any::<bool>(),
    ) {
        let w = if weighted { Weighting::Entropy } else { Weighting::Unweighted };
        let e = engines(&lib, w);
        let params = SearchParams::open()
            .with_top_n(top_n)
            .with_min_score(min_score)
            .with_fragment_tolerance(tol);
        for (pick, pattern) in picks {
            let query = derive(&lib[pick.index(lib.len())], 0.0, pattern);
            prop_assert_eq!(e[0].1.search(&query, &params), e[1].1.search(&query, &params));
        }
    }
}

// ------------------------------------------------------------ table-driven

fn table_library() -> Vec<CleanSpectrum> {
    vec![
        spectrum(Some(300.0), &[(100.0, 1.0), (200.0, 1.0)]),
        spectrum(Some(314.0), &[(100.0, 1.0), (214.0, 1.0)]), // +14: one fragment kept, one shifted
        spectrum(Some(500.0), &[(120.0, 3.0), (250.0, 1.0), (410.5, 0.5)]),
        spectrum(None, &[(100.0, 1.0), (200.0, 1.0)]),
    ]
}

struct Case {
    name: &'static str,
    query: CleanSpectrum,
    params: SearchParams,
    /// Expected (id, score, matched, delta) of the hits, best first.
    want: Vec<(u32, f32, u32, Option<f64>)>,
}

fn cases() -> Vec<Case> {
    // Unweighted & weighted agree here: 1-peak query (S=0 → p^0.25 = 1) against a
    // 2-equal-peak library spectrum (weighting keeps equal peaks equal).
    let half = 0.75f32 * 0.75f32.log2() - 0.25 * 0.25f32.log2() - 0.5 * 0.5f32.log2();
    let q1 = spectrum(Some(300.004), &[(100.01, 5.0)]);
    let qfull = spectrum(Some(300.0), &[(100.0, 1.0), (200.0, 1.0)]);
    let ident = SearchParams::identity();
    vec![
        Case {
            name: "identity self match scores 1",
            query: qfull.clone(),
            params: ident,
            want: vec![(0, 1.0, 2, Some(0.0))],
        },
        Case {
            name: "identity partial match",
            query: q1.clone(),
            params: ident,
            want: vec![(0, half, 1, Some(300.004 - 300.0))],
        },
        Case {
            name: "identity outside precursor window",
            query: spectrum(Some(300.02), &[(100.0, 1.0)]),
            params: ident,
            want: vec![],
        },
        Case {
            name: "identity ppm window",
            query: spectrum(Some(300.02), &[(100.0, 1.0)]),
            params: SearchParams {
                mode: SearchMode::Identity {
                    precursor_tolerance: Tolerance::Ppm(100.0),
                },
                ..ident
            },
            want: vec![(0, half, 1, Some(300.02 - 300.0))],
        },
        Case {
            name: "identity needs a query precursor",
            query: spectrum(None, &[(100.0, 1.0)]),
            params: ident,
            want: vec![],
        },
        Case {
            name: "open search reaches every precursor, ties by id",
            query: q1.clone(),
            params: SearchParams::open(),
            want: vec![
                (0, half, 1, Some(300.004 - 300.0)),
                (1, half, 1, Some(300.004 - 314.0)),
                (3, half, 1, None),
            ],
        },
        Case {
            name: "fragment tolerance is inclusive and respected",
            query: spectrum(Some(300.0), &[(100.03, 1.0)]),
            params: SearchParams::open(),
            want: vec![],
        },
        Case {
            name: "top_n and min_score",
            query: qfull.clone(),
            params: SearchParams::open().with_top_n(2).with_min_score(0.5),
            want: vec![(0, 1.0, 2, Some(0.0)), (3, 1.0, 2, None)],
        },
        Case {
            name: "hybrid matches a shifted analogue through the neutral loss",
            query: qfull.clone(),
            params: SearchParams::hybrid().with_top_n(2),
            want: vec![(0, 1.0, 2, Some(0.0)), (1, 1.0, 2, Some(-14.0))],
        },
        Case {
            name: "open search misses the shifted fragment",
            query: spectrum(Some(314.0), &[(100.0, 1.0), (214.0, 1.0)]),
            params: SearchParams::open().with_top_n(1),
            want: vec![(1, 1.0, 2, Some(0.0))],
        },
        Case {
            name: "empty query",
            query: spectrum(Some(300.0), &[]),
            params: SearchParams::open(),
            want: vec![],
        },
        Case {
            name: "invalid tolerance gives no hits",
            query: qfull,
            params: SearchParams::open().with_fragment_tolerance(Tolerance::Da(f64::NAN)),
            want: vec![],
        },
        Case {
            name: "junk peaks are ignored",
            query: spectrum(
                Some(300.0),
                &[(f32::NAN, 1.0), (-5.0, 1.0), (100.0, 0.0), (100.0, 2.0)],
            ),
            params: ident,
            want: vec![(0, half, 1, Some(0.0))],
        },
    ]
}

/// Open search reads each window's bucket span, which holds the window and
/// the few records of its first and last bucket that lie just outside it.
/// Peaks just outside a window, as a spectrum's first pair, as a later one,
/// beside inside pairs and beside a second peak in the same window: the
/// index must find exactly the brute force's pairs, scores and counts.
#[test]
fn open_search_drops_pairs_just_outside_a_window() {
    let out = 0.0203f32; // just beyond the 0.02 Da tolerance
    let q = spectrum(Some(500.0), &[(200.0, 3.0), (300.0, 2.0), (400.0, 1.0)]);
    let libs: Vec<Vec<(f32, f32)>> = vec![
        vec![(200.0 - out, 1.0), (300.0, 1.0)],
        vec![(200.0, 1.0), (300.0 + out, 1.0)],
        vec![(200.0 - out, 1.0), (300.0 + out, 2.0), (400.0, 1.0)],
        vec![(200.0, 1.0), (300.0, 1.0), (400.0 + out, 1.0)],
        vec![(200.0 - out, 1.0), (200.0, 1.0), (400.0, 2.0)],
        vec![(200.02, 1.0), (300.0 - 0.02, 1.0)],
        vec![(200.0 + out, 1.0), (300.0 - out, 1.0), (400.0 + out, 1.0)],
        vec![(199.99, 1.0), (200.01, 1.0), (300.0 + out, 1.0)],
    ];
    // Many copies with nudged m/z, so edges fall at every place in a bucket.
    let lib: Vec<CleanSpectrum> = (0..400)
        .flat_map(|i| {
            let nudge = i as f32 * 1e-5;
            libs.iter()
                .map(move |p| {
                    let peaks: Vec<(f32, f32)> = p.iter().map(|&(m, x)| (m + nudge, x)).collect();
                    spectrum(Some(500.0), &peaks)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let params = SearchParams::open().with_top_n(lib.len());
    for w in [Weighting::Entropy, Weighting::Unweighted] {
        let e = engines(&lib, w);
        let (index, brute) = (e[0].1.search(&q, &params), e[1].1.search(&q, &params));
        assert!(brute.len() > 1000, "{w:?}: {} hits", brute.len());
        assert_same(&index, &brute, &format!("{w:?}"));
    }
}

#[test]
fn table_cases_on_every_engine() {
    let lib = table_library();
    for w in [Weighting::Entropy, Weighting::Unweighted] {
        for (engine, searcher) in engines(&lib, w) {
            for case in cases() {
                let got = searcher.search(&case.query, &case.params);
                let what = format!("{engine} {w:?}: {}", case.name);
                assert_eq!(got.len(), case.want.len(), "{what}: {got:?}");
                for (h, &(id, score, matched, delta)) in got.iter().zip(&case.want) {
                    assert_eq!(h.id, SpectrumId(id), "{what}: {got:?}");
                    assert!((h.score - score).abs() < 2e-6, "{what}: {h:?} want {score}");
                    assert_eq!(h.matched_peaks, matched, "{what}: {h:?}");
                    match (h.delta_mass, delta) {
                        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {h:?}"),
                        (a, b) => assert_eq!(a, b, "{what}"),
                    }
                }
            }
        }
    }
}

#[test]
fn search_many_matches_search_and_memory_is_bounded() {
    // 70 000 spectra: more than one 2¹⁶-spectrum block of the index.
    let clean = CleanParams::default();
    let lib: Vec<CleanSpectrum> = synthetic::library(7, 70_000)
        .into_iter()
        .map(|r| clean_ms2(r.peaks, Some(r.precursor), &clean))
        .collect();
    let mut b = IndexBuilder::new();
    lib.iter().for_each(|s| {
        b.add(s).expect("add");
    });
    let index = b.build();
    let per_peak = index.memory_bytes() as f64 / index.n_peaks() as f64;
    assert!(per_peak <= 16.0, "{per_peak} B/peak");
    let queries: Vec<(usize, CleanSpectrum)> = (0..40)
        .map(|k| {
            let (src, r) = synthetic::query(7, lib.len(), k);
            (src, clean_ms2(r.peaks, Some(r.precursor), &clean))
        })
        .collect();
    let qs: Vec<CleanSpectrum> = queries.iter().map(|q| q.1.clone()).collect();
    let brute = BruteForce::new(&lib, Weighting::Entropy).expect("brute");
    for params in [
        SearchParams::identity(),
        SearchParams::open(),
        SearchParams::hybrid(),
    ] {
        let many = index.search_many(&qs, &params);
        for ((src, q), hits) in queries.iter().zip(&many) {
            assert_eq!(hits, &index.search(q, &params));
            assert_same(hits, &brute.search(q, &params), "synthetic");
            assert_eq!(hits[0].id, SpectrumId(*src as u32), "{:?}", params.mode);
        }
    }
    // Open search with the bar high and low (pruned single-pair spectra),
    // bit for bit against the brute force.
    for (top_n, min_score) in [(1, 0.0), (3, 0.0), (10, 0.2), (50, 0.0), (10, 0.9)] {
        let params = SearchParams::open()
            .with_top_n(top_n)
            .with_min_score(min_score);
        for (_, q) in queries.iter().take(10) {
            assert_eq!(index.search(q, &params), brute.search(q, &params));
        }
    }
    // Windows of ±10 Da: a block holds more pairs than open search has
    // first-pair codes (65 535), so every pair shares one code and the
    // multi-pair spectra's first pairs are found by one more pass (a first
    // version of that path summed every spectrum into one entry).
    let wide = SearchParams::open().with_fragment_tolerance(Tolerance::Da(10.0));
    for (_, q) in queries.iter().take(2) {
        assert_eq!(
            index.search(q, &wide),
            brute.search(q, &wide),
            "wide windows"
        );
    }
}

/// Writes our hits for the peer check: `SYNTHWATCH_PEER_OUT=path cargo test
/// --test match_index -- --ignored write_flash_peer_json` (flash_peer.py runs it).
#[test]
#[ignore]
fn write_flash_peer_json() {
    let out =
        std::env::var("SYNTHWATCH_PEER_OUT").unwrap_or_else(|_| "flash_peer_ours.json".into());
    let n: usize = std::env::var("SYNTHWATCH_PEER_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let seed = 42;
    let clean = CleanParams::default();
    let mut b = IndexBuilder::new();
    let mut bu = IndexBuilder::with_weighting(Weighting::Unweighted);
    for r in synthetic::library(seed, n) {
        let s = clean_ms2(r.peaks, Some(r.precursor), &clean);
        b.add(&s).expect("add");
        bu.add(&s).expect("add");
    }
    let (index, unweighted) = (b.build(), bu.build());
    let mut rows = Vec::new();
    for k in 0..200 {
        let (src, r) = synthetic::query(seed, n, k);
        let q = clean_ms2(r.peaks, Some(r.precursor), &clean);
        for (mode, params, engine) in [
            ("identity", SearchParams::identity(), &index),
            ("open", SearchParams::open(), &index),
            ("hybrid", SearchParams::hybrid(), &index),
            ("open_unweighted", SearchParams::open(), &unweighted),
        ] {
            let hits: Vec<serde_json::Value> = engine
                .search(&q, &params)
                .iter()
                .map(|h| serde_json::json!({"id": h.id.0, "score": h.score, "matched": h.matched_peaks}))
                .collect();
            rows.push(serde_json::json!({"query": k, "source": src, "mode": mode, "hits": hits}));
        }
    }
    let doc = serde_json::json!({"seed": seed, "n": n, "rows": rows});
    std::fs::write(&out, serde_json::to_string(&doc).expect("json")).expect("write");
}
