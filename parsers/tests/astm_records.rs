//! ASTM E1394 records and their normalization, against real captures in
//! `../shared/data/astm` (relative to the project root) and property tests.

mod common;

use synthwatch_parsers::astm::records::{
    parse_transfer, OrderRecord, QueryRecord, RecordError, RecordType, ResultRecord, Transfer,
};
use synthwatch_parsers::lab::from_astm::{normalize_transfer, Normalized};
use synthwatch_parsers::lab::{LabResult, ResultStatus, ResultValue};

fn data(name: &str) -> Vec<u8> {
    let path = common::shared_root().join("astm").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// TEST-ONLY stand-in for the link layer (written elsewhere): keeps the text
/// of each `<STX> FN text <ETB|ETX> C1 C2 <CR><LF>` frame and joins them. It
/// checks nothing (no checksums, no frame numbers); do not use it for real
/// input.
fn deframe_for_tests(raw: &[u8]) -> Vec<u8> {
    let mut text = Vec::new();
    let mut rest = raw;
    while let Some(stx) = rest.iter().position(|&b| b == 0x02) {
        let mut frame = &rest[stx + 1..];
        if frame.first().is_some_and(u8::is_ascii_digit) {
            frame = &frame[1..];
        }
        let end = frame
            .iter()
            .position(|&b| b == 0x17 || b == 0x03)
            .unwrap_or(frame.len());
        text.extend_from_slice(&frame[..end]);
        rest = &frame[end..];
    }
    text
}

/// TEST-ONLY: the record lines of one `"""` block of the Immulite transcript
/// (after the scenario title), without the leading frame digit and the
/// trailing ` CS` checksum some lines carry, joined with CR.
fn immulite_records(scenario: &str) -> Vec<u8> {
    let feature =
        String::from_utf8(data("immulite-transcript.feature")).expect("UTF-8 feature file");
    let after = feature.split(scenario).nth(1).expect("scenario present");
    let block = after.split("\"\"\"").nth(1).expect("a quoted block");
    let mut text = Vec::new();
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let line = line.get(1..).expect("frame digit");
        let line = match line.rsplit_once(' ') {
            Some((rec, cs)) if cs.len() == 2 && cs.bytes().all(|b| b.is_ascii_hexdigit()) => rec,
            _ => line,
        };
        text.extend_from_slice(line.as_bytes());
        text.push(b'\r');
    }
    text
}

fn capture(name: &str) -> (Vec<u8>, Normalized) {
    let text = deframe_for_tests(&data(&format!("senaite/{name}")));
    let normalized = normalize_transfer(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    (text, normalized)
}

fn transfer(text: &[u8]) -> Transfer<'_> {
    parse_transfer(text).unwrap_or_else(|e| panic!("{e}"))
}

fn numeric(r: &LabResult) -> f64 {
    match &r.value {
        ResultValue::Numeric(n) => n.value,
        other => panic!("{}: expected a number, got {other:?}", r.test_code),
    }
}

fn text_value(s: &str) -> ResultValue {
    ResultValue::Text { text: s.into() }
}

fn result<'a>(n: &'a Normalized, code: &str) -> &'a LabResult {
    n.messages
        .iter()
        .flat_map(|m| &m.results)
        .find(|r| r.test_code == code)
        .unwrap_or_else(|| panic!("no result {code}"))
}

#[test]
fn record_counts_per_capture() {
    if common::shared_data().is_none() {
        return;
    }
    for (name, records, results) in [
        ("abbott_afinion2.txt", 5, 1),
        ("cobas_c111.txt", 7, 1),
        ("cobas_c311.txt", 18, 7),
        ("dca_vantage.txt", 9, 3),
        ("genexpert.txt", 91, 84),
        ("pentra_xlr.txt", 28, 21),
        ("sysmex_xn550.txt", 48, 41),
        ("sysmex_xp100.txt", 24, 20),
        ("yumizen_h500.txt", 31, 21),
        ("mini_vidas_mock.txt", 5, 1),
        ("spotchem_el_mock.txt", 6, 3),
    ] {
        let (text, n) = capture(name);
        let t = transfer(&text);
        assert_eq!(t.messages.len(), 1, "{name}");
        let m = &t.messages[0];
        assert_eq!(m.record_count(), records, "{name}");
        assert!(m.is_terminated(), "{name}");
        assert_eq!(m.span(), 0..text.len(), "{name}");
        assert_eq!(n.messages.len(), 1, "{name}");
        assert_eq!(n.messages[0].results.len(), results, "{name}");
    }
}

