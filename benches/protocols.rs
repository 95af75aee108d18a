//! Protocol parser benchmarks, one criterion group per protocol.
//!
//! `astm`: every ASTM capture in ../shared/data/astm/senaite read through the
//! receiver rules (frames, checksums), split into records and normalized;
//! the result count is asserted each iteration.
//!
//! `hl7`: "parse to typed segments" = parse the message, walk every segment,
//! build the MSH and OBX views and read their key fields (unescaped text).
//! Each iteration asserts the OBX count so a broken parser cannot post a
//! fast number. `benches/peers/hl7_peer.py` times python-hl7 on the same
//! messages (it regenerates the same synthetic batch).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use synthwatch_parsers::astm::capture::read_capture;
use synthwatch_parsers::hl7::segments::{Msh, Obx};
use synthwatch_parsers::hl7::Message;
use synthwatch_parsers::lab::from_astm::normalize_transfer;

/// Synthetic ORU^R01 messages in the batch.
const HL7_GENERATED: usize = 200;
/// OBX segments in the whole corpus: NIST 2 + 4, generated Σ(3 + i % 4).
const HL7_EXPECTED_OBX: usize = 6 + 900;

/// One realistic toxicology ORU^R01; `hl7_peer.py` builds the same bytes.
fn hl7_generated(i: usize) -> Vec<u8> {
    let mut m = format!(
        "MSH|^~\\&|LIS{}|LAB{}|SYNTHWATCH|HUB|20240301{:02}{:02}00||ORU^R01^ORU_R01|GEN{:06}|P|2.5.1\r\
         PID|1||PAT{:08}^^^HOSP^MR||Doe^Jane^Q||19800101|F|||1 Main St^^Town^ST^12345\r\
         ORC|RE|PL{i}|FI{i}\r\
         OBR|1|PL{i}|FI{i}|TOX^Toxicology panel^L|||20240301\r",
        i % 5,
        i % 3,
        i % 24,
        i % 60,
        i,
        i
    );
    for k in 0..3 + i % 4 {
        let n = k + 1;
        let tail = format!("|||F|||20240301120000||||DEV-{}|20240301121500\r", i % 3);
        let obx = match k % 4 {
            0 => format!(
                "OBX|{n}|NM|{}-1^Fentanyl^LN||{}.{k}|ng/mL^nanogram per milliliter^UCUM|0.0-0.5|H{tail}",
                1000 + k,
                (i * 7 + k) % 100
            ),
            1 => format!("OBX|{n}|SN|{}-2^Norfentanyl^LN||<^0.5|ng/mL|0.0-0.5|N{tail}", 2000 + k),
            2 => format!("OBX|{n}|CWE|{}-3^Xylazine^LN||260373001^Detected^SCT||Not detected|A{tail}", 3000 + k),
            _ => format!(
                "OBX|{n}|ST|{}-4^Comment^L||Specimen received \\T\\ processed||||{tail}NTE|1|L|Verified by second analyst\r",
                4000 + k
            ),
        };
        m.push_str(&obx);
    }
    m.push_str(&format!("SPM|1|^SP{i}&LAB||BLD^Blood^HL70487\r"));
    m.into_bytes()
}

fn hl7_corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/hl7");
    let mut corpus: Vec<Vec<u8>> = ["nist-elr-001-lead.hl7", "nist-elr-004-culture.hl7"]
        .iter()
        .map(|f| {
            let path = dir.join(f);
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    corpus.extend((0..HL7_GENERATED).map(hl7_generated));
    corpus
}

/// Parse to typed segments; returns the number of OBX seen and a checksum
/// of the text read so the work cannot be optimised away.
fn hl7_parse_typed(bytes: &[u8]) -> (usize, usize) {
    let msg = Message::parse(bytes).expect("benchmark corpus parses");
    let (mut obx_count, mut sum) = (0, 0);
    for seg in msg.segments() {
        if let Some(msh) = Msh::new(seg) {
            sum += msh.control_id().text().len()
                + msh.message_type().component(2).text().len()
                + msh.sending_application().component(1).text().len()
                + msh.version().text().len();
        } else if let Some(obx) = Obx::new(seg) {
            obx_count += 1;
            sum += obx.value_type_code().text().len()
                + obx.observation_id().component(1).text().len()
                + obx.value().text().len()
                + obx.units().component(1).text().len()
                + obx.result_status().text().len();
        }
    }
    (obx_count, sum)
}

fn hl7(c: &mut Criterion) {
    let corpus = hl7_corpus();
    let bytes: usize = corpus.iter().map(Vec::len).sum();
    let run = |corpus: &[Vec<u8>]| {
        let (mut obx, mut sum) = (0, 0);
        for m in corpus {
            let (o, s) = hl7_parse_typed(black_box(m));
            obx += o;
            sum += s;
        }
        assert_eq!(obx, HL7_EXPECTED_OBX, "parser lost OBX segments");
        sum
    };
    eprintln!(
        "hl7 corpus: {} messages, {bytes} bytes, {HL7_EXPECTED_OBX} OBX",
        corpus.len()
    );
    let mut group = c.benchmark_group("hl7");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_typed_bytes", |b| b.iter(|| run(&corpus)));
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("parse_typed_messages", |b| b.iter(|| run(&corpus)));
    group.finish();
}

/// The ASTM captures in ../shared/data/astm/senaite (the 11 that are ASTM).
const ASTM_CAPTURES: &[&str] = &[
    "abbott_afinion2.txt",
    "cobas_c111.txt",
    "cobas_c311.txt",
    "dca_vantage.txt",
    "genexpert.txt",
    "mini_vidas_mock.txt",
    "pentra_xlr.txt",
    "spotchem_el_mock.txt",
    "sysmex_xn550.txt",
    "sysmex_xp100.txt",
    "yumizen_h500.txt",
];
/// R records across those captures (counted independently, see tests/protocols_shared.rs).
const ASTM_EXPECTED_RESULTS: usize = 203;

/// Link layer (frames, checksums, receiver rules) → records → normalized
/// results, the whole path a capture takes; returns the results seen.
fn astm_decode(bytes: &[u8]) -> usize {
    let report = read_capture(bytes).expect("benchmark capture is ASTM");
    report
        .transfers
        .iter()
        .map(|t| {
            normalize_transfer(&t.text)
                .expect("benchmark transfer has records")
                .messages
                .iter()
                .map(|m| m.results.len())
                .sum::<usize>()
        })
        .sum()
}

fn astm(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/astm/senaite");
    let corpus: Vec<Vec<u8>> = ASTM_CAPTURES
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect();
    let bytes: usize = corpus.iter().map(Vec::len).sum();
    let run = |corpus: &[Vec<u8>]| {
        let results: usize = corpus.iter().map(|m| astm_decode(black_box(m))).sum();
        assert_eq!(results, ASTM_EXPECTED_RESULTS, "ASTM path lost results");
        results
    };
    let mut group = c.benchmark_group("astm");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("capture_to_results_bytes", |b| b.iter(|| run(&corpus)));
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("capture_to_results_messages", |b| b.iter(|| run(&corpus)));
    group.finish();
}

criterion_group!(benches, hl7, astm);
criterion_main!(benches);
