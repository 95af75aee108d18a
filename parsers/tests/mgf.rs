//! MGF reader against every real MGF file, the matchms and pyteomics peers'
//! counts, and the project's own `fixtures/err/err-mgf-*` edge cases.

mod common;

use std::path::Path;

use common::{err_fixture, warnings_at};
use proptest::prelude::*;
use synthwatch_parsers::mgf::{self, MgfError};
use synthwatch_parsers::spectrum::{Mz, Polarity, Position, SpectrumFile};

fn read_path(path: &Path) -> SpectrumFile {
    let bytes = common::read(path);
    assert!(mgf::sniff(&bytes), "{} not sniffed as MGF", path.display());
    mgf::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_shared(rel: &str) -> Option<SpectrumFile> {
    Some(read_path(&common::shared_data()?.join(rel)))
}

/// Files where the test deliberately differs from a peer, and why.
const PEERS_DISAGREE: &[(&str, &str, &str)] = &[
    (
        "mgf/pyteomics-test_annotated.mgf",
        "matchms",
        "matchms reads MGF through pyteomics, which parses a third peak column as a \
         charge and rejects `b1+1` annotations; we read 2 spectra / 19 peaks",
    ),
    (
        "mgf/pyteomics-test_annotated.mgf",
        "pyteomics",
        "pyteomics parses a third peak column as a charge and rejects the fragment \
         annotations (`b1+1`) this file carries; we ignore the third column",
    ),
];

#[test]
fn every_shared_mgf_file_reads_cleanly_and_matches_peers() {
    let Some(root) = common::shared_data() else {
        return;
    };
    let files = common::walk(&root.join("mgf"));
    assert!(
        files.len() >= 6,
        "expected the MGF files, found {}",
        files.len()
    );
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let file = read_path(path);
        assert!(file.warnings.is_empty(), "{rel}: {:?}", file.warnings);
        assert!(
            file.spectra.iter().all(|s| !s.peaks.is_empty()),
            "{rel}: empty spectrum"
        );
        let ours = (
            file.spectra.len(),
            file.spectra.iter().map(|s| s.peaks.len()).sum(),
        );
        for peer in ["matchms", "pyteomics"] {
            let theirs = common::matchms_counts(&rel, peer)
                .unwrap_or_else(|| panic!("{rel}: no {peer} entry; rerun the peer script"));
            match PEERS_DISAGREE
                .iter()
                .find(|(f, p, _)| *f == rel && *p == peer)
            {
                Some((_, _, why)) => {
                    assert!(
                        theirs.is_err(),
                        "{rel}: {peer} now reads it ({why}); compare counts"
                    );
                }
                None => assert_eq!(
                    theirs,
                    Ok(ours),
                    "{rel}: (spectra, peaks) differ from {peer}"
                ),
            }
        }
    }
}

#[test]
fn annotated_third_column_is_ignored() {
    let Some(file) = read_shared("mgf/pyteomics-test_annotated.mgf") else {
        return;
    };
    assert_eq!(file.spectra.len(), 2);
    let counts: Vec<_> = file.spectra.iter().map(|s| s.peaks.len()).collect();
    assert_eq!(counts, [8, 11]);
    let s = &file.spectra[0];
    assert_eq!(s.title.as_deref(), Some("HAPPYNEWYEAR||2"));
    assert_eq!((s.charge, s.precursor_mz), (Some(2), Some(Mz(766.84948))));
    assert_eq!((s.peaks[0].x, s.peaks[0].intensity), (138.0, 0.013));
    assert_eq!(
        s.header.get(0),
        Some(("MIN_MZ", "69.5367320")),
        "globals first"
    );
}

#[test]
fn globals_apply_unless_overridden() {
    let Some(file) = read_shared("mgf/pyteomics-test.mgf") else {
        return;
    };
    let [one, two] = file.spectra.as_slice() else {
        panic!("two spectra")
    };
    assert_eq!(one.title.as_deref(), Some("Spectrum 1"));
    assert_eq!(one.charge, Some(2));
    assert_eq!(one.header_value("CHARGE"), Some("2+"));
    assert_eq!(one.header_value("ITOLU"), Some("Da"));
    assert_eq!(two.charge, Some(2), "global `2+ and 3+` → first charge");
    assert_eq!(two.header_value("CHARGE"), Some("2+ and 3+"));
    assert_eq!(two.precursor_mz, Some(Mz(1084.9)));
    assert_eq!(two.header_value("PEPMASS"), Some("1084.9 1234"));
    assert_eq!(two.retention_time_s, Some(25.0));
    let last = two.peaks.last().expect("peaks");
    assert_eq!((last.x, last.intensity), (1675.3, 79.0));
}