#[test]
fn cobas_c111() {
    if common::shared_data().is_none() {
        return;
    }
    let (_, n) = capture("cobas_c111.txt");
    let m = &n.messages[0];
    assert_eq!(m.sender.as_deref(), Some("SENAITE"));
    assert_eq!(m.sent_at.as_deref(), Some("20230803131713"));
    assert!(m.patient.is_none());
    let r = &m.results[0];
    assert_eq!(r.test_code, "413");
    assert_eq!(r.coding_system.as_deref(), Some("local"));
    assert_eq!(numeric(r), 40.13);
    assert_eq!(r.units.as_deref(), Some("g/L"));
    assert_eq!(r.status, ResultStatus::Final);
    assert_eq!(r.flags, ["N"]);
    assert_eq!(r.specimen.as_deref(), Some("T20 10134GA D28"));
    assert_eq!(r.observed_at.as_deref(), Some("20230803131700"));
    assert_eq!(r.operator.as_deref(), Some("$SYS$"));
    assert!(r.comments.is_empty(), "C|1|I||I has no text");
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
}

#[test]
fn cobas_c311_roche_codes_and_result_comments() {
    if common::shared_data().is_none() {
        return;
    }
    let (_, n) = capture("cobas_c311.txt");
    let r = result(&n, "685/");
    assert_eq!((numeric(r), r.flags.join(",")), (22.4, "A".into()));
    assert_eq!(r.specimen.as_deref(), Some("11625"));
    assert_eq!(r.comments[0].text, "43");
    assert_eq!(r.comments[0].source.as_deref(), Some("I"));
    assert_eq!(result(&n, "690/").units.as_deref(), Some("umol/l"));
}

#[test]
fn pentra_xlr() {
    if common::shared_data().is_none() {
        return;
    }
    let (text, n) = capture("pentra_xlr.txt");
    let wbc = result(&n, "WBC");
    assert_eq!(numeric(wbc), 8.5);
    assert_eq!(wbc.status, ResultStatus::Other, "W");
    assert!(wbc.flags.is_empty());
    assert_eq!(wbc.comments.len(), 2);
    assert_eq!(
        wbc.comments[0].text,
        "Alarm_WBC LMNE- BASO+ LL NL LN NO SL1"
    );
    assert_eq!(result(&n, "MON#").flags, ["L"]);
    let bas = result(&n, "BAS#");
    assert_eq!(
        (bas.flags.join(","), bas.status),
        ("HH".into(), ResultStatus::Cancelled)
    );
    assert_eq!(bas.value, text_value("-----"));
    assert_eq!(result(&n, "PLT").comments[0].text, "PLATELET AGGREGATS");
    // The LOINC-like component is kept, reachable through the view.
    let t = transfer(&text);
    let r = ResultRecord::new(t.messages[0].records()[3]).unwrap();
    assert_eq!(r.test_id().components(), ["", "", "", "WBC", "804-5", "1"]);
    let p = n.messages[0].patient.as_ref().expect("P record");
    assert_eq!(p.name.as_deref(), Some("Mohale^Rita"));
    assert_eq!(p.sex.as_deref(), Some("F"));
    let shown = format!("{:?}", n.messages[0]);
    assert!(!shown.contains("Mohale") && !shown.contains("19771201"));
}

#[test]
fn genexpert_delimiters_and_text_values() {
    if common::shared_data().is_none() {
        return;
    }
    let (text, n) = capture("genexpert.txt");
    let t = transfer(&text);
    let d = t.messages[0].delimiters();
    assert_eq!(
        (d.field, d.repeat, d.component, d.escape),
        (b'|', b'@', b'^', Some(b'\\'))
    );
    let m = &n.messages[0];
    assert_eq!(m.control_id.as_deref(), Some("URM-8lT4abZA-06"));
    assert_eq!(m.sender.as_deref(), Some(".806149 Happy Hospital"));
    assert_eq!(m.instrument.as_deref(), Some("Cepheid-44413S0"));
    assert!(m.patient.is_none(), "P|1||||^^^^ identifies nobody");
    let first = &m.results[0];
    assert_eq!(first.value, text_value("NOT DETECTED"));
    assert_eq!(first.test_code, "Xpert");
    assert_eq!(first.test_name.as_deref(), Some("MTB-RIF"));
    assert_eq!(first.specimen.as_deref(), Some("PR25A137"));
    assert_eq!(first.observed_at.as_deref(), Some("20250514132103"));
    assert_eq!(first.comments.len(), 1);
    assert_eq!(numeric(&m.results[2]), 0.0);
    assert_eq!(numeric(&m.results[3]), -2.0);
    assert_eq!(m.results[1].status, ResultStatus::Unknown);
}

