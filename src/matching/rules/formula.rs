//! Formula masses for the rule file, from the shared chemistry module
//! ([`crate::matching::chem::Formula`]): monoisotopic and nominal masses of
//! the ion compositions and shifts the rules name (`C13H18N`, `D5`).

use crate::matching::chem::Formula;

pub(crate) use crate::matching::chem::ELECTRON;

/// Monoisotopic and nominal mass of a neutral formula, or `None` when the
/// formula is empty or malformed.
pub(crate) fn masses(formula: &str) -> Option<(f64, u32)> {
    let f = Formula::parse(formula).ok()?;
    (!f.is_empty()).then(|| (f.monoisotopic_mass(), f.nominal_mass()))
}

#[cfg(test)]
/// m/z of a singly charged cation with this composition (electron removed).
pub(crate) fn cation_mz(formula: &str) -> Option<f64> {
    masses(formula).map(|(m, _)| m - ELECTRON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_ions() {
        let close = |f: &str, mz: f64| (cation_mz(f).unwrap() - mz).abs() < 2e-4;
        assert!(close("C6H14N", 100.1121));
        assert!(close("C13H18N", 188.1434));
        assert!(close("C8H9", 105.0699));
        assert!(close("C7H7O", 107.0491));
        assert!(close("C7H6Cl", 125.0153));
        assert_eq!(masses("C9H11NO").map(|m| m.1), Some(149));
        assert_eq!(masses("D5").map(|m| m.1), Some(10));
    }

    #[test]
    fn refuses_garbage() {
        for bad in ["", "c6", "Xx2", "C6H", "H99999999999"] {
            if bad == "C6H" {
                assert!(masses(bad).is_some());
            } else {
                assert!(masses(bad).is_none(), "{bad}");
            }
        }
    }
}
