//! The live ASTM link state machine fed arbitrary bytes in two chunks, with timer polls.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut link = synthwatch_parsers::astm::link::Link::new(Default::default());
    let (a, b) = data.split_at(data.len() / 2);
    let mut now = std::time::Duration::ZERO;
    for chunk in [a, b] {
        link.on_bytes(now, chunk);
        let _ = link.take_output();
        let _ = link.drain_events();
        now += std::time::Duration::from_secs(31);
        link.poll(now);
    }
});
