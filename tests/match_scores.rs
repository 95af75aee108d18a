//! Scores against the Python reference implementations: ms_entropy (entropy
//! similarity and `clean_spectrum`) and matchms (`CosineGreedy`), on real
//! spectra with the expected values in `tests/data/score_expected.json`
//! (written by `benches/peers/score_expected.py`), plus matchms' published
//! cosine reference scores from the shared data, plus properties.

mod common;

use proptest::prelude::*;
use serde::Deserialize;
use synthwatch::matching::clean::{clean_ms2, CleanParams};
use synthwatch::matching::scores::{
    cosine_greedy, entropy_similarity, score_pair, CosineParams, Method, ScoreInput,
};
use synthwatch::matching::{CleanSpectrum, Tolerance};

const ENTROPY_TOL: f64 = 1e-4;
const COSINE_TOL: f64 = 1e-6;

#[derive(Deserialize)]
struct Expected {
    versions: serde_json::Value,
    cosine_alt: AltParams,
    spectra: Vec<Spectrum>,
    pairs: Vec<Pair>,
}

#[derive(Deserialize)]
struct AltParams {
    tolerance: f64,
    mz_power: f64,
    intensity_power: f64,
}

#[derive(Deserialize)]
struct Spectrum {
    source: String,
    precursor_mz: Option<f64>,
    peaks: Vec<(f64, f64)>,
    clean_flash: Vec<(f64, f64)>,
}

#[derive(Deserialize)]
struct Pair {
    a: usize,
    b: usize,
    entropy_flash: f64,
    unweighted_flash: f64,
    entropy_default: f64,
    unweighted_default: f64,
    cosine: f64,
    cosine_matches: usize,
    cosine_alt: f64,
    cosine_alt_matches: usize,
}

