//! HL7 v2 against the two NIST ELR conformance messages, plus ACK and error cases.

mod common;

use synthwatch_parsers::hl7::ack::{build_ack, AckCode, AckHeader, AckReason};
use synthwatch_parsers::hl7::segments::{Msh, Obx, Spm, ValueType};
use synthwatch_parsers::hl7::{Er7Error, Message};
use synthwatch_parsers::lab::from_hl7::normalize;
use synthwatch_parsers::lab::{Comparator, ResultStatus, ResultValue};

fn nist(name: &str) -> Vec<u8> {
    let path = common::shared_root().join("hl7").join(name);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read NIST sample {}: {e}", path.display()))
}

fn ids(msg: &Message<'_>) -> Vec<String> {
    msg.segments().map(|s| s.id().to_owned()).collect()
}

#[test]
fn lead_message_with_five_encoding_characters() {
    if common::shared_data().is_none() {
        return;
    }
    let bytes = nist("nist-elr-001-lead.hl7");
    let msg = Message::parse(&bytes).expect("nist-elr-001-lead.hl7 should parse");
    assert_eq!(
        ids(&msg),
        ["MSH", "SFT", "PID", "NTE", "NK1", "PV1", "ORC", "OBR", "OBX", "SPM", "OBX"]
    );
    let d = msg.delimiters();
    assert_eq!(
        (d.field, d.component, d.repetition, d.escape, d.subcomponent),
        (b'|', b'^', b'~', b'\\', b'&')
    );
    assert_eq!(d.truncation, Some(b'#'));
    let msh = Msh::new(msg.msh()).expect("MSH view");
    assert_eq!(msh.encoding_characters().raw(), b"^~\\&#");
    assert_eq!(msh.field_separator().raw(), b"|");
    assert_eq!(msh.control_id().text(), "NIST-ELR-001.01");
    assert_eq!(msh.message_type().component(2).text(), "R01");
    assert_eq!(msh.version().text(), "2.5.1");
    // `#` is the truncation character: data, not a delimiter.
    let spm = Spm::new(msg.segment("SPM").expect("SPM")).expect("SPM view");
    assert_eq!(spm.field(12).component(2).subcomponent(1).text(), "{#}");
    assert_eq!(
        spm.specimen_id_text()
            .map(|v| v.text().into_owned())
            .as_deref(),
        Some("SP004X10987")
    );
    assert_eq!(msg.segments_by_id("OBX").count(), 2);

    let (lab, warnings) = normalize(&bytes).expect("normalize");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(lab.control_id.as_deref(), Some("NIST-ELR-001.01"));
    assert_eq!(lab.sender.as_deref(), Some("NIST@NIST"));
    assert_eq!(lab.sent_at.as_deref(), Some("20120821140551-0500"));
    assert_eq!(lab.results.len(), 2);
    let lead = &lab.results[0];
    assert_eq!(lead.test_code, "5671-3");
    assert_eq!(lead.coding_system.as_deref(), Some("LN"));
    match &lead.value {
        ResultValue::Numeric(n) => assert_eq!(
            (n.comparator, n.value, n.second),
            (Comparator::Eq, 9.2, None)
        ),
        other => panic!("lead value {other:?}"),
    }
    assert_eq!(lead.units.as_deref(), Some("ug/dL"));
    assert_eq!(lead.reference_range.as_deref(), Some("0.0 - 5.0"));
    assert_eq!(lead.flags, ["H"]);
    assert_eq!(lead.status, ResultStatus::Final);
    assert_eq!(lead.observed_at.as_deref(), Some("20120615"));
    // OBX-16 is empty here (the name at OBX-25 is the lab director, not an operator).
    assert_eq!(lead.operator, None);
    // SPM comes after the OBX it describes: both results get its filler id.
    assert!(lab
        .results
        .iter()
        .all(|r| r.specimen.as_deref() == Some("SP004X10987")));
    assert_eq!(lab.comments.len(), 1);
    assert_eq!(lab.comments[0].text, "Patient is English speaker.");
    let patient = lab.patient.expect("PID read");
    assert_eq!(patient.ids, ["18547545", "111111111"]);
    assert_eq!(patient.sex.as_deref(), Some("M"));
    assert_eq!(patient.name.as_deref(), Some("Lerr^Todd^G.^Jr^^^L"));
}

