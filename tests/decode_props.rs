//! Property tests on the whole decode path: arbitrary bytes and damaged real
//! captures never panic, and always end in messages or errors.

mod common;

use proptest::prelude::*;
use synthwatch::decode::decode;

fn fixture_bytes() -> Vec<Vec<u8>> {
    [
        "astm/live-line-capture.astm",
        "astm/bare-records.txt",
        "hl7/two-oru.mllp",
    ]
    .iter()
    .map(|f| std::fs::read(common::fixture(f)).expect("fixture"))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for format in common::all_formats() {
            let d = decode(&bytes, format);
            let checked = common::check_decode_invariants(&bytes, format, &d);
            prop_assert!(checked.is_ok(), "{:?}", checked);
        }
    }

    #[test]
    fn damaged_fixtures_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = fixture_bytes().swap_remove(which);
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        for format in common::all_formats() {
            let d = decode(&bytes, format);
            let checked = common::check_decode_invariants(&bytes, format, &d);
            prop_assert!(checked.is_ok(), "{:?}", checked);
        }
    }
}
