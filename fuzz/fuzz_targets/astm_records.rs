//! ASTM E1394 records and their normalization.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::lab::from_astm::normalize_transfer(data);
});
