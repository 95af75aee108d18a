//! The sans-IO link state machine, rule by rule, in virtual time.

use std::time::Duration;

use synthwatch_parsers::astm::frame::{
    decode_frame, encode_frame, encode_message, FrameError, Trailer, ACK, ENQ, EOT, NAK,
};
use synthwatch_parsers::astm::link::{
    DiscardReason, Link, LinkConfig, LinkEvent, LinkState, RejectReason, SendFailure, Transfer,
};

fn s(secs: f64) -> Duration {
    Duration::from_secs_f64(secs)
}

fn live() -> Link {
    Link::new(LinkConfig::default())
}

fn f(n: u8, text: &[u8], last: bool) -> Vec<u8> {
    encode_frame(n, text, last)
}

/// Feed bytes at `now` and return what the link wrote.
fn feed(link: &mut Link, now: Duration, bytes: &[u8]) -> Vec<u8> {
    link.on_bytes(now, bytes);
    link.take_output()
}

fn received(link: &mut Link) -> Transfer {
    match link.drain_events().into_iter().find_map(|e| match e {
        LinkEvent::Received(t) => Some(t),
        _ => None,
    }) {
        Some(t) => t,
        None => panic!("no Received event"),
    }
}

#[test]
fn enq_ack_frames_eot_completes_transfer() {
    let mut l = live();
    assert_eq!(feed(&mut l, s(0.0), &[ENQ]), [ACK]);
    assert_eq!(l.state(), LinkState::Receiving);
    let f1 = f(1, b"H|\\^&\rP|1\rO|1|A", false); // record split over ETB
    let f2 = f(2, b"B\rL|1|N\r", true);
    assert_eq!(feed(&mut l, s(1.0), &f1), [ACK]);
    assert_eq!(feed(&mut l, s(2.0), &f2), [ACK]);
    assert_eq!(feed(&mut l, s(3.0), &[EOT]), b"");
    let t = received(&mut l);
    assert_eq!(t.text, b"H|\\^&\rP|1\rO|1|AB\rL|1|N\r");
    assert_eq!((t.enq, t.eot, t.interrupted), (true, true, false));
    assert_eq!(t.frames.len(), 2);
    assert_eq!(t.frame_raw(0), Some(&f1[..]));
    assert_eq!(t.frame_raw(1), Some(&f2[..]));
    assert_eq!(t.frames[1].trailer, Trailer::CrLf);
    assert_eq!(t.frames[1].offset, 1 + f1.len() as u64);
    assert_eq!(t.raw.len(), 2 + f1.len() + f2.len());
    assert_eq!(l.state(), LinkState::Neutral);
    assert_eq!(l.next_deadline(), None);
}

#[test]
fn busy_application_naks_enq() {
    let mut l = live();
    l.set_busy(true);
    assert_eq!(feed(&mut l, s(0.0), &[ENQ]), [NAK]);
    assert_eq!(l.state(), LinkState::Neutral);
    // Frames without an accepted ENQ are noise on a live line.
    let fr = f(1, b"H|\\^&\r", true);
    assert_eq!(feed(&mut l, s(1.0), &fr), b"");
    assert_eq!(l.stats().ignored_bytes, fr.len() as u64);
    assert_eq!(l.stats().busy_naks_sent, 1);
    l.set_busy(false);
    assert_eq!(feed(&mut l, s(2.0), &[ENQ]), [ACK]);
}

#[test]
fn frame_numbers_are_checked() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    assert_eq!(feed(&mut l, s(0.0), &f(2, b"H|\\^&\r", true)), [NAK]);
    let ev = l.drain_events();
    assert!(matches!(
        &ev[..],
        [LinkEvent::FrameRejected(r)] if r.reason == RejectReason::UnexpectedNumber { expected: 1, found: 2 } && r.offset == 1
    ));
    assert_eq!(feed(&mut l, s(0.0), &f(1, b"H|\\^&\r", true)), [ACK]);
    assert_eq!(feed(&mut l, s(0.0), &f(3, b"L|1\r", true)), [NAK]);
    assert_eq!(feed(&mut l, s(0.0), &f(2, b"L|1\r", true)), [ACK]);
    feed(&mut l, s(0.0), &[EOT]);
    assert_eq!(received(&mut l).text, b"H|\\^&\rL|1\r");
}