#[test]
fn sysmex_specimens_are_trimmed_components() {
    if common::shared_data().is_none() {
        return;
    }
    let (_, xn) = capture("sysmex_xn550.txt");
    let m = &xn.messages[0];
    assert!(m
        .results
        .iter()
        .all(|r| r.specimen.as_deref() == Some("27")));
    assert_eq!(m.sender.as_deref(), Some("XN-550"));
    assert_eq!(result(&xn, "EO%").flags, ["H"]);
    // `&R&` is the escaped repeat delimiter inside the value.
    let scat = result(&xn, "SCAT_WDF");
    assert_eq!(
        scat.value,
        text_value("PNG\\20240628\\2024_06_27_13_54_27_WDF.PNG")
    );
    assert_eq!(m.comments.len(), 1);
    assert_eq!(m.comments[0].text, "POST HD");
    assert_eq!(
        m.patient.as_ref().map(|p| p.ids.clone()),
        Some(vec!["37182".to_owned()])
    );

    let (_, xp) = capture("sysmex_xp100.txt");
    let wbc = result(&xp, "WBC");
    assert_eq!((wbc.specimen.as_deref(), numeric(wbc)), (Some("113"), 5.5));
    assert_eq!(wbc.operator, None);
    assert_eq!(wbc.status, ResultStatus::Unknown);
}

#[test]
fn dca_vantage_three_results() {
    if common::shared_data().is_none() {
        return;
    }
    let (_, n) = capture("dca_vantage.txt");
    let codes: Vec<_> = n.messages[0]
        .results
        .iter()
        .map(|r| (r.test_code.as_str(), numeric(r)))
        .collect();
    assert_eq!(codes, [("Alb", 63.7), ("Crt", 230.8), ("Ratio", 27.6)]);
    assert_eq!(result(&n, "Alb").comments[0].text, "1.000 0.0 mg/L");
    assert_eq!(result(&n, "Ratio").units.as_deref(), Some("mg/g"));
    assert_eq!(
        n.messages[0].instrument.as_deref(),
        Some("DCA VANTAGE^04.04.00.00^S067337")
    );
}

#[test]
fn yumizen_and_afinion() {
    if common::shared_data().is_none() {
        return;
    }
    let (_, n) = capture("yumizen_h500.txt");
    let mcv = result(&n, "MCV");
    assert_eq!(
        mcv.reference_range.as_deref(),
        Some("84.0 - 94.0^REFERENCE_RANGE")
    );
    assert_eq!(mcv.operator.as_deref(), Some("MATYL"));
    assert_eq!(mcv.observed_at.as_deref(), Some("20230329110631"));
    assert_eq!(
        n.messages[0].comments[0].text,
        "CONTROL_FAILED PLT_ABOVE_TOLERANCE"
    );

    let (_, n) = capture("abbott_afinion2.txt");
    let r = result(&n, "HbA1c");
    assert_eq!((numeric(r), r.units.as_deref()), (5.9, Some("%")));
}

#[test]
fn mocks_with_doubled_backslash_are_read_with_a_warning() {
    if common::shared_data().is_none() {
        return;
    }
    let (_, n) = capture("mini_vidas_mock.txt");
    assert!(
        n.warnings[0].contains("doubled backslash"),
        "{:?}",
        n.warnings
    );
    let r = result(&n, "HBCT");
    assert_eq!(numeric(r), 0.05);
    assert_eq!(r.specimen.as_deref(), Some("Z1G021SCR"));
    let (_, n) = capture("spotchem_el_mock.txt");
    assert_eq!(numeric(result(&n, "Na")), 131.0);
    assert_eq!(result(&n, "K").specimen.as_deref(), Some("1DC042FP"));
}

#[test]
fn non_astm_captures_are_errors_naming_the_first_record() {
    if common::shared_data().is_none() {
        return;
    }
    for name in ["mini_vidas.txt", "spotchem_el.txt"] {
        let text = deframe_for_tests(&data(&format!("senaite/{name}")));
        let err = parse_transfer(&text).unwrap_err();
        assert!(
            matches!(
                err,
                RecordError::NotHeader {
                    record: 1,
                    offset: 0,
                    ..
                }
            ),
            "{name}: {err}"
        );
        assert!(err
            .to_string()
            .starts_with("record 1 at byte 0: expected an H header record"));
    }
}

