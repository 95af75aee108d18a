//! ASTM capture reader (link layer under the receiver rules).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::astm::capture::read_capture(data);
});
