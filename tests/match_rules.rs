//! Class rules (issue 4 items 6 and 10): the bar on real data and the synthetic
//! generalisation set (`fixtures/spectra/`).
mod common;

use std::path::{Path, PathBuf};

use synthwatch::matching::rules::{Class, RuleEngine, RuleInput, RuleSet};
use synthwatch_parsers::spectrum::Spectrum;

fn engine() -> RuleEngine {
    RuleEngine::new(&RuleSet::builtin().expect("builtin rules validate"))
}

fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.iter().any(|w| x.eq_ignore_ascii_case(w)))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every spectrum of every file, with a name for the tables.
fn load(paths: &[PathBuf], read: fn(&[u8]) -> Vec<Spectrum>) -> Vec<(String, Spectrum)> {
    let mut out = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for s in read(&bytes) {
            let name = format!(
                "{} [{}]",
                p.file_name().unwrap_or_default().to_string_lossy(),
                s.title.clone().unwrap_or_default()
            );
            out.push((name, s));
        }
    }
    out
}

fn msp(b: &[u8]) -> Vec<Spectrum> {
    synthwatch_parsers::msp::read(b)
        .expect("msp parses")
        .spectra
}
fn massbank(b: &[u8]) -> Vec<Spectrum> {
    synthwatch_parsers::massbank::read(b)
        .expect("massbank parses")
        .spectra
}
fn peaklist(b: &[u8]) -> Vec<Spectrum> {
    synthwatch_parsers::peaklist::read(b)
        .expect("peak list parses")
        .spectra
}

/// Flag rate for `class`, printing every miss (or every false flag) with the reason.
fn rate(engine: &RuleEngine, set: &[(String, Spectrum)], class: Option<Class>, title: &str) -> f64 {
    let mut hits = 0usize;
    println!("\n== {title}: {} spectra", set.len());
    for (name, s) in set {
        let input = RuleInput::from(s);
        let ev = engine.evaluate_all(&input);
        // The flags-only path leaves a rule as soon as it cannot flag; it
        // must flag exactly what the full evaluation flags.
        assert_eq!(
            engine.evaluate(&input),
            ev.flags,
            "{name}: evaluate and evaluate_all disagree"
        );
        match class {
            Some(c) if ev.flags_class(c) => hits += 1,
            Some(_) => {
                let why: Vec<String> = ev
                    .near_misses
                    .iter()
                    .map(|n| {
                        format!(
                            "{} ({}/{}): missing {}",
                            n.rule,
                            n.groups_met,
                            n.groups_needed,
                            n.missing.join("; ")
                        )
                    })
                    .collect();
                println!(
                    "MISS  {name}: {}",
                    if why.is_empty() {
                        "no rule partly met".into()
                    } else {
                        why.join(" | ")
                    }
                );
            }
            None if !ev.flags.is_empty() => {
                hits += 1;
                for f in &ev.flags {
                    let ions: Vec<String> = f
                        .evidence
                        .iter()
                        .map(|e| {
                            format!(
                                "{} {:.4} ({:.1}%)",
                                e.label, e.observed_mz, e.relative_intensity
                            )
                        })
                        .collect();
                    println!(
                        "FALSE {name}: {:?} by {} v{}: {}",
                        f.class,
                        f.rule,
                        f.rule_version,
                        ions.join(", ")
                    );
                }
            }
            None => {}
        }
    }
    let r = 100.0 * hits as f64 / set.len().max(1) as f64;
    println!("== {title}: {hits}/{} = {r:.1} %", set.len());
    r
}

#[test]
fn bar_nist_fentanyl_ei() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let set = load(&files(&data.join("msp/nist-fentanyl-ei"), &["msp"]), msp);
    assert_eq!(set.len(), 109, "NIST fentanyl EI spectra");
    let r = rate(&engine(), &set, Some(Class::Fentanyl), "NIST EI fentanyl");
    assert!(
        r >= 95.0,
        "fentanyl flagged on {r:.1} % of NIST EI (bar 95 %)"
    );
}

