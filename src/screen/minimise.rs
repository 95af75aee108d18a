//! Data minimisation for free-text result values before they are stored.
//!
//! A text result (HL7 ST/TX/FT, ASTM free text) is usually report wording —
//! `Detected`, `NOT DETECTED`, `Fentanyl present` — but it can carry anything
//! a person typed: a clinician's or patient's name, a ward, a phone number.
//! The partnership tables keep only what the indication needs: a value made
//! solely of result vocabulary, numbers, units and compound names is kept as
//! sent; anything else is reduced to the compound names it mentions and the
//! presence it reports (`Isotonitazene: detected`), or to a placeholder
//! saying how much text was withheld. The full text is still in the raw
//! message (access-controlled, never partner-facing), and the message's own
//! indication is screened from it before minimising.

use super::lab::{presence, Presence};
use super::Screener;

/// Words a text result may contain and still be stored as sent.
const VOCABULARY: &[&str] = &[
    "detected",
    "not",
    "none",
    "no",
    "negative",
    "positive",
    "present",
    "absent",
    "pos",
    "neg",
    "nd",
    "undetected",
    "trace",
    "traces",
    "inconclusive",
    "indeterminate",
    "equivocal",
    "invalid",
    "presumptive",
    "confirmed",
    "unconfirmed",
    "screen",
    "screening",
    "result",
    "results",
    "see",
    "comment",
    "below",
    "above",
    "limit",
    "cut",
    "off",
    "cutoff",
    "of",
    "detection",
    "quantification",
    "lod",
    "loq",
    "and",
    "or",
    "with",
    "in",
    "the",
    "sample",
    "specimen",
    "urine",
    "blood",
    "serum",
    "plasma",
    "oral",
    "fluid",
    "powder",
    "tablet",
    "residue",
    "ng",
    "ml",
    "mg",
    "ug",
    "µg",
    "l",
    "g",
    "kg",
    "pg",
    "nmol",
    "mmol",
    "mol",
    "umol",
    "percent",
    "pending",
    "repeat",
    "insufficient",
    "qns",
    "ok",
    "low",
    "high",
    "weak",
    "strong",
    "faint",
    "line",
    "band",
    "possible",
    "probable",
    "likely",
    "suspected",
    "consistent",
    "metabolite",
    "metabolites",
    "parent",
    "drug",
    "compound",
];

/// A free-text value as the partnership store may keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredText {
    /// Only result vocabulary, numbers and compound names: kept as sent.
    Verbatim(String),
    /// Reduced to compound names and reported presence (text withheld).
    Minimised(String),
}

impl StoredText {
    /// The text to store.
    pub fn text(&self) -> &str {
        match self {
            StoredText::Verbatim(t) | StoredText::Minimised(t) => t,
        }
    }
}

impl Screener {
    /// The storable form of a free-text result value.
    pub fn minimise_text(&self, text: &str) -> StoredText {
        let hits = self.names.find(text);
        let in_name = |at: usize| hits.iter().any(|h| h.span.contains(&at));
        let mut plain = true;
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_alphabetic(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let word = text[s..i].to_lowercase();
                    if !in_name(s) && !VOCABULARY.contains(&word.as_str()) {
                        plain = false;
                        break;
                    }
                    start = None;
                }
                _ => {}
            }
        }
        if plain {
            return StoredText::Verbatim(text.to_owned());
        }
        let mut names: Vec<&str> = Vec::new();
        for h in &hits {
            if !names.contains(&h.name.as_str()) {
                names.push(&h.name);
            }
        }
        let reported = match presence(text) {
            Presence::Present => Some("detected"),
            Presence::Absent => Some("not detected"),
            Presence::Unknown => None,
        };
        let withheld = format!("[free text withheld: {} characters]", text.chars().count());
        StoredText::Minimised(match (names.is_empty(), reported) {
            (true, None) => withheld,
            (true, Some(p)) => format!("{p} {withheld}"),
            (false, None) => format!("{} {withheld}", names.join(", ")),
            (false, Some(p)) => format!("{}: {p} {withheld}", names.join(", ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::ScreenConfig;

    fn screener() -> Screener {
        Screener::new(None, ScreenConfig::default()).expect("built-in screener")
    }

    #[test]
    fn report_wording_numbers_and_names_are_kept() {
        let s = screener();
        for v in [
            "Detected",
            "NOT DETECTED",
            "Positive (screen)",
            "Fentanyl present",
            "Isotonitazene detected, 3.2 ng/mL",
            "< 0.5 ng/mL",
            "None detected",
            "",
        ] {
            assert_eq!(
                s.minimise_text(v),
                StoredText::Verbatim(v.to_owned()),
                "{v}"
            );
        }
    }

    #[test]
    fn other_text_is_reduced_to_names_and_presence() {
        let s = screener();
        let cases = [
            (
                "Isotonitazene detected; phoned to Dr CANARY on ward 7",
                "Isotonitazene: detected [free text withheld: 53 characters]",
            ),
            (
                "Fentanyl not detected, patient Jane CANARY 1969",
                "Fentanyl: not detected [free text withheld: 47 characters]",
            ),
            (
                "Sample received from CANARY House",
                "[free text withheld: 33 characters]",
            ),
            (
                "Xylazine mentioned by CANARY",
                "Xylazine [free text withheld: 28 characters]",
            ),
        ];
        for (input, stored) in cases {
            let got = s.minimise_text(input);
            assert_eq!(got, StoredText::Minimised(stored.to_owned()), "{input}");
            assert!(!got.text().contains("CANARY"));
            // What the sample's later indications read back still reads the same.
            assert_eq!(presence(got.text()), presence(input), "{input}");
        }
    }
}
