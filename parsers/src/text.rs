//! Text helpers shared by the protocol parsers.

/// Decode ISO 8859-1 (Latin-1) bytes: every byte maps to the code point of the
/// same value, so decoding never fails. Instruments send Latin-1 (`Müller`).
pub fn latin1(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        // Pure ASCII is identical in both encodings; skip the per-byte copy.
        Ok(s) if bytes.is_ascii() => s.to_owned(),
        _ => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// `bytes` without a leading UTF-8 byte-order mark (`EF BB BF`), which
/// Windows tools (Notepad, Excel's "CSV UTF-8") put before text exports. Line
/// numbers are unchanged by dropping it; byte offsets then count from after it.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Trim ASCII spaces (instruments pad fixed-width fields with them).
pub fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_leading_bom_is_dropped() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBFName: x"), b"Name: x");
        assert_eq!(strip_bom(b"Name: x\xEF\xBB\xBF"), b"Name: x\xEF\xBB\xBF");
        assert_eq!(strip_bom(b"\xEF\xBB"), b"\xEF\xBB");
    }

    #[test]
    fn latin1_maps_high_bytes() {
        assert_eq!(latin1(b"M\xfcller"), "Müller");
        assert_eq!(latin1(b"plain"), "plain");
    }

    #[test]
    fn trims_padding_only_at_the_ends() {
        assert_eq!(trim_spaces(b"  a b  "), b"a b");
        assert_eq!(trim_spaces(b"    "), b"");
        assert_eq!(trim_spaces(b""), b"");
    }
}
