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
    /// Parse instrument captures and messages (ASTM E1381/E1394, HL7 v2) and print them normalized.
    Parse(ParseArgs),
}

/// Arguments of `synthwatch parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Input format; `auto` recognises it from the content.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// Print one JSON object per message instead of readable lines.
    #[arg(long)]
    pub json: bool,
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
}

/// Run the CLI with the process arguments; returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(&args),
    }
}
