//! Command-line interface: argument parsing and dispatch to one module per command.

mod match_cmd;
mod parse;
mod runtime;
mod serve;
mod simulate;
mod store_cmds;

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
    /// Screen spectra for nitazene and fentanyl class indications, reference-compound masses
    /// and library hits; name compounds in lab results; interpret strip readings.
    Match(MatchArgs),
    /// Run the ingest daemon: instrument listeners and folders → store → screening → published
    /// indications.
    Serve(serve::ServeArgs),
    /// Ingest files once through the daemon's pipeline and print the published results.
    Ingest(store_cmds::IngestArgs),
    /// List published indications.
    Results(store_cmds::ResultsArgs),
    /// List or replay quarantined input.
    Quarantine(store_cmds::QuarantineArgs),
    /// Play a capture as an instrument would (ASTM over serial or TCP, HL7 over MLLP).
    Simulate(simulate::SimulateArgs),
}

/// Arguments of `synthwatch match`.
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    /// Spectral library file(s) in any format `parse` reads (repeatable).
    #[arg(long = "library", value_name = "FILE")]
    pub libraries: Vec<PathBuf>,
    /// Similarity method for library search.
    #[arg(long, value_enum, default_value_t = MethodArg::Entropy)]
    pub method: MethodArg,
    /// Which library spectra are compared: identity (precursor window), open (all), hybrid
    /// (all, peaks may also match shifted by the precursor difference).
    #[arg(long, value_enum, default_value_t = SearchArg::Identity)]
    pub search: SearchArg,
    /// Library hits kept per query.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Lowest score kept (0–1; 0–1000 for nist-mf / nist-rmf).
    #[arg(long, default_value_t = 0.0)]
    pub min_score: f64,
    /// Precursor window in ppm (identity search and reference-compound masses).
    #[arg(long, default_value_t = 10.0)]
    pub precursor_ppm: f64,
    /// Fragment window in Da.
    #[arg(long, default_value_t = 0.02)]
    pub fragment_da: f64,
    /// Input format; `auto` recognises it from the content.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// What strip photos show (a photo does not say).
    #[arg(long, value_enum, default_value_t = StripTargetArg::Fentanyl)]
    pub strip_target: StripTargetArg,
    /// Print one JSON object per query instead of readable lines.
    #[arg(long)]
    pub json: bool,
    /// Files to screen: spectra, lab messages or strip readings.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// `--method` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Entropy similarity (Li et al. 2021), as Flash entropy search.
    Entropy,
    /// Unweighted entropy similarity.
    UnweightedEntropy,
    /// Cosine, matchms CosineGreedy.
    Cosine,
    /// NIST composite identity match factor (EI), 0–1000.
    NistMf,
    /// NIST reverse match factor (EI), 0–1000.
    NistRmf,
}

/// `--search` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchArg {
    /// Library precursor within the precursor window.
    Identity,
    /// Every library spectrum.
    Open,
    /// Every library spectrum, with shifted matches.
    Hybrid,
}

/// `--strip-target` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StripTargetArg {
    /// Fentanyl strips.
    Fentanyl,
    /// Nitazene strips.
    Nitazene,
    /// Benzodiazepine strips.
    Benzodiazepine,
    /// Xylazine strips.
    Xylazine,
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
        Command::Match(args) => match_cmd::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Ingest(args) => store_cmds::ingest(&args),
        Command::Results(args) => store_cmds::results(&args),
        Command::Quarantine(args) => store_cmds::quarantine(&args),
        Command::Simulate(args) => simulate::run(&args),
    }
}
