//! Chemistry for matching: formulas and exact masses ([`formula`],
//! [`elements`]), the reference compounds ([`compounds`]) and mass-difference
//! explanations for hybrid search ([`delta`]).
//!
//! Everything here is pure and immutable after construction: the reference
//! set is parsed and validated once at start-up and then shared read-only.

pub mod compounds;
pub mod delta;
pub mod elements;
pub mod formula;

pub use compounds::{Compound, CompoundClass, CompoundError, Isobar, ReferenceSet};
pub use delta::{explain, modifications, Explanation, Modification};
pub use elements::{Element, ELECTRON, PROTON};
pub use formula::{Formula, FormulaError};
