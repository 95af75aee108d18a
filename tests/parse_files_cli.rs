//! `synthwatch parse` on export files, as a user runs it: one JSON object per
//! spectrum, strip row or strip photo, with the documented keys; snapshots of
//! small real files so any change in what is read shows up for review.

mod common;

use common::{json_lines, parse};

use serde_json::Value;

/// Small real files, one or more per format, read by content (no --format).
const SMALL: &[&str] = &[
    "massbank/fentanyls/MSBNK-Athens_Univ-AU154501.txt",
    "msp/dialects/Hydrogen_chloride.msp",
    "msp/dialects/multiline_semicolon.msp",
    "msp/dialects/JL_2021_V2.msl",
    "mgf/pyteomics-test_annotated.mgf",
    "jcamp/mass_spectra/ethanol_ms.jdx",
    "spc/ms.spc",
    "mzml/pyteomics-test.mzXML",
    "mzml/pyteomics-tiny.pwiz.1.1.mzML",
    "dart-ms/AcetylFentanyl_30V.txt",
];

#[test]
fn small_real_files_snapshot_with_peaks() {
    let Some(data) = common::shared_data() else {
        return;
    };
    for rel in SMALL {
        let path = data.join(rel);
        let path = path.to_str().expect("utf-8 path");
        let out = parse(&["--json", "--peaks", path]);
        assert!(
            out.status.success(),
            "{rel}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut lines = json_lines(&out);
        assert!(!lines.is_empty(), "{rel}: no spectra");
        for obj in &mut lines {
            for key in [
                "file",
                "index",
                "title",
                "n_peaks",
                "precursor_mz",
                "warnings",
            ] {
                assert!(obj.get(key).is_some(), "{rel}: missing {key} in {obj}");
            }
            let peaks = obj["peaks"].as_array().expect("--peaks prints peaks").len();
            assert_eq!(
                obj["n_peaks"], peaks,
                "{rel}: n_peaks disagrees with the peak list"
            );
            // The absolute path differs between machines.
            obj["file"] = Value::String((*rel).to_owned());
        }
        insta::assert_json_snapshot!(rel.replace('/', "__"), lines);
    }
}

#[test]
fn peaks_are_only_printed_when_asked() {
    let out = parse(&["--json", "fixtures/peaklist/agilent-masshunter.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].get("peaks").is_none());
    assert!(lines[0]["n_peaks"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn strip_csv_rows_and_photos_print_their_readings() {
    let out = parse(&["--json", "fixtures/strips/strip-reader-export.csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = json_lines(&out);
    assert!(rows.len() >= 3, "{rows:#?}");
    for row in &rows {
        for key in [
            "file",
            "index",
            "sample_id",
            "target",
            "test_intensity",
            "reader_call",
        ] {
            assert!(row.get(key).is_some(), "missing {key} in {row}");
        }
    }
    let Some(data) = common::shared_data() else {
        return;
    };
    let photo = data.join("strips/open-reader-lfa/vaccinated1to1.1.jpg");
    let photo = photo.to_str().expect("utf-8 path");
    let out = parse(&["--json", "--strip-layout", "test-only", photo]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let bands = lines[0]["bands"].as_array().expect("bands");
    assert!(!bands.is_empty(), "a 1:1 positive shows a band");
    for band in bands {
        let pos = band["position"].as_f64().expect("position");
        assert!((0.0..=1.0).contains(&pos), "{band}");
        assert!(band["intensity"].as_f64().expect("intensity") > 0.0);
    }
    assert!(
        lines[0]["test_intensity"]
            .as_f64()
            .expect("test-only layout assigns it")
            > 10.0
    );
}

#[test]
fn a_forced_wrong_format_fails_with_the_format_and_position() {
    let out = parse(&[
        "--format",
        "jcamp",
        "fixtures/peaklist/agilent-masshunter.csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("JCAMP-DX") && stderr.contains("line"),
        "{stderr}"
    );
}
