//! Reading and validating a reference file: every rule that makes a file
//! unusable is an error naming the compound, so a bad edit fails at start-up.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use thiserror::Error;

use super::{Compound, CompoundClass};
use crate::matching::chem::formula::{Formula, FormulaError};
use crate::matching::names::fold::fold;

/// Why a reference file was rejected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CompoundError {
    /// Not valid TOML, or a field is missing, mistyped or unknown.
    #[error("reference compounds: {0}")]
    Toml(String),
    /// The file has no `[[compound]]` entries.
    #[error("reference compounds: no [[compound]] entries")]
    Empty,
    /// An id is empty or not lower-case ASCII letters, digits and `-`.
    #[error("compound id {id:?} must be non-empty lower-case ASCII letters, digits or '-'")]
    BadId {
        /// The id as written.
        id: String,
    },
    /// Two compounds share an id.
    #[error("duplicate compound id {id:?}")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A formula does not parse.
    #[error("compound {id:?}: formula {formula:?}: {source}")]
    Formula {
        /// The compound.
        id: String,
        /// The formula as written.
        formula: String,
        /// The parse error (with its position).
        source: FormulaError,
    },
    /// A class that is not one of [`CompoundClass::ALL`].
    #[error("compound {id:?}: unknown class {class:?}")]
    UnknownClass {
        /// The compound.
        id: String,
        /// The class as written.
        class: String,
    },
    /// A name or synonym that is empty once separators are dropped.
    #[error("compound {id:?}: empty name or synonym {name:?}")]
    EmptyName {
        /// The compound.
        id: String,
        /// The name as written.
        name: String,
    },
    /// The same name (after folding) twice in one compound.
    #[error("compound {id:?}: {name:?} repeats another of its names (case, spaces and hyphens are ignored)")]
    RedundantName {
        /// The compound.
        id: String,
        /// The redundant spelling.
        name: String,
    },
    /// The same name on two compounds without both listing it in `shared_names`.
    #[error("name {name:?} is used by both {first:?} and {second:?}; list it in shared_names of both if deliberate")]
    DuplicateName {
        /// The name as written on the second compound.
        name: String,
        /// The first compound's id.
        first: String,
        /// The second compound's id.
        second: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    compound: Vec<RawCompound>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompound {
    id: String,
    name: String,
    #[serde(default)]
    synonyms: Vec<String>,
    formula: String,
    class: String,
    #[serde(default)]
    scaffold: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    shared_names: Vec<String>,
}

/// Parses and validates a reference file.
pub(super) fn load(text: &str) -> Result<Vec<Compound>, CompoundError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| CompoundError::Toml(e.to_string()))?;
    if raw.compound.is_empty() {
        return Err(CompoundError::Empty);
    }
    let mut ids: HashSet<String> = HashSet::new();
    // folded name → id of the compound that first used it
    let mut names: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(raw.compound.len());
    for r in raw.compound {
        let c = compound(r)?;
        if !ids.insert(c.id.clone()) {
            return Err(CompoundError::DuplicateId { id: c.id });
        }
        check_names(&c, &out, &mut names)?;
        out.push(c);
    }
    Ok(out)
}

fn compound(r: RawCompound) -> Result<Compound, CompoundError> {
    let id_ok = !r.id.is_empty()
        && r.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(CompoundError::BadId { id: r.id });
    }
    let formula = Formula::parse(&r.formula).map_err(|source| CompoundError::Formula {
        id: r.id.clone(),
        formula: r.formula.clone(),
        source,
    })?;
    let class =
        CompoundClass::parse(r.class.trim()).ok_or_else(|| CompoundError::UnknownClass {
            id: r.id.clone(),
            class: r.class.clone(),
        })?;
    Ok(Compound {
        id: r.id,
        name: r.name,
        synonyms: r.synonyms,
        formula,
        class,
        scaffold: r.scaffold,
        notes: r.notes,
        shared_names: r.shared_names,
    })
}

/// Empty, repeated-within and shared-across checks for one compound's names.
fn check_names(
    c: &Compound,
    earlier: &[Compound],
    seen: &mut HashMap<String, String>,
) -> Result<(), CompoundError> {
    let shares = |owner: &Compound, key: &str| owner.shared_names.iter().any(|s| fold(s) == key);
    let mut own: Vec<String> = Vec::new();
    for name in c.names() {
        let key = fold(name);
        if key.is_empty() {
            return Err(CompoundError::EmptyName {
                id: c.id.clone(),
                name: name.to_string(),
            });
        }
        if own.contains(&key) {
            return Err(CompoundError::RedundantName {
                id: c.id.clone(),
                name: name.to_string(),
            });
        }
        if let Some(first) = seen.get(&key) {
            let first_shares = earlier
                .iter()
                .find(|e| &e.id == first)
                .is_some_and(|e| shares(e, &key));
            if !(first_shares && shares(c, &key)) {
                return Err(CompoundError::DuplicateName {
                    name: name.to_string(),
                    first: first.clone(),
                    second: c.id.clone(),
                });
            }
        } else {
            seen.insert(key.clone(), c.id.clone());
        }
        own.push(key);
    }
    Ok(())
}
