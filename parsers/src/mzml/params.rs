//! Accession-keyed cvParams of one `<spectrum>` element.
//!
//! mzdata fills its typed fields by cvParam *name* (and defaults absent ones to
//! 0), so a file with a wrong name or a missing term would be misread. We scan
//! the spectrum's own bytes (located by mzdata) and key on accessions only.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::xml::attr;

/// Which element a cvParam sits in, since the same accession means different
/// things in different places (e.g. a scan's vs. a chromatogram's time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Directly in `<spectrum>`.
    Spectrum,
    /// In `<scanList>` / `<scan>` (first scan only matters for RT).
    Scan,
    /// In `<precursor>` outside `<selectedIon>` / `<activation>`.
    Precursor,
    /// In `<selectedIon>`.
    SelectedIon,
    /// In `<activation>`.
    Activation,
    /// Anywhere else (scan windows, products, …).
    Other,
}

/// One cvParam as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CvParam {
    /// `MS:1000511`, `UO:0000031`, …
    pub accession: String,
    /// Name as written (may be wrong; never used for meaning).
    pub name: String,
    /// Value as written, empty if none.
    pub value: String,
    /// `unitAccession`, if any.
    pub unit: Option<String>,
}

/// `<referenceableParamGroup id>` → its cvParams, from the document header.
pub(crate) type RefGroups = HashMap<String, Vec<CvParam>>;

/// One cvParam read from a start or empty tag; `None` without an accession.
fn cv_param(e: &BytesStart<'_>) -> Option<CvParam> {
    // One pass over the attributes: this runs for every cvParam in the file.
    let mut p = CvParam {
        accession: String::new(),
        name: String::new(),
        value: String::new(),
        unit: None,
    };
    for a in e.attributes().with_checks(false).flatten() {
        let slot = match a.key.as_ref() {
            b"accession" => &mut p.accession,
            b"name" => &mut p.name,
            b"value" => &mut p.value,
            b"unitAccession" => p.unit.get_or_insert_with(String::new),
            _ => continue,
        };
        *slot = match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        };
    }
    (!p.accession.is_empty()).then_some(p)
}

/// The referenceable param groups declared before `<run>`. Best effort: a
/// malformed header yields the groups read so far (mzdata reports the error).
pub(crate) fn ref_groups(doc: &[u8]) -> RefGroups {
    let mut groups = RefGroups::new();
    let mut reader = Reader::from_reader(doc);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"referenceableParamGroup" => {
                    current = attr(&e, b"id");
                    if let Some(id) = &current {
                        groups.entry(id.clone()).or_default();
                    }
                }
                b"cvParam" => {
                    if let (Some(id), Some(p)) = (&current, cv_param(&e)) {
                        groups.entry(id.clone()).or_default().push(p);
                    }
                }
                // Groups are declared before the run; stop scanning there.
                b"run" | b"spectrumList" => break,
                _ => {}
            },
            Ok(Event::End(e)) if e.name().as_ref() == b"referenceableParamGroup" => current = None,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    groups
}

/// Every cvParam of one `<spectrum>` element (`xml` is its bytes), in order,
/// with its scope; referenceable groups are expanded in place. Binary data
/// arrays are skipped: mzdata decodes those.
pub(crate) fn spectrum_params(xml: &[u8], groups: &RefGroups) -> Vec<(Scope, CvParam)> {
    let mut out = Vec::new();
    let mut stack: Vec<Scope> = Vec::new();
    // The schema puts the binary arrays last, so metadata ends where they start.
    let xml = match memchr::memmem::find(xml, b"<binaryDataArrayList") {
        Some(end) => xml.get(..end).unwrap_or(xml),
        None => xml,
    };
    let mut reader = Reader::from_reader(xml);
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                stack.pop();
                continue;
            }
            // mzdata has already parsed this slice; an error here means the
            // slice bounds were off, and what we have is the best we can do.
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let here = stack.last().copied().unwrap_or(Scope::Other);
        match e.name().as_ref() {
            b"cvParam" => out.extend(cv_param(&e).map(|p| (here, p))),
            b"referenceableParamGroupRef" => {
                let params = attr(&e, b"ref").and_then(|r| groups.get(&r));
                out.extend(params.into_iter().flatten().map(|p| (here, p.clone())));
            }
            b"binaryDataArrayList" if !empty => {
                // Skip the base64 payloads wholesale.
                let _ = reader.read_to_end(e.name());
                continue;
            }
            _ => {}
        }
        if !empty {
            let scope = match e.name().as_ref() {
                b"spectrum" => Scope::Spectrum,
                b"scanList" if here == Scope::Spectrum => Scope::Scan,
                b"scan" if here == Scope::Scan => Scope::Scan,
                b"precursor" => Scope::Precursor,
                b"selectedIon" if here == Scope::Precursor => Scope::SelectedIon,
                b"activation" if here == Scope::Precursor => Scope::Activation,
                b"selectedIonList" if here == Scope::Precursor => Scope::Precursor,
                _ => Scope::Other,
            };
            stack.push(scope);
        }
    }
    out
}
