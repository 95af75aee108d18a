//! Lateral-flow strip interpretation (`synthwatch::matching::immunoassay`).

mod common;

use synthwatch::matching::chem::ReferenceSet;
use synthwatch::matching::immunoassay::{
    interpret, CaveatSet, IntensitySource, StripCall, StripConfig, StripConfigError, StripInput,
    StripInterpreter,
};
use synthwatch_parsers::strips::{read_csv, ReaderCall, Target};

fn input(target: Target, c: Option<f64>, t: Option<f64>) -> StripInput {
    StripInput {
        target,
        brand: "BTNX Rapid Response".into(),
        lot: Some("FEN-23A".into()),
        stated_cutoff_ng_ml: Some(20.0),
        dilution: None,
        control_intensity: c,
        test_intensity: t,
        source: IntensitySource::Reader,
        reader_call: None,
    }
}

fn ids(caveats: &[synthwatch::matching::immunoassay::Caveat]) -> Vec<&str> {
    caveats.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn competitive_rule_table() {
    let interp = StripInterpreter::builtin().expect("built-in caveats load");
    // default reader thresholds: control 5, test 5 (visible at or above)
    let table: &[(Option<f64>, Option<f64>, StripCall)] = &[
        (Some(180.0), Some(0.0), StripCall::Positive),
        (Some(180.0), Some(4.99), StripCall::Positive),
        (Some(180.0), Some(5.0), StripCall::Negative),
        (Some(180.0), Some(140.0), StripCall::Negative),
        (Some(4.0), Some(0.0), StripCall::Invalid),
        (Some(0.0), Some(120.0), StripCall::Invalid),
        (Some(0.0), None, StripCall::Invalid),
        (None, Some(0.0), StripCall::Indeterminate),
        (Some(180.0), None, StripCall::Indeterminate),
        (Some(f64::NAN), Some(0.0), StripCall::Indeterminate),
    ];
    for (c, t, want) in table {
        let got = interp.interpret(&input(Target::Fentanyl, *c, *t));
        assert_eq!(got.call, *want, "C={c:?} T={t:?}: {}", got.reason);
        assert!(!got.reason.is_empty());
        assert_eq!(got.cutoff_ng_ml, Some(20.0));
    }
}

#[test]
fn caveats_follow_target_and_call() {
    let interp = StripInterpreter::builtin().expect("built-in caveats load");
    // (target, test intensity, must include, must not include)
    type Case<'a> = (Target, Option<f64>, &'a [&'a str], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            Target::Fentanyl,
            Some(0.0),
            &["fts-false-positive-stimulants-diphenhydramine"],
            &[
                "fts-misses-carfentanil-furanylfentanyl",
                "nts-caffeine-interference",
            ],
        ),
        (
            Target::Fentanyl,
            Some(100.0),
            &["fts-misses-carfentanil-furanylfentanyl"],
            &["fts-false-positive-stimulants-diphenhydramine"],
        ),
        (
            Target::Nitazene,
            Some(100.0),
            &["nts-misses-desnitazenes", "nts-detection-limits-vary"],
            &["fts-misses-carfentanil-furanylfentanyl"],
        ),
        (
            Target::Nitazene,
            Some(0.0),
            &["nts-caffeine-interference"],
            &["nts-misses-desnitazenes"],
        ),
        (
            Target::Xylazine,
            Some(0.0),
            &[],
            &["nts-caffeine-interference"],
        ),
    ];
    for (target, t, yes, no) in cases {
        let got = interp.interpret(&input(*target, Some(150.0), *t));
        let have = ids(&got.caveats);
        for id in *yes {
            assert!(
                have.contains(id),
                "{target:?} T={t:?}: missing {id} in {have:?}"
            );
        }
        for id in *no {
            assert!(!have.contains(id), "{target:?} T={t:?}: unexpected {id}");
        }
        assert!(got
            .caveats
            .iter()
            .all(|c| !c.text.is_empty() && !c.source.is_empty()));
    }
    let invalid = interp.interpret(&input(Target::Xylazine, Some(0.0), Some(0.0)));
    assert_eq!(ids(&invalid.caveats), ["strip-invalid-retest"]);
}

#[test]
fn caveat_citations_and_compounds_are_real() {
    let set = ReferenceSet::builtin().expect("reference set");
    let caveats = CaveatSet::builtin().expect("caveats");
    let mut n = 0;
    for c in caveats.all() {
        for id in &c.compounds {
            assert!(
                set.get(id).is_some(),
                "caveat {}: unknown compound {id}",
                c.id
            );
        }
        n += 1;
    }
    assert!(n >= 6);
    let text: String = caveats
        .all()
        .map(|c| format!("{} {}\n", c.text, c.source))
        .collect();
    for needle in [
        "Lockwood TE",
        "Park JN",
        "carfentanil",
        "furanyl fentanyl",
        "1 mg/mL",
        "300 ug/mL",
        "250 ng/mL",
        "etodesnitazene",
    ] {
        assert!(text.contains(needle), "caveats should mention {needle}");
    }
}

