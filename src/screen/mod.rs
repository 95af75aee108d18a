//! Screening: one query (a spectrum, a lab result, a strip reading) in, its
//! findings out — class flags, reference-compound mass matches, library hits,
//! named compounds, strip calls — with the versions that produced them.
//!
//! [`Screener`] is built once (rules, reference compounds, name matcher,
//! strip interpreter and, optionally, a library index) and is then immutable,
//! so the CLI and the ingest daemon screen alike. Every finding is a
//! non-evidential indication, never an identification.

mod lab;
mod library_search;
mod minimise;
mod strips;

use serde::Serialize;
use synthwatch_parsers::spectrum::Spectrum;

use crate::library::{fnv1a, Library};
use crate::matching::chem::{CompoundError, ReferenceSet};
use crate::matching::immunoassay::{InterpreterError, StripInterpreter};
use crate::matching::names::{NameMatcher, NameMatcherError};
use crate::matching::rules::{
    ClassFlag, NearMiss, RuleEngine, RuleError, RuleInput, RuleSet, BUILTIN_RULES,
};
use crate::matching::Tolerance;

pub use lab::{earlier_comment_findings, presence, LabFindings, NamedCompound, Presence};
pub use library_search::{LibraryHit, LibrarySearch, SearchKind};
pub use minimise::StoredText;
pub use strips::StripFindings;

use crate::matching::scores::Method;

/// The marking every partner-facing indication carries.
pub const MARKING: &str = "Non-evidential indication — not for use as evidence";

/// Version of the screening engine (the crate version).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How library searches run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenConfig {
    /// Similarity method.
    pub method: Method,
    /// Identity, open or hybrid.
    pub search: SearchKind,
    /// Hits kept per query.
    pub top_n: usize,
    /// Lowest score kept (on the method's own scale: 0–1, or 0–1000 for NIST).
    pub min_score: f64,
    /// Precursor window for identity search and reference-compound matches.
    pub precursor_tolerance: Tolerance,
    /// Fragment window.
    pub fragment_tolerance: Tolerance,
}

impl Default for ScreenConfig {
    fn default() -> Self {
        ScreenConfig {
            method: Method::Entropy,
            search: SearchKind::Identity,
            top_n: 5,
            min_score: 0.0,
            precursor_tolerance: Tolerance::Ppm(10.0),
            fragment_tolerance: Tolerance::Da(0.02),
        }
    }
}

/// Why a screener could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// The class-rule data did not load.
    #[error("class rules: {0}")]
    Rules(#[from] RuleError),
    /// The reference compounds did not load.
    #[error("reference compounds: {0}")]
    Compounds(#[from] CompoundError),
    /// The name matcher could not be built.
    #[error("name matcher: {0}")]
    Names(#[from] NameMatcherError),
    /// The strip interpretation data did not load.
    #[error("strip interpretation: {0}")]
    Strips(#[from] InterpreterError),
}

/// Built once, then shared read-only.
pub struct Screener {
    rules: RuleEngine,
    rules_version: String,
    references: ReferenceSet,
    names: NameMatcher,
    strips: StripInterpreter,
    library: Option<LibrarySearch>,
    /// Digest of the library files, computed once (every finding carries it).
    library_version: Option<String>,
    config: ScreenConfig,
}

/// A reference compound whose [M+H]⁺ lies within the precursor window.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceMatch {
    /// Compound id.
    pub id: String,
    /// Compound name.
    pub name: String,
    /// Its class.
    pub class: &'static str,
    /// Computed [M+H]⁺.
    pub mh_plus: f64,
    /// Query precursor − [M+H]⁺, in ppm.
    pub error_ppm: f64,
}

/// Findings for one spectrum.
#[derive(Debug, Clone, Serialize)]
pub struct SpectrumFindings {
    /// Class indications that fired.
    pub class_flags: Vec<ClassFlag>,
    /// Rules partly met: what was found and what is missing.
    pub near_misses: Vec<NearMiss>,
    /// Reference compounds at the precursor mass (isobars included: a mass is not an identity).
    pub reference_compounds: Vec<ReferenceMatch>,
    /// Library hits, best first.
    pub library_hits: Vec<LibraryHit>,
}

impl Screener {
    /// Build from the built-in data files and, optionally, a library.
    pub fn new(library: Option<Library>, config: ScreenConfig) -> Result<Screener, ScreenError> {
        let rule_set = RuleSet::builtin()?;
        let rules_version = format!("class-rules {:016x}", fnv1a(BUILTIN_RULES.as_bytes()));
        let references = ReferenceSet::builtin()?;
        let names = NameMatcher::new(&references)?;
        Ok(Screener {
            rules: RuleEngine::new(&rule_set),
            rules_version,
            references,
            names,
            strips: StripInterpreter::builtin()?,
            library_version: library.as_ref().map(Library::version),
            library: library.map(|l| LibrarySearch::new(l, &config)),
            config,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ScreenConfig {
        &self.config
    }

    /// The class-rule set's version label.
    pub fn rules_version(&self) -> &str {
        &self.rules_version
    }

    /// The library's version, when one is loaded.
    pub fn library_version(&self) -> Option<String> {
        self.library_version.clone()
    }

    /// The library, when one is loaded.
    pub fn library(&self) -> Option<&Library> {
        self.library.as_ref().map(LibrarySearch::library)
    }

    /// Screen one spectrum.
    pub fn screen_spectrum(&self, spectrum: &Spectrum) -> SpectrumFindings {
        let evaluation = self.rules.evaluate_all(&RuleInput::from(spectrum));
        let precursor = spectrum.precursor_mz.map(|m| m.0);
        SpectrumFindings {
            class_flags: evaluation.flags,
            near_misses: evaluation.near_misses,
            reference_compounds: precursor
                .map(|mz| self.reference_matches(mz))
                .unwrap_or_default(),
            library_hits: self
                .library
                .as_ref()
                .map(|l| l.search(spectrum, &self.config))
                .unwrap_or_default(),
        }
    }

    fn reference_matches(&self, mz: f64) -> Vec<ReferenceMatch> {
        self.references
            .by_precursor_mz(mz, self.config.precursor_tolerance)
            .into_iter()
            .map(|c| ReferenceMatch {
                id: c.id.clone(),
                name: c.name.clone(),
                class: c.class.as_str(),
                mh_plus: c.mh_plus(),
                error_ppm: (mz - c.mh_plus()) / c.mh_plus() * 1e6,
            })
            .collect()
    }
}
