//! Profiling aid: read one text spectrum file N times with one reader and
//! print the counts, so `valgrind --tool=callgrind` or `perf record` see only
//! the reader (criterion's harness would dominate a callgrind profile).
//!
//! `cargo run --release -p synthwatch-parsers --example read_repeat -- msp FILE [N]`
//!
//! The last line is `median_s=…`: the median wall time of one read (file
//! already in memory), which `benches/peers/matchms_peer.py --alternate` uses.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(format), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: read_repeat msp|mgf|massbank|jcamp FILE [N]");
        return ExitCode::from(2);
    };
    let times: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
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
