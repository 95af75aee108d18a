//! Content sniffing: recognise an input by its bytes, not its file name, so a
//! file dropped in a folder (or a capture with a wrong extension) is read right.

use memchr::memchr;

/// What an input looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// Galactic/Thermo SPC binary spectrum.
    Spc,
    /// mzML, indexed mzML or gzip-compressed mzML.
    Mzml,
    /// mzXML.
    Mzxml,
    /// PNG or JPEG photo (a test strip).
    StripPhoto,
    /// Strip-reader CSV export in the documented schema.
    StripCsv,
    /// JCAMP-DX.
    Jcamp,
    /// Mascot generic format.
    Mgf,
    /// MassBank record(s).
    MassBank,
    /// NIST MSP text (and its dialects).
    Msp,
    /// A vendor peak list (Agilent MassHunter CSV, Thermo spectrum list, DART-MS text).
    PeakList,
    /// ASTM E1381 link-layer bytes: frames (`STX` …), possibly with `ENQ`/`EOT`.
    AstmCapture,
    /// Bare ASTM E1394 records separated by CR, LF or CRLF (starts with `H` + delimiters).
    AstmRecords,
    /// HL7 v2 in MLLP framing (`VT` … `FS CR`).
    Hl7Mllp,
    /// Bare HL7 v2 ER7 (`MSH`, `BHS` or `FHS` first).
    Hl7Er7,
}

/// How far into a file sniffing looks: enough to get past a noisy line start.
const SNIFF_WINDOW: usize = 4096;

/// Recognise the format of `bytes`; `None` when it is none of the above.
///
/// Binary formats are tried first (an SPC or a photo may hold STX bytes),
/// then the protocols, then the text formats, most specific first: the
/// two-column peak list, which almost any numeric text resembles, is last.
pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    if crate::spc::sniff(bytes) {
        return Some(Sniffed::Spc);
    }
    #[cfg(feature = "strips")]
    if crate::strips::sniff_photo(bytes) {
        return Some(Sniffed::StripPhoto);
    }
    #[cfg(feature = "mzml")]
    {
        if crate::mzml::sniff(bytes) {
            return Some(Sniffed::Mzml);
        }
        if crate::mzxml::sniff(bytes) {
            return Some(Sniffed::Mzxml);
        }
    }
    if let Some(protocol) = sniff_protocol(bytes) {
        return Some(protocol);
    }
    sniff_text_file(crate::text::text_body(bytes))
}

fn sniff_text_file(bytes: &[u8]) -> Option<Sniffed> {
    if crate::jcamp::sniff(bytes) {
        return Some(Sniffed::Jcamp);
    }
    if crate::mgf::sniff(bytes) {
        return Some(Sniffed::Mgf);
    }
    if crate::massbank::sniff(bytes) {
        return Some(Sniffed::MassBank);
    }
    if crate::msp::sniff(bytes) {
        return Some(Sniffed::Msp);
    }
    #[cfg(feature = "strips")]
    if crate::strips::sniff_csv(bytes) {
        return Some(Sniffed::StripCsv);
    }
    crate::peaklist::sniff(bytes).map(|_| Sniffed::PeakList)
}

/// Recognise an instrument protocol (ASTM or HL7) only.
pub fn sniff_protocol(bytes: &[u8]) -> Option<Sniffed> {
    let head = bytes.get(..SNIFF_WINDOW).unwrap_or(bytes);
    let text = skip_blank(crate::text::text_body(head));
    if starts_with_hl7_header(text) || looks_like_hl7_segment(text) {
        return Some(Sniffed::Hl7Er7);
    }
    if looks_like_astm_header(text) || looks_like_astm_record(text) {
        return Some(Sniffed::AstmRecords);
    }
    if let Some(vt) = memchr(0x0b, head) {
        if starts_with_hl7_header(head.get(vt + 1..).unwrap_or_default()) {
            return Some(Sniffed::Hl7Mllp);
        }
    }
    // STX or ENQ anywhere near the start: a link-layer capture (may still turn
    // out not to be ASTM, which the capture reader then reports precisely).
    if head.iter().any(|&b| b == 0x02 || b == 0x05) {
        return Some(Sniffed::AstmCapture);
    }
    None
}

