//! The rule file: its TOML schema, parsing and validation ([`RuleSet`]).
//!
//! Masses are computed here, once, from the formulas in the file, so the
//! engine only ever compares numbers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::formula;

/// Errors met while reading or validating a rule file.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The TOML did not parse or did not fit the schema.
    #[error("rule file is not valid TOML for the schema: {0}")]
    Toml(#[from] toml::de::Error),
    /// A rule (or the file) breaks a validation constraint.
    #[error("rule `{rule}`: {message}")]
    Invalid {
        /// Rule id (`<file>` for file-level problems).
        rule: String,
        /// What is wrong.
        message: String,
    },
}

/// The compound class a rule indicates (never an identification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// 2-benzylbenzimidazole opioids ("nitazenes").
    Nitazene,
    /// 4-anilidopiperidine opioids (fentanyl and its analogues).
    Fentanyl,
}

impl Class {
    /// The name used in output (`nitazene`, `fentanyl`), as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Nitazene => "nitazene",
            Class::Fentanyl => "fentanyl",
        }
    }
}

/// Which spectra a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Nominal-mass electron-ionisation spectra.
    Ei,
    /// Accurate-mass soft-ionisation MS/MS (ESI, in-source CID).
    Esi,
}

/// File-wide tolerances and thresholds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// ESI tolerance in ppm.
    pub esi_ppm: f64,
    /// ESI tolerance floor in Da (low m/z).
    pub esi_min_da: f64,
    /// EI tolerance in Da around the nominal mass.
    pub ei_da: f64,
    /// Default minimum relative intensity (% of base peak), ESI.
    pub esi_min_rel: f64,
    /// Default minimum relative intensity (% of base peak), EI.
    pub ei_min_rel: f64,
    /// Minimum relative intensity of a peak taken as the precursor when none is given.
    pub inferred_precursor_min_rel: f64,
    /// ESI tolerance in ppm for inputs flagged `wide_tolerance` (uncalibrated in-source CID).
    pub wide_ppm: f64,
}

/// A named mass shift (ring substituent, label): `add` minus `remove`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    /// Formula added.
    pub add: String,
    /// Formula removed (empty for none).
    #[serde(default)]
    pub remove: String,
    /// Literature or rationale.
    #[serde(default)]
    pub note: String,
}

/// One expected ion as written in the file; exactly one of the kinds is set.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IonSpec {
    /// Human label (`C6H14N+ 2-(diethylamino)ethyl`).
    pub label: String,
    /// Cation composition; m/z computed (nominal for EI rules).
    pub formula: Option<String>,
    /// Literal m/z, for ions whose composition is not established.
    pub mz: Option<f64>,
    /// Neutral lost from the precursor: expected m/z = precursor − mass.
    pub loss: Option<String>,
    /// The precursor ion itself, observed in the spectrum.
    #[serde(default)]
    pub precursor: bool,
    /// Any peak in this m/z range (heavy iminium ions of unknown mass).
    pub range: Option<[f64; 2]>,
}

/// A group of alternative ions; satisfied when `min_matches` of them are found
/// under one common shift.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// What the group stands for.
    pub label: String,
    /// Whether the rule fails without it.
    #[serde(default)]
    pub required: bool,
    /// Minimum relative intensity (%), overriding the file default.
    pub min_rel: Option<f64>,
    /// How many distinct ions must be found (same shift). Default 1.
    #[serde(default = "one")]
    pub min_matches: usize,
    /// The ion must be among the `max_rank` most intense peaks (1 = base peak).
    pub max_rank: Option<usize>,
    /// Names of shifts (from `[shifts]`) tried besides no shift.
    #[serde(default)]
    pub shifts: Vec<String>,
    /// The alternative ions.
    pub ions: Vec<IonSpec>,
}

fn one() -> usize {
    1
}

/// One class rule as written in the file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id (`fentanyl.esi.phenethyl`).
    pub id: String,
    /// Version, bumped on any change of meaning.
    pub version: u32,
    /// Class indicated.
    pub class: Class,
    /// EI or ESI.
    pub mode: Mode,
    /// Precursor window [lo, hi] (ESI rules).
    pub precursor: Option<[f64; 2]>,
    /// Groups needed (default: all).
    pub min_groups: Option<usize>,
    /// What the rule means and its limits.
    pub note: String,
    /// Literature the ions come from.
    #[serde(default)]
    pub references: Vec<String>,
    /// Evidence groups.
    #[serde(rename = "group")]
    pub groups: Vec<GroupSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    schema: u32,
    defaults: Defaults,
    #[serde(default)]
    shifts: BTreeMap<String, ShiftSpec>,
    #[serde(rename = "rule")]
    rules: Vec<RuleSpec>,
}

/// A validated set of class rules, ready for [`super::RuleEngine::new`].
#[derive(Debug, Clone, Serialize)]
pub struct RuleSet {
    /// File-wide tolerances.
    pub defaults: Defaults,
    /// Shift name → (monoisotopic, nominal) mass.
    pub(crate) shift_masses: BTreeMap<String, (f64, i64)>,
    /// The rules, in file order.
    pub rules: Vec<RuleSpec>,
}

