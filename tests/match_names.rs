//! Compound names in free text (`synthwatch::matching::names`).

use synthwatch::matching::chem::{CompoundClass, ReferenceSet};
use synthwatch::matching::names::{NameHit, NameMatcher};

fn matcher() -> NameMatcher {
    let set = ReferenceSet::builtin().expect("built-in reference set");
    NameMatcher::new(&set).expect("matcher builds")
}

/// (compound id, matched text) for each hit, in order.
fn hits(m: &NameMatcher, text: &str) -> Vec<(String, String)> {
    m.find(text)
        .into_iter()
        .map(|h| (h.compound_id.clone(), text[h.span.clone()].to_string()))
        .collect()
}

#[test]
fn spelling_variants_and_boundaries() {
    let m = matcher();
    // (text, expected (id, span text) in order)
    let table: &[(&str, &[(&str, &str)])] = &[
        (
            "para-fluorofentanyl",
            &[("para-fluorofentanyl", "para-fluorofentanyl")],
        ),
        (
            "Para Fluoro Fentanyl detected",
            &[("para-fluorofentanyl", "Para Fluoro Fentanyl")],
        ),
        (
            "p-fluorofentanyl",
            &[("para-fluorofentanyl", "p-fluorofentanyl")],
        ),
        (
            "PARA–FLUOROFENTANYL",
            &[("para-fluorofentanyl", "PARA–FLUOROFENTANYL")],
        ),
        (
            "4-ANPP and 4 ANPP",
            &[("4-anpp", "4-ANPP"), ("4-anpp", "4 ANPP")],
        ),
        (
            "N-desethyl isotonitazene",
            &[("n-desethyl-isotonitazene", "N-desethyl isotonitazene")],
        ),
        ("isotonitazene", &[("isotonitazene", "isotonitazene")]),
        ("norfentanyl only", &[("norfentanyl", "norfentanyl")]),
        ("acetyl fentanyl", &[("acetylfentanyl", "acetyl fentanyl")]),
        ("non-fentanyl opioid", &[("fentanyl", "fentanyl")]),
        ("fentanyls", &[]),
        ("xfentanyl", &[]),
        ("fentanyl2", &[]),
        (
            "Isotonitazene/protonitazene",
            &[
                ("isotonitazene", "Isotonitazene"),
                ("protonitazene", "protonitazene"),
            ],
        ),
        (
            "4′-hydroxy nitazene",
            &[("4-hydroxy-nitazene", "4′-hydroxy nitazene")],
        ),
        (
            "4'-hydroxy-nitazene",
            &[("4-hydroxy-nitazene", "4'-hydroxy-nitazene")],
        ),
        (
            "etazene (etodesnitazene)",
            &[
                ("etodesnitazene", "etazene"),
                ("etodesnitazene", "etodesnitazene"),
            ],
        ),
        ("", &[]),
        ("µg/mL — no drugs here ′′ ", &[]),
    ];
    for (text, want) in table {
        let got = hits(&m, text);
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn report_and_assay_comment_text() {
    let m = matcher();
    let report = "Sample SW-0042 (white powder): LC-QTOF found metonitazene (major), \
                  N-desethyl isotonitazene (trace) and caffeine; fentanyl strip negative \
                  at 1:10, nitazene strip positive. Xylazine-positive? No. Bromazolam 0.5 µg/mL.";
    let ids: Vec<String> = hits(&m, report).into_iter().map(|h| h.0).collect();
    assert_eq!(
        ids,
        [
            "metonitazene",
            "n-desethyl-isotonitazene",
            "caffeine",
            "fentanyl",
            "xylazine",
            "bromazolam"
        ]
    );
    let comment = "Assay comment: presumptive FENTANYL; carfentanyl not excluded; 6-MAM present, heroin likely.";
    let found: Vec<NameHit> = m.find(comment);
    let classes: Vec<CompoundClass> = found.iter().map(|h| h.class).collect();
    assert_eq!(
        classes,
        [
            CompoundClass::Fentanyl,
            CompoundClass::Fentanyl,
            CompoundClass::Opioid,
            CompoundClass::Opioid
        ]
    );
    assert_eq!(found[1].compound_id, "carfentanil");
    assert_eq!(found[1].name, "carfentanyl");
    assert_eq!(&comment[found[2].span.clone()], "6-MAM");
}

#[test]
fn no_hits_inside_longer_words() {
    let m = matcher();
    for text in [
        "norfentanyl",
        "carfentanil",
        "acetylfentanyl",
        "furanylfentanyl",
        "methoxyacetylfentanyl",
        "tetrahydrofuranylfentanyl",
        "para-fluorobutyrylfentanyl",
    ] {
        let got = m.find(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].span, 0..text.len(), "{text}");
    }
    assert!(m.find("heroine morphineX codeines").is_empty());
}

#[test]
fn shared_names_give_one_hit_per_compound() {
    let set = ReferenceSet::from_toml(
        r#"
[[compound]]
id = "a"
name = "Alpha"
synonyms = ["blend"]
shared_names = ["blend"]
formula = "CH4"
class = "other"

[[compound]]
id = "b"
name = "Beta"
synonyms = ["blend"]
shared_names = ["blend"]
formula = "C2H6"
class = "opioid"
"#,
    )
    .expect("valid set");
    let m = NameMatcher::new(&set).expect("builds");
    let found = m.find("a blend.");
    let ids: Vec<&str> = found.iter().map(|h| h.compound_id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(found.iter().all(|h| h.span == (2..7)));
}

#[test]
fn non_ascii_text_never_panics_and_spans_are_char_boundaries() {
    let m = matcher();
    let texts = [
        "İsotonitazene",
        "ﬁ fentanyl ﬀ",
        "fentanyl\u{301}",
        "🧪fentanyl🧪",
        "ΣΑΣ fentanyl µ′",
        "fen\u{00AD}tanyl",
    ];
    for t in texts {
        for h in m.find(t) {
            assert!(t.get(h.span.clone()).is_some(), "{t:?}: {:?}", h.span);
        }
    }
    assert_eq!(hits(&m, "🧪fentanyl🧪").len(), 1, "emoji are not letters");
    assert_eq!(hits(&m, "fen\u{00AD}tanyl").len(), 1, "soft hyphen ignored");
}
