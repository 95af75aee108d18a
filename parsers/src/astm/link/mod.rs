//! Sans-IO ASTM E1381 link state machine, for both roles in one [`Link`].
//!
//! The driver feeds received bytes with [`Link::on_bytes`], calls
//! [`Link::poll`] when [`Link::next_deadline`] passes, writes out whatever
//! [`Link::take_output`] returns and handles [`Link::poll_event`]s. Time is
//! virtual: every call takes `now`, a [`Duration`] since any fixed epoch.
//!
//! States and transitions:
//!
//! * **Neutral**. `ENQ` in → `ACK` (or `NAK` if [`Link::set_busy`]) → Receiving.
//!   Without [`LinkConfig::require_enq`] an `STX` also opens a transfer. A
//!   queued message and an expired hold → send `ENQ` → AwaitEnqReply.
//! * **Receiving** (timer 30 s, restarted by every frame and by every byte of
//!   a frame being read, as a 26 kB frame takes ~28 s at 9600 baud). A frame with the
//!   expected number (1 first, then +1 modulo 8; leniently 7 → 1) → `ACK`
//!   (or `EOT` after [`Link::request_interrupt`]), text appended. The previous
//!   frame again (our `ACK` was lost) → `ACK`, not appended. Corrupt frame or
//!   wrong number → `NAK`. `EOT` → transfer emitted (also when empty), or
//!   discarded if its last frame was `ETB` (truncated) → Neutral. Timer expiry →
//!   partial transfer discarded (raw bytes kept) → Neutral.
//! * **AwaitEnqReply** (timer 15 s). `ACK` → first frame → AwaitFrameReply.
//!   `NAK` (busy) → Neutral, hold 10 s. `ENQ` (contention: the instrument
//!   wins) → `ACK` it → Receiving; hold 20 s once its transfer ends. Timeout →
//!   `EOT`, message failed.
//! * **AwaitFrameReply** (timer 15 s). `ACK` → next frame, or `EOT` after the
//!   last → Neutral. `NAK` → same frame again, at most `max_retries` (6) times,
//!   then `EOT` and failed. Any other byte is a garbled reply and counts as
//!   one `NAK` (once per frame, so a noise burst cannot trigger a storm of
//!   retransmissions). `EOT` (receiver interrupt) → counts as `ACK`; we
//!   send `EOT`, hold 15 s, and re-send the message from its first frame if
//!   frames were left. Timeout → `EOT`, failed.
//!
//! With [`LinkConfig::defer_message_ack`], an `ETX` frame whose last record is
//! an `L` terminator is not answered at once: [`Link::pending_message`] holds
//! the message text (H … L) until the driver has stored it and calls
//! [`Link::resolve_message`] (`ACK`, or `NAK` and the frame is taken back so the
//! sender's retransmission is accepted afresh). Meanwhile input is held and
//! timers are suspended.
//!
//! Bytes that no rule uses (noise, stray replies) are ignored and counted.
//! A frame's `CR LF` trailer is optional: we answer once the checksum is in
//! and swallow a following `CR`/`LF`.

mod receiver;
mod sender;
#[cfg(test)]
mod tests;
mod types;

use std::collections::VecDeque;
use std::time::Duration;

pub use types::{
    DiscardReason, Discarded, FrameInfo, LinkConfig, LinkEvent, LinkStats, MessageId, RejectReason,
    Rejected, SendFailure, Transfer,
};

/// Coarse view of what the link is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Idle.
    Neutral,
    /// Receiving a transfer.
    Receiving,
    /// We sent `ENQ` and wait for the reply.
    AwaitingEnqReply,
    /// We sent a frame and wait for the reply.
    AwaitingFrameReply,
}

/// Internal state with its timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Neutral,
    Receiving {
        deadline: Duration,
    },
    AwaitEnq {
        deadline: Duration,
    },
    AwaitFrame {
        deadline: Duration,
        retries: u8,
        garbled: bool,
    },
}

/// A message being (or waiting to be) sent.
#[derive(Debug, Clone)]
struct Outgoing {
    id: MessageId,
    frames: Vec<Vec<u8>>,
    next: usize,
}

/// The ASTM E1381 link: one instance per serial line or socket.
#[derive(Debug)]
pub struct Link {
    cfg: LinkConfig,
    state: State,
    /// Stream offset of the next input byte.
    offset: u64,
    rx: receiver::RxState,
    queue: VecDeque<Outgoing>,
    next_id: u64,
    /// No new `ENQ` from us before this time.
    hold_until: Duration,
    /// Hold to apply when the current incoming transfer ends (contention).
    hold_after_rx: Option<Duration>,
    busy: bool,
    interrupt_requested: bool,
    out: Vec<u8>,
    events: VecDeque<LinkEvent>,
    stats: LinkStats,
}

