//! Lateral-flow drug-checking strips (fentanyl, nitazene, benzodiazepine,
//! xylazine): from control and test line intensities to a call, with the
//! published caveats that qualify it.
//!
//! These strips are **competitive** immunoassays, so the rule is inverted
//! with respect to a pregnancy test:
//!
//! 1. control or test intensity missing → `Indeterminate` (missing control
//!    first: without it nothing can be said);
//! 2. no control line (control below its visibility threshold) → `Invalid`;
//! 3. any visible test line, however faint → `Negative` (below cut-off);
//! 4. no test line → `Positive`.
//!
//! Thresholds and cut-offs come from a [`StripConfig`] (per brand, per lot;
//! see [`config`] for units). Caveats come from `data/strip-caveats.toml`
//! ([`CaveatSet`]) by strip target and call. Notes record disagreement with
//! the reader's own call and what a dilution means: with dilution 1:N and
//! cut-off C, a positive says the undiluted solution held about N × C ng/mL
//! or more of a cross-reacting compound; a negative rules out only that much.

pub mod caveats;
pub mod config;

use serde::Serialize;
use synthwatch_parsers::strips::{ReaderCall, StripPhoto, StripReading, Target};
use thiserror::Error;

pub use caveats::{Caveat, CaveatError, CaveatSet};
pub use config::{IntensitySource, StripConfig, StripConfigError, Visibility};

/// The rule's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StripCall {
    /// No control line: the strip says nothing.
    Invalid,
    /// A visible test line: target below the cut-off.
    Negative,
    /// No test line: target (or a cross-reactant) at or above the cut-off.
    Positive,
    /// An intensity is missing, so the rule cannot be applied.
    Indeterminate,
}

impl StripCall {
    /// The lower-case spelling used in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            StripCall::Invalid => "invalid",
            StripCall::Negative => "negative",
            StripCall::Positive => "positive",
            StripCall::Indeterminate => "indeterminate",
        }
    }

    /// Parses the data-file spelling.
    pub fn parse(s: &str) -> Option<StripCall> {
        [
            StripCall::Invalid,
            StripCall::Negative,
            StripCall::Positive,
            StripCall::Indeterminate,
        ]
        .into_iter()
        .find(|c| c.as_str() == s.trim())
    }

    fn from_reader(call: ReaderCall) -> StripCall {
        match call {
            ReaderCall::Positive => StripCall::Positive,
            ReaderCall::Negative => StripCall::Negative,
            ReaderCall::Invalid => StripCall::Invalid,
        }
    }
}

/// What the interpretation needs to know about one strip.
#[derive(Debug, Clone, PartialEq)]
pub struct StripInput {
    /// What the strip detects.
    pub target: Target,
    /// Brand as exported (for per-brand settings).
    pub brand: String,
    /// Lot number (for per-lot settings).
    pub lot: Option<String>,
    /// Cut-off printed on the strip, ng/mL.
    pub stated_cutoff_ng_ml: Option<f64>,
    /// Dilution factor of the sample solution (10 for 1:10).
    pub dilution: Option<f64>,
    /// Control-line intensity.
    pub control_intensity: Option<f64>,
    /// Test-line intensity.
    pub test_intensity: Option<f64>,
    /// Where the intensities came from (decides threshold units).
    pub source: IntensitySource,
    /// The reader's own call, if any.
    pub reader_call: Option<ReaderCall>,
}

impl From<&StripReading> for StripInput {
    fn from(r: &StripReading) -> Self {
        StripInput {
            target: r.target,
            brand: r.brand.clone(),
            lot: r.lot.clone(),
            stated_cutoff_ng_ml: Some(r.cutoff.ng_per_ml),
            dilution: r.dilution,
            control_intensity: r.control_intensity,
            test_intensity: r.test_intensity,
            source: IntensitySource::Reader,
            reader_call: Some(r.reader_call),
        }
    }
}

impl StripInput {
    /// Input from a strip photo; the photo does not say what strip it shows.
    pub fn from_photo(photo: &StripPhoto, target: Target, brand: &str, lot: Option<&str>) -> Self {
        StripInput {
            target,
            brand: brand.to_string(),
            lot: lot.map(str::to_string),
            stated_cutoff_ng_ml: None,
            dilution: None,
            control_intensity: photo.control_intensity,
            test_intensity: photo.test_intensity,
            source: IntensitySource::Photo,
            reader_call: None,
        }
    }
}

