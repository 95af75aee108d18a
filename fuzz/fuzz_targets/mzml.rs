//! mzML reader (plain, indexed, gzip).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::mzml::read(data);
});
