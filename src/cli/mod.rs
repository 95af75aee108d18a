//! Command-line interface: argument parsing and dispatch to one module per command.

mod parse;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// synthwatch: lab integration and early warning for synthetic opioids.
#[derive(Debug, Parser)]
#[command(name = "synthwatch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read instrument captures and messages (ASTM, HL7 v2), spectrum files and strip-reader
    /// outputs, and print what they hold.
    Parse(ParseArgs),
}

/// Arguments of `synthwatch parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Input format; `auto` recognises it from the content.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// Print one JSON object per message, spectrum or strip instead of readable lines.
    #[arg(long)]
    pub json: bool,
    /// Include peak lists (`[x, intensity]` pairs) in the JSON of spectra.
    #[arg(long)]
    pub peaks: bool,
    /// Where the control line sits on strip photos; decides which band is which.
    #[arg(long, value_enum, default_value_t = StripLayoutArg::Unknown)]
    pub strip_layout: StripLayoutArg,
    /// Files to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Recognise the format from the file's content.
    Auto,
    /// ASTM: a link-layer capture or bare E1394 records.
    Astm,
    /// HL7 v2: MLLP-framed or bare ER7.
    Hl7,
    /// NIST MSP text and its dialects.
    Msp,
    /// Mascot generic format.
    Mgf,
    /// MassBank record.
    Massbank,
    /// JCAMP-DX.
    Jcamp,
    /// Galactic/Thermo SPC.
    Spc,
    /// mzML, indexed mzML, mzML.gz.
    Mzml,
    /// mzXML.
    Mzxml,
    /// Vendor peak list (Agilent MassHunter CSV, Thermo spectrum list, DART-MS text).
    Peaklist,
    /// Strip-reader CSV export (docs/strip-csv-schema.md).
    StripCsv,
    /// Strip photo (PNG or JPEG).
    StripPhoto,
}

/// `--strip-layout` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StripLayoutArg {
    /// Unknown: bands are reported, control and test assigned only when they can be told apart.
    Unknown,
    /// The control line is the band nearest the start (left or top) of the strip.
    ControlStart,
    /// The control line is the band nearest the end (right or bottom) of the strip.
    ControlEnd,
    /// The photo shows only the test zone: the strongest band is the test line.
    TestOnly,
}

/// Run the CLI with the process arguments; returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(&args),
    }
}
