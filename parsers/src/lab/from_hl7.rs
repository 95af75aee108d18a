//! Normalize one HL7 v2 ORU message into a [`LabMessage`].
//!
//! Results are grouped per OBR: the specimen of every OBX in a group comes
//! from the group's SPM-2 (filler id, else placer id), else OBR-3, else
//! OBR-2. The group is closed at the next OBR or the end, because in
//! 2.5.1 ORU^R01 the SPM follows the OBX segments it describes.
//! Warnings hold only fixed texts and segment numbers, never message data.

use std::fmt;

use crate::hl7::segments::{Coded, Msh, Nte, Obr, Obx, Pid, Spm, StructuredNumeric, ValueType};
use crate::hl7::{Er7Error, Message, Value};
use crate::lab::{
    Comment, Comparator, LabMessage, LabResult, NumericValue, PatientIdentity, Protocol,
    ResultStatus, ResultValue,
};

/// Something tolerated while normalizing. Only static text: cannot carry patient data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hl7Warning {
    /// 1-based segment number.
    pub segment: usize,
    /// What was tolerated.
    pub what: &'static str,
}

impl fmt::Display for Hl7Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "segment {}: {}", self.segment, self.what)
    }
}

/// Parse and normalize one ER7 message.
pub fn normalize(bytes: &[u8]) -> Result<(LabMessage, Vec<Hl7Warning>), Er7Error> {
    Message::parse(bytes).map(|m| from_message(&m))
}

/// The OBX results of one OBR and the specimen ids that may apply to them.
struct Group {
    first_result: usize,
    spm: Option<String>,
    filler: Option<String>,
    placer: Option<String>,
}

/// Where a following NTE belongs.
enum Context {
    Message,
    Result(usize),
}

/// Normalize a parsed message; returns the message and what was tolerated.
pub fn from_message(msg: &Message<'_>) -> (LabMessage, Vec<Hl7Warning>) {
    let mut warnings = Vec::new();
    let mut out = LabMessage {
        protocol: Protocol::Hl7,
        sender: None,
        instrument: None,
        control_id: None,
        sent_at: None,
        results: Vec::new(),
        comments: Vec::new(),
        patient: None,
    };
    if let Some(msh) = Msh::new(msg.msh()) {
        read_header(&msh, &mut out, &mut warnings);
    }
    let mut group: Option<Group> = None;
    let mut context = Context::Message;
    for seg in msg.segments().skip(1) {
        let warn = |what| Hl7Warning {
            segment: seg.number(),
            what,
        };
        context = match seg.id_bytes() {
            b"PID" => {
                if out.patient.is_some() {
                    warnings.push(warn("second PID ignored"));
                } else if let Some(pid) = Pid::new(seg) {
                    out.patient = Some(patient(&pid)).filter(|p| !p.is_empty());
                }
                Context::Message
            }
            b"OBR" => {
                close_group(group.take(), &mut out.results);
                group = Obr::new(seg).map(|obr| Group {
                    first_result: out.results.len(),
                    spm: None,
                    filler: obr.filler_order_number().component(1).non_empty(),
                    placer: obr.placer_order_number().component(1).non_empty(),
                });
                Context::Message
            }
            b"SPM" => {
                match (group.as_mut(), Spm::new(seg)) {
                    (Some(g), Some(spm)) if g.spm.is_none() => {
                        g.spm = spm.specimen_id_text().and_then(|v| v.non_empty());
                    }
                    (Some(_), _) => warnings.push(warn("second SPM in one order; first kept")),
                    (None, _) => warnings.push(warn("SPM before any OBR ignored")),
                }
                Context::Message
            }
            b"OBX" => match Obx::new(seg) {
                Some(obx) => {
                    if group.is_none() {
                        warnings.push(warn("OBX before any OBR: no specimen"));
                    }
                    let result = result(&obx, &mut warnings);
                    if out.instrument.is_none() {
                        out.instrument = obx.equipment_instance_id().component(1).non_empty();
                    }
                    out.results.push(result);
                    Context::Result(out.results.len() - 1)
                }
                None => Context::Message,
            },
            b"NTE" => {
                if let Some(comment) = Nte::new(seg).and_then(|n| comment(&n)) {
                    match context {
                        Context::Result(i) => match out.results.get_mut(i) {
                            Some(r) => r.comments.push(comment),
                            None => out.comments.push(comment),
                        },
                        Context::Message => out.comments.push(comment),
                    }
                }
                context
            }
            // ORC, SFT, NK1, PV1, …: comments after them belong to the message.
            _ => Context::Message,
        };
    }
    close_group(group, &mut out.results);
    (out, warnings)
}

fn read_header(msh: &Msh<'_>, out: &mut LabMessage, warnings: &mut Vec<Hl7Warning>) {
    let hd = |v: Value<'_>| {
        v.component(1)
            .non_empty()
            .or_else(|| v.component(2).non_empty())
    };
    out.sender = match (hd(msh.sending_application()), hd(msh.sending_facility())) {
        (Some(app), Some(facility)) => Some(format!("{app}@{facility}")),
        (app, facility) => app.or(facility),
    };
    out.control_id = msh.control_id().non_empty();
    out.sent_at = msh.datetime().component(1).non_empty();
    if msh.message_type().component(1).raw() != b"ORU" {
        warnings.push(Hl7Warning {
            segment: 1,
            what: "MSH-9 is not ORU; read as results anyway",
        });
    }
}

fn close_group(group: Option<Group>, results: &mut [LabResult]) {
    let Some(g) = group else { return };
    let specimen = g.spm.or(g.filler).or(g.placer);
    for r in results.iter_mut().skip(g.first_result) {
        if r.specimen.is_none() {
            r.specimen.clone_from(&specimen);
        }
    }
}

