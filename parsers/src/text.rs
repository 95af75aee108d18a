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
