//! Receiver rules: `ENQ`/`EOT`, frame reading, sequence checks, repeats,
//! `ACK`/`NAK`/interrupt replies and the receive timer.

use std::ops::Range;
use std::time::Duration;

use super::{
    DiscardReason, Discarded, FrameInfo, Link, LinkEvent, RejectReason, Rejected, State, Transfer,
};
use crate::astm::frame::{
    decode_frame, Frame, FrameError, Trailer, ACK, CR, ENQ, EOT, ETB, ETX, LF, NAK, STX,
};

mod deferred;

/// Receiver bookkeeping, owned by [`Link`].
#[derive(Debug, Default)]
pub(super) struct RxState {
    /// The transfer being received.
    open: Option<Open>,
    /// The frame being read.
    collect: Option<Collect>,
    /// Whether the bytes right after a checksum are a `CR`/`LF` trailer.
    trailer: TrailerWatch,
    /// Every `STX` that started a frame so far (for frame indexes).
    frames_seen: u64,
    /// A message-ending frame whose `ACK` waits for the driver's commit.
    pending: Option<deferred::Pending>,
    /// Bytes that arrived while a commit was pending, replayed after it.
    held: Vec<u8>,
}

impl RxState {
    /// Whether a transfer is being received.
    pub(super) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether a message waits for [`Link::resolve_message`].
    pub(super) fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// An open transfer and its sequence state.
#[derive(Debug)]
struct Open {
    t: Transfer,
    expected: u8,
    prev: Option<Prev>,
    /// Start in `t.text` of the message not yet committed (deferred mode).
    msg_start: usize,
}

/// The last accepted frame, to recognise a repeat.
#[derive(Debug, Clone)]
struct Prev {
    number: u8,
    last: bool,
    text: Range<usize>,
}

/// A frame being read: from `STX` up to the second checksum digit.
#[derive(Debug)]
struct Collect {
    offset: u64,
    index: u64,
    raw_start: usize,
    buf: Vec<u8>,
    term: Option<usize>,
}

/// After a frame's checksum: which trailer byte may come next, and the
/// accepted frame (index in `frames`) it belongs to, if any.
#[derive(Debug, Default, Clone, Copy)]
enum TrailerWatch {
    #[default]
    Idle,
    AfterChecksum(Option<usize>),
    AfterCr(Option<usize>),
}

/// How a transfer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    Eot,
    Timeout,
    NewEnq,
    InputEnded,
}

impl Link {
    /// A byte while neutral or receiving.
    pub(super) fn receiver_byte(&mut self, now: Duration, b: u8) {
        if let Some(open) = &mut self.rx.open {
            open.t.raw.push(b);
        }
        if self.collect_byte(now, b) {
            return;
        }
        if self.trailer_byte(b) {
            return;
        }
        match b {
            ENQ => self.on_enq(now),
            STX => self.start_frame(now),
            EOT if self.rx.is_open() => self.end_transfer(now, Closing::Eot),
            _ => self.stats.ignored_bytes += 1,
        }
    }

    /// Bulk path of [`Self::collect_byte`]: while a frame's text is being read
    /// (no ETX/ETB yet), take every byte up to the next control byte at once.
    /// Returns how many bytes were taken (0: use the byte-by-byte rules).
    pub(super) fn frame_text_run(&mut self, now: Duration, bytes: &[u8]) -> usize {
        let Some(c) = &mut self.rx.collect else {
            return 0;
        };
        if c.term.is_some() {
            return 0;
        }
        // Stop short of the length limit so the byte that crosses it is refused
        // by the byte-by-byte rule.
        let room = self
            .cfg
            .max_text_len
            .saturating_add(2)
            .saturating_sub(c.buf.len());
        let window = bytes.get(..room.min(bytes.len())).unwrap_or_default();
        let run = window
            .iter()
            .position(|&b| matches!(b, STX | ENQ | EOT | ETX | ETB))
            .unwrap_or(window.len());
        let Some(text) = window.get(..run).filter(|t| !t.is_empty()) else {
            return 0;
        };
        c.buf.extend_from_slice(text);
        if let Some(open) = &mut self.rx.open {
            open.t.raw.extend_from_slice(text);
        }
        self.state = receiving_until(now, &self.cfg);
        run
    }

