//! MSP reader against every real MSP file, the matchms peer's counts, and the
//! project's own `fixtures/err/err-msp-*` edge cases.

mod common;

use std::path::Path;

use common::err_fixture;
use proptest::prelude::*;
use synthwatch_parsers::msp::{self, MspError};
use synthwatch_parsers::spectrum::{Ionisation, Mz, Polarity, Position, SpectrumFile};

fn read_path(path: &Path) -> SpectrumFile {
    let bytes = common::read(path);
    assert!(msp::sniff(&bytes), "{} not sniffed as MSP", path.display());
    msp::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_shared(rel: &str) -> Option<SpectrumFile> {
    Some(read_path(&common::shared_data()?.join(rel)))
}

/// Files where the test deliberately differs from matchms, and why.
/// (None today: every MSP file here reads the same in both.)
const MATCHMS_DISAGREES: &[(&str, &str)] = &[];

#[test]
fn every_shared_msp_file_reads_cleanly() {
    let Some(root) = common::shared_data() else {
        return;
    };
    let files = common::walk(&root.join("msp"));
    assert!(
        files.len() >= 109 + 11,
        "expected all MSP files, found {}",
        files.len()
    );
    let mut nist = 0;
    for path in &files {
        let file = read_path(path);
        let name = path.display();
        assert!(!file.spectra.is_empty(), "{name}: no spectra");
        assert!(file.warnings.is_empty(), "{name}: {:?}", file.warnings);
        for s in &file.spectra {
            assert!(s.title.is_some(), "{name}: spectrum without a title");
            assert!(!s.peaks.is_empty(), "{name}: {:?} has no peaks", s.title);
            let declared = s.header_value("Num Peaks").and_then(|v| v.parse().ok());
            assert_eq!(Some(s.peaks.len()), declared, "{name}: {:?}", s.title);
        }
        if path.to_string_lossy().contains("nist-fentanyl-ei") {
            nist += 1;
        }
    }
    assert_eq!(nist, 109, "all 109 NIST fentanyl EI files");
}

#[test]
fn counts_equal_matchms() {
    let Some(root) = common::shared_data() else {
        return;
    };
    let files = common::walk(&root.join("msp"));
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let file = read_path(path);
        let ours = (
            file.spectra.len(),
            file.spectra.iter().map(|s| s.peaks.len()).sum(),
        );
        let peer = common::matchms_counts(&rel, "matchms").unwrap_or_else(|| {
            panic!("{rel}: missing from matchms_counts.json; rerun the peer script")
        });
        match MATCHMS_DISAGREES.iter().find(|(f, _)| *f == rel) {
            Some((_, why)) => assert_ne!(
                peer,
                Ok(ours),
                "{rel}: documented disagreement ({why}) is gone"
            ),
            None => assert_eq!(
                peer,
                Ok(ours),
                "{rel}: (spectra, peaks) differ from matchms"
            ),
        }
    }
}

#[test]
fn nist_semicolon_pairs() {
    let Some(file) = read_shared("msp/nist-fentanyl-ei/FentanylReplicates/250541.MSP") else {
        return;
    };
    let [s] = file.spectra.as_slice() else {
        panic!("one spectrum")
    };
    assert_eq!(s.title.as_deref(), Some("Fentanyl"));
    assert_eq!(s.peaks.len(), 95);
    assert_eq!((s.peaks[0].x, s.peaks[0].intensity), (15.0, 3.0));
    let last = s.peaks.last().expect("peaks");
    assert_eq!((last.x, last.intensity), (279.0, 2.0));
}

#[test]
fn upper_case_keys_and_tabs() {
    let Some(file) = read_shared("msp/dialects/Hydrogen_chloride.msp") else {
        return;
    };
    let s = &file.spectra[0];
    assert_eq!(s.title.as_deref(), Some("Hydrogen chloride"));
    assert_eq!(s.formula.as_deref(), Some("ClH"));
    assert!(s.ids.contains(&("InChI".into(), "InChI=1S/ClH/h1H".into())));
    assert_eq!((s.peaks[0].x, s.peaks[0].intensity), (35.0, 169.85));
    assert_eq!((s.peaks[3].x, s.peaks[3].intensity), (38.0, 323.71));
    let keys: Vec<_> = s.header.iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "NAME",
            "FORMULA",
            "MW",
            "ID",
            "STDINCHI",
            "SMILES",
            "NUM PEAKS"
        ]
    );
}

#[test]
fn amdis_brackets() {
    let Some(file) = read_shared("msp/dialects/JL_2021_V2.msl") else {
        return;
    };
    let s = &file.spectra[0];
    assert_eq!(s.title.as_deref(), Some("G3P"));
    assert_eq!((s.peaks[0].x, s.peaks[0].intensity), (52.0, 3.0));
    let last = s.peaks.last().expect("peaks");
    assert_eq!((last.x, last.intensity), (102.0, 4.0));
    assert_eq!(s.header_value("RW"), Some(""));
}

#[test]
fn quoted_annotations_and_typed_fields() {
    let Some(file) = read_shared("msp/dialects/rcx_gc-ei_ms_20201028_perylene.msp") else {
        return;
    };
    let s = &file.spectra[0];
    assert_eq!(s.title.as_deref(), Some("Perylene"));
    assert_eq!(s.precursor_mz, Some(Mz(252.09323)));
    assert_eq!(s.precursor_type.as_deref(), Some("[M]+"));
    assert_eq!(s.polarity, Some(Polarity::Positive));
    assert_eq!(s.ionisation, Some(Ionisation::ElectronIonisation));
    assert_eq!(s.collision_energy.as_deref(), Some("70eV"));
    assert_eq!(s.peaks.len(), 19);
    assert_eq!(
        (s.peaks[16].x, s.peaks[16].intensity),
        (252.09323, 1955166.0)
    );
}

