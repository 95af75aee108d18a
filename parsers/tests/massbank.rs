//! MassBank record reader against all 1,022 real records (peak counts equal
//! each record's own `PK$NUM_PEAK`) and the project's `err-massbank-*` cases.

mod common;

use std::path::Path;

use common::{err_fixture, warnings_at};
use proptest::prelude::*;
use synthwatch_parsers::massbank::{self, MassBankError};
use synthwatch_parsers::spectrum::{Ionisation, Mz, Polarity, Position, SpectrumFile};

fn read_path(path: &Path) -> SpectrumFile {
    let bytes = common::read(path);
    assert!(
        massbank::sniff(&bytes),
        "{} not sniffed as MassBank",
        path.display()
    );
    massbank::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_shared(rel: &str) -> Option<SpectrumFile> {
    Some(read_path(&common::shared_data()?.join(rel)))
}

#[test]
fn all_1022_records_match_their_own_num_peak() {
    let Some(root) = common::shared_data() else {
        return;
    };
    let files = common::walk(&root.join("massbank"));
    assert_eq!(files.len(), 1022, "MassBank record files");
    for path in &files {
        let name = path.display();
        let file = read_path(path);
        assert!(file.warnings.is_empty(), "{name}: {:?}", file.warnings);
        let [s] = file.spectra.as_slice() else {
            panic!("{name}: one record per file")
        };
        let declared: usize = s
            .header_value("PK$NUM_PEAK")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name}: PK$NUM_PEAK"));
        assert_eq!(s.peaks.len(), declared, "{name}");
        assert!(
            s.ids.iter().any(|(k, _)| k == "accession"),
            "{name}: accession"
        );
        assert!(!s.names.is_empty(), "{name}: CH$NAME");
    }
}

#[test]
fn fentanyl_record_fields() {
    let Some(file) = read_shared("massbank/fentanyls/MSBNK-Athens_Univ-AU154501.txt") else {
        return;
    };
    let s = &file.spectra[0];
    assert_eq!(
        s.names,
        [
            "Fentanyl",
            "N-phenyl-N-[1-(2-phenylethyl)piperidin-4-yl]propanamide"
        ]
    );
    assert_eq!(s.formula.as_deref(), Some("C22H28N2O"));
    assert!(s
        .ids
        .contains(&("InChIKey".into(), "PJMPHNIQZUBGLI-UHFFFAOYSA-N".into())));
    assert!(s.ids.contains(&("CAS".into(), "437-38-7".into())));
    assert_eq!(s.precursor_mz, Some(Mz(337.2274)));
    assert_eq!(s.precursor_type.as_deref(), Some("[M+H]+"));
    assert_eq!(
        (s.ms_level, s.polarity),
        (Some(2), Some(Polarity::Positive))
    );
    assert_eq!(s.ionisation, Some(Ionisation::Electrospray));
    assert_eq!(s.collision_energy.as_deref(), Some("10 eV"));
    assert_eq!(s.retention_time_s, Some(6.1 * 60.0));
    assert_eq!(s.peaks.len(), 4);
    assert_eq!((s.peaks[0].x, s.peaks[0].intensity), (188.1427, 10848.0));
    assert_eq!((s.peaks[3].x, s.peaks[3].intensity), (339.2338, 36056.0));
    let annotation = s.header_value("PK$ANNOTATION").expect("annotation");
    assert_eq!(annotation.lines().count(), 5, "{annotation}");
    assert!(annotation.ends_with("339.2338 C20[13]C2H29N2O+ 1 339.2337 0.29"));
}

#[test]
fn err_two_records_count_mismatch_and_truncation() {
    let file = massbank::read(&err_fixture("err-massbank-two-records.txt")).expect("reads");
    let titles: Vec<_> = file.spectra.iter().map(|s| s.title.as_deref()).collect();
    assert_eq!(titles, [Some("First"), Some("Second")]);
    assert_eq!(file.spectra[0].peaks.len(), 2);
    assert_eq!(file.spectra[1].peaks.len(), 1);
    assert_eq!(
        warnings_at(&file, "says 3 peaks but the record has 2"),
        [Position::Line(5)]
    );
    assert_eq!(warnings_at(&file, "without `//`"), [Position::Line(14)]);
    assert_eq!(
        file.spectra[0].header_value("COMMENT"),
        Some("wrapped\ncontinued")
    );
}

#[test]
fn err_bad_peak_row_names_the_line() {
    let err = massbank::read(&err_fixture("err-massbank-bad-peak.txt")).expect_err("bad row");
    assert!(
        matches!(err, MassBankError::Syntax { line: 6, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("intensity"), "{err}");
}

#[test]
fn err_huge_num_peak_is_bounded() {
    let file = massbank::read(&err_fixture("err-massbank-huge-num-peak.txt")).expect("reads");
    let s = &file.spectra[0];
    assert_eq!(s.peaks.len(), 2);
    assert!(
        s.peaks.capacity() < 1 << 17,
        "capacity {}",
        s.peaks.capacity()
    );
    assert_eq!(
        warnings_at(&file, "says 999999999 peaks"),
        [Position::Line(3)]
    );
}

#[test]
fn not_massbank() {
    assert_eq!(massbank::read(b""), Err(MassBankError::NoRecords));
    assert_eq!(
        massbank::read(b"no tags here\n"),
        Err(MassBankError::NoRecords)
    );
    assert!(!massbank::sniff(b"Name: x\nNum Peaks: 0\n"));
    assert!(massbank::sniff(
        b"ACCESSION: X\nRECORD_TITLE: t\nCH$NAME: n\n"
    ));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = massbank::sniff(&bytes);
        let _ = massbank::read(&bytes);
    }

    #[test]
    fn massbank_shaped_noise_never_panics(lines in proptest::collection::vec(
        prop_oneof![
            Just("//".to_owned()), Just("PK$PEAK: m/z int. rel.int.".to_owned()),
            Just("PK$NUM_PEAK: 18446744073709551616".to_owned()), Just(String::new()),
            "  [0-9 .e+-]{0,20}", "[A-Z$_]{1,8}: [ -~]{0,12}",
        ], 0..24)) {
        let _ = massbank::read(lines.join("\n").as_bytes());
    }
}

/// Peak lines indented with a tab or one space (hand-edited or converted
/// records) and whitespace-only lines read as the format's two-space form.
#[test]
fn indentation_variants_read_the_same() {
    let record = |indent: &str| {
        format!(
            "ACCESSION: MSBNK-TEST-000001\nRECORD_TITLE: Test; LC-ESI-QTOF; MS2\n\
             CH$NAME: Test\nAC$MASS_SPECTROMETRY: MS_TYPE MS2\nPK$NUM_PEAK: 2\n\
             PK$PEAK: m/z int. rel.int.\n{indent}105.0699 35 350\n \t \n{indent}188.1434 100 999\n//\n"
        )
    };
    let two = massbank::read(record("  ").as_bytes()).expect("two-space record");
    assert_eq!(two.spectra.len(), 1);
    assert_eq!(two.spectra[0].peaks.len(), 2);
    for indent in ["\t", " ", " \t"] {
        let other = massbank::read(record(indent).as_bytes()).expect("indented record");
        assert_eq!(other, two, "indent {indent:?}");
    }
}
