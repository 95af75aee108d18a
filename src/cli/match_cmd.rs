//! `synthwatch match`: screen each input — spectra for class flags,
//! reference-compound masses and library hits; lab results for named
//! compounds; strip readings and photos for strip calls — and print one JSON
//! object (or readable line) per query. Every object is marked non-evidential.

use std::io::{self, Write};

use serde::Serialize;
use synthwatch_parsers::strips::Target;

use crate::decode::{decode_with, DecodedInput, Options};
use crate::library::Library;
use crate::matching::scores::Method;
use crate::matching::Tolerance;
use crate::screen::{
    LabFindings, ScreenConfig, Screener, SearchKind, SpectrumFindings, StripFindings,
    ENGINE_VERSION, MARKING,
};

use super::parse::format_of;
use super::{MatchArgs, MethodArg, SearchArg, StripTargetArg};

/// Versions behind every finding, printed with each.
#[derive(Serialize)]
struct Provenance<'a> {
    engine_version: &'a str,
    rules_version: &'a str,
    library_version: Option<&'a str>,
    evidential: bool,
    marking: &'a str,
}

#[derive(Serialize)]
struct SpectrumLine<'a> {
    file: &'a str,
    index: usize,
    title: Option<&'a str>,
    precursor_mz: Option<f64>,
    n_peaks: usize,
    #[serde(flatten)]
    findings: &'a SpectrumFindings,
    #[serde(flatten)]
    provenance: &'a Provenance<'a>,
}

#[derive(Serialize)]
struct LabLine<'a> {
    file: &'a str,
    message: usize,
    #[serde(flatten)]
    findings: &'a LabFindings,
    #[serde(flatten)]
    provenance: &'a Provenance<'a>,
}

#[derive(Serialize)]
struct StripLine<'a> {
    file: &'a str,
    index: usize,
    #[serde(flatten)]
    findings: &'a StripFindings,
    #[serde(flatten)]
    provenance: &'a Provenance<'a>,
}

/// Run the command; returns the exit code (1 when any input failed, 2 when
/// the library or the built-in data could not be loaded).
pub fn run(args: &MatchArgs) -> i32 {
    let config = config_of(args);
    let library = if args.libraries.is_empty() {
        None
    } else {
        match Library::load(&args.libraries) {
            Ok(l) => Some(l),
            Err(e) => {
                eprintln!("{e}");
                return 2;
            }
        }
    };
    if let Some(l) = &library {
        for f in &l.files {
            eprintln!(
                "library {}: {} spectra ({} skipped)",
                f.path.display(),
                f.spectra,
                f.skipped.len()
            );
        }
    }
    let screener = match Screener::new(library, config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return 2;
        }
    };
    let library_version = screener.library_version();
    let provenance = Provenance {
        engine_version: ENGINE_VERSION,
        rules_version: screener.rules_version(),
        library_version: library_version.as_deref(),
        evidential: false,
        marking: MARKING,
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0;
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{name}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        let decoded = decode_with(&bytes, format_of(args.format), &Options::default());
        let target = target_of(args.strip_target);
        let written = screen_input(
            &mut out,
            &name,
            &decoded,
            &screener,
            &provenance,
            args.json,
            target,
        );
        if let Err(e) = written {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return i32::from(failed > 0);
            }
            eprintln!("cannot write output: {e}");
            return 2;
        }
        for w in &decoded.warnings {
            eprintln!("{name}: warning: {w}");
        }
        for e in &decoded.errors {
            eprintln!("{name}: error: {e}");
        }
        if !decoded.errors.is_empty() {
            failed += 1;
        }
    }
    i32::from(failed > 0)
}

