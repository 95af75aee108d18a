//! The mzXML event loop: scans (nested MS2 inside MS1 included) in start-tag
//! order, their precursor and their peaks.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::MzxmlError;
use super::peaks::{self, Encoding};
use super::time::duration_seconds;
use crate::mzml::xml::attr;
use crate::spectrum::{
    Ionisation, Mz, Polarity, Position, Spectrum, SpectrumFile, SpectrumKind, Warning,
};

/// A scan whose end tag has not been seen yet.
struct Open {
    /// Slot in the output (reserved at the start tag to keep file order).
    slot: usize,
    /// `num`, for messages.
    num: String,
    /// Declared `peaksCount`.
    peaks_count: Option<usize>,
    /// Where the start tag is.
    offset: usize,
}

/// What text we are inside, if it matters.
enum Text {
    None,
    Precursor,
    Peaks(Encoding, usize),
}

/// Reads every scan of an mzXML document.
pub(crate) fn read_document(doc: &[u8]) -> Result<SpectrumFile, MzxmlError> {
    let mut out = SpectrumFile::default();
    let mut open: Vec<Open> = Vec::new();
    let mut text = Text::None;
    let mut ionisation = None;
    let mut reader = Reader::from_reader(doc);
    loop {
        let offset = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| MzxmlError::Xml {
            offset: reader.error_position() as usize,
            reason: e.to_string(),
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"msIonisation" => {
                ionisation = attr(&e, b"value").map(|v| ionisation_of(&v));
            }
            Event::Start(e) if e.name().as_ref() == b"scan" => {
                open.push(start_scan(&e, offset, &mut out, ionisation));
            }
            Event::Empty(e) if e.name().as_ref() == b"scan" => {
                let scan = start_scan(&e, offset, &mut out, ionisation);
                end_scan(scan, &mut out);
            }
            Event::End(e) if e.name().as_ref() == b"scan" => {
                if let Some(scan) = open.pop() {
                    end_scan(scan, &mut out);
                }
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"precursorMz" => {
                if let Some(s) = open.last().and_then(|o| out.spectra.get_mut(o.slot)) {
                    precursor_attrs(s, &e);
                }
                text = Text::Precursor;
            }
            Event::Start(e) if e.name().as_ref() == b"peaks" => {
                text = Text::Peaks(Encoding::from_tag(&e), reader.buffer_position() as usize);
            }
            Event::Text(t) => {
                let Some(o) = open.last() else { continue };
                match &text {
                    Text::Precursor => {
                        if let (Some(s), Ok(v)) = (
                            out.spectra.get_mut(o.slot),
                            String::from_utf8_lossy(&t).trim().parse(),
                        ) {
                            s.precursor_mz = Some(Mz(v));
                        }
                    }
                    Text::Peaks(enc, at) => {
                        let (peaks, note) =
                            peaks::decode(&t, enc).map_err(|reason| MzxmlError::Peaks {
                                scan: o.num.clone(),
                                offset: *at,
                                reason,
                            })?;
                        if let Some(s) = out.spectra.get_mut(o.slot) {
                            s.peaks = peaks;
                        }
                        out.warnings.extend(note.map(|m| Warning {
                            position: Position::Byte(*at),
                            message: format!("scan {}: {m}", o.num),
                        }));
                    }
                    Text::None => {}
                }
            }
            Event::End(_) => text = Text::None,
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(o) = open.last() {
        return Err(MzxmlError::Truncated {
            scan: o.num.clone(),
            offset: doc.len(),
        });
    }
    if memchr::memmem::rfind(doc, b"</mzXML>").is_none() {
        return Err(MzxmlError::Truncated {
            scan: "?".to_owned(),
            offset: doc.len(),
        });
    }
    Ok(out)
}

fn ionisation_of(value: &str) -> Ionisation {
    match value.trim().to_ascii_uppercase().as_str() {
        "ESI" | "NSI" | "ELECTROSPRAY" | "NANOSPRAY" => Ionisation::Electrospray,
        "EI" => Ionisation::ElectronIonisation,
        _ => Ionisation::Other,
    }
}

/// Reserves the scan's output slot and fills it from the `<scan>` attributes.
fn start_scan(
    e: &BytesStart<'_>,
    offset: usize,
    out: &mut SpectrumFile,
    ionisation: Option<Ionisation>,
) -> Open {
    let mut s = Spectrum {
        kind: Some(SpectrumKind::Mass),
        ionisation,
        ..Spectrum::default()
    };
    let mut note = |m: String| {
        out.warnings.push(Warning {
            position: Position::Byte(offset),
            message: m,
        })
    };
    let num = attr(e, b"num").unwrap_or_else(|| "?".to_owned());
    for a in e.attributes().with_checks(false).flatten() {
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = String::from_utf8_lossy(&a.value).into_owned();
        match key.as_str() {
            "msLevel" => match value.trim().parse() {
                Ok(v) => s.ms_level = Some(v),
                Err(_) => note(format!("scan {num}: msLevel \"{value}\" is not a small integer; ignored")),
            },
            "polarity" => {
                s.polarity = Some(match value.trim() {
                    "+" => Polarity::Positive,
                    "-" => Polarity::Negative,
                    _ => Polarity::Unknown,
                })
            }
            "retentionTime" => match duration_seconds(&value) {
                Some(t) => s.retention_time_s = Some(t),
                None => note(format!("scan {num}: retentionTime \"{value}\" is not an xs:duration like PT1M2.5S; ignored")),
            },
            "collisionEnergy" => s.collision_energy = Some(format!("{} eV", value.trim())),
            _ => {}
        }
        s.header.push(key, value);
    }
    s.ids.push(("scan num".into(), num.clone()));
    let peaks_count = attr(e, b"peaksCount").and_then(|v| v.trim().parse().ok());
    out.spectra.push(s);
    Open {
        slot: out.spectra.len() - 1,
        num,
        peaks_count,
        offset,
    }
}

/// `<precursorMz>` attributes (charge, activation, energy) onto its scan.
fn precursor_attrs(s: &mut Spectrum, e: &BytesStart<'_>) {
    if let Some(z) = attr(e, b"precursorCharge").and_then(|v| v.trim().parse::<i32>().ok()) {
        // mzXML writes charge magnitudes; the sign comes from the polarity.
        s.charge = Some(if s.polarity == Some(Polarity::Negative) && z > 0 {
            -z
        } else {
            z
        });
    }
    if let Some(ce) = attr(e, b"collisionEnergy") {
        s.collision_energy = Some(format!("{} eV", ce.trim()));
    }
    for a in e.attributes().with_checks(false).flatten() {
        let key = format!("precursorMz.{}", String::from_utf8_lossy(a.key.as_ref()));
        s.header.push(key, String::from_utf8_lossy(&a.value));
    }
}

/// Checks the declared peak count once the scan is complete.
fn end_scan(scan: Open, out: &mut SpectrumFile) {
    let n = out.spectra.get(scan.slot).map_or(0, |s| s.peaks.len());
    if let Some(declared) = scan.peaks_count {
        if declared != n {
            out.warnings.push(Warning {
                position: Position::Byte(scan.offset),
                message: format!(
                    "scan {}: peaksCount=\"{declared}\" but {n} peaks were decoded",
                    scan.num
                ),
            });
        }
    }
}