#[test]
fn bar_massbank_fentanyls() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let set = load(&files(&data.join("massbank/fentanyls"), &["txt"]), massbank);
    assert_eq!(set.len(), 43, "MassBank fentanyl-family records");
    let r = rate(
        &engine(),
        &set,
        Some(Class::Fentanyl),
        "MassBank fentanyls (ESI)",
    );
    assert!(
        r >= 95.0,
        "fentanyl flagged on {r:.1} % of MassBank fentanyls (bar 95 %)"
    );
}

#[test]
fn bar_massbank_street_drugs() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let set = load(
        &files(&data.join("massbank/street-drugs"), &["txt"]),
        massbank,
    );
    assert_eq!(set.len(), 979, "MassBank street-drug records");
    let r = rate(&engine(), &set, None, "MassBank street drugs (negatives)");
    assert!(r <= 1.0, "{r:.2} % of street drugs flagged (bar ≤ 1 %)");
}

fn jcamp(b: &[u8]) -> Vec<Spectrum> {
    synthwatch_parsers::jcamp::read(b)
        .expect("jcamp parses")
        .spectra
}

/// Nominal-mass spectra that are not opioids: the EI records among the MSP
/// dialect files (MoNA GC-MS, Golm, RIKEN, perylene, JWH-081 …) and the
/// JCAMP-DX mass spectra (NIST WebBook EI and a 145-spectrum methane-CI
/// GC-MS run of TMS-derivatised metabolites). A measurement, printed with
/// every false flag and its evidence, and a guard against getting worse:
/// measured 2026-12-04, `fentanyl.ei.anilidopiperidine` v1 flagged 2 of the 42
/// EI spectra (2,4,5- and 2,4,6-trichlorophenol, M 196: 132/202 or shifted
/// family ions with m/z 97); v2 requires an ion of a fentanyl-size molecule
/// (m/z 210-700, as every fentanyl's M+. or M-91/M-105 is), which they lack:
/// 0 of 42, NIST recall unchanged. It still flags 14 of the 145 CI spectra
/// (dense TMS spectra with strong heavy ions, where ring-shifted family ions
/// coincide by chance). Stricter intensity, parity or core-ion conditions
/// tried on these sets cost more NIST recall than they removed false flags,
/// so that rate is reported as a known weakness of nominal-mass class rules.
#[test]
fn nominal_mass_negatives_report() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let mut ei = load(&files(&data.join("msp/dialects"), &["msp", "msl"]), msp);
    let jdx = load(
        &files(&data.join("jcamp/mass_spectra"), &["jdx", "dx"]),
        jcamp,
    );
    let (ci, rest): (Vec<_>, Vec<_>) = jdx.into_iter().partition(|(n, _)| n.starts_with("CH4_CI"));
    ei.extend(rest);
    assert_eq!((ei.len(), ci.len()), (42, 145), "EI and CI negatives");
    let engine = engine();
    let r_ei = rate(&engine, &ei, None, "EI negatives (not opioids)");
    let r_ci = rate(&engine, &ci, None, "methane-CI negatives (not opioids)");
    assert!(r_ei == 0.0, "EI false flags came back: {r_ei:.1} %");
    assert!(
        r_ci <= 100.0 * 14.0 / 145.0 + 1e-9,
        "CI false flags rose: {r_ci:.1} %"
    );
}