fn skip_blank(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn starts_with_hl7_header(text: &[u8]) -> bool {
    let Some(id) = text.get(..3) else {
        return false;
    };
    matches!(id, b"MSH" | b"BHS" | b"FHS")
        && text.get(3).is_some_and(|d| is_delimiter(*d))
        && text.get(4).is_some_and(|d| is_delimiter(*d))
}

/// `H` followed by at least three distinct delimiter characters: `H|\^&`, `H|@^\`, `H|\^|`.
fn looks_like_astm_header(text: &[u8]) -> bool {
    match text.get(..4) {
        Some([b'H', field, repeat, component]) => {
            is_delimiter(*field)
                && is_delimiter(*repeat)
                && is_delimiter(*component)
                && field != repeat
                && field != component
                && repeat != component
        }
        _ => false,
    }
}

/// A segment id (`PID|`, `OBX|`) first: HL7 without its MSH, which the ER7
/// parser then rejects precisely instead of "unknown format".
fn looks_like_hl7_segment(text: &[u8]) -> bool {
    match text.get(..4) {
        Some([a, b, c, b'|']) => {
            a.is_ascii_uppercase()
                && (b.is_ascii_uppercase() || b.is_ascii_digit())
                && (c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        _ => false,
    }
}

/// A record of a known E1394 type and `|`: records without their H header, which
/// the record layer then rejects with a precise message instead of "unknown format".
fn looks_like_astm_record(text: &[u8]) -> bool {
    matches!(
        text.get(..2),
        Some([b'P' | b'O' | b'R' | b'C' | b'Q' | b'M' | b'S' | b'L', b'|'])
    )
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_punctuation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_formats_are_not_taken_for_protocols() {
        assert_eq!(
            sniff(b"Name: fentanyl\nNum Peaks: 1\n105 999\n"),
            Some(Sniffed::Msp)
        );
        assert_eq!(
            sniff(b"BEGIN IONS\nPEPMASS=337.2\n105 1\nEND IONS\n"),
            Some(Sniffed::Mgf)
        );
        assert_eq!(
            sniff(b"##TITLE=x\n##JCAMP-DX=4.24\n##END=\n"),
            Some(Sniffed::Jcamp)
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(Sniffed::StripPhoto));
    }

    #[test]
    fn recognises_each_protocol_by_content() {
        assert_eq!(sniff(b"MSH|^~\\&|A|B\r"), Some(Sniffed::Hl7Er7));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF\r\nMSH|^~\\&#|A\r"),
            Some(Sniffed::Hl7Er7)
        );
        assert_eq!(sniff(b"noise\x0bMSH|^~\\&|A\x1c\r"), Some(Sniffed::Hl7Mllp));
        assert_eq!(
            sniff(b"\x021H|\\^&|||X\r\x0312\r\n"),
            Some(Sniffed::AstmCapture)
        );
        assert_eq!(sniff(b"\x05\x021H"), Some(Sniffed::AstmCapture));
        assert_eq!(sniff(b"H|\\^&|||X\rL|1\r"), Some(Sniffed::AstmRecords));
        assert_eq!(sniff(b"H|@^\\|x\n"), Some(Sniffed::AstmRecords));
        assert_eq!(sniff(b"Hello world"), None);
        assert_eq!(sniff(b"H|||"), None);
        assert_eq!(sniff(b"P|1\rO|1|X\r"), Some(Sniffed::AstmRecords));
        assert_eq!(sniff(b"PID|1||X\r"), Some(Sniffed::Hl7Er7));
        assert_eq!(sniff(b""), None);
    }
}
