//! JCAMP-DX reader against real files (`../shared/data/jcamp`, read in
//! place), the Python `jcamp` package as a peer, and hand-made `fixtures/err`.
//!
//! The data folder is skipped with a message when absent, unless
//! `SYNTHWATCH_REQUIRE_SHARED=1`, which makes its absence a failure.

mod common;

use common::err_fixture;
use std::path::{Path, PathBuf};
use synthwatch_parsers::jcamp::{self, JcampError};
use synthwatch_parsers::spectrum::{Peak, Position, SpectrumFile, SpectrumKind};

/// `../shared/data/jcamp`, or `None` when it is absent (see `common::shared_subdir`).
fn data_dir() -> Option<PathBuf> {
    common::shared_subdir("jcamp")
}

/// Every file under `dir` (recursively) except LICENSE/README, as (relative path, bytes).
fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::walk(dir)
        .into_iter()
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_uppercase())
                .unwrap_or_default();
            !name.starts_with("LICENSE") && !name.starts_with("README")
        })
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, common::read(&p))
        })
        .collect()
}

fn read(dir: &Path, rel: &str) -> SpectrumFile {
    jcamp::read(&common::read(&dir.join(rel))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn points(f: &SpectrumFile) -> usize {
    f.spectra.iter().map(|s| s.peaks.len()).sum()
}

/// Files in the folder that are not JCAMP-DX: the suite's directory listing
/// and an empty file. The reader must refuse them with a clear error.
const NOT_JCAMP: [&str; 2] = [
    "jcamp-dx.org_official_test_data/DX-DIR.TXT",
    "infrared_spectra/carbon",
];

#[test]
fn every_jcamp_file_parses_and_matches_its_npoints() {
    let Some(dir) = data_dir() else { return };
    let files = all_files(&dir);
    let mut read_ok = 0;
    for (rel, bytes) in &files {
        if NOT_JCAMP.contains(&rel.as_str()) {
            assert!(!jcamp::sniff(bytes), "{rel}: sniffed as JCAMP-DX");
            assert!(
                matches!(
                    jcamp::read(bytes),
                    Err(JcampError::Empty | JcampError::NotJcamp { .. })
                ),
                "{rel}"
            );
            continue;
        }
        assert!(jcamp::sniff(bytes), "{rel}: not sniffed as JCAMP-DX");
        let file = jcamp::read(bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(!file.spectra.is_empty(), "{rel}: no spectra");
        // NPOINTS is the file's own claim: every table must hold exactly that
        // many points, unless a warning says otherwise (one known bad file).
        for s in &file.spectra {
            let Some(np) = s
                .header_value("NPOINTS")
                .and_then(|v| v.trim().parse::<usize>().ok())
            else {
                continue;
            };
            let warned = file
                .warnings
                .iter()
                .any(|w| w.message.starts_with("NPOINTS says"));
            assert!(
                s.peaks.len() == np || warned,
                "{rel}: {} points, NPOINTS {np}",
                s.peaks.len()
            );
        }
        read_ok += 1;
    }
    // The data README counts 132; the folder holds 134 JCAMP-DX files plus the two above.
    assert_eq!((read_ok, files.len()), (134, 136));
}

/// `jcamp` 1.3.2 (`python3 benches/peers/jcamp_peer.py`): points per file
/// (top level plus compound children), `FAIL` where it raised.
/// L = Robert_J_Lancashire_test_data, I = infrared_spectra,
/// O = jcamp-dx.org_official_test_data, M = mass_spectra.
const PEER: &str = "
L/blckpac1.jdx=880 L/blckpkt1.jdx=301 L/coffhd.jdx=27 L/compound.jdx=13830
L/dupdec1.jdx=3951 L/dupdec2.jdx=3951 L/dupinc1.jdx=440 L/dupinc2.jdx=3731
L/fixdec1.jdx=3951 L/fixdec2.jdx=8192 L/fixdec3.jdx=360 L/fixinc1.jdx=3736
L/fixinc2.jdx=FAIL L/fixinc3.jdx=360 L/fixinc4.jdx=81 L/fixinc5.jdx=185 L/jtpolys.jdx=FAIL
L/jtpolysd.jdx=1844 L/mactab1.jdx=0 L/mactab2.jdx=0 L/o01.jdx=8192 L/o02.jdx=8192
L/o03.jdx=8192 L/o04.jdx=8192 L/o05.jdx=7020 L/o06.jdx=0 L/o07.jdx=0 L/o08.jdx=0 L/o09.jdx=0
L/o10.jdx=0 L/ofid1.jdx=0 L/ofid2.jdx=0 L/ofid3.jdx=0 L/ofid4.jdx=0 L/pacdec1.jdx=3301
L/pktab1.jdx=46 L/pktab2.jdx=23 L/sqzdec1.jdx=16384 L/sqzdupd1.jdx=FAIL L/xyinc1.jdx=FAIL
L/xyinc2.jdx=350 I/1,1,1-trichloroethane.jdx=14104 I/1,1-dichloroethene.jdx=14104
I/1,2-dichloroethane.jdx=3385 I/1,2-dimethylbenzene.jdx=14104 I/1,3-butadiene.jdx=14106
I/1,3-dimethylbenzene.jdx=14104 I/1,4-dimethylbenzene.jdx=14104 I/1-butanol.jdx=14106
I/1-butene.jdx=880 I/2-butanone.jdx=14106 I/acetone.jdx=14106 I/acetonitrile.jdx=14106
I/acrylonitrile.jdx=14106 I/ammonia.jdx=3578 I/benzene.jdx=3343 I/butadiene.jdx=3342
I/butane.jdx=3327 I/carbon=0 I/carbon_dioxide.jdx=3573 I/carbon_monoxide.jdx=3574
I/carbon_tetrafluoride.jdx=14104 I/chlorobenzene.jdx=3321 I/chloroform.jdx=14104
I/cis-butene.jdx=3339 I/dichlorodifluoromethane.jdx=14104 I/dichloromethane.jdx=14104
I/ethane.jdx=3571 I/ethanol.jdx=3570 I/ethanol2.jdx=1764 I/ethyl_acetate.jdx=14106
I/ethyl_acrylate.jdx=14106 I/ethyl_benzene.jdx=14104 I/ethyl_tert-butyl_ether.jdx=14106
I/ethylene.jdx=3561 I/ethylene_oxide.jdx=14106 I/example_compound_file.jdx=4148
I/example_multiline_datasets.jdx=1919 I/heptane-2,3-dimethylpentane.jdx=2687
I/hexafluoroethane.jdx=14104 I/hydrogen_sulfide.jdx=3570 I/iso-butane.jdx=3347
I/iso-butylene.jdx=880 I/iso-pentane.jdx=3333 I/isopropanol_ASDF.jdx=9541
I/isopropyl_alcohol.jdx=14106 I/m-xylene.jdx=2584 I/methane.jdx=3583 I/methanol.jdx=3567
I/methyl_bromide.jdx=14106 I/methyl_iodide.jdx=3563 I/methyl_tert-butyl_ether.jdx=14106
I/n-butane.jdx=3327 I/n-heptane.jdx=3337 I/n-pentane.jdx=3452 I/neo-pentane.jdx=825
I/ozone.jdx=2600 I/p-xylene.jdx=2618 I/penta_fluoroethane.jdx=14104 I/propane.jdx=3326
I/propylene.jdx=3346 I/propylene_oxide.jdx=3335 I/sulfur_dioxide.jdx=2465
I/sulphur_hexafluoride.jdx=56417 I/tetrachloroethene.jdx=14104 I/toluene.jdx=3329
I/trans-butene.jdx=3343 I/vinyl_acetate.jdx=14106 I/vinyl_chloride.jdx=3754 I/water.jdx=880
O/BRUKAFFN.DX=16384 O/BRUKDIF.DX=FAIL O/BRUKER1.JCM=3735 O/BRUKER2.JCM=3710 O/BRUKNTUP.DX=0
O/BRUKPAC.DX=16384 O/BRUKSQZ.DX=16384 O/DX-DIR.TXT=0 O/IMSDEMO.DX=1000 O/IMS_TEST1.DX=FAIL
O/ISAS_CDX.DX=0 O/ISAS_MS1.DX=26 O/ISAS_MS2.DX=FAIL O/ISAS_MS3.DX=0 O/LABCALC.DX=3435
O/PE1800.DX=3301 O/SPECFILE.DX=1801 O/TEST32.DX=0 O/TESTFID.DX=0 O/TESTNTUP.DX=0
O/TESTSPEC.DX=0 M/1-propanol_ms.jdx=301 M/118-96-7-Mass.jdx=116 M/CH4_CI.jdx=50
M/Tetrachloroethylene_ms.jdx=45 M/ethanol_ms.jdx=12
";

/// Where our count differs from the peer's, who is right and why.
const DIFFERENCES: &[(&str, &str)] = &[
    ("L/dupinc2.jdx", "NPOINTS=3734, ours 3734; peer 3731 and reports an X-check failure: it mis-expands DUP after a SQZ value"),
    ("L/o05.jdx", "NPOINTS=8192 and ours equals o01-o04 (same spectrum, other forms) point for point; peer 7020 with a false Y-check failure (same DUP bug)"),
    ("O/BRUKER2.JCM", "NPOINTS=3735, ours 3735 with every Y-check passing; peer 3710 with 2 false Y-check failures (same DUP bug)"),
    ("L/mactab1.jdx", "classic-Mac CR line ends: peer sees one line and no data; ours 23 = NPOINTS"),
    ("L/mactab2.jdx", "CR line ends, as mactab1; ours 46 = NPOINTS"),
    ("M/CH4_CI.jdx", "145 ##TITLE=..##END= blocks of 50 points each (one is shorter); peer keeps only one block"),
    ("O/ISAS_MS3.DX", "NTUPLES GC-MS run, 3 pages (18+26+26 = NPOINTS of each page); peer does not read NTUPLES"),
    ("O/ISAS_CDX.DX", "compound file: a structure block and a 16-line PEAK ASSIGNMENTS (XYMA) table; peer reads neither"),
    ("O/BRUKNTUP.DX", "NTUPLES real+imaginary pages, VAR_DIM 16384 each; peer does not read NTUPLES"),
    ("O/TESTNTUP.DX", "as BRUKNTUP"),
    ("O/TESTFID.DX", "as BRUKNTUP (an FID)"),
    ("O/TEST32.DX", "`##` records indented by a space; peer ignores them; ours 16384 = NPOINTS and equals BRUKAFFN"),
    ("O/TESTSPEC.DX", "indented records, as TEST32; ours 16384 = NPOINTS"),
    ("L/o06.jdx", "NTUPLES, 2 pages x 8192; page 1 equals o01"), ("L/o07.jdx", "NTUPLES, as o06"),
    ("L/o08.jdx", "NTUPLES, as o06"), ("L/o09.jdx", "NTUPLES, as o06"), ("L/o10.jdx", "NTUPLES, as o06"),
    ("L/ofid1.jdx", "NTUPLES FID, 2 pages x 8192"), ("L/ofid2.jdx", "as ofid1"),
    ("L/ofid3.jdx", "as ofid1"), ("L/ofid4.jdx", "as ofid1"),
    ("O/DX-DIR.TXT", "not JCAMP-DX (a directory listing): peer returns an empty result, ours a NotJcamp error"),
    ("I/carbon", "an empty file: peer returns an empty result, ours an Empty error"),
];

/// The 7 files the peer raises on, and why ours is right on them.
const PEER_FAILS: &[(&str, &str)] = &[
    ("L/fixinc2.jdx", "DOS end-of-file byte ^Z after ##END=; ours ignores control bytes: 3601 = NPOINTS"),
    ("L/xyinc1.jdx", "^Z as fixinc2; ours 3601 = NPOINTS, first/last x = FIRSTX/LASTX"),
    ("L/jtpolys.jdx", "`##YFACTOR= 2.38e-09 $$ comment`: peer keeps the comment and multiplies by a string; ours strips $$"),
    ("L/sqzdupd1.jdx", "SQZ+DUP (`B1399T`): peer indexes past the line; ours 18669 = NPOINTS"),
    ("O/BRUKDIF.DX", "`$$ checkpoint` comment on a data line; ours equals BRUKNTUP page 1 point for point"),
    ("O/ISAS_MS2.DX", "`$$ checkpoint` on the last line and `%` DIF zeros; ours 346 = NPOINTS, all Y-checks pass"),
    ("O/IMS_TEST1.DX", "multi-line ##CONCENTRATIONS= / ##.REDUCED MOBILITY= values; ours 2400 = NPOINTS"),
];

fn full(abbrev: &str) -> String {
    let (d, rest) = abbrev.split_once('/').expect("abbreviated path");
    let dir = match d {
        "L" => "Robert_J_Lancashire_test_data",
        "I" => "infrared_spectra",
        "O" => "jcamp-dx.org_official_test_data",
        _ => "mass_spectra",
    };
    format!("{dir}/{rest}")
}

#[test]
fn point_counts_against_the_python_peer() {
    let Some(dir) = data_dir() else { return };
    let mut compared = 0;
    for tok in PEER.split_whitespace() {
        let (file, peer) = tok.split_once('=').expect("file=count");
        let ours = jcamp::read(&common::read(&dir.join(full(file)))).map(|f| points(&f));
        if peer == "FAIL" {
            assert!(
                PEER_FAILS.iter().any(|(f, _)| *f == file),
                "{file}: peer failure not documented"
            );
            assert!(ours.is_ok(), "{file}: {ours:?}");
            continue;
        }
        let peer: usize = peer.parse().expect("count");
        let explained = DIFFERENCES.iter().any(|(f, _)| *f == file);
        match ours {
            Ok(n) if n == peer => assert!(
                !explained,
                "{file}: now agrees with the peer; drop its note"
            ),
            other => assert!(
                explained,
                "{file}: ours {other:?}, peer {peer}, not explained"
            ),
        }
        compared += 1;
    }
    assert_eq!((compared, PEER_FAILS.len()), (129, 7));
}

fn ys(p: &[Peak]) -> Vec<f64> {
    p.iter().map(|p| p.intensity).collect()
}

#[test]
fn the_same_spectrum_decodes_identically_in_every_compression() {
    let Some(dir) = data_dir() else { return };
    let o = "Robert_J_Lancashire_test_data/";
    // o01 AFFN, o02 DIF, o03 PAC, o04 SQZ, o05 DIF+DUP: identical x and y.
    let affn = read(&dir, &format!("{o}o01.jdx")).spectra.remove(0).peaks;
    for f in ["o02", "o03", "o04", "o05"] {
        assert_eq!(
            read(&dir, &format!("{o}{f}.jdx")).spectra[0].peaks,
            affn,
            "{f}"
        );
    }
    assert_eq!(
        ys(&read(&dir, &format!("{o}o06.jdx")).spectra[0].peaks),
        ys(&affn),
        "o06 NTUPLES page 1"
    );
    assert_eq!((affn[0].x, affn[0].intensity), (2391.297363, 46.894022));
    assert_eq!(
        (affn[8191].x, affn[8191].intensity),
        (-402.202637, -1.267406)
    );
    // Official suite: Bruker AFFN = PAC = SQZ = ISAS DIF/DUP (TEST32), and
    // Bruker DIF/DUP = its NTUPLES real page.
    let s = "jcamp-dx.org_official_test_data/";
    let bruk = read(&dir, &format!("{s}BRUKAFFN.DX"))
        .spectra
        .remove(0)
        .peaks;
    for f in ["BRUKPAC.DX", "BRUKSQZ.DX", "TEST32.DX"] {
        assert_eq!(read(&dir, &format!("{s}{f}")).spectra[0].peaks, bruk, "{f}");
    }
    let first = bruk.first().map(|p| (p.x, p.intensity));
    let last = bruk.last().map(|p| (p.x, p.intensity));
    assert_eq!(
        (first, last),
        (Some((24038.5, 2259260.0)), Some((0.0, 1505988.0)))
    );
    let dif = read(&dir, &format!("{s}BRUKDIF.DX"))
        .spectra
        .remove(0)
        .peaks;
    assert_eq!(read(&dir, &format!("{s}BRUKNTUP.DX")).spectra[0].peaks, dif);
    assert_eq!(
        (dif[0].intensity, dif[16383].intensity),
        (2254931.0, 1513177.0)
    );
    // sqzdec1 is BRUKSQZ with `e242968` written `E242968`: only that sign differs
    // (and `E` followed by a digit is SQZ 5, not an exponent).
    let sqz = read(&dir, &format!("{o}sqzdec1.jdx"))
        .spectra
        .remove(0)
        .peaks;
    let diff: Vec<usize> = (0..sqz.len()).filter(|&i| sqz[i] != bruk[i]).collect();
    assert_eq!((diff, sqz[1].intensity), (vec![1], 5242968.0));
}

#[test]
fn checks_ntuples_blocks_and_metadata() {
    let Some(dir) = data_dir() else { return };
    // SPECFILE's last line `31999@` is a DIF Y-check value 0 after a last Y of 26506.
    let f = read(&dir, "jcamp-dx.org_official_test_data/SPECFILE.DX");
    assert_eq!(f.warnings.len(), 1);
    assert_eq!(f.warnings[0].position, Position::Line(107));
    assert!(f.warnings[0].message.contains("Y-check"));
    assert_eq!(f.spectra[0].kind, Some(SpectrumKind::IrTransmittance));
    // GC-MS NTUPLES: one mass spectrum per page, retention time from `##PAGE= T=`.
    let ms = read(&dir, "jcamp-dx.org_official_test_data/ISAS_MS3.DX");
    let rt: Vec<_> = ms
        .spectra
        .iter()
        .map(|s| (s.retention_time_s, s.peaks.len()))
        .collect();
    assert_eq!(
        rt,
        [(Some(272.0), 18), (Some(301.0), 26), (Some(333.0), 26)]
    );
    assert!(ms
        .spectra
        .iter()
        .all(|s| s.kind == Some(SpectrumKind::Mass)));
    assert_eq!(
        ms.spectra[2].peaks.last(),
        Some(&Peak {
            x: 109.0,
            intensity: 8.55
        })
    );
    // Compound file: 5 blocks, 5 spectra, each titled by its own block.
    let c = read(&dir, "Robert_J_Lancashire_test_data/blckpac1.jdx");
    assert_eq!(c.spectra.len(), 5);
    assert_eq!(
        c.spectra[4].title.as_deref(),
        Some("Aquation of trans-[Co(en)2Cl2]+ (t5)")
    );
    assert_eq!(c.spectra[0].kind, Some(SpectrumKind::Optical));
    // Names, CAS, multi-line values, header order, kinds.
    let ims = read(&dir, "jcamp-dx.org_official_test_data/IMS_TEST1.DX")
        .spectra
        .remove(0);
    assert_eq!(ims.names, ["Tetrachloroethene"]);
    assert_eq!(ims.ids, [("CAS".into(), "127-18-4".to_owned())]);
    assert_eq!(
        ims.header_value("CONCENTRATIONS"),
        Some("(NCU)\n(TETRACHLOROETHENE, 0.46, ppmv)")
    );
    assert_eq!(
        ims.header.get(0),
        Some(("TITLE", "EXAMPLE JCAMP-DX FILE FOR IMS"))
    );
    let tnt = read(&dir, "mass_spectra/118-96-7-Mass.jdx")
        .spectra
        .remove(0);
    assert_eq!(
        (tnt.kind, tnt.formula.as_deref()),
        (Some(SpectrumKind::Mass), Some("C7 H5 N3 O6"))
    );
    let abs = read(&dir, "jcamp-dx.org_official_test_data/BRUKER2.JCM")
        .spectra
        .remove(0);
    assert_eq!(abs.kind, Some(SpectrumKind::IrAbsorbance));
    // x from FIRSTX..LASTX over NPOINTS: the last x is LASTX, not a drifted sum.
    let lastx: f64 = abs
        .header_value("LASTX")
        .and_then(|v| v.trim().parse().ok())
        .expect("LASTX");
    let x_end = abs.peaks.last().map_or(f64::NAN, |p| p.x);
    assert!(
        (x_end - lastx).abs() < 1e-9 * lastx,
        "{x_end} vs LASTX {lastx}"
    );
}

#[test]
fn err_fixtures() {
    let bomb = jcamp::read(&err_fixture("err-jcamp-dup-bomb.jdx")).unwrap_err();
    assert!(
        matches!(bomb, JcampError::TooManyPoints { line: 5, .. }),
        "{bomb}"
    );
    assert!(bomb.to_string().contains("DUP count 399999999"), "{bomb}");
    let huge = jcamp::read(&err_fixture("err-jcamp-huge-npoints.jdx")).unwrap_err();
    assert!(
        matches!(huge, JcampError::TooManyPoints { line: 4, .. }),
        "{huge}"
    );
    let not = jcamp::read(&err_fixture("err-jcamp-not-jcamp.jdx")).unwrap_err();
    assert_eq!(not, JcampError::NotJcamp { line: 1 });
    assert!(!jcamp::sniff(&err_fixture("err-jcamp-not-jcamp.jdx")));

    let t = jcamp::read(&err_fixture("err-jcamp-truncated.jdx")).expect("truncated still reads");
    assert_eq!(
        ys(&t.spectra[0].peaks),
        [1000.0, 1001.0, 1002.0, 1003.0, 1003.0, 1003.0, 1001.0, 1000.0, 999.0]
    );
    let at: Vec<_> = t.warnings.iter().map(|w| w.position).collect();
    assert_eq!(
        at,
        [Position::Line(10), Position::Line(13)],
        "{:?}",
        t.warnings
    );
    assert!(t.warnings[1].message.contains("truncated"));

    let y =
        jcamp::read(&err_fixture("err-jcamp-ycheck.jdx")).expect("a failed Y-check is a warning");
    assert_eq!(y.warnings.len(), 1, "{:?}", y.warnings);
    assert_eq!(y.warnings[0].position, Position::Line(13));
    assert!(y.warnings[0]
        .message
        .contains("expected the first Y to repeat 1001"));
    let p = &y.spectra[0].peaks;
    assert_eq!(p.len(), 12);
    assert_eq!((p[7].x, p[11].x), (1007.0, 1011.0));
    assert!((p[7].intensity - 1.003).abs() < 1e-12 && (p[11].intensity - 1.006).abs() < 1e-12);
}

mod arbitrary_bytes {
    use proptest::prelude::*;
    use synthwatch_parsers::jcamp;

    proptest! {
        #[test]
        fn never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = jcamp::sniff(&bytes);
            let _ = jcamp::read(&bytes);
        }

        #[test]
        fn never_panic_on_jcamp_like_text(body in "[ -~\n\r]{0,600}", data in "[0-9@A-Za-z%?+\\-., $\n]{0,600}") {
            for table in ["(X++(Y..Y))", "(XY..XY)", "(XYMA)"] {
                let text = format!("##TITLE=x\n##NPOINTS=5\n##{body}\n##XYDATA={table}\n{data}\n##NTUPLES=MS\n##PAGE=T=1\n##DATA TABLE=(X++(Y..Y)), XYDATA\n{data}");
                let _ = jcamp::read(text.as_bytes());
            }
        }
    }
}