#[test]
fn per_lot_overrides_per_brand_overrides_default() {
    let config = StripConfig::from_toml(
        r#"
[default.reader]
control_visible = 5.0
test_visible = 5.0

[brands."btnx rapid response"]
cutoff_ng_ml = 25.0
reader = { test_visible = 20.0 }

[brands."btnx rapid response".lots."FEN-23A"]
reader = { test_visible = 2.0 }
"#,
    )
    .expect("valid config");
    let caveats = CaveatSet::default();
    let mut strip = input(Target::Fentanyl, Some(100.0), Some(10.0));
    // lot FEN-23A: test visible at 2 → 10 is a line → negative; brand cut-off applies
    let lot = interpret(&strip, &config, &caveats);
    assert_eq!(lot.call, StripCall::Negative);
    assert_eq!(lot.cutoff_ng_ml, Some(25.0));
    assert!(
        lot.notes
            .iter()
            .any(|n| n.contains("configured cut-off 25")),
        "{:?}",
        lot.notes
    );
    // another lot of the brand: brand threshold 20 → 10 is no line → positive
    strip.lot = Some("OTHER".into());
    assert_eq!(
        interpret(&strip, &config, &caveats).call,
        StripCall::Positive
    );
    // another brand: default 5 → negative, stated cut-off
    strip.brand = "WHPM".into();
    let other = interpret(&strip, &config, &caveats);
    assert_eq!(other.call, StripCall::Negative);
    assert_eq!(other.cutoff_ng_ml, Some(20.0));
    // photos use their own default thresholds (control 10 grey levels)
    strip.source = IntensitySource::Photo;
    strip.control_intensity = Some(8.0);
    assert_eq!(
        interpret(&strip, &config, &caveats).call,
        StripCall::Invalid
    );
}

#[test]
fn bad_configs_are_rejected() {
    let cases = [
        (
            "[default.reader]\ncontrol_visible = 5.0\ntest_visible = 5.0\nextra = 1",
            "unknown field",
        ),
        ("[brands.x]\ncutoff_ng_ml = 0.0", "cutoff_ng_ml"),
        (
            "[brands.x.lots.y]\nreader = { test_visible = -1.0 }",
            "test_visible",
        ),
        (
            "[brands.x]\nphoto = { control_visible = nan }",
            "control_visible",
        ),
    ];
    for (text, needle) in cases {
        let err = StripConfig::from_toml(text).expect_err(text);
        assert!(err.to_string().contains(needle), "{text}: {err}");
        if needle != "unknown field" {
            assert!(matches!(err, StripConfigError::OutOfRange { .. }), "{err}");
        }
    }
    assert_eq!(StripConfig::from_toml(""), Ok(StripConfig::default()));
}

#[test]
fn reader_disagreement_and_dilution_notes() {
    let interp = StripInterpreter::builtin().expect("builtin");
    let mut strip = input(Target::Fentanyl, Some(150.0), Some(0.0));
    strip.dilution = Some(10.0);
    strip.reader_call = Some(ReaderCall::Negative);
    let got = interp.interpret(&strip);
    assert_eq!(got.call, StripCall::Positive);
    assert_eq!(got.sample_cutoff_ng_ml, Some(200.0));
    assert!(
        got.notes
            .iter()
            .any(|n| n.contains("reader called negative")),
        "{:?}",
        got.notes
    );
    assert!(
        got.notes
            .iter()
            .any(|n| n.contains("1:10") && n.contains("200")),
        "{:?}",
        got.notes
    );
    strip.reader_call = Some(ReaderCall::Positive);
    strip.dilution = Some(1.0);
    let agree = interp.interpret(&strip);
    assert!(agree.notes.is_empty(), "{:?}", agree.notes);
    assert_eq!(agree.sample_cutoff_ng_ml, None);
}

/// The hand-made reader export in fixtures/, through the CSV parser.
#[test]
fn reader_export_fixture() {
    let bytes = std::fs::read(common::fixture("strips/strip-reader-export.csv")).expect("fixture");
    let file = read_csv(&bytes).expect("fixture parses");
    let interp = StripInterpreter::builtin().expect("builtin");
    let got: Vec<(String, StripCall, bool)> = file
        .readings
        .iter()
        .map(|r| {
            let i = interp.interpret(&StripInput::from(r));
            let disagrees = i.notes.iter().any(|n| n.starts_with("reader called"));
            (r.sample_id.clone(), i.call, disagrees)
        })
        .collect();
    let want = [
        ("SW-0001", StripCall::Positive, false),
        ("SW-0002", StripCall::Negative, false),
        ("SW-0003", StripCall::Negative, false),
        ("SW-0004", StripCall::Invalid, false),
        // T = 12.5 is a visible line: the reader's "positive" is flagged
        ("SW-0005", StripCall::Negative, true),
    ];
    let want: Vec<(String, StripCall, bool)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), *b, *c))
        .collect();
    assert_eq!(got, want);
}