    /// Feed `b` to the frame being read; `false` when `b` is not part of one.
    fn collect_byte(&mut self, now: Duration, b: u8) -> bool {
        let Some(c) = &mut self.rx.collect else {
            return false;
        };
        if c.term.is_none() && matches!(b, STX | ENQ | EOT) {
            // Terminator lost: drop the fragment without a reply (the sender
            // waits for none we could match) and handle the control byte.
            let found = FrameError::Interrupted {
                offset: c.buf.len(),
                found: b,
            };
            let (offset, index) = (c.offset, c.index);
            self.rx.collect = None;
            self.reject(offset, index, RejectReason::Frame(found));
            return false;
        }
        c.buf.push(b);
        self.state = receiving_until(now, &self.cfg);
        match c.term {
            None if matches!(b, ETX | ETB) => c.term = Some(c.buf.len() - 1),
            None if c.buf.len() > self.cfg.max_text_len.saturating_add(2) => {
                let (offset, index) = (c.offset, c.index);
                self.rx.collect = None;
                let max = self.cfg.max_text_len;
                self.reject(
                    offset,
                    index,
                    RejectReason::Frame(FrameError::TooLong { max }),
                );
                self.reply(NAK);
            }
            Some(t) if c.buf.len() >= t + 3 => {
                if let Some(c) = self.rx.collect.take() {
                    self.complete_frame(now, c);
                }
            }
            _ => {}
        }
        true
    }

    /// Swallow a `CR`/`LF` trailer right after a checksum.
    fn trailer_byte(&mut self, b: u8) -> bool {
        let (next, kind, frame) = match (self.rx.trailer, b) {
            (TrailerWatch::AfterChecksum(f), CR) => (TrailerWatch::AfterCr(f), Trailer::Cr, f),
            (TrailerWatch::AfterChecksum(f), LF) => (TrailerWatch::Idle, Trailer::Lf, f),
            (TrailerWatch::AfterCr(f), LF) => (TrailerWatch::Idle, Trailer::CrLf, f),
            _ => {
                self.rx.trailer = TrailerWatch::Idle;
                return false;
            }
        };
        self.rx.trailer = next;
        if let (Some(open), Some(i)) = (&mut self.rx.open, frame) {
            let end = open.t.raw.len();
            if let Some(info) = open.t.frames.get_mut(i) {
                info.trailer = kind;
                info.raw.end = end;
            }
        }
        true
    }

    /// `ENQ`: a new transfer (ends an open one first).
    fn on_enq(&mut self, now: Duration) {
        if let Some(open) = &mut self.rx.open {
            open.t.raw.pop(); // this ENQ belongs to the next transfer
            self.end_transfer(now, Closing::NewEnq);
        }
        if self.busy {
            self.stats.busy_naks_sent += 1;
            self.out.push(NAK);
            return;
        }
        self.open_transfer(now, ENQ, true);
        self.reply(ACK);
    }

    /// `STX`: start reading a frame (opening a transfer if `ENQ` is optional).
    fn start_frame(&mut self, now: Duration) {
        if !self.rx.is_open() {
            if self.cfg.require_enq {
                self.stats.ignored_bytes += 1;
                return;
            }
            self.open_transfer(now, STX, false);
        }
        let raw_start = self
            .rx
            .open
            .as_ref()
            .map_or(0, |o| o.t.raw.len().saturating_sub(1));
        self.rx.collect = Some(Collect {
            offset: self.offset,
            index: self.rx.frames_seen,
            raw_start,
            buf: vec![STX],
            term: None,
        });
        self.rx.frames_seen += 1;
    }

    /// Open a transfer whose first byte is `first` at the current offset.
    fn open_transfer(&mut self, now: Duration, first: u8, enq: bool) {
        self.rx.open = Some(Open {
            t: Transfer {
                raw: vec![first],
                start: self.offset,
                enq,
                ..Transfer::default()
            },
            expected: 1,
            prev: None,
            msg_start: 0,
        });
        self.state = receiving_until(now, &self.cfg);
    }

    /// A frame is in (through its checksum): check it and reply.
    fn complete_frame(&mut self, now: Duration, c: Collect) {
        self.state = receiving_until(now, &self.cfg);
        self.rx.trailer = TrailerWatch::AfterChecksum(None);
        let frame = match decode_frame(&c.buf, self.cfg.max_text_len) {
            Ok(d) => d.frame,
            Err(e) => {
                if matches!(e, FrameError::BadChecksum { .. }) {
                    self.stats.well_formed_frames += 1;
                }
                self.reject(c.offset, c.index, RejectReason::Frame(e));
                self.reply(NAK);
                return;
            }
        };
        self.stats.well_formed_frames += 1;
        let Some(open) = &mut self.rx.open else {
            return;
        };
        if let Some(p) = &open.prev {
            let same = open.t.text.get(p.text.clone()) == Some(frame.text);
            if p.number == frame.number && p.last == frame.last && same {
                // Our ACK was lost and the sender repeated the frame.
                self.stats.repeated_frames += 1;
                self.reply(ACK);
                return;
            }
        }
        let expected = open.expected;
        let wrap = self.cfg.lenient_wrap
            && frame.number == 1
            && open.prev.as_ref().is_some_and(|p| p.number == 7);
        if frame.number != expected && !wrap {
            if !self.cfg.accept_out_of_sequence {
                let reason = RejectReason::UnexpectedNumber {
                    expected,
                    found: frame.number,
                };
                self.reject(c.offset, c.index, reason);
                self.reply(NAK);
                return;
            }
            self.stats.out_of_sequence += 1;
            self.events.push_back(LinkEvent::OutOfSequence {
                offset: c.offset,
                frame_index: c.index,
                expected,
                found: frame.number,
            });
        }
        let saved = deferred::Pending::save(open);
        let i = append(open, &c, &frame);
        self.stats.frames_accepted += 1;
        self.rx.trailer = TrailerWatch::AfterChecksum(Some(i));
        if self.cfg.defer_message_ack && frame.last && self.defer_if_message_end(saved) {
            return;
        }
        self.answer_accepted();
    }

