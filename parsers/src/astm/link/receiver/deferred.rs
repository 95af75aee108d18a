//! Deferred message acknowledgement: the `ACK` of the frame that ends a
//! message waits until the driver has made the message durable.

use std::time::Duration;

use super::{Link, Open, Prev};
use crate::astm::frame::{CR, LF, NAK};

/// What to restore if the commit fails: the transfer as it was before the
/// message-ending frame was appended.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    prev: Option<Prev>,
    expected: u8,
    text_len: usize,
    frames_len: usize,
}

impl Pending {
    /// Snapshot `open` before a frame is appended.
    pub(super) fn save(open: &Open) -> Pending {
        Pending {
            prev: open.prev.clone(),
            expected: open.expected,
            text_len: open.t.text.len(),
            frames_len: open.t.frames.len(),
        }
    }
}

impl Link {
    /// After an accepted `ETX` frame: if the transfer's last record is an
    /// `L` record, hold the answer and return `true`.
    pub(super) fn defer_if_message_end(&mut self, saved: Pending) -> bool {
        let Some(open) = &self.rx.open else {
            return false;
        };
        if !ends_with_terminator(&open.t.text) {
            return false;
        }
        self.rx.pending = Some(saved);
        true
    }

    /// Keep bytes that arrive while a commit is pending.
    pub(in crate::astm::link) fn rx_hold(&mut self, bytes: &[u8]) {
        self.rx.held.extend_from_slice(bytes);
    }

    /// The text (H … L records) of the message whose final `ACK` waits for
    /// [`resolve_message`](Self::resolve_message); `None` when nothing waits.
    /// Only with [`LinkConfig::defer_message_ack`](super::super::LinkConfig::defer_message_ack).
    pub fn pending_message(&self) -> Option<&[u8]> {
        self.rx.pending.as_ref()?;
        let open = self.rx.open.as_ref()?;
        open.t.text.get(open.msg_start..)
    }

    /// The driver stored the pending message (`committed`) or could not.
    /// Committed: the frame is answered `ACK` (or `EOT` if an interrupt was
    /// requested). Not committed: the frame is taken back out of the transfer
    /// and `NAK`ed, so the sender retransmits it and it is offered again.
    /// Bytes held meanwhile are then processed. No-op when nothing waits.
    pub fn resolve_message(&mut self, now: Duration, committed: bool) {
        let Some(saved) = self.rx.pending.take() else {
            return;
        };
        if let Some(open) = &mut self.rx.open {
            if committed {
                open.msg_start = open.t.text.len();
            } else {
                open.t.text.truncate(saved.text_len);
                open.t.frames.truncate(saved.frames_len);
                open.prev = saved.prev;
                open.expected = saved.expected;
                self.stats.frames_accepted = self.stats.frames_accepted.saturating_sub(1);
            }
        }
        if committed {
            self.answer_accepted();
        } else {
            self.reply(NAK);
        }
        let held = std::mem::take(&mut self.rx.held);
        if !held.is_empty() {
            self.on_bytes(now, &held);
        }
    }
}

/// Whether the last record of `text` is a terminator (`L` then a delimiter).
fn ends_with_terminator(text: &[u8]) -> bool {
    let body = text
        .iter()
        .rposition(|&b| b != CR && b != LF)
        .and_then(|end| text.get(..=end))
        .unwrap_or_default();
    let start = body
        .iter()
        .rposition(|&b| b == CR || b == LF)
        .map_or(0, |i| i + 1);
    let record = body.get(start..).unwrap_or_default();
    match record {
        [b'L'] => true,
        [b'L', d, ..] => !d.is_ascii_alphanumeric(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::astm::frame::{encode_frame, ACK, ENQ, EOT};
    use crate::astm::link::{LinkConfig, LinkEvent};

    fn deferred() -> Link {
        Link::new(LinkConfig {
            defer_message_ack: true,
            ..LinkConfig::default()
        })
    }

    fn feed(l: &mut Link, bytes: &[u8]) -> Vec<u8> {
        l.on_bytes(Duration::ZERO, bytes);
        l.take_output()
    }

    #[test]
    fn terminator_detection() {
        assert!(ends_with_terminator(b"H|\\^&\rL|1|N\r"));
        assert!(ends_with_terminator(b"L|1\r\n"));
        assert!(ends_with_terminator(b"L"));
        assert!(!ends_with_terminator(b"H|\\^&\rR|1|x\r"));
        assert!(!ends_with_terminator(b"Lx|1\r"));
        assert!(!ends_with_terminator(b""));
    }

    #[test]
    fn final_ack_waits_for_commit() {
        let mut l = deferred();
        assert_eq!(feed(&mut l, &[ENQ]), [ACK]);
        assert_eq!(feed(&mut l, &encode_frame(1, b"H|\\^&\r", true)), [ACK]);
        assert_eq!(l.pending_message(), None);
        assert_eq!(feed(&mut l, &encode_frame(2, b"L|1|N\r", true)), b"");
        assert_eq!(l.pending_message(), Some(&b"H|\\^&\rL|1|N\r"[..]));
        assert_eq!(l.next_deadline(), None);
        // EOT arriving early is held until the commit is resolved.
        assert_eq!(feed(&mut l, &[EOT]), b"");
        l.resolve_message(Duration::ZERO, true);
        assert_eq!(l.take_output(), [ACK]);
        assert_eq!(l.pending_message(), None);
        let Some(LinkEvent::Received(t)) = l.poll_event() else {
            panic!("transfer expected");
        };
        assert_eq!(t.text, b"H|\\^&\rL|1|N\r");
    }

    #[test]
    fn failed_commit_naks_and_accepts_the_retransmission() {
        let mut l = deferred();
        feed(&mut l, &[ENQ]);
        let last = encode_frame(1, b"H|\\^&\rL|1\r", true);
        assert_eq!(feed(&mut l, &last), b"");
        l.resolve_message(Duration::ZERO, false);
        assert_eq!(l.take_output(), [NAK]);
        assert_eq!(l.pending_message(), None);
        // Retransmitted: offered again, not taken for a repeat.
        assert_eq!(feed(&mut l, &last), b"");
        assert_eq!(l.pending_message(), Some(&b"H|\\^&\rL|1\r"[..]));
        l.resolve_message(Duration::ZERO, true);
        assert_eq!(l.take_output(), [ACK]);
        // Our ACK lost: the repeat is ACKed without a new commit.
        assert_eq!(feed(&mut l, &last), [ACK]);
        assert_eq!(l.pending_message(), None);
        feed(&mut l, &[EOT]);
        let Some(LinkEvent::Received(t)) = l.poll_event() else {
            panic!("transfer expected");
        };
        assert_eq!(t.text, b"H|\\^&\rL|1\r");
        assert_eq!(t.frames.len(), 1);
    }

    #[test]
    fn two_messages_in_one_transfer_are_offered_separately() {
        let mut l = deferred();
        feed(&mut l, &[ENQ]);
        feed(&mut l, &encode_frame(1, b"H|1\rL|1\r", true));
        assert_eq!(l.pending_message(), Some(&b"H|1\rL|1\r"[..]));
        l.resolve_message(Duration::ZERO, true);
        feed(&mut l, &encode_frame(2, b"H|2\rL|1\r", true));
        assert_eq!(l.pending_message(), Some(&b"H|2\rL|1\r"[..]));
    }
}
