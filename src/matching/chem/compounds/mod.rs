//! The reference compounds: nitazenes, fentanyls, other opioids, sedatives,
//! benzodiazepines, stimulants and cuts, with formulas and exact masses.
//!
//! Design: the built-in set lives in `data/reference-compounds.toml`, embedded
//! with `include_str!` and parsed and validated once at start-up
//! ([`ReferenceSet::builtin`]); a user file goes through the same path
//! ([`ReferenceSet::from_toml`]). Masses are always computed from the formula,
//! never stored. After loading, the set is immutable and keeps an index of
//! `[M+H]+` values sorted by m/z for precursor look-ups and isobar listing.

mod class;
mod search;
mod validate;

use serde::Serialize;

use super::formula::Formula;
pub use class::CompoundClass;
pub use search::Isobar;
pub use validate::CompoundError;

/// The built-in reference file, compiled into the binary.
const BUILTIN_TOML: &str = include_str!("../../../../data/reference-compounds.toml");

/// One reference compound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compound {
    /// Stable lower-case identifier, e.g. `isotonitazene`.
    pub id: String,
    /// Preferred name as displayed.
    pub name: String,
    /// Other names and spellings (each distinct once folded, see [`crate::matching::names`]).
    pub synonyms: Vec<String>,
    /// Neutral molecular formula.
    #[serde(serialize_with = "as_string")]
    pub formula: Formula,
    /// Drug class.
    pub class: CompoundClass,
    /// Sub-scaffold, e.g. `benzimidazole-2-benzyl, diethylaminoethyl, 5-nitro`.
    pub scaffold: String,
    /// Free-text notes (isomers, metabolites, test-strip caveats).
    pub notes: String,
    /// Names deliberately shared with another compound (see the data file).
    pub shared_names: Vec<String>,
}

fn as_string<S: serde::Serializer>(f: &Formula, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(f)
}

impl Compound {
    /// Monoisotopic mass of the neutral molecule in Da.
    pub fn monoisotopic_mass(&self) -> f64 {
        self.formula.monoisotopic_mass()
    }

    /// m/z of `[M+H]+`.
    pub fn mh_plus(&self) -> f64 {
        self.formula.mh_plus()
    }

    /// The preferred name followed by the synonyms.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.synonyms.iter().map(String::as_str))
    }
}

/// A validated, immutable set of reference compounds.
#[derive(Debug, Clone)]
pub struct ReferenceSet {
    compounds: Vec<Compound>,
    /// (`[M+H]+`, index into `compounds`), ascending m/z.
    by_mh: Vec<(f64, usize)>,
}

impl ReferenceSet {
    /// The built-in set from `data/reference-compounds.toml`.
    pub fn builtin() -> Result<ReferenceSet, CompoundError> {
        ReferenceSet::from_toml(BUILTIN_TOML)
    }

    /// Parses and validates a reference file in the built-in file's format.
    pub fn from_toml(text: &str) -> Result<ReferenceSet, CompoundError> {
        let compounds = validate::load(text)?;
        let mut by_mh: Vec<(f64, usize)> = compounds
            .iter()
            .enumerate()
            .map(|(i, c)| (c.mh_plus(), i))
            .collect();
        by_mh.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Ok(ReferenceSet { compounds, by_mh })
    }

    /// All compounds, in file order.
    pub fn compounds(&self) -> &[Compound] {
        &self.compounds
    }

    /// The compound with this id.
    pub fn get(&self, id: &str) -> Option<&Compound> {
        self.compounds.iter().find(|c| c.id == id)
    }

    /// How many compounds.
    pub fn len(&self) -> usize {
        self.compounds.len()
    }

    /// True when the set is empty (never for a validated file).
    pub fn is_empty(&self) -> bool {
        self.compounds.is_empty()
    }
}
