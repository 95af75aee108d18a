//! Hand-computed cases and properties of the composite match factors.

use super::*;

/// `W = I`: intensity power 1, no mass weighting, so cases compute by hand.
const PLAIN: NistParams = NistParams {
    intensity_power: 1.0,
    mz_power: 0.0,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn identical_spectra_score_1000() {
    let s = [(41, 30.0), (57, 999.0), (105, 120.0), (146, 480.0)];
    let mf = match_factor(&s, &s, NistParams::default());
    assert!(close(mf.score, 1000.0), "{mf:?}");
    assert!(close(
        reverse_match_factor(&s, &s, NistParams::default()).score,
        1000.0
    ));
}

#[test]
fn two_peak_case_by_hand() {
    // F_D = (100·100 + 100·25)² / ((100² + 100²)(100² + 25²)) = 12500² / (20000 · 10625)
    // F_R = (25·100)/(100·100) = 0.25; MF = (2 F_D + 2 F_R) / 4.
    let q = [(50, 100.0), (100, 100.0)];
    let l = [(50, 100.0), (100, 25.0)];
    let f_d = 12500.0f64.powi(2) / (20000.0 * 10625.0);
    let mf = match_factor(&q, &l, PLAIN);
    assert!(close(mf.dot, f_d), "{mf:?}");
    assert_eq!(mf.ratio, Some(0.25));
    assert!(
        close(mf.score, 1000.0 * (2.0 * f_d + 2.0 * 0.25) / 4.0),
        "{mf:?}"
    );
}

#[test]
fn mass_weighting_by_hand() {
    // Default weights, one shared mass of two: W = I^0.5 · m^0.5.
    let q = [(50, 10.0), (60, 10.0)];
    let l = [(50, 10.0)];
    let w = |i: f64, m: f64| i.powf(0.5) * m.powf(0.5);
    let f_d = w(10.0, 50.0).powi(2) / (w(10.0, 50.0).powi(2) + w(10.0, 60.0).powi(2));
    let mf = match_factor(&q, &l, NistParams::default());
    assert!(close(mf.score, 1000.0 * f_d), "{mf:?}");
    assert_eq!(mf.ratio, None);
    // Reverse search ignores m/z 60, absent from the library: identical.
    assert!(close(
        reverse_match_factor(&q, &l, NistParams::default()).score,
        1000.0
    ));
}

#[test]
fn reverse_ignores_query_impurities_only() {
    let l = [(43, 200.0), (57, 999.0), (71, 300.0)];
    let q = [(43, 210.0), (57, 999.0), (71, 290.0)];
    let mut impure = q.to_vec();
    impure.push((149, 800.0));
    impure.sort_by_key(|p| p.0);
    let clean_r = reverse_match_factor(&q, &l, NistParams::default()).score;
    let impure_r = reverse_match_factor(&impure, &l, NistParams::default()).score;
    assert!(close(clean_r, impure_r));
    let impure_f = match_factor(&impure, &l, NistParams::default()).score;
    assert!(impure_f < match_factor(&q, &l, NistParams::default()).score);
}

#[test]
fn no_shared_mass_scores_zero_and_empty_is_safe() {
    let a = [(43, 1.0)];
    let b = [(44, 1.0)];
    assert_eq!(match_factor(&a, &b, NistParams::default()).score, 0.0);
    assert_eq!(match_factor(&[], &b, NistParams::default()).score, 0.0);
    assert_eq!(
        reverse_match_factor(&a, &[], NistParams::default()).score,
        0.0
    );
}

#[test]
fn unsorted_input_is_sorted_first() {
    let s = [(105, 120.0), (57, 999.0), (57, 3.0), (41, 30.0)];
    let t = [(41, 30.0), (57, 999.0), (105, 120.0)];
    assert!(close(
        match_factor(&s, &t, NistParams::default()).score,
        1000.0
    ));
}

mod props {
    use super::super::*;
    use proptest::prelude::*;

    fn spectrum() -> impl Strategy<Value = Vec<(u32, f64)>> {
        proptest::collection::btree_map(30u32..300, 1.0f64..1000.0, 1..40)
            .prop_map(|m| m.into_iter().collect())
    }

    proptest! {
        #[test]
        fn bounded_scale_invariant_and_symmetric_for_equal_sizes(
            a in spectrum(), b in spectrum(), k in 0.01f64..100.0
        ) {
            let p = NistParams::default();
            let mf = match_factor(&a, &b, p).score;
            let rmf = reverse_match_factor(&a, &b, p).score;
            prop_assert!((0.0..=1000.0 + 1e-9).contains(&mf));
            prop_assert!((0.0..=1000.0 + 1e-9).contains(&rmf));
            let scaled: Vec<(u32, f64)> = a.iter().map(|&(m, i)| (m, i * k)).collect();
            prop_assert!((match_factor(&scaled, &b, p).score - mf).abs() < 1e-6);
            if a.len() == b.len() {
                prop_assert!((match_factor(&b, &a, p).score - mf).abs() < 1e-6);
            }
            prop_assert!((match_factor(&a, &a, p).score - 1000.0).abs() < 1e-6);
        }
    }
}