#[test]
fn culture_message_with_sn_and_coded_values() {
    if common::shared_data().is_none() {
        return;
    }
    let bytes = nist("nist-elr-004-culture.hl7");
    let msg = Message::parse(&bytes).expect("nist-elr-004-culture.hl7 should parse");
    assert_eq!(msg.segment_count(), 13);
    assert_eq!(msg.delimiters().truncation, None);
    let obx: Vec<Obx<'_>> = msg.segments_by_id("OBX").filter_map(Obx::new).collect();
    assert_eq!(obx.len(), 4);
    // This sample carries non-standard OBX-2 codes.
    assert_eq!(obx[0].value_type(), ValueType::Other);
    assert_eq!(obx[2].value().component(3).text(), "/");

    let (lab, warnings) = normalize(&bytes).expect("normalize");
    assert_eq!(lab.results.len(), 4);
    assert_eq!(
        warnings.len(),
        4,
        "one 'read by shape' warning per OBX: {warnings:?}"
    );
    match &lab.results[0].value {
        ResultValue::Coded { code, text, system } => {
            assert_eq!(code, "85729005");
            assert_eq!(text.as_deref(), Some("Shigella flexneri"));
            assert_eq!(system.as_deref(), Some("SCT"));
        }
        other => panic!("culture value {other:?}"),
    }
    let numeric = |i: usize| match &lab.results[i].value {
        ResultValue::Numeric(n) => n.clone(),
        other => panic!("result {i}: {other:?}"),
    };
    assert_eq!(numeric(1).value, 16.0);
    let ratio = numeric(2);
    assert_eq!(
        (ratio.value, ratio.second, ratio.separator.as_deref()),
        (8.0, Some(152.0), Some("/"))
    );
    assert_eq!(ratio.text, "=8/152");
    let cipro = numeric(3);
    assert_eq!((cipro.comparator, cipro.value), (Comparator::Le, 0.06));
    let flags: Vec<_> = lab.results.iter().flat_map(|r| r.flags.clone()).collect();
    assert_eq!(flags, ["I", "R", "S"]);
    // Group 1's SPM-2 has only a placer id; group 2's has a filler id.
    assert_eq!(lab.results[0].specimen.as_deref(), Some("000-4"));
    assert!(lab.results[1..]
        .iter()
        .all(|r| r.specimen.as_deref() == Some("ORD723222-4.1")));
    assert_eq!(lab.results[0].observed_at.as_deref(), Some("20110528"));
}

const CANARY: &[u8] =
    b"MSH|^~\\&|LABAPP|LABFAC|SYNTH|HUB|20240101120000||ORU^R01^ORU_R01|CTRL-42|P|2.5.1\r\
PID|1||CANARY-ID^^^H^MR||CANARYNAME^Patient||19700101|F|||1 Canary Row^^Town\r\
OBR|1|P1|F1|1234-5^Fentanyl^LN\r\
OBX|1|NM|1234-5^Fentanyl^LN||12.5|ng/mL|||||F\r";

#[test]
fn ack_swaps_parties_echoes_control_id_and_leaks_no_patient_data() {
    let msg = Message::parse(CANARY).expect("canary parses");
    let header = AckHeader::from_message(&msg);
    let ack = build_ack(
        &header,
        AckCode::Accept,
        None,
        "ACK-1",
        "20240101120001+0000",
    );
    let text = String::from_utf8(ack.clone()).expect("ASCII ACK");
    assert_eq!(
        text,
        "MSH|^~\\&|SYNTH|HUB|LABAPP|LABFAC|20240101120001+0000||ACK^R01^ACK|ACK-1|P|2.5.1\rMSA|AA|CTRL-42\r"
    );
    let parsed = Message::parse(&ack).expect("ACK parses");
    assert_eq!(
        parsed
            .segment("MSA")
            .map(|s| s.field(2).text().into_owned())
            .as_deref(),
        Some("CTRL-42")
    );
    for code in [AckCode::Accept, AckCode::Error, AckCode::Reject] {
        for h in [
            header.clone(),
            AckHeader::salvage(CANARY),
            AckHeader::salvage(&CANARY[..150]),
        ] {
            let ack = build_ack(&h, code, Some(AckReason::ApplicationInternal), "2", "3");
            let ack = String::from_utf8_lossy(&ack);
            for secret in ["CANARY", "Canary", "19700101", "Patient"] {
                assert!(!ack.contains(secret), "{ack}");
            }
            assert!(ack.contains("|CTRL-42\r"), "{ack}");
        }
    }
}

