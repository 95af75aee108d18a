//! Sender rules: `ENQ`, frames one by one, retries, timeouts, contention and
//! receiver interrupts.

use std::time::Duration;

use super::{Link, LinkEvent, SendFailure, State};
use crate::astm::frame::{ACK, ENQ, EOT, NAK};

impl Link {
    /// A byte while we wait for the answer to our `ENQ`.
    pub(super) fn on_enq_reply(&mut self, now: Duration, b: u8) {
        match b {
            ACK => self.send_frame(now, 0, false),
            NAK => {
                // Receiver busy: keep the message, ask again later.
                self.stats.busy_replies += 1;
                self.state = State::Neutral;
                self.hold(now.saturating_add(self.cfg.busy_retry_delay));
            }
            ENQ => {
                // Contention: the instrument has priority; we receive, then
                // wait before our next ENQ.
                self.stats.contentions += 1;
                self.state = State::Neutral;
                self.hold_after_rx = Some(self.cfg.contention_delay);
                self.receiver_byte(now, b);
                if !self.rx.is_open() {
                    // We were busy and refused it: apply the hold right away.
                    if let Some(d) = self.hold_after_rx.take() {
                        self.hold(now.saturating_add(d));
                    }
                }
            }
            _ => self.stats.ignored_bytes += 1,
        }
    }

    /// A byte while we wait for the answer to a frame.
    pub(super) fn on_frame_reply(&mut self, now: Duration, b: u8, retries: u8, garbled: bool) {
        match b {
            ACK => self.frame_acknowledged(now, false),
            EOT => {
                // Receiver interrupt: the frame counts as acknowledged.
                self.stats.interrupts_received += 1;
                self.frame_acknowledged(now, true);
            }
            NAK => self.frame_refused(now, retries, garbled),
            // A garbled reply is a NAK (E1381), but only once per frame:
            // further noise must not multiply retransmissions.
            _ if !garbled => {
                self.stats.garbled_replies += 1;
                self.frame_refused(now, retries, true);
            }
            _ => self.stats.ignored_bytes += 1,
        }
    }

    /// `NAK` (or garbled reply): retransmit, or give up after `max_retries`.
    fn frame_refused(&mut self, now: Duration, retries: u8, garbled: bool) {
        let next = self.queue.front().map_or(0, |m| m.next);
        if retries >= self.cfg.max_retries {
            self.fail_current(SendFailure::TooManyNaks { frame: next });
            return;
        }
        self.stats.retransmissions += 1;
        self.send_frame(now, next, true);
        if let State::AwaitFrame {
            retries: r,
            garbled: g,
            ..
        } = &mut self.state
        {
            *r = retries + 1;
            *g = garbled;
        }
    }

    /// Write frame `index` of the current message and wait for its reply.
    fn send_frame(&mut self, now: Duration, index: usize, retransmission: bool) {
        let Some(frame) = self.queue.front().and_then(|m| m.frames.get(index)) else {
            // No frame to send (cannot happen: messages have ≥ 1 frame).
            self.out.push(EOT);
            self.state = State::Neutral;
            return;
        };
        self.out.extend_from_slice(frame);
        if !retransmission {
            self.stats.frames_sent += 1;
        }
        self.state = State::AwaitFrame {
            deadline: now.saturating_add(self.cfg.reply_timeout),
            retries: 0,
            garbled: false,
        };
    }

    /// The current frame was acknowledged (by `ACK`, or by `EOT` = interrupt).
    fn frame_acknowledged(&mut self, now: Duration, interrupted: bool) {
        let Some(msg) = self.queue.front_mut() else {
            self.state = State::Neutral;
            return;
        };
        msg.next += 1;
        let done = msg.next >= msg.frames.len();
        let id = msg.id;
        if done || interrupted {
            self.out.push(EOT);
            self.state = State::Neutral;
            if done {
                self.queue.pop_front();
                self.events.push_back(LinkEvent::Sent(id));
            } else if let Some(msg) = self.queue.front_mut() {
                // A partial message is useless to the receiver: resend whole.
                msg.next = 0;
                self.events.push_back(LinkEvent::SendInterrupted(id));
            }
            if interrupted {
                self.hold(now.saturating_add(self.cfg.interrupt_delay));
            }
        } else {
            let next = msg.next;
            self.send_frame(now, next, false);
        }
    }

    /// Give up the current message: `EOT`, report, back to neutral.
    pub(super) fn fail_current(&mut self, reason: SendFailure) {
        self.out.push(EOT);
        self.state = State::Neutral;
        if let Some(msg) = self.queue.pop_front() {
            self.events
                .push_back(LinkEvent::SendFailed { id: msg.id, reason });
        }
    }
}
