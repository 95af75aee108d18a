//! Instrument simulators for tests and commissioning (`synthwatch simulate`):
//! [`play_astm`] plays messages as an ASTM instrument (the link's sender
//! role, with optional line faults); [`play_hl7`] sends MLLP frames and
//! collects the ACKs.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use synthwatch_parsers::astm::capture::read_capture;
use synthwatch_parsers::astm::frame::STX;
use synthwatch_parsers::astm::link::{Link, LinkConfig, LinkEvent, LinkStats};
use synthwatch_parsers::hl7::mllp::{self, MllpDecoder};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Which frame transmissions get one bit flipped (a line fault).
#[derive(Debug, Clone, PartialEq)]
pub enum FlipBits {
    /// No faults.
    None,
    /// Each frame transmission is corrupted with this probability (0–1),
    /// from a deterministic generator seeded with the given value.
    Probability(f64, u64),
    /// These frame transmissions (0-based, retransmissions counted) are corrupted.
    Frames(Vec<u64>),
}

/// Faults and pacing for [`play_astm`].
#[derive(Debug, Clone)]
pub struct AstmPlayOptions {
    /// Sender link settings (timers, frame size).
    pub link: LinkConfig,
    /// Bit flips on the way out.
    pub flip_bits: FlipBits,
    /// Replies from the receiver (0-based, every reply byte counted) that are
    /// dropped before our link sees them, as if lost on the line.
    pub drop_acks: Vec<u64>,
    /// Wait before each write (a slow instrument).
    pub pause: Duration,
    /// Give up after this long in total.
    pub timeout: Duration,
}

impl Default for AstmPlayOptions {
    fn default() -> Self {
        AstmPlayOptions {
            link: LinkConfig::default(),
            flip_bits: FlipBits::None,
            drop_acks: Vec::new(),
            pause: Duration::ZERO,
            timeout: Duration::from_secs(120),
        }
    }
}

/// What [`play_astm`] achieved.
#[derive(Debug, Clone, Default)]
pub struct AstmPlayReport {
    /// Messages delivered (last frame acknowledged).
    pub delivered: usize,
    /// Messages the sender gave up on.
    pub failed: usize,
    /// Frames corrupted on purpose.
    pub flipped: u64,
    /// Replies dropped on purpose.
    pub dropped_replies: u64,
    /// The sender link's counters.
    pub stats: LinkStats,
}

/// Message texts (records separated by `CR`) from an ASTM capture file's
/// complete transfers, ready for [`play_astm`].
pub fn messages_from_capture(capture: &[u8]) -> Vec<Vec<u8>> {
    read_capture(capture)
        .map(|r| r.transfers.into_iter().map(|t| t.text).collect())
        .unwrap_or_default()
}

/// Play `messages` over `stream` as an instrument, until each is delivered
/// or given up. Errors only on I/O failure or the overall timeout.
pub async fn play_astm<IO>(
    mut stream: IO,
    messages: &[Vec<u8>],
    options: &AstmPlayOptions,
) -> io::Result<AstmPlayReport>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let epoch = Instant::now();
    let mut link = Link::new(options.link.clone());
    for m in messages {
        link.send(epoch.elapsed(), m);
    }
    let mut report = AstmPlayReport::default();
    let (mut frames_out, mut replies_in) = (0u64, 0u64);
    let mut rng = match options.flip_bits {
        FlipBits::Probability(_, seed) => seed | 1,
        _ => 1,
    };
    let mut buf = [0u8; 1024];
    let give_up = epoch + options.timeout;
    loop {
        let mut out = link.take_output();
        if !out.is_empty() {
            if out.contains(&STX) {
                if flip(&options.flip_bits, frames_out, &mut rng) {
                    // A text byte mid-frame: the checksum no longer matches.
                    let i = out.len() / 2;
                    if let Some(b) = out.get_mut(i) {
                        *b ^= 0x01;
                    }
                    report.flipped += 1;
                }
                frames_out += 1;
            }
            if !options.pause.is_zero() {
                tokio::time::sleep(options.pause).await;
            }
            stream.write_all(&out).await?;
            stream.flush().await?;
        }
        for e in link.drain_events() {
            match e {
                LinkEvent::Sent(_) => report.delivered += 1,
                LinkEvent::SendFailed { .. } => report.failed += 1,
                _ => {}
            }
        }
        if report.delivered + report.failed >= messages.len() {
            report.stats = *link.stats();
            return Ok(report);
        }
        let wake = link
            .next_deadline()
            .map_or(give_up, |d| (epoch + d).min(give_up));
        tokio::select! {
            r = stream.read(&mut buf) => {
                let n = r?;
                if n == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "receiver closed the line"));
                }
                for &b in buf.get(..n).unwrap_or_default() {
                    let drop = options.drop_acks.contains(&replies_in);
                    replies_in += 1;
                    if drop {
                        report.dropped_replies += 1;
                    } else {
                        link.on_bytes(epoch.elapsed(), &[b]);
                    }
                }
            }
            _ = tokio::time::sleep_until(wake) => {
                if Instant::now() >= give_up {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "simulation timed out"));
                }
                link.poll(epoch.elapsed());
            }
        }
    }
}

