//! mzXML reader against the real files in ../shared/data/mzml (compared with
//! pyteomics, see tests/mzml.rs) and the project's error fixtures.
#![cfg(feature = "mzml")]

mod common;

use std::path::PathBuf;

use common::err_fixture;
use proptest::prelude::*;
use synthwatch_parsers::mzxml::{self, MzxmlError};
use synthwatch_parsers::spectrum::Polarity;

/// `../shared/data/mzml`, or `None` when it is absent (see `common::shared_subdir`).
fn shared() -> Option<PathBuf> {
    common::shared_subdir("mzml")
}

/// pyteomics 5.0.1 figures from tests/data/pyteomics_counts.json:
/// (file, spectra, total peaks, first spectrum's first three m/z).
const PYTEOMICS: [(&str, usize, usize, [f64; 3]); 2] = [
    (
        "matchms-testdata.mzXML",
        5,
        1403,
        [91.0038833618164, 91.03028869628906, 91.39112854003906],
    ),
    (
        "pyteomics-test.mzXML",
        2,
        1356,
        [400.38958740234375, 401.03533935546875, 402.035888671875],
    ),
];

#[test]
fn every_file_matches_pyteomics() {
    let Some(dir) = shared() else { return };
    let json = include_str!("data/pyteomics_counts.json");
    for (name, spectra, peaks, first) in PYTEOMICS {
        // Keep the table above honest against the generated JSON.
        assert!(
            json.contains(&format!("\"{name}\"")),
            "{name} missing from the JSON"
        );
        assert!(
            json.contains(&format!("\"peaks\": {peaks},")),
            "{name}: {peaks} not in the JSON"
        );
        let bytes = common::read(&dir.join(name));
        assert!(mzxml::sniff(&bytes), "{name}: sniff");
        let file = mzxml::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.spectra.len(), spectra, "{name}: spectra");
        assert_eq!(
            file.spectra.iter().map(|s| s.peaks.len()).sum::<usize>(),
            peaks,
            "{name}: peaks"
        );
        let ours: Vec<f64> = file.spectra[0].peaks.iter().take(3).map(|p| p.x).collect();
        assert_eq!(
            ours, first,
            "{name}: first m/z (32-bit floats widen exactly)"
        );
        assert!(file.warnings.is_empty(), "{name}: {:?}", file.warnings);
    }
}

#[test]
fn scan_fields() {
    let Some(dir) = shared() else { return };
    let file = mzxml::read(&common::read(&dir.join("pyteomics-test.mzXML"))).expect("parse");
    let s = &file.spectra[0];
    assert_eq!(s.ms_level, Some(1));
    assert_eq!(s.polarity, Some(Polarity::Positive));
    assert_eq!(s.retention_time_s, Some(353.43));
    assert_eq!(s.header_value("num"), Some("19"));
    let file = mzxml::read(&common::read(&dir.join("matchms-testdata.mzXML"))).expect("parse");
    let ms2 = file
        .spectra
        .iter()
        .find(|s| s.ms_level == Some(2))
        .expect("an MS2");
    assert!(ms2.precursor_mz.is_some());
    assert_eq!(ms2.polarity, Some(Polarity::Negative));
}

#[test]
fn nested_scans_zlib_64_bit_and_peaks_count_warning() {
    // MS1 (zlib, 64-bit, mzXML 3 contentType) containing an MS2 (32-bit,
    // pairOrder) whose peaksCount is wrong.
    let ms1 = zlib_pairs_64();
    let doc = format!(
        r#"<?xml version="1.0"?><mzXML><msRun>
<scan num="1" msLevel="1" peaksCount="2" polarity="-" retentionTime="PT1M2.5S">
 <peaks precision="64" byteOrder="network" contentType="m/z-int" compressionType="zlib" compressedLen="0">{ms1}</peaks>
 <scan num="2" msLevel="2" peaksCount="3" retentionTime="PT63S">
  <precursorMz precursorCharge="2" activationMethod="CID" collisionEnergy="35">445.3</precursorMz>
  <peaks precision="32" byteOrder="network" pairOrder="m/z-int">QsgAAEEgAABDSAAAQaAAAA==</peaks>
 </scan>
</scan></msRun></mzXML>"#
    );
    let file = mzxml::read(doc.as_bytes()).expect("parse");
    assert_eq!(file.spectra.len(), 2);
    let (a, b) = (&file.spectra[0], &file.spectra[1]);
    assert_eq!(
        (a.ms_level, b.ms_level),
        (Some(1), Some(2)),
        "file order: MS1 first"
    );
    assert_eq!(a.retention_time_s, Some(62.5));
    assert_eq!(a.peaks.len(), 2);
    assert_eq!((a.peaks[1].x, a.peaks[1].intensity), (200.5, 20.25));
    assert_eq!(
        (b.peaks[0].x, b.peaks[0].intensity, b.peaks[1].x),
        (100.0, 10.0, 200.0)
    );
    assert_eq!(b.precursor_mz.map(|m| m.0), Some(445.3));
    assert_eq!(b.charge, Some(2));
    assert_eq!(b.collision_energy.as_deref(), Some("35 eV"));
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert!(file.warnings[0].message.contains("peaksCount=\"3\" but 2"));
}

/// zlib-compressed, base64 big-endian f64 pairs (100, 10), (200.5, 20.25),
/// written by hand: zlib stored block (no compression) around the 32 bytes.
fn zlib_pairs_64() -> String {
    let mut raw = Vec::new();
    for v in [100.0f64, 10.0, 200.5, 20.25] {
        raw.extend_from_slice(&v.to_be_bytes());
    }
    // zlib header, one final stored block, then the Adler-32 of the data.
    let mut z = vec![0x78, 0x01, 0x01, 32, 0, !32u8, 0xff];
    z.extend_from_slice(&raw);
    let (mut s1, mut s2) = (1u32, 0u32);
    for &b in &raw {
        s1 = (s1 + b as u32) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    z.extend_from_slice(&((s2 << 16) | s1).to_be_bytes());
    base64(&z)
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            out.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

#[test]
fn bad_base64_fixture_names_the_scan() {
    let err = mzxml::read(&err_fixture("err-mzxml-bad-base64.mzXML")).expect_err("bad base64");
    match &err {
        MzxmlError::Peaks { scan, reason, .. } => {
            assert_eq!(scan, "2");
            assert!(reason.contains("base64"), "{reason}");
        }
        other => panic!("expected a Peaks error, got {other}"),
    }
}

#[test]
fn truncated_and_foreign_input() {
    let doc = err_fixture("err-mzxml-bad-base64.mzXML");
    let cut = doc
        .windows(9)
        .position(|w| w == b"<scan num")
        .expect("a scan")
        + 40;
    let err = mzxml::read(&doc[..cut]).expect_err("truncated");
    assert!(
        matches!(err, MzxmlError::Truncated { .. } | MzxmlError::Xml { .. }),
        "{err}"
    );
    assert_eq!(mzxml::read(b"<mzML>"), Err(MzxmlError::NotMzxml));
    assert!(!mzxml::sniff(b"<mzML>"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = mzxml::read(&bytes);
        let mut with_root = b"<mzXML>".to_vec();
        with_root.extend_from_slice(&bytes);
        let _ = mzxml::read(&with_root);
    }

    #[test]
    fn damaged_mzxml_never_panics(cut in 0usize..618, flip in 0usize..618, byte in any::<u8>()) {
        let mut doc = err_fixture("err-mzxml-bad-base64.mzXML");
        if let Some(b) = doc.get_mut(flip) { *b = byte; }
        doc.truncate(cut);
        let _ = mzxml::read(&doc);
    }
}
