//! SPC reader against the real files in `shared/data/spc` (values checked
//! against the upstream text conversions in `expected-txt/`), the broken
//! fixtures in `fixtures/err`, synthetic old-format and big-endian files, and
//! arbitrary bytes.

mod common;

use std::path::PathBuf;

use common::err_fixture;
use proptest::prelude::*;
use synthwatch_parsers::spc::{self, SpcError};
use synthwatch_parsers::spectrum::{Spectrum, SpectrumKind};

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

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
}

/// The upstream text layouts: `x<TAB>y` rows; `x<TAB>y1<TAB>y2…` for
/// multifiles sharing X; blank-line-separated `x<TAB>y` blocks for TXYXYS;
/// a non-numeric label row on top when the file has TALABS labels.
/// Returns one (x, y) column pair per subfile.
fn expected_columns(text: &str) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut blocks: Vec<Vec<Vec<f64>>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            if blocks.last().is_some_and(|b| !b.is_empty()) {
                blocks.push(Vec::new());
            }
            continue;
        }
        let row: Result<Vec<f64>, _> = line.split_whitespace().map(str::parse::<f64>).collect();
        if let (Ok(row), Some(block)) = (row, blocks.last_mut()) {
            block.push(row);
        }
    }
    blocks.retain(|b| !b.is_empty());
    let mut out = Vec::new();
    for block in blocks {
        let width = block.first().map_or(0, Vec::len);
        let xs: Vec<f64> = block.iter().map(|r| r[0]).collect();
        for col in 1..width {
            out.push((xs.clone(), block.iter().map(|r| r[col]).collect()));
        }
    }
    out
}

fn exponent(s: &Spectrum) -> i32 {
    s.header_value("y_exponent")
        .and_then(|v| v.parse().ok())
        .expect("y_exponent header")
}

/// What the upstream parser prints for a TXYXYS X value: it reads the float's
/// bits as a 32-bit integer and scales it like fixed-point Y.
fn upstream_txyxys_x(x: f64, exp: i32) -> f64 {
    f64::from((x as f32).to_bits() as i32) * 2f64.powi(exp - 32)
}

#[test]
fn every_spc_with_expected_text_matches() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("spc");
    let mut checked = 0;
    for path in common::list(&dir) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        // The mapping is `NAME.spc` → `expected-txt/NAME.spc.txt`.
        let txt = dir.join("expected-txt").join(format!("{name}.txt"));
        if !path.is_file() || !txt.is_file() {
            continue;
        }
        let bytes = common::read(&path);
        assert!(spc::sniff(&bytes), "{name}: not sniffed as SPC");
        let file = spc::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = expected_columns(&std::fs::read_to_string(&txt).expect("read txt"));
        assert_eq!(file.spectra.len(), expected.len(), "{name}: subfile count");
        let txyxys = name == "ms.spc" || name == "m_xyxy.spc";
        for (i, (s, (ex, ey))) in file.spectra.iter().zip(&expected).enumerate() {
            assert_eq!(s.peaks.len(), ex.len(), "{name} subfile {i}: point count");
            let exp = exponent(s);
            // m_evenz subfile 0 stores subexp 0xFF: a signed char (SPC.H
            // `char subexp`; 0x80 is the only special value), so 2^-1 — the
            // tightest exponent for its raw maximum 1.11e9, as GRAMS picks for
            // every other subfile (exponents 0..5). Upstream reads the byte
            // unsigned (255), calls it out of range and substitutes 0, so its
            // Y for that subfile is exactly twice ours.
            let y_factor = if name == "m_evenz.spc" && i == 0 {
                assert_eq!(exp, -1, "{name}: subfile 0 exponent");
                2.0
            } else {
                1.0
            };
            for (j, (p, (&x, &y))) in s.peaks.iter().zip(ex.iter().zip(ey)).enumerate() {
                let upstream_x = if txyxys {
                    upstream_txyxys_x(p.x, exp)
                } else {
                    p.x
                };
                assert!(
                    close(upstream_x, x),
                    "{name} subfile {i} point {j}: x {} vs expected {x}",
                    p.x
                );
                assert!(
                    close(p.intensity * y_factor, y),
                    "{name} subfile {i} point {j}: y {} vs expected {y}",
                    p.intensity
                );
            }
        }
        checked += 1;
    }
    assert_eq!(
        checked, 10,
        "every SPC file with an expected text was checked"
    );
}

