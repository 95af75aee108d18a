//! Framing quirks of instruments other than those in the shared captures, as a
//! new user's analyser would produce them: records without CR before ETX,
//! missing or partial frame trailers, host ACKs interleaved in a two-way
//! capture, unusual delimiters, HL7 batch files and LF segment ends.

use synthwatch::decode::{decode, DecodedInput, Format};

fn frame(number: u8, text: &[u8], last: bool, trailer: &[u8]) -> Vec<u8> {
    let mut body = vec![b'0' + number % 8];
    body.extend_from_slice(text);
    body.push(if last { 0x03 } else { 0x17 });
    let sum = body.iter().fold(0u8, |a, b| a.wrapping_add(*b));
    let mut out = vec![0x02];
    out.extend(body);
    out.extend(format!("{sum:02X}").bytes());
    out.extend_from_slice(trailer);
    out
}

fn results(d: &DecodedInput) -> Vec<(Option<String>, String, String)> {
    d.messages
        .iter()
        .flat_map(|m| &m.message.results)
        .map(|r| {
            let value = synthwatch::decode::value_text(&r.value);
            (r.specimen.clone(), r.test_code.clone(), value)
        })
        .collect()
}

#[test]
fn records_without_cr_before_etx_are_still_separate_records() {
    let mut cap = vec![0x05];
    cap.extend(frame(1, b"H|\\^&|||Quirky^1\r\nP|1", true, b""));
    cap.push(0x06); // the host's ACK, captured on the same line
    cap.extend(frame(
        2,
        b"O|1|S-1||^^^FEN\rR|1|^^^FEN|5|ng/mL||H||F",
        true,
        b"\r",
    ));
    cap.push(0x06);
    cap.extend(frame(3, b"L|1|N", true, b"\n"));
    cap.extend([0x06, 0x04]);
    let d = decode(&cap, Format::Auto);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.messages[0].records, 5, "H P O R L");
    assert_eq!(d.messages[0].frames, 3);
    assert_eq!(
        results(&d),
        [(Some("S-1".into()), "FEN".into(), "5".into())]
    );
    assert!(
        d.messages[0].warnings.is_empty(),
        "{:?}",
        d.messages[0].warnings
    );
}

#[test]
fn a_record_split_over_etb_frames_at_any_point_is_rejoined() {
    let text = b"H|\\^&\rO|1|S-9\rR|1|^^^NITZ|0.25|ng/mL||N||F\rL|1\r";
    for split in 1..text.len() - 1 {
        let (a, b) = text.split_at(split);
        let mut cap = frame(1, a, false, b"\r\n");
        cap.extend(frame(2, b, true, b"\r\n"));
        let d = decode(&cap, Format::Astm);
        assert!(d.errors.is_empty(), "split {split}: {:?}", d.errors);
        assert_eq!(
            results(&d),
            [(Some("S-9".into()), "NITZ".into(), "0.25".into())],
            "split at {split}"
        );
    }
}

#[test]
fn unusual_delimiters_are_read_from_the_header() {
    let bare = b"H!~^\\!!!Odd\r\nP!1\r\nO!1!SPX!!^^^A~^^^B\r\nR!1!^^^A!3\\S\\5!mg!!L!!F\r\nL!1\r\n";
    let d = decode(bare, Format::Auto);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.messages[0].frames, 0);
    let r = &d.messages[0].message.results[0];
    assert_eq!(
        (r.test_code.as_str(), r.flags.as_slice()),
        ("A", &["L".to_owned()][..])
    );
}

#[test]
fn hl7_batch_files_with_lf_endings_give_one_message_per_msh() {
    let batch = b"FHS|^~\\&|LAB\nBHS|^~\\&|LAB\n\
        MSH|^~\\&|A|B|C|D|20260101||ORU^R01|M1|P|2.5\nOBR|1||ACC-1|X\nOBX|1|NM|X^X^L||1|mg||||F\n\
        MSH|^~\\&|A|B|C|D|20260101||ORU^R01|M2|P|2.5\nOBR|1||ACC-2|Y\nOBX|1|NM|Y^Y^L||2|mg||||F\n\
        BTS|2\nFTS|1\n";
    let d = decode(batch, Format::Auto);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let ids: Vec<_> = d
        .messages
        .iter()
        .map(|m| m.message.control_id.clone())
        .collect();
    assert_eq!(ids, [Some("M1".to_owned()), Some("M2".to_owned())]);
    assert_eq!(
        d.messages[1].records, 3,
        "the batch trailer is not part of M2"
    );
    assert_eq!(
        results(&d),
        [
            (Some("ACC-1".into()), "X".into(), "1".into()),
            (Some("ACC-2".into()), "Y".into(), "2".into())
        ]
    );
}

#[test]
fn mllp_with_noise_split_frames_and_a_missing_final_cr() {
    let msg = b"MSH|^~\\&|A|B|C|D|20260101||ORU^R01|M7|P|2.5\rOBR|1||ACC-7|X\rOBX|1|NM|X^X^L||7|mg||||F\r";
    let mut stream = b"\x00\xffnoise".to_vec();
    stream.push(0x0b);
    stream.extend_from_slice(msg);
    stream.extend([0x1c, 0x0d, 0x0b]);
    stream.extend_from_slice(msg);
    stream.push(0x1c); // sender forgot the CR
    let d = decode(&stream, Format::Auto);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.messages.len(), 2);
    assert!(
        d.notes.iter().any(|n| n.contains("outside MLLP frames")),
        "{:?}",
        d.notes
    );
}

#[test]
fn a_capture_cut_mid_transfer_is_reported_as_not_delivered() {
    let mut cap = vec![0x05];
    cap.extend(frame(1, b"H|\\^&\r", true, b"\r\n"));
    cap.extend(frame(2, b"R|1|^^^A|1|", false, b"\r\n"));
    let d = decode(&cap, Format::Auto);
    assert!(
        d.errors
            .iter()
            .any(|e| e.to_string().contains("not delivered")),
        "{:?}",
        d.errors
    );
}