#[test]
fn dart_ms_report() {
    let Some(data) = common::shared_data() else {
        return;
    };
    let set = load(&files(&data.join("dart-ms"), &["txt"]), peaklist);
    let engine = engine();
    println!("\n== DART-MS in-source CID ({} spectra)", set.len());
    let mut fentanyl_named = 0;
    for (name, s) in &set {
        let flags = engine.evaluate(&RuleInput::from(s));
        let rules: Vec<String> = flags
            .iter()
            .map(|f| format!("{:?}:{}", f.class, f.rule))
            .collect();
        println!(
            "{name}: {}",
            if rules.is_empty() {
                "-".into()
            } else {
                rules.join(", ")
            }
        );
        let lower = name.to_ascii_lowercase();
        if lower.contains("fentanyl") && flags.iter().any(|f| f.class == Class::Fentanyl) {
            fentanyl_named += 1;
        }
        if lower.contains("benzylfentanyl") {
            assert!(
                flags.iter().any(|f| &*f.rule == "fentanyl.esi.n-benzyl"),
                "{name}: benzylfentanyl not flagged by the N-benzyl rule"
            );
        }
        if lower.contains("amphetamine") {
            assert!(flags.is_empty(), "{name}: amphetamine flagged");
        }
        assert!(
            flags.iter().all(|f| f.class != Class::Nitazene),
            "{name}: nitazene flag on DART fentanyl data"
        );
    }
    // DART peaks here run 10-20 ppm high (uncalibrated in-source CID; the
    // wide tolerance takes them). Benzylfentanyl (N-benzyl, 174/91) lacks
    // the phenethyl ions and is flagged by its own rule.
    println!("pure acetyl/benzylfentanyl spectra flagged: {fentanyl_named}/6");
    assert_eq!(
        fentanyl_named, 6,
        "pure DART fentanyl spectra flagged: {fentanyl_named}/6"
    );
}

