//! Explainable class rules for nitazenes and fentanyl analogues (issue 4).
//!
//! A [`ClassFlag`] is a *class indication*, never an identification: it names
//! the rule (id + version) that fired, the ions found (expected and observed
//! m/z, error, relative intensity) and what the rule looked for but did not
//! see. Rules that are only partly satisfied come back as [`NearMiss`]es so a
//! caller can say what is missing.
//!
//! # Design
//!
//! * **Data-driven.** Every ion, neutral loss, shift, threshold and precursor
//!   window lives in `data/class-rules.toml` with its literature note; the
//!   engine knows no chemistry. Ion masses are computed from formulas when the
//!   file is loaded ([`RuleSet::from_toml`] validates, [`RuleSet::builtin`]
//!   embeds the shipped file); [`RuleEngine::new`] compiles them to numbers.
//! * **Rule shape.** A rule is a list of *groups* of alternative ions. A group
//!   is met when `min_matches` of its ions are found above `min_rel` % of the
//!   base peak, all under one common shift (a ring substituent such as F, Cl,
//!   CH3 moves every aryl-bearing ion together). Ions are fixed m/z (from a
//!   formula, nominal for EI), neutral losses from the precursor, the
//!   precursor itself, or an m/z range. A rule flags when its precursor is in
//!   the class window (ESI), every `required` group and at least `min_groups`
//!   groups are met, and the evidence spans at least two distinct peaks: a
//!   single diagnostic ion is never a flag (validation refuses rules that
//!   could fire on one).
//! * **Peaks are used once.** Groups claim peaks in file order, so the same
//!   peak cannot count as two pieces of evidence.
//! * **Mode.** EI rules run on nominal-mass spectra (±0.5 Da), ESI rules on
//!   accurate-mass MS/MS (ppm with a Da floor). [`IonisationHint`] comes from
//!   the spectrum's ionisation, MS level and whether all m/z are integers.
//!   Negative-ion spectra are not evaluated (all rules are positive-ion).
//! * **Missing precursor.** In-source-CID and peak-list spectra often carry
//!   no precursor; the most intense peak in the class window stands in for it
//!   and the flag's note says so.
//! * **Norfentanyl** (the N-dealkylated metabolite, no phenethyl group) *is*
//!   flagged as class `fentanyl` by `fentanyl.esi.anilide-ion`: its protonated
//!   anilide, anilinium, tetrahydropyridinium and acyl-ketene-loss ions are the
//!   4-anilidopiperidine core, and it indicates fentanyl exposure. The note
//!   says it may be a metabolite or precursor, not the parent drug.

mod engine;
mod formula;
mod prepared;
mod spec;

pub use engine::RuleEngine;
pub use spec::{
    Class, Defaults, GroupSpec, IonSpec, Mode, RuleError, RuleSet, RuleSpec, ShiftSpec,
    BUILTIN_RULES,
};

use serde::Serialize;
use std::sync::Arc;
use synthwatch_parsers::spectrum::{Ionisation, Peak, Polarity, Spectrum};

/// How the spectrum's ions were made, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IonisationHint {
    /// Electron ionisation, nominal mass.
    Ei,
    /// Soft ionisation with accurate-mass fragments (ESI MS/MS, in-source CID).
    Esi,
    /// Decide from the peaks: all-integer m/z means EI.
    Unknown,
}

/// What the engine needs from a spectrum.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    /// Peaks in any order; non-finite, non-positive and m/z ≥ 5000 are ignored.
    pub peaks: &'a [Peak],
    /// Precursor m/z for MS/MS, if known.
    pub precursor_mz: Option<f64>,
    /// Ionisation hint.
    pub ionisation: IonisationHint,
    /// Negative-ion spectrum (no rule applies).
    pub negative_mode: bool,
    /// Use the wide ESI tolerance (`wide_ppm`): uncalibrated in-source-CID peak lists.
    pub wide_tolerance: bool,
}

impl<'a> RuleInput<'a> {
    /// An input with the hint decided from the peaks.
    pub fn new(peaks: &'a [Peak], precursor_mz: Option<f64>) -> Self {
        Self {
            peaks,
            precursor_mz,
            ionisation: IonisationHint::Unknown,
            negative_mode: false,
            wide_tolerance: false,
        }
    }
}

impl<'a> From<&'a Spectrum> for RuleInput<'a> {
    fn from(s: &'a Spectrum) -> Self {
        let ionisation = match s.ionisation {
            Some(Ionisation::ElectronIonisation) => IonisationHint::Ei,
            Some(Ionisation::Electrospray | Ionisation::InSourceCid) => IonisationHint::Esi,
            _ if s.ms_level.is_some_and(|l| l >= 2) || s.precursor_mz.is_some() => {
                IonisationHint::Esi
            }
            _ => IonisationHint::Unknown,
        };
        let negative = s.polarity == Some(Polarity::Negative)
            || s.charge.is_some_and(|c| c < 0)
            || s.precursor_type
                .as_deref()
                .is_some_and(|t| t.trim_end().ends_with('-'));
        Self {
            peaks: &s.peaks,
            precursor_mz: s.precursor_mz.map(|m| m.0),
            ionisation,
            negative_mode: negative,
            wide_tolerance: s.ionisation == Some(Ionisation::InSourceCid),
        }
    }
}

/// How far an observed ion is from its expected m/z.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MassError {
    /// Parts per million (accurate mass).
    Ppm(f64),
    /// Daltons (nominal-mass EI).
    Da(f64),
}

/// One ion found in support of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// What the ion is (with the shift applied, if any).
    pub label: Arc<str>,
    /// Expected m/z (`None` for an m/z-range ion).
    pub expected_mz: Option<f64>,
    /// Observed m/z.
    pub observed_mz: f64,
    /// Observed − expected.
    pub error: Option<MassError>,
    /// Intensity as % of the base peak.
    pub relative_intensity: f64,
}

/// A class indication: the rule that fired and the evidence; not an identification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassFlag {
    /// Class indicated.
    pub class: Class,
    /// Rule id.
    pub rule: Arc<str>,
    /// Rule version.
    pub rule_version: u32,
    /// Ions found.
    pub evidence: Vec<Evidence>,
    /// Optional groups the rule looked for but did not find.
    pub missing: Vec<Arc<str>>,
    /// The rule's note (meaning, limits), plus how the precursor was chosen.
    pub note: Arc<str>,
}

/// A rule partly satisfied: what was found and what is missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    /// Class the rule would indicate.
    pub class: Class,
    /// Rule id.
    pub rule: Arc<str>,
    /// Rule version.
    pub rule_version: u32,
    /// Groups met.
    pub groups_met: usize,
    /// Groups needed.
    pub groups_needed: usize,
    /// Ions found.
    pub evidence: Vec<Evidence>,
    /// What is missing (groups, or a precursor outside the window).
    pub missing: Vec<Arc<str>>,
}

/// Everything the engine says about one spectrum.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    /// Rules fully satisfied.
    pub flags: Vec<ClassFlag>,
    /// Rules partly satisfied.
    pub near_misses: Vec<NearMiss>,
}

impl Evaluation {
    /// Whether any flag indicates `class`.
    pub fn flags_class(&self, class: Class) -> bool {
        self.flags.iter().any(|f| f.class == class)
    }
}
