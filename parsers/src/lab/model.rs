use serde::Serialize;

use super::PatientIdentity;

/// Which wire protocol a message arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// ASTM E1394 / CLSI LIS2-A2 records.
    Astm,
    /// HL7 v2 ER7.
    Hl7,
}

/// One lab message (ASTM H..L, or one HL7 message) in normalized form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabMessage {
    /// Protocol the message was read from.
    pub protocol: Protocol,
    /// Sending system or instrument name (ASTM H-5 / HL7 MSH-3 and MSH-4).
    pub sender: Option<String>,
    /// Instrument identifier (ASTM R-14 or H-5 components / HL7 OBX-18), if sent.
    pub instrument: Option<String>,
    /// Message control id (HL7 MSH-10; ASTM H-3 message control id), if sent.
    pub control_id: Option<String>,
    /// Message date/time as sent (ASTM H-14 / HL7 MSH-7), not reinterpreted.
    pub sent_at: Option<String>,
    /// All results in the message, in order of appearance.
    pub results: Vec<LabResult>,
    /// Comments not attached to any one result (ASTM C after H/P/O; HL7 NTE after PID/ORC/OBR).
    pub comments: Vec<Comment>,
    /// Patient identity; never serialized, printed or logged.
    #[serde(skip)]
    pub patient: Option<PatientIdentity>,
}

/// One result (ASTM R record, HL7 OBX segment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabResult {
    /// Specimen id (ASTM O-3, else O-4 / HL7 SPM-2, else OBR-3, else OBR-2).
    pub specimen: Option<String>,
    /// Test code: the most specific code the sender gave (ASTM universal test id
    /// manufacturer component / HL7 OBX-3.1).
    pub test_code: String,
    /// Test name where one was sent (HL7 OBX-3.2; ASTM test id name component).
    pub test_name: Option<String>,
    /// Coding system of `test_code` (HL7 OBX-3.3, e.g. `LN`; `"local"` for ASTM manufacturer codes).
    pub coding_system: Option<String>,
    /// Every component of the ASTM universal test id as sent, trailing
    /// empties dropped: instruments put analyte and qualifier in components
    /// beyond the code (GeneXpert `^MTB-RIF^^Xpert^…^MTB^Ct`), so the code
    /// alone may not tell two results apart. Empty for HL7 (OBX-3 is coded).
    pub test_components: Vec<String>,
    /// The value.
    pub value: ResultValue,
    /// Units (ASTM R-5 / HL7 OBX-6.1).
    pub units: Option<String>,
    /// Reference range as sent (ASTM R-6 / HL7 OBX-7).
    pub reference_range: Option<String>,
    /// Abnormal flags (ASTM R-7 / HL7 OBX-8 repetitions), e.g. `H`, `L`, `N`.
    pub flags: Vec<String>,
    /// Result status.
    pub status: ResultStatus,
    /// Time the result was completed / observed as sent (ASTM R-13 / HL7 OBX-14 or OBX-19).
    pub observed_at: Option<String>,
    /// Operator or responsible observer (ASTM R-11 / HL7 OBX-16), never a patient.
    pub operator: Option<String>,
    /// Comments attached to this result (ASTM C after R / HL7 NTE after OBX).
    pub comments: Vec<Comment>,
}

/// A result value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ResultValue {
    /// A number, possibly with a comparator (`<0.06`, `>=16`) or a ratio/range second number.
    Numeric(NumericValue),
    /// A coded value: code, display text and coding system (HL7 CE/CWE; ASTM coded answers).
    Coded {
        /// The code.
        code: String,
        /// Display text, if sent.
        text: Option<String>,
        /// Coding system, if sent.
        system: Option<String>,
    },
    /// Free text (HL7 ST/TX/FT; ASTM non-numeric values such as `NOT DETECTED`).
    Text {
        /// The text.
        text: String,
    },
    /// No value sent.
    Empty,
}

