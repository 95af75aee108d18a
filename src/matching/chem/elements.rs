//! The elements the formula parser knows, with IUPAC monoisotopic masses of
//! each element's most abundant isotope (the masses high-resolution MS uses).

/// Mass of a proton in Da: the charge carrier of an `[M+H]+` ion.
pub const PROTON: f64 = 1.007_276_46;

/// Mass of an electron in Da: a cation weighs M − e per lost electron.
pub const ELECTRON: f64 = 0.000_548_58;

/// An element the formula parser accepts.
///
/// The order is the Hill order used for display: C, H, then alphabetical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Element {
    /// Carbon.
    C,
    /// Hydrogen.
    H,
    /// Bromine.
    Br,
    /// Chlorine.
    Cl,
    /// Deuterium (²H), written `D` in labelled internal standards.
    D,
    /// Fluorine.
    F,
    /// Iodine.
    I,
    /// Potassium.
    K,
    /// Nitrogen.
    N,
    /// Sodium.
    Na,
    /// Oxygen.
    O,
    /// Phosphorus.
    P,
    /// Sulfur.
    S,
    /// Silicon.
    Si,
}

impl Element {
    /// Every element, in Hill order.
    pub const ALL: [Element; 14] = [
        Element::C,
        Element::H,
        Element::Br,
        Element::Cl,
        Element::D,
        Element::F,
        Element::I,
        Element::K,
        Element::N,
        Element::Na,
        Element::O,
        Element::P,
        Element::S,
        Element::Si,
    ];

    /// Monoisotopic mass in Da (IUPAC; ¹²C is 12 by definition).
    pub fn monoisotopic_mass(self) -> f64 {
        match self {
            Element::C => 12.0,
            Element::H => 1.007_825_032_07,
            Element::Br => 78.918_337_1,
            Element::Cl => 34.968_852_68,
            Element::D => 2.014_101_777_8,
            Element::F => 18.998_403_22,
            Element::I => 126.904_473,
            Element::K => 38.963_706_68,
            Element::N => 14.003_074_004_8,
            Element::Na => 22.989_769_280_9,
            Element::O => 15.994_914_619_56,
            Element::P => 30.973_761_63,
            Element::S => 31.972_071_00,
            Element::Si => 27.976_926_532_5,
        }
    }

    /// The element symbol, e.g. `"Cl"`.
    pub fn symbol(self) -> &'static str {
        match self {
            Element::C => "C",
            Element::H => "H",
            Element::Br => "Br",
            Element::Cl => "Cl",
            Element::D => "D",
            Element::F => "F",
            Element::I => "I",
            Element::K => "K",
            Element::N => "N",
            Element::Na => "Na",
            Element::O => "O",
            Element::P => "P",
            Element::S => "S",
            Element::Si => "Si",
        }
    }

    /// Nominal mass: the mass number of the isotope [`Element::monoisotopic_mass`] uses.
    pub fn nominal_mass(self) -> u32 {
        match self {
            Element::C => 12,
            Element::H => 1,
            Element::Br => 79,
            Element::Cl => 35,
            Element::D => 2,
            Element::F => 19,
            Element::I => 127,
            Element::K => 39,
            Element::N => 14,
            Element::Na => 23,
            Element::O => 16,
            Element::P => 31,
            Element::S => 32,
            Element::Si => 28,
        }
    }

    /// The element with this exact symbol (case-sensitive: `"CO"` is not `"Co"`).
    pub fn from_symbol(symbol: &str) -> Option<Element> {
        Element::ALL.into_iter().find(|e| e.symbol() == symbol)
    }

    /// Position in [`Element::ALL`], for count arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