/// Components of `v` unescaped and joined with `^`, trailing empties dropped.
fn joined(v: Value<'_>) -> Option<String> {
    let parts: Vec<_> = v.components().map(|c| c.text()).collect();
    let used = parts.iter().rposition(|p| !p.is_empty())? + 1;
    Some(parts.get(..used).unwrap_or_default().join("^"))
}

fn patient(pid: &Pid<'_>) -> PatientIdentity {
    PatientIdentity {
        ids: pid
            .identifier_ids()
            .map(|v| v.text().into_owned())
            .collect(),
        name: joined(pid.name()),
        birth_date: pid.birth_date().component(1).non_empty(),
        sex: pid.sex().non_empty(),
        address: joined(pid.address()),
    }
}

fn comment(nte: &Nte<'_>) -> Option<Comment> {
    let lines: Vec<String> = nte
        .comment()
        .repetitions()
        .map(|rep| {
            rep.components()
                .map(|c| c.text())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let text = lines.join("\n");
    (!text.trim().is_empty()).then(|| Comment {
        source: nte.source().non_empty(),
        text,
        kind: nte.comment_type().component(1).non_empty(),
    })
}

fn result(obx: &Obx<'_>, warnings: &mut Vec<Hl7Warning>) -> LabResult {
    let segment = obx.segment().number();
    let id = Coded::from_value(obx.observation_id());
    let test_code = id.code.text().into_owned();
    if test_code.is_empty() {
        warnings.push(Hl7Warning {
            segment,
            what: "OBX-3 has no code",
        });
    }
    let observer = obx.responsible_observer();
    let name: Vec<String> = (2..=6)
        .filter_map(|c| observer.component(c).non_empty())
        .collect();
    LabResult {
        specimen: None,
        test_code,
        test_name: id.text.non_empty(),
        coding_system: id.system.non_empty(),
        test_components: Vec::new(),
        value: value(obx, warnings),
        units: obx.units().component(1).non_empty(),
        reference_range: obx.reference_range().non_empty(),
        flags: obx.flag_codes().map(|v| v.text().into_owned()).collect(),
        status: ResultStatus::from_code(&obx.result_status().text()),
        observed_at: obx
            .observation_datetime()
            .component(1)
            .non_empty()
            .or_else(|| obx.analysis_datetime().component(1).non_empty()),
        operator: if name.is_empty() {
            observer.component(1).non_empty()
        } else {
            Some(name.join(" "))
        },
        comments: Vec::new(),
    }
}

fn value(obx: &Obx<'_>, warnings: &mut Vec<Hl7Warning>) -> ResultValue {
    let segment = obx.segment().number();
    let mut warn = |what| warnings.push(Hl7Warning { segment, what });
    let reps: Vec<Value<'_>> = obx.values().collect();
    let Some(&first) = reps.first() else {
        return ResultValue::Empty;
    };
    let text = || ResultValue::Text {
        text: reps.iter().map(|r| r.text()).collect::<Vec<_>>().join("\n"),
    };
    let single = |v: ResultValue, warn: &mut dyn FnMut(&'static str)| {
        if reps.len() > 1 {
            warn("repeated OBX-5 for a single-valued type: first repetition used");
        }
        v
    };
    match obx.value_type() {
        ValueType::Nm => match NumericValue::parse(&first.text()) {
            Some(n) => single(ResultValue::Numeric(n), &mut warn),
            None => {
                warn("NM value is not a number; kept as text");
                text()
            }
        },
        ValueType::Sn => match structured(first) {
            Some(n) => single(ResultValue::Numeric(n), &mut warn),
            None => {
                warn("SN value is not a structured number; kept as text");
                text()
            }
        },
        ValueType::Ce | ValueType::Cwe => single(coded(first), &mut warn),
        ValueType::St | ValueType::Tx | ValueType::Ft => text(),
        ValueType::Missing | ValueType::Other => {
            // Some senders put non-standard codes in OBX-2 (the NIST ELR
            // samples use `000`); read the value by its shape instead.
            let shaped = structured(first)
                .or_else(|| NumericValue::parse(&first.text()))
                .map(ResultValue::Numeric)
                .or_else(|| looks_coded(first).then(|| coded(first)));
            match shaped {
                Some(v) => {
                    warn("OBX-2 value type not recognised; value read by its shape");
                    single(v, &mut warn)
                }
                None => text(),
            }
        }
    }
}

fn looks_coded(v: Value<'_>) -> bool {
    v.components().count() > 1 && !v.component(1).is_empty()
}

fn coded(v: Value<'_>) -> ResultValue {
    let c = Coded::from_value(v);
    match (c.code.non_empty(), c.text.non_empty()) {
        (Some(code), text) => ResultValue::Coded {
            code,
            text,
            system: c.system.non_empty(),
        },
        (None, Some(text)) => ResultValue::Text { text },
        (None, None) => ResultValue::Empty,
    }
}

/// SN `comparator ^ num1 [^ separator ^ num2]` as a [`NumericValue`]; the
/// `text` is the components concatenated as sent (`=^8^/^152` → `=8/152`).
fn structured(v: Value<'_>) -> Option<NumericValue> {
    if v.components().count() < 2 {
        return None;
    }
    let sn = StructuredNumeric::from_value(v);
    let cmp_text = sn.comparator.text();
    let (comparator, rest) = Comparator::split_prefix(cmp_text.trim());
    if !rest.is_empty() {
        return None;
    }
    let value = sn.first()?;
    let separator = sn.separator.non_empty();
    let second = sn.second();
    let text = [sn.comparator, sn.num1, sn.separator, sn.num2]
        .iter()
        .map(|c| c.text().trim().to_owned())
        .collect::<String>();
    Some(NumericValue {
        comparator,
        value,
        second,
        separator,
        text,
    })
}
