//! HL7 over MLLP adapter: loopback tests on ephemeral ports.

use std::sync::Arc;
use std::time::Duration;

use synthwatch::ingest::memory::MemorySink;
use synthwatch::ingest::mllp::{spawn, MllpConfig, MllpHandle};
use synthwatch::ingest::simulate::{ack_code, ack_control_id, play_hl7, Hl7PlayOptions};
use synthwatch::ingest::Transport;
use synthwatch_parsers::hl7::mllp::{frame, MllpDecoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

fn msg(id: &str) -> Vec<u8> {
    format!("MSH|^~\\&|LAB|HOSP|SW|SW|20240101120000||ORU^R01|{id}|P|2.5.1\rOBX|1|ST|X^Y||1\r")
        .into_bytes()
}

async fn start(
    sink: &MemorySink,
    tweak: impl FnOnce(&mut MllpConfig),
) -> (MllpHandle, watch::Sender<bool>) {
    let mut cfg = MllpConfig::new("127.0.0.1:0".parse().unwrap(), "lab-hl7");
    tweak(&mut cfg);
    let (tx, rx) = watch::channel(false);
    let h = spawn(cfg, Arc::new(sink.clone()), rx).await.unwrap();
    (h, tx)
}

/// Read one ACK payload, or `None` if nothing arrives within `wait`.
async fn read_ack(s: &mut TcpStream, d: &mut MllpDecoder, wait: Duration) -> Option<Vec<u8>> {
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(wait, s.read(&mut buf))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        if let Some(Ok(p)) = d.feed(&buf[..n]).into_iter().next() {
            return Some(p);
        }
    }
}

#[tokio::test]
async fn loopback_send_and_ack() {
    let sink = MemorySink::new();
    let (h, stop) = start(&sink, |_| {}).await;
    let acks = play_hl7(h.local_addr(), &[msg("C1")], &Hl7PlayOptions::default())
        .await
        .unwrap();
    assert_eq!(ack_code(&acks[0]), Some("AA"));
    assert_eq!(ack_control_id(&acks[0]), Some("C1"));
    let stored = sink.messages();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].bytes, msg("C1"));
    assert_eq!(stored[0].transport, Transport::Mllp);
    assert_eq!(stored[0].source, "lab-hl7");
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), h.join())
        .await
        .unwrap();
}

#[tokio::test]
async fn ack_only_after_commit() {
    let (sink, gate) = MemorySink::gated();
    let (h, _stop) = start(&sink, |_| {}).await;
    let mut s = TcpStream::connect(h.local_addr()).await.unwrap();
    let mut d = MllpDecoder::default();
    s.write_all(&frame(&msg("G1"))).await.unwrap();
    // The sink has not resolved: no ACK byte may arrive.
    assert_eq!(
        read_ack(&mut s, &mut d, Duration::from_millis(300)).await,
        None
    );
    assert_eq!(sink.attempts(), 1);
    assert!(sink.messages().is_empty());
    gate.add_permits(1);
    let ack = read_ack(&mut s, &mut d, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack_code(&ack), Some("AA"));
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn sink_failure_answers_ar_and_stores_nothing() {
    let sink = MemorySink::new();
    sink.set_failing(true);
    let (h, _stop) = start(&sink, |_| {}).await;
    let acks = play_hl7(h.local_addr(), &[msg("F1")], &Hl7PlayOptions::default())
        .await
        .unwrap();
    assert_eq!(ack_code(&acks[0]), Some("AR"));
    assert_eq!(ack_control_id(&acks[0]), Some("F1"));
    // Fixed table text only, no internal error text.
    let text = String::from_utf8_lossy(&acks[0]);
    assert!(!text.contains("told to fail"), "{text}");
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn garbage_then_good_frame_and_non_hl7_is_stored_with_ae() {
    let sink = MemorySink::new();
    let (h, _stop) = start(&sink, |_| {}).await;
    let mut s = TcpStream::connect(h.local_addr()).await.unwrap();
    let mut d = MllpDecoder::default();
    s.write_all(b"\x00noise\x1c\r").await.unwrap();
    s.write_all(&frame(&msg("OK1"))).await.unwrap();
    let ack = read_ack(&mut s, &mut d, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        (ack_code(&ack), ack_control_id(&ack)),
        (Some("AA"), Some("OK1"))
    );
    s.write_all(&frame(b"not hl7 at all")).await.unwrap();
    let ack = read_ack(&mut s, &mut d, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack_code(&ack), Some("AE"));
    let stored = sink.messages();
    assert_eq!(stored.len(), 2, "rejected content is stored for quarantine");
    assert_eq!(stored[1].bytes, b"not hl7 at all");
}

#[tokio::test]
async fn oversize_frame_is_refused_and_stream_resyncs() {
    let sink = MemorySink::new();
    let (h, _stop) = start(&sink, |c| c.max_frame_bytes = 200).await;
    let mut s = TcpStream::connect(h.local_addr()).await.unwrap();
    let mut d = MllpDecoder::default();
    let mut big = msg("BIG");
    big.extend(std::iter::repeat_n(b'x', 500));
    s.write_all(&frame(&big)).await.unwrap();
    let ack = read_ack(&mut s, &mut d, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack_code(&ack), Some("AR"));
    s.write_all(&frame(&msg("SMALL"))).await.unwrap();
    let ack = read_ack(&mut s, &mut d, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(ack_code(&ack), Some("AA"));
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn connection_limit_closes_extra_connections() {
    let sink = MemorySink::new();
    let (h, _stop) = start(&sink, |c| c.max_connections = 1).await;
    let mut first = TcpStream::connect(h.local_addr()).await.unwrap();
    let mut d = MllpDecoder::default();
    first.write_all(&frame(&msg("A"))).await.unwrap();
    assert!(read_ack(&mut first, &mut d, Duration::from_secs(5))
        .await
        .is_some());
    let mut second = TcpStream::connect(h.local_addr()).await.unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(5), second.read(&mut buf)).await;
    assert!(
        matches!(n, Ok(Ok(0)) | Ok(Err(_))),
        "extra connection must be closed"
    );
    // The first one still works.
    first.write_all(&frame(&msg("B"))).await.unwrap();
    assert!(read_ack(&mut first, &mut d, Duration::from_secs(5))
        .await
        .is_some());
}

#[tokio::test]
async fn idle_connection_is_closed() {
    let sink = MemorySink::new();
    let (h, _stop) = start(&sink, |c| c.idle_timeout = Duration::from_millis(200)).await;
    let mut s = TcpStream::connect(h.local_addr()).await.unwrap();
    let t0 = std::time::Instant::now();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .unwrap();
    assert!(matches!(n, Ok(0) | Err(_)));
    assert!(t0.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn pipelined_messages_are_acked_in_order() {
    let sink = MemorySink::new();
    let (h, _stop) = start(&sink, |_| {}).await;
    let msgs: Vec<Vec<u8>> = (0..50).map(|i| msg(&format!("P{i}"))).collect();
    let opts = Hl7PlayOptions {
        pipeline: true,
        ..Hl7PlayOptions::default()
    };
    let acks = play_hl7(h.local_addr(), &msgs, &opts).await.unwrap();
    let ids: Vec<_> = acks
        .iter()
        .map(|a| ack_control_id(a).unwrap().to_string())
        .collect();
    let want: Vec<_> = (0..50).map(|i| format!("P{i}")).collect();
    assert_eq!(ids, want);
    assert!(acks.iter().all(|a| ack_code(a) == Some("AA")));
    let stored: Vec<_> = sink.messages().into_iter().map(|m| m.bytes).collect();
    assert_eq!(stored, msgs);
}
