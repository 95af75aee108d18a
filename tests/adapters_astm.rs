//! ASTM E1381 over TCP: a simulated instrument (the link's sender role)
//! against the adapter on an ephemeral port.

use std::sync::Arc;
use std::time::Duration;

use synthwatch::ingest::astm_tcp::{spawn, AstmTcpConfig, AstmTcpHandle};
use synthwatch::ingest::memory::MemorySink;
use synthwatch::ingest::simulate::{play_astm, AstmPlayOptions, FlipBits};
use synthwatch::ingest::Transport;
use synthwatch_parsers::astm::frame::{encode_frame, ACK, ENQ, EOT};
use synthwatch_parsers::astm::link::LinkConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

const M1: &[u8] = b"H|\\^&|||ANALYZER\rP|1\rO|1|S1\rR|1|^^^FENT|12|ng/mL\rL|1|N\r";
const M2: &[u8] = b"H|\\^&|||ANALYZER\rP|1\rO|1|S2\rR|1|^^^NFEN|3|ng/mL\rL|1|N\r";

async fn start(sink: &MemorySink, link: LinkConfig) -> (AstmTcpHandle, watch::Sender<bool>) {
    let mut cfg = AstmTcpConfig::new("127.0.0.1:0".parse().unwrap(), "analyzer-1");
    cfg.link = link;
    let (tx, rx) = watch::channel(false);
    (spawn(cfg, Arc::new(sink.clone()), rx).await.unwrap(), tx)
}

fn fast_sender() -> AstmPlayOptions {
    AstmPlayOptions {
        link: LinkConfig {
            reply_timeout: Duration::from_millis(500),
            frame_text_len: 20, // several frames per message
            max_retries: 2,
            ..LinkConfig::default()
        },
        timeout: Duration::from_secs(20),
        ..AstmPlayOptions::default()
    }
}

async fn read_byte(s: &mut TcpStream, wait: Duration) -> Option<u8> {
    let mut b = [0u8; 1];
    match tokio::time::timeout(wait, s.read(&mut b)).await {
        Ok(Ok(1)) => Some(b[0]),
        _ => None,
    }
}

#[tokio::test]
async fn loopback_messages_committed_once() {
    let sink = MemorySink::new();
    let (h, stop) = start(&sink, LinkConfig::default()).await;
    let s = TcpStream::connect(h.local_addr()).await.unwrap();
    let report = play_astm(s, &[M1.to_vec(), M2.to_vec()], &fast_sender())
        .await
        .unwrap();
    assert_eq!((report.delivered, report.failed), (2, 0));
    assert!(
        report.stats.frames_sent >= 6,
        "messages were split into frames"
    );
    // Wait for the adapter to see EOT, then check nothing was committed twice.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stored = sink.messages();
    assert_eq!(stored.len(), 2);
    assert_eq!(sink.attempts(), 2);
    assert_eq!(stored[0].bytes, M1);
    assert_eq!(stored[1].bytes, M2);
    assert_eq!(stored[0].transport, Transport::AstmTcp);
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), h.join())
        .await
        .unwrap();
}

#[tokio::test]
async fn final_ack_only_after_commit() {
    let (sink, gate) = MemorySink::gated();
    let (h, _stop) = start(&sink, LinkConfig::default()).await;
    let mut s = TcpStream::connect(h.local_addr()).await.unwrap();
    s.write_all(&[ENQ]).await.unwrap();
    assert_eq!(read_byte(&mut s, Duration::from_secs(5)).await, Some(ACK));
    s.write_all(&encode_frame(1, b"H|\\^&\rR|1|x\r", true))
        .await
        .unwrap();
    assert_eq!(
        read_byte(&mut s, Duration::from_secs(5)).await,
        Some(ACK),
        "middle frames are ACKed at once"
    );
    s.write_all(&encode_frame(2, b"L|1|N\r", true))
        .await
        .unwrap();
    assert_eq!(
        read_byte(&mut s, Duration::from_millis(300)).await,
        None,
        "no ACK before commit"
    );
    assert_eq!(sink.attempts(), 1);
    gate.add_permits(1);
    assert_eq!(read_byte(&mut s, Duration::from_secs(5)).await, Some(ACK));
    s.write_all(&[EOT]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(sink.messages()[0].bytes, b"H|\\^&\rR|1|x\rL|1|N\r");
}

#[tokio::test]
async fn flipped_frame_is_naked_and_resent() {
    let sink = MemorySink::new();
    let (h, _stop) = start(&sink, LinkConfig::default()).await;
    let s = TcpStream::connect(h.local_addr()).await.unwrap();
    let opts = AstmPlayOptions {
        flip_bits: FlipBits::Frames(vec![0, 3]),
        ..fast_sender()
    };
    let report = play_astm(s, &[M1.to_vec()], &opts).await.unwrap();
    assert_eq!((report.delivered, report.flipped), (1, 2));
    assert_eq!(report.stats.retransmissions, 2);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(sink.messages()[0].bytes, M1);
}

#[tokio::test]
async fn sink_failure_naks_final_frame_then_resend_succeeds() {
    let sink = MemorySink::new();
    sink.set_failing(true);
    let (h, _stop) = start(&sink, LinkConfig::default()).await;
    let s = TcpStream::connect(h.local_addr()).await.unwrap();
    let report = play_astm(s, &[M1.to_vec()], &fast_sender()).await.unwrap();
    assert_eq!(
        (report.delivered, report.failed),
        (0, 1),
        "instrument keeps the result"
    );
    assert_eq!(sink.attempts(), 3, "one try + max_retries retransmissions");
    assert!(sink.messages().is_empty());
    sink.set_failing(false);
    let s = TcpStream::connect(h.local_addr()).await.unwrap();
    let report = play_astm(s, &[M1.to_vec()], &fast_sender()).await.unwrap();
    assert_eq!(report.delivered, 1);
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn receive_timeout_discards_partial_transfer() {
    let sink = MemorySink::new();
    let link = LinkConfig {
        receive_timeout: Duration::from_millis(200),
        ..LinkConfig::default()
    };
    let (h, _stop) = start(&sink, link).await;
    let mut s = TcpStream::connect(h.local_addr()).await.unwrap();
    s.write_all(&[ENQ]).await.unwrap();
    assert_eq!(read_byte(&mut s, Duration::from_secs(5)).await, Some(ACK));
    s.write_all(&encode_frame(1, b"H|\\^&\r", false))
        .await
        .unwrap();
    assert_eq!(read_byte(&mut s, Duration::from_secs(5)).await, Some(ACK));
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The transfer timed out: a late frame without ENQ gets no answer.
    s.write_all(&encode_frame(2, b"L|1\r", true)).await.unwrap();
    assert_eq!(read_byte(&mut s, Duration::from_millis(300)).await, None);
    assert!(sink.messages().is_empty());
    // A fresh transfer works.
    s.write_all(&[ENQ]).await.unwrap();
    assert_eq!(read_byte(&mut s, Duration::from_secs(5)).await, Some(ACK));
    s.write_all(&encode_frame(1, b"H|\\^&\rL|1\r", true))
        .await
        .unwrap();
    assert_eq!(read_byte(&mut s, Duration::from_secs(5)).await, Some(ACK));
    assert_eq!(sink.messages().len(), 1);
}