#[test]
fn ack_for_unreadable_input() {
    let broken = b"MSH|^|APP|FAC|ME|US|2024||ORU^R01|ONLY-MSH10|P\rgarbage";
    assert!(Message::parse(broken).is_err());
    let h = AckHeader::salvage(broken);
    assert_eq!(h.control_id, "ONLY-MSH10");
    let ack = build_ack(&h, AckCode::Reject, Some(AckReason::DataType), "9", "1");
    assert!(ack.ends_with(b"MSA|AR|ONLY-MSH10\rERR|||102^Data type error^HL70357|E\r"));
    let nothing = build_ack(
        &AckHeader::salvage(b"\x00\x01"),
        AckCode::Reject,
        None,
        "9",
        "1",
    );
    assert!(Message::parse(&nothing).is_ok());
}

#[test]
fn errors_name_positions() {
    assert_eq!(Message::parse(b"\r\n\r\n").err(), Some(Er7Error::Empty));
    assert_eq!(
        Message::parse(b"\r\nPID|1").err(),
        Some(Er7Error::NoMsh { offset: 2 })
    );
    let err = Message::parse(b"MSH|^~|A").expect_err("bad encoding characters");
    assert!(
        matches!(err, Er7Error::BadEncodingCharacters { offset: 4, .. }),
        "{err:?}"
    );
    let err = Message::parse(b"MSH|^~\\&|A\rOBX|1\rOB").expect_err("truncated segment");
    assert_eq!(
        err,
        Er7Error::BadSegmentId {
            segment: 3,
            offset: 17
        }
    );
    assert!(err.to_string().contains("segment 3 at byte 17"), "{err}");
    let err = Message::parse(b"MSH|^~\\&|A\rOBX1").expect_err("no separator");
    assert_eq!(
        err,
        Er7Error::BadSegmentId {
            segment: 2,
            offset: 11
        }
    );
}

#[test]
fn line_endings_escapes_and_charset() {
    let msg = Message::parse(
        b"MSH|^~\\&|A|B|||||X|||||||||UNICODE UTF-8\r\n\r\nNTE|1|L|Zo\xc3\xab \\T\\ co\\.br\\next\n",
    )
    .expect("parses");
    assert_eq!(msg.segment_count(), 2);
    let nte = msg.segment("NTE").expect("NTE");
    assert_eq!(nte.field(3).text(), "Zoë & co\nnext");
    assert_eq!(nte.field_count(), 3);
    assert_eq!(msg.msh().field_count(), 18);
    let latin = Message::parse(b"MSH|^~\\&\rNTE|1||M\xfcller").expect("parses");
    assert_eq!(
        latin
            .segment("NTE")
            .map(|s| s.field(3).text().into_owned())
            .as_deref(),
        Some("Müller")
    );
}

#[test]
fn operator_instrument_comments_and_specimen_fallbacks() {
    let bytes = b"MSH|^~\\&|LIS||||20240101||ORU^R01|C1|P|2.5.1\r\
PID|1||X\r\
NTE|1|L|message note\r\
OBR|1|PLACER-1|FILLER-1|FENT^Fentanyl panel^L\r\
OBX|1|NM|FENT^Fentanyl^L||<0.5|ng/mL|||||F|||||42^Tech^Ann||DEV-7\r\
NTE|1|L|first line~second line|RE\r\
OBX|2|ST|NOTE^Note^L||part one~part two||||||P\r\
OBR|2|PLACER-2\r\
OBX|1|CWE|XYL^Xylazine^L||260373001^Detected^SCT||||||F||||||||20240102\r";
    let (lab, warnings) = normalize(bytes).expect("normalize");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(lab.sender.as_deref(), Some("LIS"));
    assert_eq!(lab.instrument.as_deref(), Some("DEV-7"));
    assert_eq!(lab.comments.len(), 1);
    let r = &lab.results;
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].operator.as_deref(), Some("Tech Ann"));
    match &r[0].value {
        ResultValue::Numeric(n) => assert_eq!((n.comparator, n.value), (Comparator::Lt, 0.5)),
        other => panic!("{other:?}"),
    }
    assert_eq!(r[0].comments.len(), 1);
    assert_eq!(r[0].comments[0].text, "first line\nsecond line");
    assert_eq!(r[0].comments[0].kind.as_deref(), Some("RE"));
    assert_eq!(
        r[1].value,
        ResultValue::Text {
            text: "part one\npart two".into()
        }
    );
    assert_eq!(r[1].status, ResultStatus::Preliminary);
    assert_eq!(
        (r[0].specimen.as_deref(), r[1].specimen.as_deref()),
        (Some("FILLER-1"), Some("FILLER-1"))
    );
    assert_eq!(r[2].specimen.as_deref(), Some("PLACER-2"));
    assert_eq!(r[2].observed_at.as_deref(), Some("20240102"));
    assert!(matches!(&r[2].value, ResultValue::Coded { code, .. } if code == "260373001"));
}
