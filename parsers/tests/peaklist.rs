//! Vendor peak-list readers: hand-made Agilent / Thermo fixtures with exact
//! values, every NIST DART-MS file in `shared/data/dart-ms` against an
//! independent line count, broken fixtures, and arbitrary bytes.

mod common;

use std::path::PathBuf;

use common::err_fixture;
use proptest::prelude::*;
use synthwatch_parsers::peaklist::{self, PeakListError, PeakListKind};
use synthwatch_parsers::spectrum::{Ionisation, Mz, Polarity, Position, SpectrumKind};

/// `shared/data` beside the checkout; `None` (after saying so) when absent,
/// unless `SYNTHWATCH_REQUIRE_SHARED=1` makes that a failure.
fn shared_data() -> Option<PathBuf> {
    common::dir_or_skip(
        common::shared_root(),
        |d| {
            format!(
                "SYNTHWATCH_REQUIRE_SHARED=1 but {} does not exist",
                d.display()
            )
        },
        |d| {
            eprintln!(
                "skipping: {} is absent (set SYNTHWATCH_REQUIRE_SHARED=1 to fail instead)",
                d.display()
            )
        },
    )
}

fn pairs(file: &synthwatch_parsers::spectrum::SpectrumFile, i: usize) -> Vec<(f64, f64)> {
    file.spectra[i]
        .peaks
        .iter()
        .map(|p| (p.x, p.intensity))
        .collect()
}

#[test]
fn agilent_masshunter_point_csv() {
    let bytes = common::read_fixture("peaklist/agilent-masshunter.csv");
    assert_eq!(
        peaklist::sniff(&bytes),
        Some(PeakListKind::AgilentMassHunter)
    );
    let file = peaklist::read(&bytes).expect("parse");
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.spectra.len(), 1);
    let s = &file.spectra[0];
    assert_eq!(
        pairs(&file, 0),
        [
            (105.06988, 2131.52),
            (132.08078, 1544.03),
            (188.14338, 18822.75),
            (281.19054, 1320.44),
            (337.22744, 204133.88),
            (338.23081, 47012.5)
        ]
    );
    assert_eq!(s.kind, Some(SpectrumKind::Mass));
    assert_eq!(
        s.title.as_deref(),
        Some("+ESI Scan (rt: 4.512 min) Frag=175.0V fentanyl_std_10ngmL.d")
    );
    assert_eq!(s.polarity, Some(Polarity::Positive));
    assert_eq!(s.ionisation, Some(Ionisation::Electrospray));
    assert_eq!(s.ms_level, Some(1));
    assert_eq!(s.retention_time_s, Some(4.512 * 60.0));
    assert_eq!(s.header_value("fragmentor"), Some("175.0V"));
    assert_eq!(s.header_value("x_units"), Some("Thomsons"));
    assert_eq!(s.header_value("y_units"), Some("Counts"));
}

#[test]
fn agilent_two_column_product_ion() {
    let bytes = common::read_fixture("peaklist/agilent-xy.csv");
    assert_eq!(peaklist::sniff(&bytes), Some(PeakListKind::AgilentXy));
    let file = peaklist::read(&bytes).expect("parse");
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(
        pairs(&file, 0),
        [
            (105.06988, 8812.4),
            (134.09643, 1210.0),
            (188.14338, 56310.25),
            (337.22744, 4402.5)
        ]
    );
    let s = &file.spectra[0];
    assert_eq!(s.ms_level, Some(2));
    assert_eq!(s.precursor_mz, Some(Mz(337.2274)));
    assert_eq!(s.charge, Some(1));
    assert_eq!(s.collision_energy.as_deref(), Some("20 V"));
    assert_eq!(s.retention_time_s, Some(6.02 * 60.0));
}

#[test]
fn bare_comma_pairs_are_the_two_column_variant() {
    let file = peaklist::read(b"105.1,20\n188.1,300.5\n").expect("parse");
    assert_eq!(pairs(&file, 0), [(105.1, 20.0), (188.1, 300.5)]);
}

