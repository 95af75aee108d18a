//! Plain-language summaries and caveats of published indications.
//! They name classes and rules, never patients, and never claim an identification.

use crate::matching::rules::ClassFlag;
use crate::screen::{LabFindings, SpectrumFindings, StripFindings};

/// Said of every spectral class indication.
pub const CLASS_CAVEAT: &str = "A class indication from fragment ions is not an identification; \
confirm with a reference method before acting on a specific compound.";

/// Said of every named-compound indication.
pub const NAMED_CAVEAT: &str = "The compound is named in the laboratory report text; \
the indication repeats the report and adds no analysis.";

/// Said of an indication from a spectrum file read only in part.
pub const READ_IN_PART: &str = "Only part of the file could be read (it was cut short or \
damaged); spectra after the fault were not screened. Preliminary until the complete file arrives.";

/// Classes flagged, sorted and deduplicated (`nitazene`, `fentanyl`).
pub fn classes(flags: &[&ClassFlag]) -> Vec<String> {
    let mut out: Vec<String> = flags.iter().map(|f| f.class.as_str().to_owned()).collect();
    out.sort();
    out.dedup();
    out
}

/// Summary of the spectra of one sample.
pub fn spectra_summary(findings: &[SpectrumFindings]) -> (String, Vec<String>, Vec<String>) {
    let flags: Vec<&ClassFlag> = findings.iter().flat_map(|f| &f.class_flags).collect();
    let classes = classes(&flags);
    if classes.is_empty() {
        let hits = findings
            .iter()
            .filter(|f| !f.library_hits.is_empty())
            .count();
        return (
            format!(
                "No nitazene or fentanyl class indication in {} spectra ({hits} with library hits).",
                findings.len()
            ),
            Vec::new(),
            classes,
        );
    }
    let mut rules: Vec<&str> = flags.iter().map(|f| &*f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    (
        format!(
            "Possible {} class compound(s) in {} of {} spectra (rules: {}).",
            classes.join(" and "),
            findings
                .iter()
                .filter(|f| !f.class_flags.is_empty())
                .count(),
            findings.len(),
            rules.join(", ")
        ),
        vec![CLASS_CAVEAT.to_owned()],
        classes,
    )
}

/// Summary of a lab message's named compounds.
pub fn lab_summary(
    results: usize,
    named: &[LabFindings],
    corrected: bool,
) -> (String, Vec<String>, Vec<String>) {
    let (text, caveats, classes) = lab_summary_plain(results, named);
    // A correction must publish a new version even when the values are unchanged.
    let text = if corrected {
        format!("{text} Includes corrected results.")
    } else {
        text
    };
    (text, caveats, classes)
}

fn lab_summary_plain(results: usize, named: &[LabFindings]) -> (String, Vec<String>, Vec<String>) {
    let mut names: Vec<(String, &'static str)> = named
        .iter()
        .flat_map(|f| &f.named_compounds)
        .map(|n| (n.name.clone(), n.class))
        .collect();
    names.sort();
    names.dedup();
    let mut classes: Vec<String> = names
        .iter()
        .filter(|(_, c)| matches!(*c, "nitazene" | "fentanyl"))
        .map(|(_, c)| (*c).to_owned())
        .collect();
    classes.sort();
    classes.dedup();
    if names.is_empty() {
        return (
            format!("No compound of interest named in {results} laboratory results."),
            Vec::new(),
            classes,
        );
    }
    let listed: Vec<String> = names.iter().map(|(n, c)| format!("{n} ({c})")).collect();
    (
        format!("Laboratory report names {}.", listed.join(", ")),
        vec![NAMED_CAVEAT.to_owned()],
        classes,
    )
}

/// Summary of a strip call.
pub fn strip_summary(f: &StripFindings) -> (String, Vec<String>, Vec<String>) {
    let i = &f.interpretation;
    let target = f
        .target
        .and_then(|t| serde_json::to_value(t).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    let classes = match (i.call.as_str(), target.as_str()) {
        ("positive", "fentanyl" | "nitazene") => vec![target.clone()],
        _ => Vec::new(),
    };
    let caveats = i.caveats.iter().map(|c| c.text.clone()).collect();
    (
        format!("{target} test strip: {} ({}).", i.call.as_str(), i.reason),
        caveats,
        classes,
    )
}
