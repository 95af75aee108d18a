//! Accession-keyed cvParams of one `<spectrum>` element.
//!
//! mzdata fills its typed fields by cvParam *name* (and defaults absent ones to
//! 0), so a file with a wrong name or a missing term would be misread. We scan
//! the spectrum's own bytes (located by mzdata) and key on accessions only.
//!
//! The scan runs for every spectrum, so it is a light tag scanner whose
//! cvParams borrow their text from the document; anything it does not read
//! plainly goes through quick-xml, and the tests check it against the
//! quick-xml scan it replaced, on edge cases and on every shared mzML file.

use std::borrow::Cow;
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

impl Scope {
    /// The scope of a child element `name` opened inside this one.
    pub(crate) fn child(self, name: &[u8]) -> Scope {
        match name {
            b"spectrum" => Scope::Spectrum,
            b"scanList" if self == Scope::Spectrum => Scope::Scan,
            b"scan" if self == Scope::Scan => Scope::Scan,
            b"precursor" => Scope::Precursor,
            b"selectedIon" if self == Scope::Precursor => Scope::SelectedIon,
            b"activation" if self == Scope::Precursor => Scope::Activation,
            b"selectedIonList" if self == Scope::Precursor => Scope::Precursor,
            _ => Scope::Other,
        }
    }
}

/// One cvParam as written; text is borrowed from the document where it can
/// be (it usually can: nothing to unescape), so a spectrum's dozen cvParams
/// cost no allocations here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CvParam<'a> {
    /// `MS:1000511`, `UO:0000031`, …
    pub accession: Cow<'a, str>,
    /// Name as written (may be wrong; never used for meaning).
    pub name: Cow<'a, str>,
    /// Value as written, empty if none.
    pub value: Cow<'a, str>,
    /// `unitAccession`, if any.
    pub unit: Option<Cow<'a, str>>,
}

impl CvParam<'_> {
    /// The same cvParam, borrowing this one's text.
    fn borrowed(&self) -> CvParam<'_> {
        CvParam {
            accession: Cow::Borrowed(&self.accession),
            name: Cow::Borrowed(&self.name),
            value: Cow::Borrowed(&self.value),
            unit: self.unit.as_deref().map(Cow::Borrowed),
        }
    }
}

/// `<referenceableParamGroup id>` → its cvParams, from the document header.
pub(crate) type RefGroups = HashMap<String, Vec<CvParam<'static>>>;

/// One cvParam read from a start or empty tag; `None` without an accession.
fn cv_param(e: &BytesStart<'_>) -> Option<CvParam<'static>> {
    // One pass over the attributes.
    let mut p = CvParam {
        accession: Cow::Borrowed(""),
        name: Cow::Borrowed(""),
        value: Cow::Borrowed(""),
        unit: None,
    };
    for a in e.attributes().with_checks(false).flatten() {
        let slot = match a.key.as_ref() {
            b"accession" => &mut p.accession,
            b"name" => &mut p.name,
            b"value" => &mut p.value,
            b"unitAccession" => p.unit.get_or_insert(Cow::Borrowed("")),
            _ => continue,
        };
        *slot = Cow::Owned(match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        });
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
///
/// mzdata has already parsed these bytes as XML, so a light tag scanner is
/// enough here (it runs for every spectrum): comments, CDATA, processing
/// instructions and text are skipped, `>` inside quoted attribute values is
/// honoured, and any cvParam whose attributes need more than plain reading
/// (entities, whitespace to normalise, unusual syntax) goes through
/// quick-xml's attribute parser exactly as before.
pub(crate) fn spectrum_params<'a>(
    xml: &'a [u8],
    groups: &'a RefGroups,
) -> Vec<(Scope, CvParam<'a>)> {
    let mut out = Vec::with_capacity(32);
    // Open elements: scope and name (an end tag must match, as in quick-xml).
    let mut stack: Vec<(Scope, &[u8])> = Vec::new();
    // The schema puts the binary arrays last, so metadata ends where they start.
    let xml = match memchr::memmem::find(xml, b"<binaryDataArrayList") {
        Some(end) => xml.get(..end).unwrap_or(xml),
        None => xml,
    };
    for tag in (Tags { xml, at: 0 }) {
        let (raw, content, empty) = match tag {
            Tag::End(name) => {
                let name = name.trim_ascii_end();
                match stack.pop() {
                    Some((_, open)) if open == name => continue,
                    // A stray or mismatched end tag: stop, as the XML reader would.
                    _ => break,
                }
            }
            Tag::Start(raw, content) => (raw, content, false),
            Tag::Empty(raw, content) => (raw, content, true),
        };
        let name_len = content
            .iter()
            .position(|b| is_space(*b))
            .unwrap_or(content.len());
        let name = content.get(..name_len).unwrap_or_default();
        let here = stack.last().map_or(Scope::Other, |(scope, _)| *scope);
        match name {
            b"cvParam" => {
                let p = match fast_cv_param(content.get(name_len..).unwrap_or_default()) {
                    Some(p) => p,
                    None => quick_xml_tag(raw).and_then(|e| cv_param(&e)),
                };
                out.extend(p.map(|p| (here, p)));
            }
            b"referenceableParamGroupRef" => {
                let r = quick_xml_tag(raw).and_then(|e| attr(&e, b"ref"));
                let params = r.and_then(|r| groups.get(&r));
                out.extend(params.into_iter().flatten().map(|p| (here, p.borrowed())));
            }
            _ => {}
        }
        if !empty {
            stack.push((here.child(name), name));
        }
    }
    out
}

/// XML white space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// One markup item of interest to [`spectrum_params`].
enum Tag<'a> {
    /// `<name attrs>`: the whole tag, and the bytes between `<` and `>`.
    Start(&'a [u8], &'a [u8]),
    /// `<name attrs/>`: the whole tag, and the bytes between `<` and `/>`.
    Empty(&'a [u8], &'a [u8]),
    /// `</name>`: the bytes between `</` and `>`.
    End(&'a [u8]),
}

/// Start, empty and end tags of a slice of XML, in order; comments, CDATA,
/// processing instructions, declarations and text are skipped. Stops at the
/// first construct that is not closed.
struct Tags<'a> {
    xml: &'a [u8],
    at: usize,
}