#[test]
fn repeated_frame_is_acked_not_appended() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    let f1 = f(1, b"H|\\^&\r", false);
    assert_eq!(feed(&mut l, s(0.0), &f1), [ACK]);
    assert_eq!(feed(&mut l, s(0.0), &f1), [ACK]); // our ACK was lost
    assert_eq!(feed(&mut l, s(0.0), &f(2, b"L|1\r", true)), [ACK]);
    feed(&mut l, s(0.0), &[EOT]);
    let t = received(&mut l);
    assert_eq!(t.text, b"H|\\^&\rL|1\r");
    assert_eq!(t.frames.len(), 2);
    assert_eq!(l.stats().repeated_frames, 1);
    // Same number but different content is not a repeat.
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    feed(&mut l, s(0.0), &f1);
    assert_eq!(feed(&mut l, s(0.0), &f(1, b"X\r", false)), [NAK]);
}

fn numbers_accepted(seq: &[u8], cfg: LinkConfig) -> Vec<u8> {
    let mut l = Link::new(cfg);
    feed(&mut l, s(0.0), &[ENQ]);
    seq.iter()
        .map(|&n| feed(&mut l, s(0.0), &f(n, format!("R|{n}\r").as_bytes(), true))[0])
        .collect()
}

#[test]
fn frame_numbers_wrap_7_to_0_and_leniently_7_to_1() {
    let acks = vec![ACK; 10];
    assert_eq!(
        numbers_accepted(&[1, 2, 3, 4, 5, 6, 7, 0, 1, 2], LinkConfig::default()),
        acks
    );
    assert_eq!(
        numbers_accepted(&[1, 2, 3, 4, 5, 6, 7, 1, 2, 3], LinkConfig::default()),
        acks
    );
    let strict = LinkConfig {
        lenient_wrap: false,
        ..LinkConfig::default()
    };
    assert_eq!(numbers_accepted(&[1, 2, 3, 4, 5, 6, 7, 1], strict)[7], NAK);
}

#[test]
fn corrupt_and_malformed_frames_are_nakked() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    let good = f(1, b"H|\\^&\r", true);
    let mut flipped = good.clone();
    flipped[4] ^= 0x08;
    assert_eq!(feed(&mut l, s(0.0), &flipped), [NAK]);
    assert_eq!(feed(&mut l, s(0.0), b"\x029AB\x03C0\r\n"), [NAK]);
    assert_eq!(feed(&mut l, s(0.0), b"\x021AB\x03QQ\r\n"), [NAK]);
    assert_eq!(feed(&mut l, s(0.0), &good), [ACK]);
    let reasons: Vec<RejectReason> = l
        .drain_events()
        .into_iter()
        .filter_map(|e| match e {
            LinkEvent::FrameRejected(r) => Some(r.reason),
            _ => None,
        })
        .collect();
    assert!(matches!(
        reasons[0],
        RejectReason::Frame(FrameError::BadChecksum { number: 1, .. })
    ));
    assert_eq!(
        reasons[1],
        RejectReason::Frame(FrameError::BadFrameNumber { found: b'9' })
    );
    assert_eq!(
        reasons[2],
        RejectReason::Frame(FrameError::BadChecksumChar {
            offset: 5,
            found: b'Q'
        })
    );
    feed(&mut l, s(0.0), &[EOT]);
    assert_eq!(received(&mut l).text, b"H|\\^&\r");
    assert_eq!(l.stats().naks_sent, 3);
}

#[test]
fn overlong_frame_is_refused() {
    let mut l = Link::new(LinkConfig {
        max_text_len: 10,
        ..LinkConfig::default()
    });
    feed(&mut l, s(0.0), &[ENQ]);
    assert_eq!(feed(&mut l, s(0.0), &f(1, &[b'A'; 11], true)), [NAK]);
    assert_eq!(feed(&mut l, s(0.0), &f(1, &[b'A'; 10], true)), [ACK]);
}

