//! Text exports as Windows and DOS-era tools write them: a UTF-8 byte-order
//! mark first (Notepad, Excel's "CSV UTF-8"), a Ctrl-Z end-of-file mark last
//! (old instrument software), or UTF-16 with its byte-order mark (Windows
//! "Unicode"). Every text format must read the same in each form as plain
//! UTF-8: same format, same content, same warnings and errors (UTF-16 adds
//! one note saying it was converted).

mod common;

use std::path::PathBuf;

use synthwatch::decode::{decode, DecodedInput, Format};

/// One text input of every text format from the project's fixtures … (In a
/// framed capture — MLLP, an ASTM line capture — a BOM is three bytes outside
/// any frame, and reported as such.)
const FIXTURES: &[&str] = &[
    "hl7/tox-named.hl7",
    "astm/bare-records.txt",
    "spectra/synthetic-esi.msp",
    "peaklist/agilent-masshunter.csv",
    "peaklist/dart-voltage-header.txt",
    "peaklist/thermo-spectrum-list.txt",
    "strips/strip-reader-export.csv",
];

/// … and from the shared data, when it is present.
const SHARED: &[&str] = &[
    "msp/dialects/comments_with_quotes.msp",
    "mgf/matchms-pesticides.mgf",
    "jcamp/infrared_spectra/carbon_dioxide.jdx",
    "massbank/street-drugs/MSBNK-BAFG-CSL23111018612.txt",
];

/// Everything a reader produced, as comparable text.
fn summary(d: &DecodedInput) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        d.format,
        d.messages
            .iter()
            .map(|m| format!("{:?}", m.message))
            .collect::<Vec<_>>(),
        d.spectra,
        d.strip_readings,
        d.warnings,
        d.errors,
        d.notes
    )
}

/// The input in each export form, and whether its reading adds the UTF-16 note.
fn variants(bytes: &[u8]) -> Vec<(&'static str, Vec<u8>, bool)> {
    let mut v = vec![
        ("BOM", [b"\xEF\xBB\xBF".as_slice(), bytes].concat(), false),
        ("Ctrl-Z", [bytes, b"\x1A".as_slice()].concat(), false),
        (
            "BOM and Ctrl-Z",
            [b"\xEF\xBB\xBF".as_slice(), bytes, b"\x1A"].concat(),
            false,
        ),
    ];
    // Only UTF-8 text has a UTF-16 form (Latin-1 instrument text does not).
    if let Ok(text) = std::str::from_utf8(bytes) {
        let le = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes));
        let be = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes));
        v.push(("UTF-16LE", le.collect(), true));
        v.push(("UTF-16BE", be.collect(), true));
    }
    v
}

#[test]
fn every_export_form_reads_as_plain_utf8_does() {
    let mut files: Vec<PathBuf> = FIXTURES.iter().map(|f| common::fixture(f)).collect();
    if let Some(shared) = common::shared_data() {
        files.extend(SHARED.iter().map(|f| shared.join(f)));
    }
    let mut checked = 0;
    for path in &files {
        let name = path.display();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let plain = decode(&bytes, Format::Auto);
        assert!(plain.errors.is_empty(), "{name}: {:?}", plain.errors);
        assert!(!plain.is_empty(), "{name}: nothing read");
        for (form, input, utf16) in variants(&bytes) {
            let mut read = decode(&input, Format::Auto);
            if utf16 {
                assert!(
                    !read.notes.is_empty() && read.notes.remove(0).starts_with("UTF-16 text"),
                    "{name} as {form}: {:?}",
                    read.notes
                );
            }
            assert_eq!(summary(&read), summary(&plain), "{name} as {form}");
            checked += 1;
        }
    }
    assert!(checked >= files.len() * 3, "only {checked} inputs checked");
}