/// The rule file shipped in `data/class-rules.toml`, as text (its digest
/// versions the findings it produces).
pub const BUILTIN_RULES: &str = include_str!("../../../data/class-rules.toml");

impl RuleSet {
    /// The rules shipped in `data/class-rules.toml`.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::from_toml(BUILTIN_RULES)
    }

    /// Parse and validate a rule file.
    pub fn from_toml(text: &str) -> Result<Self, RuleError> {
        let file: FileSpec = toml::from_str(text)?;
        let bad = |rule: &str, message: String| RuleError::Invalid {
            rule: rule.to_string(),
            message,
        };
        if file.schema != 1 {
            return Err(bad("<file>", format!("unknown schema {}", file.schema)));
        }
        let d = &file.defaults;
        let positive = [
            d.esi_ppm,
            d.esi_min_da,
            d.ei_da,
            d.esi_min_rel,
            d.ei_min_rel,
            d.wide_ppm,
        ];
        if positive.iter().any(|v| !v.is_finite() || *v < 0.0) || d.ei_da > 0.5 {
            return Err(bad(
                "<file>",
                "defaults must be finite, ≥ 0, ei_da ≤ 0.5".into(),
            ));
        }
        let mut shift_masses = BTreeMap::new();
        for (name, s) in &file.shifts {
            let add = formula::masses(&s.add);
            let remove = if s.remove.is_empty() {
                Some((0.0, 0))
            } else {
                formula::masses(&s.remove)
            };
            let (Some(a), Some(r)) = (add, remove) else {
                return Err(bad("<file>", format!("shift `{name}` has a bad formula")));
            };
            shift_masses.insert(name.clone(), (a.0 - r.0, i64::from(a.1) - i64::from(r.1)));
        }
        let mut seen = std::collections::HashSet::new();
        for rule in &file.rules {
            validate_rule(rule, &shift_masses).map_err(|m| bad(&rule.id, m))?;
            if !seen.insert(rule.id.clone()) {
                return Err(bad(&rule.id, "duplicate rule id".into()));
            }
        }
        Ok(Self {
            defaults: file.defaults,
            shift_masses,
            rules: file.rules,
        })
    }
}

fn validate_rule(rule: &RuleSpec, shifts: &BTreeMap<String, (f64, i64)>) -> Result<(), String> {
    if rule.id.trim().is_empty() || rule.note.trim().is_empty() {
        return Err("id and note must not be empty".into());
    }
    let needed = rule.min_groups.unwrap_or(rule.groups.len());
    if needed == 0 || needed > rule.groups.len() {
        return Err(format!(
            "min_groups {needed} is not within 1..={}",
            rule.groups.len()
        ));
    }
    // A single diagnostic ion is never a flag: at least two ions must be needed.
    let mut sizes: Vec<usize> = rule.groups.iter().map(|g| g.min_matches).collect();
    sizes.sort_unstable();
    let smallest: usize = sizes.iter().take(needed).sum();
    if smallest < 2 {
        return Err("a flag must need at least two ions".into());
    }
    if let Some([lo, hi]) = rule.precursor {
        if !(lo.is_finite() && hi.is_finite() && 0.0 < lo && lo < hi) {
            return Err("precursor window must be 0 < lo < hi".into());
        }
    }
    for g in &rule.groups {
        if g.ions.is_empty() || g.min_matches == 0 || g.min_matches > g.ions.len() {
            return Err(format!(
                "group `{}`: needs ions and 1 ≤ min_matches ≤ ions",
                g.label
            ));
        }
        if g.min_rel.is_some_and(|r| !(0.0..=100.0).contains(&r)) {
            return Err(format!("group `{}`: min_rel outside 0–100", g.label));
        }
        if let Some(s) = g.shifts.iter().find(|s| !shifts.contains_key(*s)) {
            return Err(format!("group `{}`: unknown shift `{s}`", g.label));
        }
        for ion in &g.ions {
            validate_ion(rule, ion).map_err(|m| format!("ion `{}`: {m}", ion.label))?;
        }
    }
    Ok(())
}

fn validate_ion(rule: &RuleSpec, ion: &IonSpec) -> Result<(), String> {
    let kinds = [
        ion.formula.is_some(),
        ion.mz.is_some(),
        ion.loss.is_some(),
        ion.precursor,
        ion.range.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err("exactly one of formula, mz, loss, precursor, range".into());
    }
    if let Some(f) = ion.formula.as_deref().or(ion.loss.as_deref()) {
        formula::masses(f).ok_or_else(|| format!("bad formula `{f}`"))?;
    }
    if ion.mz.is_some_and(|m| !(m.is_finite() && m > 0.0)) {
        return Err("mz must be positive".into());
    }
    if ion
        .range
        .is_some_and(|[lo, hi]| !(lo.is_finite() && hi.is_finite() && lo < hi))
    {
        return Err("range must be lo < hi".into());
    }
    if (ion.loss.is_some() || ion.precursor) && rule.mode != Mode::Esi {
        return Err("losses and precursor ions need an ESI rule".into());
    }
    if (ion.loss.is_some() || ion.precursor) && rule.precursor.is_none() {
        return Err("losses and precursor ions need a precursor window".into());
    }
    Ok(())
}