fn screen_input(
    out: &mut impl Write,
    name: &str,
    decoded: &DecodedInput,
    screener: &Screener,
    provenance: &Provenance<'_>,
    json: bool,
    strip_target: Target,
) -> io::Result<()> {
    for (index, s) in decoded.spectra.iter().enumerate() {
        let findings = screener.screen_spectrum(s);
        let line = SpectrumLine {
            file: name,
            index,
            title: s.title.as_deref(),
            precursor_mz: s.precursor_mz.map(|m| m.0),
            n_peaks: s.peaks.len(),
            findings: &findings,
            provenance,
        };
        if json {
            writeln!(out, "{}", to_json(&line))?;
        } else {
            writeln!(out, "{}", spectrum_text(&line))?;
        }
    }
    for (message, m) in decoded.messages.iter().enumerate() {
        for findings in screener.screen_lab_message(&m.message) {
            let line = LabLine {
                file: name,
                message,
                findings: &findings,
                provenance,
            };
            if json {
                writeln!(out, "{}", to_json(&line))?;
            } else {
                let named: Vec<String> = findings
                    .named_compounds
                    .iter()
                    .map(|n| format!("{} ({}, in {})", n.name, n.class, n.field))
                    .collect();
                writeln!(out, "{name} message {message}: names {}", named.join(", "))?;
            }
        }
    }
    let readings = decoded
        .strip_readings
        .iter()
        .map(|r| screener.screen_strip_reading(r));
    let photo = decoded
        .strip_photo
        .iter()
        .map(|p| screener.screen_strip_photo(p, strip_target));
    for (index, findings) in readings.chain(photo).enumerate() {
        let line = StripLine {
            file: name,
            index,
            findings: &findings,
            provenance,
        };
        if json {
            writeln!(out, "{}", to_json(&line))?;
        } else {
            let i = &findings.interpretation;
            writeln!(
                out,
                "{name} strip {index}: {} — {} ({} caveats) [{MARKING}]",
                i.call.as_str(),
                i.reason,
                i.caveats.len()
            )?;
        }
    }
    Ok(())
}

fn spectrum_text(line: &SpectrumLine<'_>) -> String {
    let f = line.findings;
    let flags: Vec<String> = f
        .class_flags
        .iter()
        .map(|c| {
            format!(
                "{} ({}, {} ions)",
                c.class.as_str(),
                c.rule,
                c.evidence.len()
            )
        })
        .collect();
    let hits: Vec<String> = f
        .library_hits
        .iter()
        .map(|h| format!("{} {:.3}", h.name, h.score))
        .collect();
    let refs: Vec<&str> = f
        .reference_compounds
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    format!(
        "{} #{} {}: class flags [{}]; precursor matches [{}]; library [{}] [{}]",
        line.file,
        line.index,
        line.title.unwrap_or("(untitled)"),
        flags.join(", "),
        refs.join(", "),
        hits.join(", "),
        MARKING
    )
}

fn to_json(value: &impl Serialize) -> String {
    // Serialising these plain structs cannot fail; an empty object is the fallback.
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

fn config_of(args: &MatchArgs) -> ScreenConfig {
    ScreenConfig {
        method: match args.method {
            MethodArg::Entropy => Method::Entropy,
            MethodArg::UnweightedEntropy => Method::UnweightedEntropy,
            MethodArg::Cosine => Method::Cosine,
            MethodArg::NistMf => Method::NistMf,
            MethodArg::NistRmf => Method::NistRmf,
        },
        search: match args.search {
            SearchArg::Identity => SearchKind::Identity,
            SearchArg::Open => SearchKind::Open,
            SearchArg::Hybrid => SearchKind::Hybrid,
        },
        top_n: args.top,
        min_score: args.min_score,
        precursor_tolerance: Tolerance::Ppm(args.precursor_ppm),
        fragment_tolerance: Tolerance::Da(args.fragment_da),
    }
}

fn target_of(arg: StripTargetArg) -> Target {
    match arg {
        StripTargetArg::Fentanyl => Target::Fentanyl,
        StripTargetArg::Nitazene => Target::Nitazene,
        StripTargetArg::Benzodiazepine => Target::Benzodiazepine,
        StripTargetArg::Xylazine => Target::Xylazine,
    }
}
