//! `synthwatch parse`: read files, print one JSON object (or readable line) per
//! message, report every failure with its position, and keep going.

use std::io::{self, Write};

use crate::decode::{decode, value_text, DecodedInput, Format, MessageReport};

use super::{FormatArg, ParseArgs};

/// Run the command; returns the exit code (1 when any file failed).
pub fn run(args: &ParseArgs) -> i32 {
    let format = match args.format {
        FormatArg::Auto => Format::Auto,
        FormatArg::Astm => Format::Astm,
        FormatArg::Hl7 => Format::Hl7,
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
        let decoded = decode(&bytes, format);
        if let Err(err) = print_messages(&mut out, &name, &decoded, args.json) {
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

fn print_messages(
    out: &mut impl Write,
    file: &str,
    decoded: &DecodedInput,
    json: bool,
) -> io::Result<()> {
    for (index, message) in decoded.messages.iter().enumerate() {
        let report = MessageReport::new(file, index, message);
        if json {
            // Serialize first so a closed pipe surfaces as an io::Error of its own kind.
            let line = serde_json::to_string(&report).map_err(io::Error::other)?;
            writeln!(out, "{line}")?;
        } else {
            print_readable(out, &report)?;
        }
    }
    Ok(())
}

fn print_readable(out: &mut impl Write, r: &MessageReport<'_>) -> io::Result<()> {
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
