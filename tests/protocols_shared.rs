//! Every real capture in ../shared/data/astm/senaite and ../shared/data/hl7 reads
//! with verified checksums and the right frame, record and result counts.
//!
//! The expected counts were obtained independently of this code: a 10-line
//! Python regex over the raw bytes (frames `STX FN text ETB|ETX C1 C2`, each
//! checksum recomputed and compared, text split on CR/LF, records counted by
//! their first letter), and `grep`-style segment counts for HL7.

mod common;

use synthwatch::decode::{decode, DecodeError, Format, MessageReport};

struct Expect {
    file: &'static str,
    frames: usize,
    records: usize,
    results: usize,
}

#[rustfmt::skip]
const ASTM: &[Expect] = &[
    Expect { file: "abbott_afinion2.txt", frames: 1, records: 5, results: 1 },
    Expect { file: "cobas_c111.txt", frames: 7, records: 7, results: 1 },
    Expect { file: "cobas_c311.txt", frames: 1, records: 18, results: 7 },
    Expect { file: "dca_vantage.txt", frames: 1, records: 9, results: 3 },
    Expect { file: "genexpert.txt", frames: 1, records: 91, results: 84 },
    Expect { file: "mini_vidas_mock.txt", frames: 5, records: 5, results: 1 },
    Expect { file: "pentra_xlr.txt", frames: 28, records: 28, results: 21 },
    Expect { file: "spotchem_el_mock.txt", frames: 6, records: 6, results: 3 },
    Expect { file: "sysmex_xn550.txt", frames: 1, records: 48, results: 41 },
    Expect { file: "sysmex_xp100.txt", frames: 1, records: 24, results: 20 },
    Expect { file: "yumizen_h500.txt", frames: 31, records: 31, results: 21 },
];

#[rustfmt::skip]
const HL7: &[Expect] = &[
    Expect { file: "nist-elr-001-lead.hl7", frames: 0, records: 11, results: 2 },
    Expect { file: "nist-elr-004-culture.hl7", frames: 0, records: 13, results: 4 },
];

fn check(dir: &str, cases: &[Expect], protocol: &str) {
    let Some(data) = common::shared_data() else {
        return;
    };
    for case in cases {
        let path = data.join(dir).join(case.file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let decoded = decode(&bytes, Format::Auto);
        assert!(
            decoded.errors.is_empty(),
            "{}: {:?}",
            case.file,
            decoded.errors
        );
        assert_eq!(decoded.messages.len(), 1, "{}: message count", case.file);
        let m = &decoded.messages[0];
        let got = (m.frames, m.records, m.message.results.len());
        let want = (case.frames, case.records, case.results);
        assert_eq!(got, want, "{}: (frames, records, results)", case.file);
        let report = MessageReport::new(case.file, 0, m);
        let json = serde_json::to_value(&report).expect("serializable");
        assert_eq!(json["protocol"], protocol, "{}", case.file);
        insta::assert_json_snapshot!(format!("{protocol}-{}", case.file), json);
    }
}

#[test]
fn astm_captures_parse_with_the_right_counts() {
    check("astm/senaite", ASTM, "astm");
}

#[test]
fn hl7_messages_parse_with_the_right_counts() {
    check("hl7", HL7, "hl7");
}

#[test]
fn streams_that_are_not_astm_are_rejected_not_misparsed() {
    let Some(data) = common::shared_data() else {
        return;
    };
    for file in ["mini_vidas.txt", "spotchem_el.txt"] {
        let bytes = std::fs::read(data.join("astm/senaite").join(file)).expect("readable");
        for format in [Format::Auto, Format::Astm] {
            let decoded = decode(&bytes, format);
            assert!(decoded.messages.is_empty(), "{file}: produced messages");
            assert!(
                matches!(decoded.errors.as_slice(), [DecodeError::NotAstm(_)]),
                "{file} ({format:?}): {:?}",
                decoded.errors
            );
        }
    }
}