/// A numeric value as sent: the text is kept so that `173.` stays `173.`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericValue {
    /// Comparator before the number.
    pub comparator: Comparator,
    /// The number.
    pub value: f64,
    /// Second number for ranges and ratios (HL7 SN `1^:^128`, `8^/^152`, `2^-^5`).
    pub second: Option<f64>,
    /// Separator between the two numbers (`:`, `/`, `-`, `+`), if any.
    pub separator: Option<String>,
    /// The value text exactly as sent (trimmed).
    pub text: String,
}

/// Comparator of a numeric value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// No comparator or `=`.
    #[serde(rename = "=")]
    Eq,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `<>`
    #[serde(rename = "<>")]
    Ne,
}

/// Result status, common to ASTM R-9 and HL7 OBX-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultStatus {
    /// Final (`F`).
    Final,
    /// Preliminary (`P`, `R` in ASTM = previously transmitted/preliminary).
    Preliminary,
    /// Correction of a previously final result (`C`).
    Corrected,
    /// Cannot be done / cancelled (`X`, `D` deleted).
    Cancelled,
    /// Pending / in progress / not yet verified (`I`, `S`, `W`, `Q` and other codes).
    Other,
    /// No status sent.
    Unknown,
}

/// A comment or note (ASTM C record, HL7 NTE segment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comment {
    /// Source of the comment (ASTM C-3 / HL7 NTE-2), e.g. `I` instrument, `L` lab.
    pub source: Option<String>,
    /// The text, components joined with a space.
    pub text: String,
    /// Comment type (ASTM C-5 / HL7 NTE-4 code).
    pub kind: Option<String>,
}

impl Comparator {
    /// Parse a comparator prefix; returns the comparator and the rest of the text.
    pub fn split_prefix(text: &str) -> (Comparator, &str) {
        for (prefix, cmp) in [
            ("<=", Comparator::Le),
            (">=", Comparator::Ge),
            ("<>", Comparator::Ne),
            ("<", Comparator::Lt),
            (">", Comparator::Gt),
            ("=", Comparator::Eq),
        ] {
            if let Some(rest) = text.strip_prefix(prefix) {
                return (cmp, rest);
            }
        }
        (Comparator::Eq, text)
    }
}

impl ResultStatus {
    /// Map a one-letter status code (ASTM R-9 or HL7 OBX-11).
    pub fn from_code(code: &str) -> ResultStatus {
        match code.trim() {
            "F" => ResultStatus::Final,
            "P" | "R" => ResultStatus::Preliminary,
            "C" => ResultStatus::Corrected,
            "X" | "D" => ResultStatus::Cancelled,
            "" => ResultStatus::Unknown,
            _ => ResultStatus::Other,
        }
    }
}

impl NumericValue {
    /// Read a plain number with an optional comparator prefix (`<0.5`, ` 10.1`, `173.`).
    /// Returns `None` when the text is not a number.
    pub fn parse(text: &str) -> Option<NumericValue> {
        let trimmed = text.trim();
        let (comparator, rest) = Comparator::split_prefix(trimmed);
        let number = rest.trim();
        if number.is_empty()
            || !number
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
            || !number.bytes().any(|b| b.is_ascii_digit())
        {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        value.is_finite().then(|| NumericValue {
            comparator,
            value,
            second: None,
            separator: None,
            text: trimmed.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_comparators_and_odd_spellings() {
        let v = NumericValue::parse("<=0.06").unwrap();
        assert_eq!((v.comparator, v.value), (Comparator::Le, 0.06));
        let v = NumericValue::parse("  173.").unwrap();
        assert_eq!(
            (v.comparator, v.value, v.text.as_str()),
            (Comparator::Eq, 173.0, "173.")
        );
        assert!(NumericValue::parse("NOT DETECTED").is_none());
        assert!(NumericValue::parse("").is_none());
        assert!(NumericValue::parse("-").is_none());
        assert!(NumericValue::parse("inf").is_none());
    }

    #[test]
    fn status_codes() {
        assert_eq!(ResultStatus::from_code("C"), ResultStatus::Corrected);
        assert_eq!(ResultStatus::from_code(""), ResultStatus::Unknown);
        assert_eq!(ResultStatus::from_code("W"), ResultStatus::Other);
    }
}