#[test]
fn receiver_timeout_discards_but_keeps_raw_bytes() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    let f1 = f(1, b"H|\\^&\r", false);
    feed(&mut l, s(5.0), &f1);
    assert_eq!(l.next_deadline(), Some(s(35.0)));
    l.poll(s(34.9));
    assert!(l.drain_events().is_empty());
    l.poll(s(35.0));
    let ev = l.drain_events();
    let [LinkEvent::Discarded(d)] = &ev[..] else {
        panic!("{ev:?}")
    };
    assert_eq!(d.reason, DiscardReason::ReceiveTimeout);
    assert_eq!(d.partial.raw, [&[ENQ][..], &f1].concat());
    assert_eq!(d.partial.text, b"H|\\^&\r");
    assert_eq!(l.state(), LinkState::Neutral);
    // A late EOT is just noise now.
    assert_eq!(feed(&mut l, s(36.0), &[EOT]), b"");
    assert!(l.drain_events().is_empty());
}

#[test]
fn eot_after_etb_frame_is_a_truncated_message() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    feed(&mut l, s(0.0), &f(1, b"H|\\^&\r", false));
    feed(&mut l, s(0.0), &[EOT]);
    let ev = l.drain_events();
    assert!(
        matches!(&ev[..], [LinkEvent::Discarded(d)] if d.reason == DiscardReason::EotMidMessage)
    );
}

#[test]
fn empty_transfer_is_emitted_as_empty() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ, EOT]);
    assert!(received(&mut l).is_empty());
}

#[test]
fn noise_is_ignored_and_counted() {
    let mut l = live();
    let f1 = f(1, b"H|\\^&\r", true);
    let mut wire = b"\x00garbage\xff".to_vec();
    wire.push(ENQ);
    wire.extend_from_slice(b"zz");
    wire.extend_from_slice(&f1);
    wire.extend_from_slice(b"\x06\x15q");
    wire.push(EOT);
    assert_eq!(feed(&mut l, s(0.0), &wire), [ACK, ACK]);
    let t = received(&mut l);
    assert_eq!(t.text, b"H|\\^&\r");
    assert_eq!(t.frame_raw(0), Some(&f1[..]));
    assert_eq!(l.stats().ignored_bytes, 9 + 2 + 3);
}

#[test]
fn receiver_interrupt_answers_eot() {
    let mut l = live();
    feed(&mut l, s(0.0), &[ENQ]);
    l.request_interrupt();
    assert_eq!(feed(&mut l, s(0.0), &f(1, b"H|\\^&\rL|1\r", true)), [EOT]);
    feed(&mut l, s(0.0), &[EOT]);
    let t = received(&mut l);
    assert!(t.interrupted);
    assert_eq!(t.text, b"H|\\^&\rL|1\r");
}

#[test]
fn sender_happy_path_splits_into_legacy_frames() {
    let mut l = live();
    let text = vec![b'R'; 500];
    let id = l.send(s(0.0), &text);
    assert_eq!(l.take_output(), [ENQ]);
    assert_eq!(l.state(), LinkState::AwaitingEnqReply);
    let frames = encode_message(&text, 240);
    assert_eq!(feed(&mut l, s(1.0), &[ACK]), frames[0]);
    assert_eq!(feed(&mut l, s(2.0), &[ACK]), frames[1]);
    assert_eq!(feed(&mut l, s(3.0), &[ACK]), frames[2]);
    assert_eq!(decode_frame(&frames[2], 240).unwrap().frame.text.len(), 20);
    assert_eq!(feed(&mut l, s(4.0), &[ACK]), [EOT]);
    assert_eq!(l.drain_events(), [LinkEvent::Sent(id)]);
    assert_eq!(l.state(), LinkState::Neutral);
}

#[test]
fn sender_retransmits_six_times_then_gives_up() {
    let mut l = live();
    let id = l.send(s(0.0), b"H|\\^&\rL|1\r");
    l.take_output();
    let frame = feed(&mut l, s(0.0), &[ACK]);
    for _ in 0..6 {
        assert_eq!(feed(&mut l, s(1.0), &[NAK]), frame);
    }
    assert_eq!(feed(&mut l, s(2.0), &[NAK]), [EOT]);
    assert_eq!(l.stats().retransmissions, 6);
    assert_eq!(
        l.drain_events(),
        [LinkEvent::SendFailed {
            id,
            reason: SendFailure::TooManyNaks { frame: 0 }
        }]
    );
}

