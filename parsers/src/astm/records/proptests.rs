//! Property tests: escapes round-trip, and no input panics the record layer
//! or its normalization.

use proptest::prelude::*;

use super::{escape, parse_transfer, Delimiters, ResultRecord};
use crate::lab::from_astm::normalize_transfer;

const GENEXPERT: Delimiters = Delimiters {
    field: b'|',
    repeat: b'@',
    component: b'^',
    escape: Some(b'\\'),
};

proptest! {
    #[test]
    fn escape_parse_unescape_is_identity(text in "[\\x00-\\xff]*", genexpert in any::<bool>()) {
        let d = if genexpert { GENEXPERT } else { Delimiters::DEFAULT };
        let latin1: Vec<u8> = text.chars().map(|c| c as u8).collect();
        let mut record = b"H|".to_vec();
        record.extend(d.definition());
        record.extend_from_slice(b"\rR|1|^^^X|");
        record.extend(escape(&latin1, &d).unwrap());
        record.extend_from_slice(b"\rL|1\r");
        let t = parse_transfer(&record).unwrap();
        let r = ResultRecord::new(t.messages[0].records()[1]).unwrap();
        prop_assert_eq!(r.value().text(), text.as_str());
        prop_assert_eq!(r.value().bytes().into_owned(), latin1);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), header in any::<bool>()) {
        let mut text = if header { b"H|\\^&\r".to_vec() } else { Vec::new() };
        text.extend(bytes);
        if let Ok(t) = parse_transfer(&text) {
            for m in &t.messages {
                for r in m.records() {
                    for f in 0..=r.field_count() + 1 {
                        let field = r.field(f);
                        let _ = (field.text(), field.bytes());
                        for c in field.repeats().flat_map(|rep| rep.components()) {
                            let _ = c.text();
                        }
                    }
                }
                let _ = (m.hierarchy(), m.span());
            }
        }
        let _ = normalize_transfer(&text);
    }

    #[test]
    fn arbitrary_records_with_structure_never_panic(
        lines in proptest::collection::vec("[HPORCQMLSZ ]?[|\\\\^&@0-9a-z ]{0,30}", 0..12)
    ) {
        let text = lines.join("\r");
        let _ = normalize_transfer(text.as_bytes());
    }
}