/// Why the TXYXYS X values disagree with upstream: the spec stores them as
/// floats, and read that way they agree with the header's FIRST/LAST X and are
/// the nominal masses of an EI mass spectrum; upstream's 8468… is not.
#[test]
fn txyxys_x_values_are_floats_matching_the_header_range() {
    let Some(data) = shared_data() else { return };
    let ms = spc::read(&common::read(&data.join("spc/ms.spc"))).expect("parse ms.spc");
    let s = &ms.spectra[0];
    assert_eq!(s.kind, Some(SpectrumKind::Mass));
    assert_eq!(
        s.peaks.first().map(|p| p.x),
        Some(42.0),
        "header FFIRST is 42"
    );
    assert_eq!(
        s.peaks.last().map(|p| p.x),
        Some(413.0),
        "header FLAST is 413"
    );
    assert!(s.peaks.iter().all(|p| p.x.fract() == 0.0), "nominal masses");
    let multi = spc::read(&common::read(&data.join("spc/m_xyxy.spc"))).expect("parse m_xyxy");
    assert_eq!(multi.spectra.len(), 512);
    let first = &multi.spectra[0].peaks;
    assert!(close(first[0].x, 43.900001525878906) && close(first[7].x, 25.850000381469727));
}

#[test]
fn header_fields_kinds_and_log() {
    let Some(data) = shared_data() else { return };
    let read = |n: &str| spc::read(&common::read(&data.join("spc").join(n))).expect(n);
    let ftir = read("Ft-ir.spc");
    let s = &ftir.spectra[0];
    assert_eq!(s.kind, Some(SpectrumKind::IrTransmittance));
    assert_eq!(s.title.as_deref(), Some("FT-IR Spectrum Example"));
    assert_eq!(s.header_value("x_units"), Some("Wavenumber (cm-1)"));
    assert_eq!(s.header_value("log.MODEL"), Some("PE Spectrum 2000"));
    assert_eq!(s.header_value("log.SCANS"), Some("16"));
    assert_eq!(
        read("s_evenx.spc").spectra[0].kind,
        Some(SpectrumKind::IrAbsorbance)
    );
    assert_eq!(read("RAMAN.SPC").spectra[0].kind, Some(SpectrumKind::Raman));
    assert_eq!(read("nir.spc").spectra[0].kind, Some(SpectrumKind::Optical));
    let kry = read("KRY3.SPC");
    assert_eq!(
        kry.spectra[0].header_value("x_label"),
        Some("Wavenumber (cm-1)")
    );
    assert_eq!(
        kry.spectra[0].header_value("log.Comment"),
        Some("Krypton Lamps")
    );
    let evenz = read("m_evenz.spc");
    assert_eq!(evenz.spectra.len(), 32);
    // Z comes from each subheader (SUBTIME), not from FZINC: subfile 1 says 1.
    assert_eq!(evenz.spectra[1].header_value("z"), Some("1"));
    assert_eq!(evenz.spectra[2].header_value("z"), Some("1.5"));
    assert_eq!(evenz.spectra[0].header_value("z_spacing"), Some("even"));
    assert_eq!(evenz.spectra[0].header_value("z_increment"), Some("0.5"));
    let xyxy = read("m_xyxy.spc");
    assert_eq!(
        xyxy.spectra[0].header_value("z_spacing"),
        Some("ordered, uneven")
    );
    // Directory entry 0 points to a re-written copy of subfile 0 near the end
    // (byte 42960) with size 96, as if Y were 32-bit; TSPREC makes it 80.
    assert_eq!(xyxy.warnings.len(), 1, "{:?}", xyxy.warnings);
    assert!(xyxy.warnings[0].message.contains("size 96"));
}

/// Which error variant (and fields) a broken fixture must give.
type ErrCheck = fn(&SpcError) -> bool;

