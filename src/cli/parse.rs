//! `synthwatch parse`: read files, print one JSON object (or readable line) per
//! message, spectrum or strip, report every failure with its position, and keep going.

use std::io::{self, Write};

use serde::Serialize;
use synthwatch_parsers::sniff::Sniffed;
use synthwatch_parsers::strips::StripLayout;

use crate::decode::{
    decode_with, value_text, DecodedInput, Format, MessageReport, Options, PhotoReport,
    SpectrumReport, StripReport,
};

use super::{FormatArg, ParseArgs, StripLayoutArg};

/// Run the command; returns the exit code (1 when any file failed).
pub fn run(args: &ParseArgs) -> i32 {
    let format = format_of(args.format);
    let options = Options {
        strip_layout: match args.strip_layout {
            StripLayoutArg::Unknown => StripLayout::Unknown,
            StripLayoutArg::ControlStart => StripLayout::ControlNearStart,
            StripLayoutArg::ControlEnd => StripLayout::ControlNearEnd,
            StripLayoutArg::TestOnly => StripLayout::TestZoneOnly,
        },
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("{name}: cannot read: {err}");
                failed += 1;
                continue;
            }
        };
        let decoded = decode_with(&bytes, format, &options);
        if let Err(err) = print_input(&mut out, &name, &decoded, args) {
            // Output closed (e.g. piped into `head`): nothing more can be shown.
            if err.kind() == io::ErrorKind::BrokenPipe {
                return i32::from(failed > 0);
            }
            eprintln!("cannot write output: {err}");
            return 2;
        }
        for note in &decoded.notes {
            eprintln!("{name}: note: {note}");
        }
        for warning in &decoded.warnings {
            eprintln!("{name}: warning: {warning}");
        }
        for err in &decoded.errors {
            eprintln!("{name}: error: {err}");
        }
        if !decoded.errors.is_empty() {
            failed += 1;
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed", args.files.len());
    }
    i32::from(failed > 0)
}

pub(super) fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Auto => Format::Auto,
        FormatArg::Astm => Format::Astm,
        FormatArg::Hl7 => Format::Hl7,
        FormatArg::Msp => Format::File(Sniffed::Msp),
        FormatArg::Mgf => Format::File(Sniffed::Mgf),
        FormatArg::Massbank => Format::File(Sniffed::MassBank),
        FormatArg::Jcamp => Format::File(Sniffed::Jcamp),
        FormatArg::Spc => Format::File(Sniffed::Spc),
        FormatArg::Mzml => Format::File(Sniffed::Mzml),
        FormatArg::Mzxml => Format::File(Sniffed::Mzxml),
        FormatArg::Peaklist => Format::File(Sniffed::PeakList),
        FormatArg::StripCsv => Format::File(Sniffed::StripCsv),
        FormatArg::StripPhoto => Format::File(Sniffed::StripPhoto),
    }
}

/// Short format name used in the JSON of spectra.
fn format_name(kind: Option<Sniffed>) -> &'static str {
    match kind {
        Some(Sniffed::Msp) => "msp",
        Some(Sniffed::Mgf) => "mgf",
        Some(Sniffed::MassBank) => "massbank",
        Some(Sniffed::Jcamp) => "jcamp",
        Some(Sniffed::Spc) => "spc",
        Some(Sniffed::Mzml) => "mzml",
        Some(Sniffed::Mzxml) => "mzxml",
        Some(Sniffed::PeakList) => "peaklist",
        _ => "unknown",
    }
}

fn json_line(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    // Serialize first so a closed pipe surfaces as an io::Error of its own kind.
    let line = serde_json::to_string(value).map_err(io::Error::other)?;
    writeln!(out, "{line}")
}

fn print_input(
    out: &mut impl Write,
    file: &str,
    d: &DecodedInput,
    args: &ParseArgs,
) -> io::Result<()> {
    for (index, message) in d.messages.iter().enumerate() {
        let report = MessageReport::new(file, index, message);
        if args.json {
            json_line(out, &report)?;
        } else {
            print_message(out, &report)?;
        }
    }
    let format = format_name(d.format);
    for (index, spectrum) in d.spectra.iter().enumerate() {
        let report = SpectrumReport::new(file, format, index, spectrum, &d.warnings, args.peaks);
        if args.json {
            json_line(out, &report)?;
        } else {
            writeln!(
                out,
                "{file} #{index} {format} {:?} \"{}\" — {} peak(s){}",
                report.kind,
                report.title.unwrap_or(""),
                report.n_peaks,
                report
                    .precursor_mz
                    .map(|mz| format!(", precursor m/z {mz}"))
                    .unwrap_or_default()
            )?;
        }
    }
    for (index, reading) in d.strip_readings.iter().enumerate() {
        let warnings: &[String] = if index == 0 { &d.warnings } else { &[] };
        if args.json {
            json_line(
                out,
                &StripReport {
                    file,
                    index,
                    reading,
                    warnings,
                },
            )?;
        } else {
            writeln!(
                out,
                "{file} #{index} strip {} {:?} control {:?} test {:?} reader call {:?}",
                reading.sample_id,
                reading.target,
                reading.control_intensity,
                reading.test_intensity,
                reading.reader_call
            )?;
        }
    }
    if let Some(photo) = &d.strip_photo {
        let report = PhotoReport::new(file, photo);
        if args.json {
            json_line(out, &report)?;
        } else {
            writeln!(
                out,
                "{file} strip photo — {} band(s) {:?}; control {:?}, test {:?}",
                report.bands.len(),
                report
                    .bands
                    .iter()
                    .map(|b| format!("{:.2}@{:.1}", b.position, b.intensity))
                    .collect::<Vec<_>>(),
                report.control_intensity,
                report.test_intensity
            )?;
        }
    }
    Ok(())
}

fn print_message(out: &mut impl Write, r: &MessageReport<'_>) -> io::Result<()> {
    writeln!(
        out,
        "{} #{} {:?} from {} — {} frame(s), {} record(s), {} result(s)",
        r.file,
        r.index,
        r.protocol,
        r.sender.unwrap_or("unknown sender"),
        r.frames,
        r.records,
        r.results.len()
    )?;
    for res in &r.results {
        writeln!(
            out,
            "  {:<14} {:<16} {:>12} {:<10} {:<6} {:?}",
            res.specimen.unwrap_or("-"),
            res.test_code,
            value_text(res.value_detail),
            res.units.unwrap_or(""),
            res.flags.join(","),
            res.status
        )?;
    }
    for w in r.warnings {
        writeln!(out, "  warning: {w}")?;
    }
    Ok(())
}
