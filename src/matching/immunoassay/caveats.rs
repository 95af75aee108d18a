//! Published strip limitations (`data/strip-caveats.toml`), selected by strip
//! target and by the call they qualify: false-negative caveats go with
//! negative calls, false-positive caveats with positive calls.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use synthwatch_parsers::strips::Target;
use thiserror::Error;

use super::StripCall;

/// The built-in caveat file, compiled into the binary.
const BUILTIN_TOML: &str = include_str!("../../../data/strip-caveats.toml");

/// One published limitation attached to an interpretation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caveat {
    /// Stable identifier, e.g. `fts-misses-carfentanil-furanylfentanyl`.
    pub id: String,
    /// What it means for this result.
    pub text: String,
    /// Short citation (authors, journal, year, DOI where known).
    pub source: String,
    /// Reference-compound ids concerned (may be empty).
    pub compounds: Vec<String>,
}

/// A caveat file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CaveatError {
    /// Not valid TOML or an unknown/mistyped field.
    #[error("strip caveats: {0}")]
    Toml(String),
    /// Two caveats share an id.
    #[error("strip caveats: duplicate id {0:?}")]
    DuplicateId(String),
    /// A target that is not a strip target.
    #[error("strip caveat {id:?}: unknown target {target:?}")]
    UnknownTarget {
        /// The caveat.
        id: String,
        /// The target as written.
        target: String,
    },
    /// A call that is not positive, negative, invalid or indeterminate.
    #[error("strip caveat {id:?}: unknown call {call:?}")]
    UnknownCall {
        /// The caveat.
        id: String,
        /// The call as written.
        call: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    caveat: Vec<RawCaveat>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaveat {
    id: String,
    target: Option<String>,
    calls: Option<Vec<String>>,
    #[serde(default)]
    compounds: Vec<String>,
    text: String,
    source: String,
}

/// One caveat with the strips and calls it applies to.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    caveat: Caveat,
    /// `None` = every target.
    target: Option<Target>,
    calls: Vec<StripCall>,
}

/// The loaded caveats, immutable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaveatSet {
    entries: Vec<Entry>,
}

impl CaveatSet {
    /// The built-in caveats from `data/strip-caveats.toml`.
    pub fn builtin() -> Result<CaveatSet, CaveatError> {
        CaveatSet::from_toml(BUILTIN_TOML)
    }

    /// Parses and validates a caveat file in the built-in file's format.
    pub fn from_toml(text: &str) -> Result<CaveatSet, CaveatError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| CaveatError::Toml(e.to_string()))?;
        let mut ids = HashSet::new();
        let mut entries = Vec::with_capacity(raw.caveat.len());
        for r in raw.caveat {
            if !ids.insert(r.id.clone()) {
                return Err(CaveatError::DuplicateId(r.id));
            }
            let target = match &r.target {
                None => None,
                Some(t) => Some(parse_target(t).ok_or_else(|| CaveatError::UnknownTarget {
                    id: r.id.clone(),
                    target: t.clone(),
                })?),
            };
            let calls = match &r.calls {
                None => vec![StripCall::Positive, StripCall::Negative],
                Some(list) => list
                    .iter()
                    .map(|c| {
                        StripCall::parse(c).ok_or_else(|| CaveatError::UnknownCall {
                            id: r.id.clone(),
                            call: c.clone(),
                        })
                    })
                    .collect::<Result<_, _>>()?,
            };
            entries.push(Entry {
                caveat: Caveat {
                    id: r.id,
                    text: r.text,
                    source: r.source,
                    compounds: r.compounds,
                },
                target,
                calls,
            });
        }
        Ok(CaveatSet { entries })
    }

    /// Caveats for a strip of `target` given the rule's `call`, in file order.
    pub fn for_strip(&self, target: Target, call: StripCall) -> Vec<Caveat> {
        self.entries
            .iter()
            .filter(|e| (e.target.is_none() || e.target == Some(target)) && e.calls.contains(&call))
            .map(|e| e.caveat.clone())
            .collect()
    }

    /// Every caveat, in file order.
    pub fn all(&self) -> impl Iterator<Item = &Caveat> {
        self.entries.iter().map(|e| &e.caveat)
    }
}

/// File spelling of a strip target.
fn parse_target(s: &str) -> Option<Target> {
    match s.trim() {
        "fentanyl" => Some(Target::Fentanyl),
        "nitazene" => Some(Target::Nitazene),
        "benzodiazepine" => Some(Target::Benzodiazepine),
        "xylazine" => Some(Target::Xylazine),
        _ => None,
    }
}
