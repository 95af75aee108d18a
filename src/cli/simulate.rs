//! `synthwatch simulate astm|hl7`: play a capture as an instrument would,
//! with optional faults (bit flips, lost ACKs, pauses) — for tests and for
//! commissioning a real instrument link.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::ingest::simulate::{
    ack_code, messages_from_capture, play_astm, play_hl7, AstmPlayOptions, FlipBits, Hl7PlayOptions,
};

use super::runtime::{runtime, CliResult};

/// `synthwatch simulate …`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Which protocol.
    #[command(subcommand)]
    pub protocol: SimulateProtocol,
}

/// Protocols that can be simulated.
#[derive(Debug, clap::Subcommand)]
pub enum SimulateProtocol {
    /// ASTM E1381/E1394: play the complete transfers of a capture file.
    Astm {
        /// Serial device (e.g. one end of a `socat` pty pair); line settings are left as set.
        #[arg(long, conflicts_with = "tcp", required_unless_present = "tcp")]
        serial: Option<PathBuf>,
        /// Address of an ASTM-over-TCP listener.
        #[arg(long)]
        tcp: Option<SocketAddr>,
        /// Probability (0–1) that a frame is sent with one bit flipped.
        #[arg(long, default_value_t = 0.0)]
        flip_bits: f64,
        /// Receiver replies to lose (0-based reply numbers, repeatable).
        #[arg(long = "drop-ack")]
        drop_acks: Vec<u64>,
        /// Pause before each write, milliseconds.
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
        /// Capture file (raw link bytes, as `parse` reads).
        file: PathBuf,
    },
    /// HL7 v2 over MLLP: send each message of a file and print the ACK codes.
    Hl7 {
        /// Address of the MLLP listener.
        #[arg(long)]
        tcp: SocketAddr,
        /// Pause before each message, milliseconds.
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
        /// File of MLLP-framed or bare ER7 messages.
        file: PathBuf,
    },
}

/// Run; exit code 1 when any message was not acknowledged.
pub fn run(args: &SimulateArgs) -> i32 {
    let result = runtime().and_then(|rt| rt.block_on(simulate(&args.protocol)));
    result.unwrap_or_else(|e| {
        eprintln!("synthwatch simulate: {e}");
        2
    })
}

async fn simulate(protocol: &SimulateProtocol) -> CliResult<i32> {
    match protocol {
        SimulateProtocol::Astm {
            serial,
            tcp,
            flip_bits,
            drop_acks,
            pause_ms,
            file,
        } => {
            let bytes = read(file)?;
            let messages = messages_from_capture(&bytes);
            if messages.is_empty() {
                return Err(format!(
                    "{}: no complete ASTM transfer in the capture",
                    file.display()
                ));
            }
            let options = AstmPlayOptions {
                flip_bits: if *flip_bits > 0.0 {
                    FlipBits::Probability(*flip_bits, 1)
                } else {
                    FlipBits::None
                },
                drop_acks: drop_acks.clone(),
                pause: Duration::from_millis(*pause_ms),
                ..AstmPlayOptions::default()
            };
            let report = match (serial, tcp) {
                (_, Some(addr)) => {
                    let stream = tokio::net::TcpStream::connect(addr)
                        .await
                        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
                    play_astm(stream, &messages, &options).await
                }
                (Some(path), None) => {
                    let port = tokio::fs::OpenOptions::new()
                        .read(true)
                        .write(true)
                        .open(path)
                        .await
                        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                    play_astm(port, &messages, &options).await
                }
                (None, None) => return Err("give --serial PATH or --tcp ADDR".to_owned()),
            }
            .map_err(|e| format!("link failed: {e}"))?;
            println!(
                "delivered={} failed={} flipped={} dropped_replies={}",
                report.delivered, report.failed, report.flipped, report.dropped_replies
            );
            Ok(i32::from(
                report.failed > 0 || report.delivered < messages.len(),
            ))
        }
        SimulateProtocol::Hl7 {
            tcp,
            pause_ms,
            file,
        } => {
            let bytes = read(file)?;
            let messages = split_hl7(&bytes);
            if messages.is_empty() {
                return Err(format!(
                    "{}: no HL7 message (MSH) in the file",
                    file.display()
                ));
            }
            let options = Hl7PlayOptions {
                pause: Duration::from_millis(*pause_ms),
                ..Hl7PlayOptions::default()
            };
            let acks = play_hl7(*tcp, &messages, &options)
                .await
                .map_err(|e| format!("MLLP exchange with {tcp} failed: {e}"))?;
            let mut not_accepted = 0;
            for (i, ack) in acks.iter().enumerate() {
                let code = ack_code(ack).unwrap_or("none");
                println!("message {i}: {code}");
                not_accepted += usize::from(code != "AA" && code != "CA");
            }
            not_accepted += messages.len().saturating_sub(acks.len());
            Ok(i32::from(not_accepted > 0))
        }
    }
}

fn read(file: &PathBuf) -> CliResult<Vec<u8>> {
    std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))
}

/// MLLP frames' payloads, or bare ER7 split at each `MSH|`.
fn split_hl7(bytes: &[u8]) -> Vec<Vec<u8>> {
    if bytes.contains(&0x0b) {
        let mut decoder = synthwatch_parsers::hl7::mllp::MllpDecoder::new(16 << 20);
        return decoder
            .feed(bytes)
            .into_iter()
            .filter_map(Result::ok)
            .collect();
    }
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&i| {
            bytes[i..].starts_with(b"MSH|") && (i == 0 || matches!(bytes[i - 1], b'\r' | b'\n'))
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or(bytes.len());
            bytes[s..end].to_vec()
        })
        .collect()
}
