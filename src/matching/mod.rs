//! The matching core: pure functions and immutable engines, no I/O.
//!
//! - [`chem`]: formulas, exact masses, the reference compounds, mass-shift explanations.
//! - [`clean`]: spectrum preprocessing (ms_entropy's defaults; EI nominal mass).
//! - [`scores`]: pairwise similarity (entropy, cosine, NIST match factors).
//! - [`index`]: the library index (fast) beside a brute-force reference.
//! - [`rules`]: explainable class rules for nitazenes and fentanyl analogues.
//! - [`names`]: compound names in free text.
//! - [`immunoassay`]: lateral-flow strip interpretation with published caveats.

pub mod chem;
pub mod clean;
pub mod immunoassay;
pub mod index;
pub mod names;
pub mod rules;
pub mod scores;
mod spectrum;

pub use spectrum::{CleanSpectrum, MsPeak, Tolerance};
