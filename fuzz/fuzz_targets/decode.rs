//! Whole path from bytes to normalized messages, under every format choice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synthwatch::decode::{decode, Format};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Auto, Format::Astm, Format::Hl7] {
        let _ = decode(data, format);
    }
});
