//! Strip-reader CSV exports and strip photos.
#![cfg(feature = "strips")]

mod common;

use std::path::{Path, PathBuf};

use common::err_fixture;
use synthwatch_parsers::strips::{self, PhotoOptions, StripLayout};

/// `../shared/data/strips/open-reader-lfa`, or `None` (with a printed reason)
/// when absent and not required.
fn lfa_dir() -> Option<PathBuf> {
    common::dir_or_skip(
        common::shared_root().join("strips/open-reader-lfa"),
        |d| format!("SYNTHWATCH_REQUIRE_SHARED=1 but {} is missing", d.display()),
        |d| println!("skipping: {} not found", d.display()),
    )
}

fn test_zone(path: &Path) -> strips::StripPhoto {
    let bytes = common::read(path);
    let opts = PhotoOptions {
        layout: StripLayout::TestZoneOnly,
    };
    strips::read_photo_with(&bytes, &opts).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Average ranks (ties share the mean rank).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|a, b| v[*a].total_cmp(&v[*b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for k in i..=j {
            r[idx[k]] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn lfa_dilution_series_falls_and_healthy_controls_read_blank() {
    let Some(dir) = lfa_dir() else { return };
    let dilutions = [1u32, 2, 4, 8, 16, 32, 64, 128];
    let mut means = Vec::new();
    println!("dilution  replicate intensities (grey levels)      mean");
    for d in dilutions {
        let vals: Vec<f64> = (1..=3)
            .map(|k| {
                let p = dir.join(format!("vaccinated1to{d}.{k}.jpg"));
                let photo = test_zone(&p);
                println!(
                    "  {} bands={:?} angle={:.1} warn={:?}",
                    p.display(),
                    photo.bands,
                    photo.axis_angle_deg,
                    photo.warnings
                );
                photo
                    .test_intensity
                    .unwrap_or_else(|| panic!("{}: no test intensity", p.display()))
            })
            .collect();
        let mean = vals.iter().sum::<f64>() / 3.0;
        println!(
            "1:{d:<6}  {:>8.2} {:>8.2} {:>8.2}   {mean:>8.2}",
            vals[0], vals[1], vals[2]
        );
        means.push(mean);
    }
    let x: Vec<f64> = dilutions.iter().map(|d| f64::from(*d)).collect();
    let rho = spearman(&x, &means);
    println!("Spearman rho(dilution, mean test intensity) = {rho:.3}");
    assert!(rho <= -0.9, "rho = {rho}");

    // Near blank: below a tenth of the 1:1 mean.
    let limit = means[0] * 0.1;
    for name in ["HealthyControl1to1", "HealthyControl1to2"] {
        for k in 1..=3 {
            let p = dir.join(format!("{name}.{k}.jpg"));
            let photo = test_zone(&p);
            let t = photo.test_intensity.unwrap_or(f64::NAN);
            println!(
                "{name}.{k}: test intensity {t:.2} (limit {limit:.2}) bands={:?}",
                photo.bands
            );
            assert!(t < limit, "{}: {t} not below {limit}", p.display());
        }
    }
}

// ---------------------------------------------------------------- photos --

use image::{ImageFormat, Rgb, RgbImage};
use proptest::prelude::*;

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// A light strip on a dark table, rotated by `deg`, with two purple bands
/// at 30 % and 65 % of its length (the first one stronger).
fn synthetic_strip(deg: f64) -> RgbImage {
    let (w, h) = (480u32, 320u32);
    let (cx, cy) = (240.0, 160.0);
    let (len, half_w) = (360.0, 30.0);
    let (c, s) = (deg.to_radians().cos(), deg.to_radians().sin());
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
        let (u, v) = (dx * c + dy * s, -dx * s + dy * c);
        if v.abs() > half_w || u.abs() > len / 2.0 {
            return Rgb([70, 70, 75]);
        }
        let t = (u + len / 2.0) / len;
        let band = |at: f64, depth: f64| depth * (-((t - at) * len / 5.0).powi(2)).exp();
        let d = band(0.30, 120.0) + band(0.65, 60.0);
        Rgb([
            (235.0 - 0.3 * d) as u8,
            (235.0 - d) as u8,
            (240.0 - 0.4 * d) as u8,
        ])
    })
}

#[test]
fn rotated_synthetic_strip_gives_two_bands() {
    for deg in [0.0, 10.0, -10.0, 80.0] {
        let photo = strips::read_photo(&png(&synthetic_strip(deg))).expect("read");
        println!(
            "{deg}°: angle {:.1} bands {:?} warnings {:?}",
            photo.axis_angle_deg, photo.bands, photo.warnings
        );
        assert_eq!(photo.bands.len(), 2, "{deg}°: {:?}", photo.bands);
        let angle_err = (photo.axis_angle_deg - deg).rem_euclid(180.0);
        assert!(
            angle_err.min(180.0 - angle_err) < 3.0,
            "{deg}°: axis {}",
            photo.axis_angle_deg
        );
        let strong = photo.bands.iter().map(|b| b.intensity).fold(0.0, f64::max);
        let weak = photo
            .bands
            .iter()
            .map(|b| b.intensity)
            .fold(f64::MAX, f64::min);
        assert!(strong > 1.5 * weak, "{deg}°: {:?}", photo.bands);
    }
}

#[test]
fn layout_assigns_control_and_test() {
    let bytes = png(&synthetic_strip(10.0));
    let at = |layout| strips::read_photo_with(&bytes, &PhotoOptions { layout }).expect("read");
    // At +10° position 0 is the left end, where the strong (30 %) band is.
    let near_start = at(StripLayout::ControlNearStart);
    let (c, t) = (
        near_start.control_intensity.expect("control"),
        near_start.test_intensity.expect("test"),
    );
    assert!(c > t, "control {c} test {t}");
    let near_end = at(StripLayout::ControlNearEnd);
    assert!(near_end.control_intensity < near_end.test_intensity);
    let unknown = strips::read_photo(&bytes).expect("read");
    assert_eq!(
        (unknown.control_intensity, unknown.test_intensity),
        (None, None)
    );
    assert!(unknown
        .warnings
        .iter()
        .any(|w| matches!(w, strips::PhotoWarning::BandsUnassigned { bands: 2 })));
}

#[test]
fn blank_image_has_no_bands() {
    let photo = strips::read_photo(&png(&RgbImage::from_pixel(300, 200, Rgb([240, 240, 240]))))
        .expect("read");
    assert!(photo.bands.is_empty(), "{:?}", photo.bands);
    let zone = strips::read_photo_with(
        &png(&RgbImage::from_pixel(64, 64, Rgb([10, 10, 10]))),
        &PhotoOptions {
            layout: StripLayout::TestZoneOnly,
        },
    )
    .expect("read");
    assert_eq!(zone.test_intensity, Some(0.0));
}

#[test]
fn truncated_png_is_a_clear_error() {
    let bytes = png(&synthetic_strip(0.0));
    let cut = &bytes[..bytes.len() / 2];
    let err = strips::read_photo(cut).expect_err("truncated");
    println!("{err}");
    assert!(
        matches!(
            err,
            strips::StripPhotoError::Truncated { format: "PNG", .. }
        ),
        "{err:?}"
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn huge_claimed_size_is_refused_before_decoding() {
    // A real 1x1 PNG whose IHDR is rewritten to claim 100000 x 100000.
    let mut bytes = png(&RgbImage::new(1, 1));
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = strips::read_photo(&bytes).expect_err("too large");
    println!("{err}");
    assert!(
        matches!(
            err,
            strips::StripPhotoError::TooLarge {
                width: 100_000,
                height: 100_000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn sniffing() {
    assert!(strips::sniff_photo(&png(&RgbImage::new(2, 2))));
    assert!(strips::sniff_photo(&[0xFF, 0xD8, 0xFF, 0xE0]));
    assert!(!strips::sniff_photo(b"sample_id,test_intensity"));
    let csv = common::read_fixture("strips/strip-reader-export.csv");
    assert!(
        strips::sniff_csv(&csv),
        "leading `#` comment lines are skipped, as read_csv skips them"
    );
    assert!(strips::sniff_csv(b"Sample ID,Brand,Test Intensity\n"));
    assert!(!strips::sniff_csv(b"\x89PNG\r\n\x1a\n"));
    assert!(!strips::sniff_csv(b"mz,intensity\n"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), png_head in any::<bool>()) {
        let mut input = if png_head { b"\x89PNG\r\n\x1a\n".to_vec() } else { Vec::new() };
        input.extend_from_slice(&bytes);
        let _ = strips::read_photo(&input);
        let _ = strips::sniff_photo(&input);
        let _ = strips::read_csv(&input);
        let _ = strips::sniff_csv(&input);
    }

    #[test]
    fn arbitrary_csv_rows_never_panic(cells in proptest::collection::vec("[ -~]{0,12}", 0..24)) {
        let mut text = String::from("sample_id,brand,target,cutoff,control_intensity,test_intensity,reader_call,expiry,read_time,dilution\n");
        for row in cells.chunks(10) {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let _ = strips::read_csv(text.as_bytes());
    }
}

// ------------------------------------------------------------------- CSV --

#[test]
fn csv_export_with_variant_headers() {
    let bytes = common::read_fixture("strips/strip-reader-export.csv");
    let file = strips::read_csv(&bytes).expect("parse");
    for w in &file.warnings {
        println!("warning: {w:?}");
    }
    assert_eq!(file.readings.len(), 5);
    let r = &file.readings[0];
    assert_eq!(
        (r.row, r.sample_id.as_str(), r.target),
        (4, "SW-0001", strips::Target::Fentanyl)
    );
    assert_eq!(
        (r.cutoff.ng_per_ml, r.dilution, r.test_intensity),
        (20.0, Some(10.0), Some(0.0))
    );
    assert_eq!(r.reader_call, strips::ReaderCall::Positive);
    assert_eq!(r.extra, vec![("Operator".to_string(), "ak".to_string())]);
    let r = &file.readings[2];
    assert_eq!(
        (r.brand.as_str(), r.cutoff.ng_per_ml, r.cutoff.unit),
        ("WHPM, Inc.", 1000.0, strips::CutoffUnit::UgPerMl)
    );
    assert_eq!(r.image_file, None);
    let has = |row: Option<u64>, col: &str| {
        file.warnings
            .iter()
            .any(|w| w.row == row && w.column.as_deref() == Some(col))
    };
    assert!(has(None, "Operator"), "unknown column warned");
    assert!(has(Some(6), "Expiry"), "SW-0003 expired before it was read");
    assert!(
        !has(Some(7), "Reader Call"),
        "SW-0004 is invalid with no control line: consistent"
    );
    assert!(
        has(Some(8), "Expiry") && has(Some(8), "Read Time"),
        "bad optional cells warned"
    );
    assert_eq!(file.readings[4].expiry, None);
    fn serializable<T: serde::Serialize>(_: &T) {}
    serializable(&file);
}

#[test]
fn csv_missing_columns_are_named() {
    let bytes = err_fixture("err-strips-missing-columns.csv");
    let err = strips::read_csv(&bytes).expect_err("missing");
    println!("{err}");
    assert_eq!(
        err,
        strips::StripCsvError::MissingColumns {
            missing: vec!["cutoff".into(), "test_intensity".into()]
        }
    );
}

#[test]
fn csv_bad_cell_names_row_and_column() {
    let bytes = err_fixture("err-strips-bad-cell.csv");
    let err = strips::read_csv(&bytes).expect_err("bad cell");
    println!("{err}");
    assert!(
        matches!(&err, strips::StripCsvError::BadCell { row: 3, column, value, .. } if column == "target" && value == "carfentanil"),
        "{err:?}"
    );
}

#[test]
fn csv_layout_oddities() {
    let head = "sample_id;brand;target;cutoff;control_intensity;test_intensity;reader_call\n";
    let long = format!("{head}A;B;fentanyl;20 ng/mL;1;2;negative;surplus\n");
    let file = strips::read_csv(long.as_bytes()).expect("semicolons");
    assert_eq!(
        file.readings[0].extra,
        vec![("#8".to_string(), "surplus".to_string())]
    );
    assert!(file
        .warnings
        .iter()
        .any(|w| w.row == Some(2) && w.column.is_none()));
    let short = format!("{head}C;D;xylazine;1 mg/L;3\n");
    let err = strips::read_csv(short.as_bytes()).expect_err("short row");
    assert!(
        matches!(&err, strips::StripCsvError::BadCell { row: 2, column, .. } if column == "reader_call"),
        "{err:?}"
    );
    let dup = strips::read_csv(b"sample_id,Sample ID\n").expect_err("dup");
    assert!(
        matches!(dup, strips::StripCsvError::DuplicateColumn { .. }),
        "{dup:?}"
    );
    assert_eq!(
        strips::read_csv(b"").expect_err("empty"),
        strips::StripCsvError::Empty
    );
    let neg = format!("{head}A;B;fentanyl;20 ng/mL;-1;2;negative\n");
    assert!(matches!(
        strips::read_csv(neg.as_bytes()),
        Err(strips::StripCsvError::BadCell { row: 2, .. })
    ));
}
