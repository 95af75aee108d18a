//! MLLP framing then ER7 parsing and normalization of every frame.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut decoder = synthwatch_parsers::hl7::mllp::MllpDecoder::default();
    for frame in decoder.feed(data).into_iter().flatten() {
        let _ = synthwatch_parsers::lab::from_hl7::normalize(&frame);
    }
    let _ = decoder.finish();
});
