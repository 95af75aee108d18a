//! ER7 parsing, normalization and an ACK built from whatever header can be salvaged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synthwatch_parsers::lab::from_hl7::normalize(data);
    let header = synthwatch_parsers::hl7::ack::AckHeader::salvage(data);
    let _ = synthwatch_parsers::hl7::ack::build_ack(
        &header,
        synthwatch_parsers::hl7::ack::AckCode::Accept,
        None,
        "1",
        "20260101000000",
    );
});
