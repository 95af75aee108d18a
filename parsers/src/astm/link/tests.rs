//! Loopback through a lossy channel, sender-side framing and fuzzing.

use std::time::Duration;

use proptest::prelude::*;

use super::{DiscardReason, Link, LinkConfig, LinkEvent, SendFailure, Transfer};
use crate::astm::frame::{
    decode_frame, encode_frame, encode_message, split_text, FrameError, DEFAULT_MAX_TEXT_LEN,
    LEGACY_FRAME_TEXT_LEN,
};

fn live() -> Link {
    Link::new(LinkConfig::default())
}

#[test]
fn long_frames_within_limit() {
    let text = vec![b'A'; 30_000];
    let enc = encode_frame(1, &text, true);
    let d = decode_frame(&enc, DEFAULT_MAX_TEXT_LEN).unwrap();
    assert_eq!(d.frame.text.len(), 30_000);
    assert_eq!(
        decode_frame(&enc, 29_999),
        Err(FrameError::TooLong { max: 29_999 })
    );
}

#[test]
fn message_split_numbers_and_terminators() {
    let text = vec![b'x'; 240 * 9 + 5];
    let frames = encode_message(&text, LEGACY_FRAME_TEXT_LEN);
    assert_eq!(frames.len(), 10);
    let numbers: Vec<u8> = frames
        .iter()
        .map(|f| decode_frame(f, 240).unwrap().frame.number)
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 0, 1, 2]);
    let lasts: Vec<bool> = frames
        .iter()
        .map(|f| decode_frame(f, 240).unwrap().frame.last)
        .collect();
    assert_eq!(lasts.iter().filter(|&&l| l).count(), 1);
    assert_eq!(lasts.last(), Some(&true));
    assert_eq!(encode_message(b"", 240).len(), 1);
    assert_eq!(split_text(b"abc", 0), vec![&b"a"[..], b"b", b"c"]);
}

/// Run two links against each other through `tamper`ed channels until idle.
/// `tamper(direction, write_index, bytes)`; direction 0 = sender → receiver.
fn loopback(
    a: &mut Link,
    b: &mut Link,
    mut tamper: impl FnMut(u8, usize, Vec<u8>) -> Vec<u8>,
) -> Vec<LinkEvent> {
    let mut now = Duration::ZERO;
    let mut writes = [0usize; 2];
    let mut events = Vec::new();
    for _ in 0..10_000 {
        let out_a = a.take_output();
        let out_b = b.take_output();
        if out_a.is_empty() && out_b.is_empty() {
            let next = [a.next_deadline(), b.next_deadline()]
                .into_iter()
                .flatten()
                .min();
            match next {
                Some(t) => {
                    now = now.max(t);
                    a.poll(now);
                    b.poll(now);
                }
                None => break,
            }
        }
        if !out_a.is_empty() {
            writes[0] += 1;
            b.on_bytes(now, &tamper(0, writes[0] - 1, out_a));
        }
        if !out_b.is_empty() {
            writes[1] += 1;
            a.on_bytes(now, &tamper(1, writes[1] - 1, out_b));
        }
        now += Duration::from_millis(10);
        events.extend(a.drain_events());
        events.extend(b.drain_events());
    }
    events
}

fn message() -> Vec<u8> {
    (0..40)
        .flat_map(|i| format!("R|{i}|^^^FENT|{i}.5|ng/mL\r").into_bytes())
        .collect()
}

fn deliveries(events: &[LinkEvent]) -> Vec<&Transfer> {
    events
        .iter()
        .filter_map(|e| match e {
            LinkEvent::Received(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn loopback_with_garbled_ack_and_flipped_bit_delivers_once() {
    let (mut a, mut b) = (live(), live());
    let text = message();
    let id = a.send(Duration::ZERO, &text);
    let events = loopback(&mut a, &mut b, |dir, i, mut bytes| {
        if dir == 1 && i == 2 {
            bytes = vec![0x86]; // ACK of frame 2 garbled on the way back
        }
        if dir == 0 && i == 3 {
            if let Some(x) = bytes.get_mut(10) {
                *x ^= 0x01; // bit flip in frame 3
            }
        }
        bytes
    });
    let got = deliveries(&events);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text, text);
    assert!(events.contains(&LinkEvent::Sent(id)));
    assert_eq!(b.stats().repeated_frames, 1);
    assert_eq!(b.stats().naks_sent, 1);
}

#[test]
fn loopback_with_dropped_ack_fails_then_resend_delivers_once() {
    let (mut a, mut b) = (live(), live());
    let text = message();
    let id = a.send(Duration::ZERO, &text);
    let events = loopback(&mut a, &mut b, |dir, i, bytes| {
        if dir == 1 && i == 2 {
            Vec::new()
        } else {
            bytes
        }
    });
    assert!(events.contains(&LinkEvent::SendFailed {
        id,
        reason: SendFailure::NoReplyToFrame { frame: 1 }
    }));
    assert!(
        deliveries(&events).is_empty(),
        "truncated message must not be delivered"
    );
    assert!(events
        .iter()
        .any(|e| matches!(e, LinkEvent::Discarded(d) if d.reason == DiscardReason::EotMidMessage)));
    let id2 = a.send(Duration::from_secs(100), &text);
    assert_ne!(id, id2);
    let events = loopback(&mut a, &mut b, |_, _, bytes| bytes);
    let got = deliveries(&events);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text, text);
    assert!(events.contains(&LinkEvent::Sent(id2)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn encode_decode_round_trip(
        text in proptest::collection::vec(any::<u8>().prop_filter("no control", |b| *b >= 0x20 || *b == b'\r'), 0..400),
        number in 0u8..8,
        last in any::<bool>(),
    ) {
        let enc = encode_frame(number, &text, last);
        let d = decode_frame(&enc, 1000).unwrap();
        prop_assert_eq!(d.frame.text, &text[..]);
        prop_assert_eq!((d.frame.number, d.frame.last, d.len), (number, last, enc.len()));
        // Lower-case checksum digits decode too.
        let mut lower = enc.clone();
        let n = lower.len();
        lower[n - 4..n - 2].make_ascii_lowercase();
        prop_assert_eq!(decode_frame(&lower, 1000).unwrap().frame.text, &text[..]);
    }

    #[test]
    fn byte_soup_never_panics(
        soup in proptest::collection::vec(prop_oneof![any::<u8>(), Just(0x02u8), Just(0x03), Just(0x04), Just(0x05), Just(0x06), Just(0x15), Just(b'1')], 0..400),
        split in 1usize..17,
    ) {
        for start in 0..soup.len().min(8) {
            let _ = decode_frame(&soup[start..], 64);
        }
        let mut l = live();
        l.send(Duration::ZERO, b"H|\\^&\r");
        let mut now = Duration::ZERO;
        for chunk in soup.chunks(split) {
            now += Duration::from_secs(3);
            l.on_bytes(now, chunk);
            l.poll(now);
            let _ = l.take_output();
        }
        l.finish(now);
        let _ = l.drain_events();
    }
}

#[test]
fn extreme_virtual_times_do_not_overflow() {
    let mut l = live();
    l.send(Duration::MAX, b"A\r");
    assert_eq!(l.take_output(), [crate::astm::frame::ENQ]);
    l.on_bytes(Duration::MAX, &[crate::astm::frame::ENQ]);
    l.poll(Duration::MAX);
    // Saturated deadlines expire at once: the send failed, the transfer timed out.
    assert_eq!(l.next_deadline(), None);
    assert_eq!(l.stats().timeouts, 2);
}