#[test]
fn pepmass_charge_column() {
    let Some(file) = read_shared("mgf/pyteomics-test_pepmass.mgf") else {
        return;
    };
    let charges: Vec<_> = file.spectra.iter().map(|s| s.charge).collect();
    assert_eq!(charges, [Some(2), Some(2), Some(3)]);
}

#[test]
fn gnps_fields() {
    let Some(file) = read_shared("mgf/matchms-pesticides.mgf") else {
        return;
    };
    let s = &file.spectra[0];
    assert_eq!(s.precursor_mz, Some(Mz(183.057)));
    assert_eq!(
        (s.ms_level, s.polarity),
        (Some(2), Some(Polarity::Negative))
    );
    assert!(s
        .title
        .as_deref()
        .is_some_and(|t| t.starts_with("Pesticide6_Fuberidazole")));
    assert!(s
        .ids
        .contains(&("SPECTRUMID".into(), "CCMSLIB00001058235".into())));
    assert_eq!(
        (s.peaks[0].x, s.peaks[0].intensity),
        (70.786774, 213.612045)
    );
}

#[test]
fn err_missing_end_ions_keeps_both_blocks() {
    let file = mgf::read(&err_fixture("err-mgf-missing-end.mgf")).expect("reads");
    let titles: Vec<_> = file.spectra.iter().map(|s| s.title.as_deref()).collect();
    assert_eq!(titles, [Some("first"), Some("second")]);
    assert_eq!(warnings_at(&file, "before `END IONS`"), [Position::Line(5)]);
    assert_eq!(warnings_at(&file, "truncated"), [Position::Line(8)]);
}

#[test]
fn err_bad_peak_names_the_line() {
    let err = mgf::read(&err_fixture("err-mgf-bad-peak.mgf")).expect_err("bad peak");
    assert!(matches!(err, MgfError::Syntax { line: 5, .. }), "{err}");
    assert!(err.to_string().contains("intensity"), "{err}");
}

#[test]
fn err_peaks_outside_a_block() {
    let err = mgf::read(&err_fixture("err-mgf-peaks-outside-block.mgf")).expect_err("stray peaks");
    assert!(matches!(err, MgfError::Syntax { line: 6, .. }), "{err}");
    assert!(err.to_string().contains("BEGIN IONS"), "{err}");
}

#[test]
fn err_stray_end_and_lone_mz() {
    let file = mgf::read(&err_fixture("err-mgf-stray-end.mgf")).expect("reads");
    assert_eq!(file.spectra.len(), 1);
    assert_eq!(file.spectra[0].peaks[1].intensity, 0.0);
    assert_eq!(
        warnings_at(&file, "without `BEGIN IONS`"),
        [Position::Line(1)]
    );
    assert_eq!(warnings_at(&file, "no intensity"), [Position::Line(5)]);
}

#[test]
fn not_mgf() {
    assert_eq!(mgf::read(b""), Err(MgfError::NoSpectra));
    assert_eq!(mgf::read(b"COM=only globals\n"), Err(MgfError::NoSpectra));
    assert!(!mgf::sniff(b"Name: x\nNum Peaks: 0\n"));
    assert!(mgf::sniff(b"# comment\nCOM=x\n\nBEGIN IONS\n"));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = mgf::sniff(&bytes);
        let _ = mgf::read(&bytes);
    }

    #[test]
    fn mgf_shaped_noise_never_panics(lines in proptest::collection::vec(
        prop_oneof![
            Just("BEGIN IONS".to_owned()), Just("END IONS".to_owned()), Just(String::new()),
            Just("CHARGE=2+ and 3+".to_owned()), "[0-9 .e+-]{0,20}", "[A-Z_]{1,8}=[ -~]{0,12}",
        ], 0..24)) {
        let _ = mgf::read(lines.join("\n").as_bytes());
    }
}
