//! Configuration, outputs and counters of the link state machine.

use std::ops::Range;
use std::time::Duration;

use crate::astm::frame::{FrameError, Trailer, DEFAULT_MAX_TEXT_LEN, LEGACY_FRAME_TEXT_LEN};

/// Timers, limits and leniency switches of a [`Link`](super::Link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkConfig {
    /// Sender: how long to wait for the reply to `ENQ` or to a frame (E1381: 15 s).
    pub reply_timeout: Duration,
    /// Receiver: how long to wait for the next frame or `EOT` (E1381: 30 s).
    pub receive_timeout: Duration,
    /// Sender: wait after a busy `NAK` to our `ENQ` before asking again (10 s).
    pub busy_retry_delay: Duration,
    /// Sender: wait after losing a contention, counted from the end of the
    /// instrument's transfer (20 s).
    pub contention_delay: Duration,
    /// Sender: wait after a receiver interrupt before a new `ENQ` (15 s).
    pub interrupt_delay: Duration,
    /// Sender: retransmissions of one frame after `NAK`s before giving up (6).
    pub max_retries: u8,
    /// Receiver: longest frame text accepted; longer frames are refused.
    pub max_text_len: usize,
    /// Sender: text bytes per frame when splitting a message (240 for legacy
    /// instruments; CLSI instruments accept up to 64,000).
    pub frame_text_len: usize,
    /// Receiver: frames count only after an `ENQ` (true on a live line; false
    /// for capture files, where the first `STX` opens a transfer).
    pub require_enq: bool,
    /// Receiver: after frame 7 also accept 1 (not only 0) as the next frame,
    /// as some instruments (DPC Immulite) wrap 7 → 1.
    pub lenient_wrap: bool,
    /// Receiver: accept a valid frame whose number is not the expected one
    /// (reporting [`LinkEvent::OutOfSequence`]) instead of `NAK`ing it. Off on a
    /// live line, where a `NAK` makes the sender repair the sequence; on in
    /// capture files, where nobody can repair anything and the bytes are all
    /// there is.
    pub accept_out_of_sequence: bool,
    /// Receiver: hold back the `ACK` of an `ETX` frame that ends a message
    /// (its last record is an `L` terminator) until the driver has stored the
    /// message: see [`Link::pending_message`](super::Link::pending_message) and
    /// [`Link::resolve_message`](super::Link::resolve_message). Off by default
    /// (captures, existing drivers): every frame is answered at once.
    pub defer_message_ack: bool,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            reply_timeout: Duration::from_secs(15),
            receive_timeout: Duration::from_secs(30),
            busy_retry_delay: Duration::from_secs(10),
            contention_delay: Duration::from_secs(20),
            interrupt_delay: Duration::from_secs(15),
            max_retries: 6,
            max_text_len: DEFAULT_MAX_TEXT_LEN,
            frame_text_len: LEGACY_FRAME_TEXT_LEN,
            require_enq: true,
            lenient_wrap: true,
            accept_out_of_sequence: false,
            defer_message_ack: false,
        }
    }
}

/// Identifies a message queued with [`Link::send`](super::Link::send).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub u64);

/// One accepted frame of a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Frame number 0–7.
    pub number: u8,
    /// `true` for an `ETX` frame, `false` for `ETB`.
    pub last: bool,
    /// Where this frame's text sits in [`Transfer::text`].
    pub text: Range<usize>,
    /// Where this frame's bytes (`STX` through trailer) sit in [`Transfer::raw`].
    pub raw: Range<usize>,
    /// Offset of its `STX` in the whole input stream.
    pub offset: u64,
    /// 0-based index of this frame among every `STX` the link has seen.
    pub index: u64,
    /// What followed the checksum.
    pub trailer: Trailer,
}

/// A transfer: everything between `ENQ` (or, without `require_enq`, the first
/// `STX`) and `EOT`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transfer {
    /// Concatenated text of the accepted frames, repeats removed; the record
    /// layer splits it on `CR`.
    pub text: Vec<u8>,
    /// The accepted frames, in order.
    pub frames: Vec<FrameInfo>,
    /// Every byte received during the transfer (noise, rejected and repeated
    /// frames included), for audit.
    pub raw: Vec<u8>,
    /// Stream offset of the first byte of [`raw`](Self::raw).
    pub start: u64,
    /// Whether an `ENQ` opened it.
    pub enq: bool,
    /// Whether an `EOT` closed it (false: closed by the end of input or a new
    /// `ENQ` after a last (`ETX`) frame).
    pub eot: bool,
    /// Whether we asked the sender to stop (receiver interrupt).
    pub interrupted: bool,
}

impl Transfer {
    /// Stream byte range covered by the transfer.
    pub fn range(&self) -> Range<u64> {
        self.start..self.start + self.raw.len() as u64
    }

    /// An `ENQ` … `EOT` with no frame: normal on a live line (it is emitted
    /// as [`LinkEvent::Received`] anyway, so drivers see the activity).
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Whether the last accepted frame was an `ETX` frame.
    pub fn ends_with_last_frame(&self) -> bool {
        self.frames.last().is_some_and(|f| f.last)
    }

    /// The raw bytes of accepted frame `i`.
    pub fn frame_raw(&self, i: usize) -> Option<&[u8]> {
        let r = self.frames.get(i)?.raw.clone();
        self.raw.get(r)
    }

    /// The text of accepted frame `i`.
    pub fn frame_text(&self, i: usize) -> Option<&[u8]> {
        let r = self.frames.get(i)?.text.clone();
        self.text.get(r)
    }
}

