//! Molecular formulas: parsing (`C22H28N2O`, `C20H23ClN4O2`), Hill-order
//! display and monoisotopic masses.
//!
//! Design: a formula is a fixed array of counts over [`Element::ALL`], so
//! formulas compare, hash and sum without allocation. Charges, isotopes and
//! brackets are out of scope: ions are derived from the neutral formula by
//! adding a proton ([`Formula::mh_plus`]) or removing an electron.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::elements::{Element, ELECTRON, PROTON};

/// Why a formula string was rejected. Positions are byte offsets into the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormulaError {
    /// Nothing but whitespace.
    #[error("empty formula")]
    Empty,
    /// A symbol that is not one of the supported elements.
    #[error("unknown element {symbol:?} at position {position}")]
    UnknownElement {
        /// The symbol as written.
        symbol: String,
        /// Byte offset of the symbol.
        position: usize,
    },
    /// A character that cannot start an element symbol or count.
    #[error("unexpected character {found:?} at position {position}")]
    Unexpected {
        /// The character found.
        found: char,
        /// Byte offset of the character.
        position: usize,
    },
    /// A count of zero or one too large to hold.
    #[error("invalid count {count:?} at position {position}")]
    BadCount {
        /// The digits as written.
        count: String,
        /// Byte offset of the first digit.
        position: usize,
    },
}

/// A neutral molecular formula: a count per element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Formula {
    counts: [u32; Element::ALL.len()],
}

impl Formula {
    /// Parses `C22H28N2O`-style formulas. Elements may repeat (`CH3CH2OH` is
    /// C2H6O); surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<Formula, FormulaError> {
        let mut counts = [0u32; Element::ALL.len()];
        let bytes = s.as_bytes();
        let end = s.trim_end().len();
        let mut i = s.len() - s.trim_start().len();
        if i >= end {
            return Err(FormulaError::Empty);
        }
        while i < end {
            let (element, next) = symbol_at(s, i)?;
            let digits_end = bytes[next..end]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(end, |p| next + p);
            let count = if digits_end == next {
                1
            } else {
                let digits = &s[next..digits_end];
                match digits.parse::<u32>() {
                    Ok(n) if n > 0 => n,
                    _ => {
                        return Err(FormulaError::BadCount {
                            count: digits.to_string(),
                            position: next,
                        })
                    }
                }
            };
            let slot = &mut counts[element.index()];
            *slot = slot.checked_add(count).ok_or(FormulaError::BadCount {
                count: count.to_string(),
                position: next,
            })?;
            i = digits_end;
        }
        Ok(Formula { counts })
    }

    /// How many atoms of `element`.
    pub fn count(&self, element: Element) -> u32 {
        self.counts[element.index()]
    }

    /// True when the formula has no atoms (only from `Default`).
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|c| *c == 0)
    }

    /// Monoisotopic mass of the neutral molecule in Da.
    pub fn monoisotopic_mass(&self) -> f64 {
        Element::ALL
            .iter()
            .map(|e| f64::from(self.count(*e)) * e.monoisotopic_mass())
            .sum()
    }

    /// Nominal (integer) mass of the neutral molecule, as EI spectra use.
    pub fn nominal_mass(&self) -> u32 {
        Element::ALL
            .iter()
            .map(|e| self.count(*e).saturating_mul(e.nominal_mass()))
            .fold(0u32, u32::saturating_add)
    }

    /// m/z of the protonated molecule `[M+H]+` (M + proton).
    pub fn mh_plus(&self) -> f64 {
        self.monoisotopic_mass() + PROTON
    }

    /// m/z of the sodium adduct `[M+Na]+` (M + Na − electron).
    pub fn m_plus_na(&self) -> f64 {
        self.monoisotopic_mass() + Element::Na.monoisotopic_mass() - ELECTRON
    }

    /// m/z of the radical cation `M+•` of electron ionisation (M − electron).
    pub fn radical_cation(&self) -> f64 {
        self.monoisotopic_mass() - ELECTRON
    }

    /// The sum of two formulas (e.g. a molecule plus a modification).
    pub fn plus(&self, other: &Formula) -> Formula {
        let mut counts = self.counts;
        for (c, o) in counts.iter_mut().zip(other.counts) {
            *c = c.saturating_add(o);
        }
        Formula { counts }
    }
}

/// The element symbol starting at byte `i` and the byte after it.
fn symbol_at(s: &str, i: usize) -> Result<(Element, usize), FormulaError> {
    let bytes = s.as_bytes();
    let first = bytes[i];
    if !first.is_ascii_uppercase() {
        let found = s[i..].chars().next().unwrap_or('\0');
        return Err(FormulaError::Unexpected { found, position: i });
    }
    let two = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
    let len = if two { 2 } else { 1 };
    let symbol = &s[i..i + len];
    Element::from_symbol(symbol)
        .map(|e| (e, i + len))
        .ok_or_else(|| FormulaError::UnknownElement {
            symbol: symbol.to_string(),
            position: i,
        })
}

impl FromStr for Formula {
    type Err = FormulaError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Formula::parse(s)
    }
}

/// Hill notation: C, H, then the rest alphabetically; counts of 1 omitted.
impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in Element::ALL {
            match self.count(e) {
                0 => {}
                1 => f.write_str(e.symbol())?,
                n => write!(f, "{}{n}", e.symbol())?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_elements_add_up() {
        let f = Formula::parse("CH3CH2OH").expect("valid");
        assert_eq!(f.to_string(), "C2H6O");
    }

    #[test]
    fn two_letter_symbols_and_hill_order() {
        let f = Formula::parse("C20H23ClN4O2").expect("valid");
        assert_eq!(f.count(Element::Cl), 1);
        assert_eq!(f.count(Element::C), 20);
        assert_eq!(f.to_string(), "C20H23ClN4O2");
        assert_eq!(Formula::parse("NaCl").expect("valid").to_string(), "ClNa");
    }

    #[test]
    fn errors_name_the_position() {
        assert_eq!(
            Formula::parse("C22Xx4"),
            Err(FormulaError::UnknownElement {
                symbol: "Xx".into(),
                position: 3
            })
        );
        assert_eq!(
            Formula::parse("C2 H6"),
            Err(FormulaError::Unexpected {
                found: ' ',
                position: 2
            })
        );
        assert_eq!(
            Formula::parse("C0H4"),
            Err(FormulaError::BadCount {
                count: "0".into(),
                position: 1
            })
        );
        assert_eq!(Formula::parse("  "), Err(FormulaError::Empty));
        assert!(matches!(
            Formula::parse("Cµ"),
            Err(FormulaError::Unexpected {
                found: 'µ',
                position: 1
            })
        ));
        assert!(Formula::parse("C99999999999").is_err());
    }
}