    /// Answer an accepted frame: `ACK`, or `EOT` if an interrupt was requested.
    fn answer_accepted(&mut self) {
        if self.interrupt_requested {
            self.interrupt_requested = false;
            self.stats.interrupts_sent += 1;
            if let Some(open) = &mut self.rx.open {
                open.t.interrupted = true;
            }
            self.out.push(EOT);
        } else {
            self.reply(ACK);
        }
    }

    /// Write `ACK` or `NAK` and count it.
    fn reply(&mut self, b: u8) {
        if b == ACK {
            self.stats.acks_sent += 1;
        } else {
            self.stats.naks_sent += 1;
        }
        self.out.push(b);
    }

    /// Record a refused frame.
    fn reject(&mut self, offset: u64, frame_index: u64, reason: RejectReason) {
        self.stats.frames_rejected += 1;
        self.events.push_back(LinkEvent::FrameRejected(Rejected {
            offset,
            frame_index,
            reason,
        }));
    }

    /// The receive timer expired.
    pub(super) fn receiver_timeout(&mut self, now: Duration) {
        self.end_transfer(now, Closing::Timeout);
    }

    /// The input ended.
    pub(super) fn receiver_finish(&mut self, now: Duration) {
        if let Some(c) = self.rx.collect.take() {
            self.reject(c.offset, c.index, RejectReason::Unterminated);
        }
        self.end_transfer(now, Closing::InputEnded);
    }

    /// Close the open transfer: emit it whole, or discard it with its bytes.
    fn end_transfer(&mut self, now: Duration, end: Closing) {
        self.rx.collect = None;
        // Nobody can answer a commit for a transfer that is over.
        self.rx.pending = None;
        self.rx.trailer = TrailerWatch::Idle;
        if let State::Receiving { .. } = self.state {
            self.state = State::Neutral;
        }
        let Some(open) = self.rx.open.take() else {
            return;
        };
        let mut t = open.t;
        t.eot = end == Closing::Eot;
        // A message is whole once its ETX frame is in: EOT after an ETB frame
        // means truncation; a lost EOT does not lose a whole message; the
        // timeout always discards (E1381).
        let complete = match end {
            Closing::Eot => t.frames.is_empty() || t.ends_with_last_frame(),
            Closing::Timeout => false,
            Closing::NewEnq | Closing::InputEnded => t.ends_with_last_frame(),
        };
        if complete {
            self.stats.transfers_received += 1;
            self.events.push_back(LinkEvent::Received(t));
        } else {
            let reason = match end {
                Closing::Timeout => DiscardReason::ReceiveTimeout,
                Closing::NewEnq => DiscardReason::NewEnq,
                Closing::Eot => DiscardReason::EotMidMessage,
                Closing::InputEnded => DiscardReason::EndOfInput,
            };
            self.stats.transfers_discarded += 1;
            self.events
                .push_back(LinkEvent::Discarded(Discarded { reason, partial: t }));
        }
        if let Some(d) = self.hold_after_rx.take() {
            self.hold(now.saturating_add(d));
        }
    }
}

/// Append an accepted frame to the open transfer; returns its index.
fn append(open: &mut Open, c: &Collect, frame: &Frame<'_>) -> usize {
    let start = open.t.text.len();
    open.t.text.extend_from_slice(frame.text);
    let text = start..open.t.text.len();
    // An ETX frame ends a record. Some instruments omit the CR before ETX;
    // without one the next frame's record would run into this one.
    if frame.last && !matches!(frame.text.last(), Some(b'\r' | b'\n')) {
        open.t.text.push(b'\r');
    }
    open.t.frames.push(FrameInfo {
        number: frame.number,
        last: frame.last,
        text: text.clone(),
        raw: c.raw_start..open.t.raw.len(),
        offset: c.offset,
        index: c.index,
        trailer: Trailer::Missing,
    });
    open.prev = Some(Prev {
        number: frame.number,
        last: frame.last,
        text,
    });
    open.expected = (frame.number + 1) % 8;
    open.t.frames.len() - 1
}

/// The Receiving state with a fresh receive timer. Every byte of a frame
/// re-arms it: a long frame on a slow line is still progress, not silence.
fn receiving_until(now: Duration, cfg: &super::LinkConfig) -> State {
    State::Receiving {
        deadline: now.saturating_add(cfg.receive_timeout),
    }
}
