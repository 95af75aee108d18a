//! Text exports as Windows and DOS-era tools write them: a UTF-8 byte-order
//! mark first (Notepad, Excel's "CSV UTF-8"), a Ctrl-Z end-of-file mark last
//! (old instrument software), UTF-16 with its byte-order mark (Windows
//! "Unicode"), or gzip-compressed as downloaded (`library.mgf.gz`). Every
//! text format must read the same in each form as plain UTF-8: same format,
//! same content, same warnings and errors (UTF-16 and gzip add one note
//! saying what was done).

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

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(bytes).expect("in-memory write");
    z.finish().expect("in-memory finish")
}

/// The input in each export form, and the start of the note its reading adds.
fn variants(bytes: &[u8]) -> Vec<(&'static str, Vec<u8>, Option<&'static str>)> {
    let mut v = vec![
        ("BOM", [b"\xEF\xBB\xBF".as_slice(), bytes].concat(), None),
        ("Ctrl-Z", [bytes, b"\x1A".as_slice()].concat(), None),
        ("gzip", gzip(bytes), Some("gzip-compressed")),
        (
            "BOM and Ctrl-Z",
            [b"\xEF\xBB\xBF".as_slice(), bytes, b"\x1A"].concat(),
            None,
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
        v.push(("UTF-16LE", le.collect(), Some("UTF-16 text")));
        v.push(("UTF-16BE", be.collect(), Some("UTF-16 text")));
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
        for (form, input, note) in variants(&bytes) {
            let mut read = decode(&input, Format::Auto);
            if let Some(note) = note {
                assert!(
                    !read.notes.is_empty() && read.notes.remove(0).starts_with(note),
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

#[test]
fn gzip_that_cannot_be_read_says_why() {
    let msp = std::fs::read(common::fixture("spectra/synthetic-esi.msp")).expect("fixture");
    let z = gzip(&msp);
    let first_error = |bytes: &[u8]| {
        let d = decode(bytes, Format::Auto);
        assert!(d.is_empty(), "nothing is read from broken gzip");
        d.errors
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let nested = first_error(&gzip(&z));
    assert!(nested.contains("gzip inside gzip"), "{nested}");
    let cut = first_error(&z[..z.len() / 2]);
    assert!(cut.starts_with("gzip: corrupt or cut short"), "{cut}");
}