impl Tags<'_> {
    /// Moves past the first `close` at or after `from`; false if there is none.
    fn skip_past(&mut self, from: usize, close: &[u8]) -> bool {
        let rest = self.xml.get(from..).unwrap_or_default();
        match memchr::memmem::find(rest, close) {
            Some(i) => {
                self.at = from + i + close.len();
                true
            }
            None => false,
        }
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        loop {
            let rest = self.xml.get(self.at..)?;
            // Usually a few bytes of indentation: a plain scan beats memchr's set-up.
            let lt = self.at + rest.iter().position(|&b| b == b'<')?;
            let after = self.xml.get(lt + 1..)?;
            match after.first()? {
                b'!' => {
                    let closed = if after.starts_with(b"!--") {
                        self.skip_past(lt + 4, b"-->")
                    } else if after.starts_with(b"![CDATA[") {
                        self.skip_past(lt + 9, b"]]>")
                    } else {
                        self.skip_past(lt + 1, b">")
                    };
                    if !closed {
                        return None;
                    }
                }
                b'?' => {
                    if !self.skip_past(lt + 2, b"?>") {
                        return None;
                    }
                }
                b'/' => {
                    let gt = memchr::memchr(b'>', after)?;
                    self.at = lt + 1 + gt + 1;
                    return Some(Tag::End(after.get(1..gt)?));
                }
                _ => {
                    // The closing `>`, skipping quoted attribute values.
                    let mut i = 0;
                    let gt = loop {
                        let j = i + memchr::memchr3(b'>', b'"', b'\'', after.get(i..)?)?;
                        match after.get(j)? {
                            b'>' => break j,
                            q => {
                                let q = *q;
                                let close = after.get(j + 1..)?.iter().position(|&b| b == q)?;
                                i = j + 1 + close + 1;
                            }
                        }
                    };
                    self.at = lt + 1 + gt + 1;
                    let raw = self.xml.get(lt..self.at)?;
                    let content = after.get(..gt)?;
                    return Some(match content.strip_suffix(b"/") {
                        Some(inner) => Tag::Empty(raw, inner),
                        None => Tag::Start(raw, content),
                    });
                }
            }
        }
    }
}

/// One start or empty tag (`raw`, from `<` to `>`) as quick-xml reads it.
fn quick_xml_tag(raw: &[u8]) -> Option<BytesStart<'_>> {
    match Reader::from_reader(raw).read_event() {
        Ok(Event::Start(e)) | Ok(Event::Empty(e)) => Some(e),
        _ => None,
    }
}

/// A cvParam from the attribute bytes after the element name, when every
/// attribute is plainly `key="value"` (or single-quoted) with nothing in the
/// value to unescape or normalise and valid UTF-8; `None` means "use
/// quick-xml" (the result then is the same, only slower to get).
// Kept out of line: inlined into the tag loop, its byte scans lost their
// counters to the stack (several times slower).
#[inline(never)]
fn fast_cv_param(attrs: &[u8]) -> Option<Option<CvParam<'_>>> {
    let mut p = CvParam {
        accession: Cow::Borrowed(""),
        name: Cow::Borrowed(""),
        value: Cow::Borrowed(""),
        unit: None,
    };
    let n = attrs.len();
    let mut i = 0;
    loop {
        while i < n && is_space(attrs[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        // The key runs to `=`; white space or a quote before it is unusual
        // syntax, left to quick-xml.
        let key_start = i;
        while i < n && !matches!(attrs[i], b'=' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'') {
            i += 1;
        }
        if attrs.get(i) != Some(&b'=') || i == key_start {
            return None;
        }
        let key = attrs.get(key_start..i)?;
        let quote = *attrs.get(i + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let body = attrs.get(i + 2..)?;
        let len = memchr::memchr(quote, body)?;
        let value = body.get(..len)?;
        i += 2 + len + 1;
        // Attributes must be separated by white space.
        if attrs.get(i).is_some_and(|b| !is_space(*b)) {
            return None;
        }
        let slot = match key {
            b"accession" => &mut p.accession,
            b"name" => &mut p.name,
            b"value" => &mut p.value,
            b"unitAccession" => p.unit.get_or_insert(Cow::Borrowed("")),
            _ => continue,
        };
        if value
            .iter()
            .any(|b| matches!(b, b'&' | b'\t' | b'\r' | b'\n'))
        {
            return None;
        }
        *slot = Cow::Borrowed(std::str::from_utf8(value).ok()?);
    }
    Some((!p.accession.is_empty()).then_some(p))
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
