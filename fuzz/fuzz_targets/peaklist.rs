//! Vendor peak-list reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::peaklist::read(data);
});