#[test]
fn immulite_results_and_patients() {
    if common::shared_data().is_none() {
        return;
    }
    let text = immulite_records("Scenario: sending results from Immulite to LIS");
    let t = transfer(&text);
    assert_eq!(
        t.messages[0].delimiters().escape,
        None,
        "H|\\^| declares no escape"
    );
    assert_eq!(t.messages[0].record_count(), 26);
    let h = t.messages[0].header().unwrap();
    // This header is one field short of LIS2-A2 after H-5: P sits in H-11
    // and the date in H-13, so H-14 (sent_at) is absent.
    assert_eq!(
        (&*h.field(11).text(), &*h.field(13).text()),
        ("P", "19940407085426")
    );
    let n = normalize_transfer(&text).unwrap();
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
    assert_eq!(n.messages.len(), 6, "one LabMessage per P record");
    assert!(n
        .messages
        .iter()
        .all(|m| m.sender.as_deref() == Some("DPC") && m.sent_at.is_none()));
    // The transcript's table: id (without the `DPC-` sender prefix), test,
    // value as sent, unit, flags, completion time.
    let got: Vec<String> = n
        .messages
        .iter()
        .flat_map(|m| &m.results)
        .map(|r| {
            let ResultValue::Numeric(v) = &r.value else {
                panic!("{:?}", r.value)
            };
            let unit = r.units.as_deref().unwrap_or("-");
            let at = r.observed_at.as_deref().unwrap_or("-");
            let specimen = r.specimen.as_deref().unwrap_or("-");
            let flags = r.flags.join(",");
            format!("{specimen} {} {} {unit} {flags} {at}", r.test_code, v.text)
        })
        .collect();
    let want = [
        "130000445 TT4 10.3 ug/dL N 19950119092826",
        "130000445 TU 26.6 Percnt N 19950119092756",
        "130000617 FER 173. ng/mL N 19950119092858",
        "130000722 FER 490. ng/mL N 19950119092928",
        "130000724 E2 25.3 pg/mL N 19950119100049",
        "130000724 FSH 60.6 mIU/mL N 19950119093030",
        "130000724 LH 24.4 mIU/mL N 19950119093101",
        "130000741 FER 238. ng/mL N 19950119093132",
        "130000790 IGE 517. IU/mL N 19950119093202",
    ];
    assert_eq!(got, want);
    assert!(n
        .messages
        .iter()
        .flat_map(|m| &m.results)
        .all(|r| r.status == ResultStatus::Final));
    let first = n.messages[0].patient.as_ref().unwrap();
    assert_eq!(
        (first.ids.as_slice(), first.name.as_deref()),
        (&["119813;TGH".to_owned()][..], Some("Last 1^First 1"))
    );
    assert_eq!(
        n.messages[4].patient.as_ref().unwrap().sex.as_deref(),
        Some("M")
    );
    assert_eq!(
        n.messages[0].results[0].reference_range.as_deref(),
        Some("4.5\\.4^12.5\\24")
    );
    let shown = format!("{:?}", n.messages);
    assert!(
        !shown.contains("Last ") && !shown.contains("119813"),
        "patient data leaked"
    );
}

#[test]
fn immulite_host_query() {
    if common::shared_data().is_none() {
        return;
    }
    let text = immulite_records("Scenario: LIS asking for pending requests");
    let t = transfer(&text);
    let m = &t.messages[0];
    assert_eq!(
        m.records().iter().map(|r| r.kind()).collect::<Vec<_>>(),
        [
            RecordType::Header,
            RecordType::Query,
            RecordType::Terminator
        ]
    );
    let q = QueryRecord::new(m.records()[1]).unwrap();
    assert_eq!(q.starting_range().component(2).text(), "123ABC");
    assert_eq!(q.universal_test_id().text(), "ALL");
    assert_eq!(q.status_code().text(), "O");
    assert_eq!(m.header().unwrap().access_password().text(), "PASSWORD");
    // This DPC header is one field off from LIS2-A2 after H-5 (address in H-7).
    assert_eq!(m.header().unwrap().sender().text(), "DPC");
}

#[test]
fn order_tests_repeat() {
    if common::shared_data().is_none() {
        return;
    }
    let (text, _) = capture("sysmex_xp100.txt");
    let t = transfer(&text);
    let o = OrderRecord::new(t.messages[0].records()[2]).unwrap();
    let tests: Vec<_> = o.tests().filter_map(|t| t.code()).collect();
    assert_eq!(tests.len(), 20);
    assert_eq!((tests[0].as_ref(), tests[19].as_ref()), ("WBC", "PCT"));
}
