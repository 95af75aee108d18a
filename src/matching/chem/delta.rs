//! Explaining a mass difference ΔM = M(query) − M(library) for hybrid search:
//! which common structural change (homologue, oxidation, halogen swap,
//! dealkylation, …) or pair of changes accounts for it.
//!
//! Design: a fixed table of modifications, each written as the formula it
//! adds and the formula it removes; masses come from [`Formula`], never from
//! literals. [`explain`] tries each modification in both directions (+ and −);
//! only when none fits does it try pairs, which keeps the search bounded
//! (about 40 signed entries → under 1 000 pairs) and the answer short.
//! Results are sorted by |error|, then single before pair, then label, so the
//! output is deterministic.

use std::sync::OnceLock;

use serde::Serialize;

use super::formula::Formula;

/// (label, formula added, formula removed); "" means nothing.
const TABLE: &[(&str, &str, &str)] = &[
    ("CH2 (homologue: methylene)", "CH2", ""),
    ("C2H4 (ethyl, two CH2)", "C2H4", ""),
    ("C3H6 (propyl, three CH2)", "C3H6", ""),
    ("C4H8 (butyl, four CH2)", "C4H8", ""),
    ("N2", "N2", ""),
    ("CO (carbonyl)", "CO", ""),
    ("O (hydroxylation / oxidation)", "O", ""),
    ("O for H2 (ketone from CH2)", "O", "H2"),
    ("H2 (reduction / ring opening)", "H2", ""),
    ("F for H", "F", "H"),
    ("Cl for H", "Cl", "H"),
    ("Br for H", "Br", "H"),
    ("OCH3 for H (methoxy; CH2O)", "CH2O", ""),
    ("OC2H5 for H (ethoxy; C2H4O)", "C2H4O", ""),
    ("C2H2O (acetyl for H)", "C2H2O", ""),
    ("C3H4O (propionyl for H)", "C3H4O", ""),
    ("C2H2O2 (carbomethoxy for H)", "C2H2O2", ""),
    ("NO2 for H (nitro)", "NO2", "H"),
    ("NH2 for NO2 (nitro reduction)", "H2", "O2"),
    ("C8H8 (phenethyl for H)", "C8H8", ""),
    ("C6H8O6 (glucuronide)", "C6H8O6", ""),
];

/// One entry of the modification table with its computed mass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Modification {
    /// Human-readable label, e.g. `F for H`.
    pub label: &'static str,
    /// Mass change in Da when applied (added minus removed).
    pub mass: f64,
}

/// One way to account for a mass difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// What changed, e.g. `+CH2 (homologue: methylene)` or `+F for H, −O (…)`.
    pub label: String,
    /// Mass of the change in Da.
    pub mass: f64,
    /// Observed ΔM minus `mass`, in Da.
    pub error_da: f64,
}

/// The modification table (built once from formulas).
pub fn modifications() -> &'static [Modification] {
    static MODS: OnceLock<Vec<Modification>> = OnceLock::new();
    MODS.get_or_init(|| {
        TABLE
            .iter()
            .filter_map(|(label, plus, minus)| {
                Some(Modification {
                    label,
                    mass: mass_of(plus)? - mass_of(minus)?,
                })
            })
            .collect()
    })
}

/// Monoisotopic mass of a table formula ("" is zero).
fn mass_of(f: &str) -> Option<f64> {
    if f.is_empty() {
        return Some(0.0);
    }
    Formula::parse(f).ok().map(|f| f.monoisotopic_mass())
}

/// Explanations of `delta` (Da) within `tol_da` (absolute, Da), best first.
///
/// A zero change (isomers) is reported as `no mass change (isomer)`. Single
/// modifications are tried in both signs; pairs only when no single fits.
/// For a ppm tolerance use `Tolerance::at(precursor_mz)`.
pub fn explain(delta: f64, tol_da: f64) -> Vec<Explanation> {
    let tol = tol_da.abs();
    if !delta.is_finite() || !tol.is_finite() {
        return Vec::new();
    }
    let signed = signed_mods();
    let mut out: Vec<(usize, Explanation)> = Vec::new();
    if delta.abs() <= tol {
        out.push((0, explanation("no mass change (isomer)".into(), 0.0, delta)));
    }
    for (label, mass) in &signed {
        if (delta - mass).abs() <= tol {
            out.push((1, explanation(label.clone(), *mass, delta)));
        }
    }
    if out.is_empty() {
        for (i, (la, ma)) in signed.iter().enumerate() {
            for (lb, mb) in &signed[i..] {
                let mass = ma + mb;
                // a change and its own reversal is not an explanation
                if mass.abs() < 1e-9 || (delta - mass).abs() > tol {
                    continue;
                }
                out.push((2, explanation(format!("{la}, {lb}"), mass, delta)));
            }
        }
    }
    out.sort_by(|(na, a), (nb, b)| {
        a.error_da
            .abs()
            .total_cmp(&b.error_da.abs())
            .then(na.cmp(nb))
            .then(a.label.cmp(&b.label))
    });
    out.into_iter().map(|(_, e)| e).collect()
}

fn explanation(label: String, mass: f64, delta: f64) -> Explanation {
    Explanation {
        label,
        mass,
        error_da: delta - mass,
    }
}

/// Every modification with a `+` and a `−` label, in table order.
fn signed_mods() -> Vec<(String, f64)> {
    modifications()
        .iter()
        .flat_map(|m| {
            [
                (format!("+{}", m.label), m.mass),
                (format!("\u{2212}{}", m.label), -m.mass),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_formula_parses() {
        assert_eq!(modifications().len(), TABLE.len());
    }
}
