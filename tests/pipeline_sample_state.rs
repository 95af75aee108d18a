//! A sample's indication reflects all its messages: a later report about
//! other tests keeps earlier findings, a correction replaces what it
//! corrects, and a test merely *named* after a compound flags nothing unless
//! its value reports the compound present.

use std::process::Command;

fn hl7(control: &str, obx: &[&str]) -> String {
    let mut m = format!(
        "MSH|^~\\&|TOXLAB|HOSP|SW|P|20261201093000||ORU^R01|{control}|P|2.5.1\r\
         PID|1||PAT-1^^^HOSP^MR\r\
         OBR|1|ORD-1|ACC-STATE-1|TOX^Tox screen^L\r"
    );
    for (i, o) in obx.iter().enumerate() {
        m.push_str(&format!("OBX|{}|{o}\r", i + 1));
    }
    m
}

fn ingest(dir: &std::path::Path, name: &str, body: &str) -> Vec<serde_json::Value> {
    let file = dir.join(name);
    std::fs::write(&file, body).expect("write message");
    let out = Command::new(env!("CARGO_BIN_EXE_synthwatch"))
        .args(["ingest", "--data-dir"])
        .arg(dir.join("data"))
        .arg(&file)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = Command::new(env!("CARGO_BIN_EXE_synthwatch"))
        .args([
            "results",
            "--json",
            "--history",
            "--sample",
            "ACC-STATE-1",
            "--data-dir",
        ])
        .arg(dir.join("data"))
        .output()
        .expect("the binary runs");
    String::from_utf8_lossy(&results.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn flags(v: &serde_json::Value) -> Vec<String> {
    v["class_flags"]
        .as_array()
        .expect("class_flags")
        .iter()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect()
}

/// Ingests a later message and returns the sample's latest indication,
/// checking it is version `version` with class flags `expected`.
fn later_version(
    dir: &std::path::Path,
    name: &str,
    body: &str,
    version: u64,
    expected: &[&str],
) -> serde_json::Value {
    let latest = ingest(dir, name, body).pop().expect("a result");
    assert_eq!(latest["version"], version, "{latest}");
    assert_eq!(flags(&latest), expected, "{latest}");
    latest
}

/// The indication's summary names every one of `names`.
fn assert_mentions(latest: &serde_json::Value, names: &[&str]) {
    let summary = latest["summary"].as_str().unwrap_or_default();
    for name in names {
        assert!(summary.contains(name), "{name} missing: {summary}");
    }
}

#[test]
fn indications_accumulate_over_messages_and_corrections_replace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = hl7("C1", &["ST|FENT^Fentanyl^L||Detected||||||F"]);
    let rows = ingest(dir.path(), "1.hl7", &first);
    assert_eq!(rows.len(), 1);
    assert_eq!(flags(&rows[0]), ["fentanyl"]);

    // A later report on another test keeps the fentanyl result.
    let second = hl7("C2", &["ST|XYL^Xylazine^L||Detected||||||F"]);
    let latest = later_version(dir.path(), "2.hl7", &second, 2, &["fentanyl"]);
    assert_mentions(&latest, &["Xylazine", "Fentanyl"]);

    // The fentanyl result is corrected to not detected: the flag goes, history stays.
    let third = hl7("C3", &["ST|FENT^Fentanyl^L||Not detected||||||C"]);
    let rows = ingest(dir.path(), "3.hl7", &third);
    let latest = rows.last().expect("a result");
    assert_eq!(latest["version"], 3);
    assert!(flags(latest).is_empty(), "{latest}");
    assert!(rows
        .iter()
        .any(|r| r["version"] == 1 && flags(r) == ["fentanyl"]));
    assert!(rows.iter().all(|r| r["evidential"] == false));

    // Sending the correction again changes nothing.
    let again = ingest(dir.path(), "3-again.hl7", &third);
    assert_eq!(again.len(), rows.len());
}

/// Free text in a result value is minimised before it is stored, and later
/// indications still read what it reported.
#[test]
fn free_text_values_are_minimised_in_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "TX|FENT^Fentanyl^L||Fentanyl detected; phoned to Dr CANARYSTAFF on ward 7||||||F";
    let rows = ingest(dir.path(), "1.hl7", &hl7("T1", &[text]));
    assert_eq!(flags(rows.last().expect("a result")), ["fentanyl"]);
    // A later message on another test: the stored (minimised) fentanyl value
    // must still count.
    let later = hl7("T2", &["ST|XYL^Xylazine^L||Not detected||||||F"]);
    let rows = ingest(dir.path(), "2.hl7", &later);
    assert_eq!(flags(rows.last().expect("a result")), ["fentanyl"]);

    let values = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let store = synthwatch::store::Store::open_sqlite(&dir.path().join("data"))
                .await
                .expect("store");
            let v: Vec<(String, Option<String>)> =
                sqlx::query_as("SELECT test_code, value FROM observations ORDER BY id")
                    .fetch_all(store.sqlite_pool().expect("sqlite"))
                    .await
                    .expect("query");
            store.close().await;
            v
        });
    assert_eq!(
        values,
        vec![
            (
                "FENT".to_owned(),
                Some("Fentanyl: detected [free text withheld: 53 characters]".to_owned())
            ),
            ("XYL".to_owned(), Some("Not detected".to_owned())),
        ]
    );
}

/// A compound named in an earlier message's own comment (NTE after OBR)
/// still counts in the sample's later versions, though comment text is not
/// stored.
#[test]
fn earlier_message_comments_still_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = hl7("N1", &[]);
    first.push_str("NTE|1|L|Isotonitazene suspected by the referring service\r");
    first.push_str("OBX|1|ST|ETOH^Ethanol^L||Not detected||||||F\r");
    let rows = ingest(dir.path(), "1.hl7", &first);
    assert_eq!(flags(rows.last().expect("a result")), ["nitazene"]);

    let second = hl7("N2", &["ST|XYL^Xylazine^L||Detected||||||F"]);
    let latest = later_version(dir.path(), "2.hl7", &second, 2, &["nitazene"]);
    assert_mentions(&latest, &["Isotonitazene", "Xylazine"]);
    let summary = latest["summary"].as_str().unwrap_or_default();
    assert!(
        !summary.contains("referring"),
        "comment text leaked: {summary}"
    );
}
