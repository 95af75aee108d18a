//! The daemon with bad input (quarantine, replay, AE over MLLP) and with an
//! ASTM instrument on a serial line (a `socat` pty pair).

mod daemon_support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use daemon_support::*;

fn serve_args(data: &Path) -> (Vec<String>, Vec<String>) {
    let store = s(&["--data-dir", &data.display().to_string()]);
    let mut serve = store.clone();
    serve.extend(s(&[
        "--mllp",
        "127.0.0.1:0",
        "--astm-tcp",
        "127.0.0.1:0",
        "--inbox",
        &data.join("inbox").display().to_string(),
    ]));
    (store, serve)
}

/// Quarantine lines (`id\traw=…\tsource=…\t…\treplayed=…\treason=…`) as maps.
fn entries(list: &str) -> Vec<std::collections::HashMap<String, String>> {
    list.lines()
        .map(|l| {
            let mut m = std::collections::HashMap::new();
            let mut parts = l.split('\t');
            m.insert("id".to_owned(), parts.next().unwrap_or_default().to_owned());
            for p in parts {
                if let Some((k, v)) = p.split_once('=') {
                    m.insert(k.to_owned(), v.to_owned());
                }
            }
            m
        })
        .collect()
}

#[test]
fn malformed_file_is_quarantined_replayed_and_the_next_file_still_processes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let (store, serve) = serve_args(&data);
    let daemon = Daemon::start(&serve, &["folder", "mllp"]);
    let inbox = data.join("inbox");
    let bad = std::fs::read(fixture("err/err-unknown-format.bin")).expect("fixture");
    std::fs::write(inbox.join("bad-export.bin"), &bad).expect("drop the bad file");

    let list = poll(
        Duration::from_secs(30),
        "the bad file in quarantine",
        || {
            let l = quarantine_list(&store);
            (!l.trim().is_empty()).then_some(l)
        },
    );
    let e = entries(&list);
    assert_eq!(e.len(), 1, "{list}");
    assert_eq!(e[0]["source"], "inbox");
    assert_eq!(e[0]["stage"], "parse");
    assert_eq!(e[0]["bytes"], bad.len().to_string());
    assert_eq!(e[0]["replayed"], "false");
    assert!(!e[0]["reason"].is_empty(), "a reason is given: {list}");
    // Sizes, digests and reasons only: never the bytes.
    assert!(
        !list.contains("%PDF") && !list.contains("Catalog"),
        "{list}"
    );
    assert!(
        data.join("processed").join("bad-export.bin").exists(),
        "stored files leave the inbox"
    );

    // Replay re-queues it; still malformed, it comes back with a new entry.
    let id = e[0]["id"].clone();
    let raw = e[0]["raw"].clone();
    let out = run(&[s(&["quarantine", "replay", &id]), store.clone()].concat());
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "replay: {said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(&format!("raw message {raw} queued again")),
        "{said}"
    );
    let list = poll(
        Duration::from_secs(30),
        "the replayed message processed again",
        || {
            let l = quarantine_list(&store);
            (entries(&l).len() == 2).then_some(l)
        },
    );
    let e = entries(&list);
    let old = e.iter().find(|x| x["id"] == id).expect("old entry");
    let new = e.iter().find(|x| x["id"] != id).expect("new entry");
    assert_eq!(old["replayed"], "true", "{list}");
    assert_eq!(
        new["raw"], raw,
        "the same raw message was processed again: {list}"
    );

    // The next good file still processes.
    std::fs::copy(
        fixture("strips/strip-reader-export.csv"),
        inbox.join("strips.csv"),
    )
    .expect("drop a good file");
    wait_for_samples(&store, &["SW-0001", "SW-0005"], Duration::from_secs(30));

    // Garbage over MLLP: stored, answered AE, quarantined by the pipeline.
    let mut c = MllpClient::connect(daemon.addr("mllp")).expect("connect");
    let ack = c
        .send(b"this is not an HL7 message\rat all\r")
        .expect("an answer");
    assert_eq!(ack_code(&ack), "AE", "{}", String::from_utf8_lossy(&ack));
    let list = poll(Duration::from_secs(30), "the garbage in quarantine", || {
        let l = quarantine_list(&store);
        entries(&l)
            .iter()
            .any(|x| x["source"] == "hl7")
            .then_some(l)
    });
    assert!(!list.contains("not an HL7"), "bytes never listed: {list}");
    // A good message on the same connection still gets AA.
    let good = hl7_messages(&fixture("hl7/tox-named.hl7"));
    assert_eq!(ack_code(&c.send(&good[0]).expect("ack")), "AA");
    wait_for_samples(&store, &["LAB-2026-0412"], Duration::from_secs(30));
    drop(c);
    let (status, _, stderr) = daemon.terminate();
    assert!(status.success(), "{status}\n{stderr}");
}

fn socat_available() -> bool {
    let ok = Command::new("socat")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "socat is required in CI");
        eprintln!("skipped: socat not installed");
    }
    ok
}

/// A socat pty pair `dir/lis` ↔ `dir/instr`; stopped (by its own id) on drop.
struct Pair(Child);

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn astm_over_a_serial_line_from_a_config_file() {
    if !socat_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (lis, instr) = (dir.path().join("lis"), dir.path().join("instr"));
    let pair = Pair(
        Command::new("socat")
            .arg(format!("pty,raw,echo=0,link={}", lis.display()))
            .arg(format!("pty,raw,echo=0,link={}", instr.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("socat starts"),
    );
    poll(Duration::from_secs(5), "socat ptys", || {
        (lis.exists() && instr.exists()).then_some(())
    });
    let data = dir.path().join("data");
    let config = dir.path().join("serial.toml");
    std::fs::write(
        &config,
        format!(
            "[[sources]]\nkind = \"astm_serial\"\nname = \"analyser-1\"\npath = \"{}\"\nbaud = 9600\n",
            lis.display()
        ),
    )
    .expect("config written");
    let store = s(&["--data-dir", &data.display().to_string()]);
    let serve = [
        store.clone(),
        s(&["--config", &config.display().to_string()]),
    ]
    .concat();
    let daemon = Daemon::start(&serve, &["astm_serial"]);
    assert_eq!(daemon.listening["astm_serial"], lis.display().to_string());
    assert!(
        !daemon.listening.contains_key("mllp"),
        "only the configured source"
    );

    let out = run(&s(&[
        "simulate",
        "astm",
        "--serial",
        &instr.display().to_string(),
        &fixture("astm/live-line-capture.astm").display().to_string(),
    ]));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "simulate astm --serial: {said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("delivered=2 failed=0"), "{said}");
    let rows = wait_for_samples(
        &store,
        &["SEIZ-2026-0042", "SEIZ-2026-0043"],
        Duration::from_secs(30),
    );
    let latest = by_sample(&rows);
    assert_eq!(latest["SEIZ-2026-0042"]["source"], "analyser-1");
    assert_eq!(latest["SEIZ-2026-0042"]["evidential"], false);
    let (status, _, stderr) = daemon.terminate();
    assert!(status.success(), "{status}\n{stderr}");
    drop(pair);
}