/// Why an incomplete transfer was discarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscardReason {
    /// No frame or `EOT` within the receive timeout.
    ReceiveTimeout,
    /// A new `ENQ` arrived before the transfer's last frame.
    NewEnq,
    /// `EOT` arrived right after an intermediate (`ETB`) frame: the sender
    /// gave up (timeout, retries) or was interrupted mid-message, so the
    /// text is truncated.
    EotMidMessage,
    /// The input ended before the transfer's last frame.
    EndOfInput,
}

/// An incomplete transfer, kept whole (raw bytes included) for audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discarded {
    /// Why it was discarded.
    pub reason: DiscardReason,
    /// What had arrived.
    pub partial: Transfer,
}

/// Why a frame was refused (answered with `NAK`, nothing appended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    /// The frame itself is malformed or corrupt.
    Frame(FrameError),
    /// A valid frame with the wrong number.
    UnexpectedNumber {
        /// The number we expected.
        expected: u8,
        /// The number it had.
        found: u8,
    },
    /// The input ended inside the frame.
    Unterminated,
}

/// A refused frame, located in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Stream offset of its `STX`.
    pub offset: u64,
    /// 0-based index among every `STX` seen.
    pub frame_index: u64,
    /// What was wrong.
    pub reason: RejectReason,
}

/// Why a message could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendFailure {
    /// No reply to our `ENQ` within the reply timeout.
    NoReplyToEnq,
    /// No reply to frame `frame` (0-based in the message) within the reply timeout.
    NoReplyToFrame {
        /// 0-based frame position in the message.
        frame: usize,
    },
    /// Frame `frame` was `NAK`ed more times than `max_retries` allows.
    TooManyNaks {
        /// 0-based frame position in the message.
        frame: usize,
    },
}

/// Something the driver should know about; fetch with
/// [`Link::poll_event`](super::Link::poll_event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// A transfer ended with `EOT` (or after a last frame at the end of input).
    Received(Transfer),
    /// An incomplete transfer was dropped.
    Discarded(Discarded),
    /// A frame was refused.
    FrameRejected(Rejected),
    /// A frame with an unexpected number was accepted
    /// ([`LinkConfig::accept_out_of_sequence`]).
    OutOfSequence {
        /// Stream offset of its `STX`.
        offset: u64,
        /// 0-based index among every `STX` seen.
        frame_index: u64,
        /// The number we expected.
        expected: u8,
        /// The number it had.
        found: u8,
    },
    /// A queued message was delivered (its last frame acknowledged).
    Sent(MessageId),
    /// A queued message was given up.
    SendFailed {
        /// The message.
        id: MessageId,
        /// Why.
        reason: SendFailure,
    },
    /// The receiver interrupted the message mid-way; it stays queued and is
    /// sent again from its first frame after the interrupt delay.
    SendInterrupted(MessageId),
}

/// Counters for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkStats {
    /// Bytes outside frames that no rule uses (line noise, stray replies).
    pub ignored_bytes: u64,
    /// Frames accepted and appended.
    pub frames_accepted: u64,
    /// Frames refused.
    pub frames_rejected: u64,
    /// Repeats of the previous frame (our `ACK` was lost), acknowledged, not appended.
    pub repeated_frames: u64,
    /// Frames accepted out of sequence.
    pub out_of_sequence: u64,
    /// Frames with `STX`, digit, terminator and two hex digits, valid or not.
    pub well_formed_frames: u64,
    /// `ACK`s we sent.
    pub acks_sent: u64,
    /// `NAK`s we sent to frames.
    pub naks_sent: u64,
    /// `NAK`s we sent to an `ENQ` because the application was busy.
    pub busy_naks_sent: u64,
    /// `EOT`s we sent as a receiver interrupt.
    pub interrupts_sent: u64,
    /// Transfers completed / discarded.
    pub transfers_received: u64,
    /// Incomplete transfers dropped.
    pub transfers_discarded: u64,
    /// Frames we sent for the first time.
    pub frames_sent: u64,
    /// Frames we sent again after a `NAK`.
    pub retransmissions: u64,
    /// `NAK`s the other side sent to our `ENQ` (busy).
    pub busy_replies: u64,
    /// Times both sides sent `ENQ` (we yield).
    pub contentions: u64,
    /// Receiver interrupts we got (`EOT` in answer to a frame).
    pub interrupts_received: u64,
    /// Timers that expired (sender reply or receiver wait).
    pub timeouts: u64,
    /// Replies to a frame that were neither `ACK`, `NAK` nor `EOT` and were
    /// taken as `NAK` (E1381: a garbled reply is a negative one).
    pub garbled_replies: u64,
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::Frame(err) => write!(f, "{err}"),
            RejectReason::UnexpectedNumber { expected, found } => {
                write!(f, "expected frame number {expected}, found {found}")
            }
            RejectReason::Unterminated => {
                f.write_str("input ended inside the frame (expected ETB/ETX and a checksum)")
            }
        }
    }
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "frame {} (STX at byte offset {}) refused: {}",
            self.frame_index + 1,
            self.offset,
            self.reason
        )
    }
}

impl std::fmt::Display for DiscardReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DiscardReason::ReceiveTimeout => "no frame or EOT within the receive timeout",
            DiscardReason::NewEnq => "a new ENQ arrived before the last (ETX) frame",
            DiscardReason::EotMidMessage => "EOT arrived after an intermediate (ETB) frame",
            DiscardReason::EndOfInput => "the input ended before the last (ETX) frame",
        })
    }
}

impl std::fmt::Display for Discarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let range = self.partial.range();
        write!(
            f,
            "incomplete transfer at byte offsets {}..{} ({} frame(s) received) not delivered: {}",
            range.start,
            range.end,
            self.partial.frames.len(),
            self.reason
        )
    }
}
