//! Formulas, exact masses, the reference compounds, isobars and mass-shift
//! explanations (`synthwatch::matching::chem`).

mod common;

use proptest::prelude::*;
use synthwatch::matching::chem::{
    explain, Compound, CompoundClass, CompoundError, Formula, FormulaError, Isobar, ReferenceSet,
    PROTON,
};
use synthwatch::matching::names::fold::fold;
use synthwatch::matching::Tolerance;

fn set() -> ReferenceSet {
    ReferenceSet::builtin().expect("built-in reference set loads")
}

fn mh(set: &ReferenceSet, id: &str) -> f64 {
    set.get(id)
        .unwrap_or_else(|| panic!("{id} missing"))
        .mh_plus()
}

#[test]
fn pinned_mh_plus_values() {
    let s = set();
    // [M+H]+ from the literature (HRMS reports), to 0.1 mDa.
    for (id, want) in [
        ("isotonitazene", 411.2391),
        ("metonitazene", 383.2078),
        ("fentanyl", 337.2274),
        ("carfentanil", 395.2329),
        ("etonitazepyne", 395.2078),
    ] {
        let got = mh(&s, id);
        assert!((got - want).abs() < 1e-4, "{id}: {got:.5} vs {want}");
    }
}

#[test]
fn mass_arithmetic() {
    let f = Formula::parse("C22H28N2O").expect("valid");
    assert!((f.mh_plus() - f.monoisotopic_mass() - PROTON).abs() < 1e-12);
    assert!((f.monoisotopic_mass() - 336.220164).abs() < 1e-5);
    // [M+Na]+ = M + Na − e
    assert!((f.m_plus_na() - 359.209384).abs() < 1e-5);
    assert!(f.radical_cation() < f.monoisotopic_mass());
}

#[test]
fn formula_errors_name_positions() {
    let cases: &[(&str, usize)] = &[("C22H2?N2O", 5), ("c22", 0), ("C22Q", 3), ("C22H28Zz", 6)];
    for (text, pos) in cases {
        let err = Formula::parse(text).expect_err(text);
        let got = match &err {
            FormulaError::Unexpected { position, .. }
            | FormulaError::UnknownElement { position, .. }
            | FormulaError::BadCount { position, .. } => *position,
            FormulaError::Empty => usize::MAX,
        };
        assert_eq!(got, *pos, "{text}: {err}");
        assert!(err.to_string().contains(&pos.to_string()), "{err}");
    }
}

#[test]
fn required_compounds_present_with_classes() {
    let s = set();
    let nitazenes = [
        "isotonitazene",
        "protonitazene",
        "metonitazene",
        "etonitazene",
        "butonitazene",
        "flunitazene",
        "clonitazene",
        "etonitazepyne",
        "metonitazepyne",
        "protonitazepyne",
        "etonitazepipne",
        "n-desethyl-isotonitazene",
        "n-desethyl-etonitazene",
        "4-hydroxy-nitazene",
        "5-amino-isotonitazene",
        "etodesnitazene",
        "metodesnitazene",
    ];
    let fentanyls = [
        "fentanyl",
        "carfentanil",
        "acetylfentanyl",
        "furanylfentanyl",
        "para-fluorofentanyl",
        "acrylfentanyl",
        "butyrylfentanyl",
        "isobutyrylfentanyl",
        "valerylfentanyl",
        "cyclopropylfentanyl",
        "methoxyacetylfentanyl",
        "tetrahydrofuranylfentanyl",
        "para-fluorobutyrylfentanyl",
        "ocfentanil",
        "lofentanil",
        "sufentanil",
        "alfentanil",
        "remifentanil",
        "4-anpp",
        "norfentanyl",
        "norcarfentanil",
    ];
    let others = [
        "heroin",
        "6-mam",
        "morphine",
        "codeine",
        "methadone",
        "tramadol",
        "xylazine",
        "medetomidine",
        "cocaine",
        "lidocaine",
        "procaine",
        "caffeine",
        "paracetamol",
        "bromazolam",
        "etizolam",
        "benzocaine",
        "levamisole",
        "phenacetin",
        "diphenhydramine",
        "quinine",
        "ketamine",
        "methamphetamine",
        "mdma",
        "naloxone",
        "buprenorphine",
        "oxycodone",
    ];
    for id in nitazenes {
        let c = s.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(c.class, CompoundClass::Nitazene, "{id}");
        assert!(c.scaffold.contains("benzimidazole-2-benzyl"), "{id}");
    }
    for id in fentanyls {
        let c = s.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(c.class, CompoundClass::Fentanyl, "{id}");
        assert!(c.scaffold.contains("piperidine"), "{id}");
    }
    for id in others {
        assert!(s.get(id).is_some(), "{id} missing");
    }
    assert_eq!(
        s.get("bromazolam").map(|c| c.class),
        Some(CompoundClass::Benzodiazepine)
    );
}

