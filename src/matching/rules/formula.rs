//! A tiny formula → mass helper, private to the class rules.
//!
//! Only what the rule file needs: element symbols with counts (`C13H18N`,
//! `C9H11NO`, `D5`), monoisotopic and nominal masses. The full chemistry
//! module (`chem::formula`) is built elsewhere; this stays deliberately small
//! so the rules do not depend on it.

/// Mass of an electron (u), removed from a cation's composition.
pub(crate) const ELECTRON: f64 = 0.000_548_579_909_07;

/// (symbol, monoisotopic mass, nominal mass) of the elements the rules use.
const ELEMENTS: &[(&str, f64, u32)] = &[
    ("H", 1.007_825_032_07, 1),
    ("D", 2.014_101_777_8, 2),
    ("C", 12.0, 12),
    ("N", 14.003_074_004_8, 14),
    ("O", 15.994_914_619_56, 16),
    ("F", 18.998_403_22, 19),
    ("P", 30.973_761_63, 31),
    ("S", 31.972_071_00, 32),
    ("Cl", 34.968_852_68, 35),
    ("Br", 78.918_337_1, 79),
    ("I", 126.904_473, 127),
    ("Si", 27.976_926_532_5, 28),
];

/// Monoisotopic and nominal mass of a neutral formula, or `None` when the
/// formula is empty, malformed or names an element the table does not know.
pub(crate) fn masses(formula: &str) -> Option<(f64, u32)> {
    let bytes = formula.as_bytes();
    let (mut i, mut mono, mut nominal) = (0usize, 0.0f64, 0u32);
    if bytes.is_empty() {
        return None;
    }
    while i < bytes.len() {
        if !bytes[i].is_ascii_uppercase() {
            return None;
        }
        let mut end = i + 1;
        if end < bytes.len() && bytes[end].is_ascii_lowercase() {
            end += 1;
        }
        let symbol = &formula[i..end];
        let (_, m, n) = ELEMENTS.iter().find(|(s, _, _)| *s == symbol)?;
        let digits_start = end;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let count: u32 = if end == digits_start {
            1
        } else {
            formula[digits_start..end].parse().ok()?
        };
        if count > 10_000 {
            return None;
        }
        mono += m * f64::from(count);
        nominal = nominal.checked_add(n.checked_mul(count)?)?;
        i = end;
    }
    Some((mono, nominal))
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
