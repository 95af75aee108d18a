//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared real-instrument data folder (`../shared/data` beside the checkout).
///
/// Returns `None` (after saying so) when it is absent, so a developer without it
/// can still run the suite; CI sets `SYNTHWATCH_REQUIRE_SHARED=1`, which turns the
/// absence into a failure instead of a silent skip.
pub fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("SYNTHWATCH_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!(
            "SYNTHWATCH_REQUIRE_SHARED=1 but {} does not exist",
            dir.display()
        );
    }
    eprintln!(
        "skipping: {} is absent (set SYNTHWATCH_REQUIRE_SHARED=1 to make this a failure)",
        dir.display()
    );
    None
}

/// Path of a file in the project's own `fixtures/` folder.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Every way an input can be read: auto-detection and each forced format.
pub fn all_formats() -> Vec<synthwatch::decode::Format> {
    use synthwatch::decode::Format;
    use synthwatch_parsers::sniff::Sniffed;
    let mut formats = vec![Format::Auto, Format::Astm, Format::Hl7];
    formats.extend(
        [
            Sniffed::Msp,
            Sniffed::Mgf,
            Sniffed::MassBank,
            Sniffed::Jcamp,
            Sniffed::Spc,
            Sniffed::Mzml,
            Sniffed::Mzxml,
            Sniffed::PeakList,
            Sniffed::StripCsv,
            Sniffed::StripPhoto,
        ]
        .map(Format::File),
    );
    formats
}

/// Run `synthwatch parse ARGS…` from the repository root.
pub fn parse(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_synthwatch"))
        .arg("parse")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// Standard output as one JSON value per line (panics naming a bad line).
pub fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// What every decode must satisfy, whatever the bytes: it either read the
/// input as some format, or says in exactly one error that it could not
/// (empty input, unrecognised content); and nothing it read is reported
/// empty-handed (no messages, spectra or strips, no error, no explanation).
pub fn check_decode_invariants(
    bytes: &[u8],
    format: synthwatch::decode::Format,
    d: &synthwatch::decode::DecodedInput,
) -> Result<(), String> {
    use synthwatch::decode::{DecodeError, Format};
    // Nothing recognised: empty, unknown, or a gzip container that cannot be
    // opened (its content's format is then unknown).
    let unread = matches!(
        d.errors.as_slice(),
        [DecodeError::Empty]
            | [DecodeError::Unrecognised]
            | [DecodeError::File { format: "gzip", .. }]
    ) && (format == Format::Auto
        || !matches!(d.errors.as_slice(), [DecodeError::File { .. }]));
    if d.format.is_none() != unread {
        return Err(format!(
            "format {:?} with errors {:?} ({format:?})",
            d.format, d.errors
        ));
    }
    if bytes.is_empty() != matches!(d.errors.as_slice(), [DecodeError::Empty]) {
        return Err(format!("empty input not reported as such: {:?}", d.errors));
    }
    if format != Format::Auto && !bytes.is_empty() && d.format.is_none() {
        return Err(format!("forced {format:?} was not applied"));
    }
    if d.is_empty() && d.errors.is_empty() && d.notes.is_empty() {
        return Err("nothing read and nothing said".into());
    }
    Ok(())
}