/// Formulas derived independently: core + substituent arithmetic.
#[test]
fn nitazene_formulas_follow_the_scaffold() {
    let s = set();
    let f = |id: &str| s.get(id).map(|c| c.formula).expect(id);
    let add = |a: &str, b: &str| {
        Formula::parse(a)
            .expect(a)
            .plus(&Formula::parse(b).expect(b))
    };
    // 4'-R on the C20H23N4O2 core (1-diethylaminoethyl-2-benzyl-5-nitrobenzimidazole minus H)
    let core = "C20H23N4O2";
    for (id, r) in [
        ("metonitazene", "OCH3"),
        ("etonitazene", "OC2H5"),
        ("isotonitazene", "OC3H7"),
        ("protonitazene", "OC3H7"),
        ("butonitazene", "OC4H9"),
        ("flunitazene", "F"),
        ("clonitazene", "Cl"),
        ("4-hydroxy-nitazene", "OH"),
    ] {
        assert_eq!(f(id), add(core, r), "{id}");
    }
    // carfentanil = fentanyl + CO2CH3 for H; norfentanyl = fentanyl − C8H8
    assert_eq!(f("carfentanil"), add("C22H27N2O", "C2H3O2"));
    assert_eq!(f("fentanyl"), add("C14H20N2O", "C8H8"));
    assert_eq!(f("norcarfentanil"), add("C14H19N2O", "C2H3O2"));
}

#[test]
fn isobars_at_two_tolerances() {
    let s = set();
    fn pair<'a>(list: &[Isobar<'a>], x: &str, y: &str) -> Option<Isobar<'a>> {
        list.iter()
            .find(|i| (i.a.id == x && i.b.id == y) || (i.a.id == y && i.b.id == x))
            .copied()
    }
    let wide = s.isobars(Tolerance::Da(0.05));
    let narrow = s.isobars(Tolerance::Ppm(10.0));
    let iso = pair(&narrow, "isotonitazene", "protonitazene").expect("isomers");
    assert!(iso.same_formula && iso.delta_da.abs() < 1e-9);
    let met = pair(&narrow, "metonitazene", "n-desethyl-isotonitazene").expect("isomers");
    assert!(met.same_formula);
    let cf = pair(&wide, "carfentanil", "etonitazepyne").expect("isobaric at 0.05 Da");
    assert!(!cf.same_formula);
    assert!((cf.delta_da - 0.0251).abs() < 0.0005, "{}", cf.delta_da);
    assert!(
        pair(&narrow, "carfentanil", "etonitazepyne").is_none(),
        "resolved at 10 ppm"
    );
    for i in &wide {
        assert!(
            i.delta_da >= 0.0 && i.delta_da <= 0.05,
            "{} {}",
            i.a.id,
            i.b.id
        );
    }
}

#[test]
fn precursor_lookup() {
    let s = set();
    fn ids(v: Vec<&Compound>) -> Vec<&str> {
        v.into_iter().map(|c| c.id.as_str()).collect()
    }
    let mut iso = ids(s.by_precursor_mz(411.2391, Tolerance::Ppm(5.0)));
    iso.sort_unstable();
    assert_eq!(iso, ["isotonitazene", "protonitazene"]);
    assert_eq!(
        ids(s.by_precursor_mz(337.2274, Tolerance::Ppm(5.0))),
        ["fentanyl"]
    );
    // at 0.05 Da both 395 compounds, closest first
    let both = ids(s.by_precursor_mz(395.2075, Tolerance::Da(0.05)));
    assert_eq!(both, ["etonitazepyne", "carfentanil"]);
    assert!(s.by_precursor_mz(f64::NAN, Tolerance::Da(0.1)).is_empty());
    assert!(s.by_precursor_mz(1000.0, Tolerance::Da(0.1)).is_empty());
}

