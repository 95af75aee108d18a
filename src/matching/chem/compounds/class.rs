//! Compound classes as written in the reference file.

use serde::Serialize;

/// The drug class of a reference compound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompoundClass {
    /// 2-benzylbenzimidazole opioids.
    Nitazene,
    /// Fentanyl and 4-anilidopiperidine analogues (incl. precursors, metabolites).
    Fentanyl,
    /// Other opioids (morphinans, methadone, tramadol, …).
    Opioid,
    /// Benzodiazepines and designer benzodiazepines.
    Benzodiazepine,
    /// Stimulants (cocaine, amphetamines).
    Stimulant,
    /// Veterinary sedatives found in the opioid supply (xylazine, medetomidine).
    Sedative,
    /// Dissociatives (ketamine).
    Dissociative,
    /// Cutting agents and adulterants (caffeine, local anaesthetics, …).
    Adulterant,
    /// Anything else (e.g. the antagonist naloxone).
    Other,
}

impl CompoundClass {
    /// Every class.
    pub const ALL: [CompoundClass; 9] = [
        CompoundClass::Nitazene,
        CompoundClass::Fentanyl,
        CompoundClass::Opioid,
        CompoundClass::Benzodiazepine,
        CompoundClass::Stimulant,
        CompoundClass::Sedative,
        CompoundClass::Dissociative,
        CompoundClass::Adulterant,
        CompoundClass::Other,
    ];

    /// The spelling used in the reference file, e.g. `nitazene`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompoundClass::Nitazene => "nitazene",
            CompoundClass::Fentanyl => "fentanyl",
            CompoundClass::Opioid => "opioid",
            CompoundClass::Benzodiazepine => "benzodiazepine",
            CompoundClass::Stimulant => "stimulant",
            CompoundClass::Sedative => "sedative",
            CompoundClass::Dissociative => "dissociative",
            CompoundClass::Adulterant => "adulterant",
            CompoundClass::Other => "other",
        }
    }

    /// Parses a file spelling (exact, lower case).
    pub fn parse(s: &str) -> Option<CompoundClass> {
        CompoundClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// True for the classes that are opioid agonists (nitazene, fentanyl, opioid).
    pub fn is_opioid(self) -> bool {
        matches!(
            self,
            CompoundClass::Nitazene | CompoundClass::Fentanyl | CompoundClass::Opioid
        )
    }
}
