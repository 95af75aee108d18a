//! Windows tools (Notepad, Excel's "CSV UTF-8") start text exports with a
//! UTF-8 byte-order mark. Every text format must read the same with one as
//! without: same format, same content, same warnings and errors.

use std::path::Path;

use synthwatch::decode::{decode, DecodedInput, Format};

/// One text input of every text format, from the project's fixtures and,
/// when present, the shared data. (In a framed capture — MLLP, an ASTM line
/// capture — a BOM is three bytes outside any frame, and reported as such.)
const FILES: &[&str] = &[
    "fixtures/hl7/tox-named.hl7",
    "fixtures/astm/bare-records.txt",
    "fixtures/spectra/synthetic-esi.msp",
    "fixtures/peaklist/agilent-masshunter.csv",
    "fixtures/peaklist/dart-voltage-header.txt",
    "fixtures/peaklist/thermo-spectrum-list.txt",
    "fixtures/strips/strip-reader-export.csv",
    "../shared/data/msp/dialects/comments_with_quotes.msp",
    "../shared/data/mgf/pesticides.mgf",
    "../shared/data/jcamp/infrared_spectra/carbon_dioxide.jdx",
    "../shared/data/massbank/street-drugs/MSBNK-BAFG-CSL23111018612.txt",
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

#[test]
fn a_leading_bom_changes_nothing() {
    let mut checked = 0;
    for name in FILES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            assert!(
                name.starts_with("../shared")
                    && std::env::var_os("SYNTHWATCH_REQUIRE_SHARED").is_none(),
                "{name} is missing"
            );
            continue;
        };
        let plain = decode(&bytes, Format::Auto);
        assert!(plain.errors.is_empty(), "{name}: {:?}", plain.errors);
        assert!(!plain.is_empty(), "{name}: nothing read");
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
        let bom = decode(&with_bom, Format::Auto);
        assert_eq!(summary(&bom), summary(&plain), "{name}");
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} files checked");
}
