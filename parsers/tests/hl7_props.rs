//! Property tests: MLLP chunking invariance, escape round-trips, and no
//! panics on arbitrary bytes anywhere in the HL7 path.

use proptest::prelude::*;

use synthwatch_parsers::hl7::ack::{build_ack, AckCode, AckHeader, AckReason};
use synthwatch_parsers::hl7::escape::escape;
use synthwatch_parsers::hl7::mllp::{frame, MllpDecoder};
use synthwatch_parsers::hl7::segments::{Msh, Nte, Obr, Obx, Orc, Pid, Spm};
use synthwatch_parsers::hl7::{Charset, Delimiters, Message};
use synthwatch_parsers::lab::from_hl7::{from_message, normalize};

const A: &[u8] = b"MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5.1\rOBX|1|NM|X||1\r";
const B: &[u8] = b"MSH|^~\\&#|E|F|G|H|20240102||ORU^R01|2|P|2.5.1\rOBX|1|SN|Y||<=^0.06\r";

fn stream() -> Vec<u8> {
    let mut s = b"noise".to_vec();
    s.extend(frame(A));
    s.extend(b"\r\n");
    s.extend(frame(B));
    s
}

fn decode_in(chunks: &[&[u8]]) -> (Vec<Vec<u8>>, u64) {
    let mut d = MllpDecoder::default();
    let frames = chunks
        .iter()
        .flat_map(|c| d.feed(c))
        .map(|r| r.expect("no framing error"))
        .collect();
    assert_eq!(d.finish(), None);
    (frames, d.stats().noise_bytes)
}

#[test]
fn mllp_split_at_every_byte_gives_the_same_frames() {
    let s = stream();
    let whole = decode_in(&[&s]);
    assert_eq!(whole, (vec![A.to_vec(), B.to_vec()], 7));
    for i in 0..=s.len() {
        let (head, tail) = s.split_at(i);
        assert_eq!(decode_in(&[head, tail]), whole, "split at {i}");
    }
    let bytes: Vec<&[u8]> = s.chunks(1).collect();
    assert_eq!(decode_in(&bytes), whole);
}

/// Write `text` escaped into OBX-5 and read it back.
fn round_trip(text: &str, charset: Charset) -> String {
    let d = Delimiters::default();
    let mut msg = b"MSH|^~\\&".to_vec();
    msg.extend_from_slice(&[b'|'; 16]); // MSH-18 follows the 16th separator after MSH-2
    msg.extend_from_slice(if charset == Charset::Utf8 {
        b"UNICODE UTF-8"
    } else {
        b""
    });
    msg.extend_from_slice(b"\rOBX|1|ST|X||");
    msg.extend(escape(text, &d, charset));
    msg.extend_from_slice(b"|next\r");
    let parsed = Message::parse(&msg).expect("escaped text never breaks a segment");
    assert_eq!(parsed.charset(), charset);
    let obx = parsed.segment("OBX").expect("OBX");
    assert_eq!(obx.field(6).text(), "next");
    obx.field(5).text().into_owned()
}

proptest! {
    #[test]
    fn mllp_any_chunking_gives_the_same_frames(cuts in proptest::collection::vec(0usize..200, 0..12)) {
        let s = stream();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (s.len() + 1)).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut start = 0;
        for c in cuts {
            chunks.push(&s[start..c]);
            start = c;
        }
        chunks.push(&s[start..]);
        prop_assert_eq!(decode_in(&chunks), (vec![A.to_vec(), B.to_vec()], 7));
    }

    #[test]
    fn escape_round_trips_latin1(text in "[\\x00-\\u{ff}]{0,40}") {
        prop_assert_eq!(round_trip(&text, Charset::Latin1), text);
    }

    #[test]
    fn escape_round_trips_utf8(text in "\\PC{0,30}|[|^~&\\\\\\r\\n]{0,10}") {
        prop_assert_eq!(round_trip(&text, Charset::Utf8), text);
    }

    #[test]
    fn mllp_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600), max in 0usize..64) {
        let mut d = MllpDecoder::new(max);
        for chunk in bytes.chunks(7) {
            for f in d.feed(chunk).into_iter().flatten() {
                prop_assert!(f.len() <= max);
            }
        }
        let _ = d.finish();
    }

    #[test]
    fn parser_views_normalizer_and_ack_never_panic(
        tail in proptest::collection::vec(
            prop_oneof![Just(b'|'), Just(b'^'), Just(b'~'), Just(b'\\'), Just(b'&'), Just(b'\r'),
                        Just(b'X'), Just(b'O'), Just(b'B'), Just(b'S'), Just(b'0'), any::<u8>()],
            0..400),
        header in prop_oneof![Just(&b"MSH|^~\\&|"[..]), Just(&b"MSH|^~\\&#|"[..]), Just(&b""[..]), Just(&b"MSH"[..])],
    ) {
        let mut bytes = header.to_vec();
        bytes.extend_from_slice(&tail);
        exercise(&bytes);
        // Also with segment ids the views recognise.
        for id in [&b"\rOBX|"[..], b"\rPID|", b"\rOBR|", b"\rSPM|", b"\rNTE|", b"\rORC|"] {
            let mut more = b"MSH|^~\\&|".to_vec();
            more.extend_from_slice(id);
            more.extend(tail.iter().filter(|&&b| b != b'\r' && b != b'\n'));
            exercise(&more);
        }
    }
}

fn exercise(bytes: &[u8]) {
    if let Ok(msg) = Message::parse(bytes) {
        for seg in msg.segments() {
            for n in 0..30 {
                let f = seg.field(n);
                let _ = (f.text(), f.get(2, 3, 2).text(), f.repetitions().count());
            }
            if let Some(v) = Msh::new(seg) {
                let _ = (v.control_id().text(), v.charset().text());
            }
            if let Some(v) = Pid::new(seg) {
                let _ = (v.identifier_ids().count(), v.name().text());
            }
            if let Some(v) = Obx::new(seg) {
                let _ = (
                    v.value_type(),
                    v.values().count(),
                    v.flag_codes().count(),
                    v.field(40).text(),
                );
            }
            if let Some(v) = Spm::new(seg) {
                let _ = v.specimen_id_text();
            }
            let _ = (
                Obr::new(seg).map(|v| v.result_status().text().len()),
                Orc::new(seg),
                Nte::new(seg),
            );
        }
        let (lab, warnings) = from_message(&msg);
        let _ = (lab.results.len(), warnings.len());
        let _ = build_ack(
            &AckHeader::from_message(&msg),
            AckCode::Accept,
            None,
            "1",
            "2",
        );
    }
    let _ = normalize(bytes);
    let ack = build_ack(
        &AckHeader::salvage(bytes),
        AckCode::Reject,
        Some(AckReason::DataType),
        "1",
        "2",
    );
    assert!(Message::parse(&ack).is_ok(), "our ACK must always parse");
}