#[test]
fn garbled_reply_counts_as_one_nak() {
    let mut l = live();
    l.send(s(0.0), b"H|\\^&\r");
    l.take_output();
    let frame = feed(&mut l, s(0.0), &[ACK]);
    assert_eq!(feed(&mut l, s(1.0), b"\x86"), frame);
    assert_eq!(feed(&mut l, s(1.0), b"xyz"), b"");
    assert_eq!(feed(&mut l, s(1.0), &[ACK]), [EOT]);
}

#[test]
fn sender_timeouts_after_15_seconds() {
    let mut l = live();
    let a = l.send(s(0.0), b"A\r");
    l.take_output();
    assert_eq!(l.next_deadline(), Some(s(15.0)));
    l.poll(s(14.9));
    assert_eq!(l.take_output(), b"");
    l.poll(s(15.0));
    assert_eq!(l.take_output(), [EOT]);
    assert_eq!(
        l.drain_events(),
        [LinkEvent::SendFailed {
            id: a,
            reason: SendFailure::NoReplyToEnq
        }]
    );
    let b = l.send(s(20.0), b"B\r");
    assert_eq!(l.take_output(), [ENQ]);
    feed(&mut l, s(21.0), &[ACK]);
    l.poll(s(36.0));
    assert_eq!(l.take_output(), [EOT]);
    assert_eq!(
        l.drain_events(),
        [LinkEvent::SendFailed {
            id: b,
            reason: SendFailure::NoReplyToFrame { frame: 0 }
        }]
    );
}

#[test]
fn busy_receiver_means_enq_again_after_10_seconds() {
    let mut l = live();
    l.send(s(0.0), b"A\r");
    l.take_output();
    assert_eq!(feed(&mut l, s(1.0), &[NAK]), b"");
    assert_eq!(l.next_deadline(), Some(s(11.0)));
    l.poll(s(10.9));
    assert_eq!(l.take_output(), b"");
    l.poll(s(11.0));
    assert_eq!(l.take_output(), [ENQ]);
    assert_eq!(l.stats().busy_replies, 1);
}

#[test]
fn contention_instrument_wins_and_we_wait_20_seconds() {
    let mut l = live();
    let id = l.send(s(0.0), b"Q|1\r");
    assert_eq!(l.take_output(), [ENQ]);
    assert_eq!(feed(&mut l, s(0.5), &[ENQ]), [ACK]);
    assert_eq!(l.state(), LinkState::Receiving);
    feed(&mut l, s(1.0), &f(1, b"H|\\^&\rL|1\r", true));
    feed(&mut l, s(5.0), &[EOT]);
    assert_eq!(received(&mut l).text, b"H|\\^&\rL|1\r");
    assert_eq!(l.next_deadline(), Some(s(25.0)));
    l.poll(s(24.9));
    assert_eq!(l.take_output(), b"");
    l.poll(s(25.0));
    assert_eq!(l.take_output(), [ENQ]);
    feed(&mut l, s(26.0), &[ACK]);
    feed(&mut l, s(27.0), &[ACK]);
    assert_eq!(l.drain_events(), [LinkEvent::Sent(id)]);
    assert_eq!(l.stats().contentions, 1);
}

#[test]
fn eot_in_answer_to_a_frame_is_a_receiver_interrupt() {
    let mut l = Link::new(LinkConfig {
        frame_text_len: 4,
        ..LinkConfig::default()
    });
    let id = l.send(s(0.0), b"H|\\^&\rL|1\r");
    l.take_output();
    let first = feed(&mut l, s(0.0), &[ACK]);
    assert_eq!(feed(&mut l, s(1.0), &[EOT]), [EOT]);
    assert_eq!(l.drain_events(), [LinkEvent::SendInterrupted(id)]);
    assert_eq!(l.next_deadline(), Some(s(16.0)));
    l.poll(s(15.9));
    assert_eq!(l.take_output(), b"");
    l.poll(s(16.0));
    assert_eq!(l.take_output(), [ENQ]);
    assert_eq!(feed(&mut l, s(17.0), &[ACK]), first, "whole message resent");
    // Interrupt on the last frame: delivered.
    let mut l = live();
    let id = l.send(s(0.0), b"L|1\r");
    l.take_output();
    feed(&mut l, s(0.0), &[ACK]);
    assert_eq!(feed(&mut l, s(0.0), &[EOT]), [EOT]);
    assert_eq!(l.drain_events(), [LinkEvent::Sent(id)]);
    assert_eq!(l.stats().interrupts_received, 1);
}
