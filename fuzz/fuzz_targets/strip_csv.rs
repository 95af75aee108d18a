//! Strip-reader CSV reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::strips::read_csv(data);
});