/// Whether frame transmission `n` is to be corrupted.
fn flip(how: &FlipBits, n: u64, rng: &mut u64) -> bool {
    match how {
        FlipBits::None => false,
        FlipBits::Frames(list) => list.contains(&n),
        FlipBits::Probability(p, _) => {
            // xorshift64: deterministic, no dependency.
            *rng ^= *rng << 13;
            *rng ^= *rng >> 7;
            *rng ^= *rng << 17;
            (*rng >> 11) as f64 / (1u64 << 53) as f64 <= *p
        }
    }
}

/// Pacing for [`play_hl7`].
#[derive(Debug, Clone)]
pub struct Hl7PlayOptions {
    /// Wait at most this long for each ACK.
    pub ack_timeout: Duration,
    /// Wait before sending each message.
    pub pause: Duration,
    /// Send every message first, then read the ACKs (pipelining).
    pub pipeline: bool,
}

impl Default for Hl7PlayOptions {
    fn default() -> Self {
        Hl7PlayOptions {
            ack_timeout: Duration::from_secs(30),
            pause: Duration::ZERO,
            pipeline: false,
        }
    }
}

/// Connect to `addr`, send each ER7 message in an MLLP frame and return the
/// ACK payloads in order. A missing ACK is a `TimedOut` error.
pub async fn play_hl7(
    addr: SocketAddr,
    messages: &[Vec<u8>],
    options: &Hl7PlayOptions,
) -> io::Result<Vec<Vec<u8>>> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut decoder = MllpDecoder::default();
    let mut acks = Vec::with_capacity(messages.len());
    for m in messages {
        if !options.pause.is_zero() {
            tokio::time::sleep(options.pause).await;
        }
        stream.write_all(&mllp::frame(m)).await?;
        if !options.pipeline {
            let want = acks.len() + 1;
            read_acks(&mut stream, &mut decoder, &mut acks, want, options).await?;
        }
    }
    read_acks(
        &mut stream,
        &mut decoder,
        &mut acks,
        messages.len(),
        options,
    )
    .await?;
    Ok(acks)
}

async fn read_acks(
    stream: &mut TcpStream,
    decoder: &mut MllpDecoder,
    acks: &mut Vec<Vec<u8>>,
    want: usize,
    options: &Hl7PlayOptions,
) -> io::Result<()> {
    let mut buf = [0u8; 4096];
    while acks.len() < want {
        let n = tokio::time::timeout(options.ack_timeout, stream.read(&mut buf))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no ACK in time"))??;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before ACK",
            ));
        }
        acks.extend(
            decoder
                .feed(buf.get(..n).unwrap_or_default())
                .into_iter()
                .flatten(),
        );
    }
    Ok(())
}

/// MSA-1 of an ACK payload (`AA`, `AE`, `AR`), if it has an MSA segment.
pub fn ack_code(ack: &[u8]) -> Option<&str> {
    let msa = ack
        .split(|&b| b == b'\r')
        .find(|seg| seg.starts_with(b"MSA|"))?;
    let code = msa.split(|&b| b == b'|').nth(1)?;
    std::str::from_utf8(code).ok()
}

/// MSA-2 (the echoed control id) of an ACK payload.
pub fn ack_control_id(ack: &[u8]) -> Option<&str> {
    let msa = ack
        .split(|&b| b == b'\r')
        .find(|seg| seg.starts_with(b"MSA|"))?;
    std::str::from_utf8(msa.split(|&b| b == b'|').nth(2)?).ok()
}