/// The synthetic set: every opioid flags with its class (and only that class),
/// no decoy flags, and every flag carries ≥ 2 distinct evidence ions.
#[test]
fn synthetic_opioids_and_decoys() {
    let engine = engine();
    let mut checked = 0;
    for file in ["spectra/synthetic-esi.msp", "spectra/synthetic-ei.msp"] {
        let bytes = std::fs::read(common::fixture(file))
            .unwrap_or_else(|e| panic!("{file}: {e} (run fixtures/make_opioid_spectra.py)"));
        for s in msp(&bytes) {
            let name = s.title.clone().unwrap_or_default();
            let expect = match s.header_value("Expect") {
                Some("nitazene") => Some(Class::Nitazene),
                Some("fentanyl") => Some(Class::Fentanyl),
                Some("none") => None,
                other => panic!("{name}: bad Expect {other:?}"),
            };
            let ev = engine.evaluate_all(&RuleInput::from(&s));
            let classes: Vec<Class> = ev.flags.iter().map(|f| f.class).collect();
            match expect {
                Some(c) => assert!(
                    classes.contains(&c) && classes.iter().all(|k| *k == c),
                    "{name}: expected {c:?}, got {classes:?}; near misses {:?}",
                    ev.near_misses
                ),
                None => assert!(classes.is_empty(), "{name}: decoy flagged {:?}", ev.flags),
            }
            for f in &ev.flags {
                let mut mz: Vec<f64> = f.evidence.iter().map(|e| e.observed_mz).collect();
                mz.dedup();
                assert!(mz.len() >= 2, "{name}: {} fired on one ion", f.rule);
                assert!(f
                    .evidence
                    .iter()
                    .all(|e| e.relative_intensity > 0.0 && e.relative_intensity <= 100.0));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 69, "synthetic records");
}

/// The ring-substituted amphetamines and cathinones of the EI decoys carry the
/// nitazene EI pair (iminium base peak, benzyl-type ion); what they lack, and
/// what the near miss names, is an ion of a nitazene-size molecule.
#[test]
fn ei_stimulants_miss_only_the_heavy_ion() {
    let engine = engine();
    let bytes = std::fs::read(common::fixture("spectra/synthetic-ei.msp")).expect("fixture");
    let mut seen = 0;
    for s in msp(&bytes) {
        let name = s.title.clone().unwrap_or_default();
        if !["MDMA", "MDEA", "PMMA", "4-FMA", "methylone", "eutylone"]
            .iter()
            .any(|d| name.starts_with(&format!("{d} (EI decoy)")))
        {
            continue;
        }
        let ev = engine.evaluate_all(&RuleInput::from(&s));
        assert!(ev.flags.is_empty(), "{name}: flagged {:?}", ev.flags);
        let near = ev
            .near_misses
            .iter()
            .find(|n| &*n.rule == "nitazene.ei.iminium-benzyl")
            .unwrap_or_else(|| panic!("{name}: no nitazene near miss"));
        assert_eq!(near.missing.len(), 1, "{name}: {:?}", near.missing);
        assert!(
            near.missing[0].contains("heavy ion"),
            "{name}: {:?}",
            near.missing
        );
        seen += 1;
    }
    assert_eq!(seen, 6, "EI stimulant decoys");
}

/// A nitazene's ions with the precursor outside the class window (given,
/// or not given and no peak to infer it from) flag nothing, and the near
/// miss says why; the flags-only path agrees.
#[test]
fn precursor_outside_the_window_is_named_in_the_near_miss() {
    use synthwatch_parsers::spectrum::Peak;
    let ions = [(100.1121, 100.0), (72.0808, 25.0), (149.0961, 12.0)];
    let peaks: Vec<Peak> = ions.map(|(x, intensity)| Peak { x, intensity }).to_vec();
    let engine = engine();
    for (given, why) in [
        (
            Some(250.1234),
            "precursor m/z 250.1234 outside the class window",
        ),
        (None, "no precursor given and no peak in the class window"),
    ] {
        let input = RuleInput::new(&peaks, given);
        let ev = engine.evaluate_all(&input);
        assert!(ev.flags.is_empty(), "{given:?}: {:?}", ev.flags);
        assert!(engine.evaluate(&input).is_empty(), "{given:?}");
        let near = ev
            .near_misses
            .iter()
            .find(|n| &*n.rule == "nitazene.esi.amine-benzyl")
            .expect("nitazene near miss");
        assert!(
            near.missing.iter().any(|m| m.contains(why)),
            "{given:?}: {:?}",
            near.missing
        );
    }
    // Inside the window the same ions flag.
    let inside = engine.evaluate(&RuleInput::new(&peaks, Some(411.2391)));
    assert!(inside
        .iter()
        .any(|f| &*f.rule == "nitazene.esi.amine-benzyl"));
}

/// A single diagnostic ion is never a flag, but it is reported as a near miss.
#[test]
fn single_ion_is_a_near_miss() {
    use synthwatch_parsers::spectrum::Peak;
    let peaks = [
        Peak {
            x: 100.1121,
            intensity: 100.0,
        },
        Peak {
            x: 411.2391,
            intensity: 20.0,
        },
    ];
    let ev = engine().evaluate_all(&RuleInput::new(&peaks, Some(411.2391)));
    assert!(ev.flags.is_empty());
    let near = ev
        .near_misses
        .iter()
        .find(|n| n.rule.starts_with("nitazene"))
        .expect("nitazene near miss");
    assert!(
        near.missing.iter().any(|m| m.contains("benzyl")),
        "{:?}",
        near.missing
    );
    let json = serde_json::to_value(&ev).expect("serialises");
    assert_eq!(json["near_misses"][0]["class"], "nitazene");
}

/// Rule files that could fire on one ion, or are malformed, are refused.
#[test]
fn rule_file_validation() {
    let builtin = include_str!("../data/class-rules.toml");
    assert!(RuleSet::from_toml(builtin).is_ok());
    let one_ion = builtin
        .replacen(
            "required = true\n  min_rel = 5.0",
            "required = true\n  min_rel = 5.0\n  max_rank = 1",
            1,
        )
        .replacen(
            "[[rule]]\nid = \"nitazene.esi.amine-benzyl\"\n",
            "[[rule]]\nid = \"nitazene.esi.amine-benzyl\"\nmin_groups = 1\n",
            1,
        );
    assert!(
        one_ion.contains("amine-benzyl\"\nmin_groups = 1\n") && one_ion.contains("max_rank = 1"),
        "both edits must apply"
    );
    assert!(
        RuleSet::from_toml(&one_ion).is_err(),
        "a rule needing one ion must be refused"
    );
    assert!(RuleSet::from_toml("schema = 1").is_err());
    let bad_formula = builtin.replacen("formula = \"C6H14N\"", "formula = \"C6Xx14N\"", 1);
    assert!(RuleSet::from_toml(&bad_formula).is_err());
}