#[test]
fn err_fixtures_give_clear_errors() {
    let cases: [(&str, ErrCheck, &str); 8] = [
        (
            "err-spc-truncated.spc",
            |e| {
                matches!(
                    e,
                    SpcError::TooManyPoints {
                        offset: 544,
                        count: 100,
                        ..
                    }
                )
            },
            "byte 544",
        ),
        (
            "err-spc-huge-npts.spc",
            |e| {
                matches!(
                    e,
                    SpcError::TooManyPoints {
                        count: 0xFFFF_FFF0,
                        ..
                    }
                )
            },
            "4294967280 points",
        ),
        (
            "err-spc-huge-nsub.spc",
            |e| {
                matches!(
                    e,
                    SpcError::TooManySubfiles {
                        count: 3_000_000_000,
                        ..
                    }
                )
            },
            "3000000000 subfiles",
        ),
        (
            "err-spc-bad-version.spc",
            |e| matches!(e, SpcError::UnknownVersion { byte: 0x41 }),
            "0x41",
        ),
        (
            "err-spc-short-header.spc",
            |e| {
                matches!(
                    e,
                    SpcError::Truncated {
                        offset: 0,
                        available: 100,
                        ..
                    }
                )
            },
            "512-byte",
        ),
        (
            "err-spc-bad-directory.spc",
            |e| {
                matches!(
                    e,
                    SpcError::BadDirectoryEntry {
                        offset: 560,
                        position: 99_999,
                        ..
                    }
                )
            },
            "byte 560",
        ),
        (
            "err-spc-old-fractional-npts.spc",
            |e| matches!(e, SpcError::BadPointCount { .. }),
            "2.5",
        ),
        (
            "err-spc-old-bad-exponent.spc",
            |e| {
                matches!(
                    e,
                    SpcError::BadExponent {
                        offset: 2,
                        exponent: 200
                    }
                )
            },
            "exponent 200",
        ),
    ];
    for (name, check, text) in cases {
        let err = spc::read(&err_fixture(name)).expect_err(name);
        assert!(check(&err), "{name}: unexpected error {err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(text) && msg.contains("byte"),
            "{name}: message `{msg}` lacks `{text}` or an offset"
        );
    }
}

/// A minimal single-subfile header in either byte order (test builder).
fn new_format(big: bool, flags: u8, exp: i8, npts: u32, first: f64, last: f64) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    h[0] = flags;
    h[1] = if big { 0x4C } else { 0x4B };
    h[3] = exp as u8;
    let put = |h: &mut Vec<u8>, at: usize, b: &[u8]| h[at..at + b.len()].copy_from_slice(b);
    if big {
        put(&mut h, 4, &npts.to_be_bytes());
        put(&mut h, 8, &first.to_be_bytes());
        put(&mut h, 16, &last.to_be_bytes());
        put(&mut h, 24, &1u32.to_be_bytes());
    } else {
        put(&mut h, 4, &npts.to_le_bytes());
        put(&mut h, 8, &first.to_le_bytes());
        put(&mut h, 16, &last.to_le_bytes());
        put(&mut h, 24, &1u32.to_le_bytes());
    }
    h[28] = 13; // Raman shift
    h
}

#[test]
fn big_endian_new_format_reads_like_little_endian() {
    let ys: [i32; 3] = [1 << 24, -(1 << 20), 12345];
    for big in [false, true] {
        let mut f = new_format(big, 0, 8, 3, 100.0, 300.0);
        f.extend(
            [0u8; 32]
                .iter()
                .enumerate()
                .map(|(i, &b)| if i == 1 { 8 } else { b }),
        );
        for y in ys {
            f.extend(if big {
                y.to_be_bytes()
            } else {
                y.to_le_bytes()
            });
        }
        let file = spc::read(&f).expect("synthetic file");
        let s = &file.spectra[0];
        let got: Vec<(f64, f64)> = s.peaks.iter().map(|p| (p.x, p.intensity)).collect();
        let scale = 2f64.powi(8 - 32);
        let want: Vec<(f64, f64)> = [100.0, 200.0, 300.0]
            .into_iter()
            .zip(ys.map(|y| f64::from(y) * scale))
            .collect();
        assert_eq!(got, want, "big endian: {big}");
        assert_eq!(s.kind, Some(SpectrumKind::Raman));
    }
}

