//! `synthwatch parse` as a user runs it: JSON per message, clear errors naming
//! file and position, keeps going after a bad file, never prints patient data.

mod common;

use common::{json_lines, parse};

#[test]
fn fixtures_print_one_json_object_per_message_with_the_documented_keys() {
    let out = parse(&[
        "--json",
        "fixtures/astm/live-line-capture.astm",
        "fixtures/astm/bare-records.txt",
        "fixtures/hl7/two-oru.mllp",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2 + 1 + 2, "messages: {lines:#?}");
    for obj in &lines {
        for key in [
            "file", "index", "protocol", "frames", "records", "sender", "results", "warnings",
        ] {
            assert!(obj.get(key).is_some(), "missing {key} in {obj}");
        }
        for r in obj["results"].as_array().expect("results array") {
            for key in ["specimen", "test_code", "value", "units", "flags", "status"] {
                assert!(r.get(key).is_some(), "missing result key {key} in {r}");
            }
        }
    }
    let protocols: Vec<&str> = lines
        .iter()
        .map(|o| o["protocol"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(protocols, ["astm", "astm", "astm", "hl7", "hl7"]);
    // Bare records came without a link layer.
    assert_eq!(lines[2]["frames"], 0);
    assert_eq!(lines[3]["frames"], 1, "one MLLP frame per HL7 message");
}

#[test]
fn patient_identity_never_reaches_output() {
    let out = parse(&[
        "--json",
        "fixtures/astm/live-line-capture.astm",
        "fixtures/astm/bare-records.txt",
        "fixtures/hl7/two-oru.mllp",
    ]);
    let readable = parse(&[
        "fixtures/astm/live-line-capture.astm",
        "fixtures/hl7/two-oru.mllp",
    ]);
    for o in [&out, &readable] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        for canary in ["CANARY", "Canary", "19700101", "Canary Row"] {
            assert!(!all.contains(canary), "{canary} leaked:\n{all}");
        }
    }
    let lines = json_lines(&out);
    assert_eq!(lines[0]["has_patient"], true);
}

#[test]
fn each_broken_input_fails_with_its_position_and_the_next_file_still_parses() {
    let cases: &[(&str, &[&str])] = &[
        (
            "fixtures/err/err-astm-bad-checksum.astm",
            &["checksum", "frame"],
        ),
        ("fixtures/err/err-astm-truncated.astm", &["offset"]),
        ("fixtures/err/err-astm-no-header.txt", &["H"]),
        ("fixtures/err/err-hl7-no-msh.hl7", &["MSH"]),
        ("fixtures/err/err-hl7-bad-encoding.hl7", &["encoding"]),
        ("fixtures/err/err-unknown-format.bin", &["not a recognised"]),
    ];
    for (bad, words) in cases {
        let out = parse(&["--json", bad, "fixtures/hl7/two-oru.mllp"]);
        assert_eq!(out.status.code(), Some(1), "{bad} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(bad),
            "{bad}: error does not name the file: {stderr}"
        );
        for word in *words {
            assert!(
                stderr.to_lowercase().contains(&word.to_lowercase()),
                "{bad}: error lacks {word:?}: {stderr}"
            );
        }
        let good = json_lines(&out)
            .into_iter()
            .filter(|o| o["file"] == "fixtures/hl7/two-oru.mllp")
            .count();
        assert_eq!(good, 2, "{bad}: the good file after it was not parsed");
    }
}

#[test]
fn forcing_the_wrong_format_is_an_error_not_garbage() {
    let out = parse(&["--format", "hl7", "fixtures/astm/bare-records.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn fixture_messages_normalize_as_documented() {
    let out = parse(&[
        "--json",
        "fixtures/astm/live-line-capture.astm",
        "fixtures/hl7/two-oru.mllp",
    ]);
    let lines = json_lines(&out);
    insta::assert_json_snapshot!("fixtures-normalized", lines);
}
