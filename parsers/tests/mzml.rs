//! mzML reader against the real files in ../shared/data/mzml and the project's
//! error fixtures. Spectrum and peak counts are compared with pyteomics'
//! (`benches/peers/pyteomics_counts.py` → `tests/data/pyteomics_counts.json`).
#![cfg(feature = "mzml")]

mod common;

use std::path::{Path, PathBuf};

use common::err_fixture;
use proptest::prelude::*;
use synthwatch_parsers::mzml::{self, MzmlError};
use synthwatch_parsers::spectrum::{Polarity, SpectrumFile};

/// `../shared/data/mzml`, or `None` when it is absent (see `common::shared_subdir`).
fn shared() -> Option<PathBuf> {
    common::shared_subdir("mzml")
}

fn read_file(path: &Path) -> SpectrumFile {
    mzml::read(&common::read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_file_matches_pyteomics() {
    let Some(dir) = shared() else { return };
    let mut checked = 0;
    for path in common::list(&dir) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !(name.ends_with(".mzML") || name.ends_with(".mzML.gz")) {
            continue;
        }
        let file = read_file(&path);
        // Every file pyteomics 5.0.1 could read is in the JSON; none failed,
        // so there is no disagreement to explain (numpress only appears in a
        // chromatogram, which neither reader turns into spectra).
        let common::PyteomicsCounts {
            spectra,
            peaks,
            first_mz: first,
        } = common::pyteomics_counts(&name)
            .unwrap_or_else(|| panic!("{name}: not in pyteomics_counts.json"));
        let ours: usize = file.spectra.iter().map(|s| s.peaks.len()).sum();
        assert_eq!(
            file.spectra.len(),
            spectra,
            "{name}: spectrum count vs pyteomics"
        );
        assert_eq!(ours, peaks, "{name}: total peaks vs pyteomics");
        let our_first: Vec<f64> = file
            .spectra
            .first()
            .map(|s| s.peaks.iter().take(3).map(|p| p.x).collect())
            .unwrap_or_default();
        assert_eq!(our_first.len(), first.len(), "{name}: first m/z values");
        for (a, b) in our_first.iter().zip(&first) {
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{name}: first m/z {a} vs pyteomics {b}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 8, "expected 8 mzML files in {}", dir.display());
}

#[test]
fn small_mzml_has_48_spectra_and_305213_peaks() {
    let Some(dir) = shared() else { return };
    let file = read_file(&dir.join("mzdata-small.mzML"));
    assert_eq!(file.spectra.len(), 48);
    assert_eq!(
        file.spectra.iter().map(|s| s.peaks.len()).sum::<usize>(),
        305_213
    );
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let s = &file.spectra[1];
    assert_eq!(s.ms_level, Some(1));
    assert_eq!(s.polarity, Some(Polarity::Positive));
    // 0.007896666667 min (UO:0000031) in seconds.
    assert!((s.retention_time_s.unwrap() - 0.473_800_000_02).abs() < 1e-9);
    assert_eq!(s.header_value("MS:1000511"), Some("1"));
    let ms2 = file
        .spectra
        .iter()
        .find(|s| s.ms_level == Some(2))
        .expect("an MS2");
    assert_eq!(ms2.precursor_mz.map(|m| m.0), Some(810.789428710938));
    assert_eq!(ms2.collision_energy.as_deref(), Some("35.0 eV"));
    assert_eq!(ms2.charge, None, "small.mzML states no charge (MS:1000041)");
}

/// The `.gz` in the shared data is not `gzip small.mzML`: it is a re-export of
/// the same run by a later mzdata (different header, arrays written
/// uncompressed, 5.1 MB inside). Its metadata and m/z values match the plain
/// file; pyteomics sees the same two differences we assert here.
#[test]
fn gz_and_plain_small_mzml_agree() {
    let Some(dir) = shared() else { return };
    let plain = read_file(&dir.join("mzdata-small.mzML"));
    let gz = read_file(&dir.join("mzdata-small.mzML.gz"));
    assert_eq!(plain.spectra.len(), gz.spectra.len());
    let mut intensity_differs = Vec::new();
    for (i, (a, b)) in plain.spectra.iter().zip(&gz.spectra).enumerate() {
        assert_eq!(
            (a.ms_level, a.polarity, a.charge),
            (b.ms_level, b.polarity, b.charge),
            "spectrum {i}"
        );
        assert_eq!(
            (a.retention_time_s, a.precursor_mz),
            (b.retention_time_s, b.precursor_mz),
            "spectrum {i}"
        );
        assert_eq!(a.ids, b.ids, "spectrum {i}");
        // Difference 1: the re-export keeps one more zero-intensity profile point
        // (m/z 2000.0099) at the end of spectrum 0.
        let extra = usize::from(i == 0);
        assert_eq!(
            a.peaks.len() + extra,
            b.peaks.len(),
            "spectrum {i} peak count"
        );
        for (p, q) in a.peaks.iter().zip(&b.peaks) {
            assert!(
                (p.x - q.x).abs() < 1e-9,
                "spectrum {i}: m/z {} vs {}",
                p.x,
                q.x
            );
        }
        if a.peaks
            .iter()
            .zip(&b.peaks)
            .any(|(p, q)| p.intensity != q.intensity)
        {
            intensity_differs.push(i);
        }
    }
    // Difference 2: seven profile MS1 spectra carry different intensities
    // (in spectrum 0, 318 points that are non-zero in the plain file are 0).
    assert_eq!(intensity_differs, [0, 7, 14, 21, 28, 34, 41]);
}

#[test]
fn accessions_not_names_decide() {
    // Right accessions, wrong names, unit in seconds: must still be read.
    let doc = br#"<?xml version="1.0"?><mzML><run id="r"><spectrumList count="1">
<spectrum index="0" id="s0" defaultArrayLength="0">
<cvParam cvRef="MS" accession="MS:1000511" name="MS LEVEL (renamed)" value="2"/>
<cvParam cvRef="MS" accession="MS:1000129" name="not a polarity" value=""/>
<scanList count="1"><scan><cvParam cvRef="MS" accession="MS:1000016" name="time" value="12.5" unitCvRef="UO" unitAccession="UO:0000010" unitName="minute"/></scan></scanList>
<precursorList count="1"><precursor><selectedIonList count="1"><selectedIon>
<cvParam cvRef="MS" accession="MS:1000744" name="m/z" value="445.3"/>
<cvParam cvRef="MS" accession="MS:1000041" name="z" value="2"/>
</selectedIon></selectedIonList><activation><cvParam cvRef="MS" accession="MS:1000045" name="energy" value="35" unitCvRef="UO" unitAccession="UO:0000266" unitName="electronvolt"/></activation></precursor></precursorList>
</spectrum></spectrumList></run></mzML>"#;
    let file = mzml::read(doc).expect("reads");
    let s = &file.spectra[0];
    assert_eq!(s.ms_level, Some(2));
    assert_eq!(s.polarity, Some(Polarity::Negative));
    assert_eq!(
        s.retention_time_s,
        Some(12.5),
        "unit accession says seconds, the name says minute"
    );
    assert_eq!(s.precursor_mz.map(|m| m.0), Some(445.3));
    assert_eq!(s.charge, Some(-2), "charge takes the sign of the polarity");
    assert_eq!(s.collision_energy.as_deref(), Some("35 eV"));
}

#[test]
fn chromatogram_only_file_is_zero_spectra_and_a_warning() {
    let Some(dir) = shared() else { return };
    let file = read_file(&dir.join("pymzml-mini_numpress.chrom.mzML"));
    assert!(file.spectra.is_empty());
    assert!(
        file.warnings
            .iter()
            .any(|w| w.message.contains("no spectra")),
        "{:?}",
        file.warnings
    );
}

#[test]
fn sniff_without_file_name() {
    assert!(mzml::sniff(
        b"<?xml version=\"1.0\"?>\n<indexedmzML xmlns=\"x\">"
    ));
    assert!(!mzml::sniff(b"<?xml version=\"1.0\"?>\n<mzXML>"));
    assert!(
        mzml::sniff(&err_fixture("err-mzml-gzip-bomb.mzML.gz")),
        "gzip is peeked into"
    );
    let Some(dir) = shared() else { return };
    for name in [
        "mzdata-small.mzML",
        "mzdata-small.mzML.gz",
        "pymzml-mini_numpress.chrom.mzML",
    ] {
        let bytes = common::read(&dir.join(name));
        assert!(mzml::sniff(&bytes), "{name}");
    }
}

#[test]
fn truncated_fixture_is_a_truncation_error() {
    let err = mzml::read(&err_fixture("err-mzml-truncated.mzML")).expect_err("truncated");
    assert!(
        matches!(err, MzmlError::Truncated { spectrum: 1, .. }),
        "{err}"
    );
}

/// The streaming reader's peaks equal mzdata's own eager decoding (its own
/// base64 and zlib), value for value, on every shared plain mzML file: an
/// independent check of our base64, libdeflate and fallback paths.
#[test]
fn streamed_peaks_equal_mzdata_eager_decoding() {
    let Some(dir) = shared() else { return };
    let mut checked = 0;
    for path in common::list(&dir) {
        let name = path.display().to_string();
        if !name.ends_with(".mzML") {
            continue;
        }
        let bytes = common::read(&path);
        let mut theirs = Vec::new();
        let mut reader = mzdata::MzMLReader::new(std::io::Cursor::new(&bytes[..]));
        while let Some(s) = reader.read_next() {
            let arrays = s.arrays.as_ref().expect("mzdata decodes the arrays");
            let mz = arrays.mzs().expect("m/z").to_vec();
            let int: Vec<f64> = arrays
                .intensities()
                .expect("intensity")
                .iter()
                .map(|&v| v as f64)
                .collect();
            theirs.push((mz, int));
        }
        let doc = mzml::open(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ours: Vec<(Vec<f64>, Vec<f64>)> = doc
            .spectra()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .map(|s| {
                let s = s.unwrap_or_else(|e| panic!("{name}: {e}"));
                s.peaks.iter().map(|p| (p.x, p.intensity)).unzip()
            })
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{name}: spectrum count");
        for (k, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(o, t, "{name}: spectrum {k}");
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} mzML files checked");
}

/// Streaming a cut file still hands over every spectrum before the cut, then
/// says where the file ends.
#[test]
fn streaming_a_truncated_file_keeps_the_spectra_before_the_cut() {
    let bytes = err_fixture("err-mzml-truncated.mzML");
    let doc = mzml::open(&bytes).expect("the header is intact");
    let items: Vec<_> = doc.spectra().expect("header reads").collect();
    assert_eq!(items.len(), 2, "one spectrum, then the truncation error");
    assert!(items[0].as_ref().is_ok_and(|s| !s.peaks.is_empty()));
    assert!(
        matches!(items[1], Err(MzmlError::Truncated { spectrum: 1, offset }) if offset == bytes.len()),
        "{:?}",
        items[1]
    );
}

#[test]
fn gzip_bomb_is_refused_within_the_limit() {
    let bytes = err_fixture("err-mzml-gzip-bomb.mzML.gz");
    assert!(bytes.len() < 200_000, "keep the committed bomb small");
    let err = mzml::read(&bytes).expect_err("bomb");
    assert_eq!(
        err,
        MzmlError::GzipTooLarge {
            limit: mzml::GZIP_FLOOR,
            compressed: bytes.len()
        }
    );
}

#[test]
fn not_mzml_is_an_error() {
    assert_eq!(mzml::read(b"hello"), Err(MzmlError::NotMzml));
    assert_eq!(mzml::read(b""), Err(MzmlError::NotMzml));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = mzml::read(&bytes);
        let _ = mzml::sniff(&bytes);
    }

    #[test]
    fn damaged_mzml_never_panics(cut in 0usize..2707, flip in 0usize..2707, byte in any::<u8>()) {
        let mut doc = err_fixture("err-mzml-truncated.mzML");
        if let Some(b) = doc.get_mut(flip) { *b = byte; }
        doc.truncate(cut.max(1));
        let _ = mzml::read(&doc);
        let mut with_root = b"<mzML>".to_vec();
        with_root.extend_from_slice(&doc);
        let _ = mzml::read(&with_root);
    }
}
