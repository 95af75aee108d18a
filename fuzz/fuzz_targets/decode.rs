//! Whole path from bytes to typed data, under auto-detection and every forced
//! format: sniffing, both protocols, every export-file reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synthwatch::decode::{decode, Format};
use synthwatch_parsers::sniff::Sniffed;

// mzML is left out: mzdata panics on malformed values (`expect`), which our
// reader turns into errors with catch_unwind, but libFuzzer aborts on any
// panic first. The `mzml` target exists for when mzdata stops panicking.
const FILES: [Sniffed; 9] = [
    Sniffed::Msp,
    Sniffed::Mgf,
    Sniffed::MassBank,
    Sniffed::Jcamp,
    Sniffed::Spc,
    Sniffed::Mzxml,
    Sniffed::PeakList,
    Sniffed::StripCsv,
    Sniffed::StripPhoto,
];

fuzz_target!(|data: &[u8]| {
    if synthwatch_parsers::sniff::sniff(data) == Some(Sniffed::Mzml) {
        return;
    }
    for format in [Format::Auto, Format::Astm, Format::Hl7] {
        let _ = decode(data, format);
    }
    for kind in FILES {
        let _ = decode(data, Format::File(kind));
    }
});
