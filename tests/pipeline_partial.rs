//! Files as they arrive. An mzML file cut short part-way: `parse` prints the
//! spectra before the cut and fails naming where; the pipeline screens those
//! spectra, publishes a preliminary indication that says the file was read
//! only in part, and keeps the reason on the raw message. A gzip-compressed
//! file is read and named as its plain self.

use std::path::Path;
use std::process::{Command, Output};

const CUT: &str = "fixtures/err/err-mzml-truncated.mzML";

fn synthwatch(args: &[&str], data: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_synthwatch"));
    c.args(args);
    if let Some(d) = data {
        c.arg("--data-dir").arg(d);
    }
    c.output().expect("the binary runs")
}

#[test]
fn parse_prints_the_spectra_before_the_cut_and_fails_with_the_position() {
    let out = synthwatch(&["parse", "--json", CUT], None);
    assert_eq!(out.status.code(), Some(1), "a partial read is a failure");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let spectra: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(spectra.len(), 1, "{stdout}");
    assert!(spectra[0]["n_peaks"].as_u64().unwrap_or(0) > 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(CUT) && stderr.contains("byte") && stderr.contains("ends early"),
        "{stderr}"
    );
}

#[test]
fn ingest_screens_what_was_read_and_says_the_rest_was_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("seizure-17.mzML");
    std::fs::copy(CUT, &file).expect("copy the fixture");
    let data = dir.path().join("data");
    let out = synthwatch(&["ingest", file.to_str().expect("utf-8 path")], Some(&data));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("read in part: 1 part(s) not read") && stderr.contains("ends early"),
        "{stderr}"
    );
    let results = synthwatch(
        &["results", "--json", "--sample", "seizure-17"],
        Some(&data),
    );
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&results.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(rows.len(), 1, "one indication for the file's sample");
    let row = &rows[0];
    assert_eq!(row["status"], "preliminary", "{row}");
    assert!(
        row["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("1 spectra"),
        "{row}"
    );
    let caveats = row["caveats"].to_string();
    assert!(
        caveats.contains("Only part of the file could be read"),
        "{row}"
    );
}

/// A library or seizure file downloaded gzip-compressed is read, and its
/// sample is named without `.gz` or the format extension.
#[test]
fn a_gzip_compressed_file_is_ingested_under_its_plain_name() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let msp = std::fs::read("fixtures/spectra/synthetic-esi.msp").expect("fixture");
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&msp).expect("in-memory write");
    let file = dir.path().join("seizure-18.msp.gz");
    std::fs::write(&file, z.finish().expect("in-memory finish")).expect("write");
    let data = dir.path().join("data");
    let out = synthwatch(&["ingest", file.to_str().expect("utf-8 path")], Some(&data));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = synthwatch(
        &["results", "--json", "--sample", "seizure-18"],
        Some(&data),
    );
    let rows = String::from_utf8_lossy(&results.stdout).lines().count();
    assert_eq!(rows, 1, "one indication for sample seizure-18");
}