const ONE: &str = r#"
[[compound]]
id = "a"
name = "Alpha"
synonyms = ["alpha-one"]
formula = "C2H6O"
class = "other"
"#;

#[test]
fn user_files_are_validated() {
    assert_eq!(ReferenceSet::from_toml(ONE).map(|s| s.len()), Ok(1));
    let two = |second: &str| format!("{ONE}\n[[compound]]\n{second}");
    type Check = fn(&CompoundError) -> bool;
    let cases: &[(&str, Check)] = &[
        ("id = \"a\"\nname = \"B\"\nformula = \"CH4\"\nclass = \"other\"", |e| {
            matches!(e, CompoundError::DuplicateId { .. })
        }),
        ("id = \"b\"\nname = \"B\"\nformula = \"CH4Xq\"\nclass = \"other\"", |e| {
            matches!(e, CompoundError::Formula { source: FormulaError::UnknownElement { position: 3, .. }, .. })
        }),
        ("id = \"b\"\nname = \"B\"\nformula = \"CH4\"\nclass = \"opiate\"", |e| {
            matches!(e, CompoundError::UnknownClass { .. })
        }),
        ("id = \"b\"\nname = \"ALPHA ONE\"\nformula = \"CH4\"\nclass = \"other\"", |e| {
            matches!(e, CompoundError::DuplicateName { .. })
        }),
        ("id = \"b\"\nname = \"Beta\"\nsynonyms = [\"be-ta\"]\nformula = \"CH4\"\nclass = \"other\"", |e| {
            matches!(e, CompoundError::RedundantName { .. })
        }),
        ("id = \"B\"\nname = \"Beta\"\nformula = \"CH4\"\nclass = \"other\"", |e| {
            matches!(e, CompoundError::BadId { .. })
        }),
        ("id = \"b\"\nname = \"Beta\"\nformula = \"CH4\"\nclass = \"other\"\ncolour = \"red\"", |e| {
            matches!(e, CompoundError::Toml(_))
        }),
    ];
    for (second, check) in cases {
        let err = ReferenceSet::from_toml(&two(second)).expect_err(second);
        assert!(check(&err), "{second}: {err}");
    }
    assert_eq!(
        ReferenceSet::from_toml("").err(),
        Some(CompoundError::Empty)
    );
}

#[test]
fn deliberately_shared_names_are_allowed() {
    let text = r#"
[[compound]]
id = "a"
name = "Alpha"
synonyms = ["street blend"]
shared_names = ["street blend"]
formula = "CH4"
class = "other"

[[compound]]
id = "b"
name = "Beta"
synonyms = ["Street-Blend"]
shared_names = ["street blend"]
formula = "C2H6"
class = "other"
"#;
    assert_eq!(ReferenceSet::from_toml(text).map(|s| s.len()), Ok(2));
    let one_sided = text.replacen(
        "shared_names = [\"street blend\"]\nformula = \"C2H6\"",
        "formula = \"C2H6\"",
        1,
    );
    assert!(matches!(
        ReferenceSet::from_toml(&one_sided),
        Err(CompoundError::DuplicateName { .. })
    ));
}

#[test]
fn explanations_for_homologues_and_halogens() {
    let s = set();
    let d = |a: &str, b: &str| {
        s.get(a).expect(a).monoisotopic_mass() - s.get(b).expect(b).monoisotopic_mass()
    };
    let best = |delta: f64, tol: f64| explain(delta, tol).into_iter().next().map(|e| e.label);
    assert!(best(d("etonitazene", "metonitazene"), 0.002)
        .expect("CH2")
        .starts_with("+CH2"));
    assert!(best(d("metonitazene", "etonitazene"), 0.002)
        .expect("−CH2")
        .starts_with("\u{2212}CH2"));
    assert!(best(d("para-fluorofentanyl", "fentanyl"), 0.002)
        .expect("F")
        .contains("F for H"));
    assert!(best(d("clonitazene", "flunitazene"), 0.002).is_some());
    assert!(best(d("heroin", "6-mam"), 0.002)
        .expect("acetyl")
        .contains("C2H2O"));
    assert!(best(d("fentanyl", "norfentanyl"), 0.002)
        .expect("phenethyl")
        .contains("C8H8"));
    assert!(best(d("isotonitazene", "5-amino-isotonitazene"), 0.002)
        .expect("nitro")
        .contains("NH2 for NO2"));
    assert_eq!(
        best(d("isotonitazene", "protonitazene"), 0.002).as_deref(),
        Some("no mass change (isomer)")
    );
}