impl Link {
    /// A link in the neutral state.
    pub fn new(cfg: LinkConfig) -> Self {
        Link {
            cfg,
            state: State::Neutral,
            offset: 0,
            rx: receiver::RxState::default(),
            queue: VecDeque::new(),
            next_id: 0,
            hold_until: Duration::ZERO,
            hold_after_rx: None,
            busy: false,
            interrupt_requested: false,
            out: Vec::new(),
            events: VecDeque::new(),
            stats: LinkStats::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    /// What the link is doing.
    pub fn state(&self) -> LinkState {
        match self.state {
            State::Neutral => LinkState::Neutral,
            State::Receiving { .. } => LinkState::Receiving,
            State::AwaitEnq { .. } => LinkState::AwaitingEnqReply,
            State::AwaitFrame { .. } => LinkState::AwaitingFrameReply,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &LinkStats {
        &self.stats
    }

    /// Bytes received so far (the stream offset of the next byte).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Feed bytes received from the line, in any chunking.
    pub fn on_bytes(&mut self, now: Duration, bytes: &[u8]) {
        if self.rx.is_pending() {
            // The sender waits for our answer; anything more is replayed
            // once the driver resolves the pending message.
            self.rx_hold(bytes);
            return;
        }
        self.check_timers(now);
        let mut rest = bytes;
        while let Some((&b, tail)) = rest.split_first() {
            // Frame text is most of the traffic: take it in one slice.
            let run = self.frame_text_run(now, rest);
            let (consumed, next) = if run > 0 {
                (run, rest.get(run..).unwrap_or_default())
            } else {
                self.on_byte(now, b);
                (1, tail)
            };
            self.offset += consumed as u64;
            rest = next;
        }
        self.pump(now);
    }

    /// Let timers expire and start queued sends; call at [`next_deadline`](Self::next_deadline).
    pub fn poll(&mut self, now: Duration) {
        if self.rx.is_pending() {
            return;
        }
        self.check_timers(now);
        self.pump(now);
    }

    /// When [`poll`](Self::poll) should next be called, if anything is pending.
    pub fn next_deadline(&self) -> Option<Duration> {
        if self.rx.is_pending() {
            // Timers are suspended while the driver commits.
            return None;
        }
        match self.state {
            State::Receiving { deadline }
            | State::AwaitEnq { deadline }
            | State::AwaitFrame { deadline, .. } => Some(deadline),
            State::Neutral if self.rx.is_open() => None,
            State::Neutral if !self.queue.is_empty() => Some(self.hold_until),
            State::Neutral => None,
        }
    }

    /// Queue a message text (records separated by `CR`) for sending; it goes
    /// out in frames of [`LinkConfig::frame_text_len`] bytes.
    pub fn send(&mut self, now: Duration, text: &[u8]) -> MessageId {
        let id = MessageId(self.next_id);
        self.next_id += 1;
        let frames = crate::astm::frame::encode_message(text, self.cfg.frame_text_len);
        self.queue.push_back(Outgoing {
            id,
            frames,
            next: 0,
        });
        self.pump(now);
        id
    }

    /// Mark the application busy: an `ENQ` is then answered with `NAK`.
    pub fn set_busy(&mut self, busy: bool) {
        self.busy = busy;
    }

    /// Answer the next accepted frame with `EOT` instead of `ACK`, asking the
    /// sender to stop (receiver interrupt). The frame itself is kept.
    pub fn request_interrupt(&mut self) {
        self.interrupt_requested = true;
    }

    /// The input ended (end of file, line closed). A transfer in progress is
    /// emitted as received if its last accepted frame was an `ETX` frame,
    /// otherwise discarded; a half-read frame is reported as
    /// [`RejectReason::Unterminated`].
    pub fn finish(&mut self, now: Duration) {
        self.receiver_finish(now);
    }

    /// Bytes to write to the line now.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<LinkEvent> {
        self.events.pop_front()
    }

    /// All pending events.
    pub fn drain_events(&mut self) -> Vec<LinkEvent> {
        self.events.drain(..).collect()
    }

    /// Route one byte by state.
    fn on_byte(&mut self, now: Duration, b: u8) {
        match self.state {
            State::AwaitEnq { .. } => self.on_enq_reply(now, b),
            State::AwaitFrame {
                retries, garbled, ..
            } => self.on_frame_reply(now, b, retries, garbled),
            State::Neutral | State::Receiving { .. } => self.receiver_byte(now, b),
        }
    }

    /// Expire whichever timer is due.
    fn check_timers(&mut self, now: Duration) {
        match self.state {
            State::Receiving { deadline } if now >= deadline => {
                self.stats.timeouts += 1;
                self.receiver_timeout(now);
            }
            State::AwaitEnq { deadline } if now >= deadline => {
                self.stats.timeouts += 1;
                self.fail_current(SendFailure::NoReplyToEnq);
            }
            State::AwaitFrame { deadline, .. } if now >= deadline => {
                self.stats.timeouts += 1;
                let frame = self.queue.front().map_or(0, |m| m.next);
                self.fail_current(SendFailure::NoReplyToFrame { frame });
            }
            _ => {}
        }
    }

    /// Start sending if idle, a message waits and no hold applies.
    fn pump(&mut self, now: Duration) {
        if self.state == State::Neutral
            && !self.rx.is_open()
            && !self.queue.is_empty()
            && now >= self.hold_until
        {
            self.out.push(crate::astm::frame::ENQ);
            self.state = State::AwaitEnq {
                deadline: now.saturating_add(self.cfg.reply_timeout),
            };
        }
    }

    /// Hold off our own `ENQ` until at least `until`.
    fn hold(&mut self, until: Duration) {
        self.hold_until = self.hold_until.max(until);
    }
}