#[test]
fn float_and_sixteen_bit_y() {
    let mut f = new_format(false, 0, -128, 2, 1.0, 2.0);
    f.extend([0u8; 32]);
    f.extend(1.5f32.to_le_bytes());
    f.extend((-2.25f32).to_le_bytes());
    let ys: Vec<f64> = spc::read(&f).expect("float y").spectra[0]
        .peaks
        .iter()
        .map(|p| p.intensity)
        .collect();
    assert_eq!(ys, [1.5, -2.25]);
    // TSPREC: y = int16 · 2^exp / 2^16.
    let mut f = new_format(false, 0x01, 16, 2, 1.0, 2.0);
    f.extend([0u8; 32]);
    f.extend(300i16.to_le_bytes());
    f.extend((-7i16).to_le_bytes());
    let ys: Vec<f64> = spc::read(&f).expect("16-bit y").spectra[0]
        .peaks
        .iter()
        .map(|p| p.intensity)
        .collect();
    assert_eq!(ys, [300.0, -7.0]);
}

/// Old format: 256-byte header, 32-bit Y stored high word first (each word
/// LSB first), X even from float FIRST/LAST over a float NPTS; multifile
/// subfiles follow each other until the data ends.
#[test]
fn old_format_word_swapped_y_and_multifile() {
    let mut f = vec![0u8; 224];
    f[0] = 0x04; // TMULTI
    f[1] = 0x4D;
    f[2..4].copy_from_slice(&32i16.to_le_bytes());
    f[4..8].copy_from_slice(&3f32.to_le_bytes());
    f[8..12].copy_from_slice(&10f32.to_le_bytes());
    f[12..16].copy_from_slice(&30f32.to_le_bytes());
    f[18..20].copy_from_slice(&1994u16.to_le_bytes());
    f[20] = 5;
    f[21] = 17;
    let swapped = |v: i32| {
        let v = v as u32;
        let (hi, lo) = ((v >> 16) as u16, v as u16);
        [hi.to_le_bytes(), lo.to_le_bytes()].concat()
    };
    for (k, ys) in [[70_000, -3, 65_536], [1, 2, -100_000]].iter().enumerate() {
        let mut sub = [0u8; 32];
        sub[1] = 32; // subexp: 2^32 / 2^32 = integers as they are
        sub[2] = k as u8;
        f.extend(sub);
        for &y in ys {
            f.extend(swapped(y));
        }
    }
    let file = spc::read(&f).expect("old format");
    assert_eq!(file.spectra.len(), 2);
    let pts = |i: usize| -> Vec<(f64, f64)> {
        file.spectra[i]
            .peaks
            .iter()
            .map(|p| (p.x, p.intensity))
            .collect()
    };
    assert_eq!(pts(0), [(10.0, 70_000.0), (20.0, -3.0), (30.0, 65_536.0)]);
    assert_eq!(pts(1), [(10.0, 1.0), (20.0, 2.0), (30.0, -100_000.0)]);
    assert_eq!(
        file.spectra[0].header_value("date"),
        Some("1994-05-17 00:00")
    );
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
}

#[test]
fn sniff_rejects_text_and_short_input() {
    assert!(!spc::sniff(b"OK this is a text file that starts with OK"));
    assert!(!spc::sniff(&[0, 0x4B, 0, 0]));
    assert!(spc::sniff(&new_format(false, 0, 0, 0, 0.0, 0.0)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1200)) {
        let _ = spc::read(&bytes);
        let _ = spc::sniff(&bytes);
    }

    /// Valid version bytes and random everything else get past the version
    /// check, so the size checks, directory and log paths are exercised.
    #[test]
    fn random_headers_never_panic_or_overallocate(
        version in prop::sample::select(vec![0x4Bu8, 0x4C, 0x4D]),
        flags in any::<u8>(),
        body in proptest::collection::vec(any::<u8>(), 0..2000),
    ) {
        let mut bytes = vec![flags, version];
        bytes.extend(body);
        if let Ok(file) = spc::read(&bytes) {
            let points: usize = file.spectra.iter().map(|s| s.peaks.len()).sum();
            prop_assert!(points <= bytes.len());
        }
    }
}