#[test]
fn c2h4_and_n2_are_told_apart() {
    let c2h4 = Formula::parse("C2H4").expect("valid").monoisotopic_mass();
    let n2 = Formula::parse("N2").expect("valid").monoisotopic_mass();
    assert!((c2h4 - n2 - 0.0252).abs() < 0.0001);
    let tight = explain(c2h4, 0.005);
    assert!(tight.iter().all(|e| !e.label.contains("N2")), "{tight:?}");
    assert!(tight[0].label.contains("C2H4"));
    let loose = explain(c2h4, 0.03);
    assert!(loose[0].label.contains("C2H4"));
    assert!(loose.iter().any(|e| e.label == "+N2"), "{loose:?}");
    for w in loose.windows(2) {
        assert!(w[0].error_da.abs() <= w[1].error_da.abs());
    }
}

#[test]
fn pairs_only_when_no_single_fits() {
    let s = set();
    let d = s.get("flunitazene").expect("f").monoisotopic_mass()
        - s.get("etonitazene").expect("e").monoisotopic_mass();
    let ex = explain(d, 0.002);
    assert!(!ex.is_empty());
    assert!(
        ex[0].label.contains("F for H") && ex[0].label.contains("C2H4O"),
        "{ex:?}"
    );
    assert!(
        ex.iter().all(|e| e.label.contains(", ")),
        "all are pairs: {ex:?}"
    );
    assert_eq!(explain(d, 0.002), ex, "deterministic");
    assert!(explain(123.456, 0.0001).is_empty());
    assert!(explain(f64::NAN, 0.01).is_empty());
}

/// Formulas and exact masses against the MassBank records in the shared data:
/// every record naming a reference compound must carry the same formula, and
/// at least 30 compounds must have a record whose exact mass agrees to 1 mDa.
#[test]
fn formulas_agree_with_massbank_records() {
    let Some(dir) = common::shared_data() else {
        return;
    };
    let s = set();
    let mut checked = std::collections::BTreeSet::new();
    for sub in ["massbank/fentanyls", "massbank/street-drugs"] {
        let entries = std::fs::read_dir(dir.join(sub)).unwrap_or_else(|e| panic!("{sub}: {e}"));
        for entry in entries.flatten() {
            let path = entry.path();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let field = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(str::trim)
            };
            let (Some(formula), Some(exact)) = (field("CH$FORMULA:"), field("CH$EXACT_MASS:"))
            else {
                continue;
            };
            let names: Vec<String> = text
                .lines()
                .filter_map(|l| l.strip_prefix("CH$NAME:"))
                .map(fold)
                .collect();
            let Some(c) = s
                .compounds()
                .iter()
                .find(|c| c.names().any(|n| names.contains(&fold(n))))
            else {
                continue;
            };
            let want =
                Formula::parse(formula).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(c.formula, want, "{} vs {}", c.id, path.display());
            let exact: f64 = exact
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // a few records give the average molecular weight; those say nothing here
            let agrees = (c.monoisotopic_mass() - exact).abs() < 1e-3;
            let average =
                Formula::parse(formula).is_ok() && (exact - c.monoisotopic_mass()).abs() > 0.05;
            assert!(agrees || average, "{}: {exact} in {}", c.id, path.display());
            if agrees {
                checked.insert(c.id.clone());
            }
        }
    }
    assert!(
        checked.len() >= 30,
        "only {} compounds cross-checked: {checked:?}",
        checked.len()
    );
}

proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC{0,24}") {
        let _ = Formula::parse(&s);
    }

    #[test]
    fn display_round_trips(c in 0u32..60, h in 0u32..90, n in 0u32..8, o in 0u32..8, cl in 0u32..3) {
        let text = format!("C{c}H{h}N{n}O{o}Cl{cl}").replace("C0", "").replace("H0", "").replace("N0", "").replace("O0", "").replace("Cl0", "");
        prop_assume!(!text.is_empty());
        let f = Formula::parse(&text).expect("generated formula");
        prop_assert_eq!(Formula::parse(&f.to_string()), Ok(f));
    }
}