#[test]
fn riken_name_mid_header_and_massbank_export() {
    let Some(riken) = read_shared("msp/dialects/riken_style_five_spectra.msp") else {
        return;
    };
    let Some(mb) = read_shared("msp/dialects/massbank_five_spectra.msp") else {
        return;
    };
    let titles = |f: &SpectrumFile| {
        f.spectra
            .iter()
            .map(|s| s.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&riken), titles(&mb));
    let kojic = &riken.spectra[1];
    assert_eq!(kojic.title.as_deref(), Some("Kojic acid"));
    assert_eq!(
        kojic.header.get(0).map(|(k, _)| k),
        Some("INCHIKEY"),
        "keys before NAME stay in the record"
    );
    assert_eq!(kojic.polarity, Some(Polarity::Negative));
    assert_eq!(kojic.ionisation, Some(Ionisation::Electrospray));
    let adp = &mb.spectra[0];
    assert_eq!(
        adp.names,
        ["Adenosine-5'-diphosphate Di(monocyclohexylammonium)salt"]
    );
    assert_eq!(
        (adp.ms_level, adp.collision_energy.as_deref()),
        (Some(2), Some("40"))
    );
}

#[test]
fn golm_colon_pairs_keep_synonyms() {
    let Some(file) = read_shared("msp/dialects/edge_golm.msp") else {
        return;
    };
    let s = &file.spectra[0];
    assert_eq!(s.names.len(), 26);
    assert_eq!(s.names[1], "RI: 986,12");
    assert_eq!((s.peaks[0].x, s.peaks[0].intensity), (85.0, 201.0));
    assert!(s.ids.contains(&("CAS".into(), "55493-91-9".into())));
}

fn line_of(file: &SpectrumFile, needle: &str) -> Vec<Position> {
    let hits = file.warnings.iter().filter(|w| w.message.contains(needle));
    hits.map(|w| w.position).collect()
}

#[test]
fn err_bad_peak_names_the_line() {
    let err = msp::read(&err_fixture("err-msp-bad-peak.msp")).expect_err("bad peak");
    let MspError::Syntax { line, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*line, 5, "{err}");
    assert!(err.to_string().contains("intensity"), "{err}");
}

#[test]
fn err_huge_num_peaks_is_bounded_and_reported() {
    let file = msp::read(&err_fixture("err-msp-huge-num-peaks.msp")).expect("reads");
    let [s] = file.spectra.as_slice() else {
        panic!("one spectrum")
    };
    assert_eq!(s.peaks.len(), 2);
    assert!(
        s.peaks.capacity() < 1 << 17,
        "capacity {}",
        s.peaks.capacity()
    );
    assert_eq!(
        line_of(&file, "after 2 of the 999999999 peaks"),
        [Position::Line(4)]
    );
}

#[test]
fn err_truncated_file_warns_with_line() {
    let file = msp::read(&err_fixture("err-msp-truncated.msp")).expect("reads");
    assert_eq!(file.spectra.len(), 2);
    assert_eq!(file.spectra[1].peaks.len(), 3);
    assert_eq!(line_of(&file, "truncated"), [Position::Line(12)]);
}

#[test]
fn err_extra_peaks_stay_in_their_record() {
    let file = msp::read(&err_fixture("err-msp-extra-peaks.msp")).expect("reads");
    let titles: Vec<_> = file.spectra.iter().map(|s| s.title.as_deref()).collect();
    assert_eq!(titles, [Some("Too many"), Some("Next")]);
    assert_eq!(file.spectra[0].peaks.len(), 5);
    assert_eq!(
        line_of(&file, "declares 3 peaks but 5 follow"),
        [Position::Line(5)]
    );
}

#[test]
fn err_missing_num_peaks_and_name() {
    let file = msp::read(&err_fixture("err-msp-no-num-peaks.msp")).expect("reads");
    let counts: Vec<_> = file.spectra.iter().map(|s| s.peaks.len()).collect();
    assert_eq!(counts, [0, 2, 1]);
    assert_eq!(
        line_of(&file, "no `Num Peaks:` line and no peaks"),
        [Position::Line(1)]
    );
    assert_eq!(
        line_of(&file, "has 2 peaks but no `Num Peaks:`"),
        [Position::Line(3)]
    );
    assert_eq!(line_of(&file, "has no `Name:`"), [Position::Line(6)]);
}

#[test]
fn not_msp() {
    assert_eq!(msp::read(b""), Err(MspError::NoRecords));
    assert_eq!(msp::read(b"hello\nworld: 1\n"), Err(MspError::NoRecords));
    assert!(!msp::sniff(b"BEGIN IONS\nTITLE=x\nNAME: y\n"));
    assert!(!msp::sniff(b"ACCESSION: MSBNK-1\nCH$NAME: x\n"));
    assert!(msp::sniff(b"NAME:G3P\r\nNUM PEAKS: 1\r\n( 52 3)\r\n"));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = msp::sniff(&bytes);
        let _ = msp::read(&bytes);
    }

    #[test]
    fn msp_shaped_noise_never_panics(lines in proptest::collection::vec(
        prop_oneof![
            Just("Name: x".to_owned()), Just("Num Peaks: 3".to_owned()),
            Just("Num Peaks: 18446744073709551616".to_owned()), Just(String::new()),
            "[0-9 ;:(),.\"e-]{0,24}", "[A-Za-z_]{1,8}: [ -~]{0,12}",
        ], 0..24)) {
        let text = lines.join("\n");
        if let Ok(file) = msp::read(text.as_bytes()) {
            prop_assert!(!file.spectra.is_empty());
        }
    }
}
