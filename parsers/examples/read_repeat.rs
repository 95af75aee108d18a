//! Profiling aid: read one text spectrum file N times with one reader and
//! print the counts, so `valgrind --tool=callgrind` or `perf record` see only
//! the reader (criterion's harness would dominate a callgrind profile).
//!
//! `cargo run --release -p synthwatch-parsers --example read_repeat -- msp FILE [N]`
//!
//! `mzml` is our whole-file mzML reader, `mzml-stream` our streaming one
//! (each spectrum dropped after counting); `mzdata` is mzdata alone (every spectrum, both
//! arrays decoded), exactly as the baseline in `benches/files/mzml.rs`;
//! `mzml-vs-mzdata FILE N` runs mzdata and `mzml-stream` alternately N times and prints both
//! medians and their ratio (ours / mzdata), like `FILES_MZML_ALTERNATE`.
//!
//! The last line is `median_s=…`: the median wall time of one read (file
//! already in memory), which `benches/peers/matchms_peer.py --alternate` uses.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(format), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: read_repeat msp|mgf|massbank|jcamp|mzml|mzdata FILE [N]");
        return ExitCode::from(2);
    };
    let times: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    #[cfg(feature = "mzml")]
    if format == "mzml-vs-mzdata" {
        return match std::fs::read(path) {
            Ok(b) => {
                alternate(&b, times);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{path}: {e}");
                ExitCode::from(2)
            }
        };
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let read = |b: &[u8]| -> Result<(usize, usize), String> {
        let file = match format.as_str() {
            "msp" => synthwatch_parsers::msp::read(b).map_err(|e| e.to_string())?,
            "mgf" => synthwatch_parsers::mgf::read(b).map_err(|e| e.to_string())?,
            "massbank" => synthwatch_parsers::massbank::read(b).map_err(|e| e.to_string())?,
            "jcamp" => synthwatch_parsers::jcamp::read(b).map_err(|e| e.to_string())?,
            #[cfg(feature = "mzml")]
            "mzml" => synthwatch_parsers::mzml::read(b).map_err(|e| e.to_string())?,
            #[cfg(feature = "mzml")]
            "mzml-stream" => return Ok(mzml_streaming(b)),
            // The baseline of `benches/files/mzml.rs`, to profile side by side.
            #[cfg(feature = "mzml")]
            "mzdata" => return Ok(mzdata_alone(b)),
            other => return Err(format!("unknown format {other}")),
        };
        let peaks = file.spectra.iter().map(|s| s.peaks.len()).sum();
        Ok((file.spectra.len(), peaks))
    };
    let mut times_s = Vec::with_capacity(times);
    for _ in 0..times {
        let start = std::time::Instant::now();
        let counts = read(&bytes);
        times_s.push(start.elapsed().as_secs_f64());
        match counts {
            Ok((spectra, peaks)) => println!("{spectra} spectra, {peaks} peaks"),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    times_s.sort_by(f64::total_cmp);
    if let Some(median) = times_s.get(times_s.len() / 2) {
        println!("median_s={median:.6}");
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "mzml")]
/// mzdata alone, as in `benches/files/mzml.rs`: every spectrum, both arrays decoded.
fn mzdata_alone(bytes: &[u8]) -> (usize, usize) {
    let mut reader = mzdata::MzMLReader::new(std::io::Cursor::new(bytes));
    let (mut spectra, mut peaks) = (0, 0);
    while let Some(s) = reader.read_next() {
        let Some(arrays) = s.arrays.as_ref() else {
            continue;
        };
        let (Ok(mz), Ok(intensity)) = (arrays.mzs(), arrays.intensities()) else {
            continue;
        };
        assert_eq!(mz.len(), intensity.len());
        spectra += 1;
        peaks += mz.len();
    }
    (spectra, peaks)
}

#[cfg(feature = "mzml")]
/// Our streaming mzML reader, as mzdata is measured: each spectrum dropped
/// after counting; (0, 0) on any error.
fn mzml_streaming(b: &[u8]) -> (usize, usize) {
    let Ok(doc) = synthwatch_parsers::mzml::open(b) else {
        return (0, 0);
    };
    let Ok(spectra) = doc.spectra() else {
        return (0, 0);
    };
    spectra
        .map_while(Result::ok)
        .fold((0, 0), |(n, p), s| (n + 1, p + s.peaks.len()))
}

#[cfg(feature = "mzml")]
/// Both readers in turn, `rounds` times each, order swapped every round.
fn alternate(bytes: &[u8], rounds: usize) {
    let ours = mzml_streaming;
    let (mut theirs_s, mut ours_s) = (Vec::new(), Vec::new());
    assert_eq!(
        ours(bytes),
        mzdata_alone(bytes),
        "both read the same counts"
    );
    for round in 0..rounds {
        for side in [round % 2, 1 - round % 2] {
            let t = std::time::Instant::now();
            if side == 0 {
                std::hint::black_box(mzdata_alone(std::hint::black_box(bytes)));
                theirs_s.push(t.elapsed().as_secs_f64());
            } else {
                std::hint::black_box(ours(std::hint::black_box(bytes)));
                ours_s.push(t.elapsed().as_secs_f64());
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (m, o) = (median(&mut theirs_s), median(&mut ours_s));
    println!(
        "mzdata_s={m:.6} ours_s={o:.6} ratio={:.3} ours_MBps={:.1}",
        o / m,
        bytes.len() as f64 / o / 1e6
    );
}
