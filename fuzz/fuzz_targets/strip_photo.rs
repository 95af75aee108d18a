//! Strip photo reader (size-capped image decode, band finding).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::strips::read_photo(data);
});