/// The interpretation of one strip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StripInterpretation {
    /// The rule's call.
    pub call: StripCall,
    /// Why, with the intensities and thresholds used.
    pub reason: String,
    /// Cut-off applied, ng/mL of the solution on the strip (config, else stated).
    pub cutoff_ng_ml: Option<f64>,
    /// Cut-off × dilution: the concentration in the undiluted sample solution
    /// that the call refers to, when both are known and the dilution is > 1.
    pub sample_cutoff_ng_ml: Option<f64>,
    /// Published limitations relevant to this target and call.
    pub caveats: Vec<Caveat>,
    /// Remarks: disagreement with the reader's call, dilution, cut-off conflicts.
    pub notes: Vec<String>,
}

/// Loading the built-in interpreter failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum InterpreterError {
    /// The caveat file is unusable.
    #[error(transparent)]
    Caveats(#[from] CaveatError),
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] StripConfigError),
}

/// Settings and caveats, loaded once; interpretation is then pure.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StripInterpreter {
    /// Thresholds and cut-offs.
    pub config: StripConfig,
    /// Published caveats.
    pub caveats: CaveatSet,
}

impl StripInterpreter {
    /// Default thresholds with the built-in caveats.
    pub fn builtin() -> Result<StripInterpreter, InterpreterError> {
        Ok(StripInterpreter {
            config: StripConfig::default(),
            caveats: CaveatSet::builtin()?,
        })
    }

    /// Interprets one strip.
    pub fn interpret(&self, input: &StripInput) -> StripInterpretation {
        interpret(input, &self.config, &self.caveats)
    }
}

/// Interprets one strip with the given settings and caveats.
pub fn interpret(
    input: &StripInput,
    config: &StripConfig,
    caveats: &CaveatSet,
) -> StripInterpretation {
    let resolved = config.resolve(&input.brand, input.lot.as_deref(), input.source);
    let v = resolved.visibility;
    let finite = |x: Option<f64>| x.filter(|x| x.is_finite());
    let (call, reason) = match (
        finite(input.control_intensity),
        finite(input.test_intensity),
    ) {
        (None, _) => (
            StripCall::Indeterminate,
            "control-line intensity missing".to_string(),
        ),
        (Some(c), _) if c < v.control_visible => (
            StripCall::Invalid,
            format!(
                "no control line: C = {c} < {} (visibility threshold)",
                v.control_visible
            ),
        ),
        (Some(_), None) => (
            StripCall::Indeterminate,
            "test-line intensity missing".to_string(),
        ),
        (Some(_), Some(t)) if t >= v.test_visible => (
            StripCall::Negative,
            format!(
                "test line visible: T = {t} >= {} (competitive assay: a line means below cut-off)",
                v.test_visible
            ),
        ),
        (Some(_), Some(t)) => (
            StripCall::Positive,
            format!(
                "no test line: T = {t} < {} (competitive assay: no line means at or above cut-off)",
                v.test_visible
            ),
        ),
    };
    let cutoff = resolved.cutoff_ng_ml.or(input.stated_cutoff_ng_ml);
    let mut notes = Vec::new();
    if let (Some(cfg), Some(stated)) = (resolved.cutoff_ng_ml, input.stated_cutoff_ng_ml) {
        if (cfg - stated).abs() > 1e-9 * stated.abs().max(1.0) {
            notes.push(format!(
                "configured cut-off {cfg} ng/mL used instead of the stated {stated} ng/mL"
            ));
        }
    }
    if let Some(reader) = input.reader_call {
        reader_note(StripCall::from_reader(reader), call, &mut notes);
    }
    let dilution = input.dilution.filter(|d| d.is_finite() && *d > 1.0);
    let sample_cutoff = match (cutoff, dilution) {
        (Some(c), Some(d)) => Some(c * d),
        _ => None,
    };
    if let (Some(s), Some(d)) = (sample_cutoff, dilution) {
        match call {
            StripCall::Positive => notes.push(format!(
                "positive at 1:{d} dilution: the undiluted solution held about {s} ng/mL or more of a cross-reacting compound (or an interferent at high concentration)"
            )),
            StripCall::Negative => notes.push(format!(
                "negative at 1:{d} dilution: rules out only about {s} ng/mL or more in the undiluted solution"
            )),
            StripCall::Invalid | StripCall::Indeterminate => {}
        }
    }
    StripInterpretation {
        call,
        reason,
        cutoff_ng_ml: cutoff,
        sample_cutoff_ng_ml: sample_cutoff,
        caveats: caveats.for_strip(input.target, call),
        notes,
    }
}

/// A note when the reader's own call differs from the rule's.
fn reader_note(reader: StripCall, rule: StripCall, notes: &mut Vec<String>) {
    if reader == rule {
        return;
    }
    let text = if rule == StripCall::Indeterminate {
        format!(
            "reader called {}, which could not be checked (intensity missing)",
            reader.as_str()
        )
    } else {
        format!(
            "reader called {} but the intensities give {}: check the thresholds for this brand/lot or re-read the strip",
            reader.as_str(),
            rule.as_str()
        )
    };
    notes.push(text);
}