#[test]
fn thermo_spectrum_list() {
    let bytes = common::read_fixture("peaklist/thermo-spectrum-list.txt");
    assert_eq!(
        peaklist::sniff(&bytes),
        Some(PeakListKind::ThermoSpectrumList)
    );
    let file = peaklist::read(&bytes).expect("parse");
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(
        pairs(&file, 0),
        [
            (105.07, 1520.0),
            (134.10, 210.5),
            (188.14, 10423.0),
            (216.14, 388.0),
            (337.23, 952.25)
        ]
    );
    let s = &file.spectra[0];
    assert_eq!(s.header_value("file"), Some("fentanyl_std_01.raw"));
    assert_eq!(s.header_value("scan"), Some("1234"));
    assert_eq!(s.retention_time_s, Some(6.03 * 60.0));
    assert_eq!(s.polarity, Some(Polarity::Positive));
    assert_eq!(s.ionisation, Some(Ionisation::Electrospray));
    assert_eq!(s.ms_level, Some(2));
    assert_eq!(s.precursor_mz, Some(Mz(337.23)));
    assert_eq!(s.collision_energy.as_deref(), Some("cid35.00"));
}

#[test]
fn thermo_two_blocks_and_point_count_mismatch() {
    let text = "SPECTRUM - MS\nx.raw\nFTMS - p ESI Full ms [100.00-500.00]\nScan #: 7 RT: 0.50\nData points: 3\nMass\tIntensity\n150.5\t10\n151.5\t20\nSPECTRUM - MS\nx.raw\nScan #: 8\nMass\tIntensity\n160.5\t30\n";
    let file = peaklist::read(text.as_bytes()).expect("parse");
    assert_eq!(file.spectra.len(), 2);
    assert_eq!(pairs(&file, 1), [(160.5, 30.0)]);
    assert_eq!(file.spectra[0].polarity, Some(Polarity::Negative));
    assert_eq!(file.spectra[0].retention_time_s, Some(30.0));
    assert_eq!(file.spectra[0].header_value("scan"), Some("7"));
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert_eq!(file.warnings[0].position, Position::Line(5));
}

#[test]
fn quirks_become_warnings_with_line_numbers() {
    let file = peaklist::read(&common::read_fixture("peaklist/agilent-quirks.csv")).expect("parse");
    assert_eq!(pairs(&file, 0), [(59.01385, 1200.5), (146.96123, 455.0)]);
    assert_eq!(file.spectra[0].polarity, Some(Polarity::Negative));
    let lines: Vec<Position> = file.warnings.iter().map(|w| w.position).collect();
    assert_eq!(
        lines,
        [
            Position::Line(4),
            Position::Line(5),
            Position::Line(6),
            Position::Line(7)
        ]
    );
    assert!(file.warnings[0].message.contains("missing x value"));
    assert!(file.warnings[1].message.contains("blank"));
    assert!(file.warnings[2].message.contains("`abc` is not a number"));
    assert!(file.warnings[3].message.contains("stray text"));
}

#[test]
fn dart_voltage_only_from_content() {
    let file =
        peaklist::read(&common::read_fixture("peaklist/dart-voltage-header.txt")).expect("parse");
    let s = &file.spectra[0];
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(pairs(&file, 0), [(91.054, 1500.25), (188.143, 9800.0)]);
    assert_eq!(s.ionisation, Some(Ionisation::InSourceCid));
    assert_eq!(s.collision_energy.as_deref(), Some("60 V"));
}

/// An independent count of data rows: lines whose first two whitespace
/// fields both parse as numbers.
fn numeric_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let mut f = l.split_whitespace();
            matches!(
                (
                    f.next().map(str::parse::<f64>),
                    f.next().map(str::parse::<f64>)
                ),
                (Some(Ok(_)), Some(Ok(_)))
            )
        })
        .count()
}

