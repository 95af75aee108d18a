//! Named compounds in lab results: an assay result, comment or report text
//! that names a compound (e.g. a confirmation report "fentanyl detected").
//!
//! Only the field and the reference name are reported, never the text
//! itself: comments may carry names of people.

use serde::Serialize;
use synthwatch_parsers::lab::{LabMessage, LabResult};

use crate::decode::value_text;
use crate::matching::chem::compounds::CompoundClass;

use super::Screener;

/// One compound named in one field of a result or message.
#[derive(Debug, Clone, Serialize)]
pub struct NamedCompound {
    /// Where: `test_name`, `test_code`, `value`, `comment[N]` or `message_comment[N]`.
    pub field: String,
    /// Compound id in the reference set.
    pub compound_id: String,
    /// Its class.
    pub class: &'static str,
    /// Reference name or synonym that matched.
    pub name: String,
}

/// What a result value says about the analyte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Detected, positive, present, or a concentration above zero.
    Present,
    /// Not detected, negative, absent, below a limit, or zero.
    Absent,
    /// Anything else.
    Unknown,
}

/// Read a result value as presence or absence (English report wording and
/// numbers; `<` values are below a limit of detection).
pub fn presence(value: &str) -> Presence {
    let v = value.trim().to_ascii_lowercase();
    const ABSENT: [&str; 7] = [
        "not detected",
        "none detected",
        "not present",
        "negative",
        "absent",
        "undetected",
        "nd",
    ];
    const PRESENT: [&str; 4] = ["detected", "positive", "present", "pos"];
    if ABSENT
        .iter()
        .any(|w| v == *w || v.starts_with(&format!("{w} ")) || v.contains(&format!(" {w}")))
        || v.starts_with('<')
        || v == "neg"
    {
        return Presence::Absent;
    }
    if PRESENT
        .iter()
        .any(|w| v.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w))
    {
        return Presence::Present;
    }
    match v.trim_start_matches(['=', '>']).trim().parse::<f64>() {
        Ok(x) if x > 0.0 => Presence::Present,
        Ok(_) => Presence::Absent,
        Err(_) => Presence::Unknown,
    }
}

/// Named compounds for one result (or, with `result` = None, the message's own comments).
#[derive(Debug, Clone, Serialize)]
pub struct LabFindings {
    /// Result index within the message, `None` for message-level comments.
    pub result: Option<usize>,
    /// Test code of the result.
    pub test_code: Option<String>,
    /// The compounds named.
    pub named_compounds: Vec<NamedCompound>,
}

/// The message-level comment mentions among stored named-compound findings
/// (their JSON evidence), so a sample's later indications keep what earlier
/// messages' comments named. Result comments are left out: they belong to a
/// result that a later message may correct. Unknown shapes are skipped.
pub fn earlier_comment_findings(evidence: &[serde_json::Value]) -> Vec<LabFindings> {
    let named = evidence
        .iter()
        .filter(|e| e.get("result").is_some_and(serde_json::Value::is_null))
        .filter_map(|e| e.get("named_compounds")?.as_array())
        .flatten()
        .filter_map(|n| {
            let field = n.get("field")?.as_str()?;
            let class = n.get("class")?.as_str()?;
            let class = CompoundClass::ALL
                .into_iter()
                .find(|c| c.as_str() == class)?;
            if !field.starts_with("message_comment") {
                return None;
            }
            Some(NamedCompound {
                field: field.to_owned(),
                compound_id: n.get("compound_id")?.as_str()?.to_owned(),
                class: class.as_str(),
                name: n.get("name")?.as_str()?.to_owned(),
            })
        })
        .collect::<Vec<_>>();
    if named.is_empty() {
        return Vec::new();
    }
    vec![LabFindings {
        result: None,
        test_code: None,
        named_compounds: named,
    }]
}

impl Screener {
    /// Named compounds in a lab message, one entry per result that names any.
    pub fn screen_lab_message(&self, message: &LabMessage) -> Vec<LabFindings> {
        let mut out: Vec<LabFindings> = message
            .results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let named = self.named_in_result(r);
                (!named.is_empty()).then(|| LabFindings {
                    result: Some(i),
                    test_code: Some(r.test_code.clone()),
                    named_compounds: named,
                })
            })
            .collect();
        let mut own = Vec::new();
        for (i, c) in message.comments.iter().enumerate() {
            self.names_in(&format!("message_comment[{i}]"), &c.text, &mut own);
        }
        if !own.is_empty() {
            out.push(LabFindings {
                result: None,
                test_code: None,
                named_compounds: own,
            });
        }
        out
    }

    /// Named compounds in a sample's current tests, given as
    /// `(test code, test name, value)`: one entry per test that names any.
    pub fn screen_tests(
        &self,
        tests: &[(String, Option<String>, Option<String>)],
    ) -> Vec<LabFindings> {
        tests
            .iter()
            .filter_map(|(code, name, value)| {
                let mut named = Vec::new();
                let presence = value.as_deref().map_or(Presence::Unknown, presence);
                // A test *named* after a compound says nothing unless its
                // value reports the compound present.
                if presence == Presence::Present {
                    self.names_in("test_code", code, &mut named);
                    if let Some(name) = name {
                        self.names_in("test_name", name, &mut named);
                    }
                }
                // A value naming compounds counts unless it negates them.
                if let (Some(value), false) = (value, presence == Presence::Absent) {
                    self.names_in("value", value, &mut named);
                }
                (!named.is_empty()).then(|| LabFindings {
                    result: None,
                    test_code: Some(code.clone()),
                    named_compounds: named,
                })
            })
            .collect()
    }

    fn named_in_result(&self, r: &LabResult) -> Vec<NamedCompound> {
        let mut named = Vec::new();
        self.names_in("test_code", &r.test_code, &mut named);
        for c in &r.test_components {
            self.names_in("test_code", c, &mut named);
        }
        if let Some(name) = &r.test_name {
            self.names_in("test_name", name, &mut named);
        }
        self.names_in("value", &value_text(&r.value), &mut named);
        for (i, c) in r.comments.iter().enumerate() {
            self.names_in(&format!("comment[{i}]"), &c.text, &mut named);
        }
        named
    }

    fn names_in(&self, field: &str, text: &str, out: &mut Vec<NamedCompound>) {
        for hit in self.names.find(text) {
            let duplicate = out
                .iter()
                .any(|n| n.field == field && n.compound_id == hit.compound_id);
            if !duplicate {
                out.push(NamedCompound {
                    field: field.to_owned(),
                    compound_id: hit.compound_id,
                    class: hit.class.as_str(),
                    name: hit.name,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{presence, Presence};

    #[test]
    fn report_wording_and_numbers_read_as_presence() {
        for v in [
            "Detected",
            "POSITIVE",
            "present",
            "3.2",
            ">100",
            "Isotonitazene detected",
        ] {
            assert_eq!(presence(v), Presence::Present, "{v}");
        }
        for v in [
            "Not detected",
            "negative",
            "<0.5",
            "0",
            "ND",
            "none detected in sample",
        ] {
            assert_eq!(presence(v), Presence::Absent, "{v}");
        }
        for v in ["see comment", "", "pending"] {
            assert_eq!(presence(v), Presence::Unknown, "{v}");
        }
    }
}