fn expected() -> Expected {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/score_expected.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `calculate_entropy_similarity`'s own cleaning: merge 2 × 0.02 Th, no precursor removal.
fn pairwise_default() -> CleanParams {
    CleanParams {
        precursor_margin: None,
        merge_da: 0.04,
        ..CleanParams::default()
    }
}

/// Largest deviation seen and where, for the final report.
#[derive(Default)]
struct MaxDiff(f64, String);

impl MaxDiff {
    fn check(&mut self, what: &str, got: f64, want: f64, tol: f64, failures: &mut Vec<String>) {
        let d = (got - want).abs();
        if d > self.0 || self.1.is_empty() {
            *self = MaxDiff(d.max(self.0), what.to_string());
        }
        // NaN must fail too.
        if d.is_nan() || d > tol {
            failures.push(format!("{what}: got {got}, expected {want} (|Δ| = {d:e})"));
        }
    }
}

#[test]
fn clean_ms2_reproduces_ms_entropy_clean_spectrum() {
    let e = expected();
    let (mut mz, mut int, mut failures) = (MaxDiff::default(), MaxDiff::default(), vec![]);
    for s in &e.spectra {
        let got = clean_ms2(
            s.peaks.iter().copied(),
            s.precursor_mz,
            &CleanParams::default(),
        );
        if got.peaks.len() != s.clean_flash.len() {
            failures.push(format!(
                "{}: {} cleaned peaks, ms_entropy has {}",
                s.source,
                got.peaks.len(),
                s.clean_flash.len()
            ));
            continue;
        }
        for (p, &(m, i)) in got.peaks.iter().zip(&s.clean_flash) {
            // Bit parity: both sides are float32 (the JSON holds them exactly).
            mz.check(&s.source, p.mz as f64, m as f32 as f64, 0.0, &mut failures);
            int.check(
                &s.source,
                p.intensity as f64,
                i as f32 as f64,
                0.0,
                &mut failures,
            );
        }
    }
    eprintln!(
        "clean_ms2 vs ms_entropy {}: {} spectra, max |Δm/z| {:e} ({}), max |Δintensity| {:e} ({})",
        e.versions,
        e.spectra.len(),
        mz.0,
        mz.1,
        int.0,
        int.1
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn entropy_and_cosine_match_the_python_peers() {
    let e = expected();
    let tol = Tolerance::Da(0.02);
    let alt = CosineParams {
        tolerance: e.cosine_alt.tolerance,
        mz_power: e.cosine_alt.mz_power,
        intensity_power: e.cosine_alt.intensity_power,
    };
    let names = [
        "entropy",
        "unweighted",
        "entropy-default",
        "unweighted-default",
    ];
    let mut entropy_max: Vec<MaxDiff> = names.iter().map(|_| MaxDiff::default()).collect();
    let (mut cos_max, mut alt_max, mut pair_max) =
        (MaxDiff::default(), MaxDiff::default(), MaxDiff::default());
    let mut failures = vec![];
    for p in &e.pairs {
        let (a, b) = (&e.spectra[p.a], &e.spectra[p.b]);
        let label = format!("{} vs {}", a.source, b.source);
        let clean = |s: &Spectrum, params: &CleanParams| -> CleanSpectrum {
            clean_ms2(s.peaks.iter().copied(), s.precursor_mz, params)
        };
        let (fa, fb) = (
            clean(a, &CleanParams::default()),
            clean(b, &CleanParams::default()),
        );
        let (da, db) = (clean(a, &pairwise_default()), clean(b, &pairwise_default()));
        let got = [
            entropy_similarity(&fa, &fb, tol, true),
            entropy_similarity(&fa, &fb, tol, false),
            entropy_similarity(&da, &db, tol, true),
            entropy_similarity(&da, &db, tol, false),
        ];
        let want = [
            p.entropy_flash,
            p.unweighted_flash,
            p.entropy_default,
            p.unweighted_default,
        ];
        for (k, name) in names.iter().enumerate() {
            let what = format!("{name} {label}");
            entropy_max[k].check(
                &what,
                got[k].score as f64,
                want[k],
                ENTROPY_TOL,
                &mut failures,
            );
        }
        let c = cosine_greedy(&a.peaks, &b.peaks, CosineParams::default());
        cos_max.check(
            &format!("cosine {label}"),
            c.score,
            p.cosine,
            COSINE_TOL,
            &mut failures,
        );
        let c2 = cosine_greedy(&a.peaks, &b.peaks, alt);
        alt_max.check(
            &format!("cosine-alt {label}"),
            c2.score,
            p.cosine_alt,
            COSINE_TOL,
            &mut failures,
        );
        if (c.matches, c2.matches) != (p.cosine_matches, p.cosine_alt_matches) {
            failures.push(format!(
                "cosine matches {label}: got {} / {}, expected {} / {}",
                c.matches, c2.matches, p.cosine_matches, p.cosine_alt_matches
            ));
        }
        // score_pair must do the same preprocessing as the reference path.

        let s = score_pair(Method::Entropy, input(a), input(b));
        pair_max.check(
            &format!("score_pair {label}"),
            s.score,
            p.entropy_flash,
            ENTROPY_TOL,
            &mut failures,
        );
    }
    for (name, m) in names.iter().zip(&entropy_max) {
        eprintln!("{name}: max |Δ| {:e} ({})", m.0, m.1);
    }
    eprintln!("cosine: max |Δ| {:e} ({})", cos_max.0, cos_max.1);
    eprintln!("cosine-alt: max |Δ| {:e} ({})", alt_max.0, alt_max.1);
    eprintln!("score_pair entropy: max |Δ| {:e}", pair_max.0);
    eprintln!("{} pairs vs {}", e.pairs.len(), e.versions);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
struct MatchmsReference {
    parameter_sets: Vec<ParameterSet>,
}

#[derive(Deserialize)]
struct ParameterSet {
    intensity_power: f64,
    mz_power: f64,
    mz_tolerance: f64,
    merged_spectra: std::collections::BTreeMap<String, MzIntensities>,
    similarities: Vec<Reference>,
}

#[derive(Deserialize)]
struct MzIntensities {
    mz: Vec<f64>,
    intensities: Vec<f64>,
}

#[derive(Deserialize)]
struct Reference {
    left: String,
    right: String,
    score: f64,
    matches: usize,
}

#[test]
fn cosine_matches_matchms_published_reference_scores() {
    let Some(dir) = common::shared_data() else {
        return;
    };
    let path = dir.join("reference-scores/matchms-cosine_linear_reference.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reference: MatchmsReference =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut checked, mut max) = (0, 0.0f64);
    for set in &reference.parameter_sets {
        let params = CosineParams {
            tolerance: set.mz_tolerance,
            mz_power: set.mz_power,
            intensity_power: set.intensity_power,
        };
        let peaks = |name: &str| -> Vec<(f64, f64)> {
            let s = &set.merged_spectra[name];
            s.mz.iter()
                .copied()
                .zip(s.intensities.iter().copied())
                .collect()
        };
        for r in &set.similarities {
            let got = cosine_greedy(&peaks(&r.left), &peaks(&r.right), params);
            let d = (got.score - r.score).abs();
            max = max.max(d);
            assert!(
                d <= COSINE_TOL && got.matches == r.matches,
                "{}: {} vs {} (tolerance {}, powers {}/{}): got {got:?}, expected {} with {} matches",
                path.display(), r.left, r.right, set.mz_tolerance, set.mz_power,
                set.intensity_power, r.score, r.matches
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "{}: no similarities read", path.display());
    eprintln!("matchms published cosine reference: {checked} scores, max |Δ| {max:e}");
}

fn raw_spectrum() -> impl Strategy<Value = Vec<(f64, f64)>> {
    proptest::collection::vec((50.0f64..500.0, 0.0f64..1000.0), 0..40)
}

fn input(s: &Spectrum) -> ScoreInput<'_> {
    ScoreInput {
        peaks: &s.peaks,
        precursor_mz: s.precursor_mz,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn entropy_similarity_is_symmetric_bounded_and_one_on_itself(
        a in raw_spectrum(), b in raw_spectrum(), weighted in any::<bool>()
    ) {
        let p = CleanParams::default();
        let (a, b) = (clean_ms2(a, None, &p), clean_ms2(b, None, &p));
        let tol = Tolerance::Da(0.02);
        let ab = entropy_similarity(&a, &b, tol, weighted);
        let ba = entropy_similarity(&b, &a, tol, weighted);
        prop_assert_eq!(ab, ba);
        prop_assert!((0.0..=1.0).contains(&ab.score), "{:?}", ab);
        if !a.peaks.is_empty() {
            let aa = entropy_similarity(&a, &a, tol, weighted);
            prop_assert!((aa.score - 1.0).abs() < 1e-5, "{:?}", aa);
            prop_assert_eq!(aa.matched_peaks, a.peaks.len());
        }
    }
}
