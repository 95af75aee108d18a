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

/// The text of a text export: `bytes` without a leading UTF-8 byte-order
/// mark (`EF BB BF`, which Windows tools such as Notepad and Excel's "CSV
/// UTF-8" write) and without a trailing DOS end-of-file mark (Ctrl-Z, `1A`,
/// which old instrument software still appends). Line numbers are unchanged;
/// byte offsets count from after the mark.
pub fn text_body(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.iter().rposition(|&b| b != 0x1A) {
        Some(last) if last + 1 < bytes.len() => &bytes[..=last],
        Some(_) => bytes,
        None => &[],
    }
}

/// UTF-16 text (recognised by its byte-order mark, `FF FE` little-endian or
/// `FE FF` big-endian, as Windows "Unicode" exports have) as UTF-8; `None`
/// for anything else. Unpaired surrogates and an odd last byte become U+FFFD.
pub fn utf16_as_utf8(bytes: &[u8]) -> Option<Vec<u8>> {
    let (body, little) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => return None,
    };
    let (units, odd) = body.as_chunks::<2>();
    let units = units.iter().map(|&u| {
        if little {
            u16::from_le_bytes(u)
        } else {
            u16::from_be_bytes(u)
        }
    });
    let mut text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if !odd.is_empty() {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    Some(text.into_bytes())
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
    fn only_a_leading_bom_and_trailing_ctrl_z_are_dropped() {
        assert_eq!(text_body(b"\xEF\xBB\xBFName: x"), b"Name: x");
        assert_eq!(text_body(b"Name: x\xEF\xBB\xBF"), b"Name: x\xEF\xBB\xBF");
        assert_eq!(text_body(b"\xEF\xBB"), b"\xEF\xBB");
        assert_eq!(text_body(b"1 2\n\x1A"), b"1 2\n");
        assert_eq!(text_body(b"1 2\x1A\x1A"), b"1 2");
        assert_eq!(text_body(b"1\x1A2"), b"1\x1A2");
        assert_eq!(text_body(b"\x1A"), b"");
    }

    #[test]
    fn utf16_is_read_in_both_byte_orders() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Name: Müller\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Name: Müller\r\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [le, be] {
            assert_eq!(
                utf16_as_utf8(&bytes).as_deref(),
                Some("Name: Müller\r\n".as_bytes())
            );
        }
        assert_eq!(utf16_as_utf8(b"Name: x"), None);
        assert_eq!(
            utf16_as_utf8(&[0xFF, 0xFE, 0x41, 0x00, 0x42]).as_deref(),
            Some("A\u{FFFD}".as_bytes())
        );
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