#[test]
fn every_dart_ms_file() {
    let Some(data) = shared_data() else { return };
    let files = common::files_in(&data.join("dart-ms"));
    let mut spectra_read = 0;
    for path in files {
        let name = path.display().to_string();
        let bytes = common::read(&path);
        // The folder also holds a macOS `.DS_Store` (binary): it must be
        // refused clearly, not read as a spectrum.
        if path.file_name().is_some_and(|n| n == ".DS_Store") {
            assert_eq!(peaklist::sniff(&bytes), None, "{name}");
            let err = peaklist::read(&bytes).expect_err(&name);
            assert!(
                matches!(err, PeakListError::Binary { .. }),
                "{name}: {err:?}"
            );
            continue;
        }
        spectra_read += 1;
        assert_eq!(
            peaklist::sniff(&bytes),
            Some(PeakListKind::DartMs),
            "{name}"
        );
        let file = peaklist::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(file.spectra.len(), 1, "{name}");
        let s = &file.spectra[0];
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(s.peaks.len(), numeric_lines(&text), "{name}: peak count");
        assert!(s.peaks.len() >= 10, "{name}: implausibly few peaks");
        assert!(file.warnings.is_empty(), "{name}: {:?}", file.warnings);
        assert_eq!(s.ionisation, Some(Ionisation::InSourceCid), "{name}");
        assert_eq!(s.kind, Some(SpectrumKind::Mass), "{name}");
        // The voltage is in the file name only, never in the content.
        assert_eq!(s.collision_energy, None, "{name}");
        // Spot-check the first row against the text itself.
        let first: Vec<f64> = text
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .map(|f| f.parse().expect("num"))
            .collect();
        assert_eq!(
            (s.peaks[0].x, s.peaks[0].intensity),
            (first[0], first[1]),
            "{name}"
        );
    }
    assert_eq!(spectra_read, 45, "all 45 NIST DART-MS text files");
}

/// Column names as other software writes them, and semicolon-separated
/// exports with decimal commas (Excel and instruments in such locales).
#[test]
fn other_column_names_and_decimal_comma_exports() {
    let cases: &[(&str, &str)] = &[
        (
            "m/z,Intensity\n105.06988,2131.52\n132.08078,1544.03\n",
            "m/z,Intensity",
        ),
        (
            "#Point,Mass,Abundance\n0,105.06988,2131.52\n1,132.08078,1544.03\n",
            "Point,Mass,Abundance",
        ),
        (
            "m/z;Intensity\n105,06988;2131,52\n132,08078;1544,03\n",
            "m/z,Intensity",
        ),
        (
            "#Point;X(Thomsons);Y(Counts)\n0;105,06988;2131,52\n1;132,08078;1544,03\n",
            "Point,X(Thomsons),Y(Counts)",
        ),
        ("105.06988;2131.52\n132.08078;1544.03\n", ""),
    ];
    for (text, columns) in cases {
        let file = peaklist::read(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(file.warnings.is_empty(), "{text}: {:?}", file.warnings);
        let [s] = file.spectra.as_slice() else {
            panic!("{text}: {} spectra", file.spectra.len())
        };
        let peaks: Vec<(f64, f64)> = s.peaks.iter().map(|p| (p.x, p.intensity)).collect();
        assert_eq!(
            peaks,
            [(105.06988, 2131.52), (132.08078, 1544.03)],
            "{text}"
        );
        if !columns.is_empty() {
            assert_eq!(s.kind, Some(SpectrumKind::Mass), "{text}");
            assert_eq!(s.header.value("columns"), Some(*columns), "{text}");
        }
    }
}

#[test]
fn err_fixtures_give_clear_errors() {
    let read = |n: &str| peaklist::read(&err_fixture(n)).expect_err(n);
    let e = read("err-peaklist-unknown-layout.csv");
    assert_eq!(e, PeakListError::UnknownLayout { line: 1 });
    assert!(e
        .to_string()
        .starts_with("line 1: unknown peak-list layout"));
    let e = read("err-peaklist-agilent-no-xy.csv");
    assert!(
        matches!(&e, PeakListError::BadColumnHeader { line: 2, found } if found == "Point,Channel,Value"),
        "{e:?}"
    );
    assert!(e.to_string().contains("line 2"));
    assert_eq!(
        read("err-peaklist-thermo-no-columns.csv"),
        PeakListError::MissingColumnHeader { line: 4 }
    );
    assert_eq!(
        read("err-peaklist-binary.csv"),
        PeakListError::Binary { offset: 9 }
    );
    assert_eq!(read("err-peaklist-empty.csv"), PeakListError::Empty);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = peaklist::sniff(&bytes);
        let _ = peaklist::read(&bytes);
    }

    /// Text made of the characters the layouts care about.
    #[test]
    fn arbitrary_text_never_panics(text in "[0-9.,#\t \r\nXYPointMasIybSPECTRUM:()=-]{0,400}") {
        let _ = peaklist::read(text.as_bytes());
    }
}
