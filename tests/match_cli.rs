//! `synthwatch match` as a user runs it: class flags on synthetic opioid
//! spectra, library hits with provenance, named compounds in lab reports,
//! strip calls with caveats; every object non-evidential; no patient data.

mod common;

use std::process::{Command, Output};

use common::{json_lines, shared_data};

fn run_match(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synthwatch"))
        .arg("match")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn ok_lines(out: &Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(out)
}

#[test]
fn synthetic_spectra_get_class_flags_with_rule_evidence_and_missing() {
    let out = run_match(&["--json", "fixtures/spectra/synthetic-esi.msp"]);
    let lines = ok_lines(&out);
    assert!(lines.len() > 20, "{} spectra", lines.len());
    let mut flagged = 0;
    for obj in &lines {
        for key in [
            "file",
            "index",
            "title",
            "precursor_mz",
            "class_flags",
            "library_hits",
            "evidential",
            "marking",
        ] {
            assert!(obj.get(key).is_some(), "missing {key} in {obj}");
        }
        assert_eq!(obj["evidential"], false);
        for flag in obj["class_flags"].as_array().expect("array") {
            flagged += 1;
            let class = flag["class"].as_str().unwrap_or_default();
            assert!(class == "nitazene" || class == "fentanyl", "{flag}");
            assert!(flag["rule"].as_str().is_some_and(|r| !r.is_empty()));
            assert!(!flag["evidence"].as_array().expect("evidence").is_empty());
            assert!(flag["missing"].is_array());
        }
        // Without --library only rules and reference masses run.
        assert_eq!(obj["library_hits"].as_array().map(Vec::len), Some(0));
    }
    assert!(flagged > 20, "only {flagged} flags");
    let iso = lines
        .iter()
        .find(|o| {
            o["title"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("isotonitazene"))
        })
        .expect("isotonitazene in the synthetic set");
    assert_eq!(iso["class_flags"][0]["class"], "nitazene");
    let refs: Vec<String> = iso["reference_compounds"]
        .as_array()
        .expect("reference compounds")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .map(str::to_ascii_lowercase)
        .collect();
    // Same formula: the mass alone cannot tell these apart, so both are listed.
    assert!(refs.iter().any(|r| r == "isotonitazene"), "{refs:?}");
    assert!(refs.iter().any(|r| r == "protonitazene"), "{refs:?}");
}

#[test]
fn a_library_spectrum_finds_itself_first_with_provenance() {
    let Some(shared) = shared_data() else { return };
    let dir = shared.join("massbank/fentanyls");
    let mut records: Vec<_> = std::fs::read_dir(&dir)
        .expect("fentanyl records")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    records.sort();
    let query = records[0].to_string_lossy().into_owned();
    let mut args = vec![
        "--json".to_owned(),
        "--search".to_owned(),
        "open".to_owned(),
    ];
    for r in &records {
        args.push("--library".to_owned());
        args.push(r.to_string_lossy().into_owned());
    }
    for method in ["entropy", "unweighted-entropy", "cosine"] {
        let mut a = args.clone();
        a.extend(["--method".to_owned(), method.to_owned(), query.clone()]);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let lines = ok_lines(&run_match(&a));
        assert_eq!(lines.len(), 1);
        let top = &lines[0]["library_hits"][0];
        assert_eq!(
            top["library_file"].as_str(),
            Some(query.as_str()),
            "{method}: {top}"
        );
        assert_eq!(top["library_index"], 0);
        assert_eq!(top["method"], method);
        let score = top["score"].as_f64().expect("score");
        assert!((score - 1.0).abs() < 1e-4, "{method}: self-score {score}");
        assert!(top["matched_peaks"].as_u64().is_some_and(|n| n > 0));
        assert!(lines[0]["library_version"].as_str().is_some());
    }
}

#[test]
fn lab_reports_naming_compounds_are_flagged_without_echoing_text() {
    let out = run_match(&["--json", "fixtures/hl7/tox-named.hl7"]);
    let lines = ok_lines(&out);
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!all.contains("CANARY"), "patient data in output: {all}");
    let named: Vec<(String, String)> = lines
        .iter()
        .flat_map(|o| o["named_compounds"].as_array().cloned().unwrap_or_default())
        .map(|n| {
            (
                n["compound_id"].as_str().unwrap_or_default().to_owned(),
                n["field"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let ids: Vec<&str> = named.iter().map(|(id, _)| id.as_str()).collect();
    for want in ["fentanyl", "isotonitazene", "heroin"] {
        assert!(
            ids.iter().any(|id| id.contains(want)),
            "{want} not in {named:?}"
        );
    }
    assert!(ids.iter().any(|id| id.contains("desethyl")), "{named:?}");
    assert!(
        ids.iter().any(|id| id.contains("fluorofentanyl")),
        "{named:?}"
    );
    assert!(
        named.iter().any(|(_, f)| f.starts_with("comment")),
        "{named:?}"
    );
    // Creatinine names nothing: no line for result 2.
    assert!(lines.iter().all(|o| o["result"] != 2), "{lines:?}");
    assert!(lines.iter().all(|o| o["evidential"] == false));
}

#[test]
fn strip_readings_get_a_call_and_caveats() {
    let lines = ok_lines(&run_match(&[
        "--json",
        "fixtures/strips/strip-reader-export.csv",
    ]));
    assert!(!lines.is_empty());
    for obj in &lines {
        let call = obj["call"].as_str().unwrap_or_default();
        assert!(
            ["invalid", "negative", "positive", "indeterminate"].contains(&call),
            "{obj}"
        );
        assert!(obj["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(obj["caveats"].is_array());
        assert_eq!(obj["evidential"], false);
    }
}

#[test]
fn a_bad_library_stops_with_a_clear_error_and_a_bad_query_does_not_stop_the_rest() {
    let out = run_match(&[
        "--library",
        "fixtures/hl7/tox-named.hl7",
        "fixtures/spectra/synthetic-esi.msp",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tox-named.hl7") && err.contains("not a spectrum library"),
        "{err}"
    );

    let out = run_match(&[
        "--json",
        "fixtures/err/missing-file.msp",
        "fixtures/spectra/synthetic-ei.msp",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!json_lines(&out).is_empty(), "the good file still screened");
}
