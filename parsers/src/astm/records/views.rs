//! Typed views of H, P, O, R, C, Q and L records with LIS2-A2 field positions.
//!
//! A view is a checked wrapper around a [`Record`]: each accessor returns the
//! [`Field`] at the position CLSI LIS2-A2 gives it, so callers never count
//! delimiters. Fields without a named accessor remain reachable through
//! `record().field(n)`.

use std::borrow::Cow;

use super::{Delimiters, Field, Record, RecordType};

macro_rules! view {
    (
        $(#[$doc:meta])* $name:ident = $kind:ident {
            $( $(#[$fdoc:meta])* $field:ident = $n:literal; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name<'a>(Record<'a>);

        impl<'a> $name<'a> {
            /// View `record` as this record type; `None` for any other type.
            pub fn new(record: Record<'a>) -> Option<Self> {
                (record.kind() == RecordType::$kind).then_some($name(record))
            }

            /// The underlying record, for fields without a named accessor.
            pub fn record(&self) -> Record<'a> {
                self.0
            }

            /// Field `n` by its LIS2-A2 number, for positions without a name.
            pub fn field(&self, n: usize) -> Field<'a> {
                self.0.field(n)
            }

            $( $(#[$fdoc])* pub fn $field(&self) -> Field<'a> { self.0.field($n) } )*
        }
    };
}

view! {
    /// H: message header.
    HeaderRecord = Header {
        /// H-2 delimiter definition, raw (see [`HeaderRecord::delimiters`]).
        delimiter_definition = 2;
        /// H-3 message control id.
        message_control_id = 3;
        /// H-4 access password.
        access_password = 4;
        /// H-5 sender name or id (name^software version^serial number…).
        sender = 5;
        /// H-6 sender street address.
        sender_address = 6;
        /// H-7 reserved.
        reserved = 7;
        /// H-8 sender telephone number.
        sender_phone = 8;
        /// H-9 characteristics of sender.
        sender_characteristics = 9;
        /// H-10 receiver id.
        receiver_id = 10;
        /// H-11 comment or special instructions.
        comment = 11;
        /// H-12 processing id (`P` production, `T` training, `D` debugging, `Q` quality control).
        processing_id = 12;
        /// H-13 version number.
        version = 13;
        /// H-14 date and time of message.
        timestamp = 14;
    }
}

impl HeaderRecord<'_> {
    /// The delimiters this header declared.
    pub fn delimiters(&self) -> Delimiters {
        self.0.delimiters()
    }
}

view! {
    /// P: patient information. Its contents identify a person: keep them out
    /// of logs, errors and results.
    PatientRecord = Patient {
        /// P-2 sequence number.
        sequence = 2;
        /// P-3 practice-assigned patient id.
        practice_patient_id = 3;
        /// P-4 laboratory-assigned patient id.
        lab_patient_id = 4;
        /// P-5 patient id no. 3.
        patient_id_3 = 5;
        /// P-6 patient name (last^first^middle^suffix^title).
        name = 6;
        /// P-7 mother's maiden name.
        mothers_maiden_name = 7;
        /// P-8 birthdate.
        birth_date = 8;
        /// P-9 patient sex.
        sex = 9;
        /// P-10 race / ethnic origin.
        race = 10;
        /// P-11 patient address.
        address = 11;
        /// P-12 reserved.
        reserved = 12;
        /// P-13 patient telephone number.
        phone = 13;
        /// P-14 attending physician id.
        attending_physician = 14;
        /// P-15 special field 1.
        special_1 = 15;
        /// P-16 special field 2.
        special_2 = 16;
        /// P-17 patient height.
        height = 17;
        /// P-18 patient weight.
        weight = 18;
        /// P-19 known or suspected diagnosis.
        diagnosis = 19;
        /// P-20 active medications.
        medications = 20;
        /// P-21 diet.
        diet = 21;
        /// P-22 practice field 1.
        practice_field_1 = 22;
        /// P-23 practice field 2.
        practice_field_2 = 23;
        /// P-24 admission and discharge dates.
        admission_dates = 24;
        /// P-25 admission status.
        admission_status = 25;
        /// P-26 location.
        location = 26;
    }
}

view! {
    /// O: test order.
    OrderRecord = Order {
        /// O-2 sequence number.
        sequence = 2;
        /// O-3 specimen id (LIS-assigned).
        specimen_id = 3;
        /// O-4 instrument specimen id.
        instrument_specimen_id = 4;
        /// O-5 universal test id; repeats (see [`OrderRecord::tests`]).
        universal_test_id = 5;
        /// O-6 priority.
        priority = 6;
        /// O-7 requested / ordered date and time.
        requested_at = 7;
        /// O-8 specimen collection date and time.
        collected_at = 8;
        /// O-9 collection end time.
        collection_end = 9;
        /// O-10 collection volume.
        collection_volume = 10;
        /// O-11 collector id.
        collector_id = 11;
        /// O-12 action code.
        action_code = 12;
        /// O-13 danger code.
        danger_code = 13;
        /// O-14 relevant clinical information.
        clinical_info = 14;
        /// O-15 date and time specimen received.
        received_at = 15;
        /// O-16 specimen descriptor (specimen type^source).
        specimen_descriptor = 16;
        /// O-17 ordering physician.
        ordering_physician = 17;
        /// O-18 physician's telephone number.
        physician_phone = 18;
        /// O-19 user field 1.
        user_field_1 = 19;
        /// O-20 user field 2.
        user_field_2 = 20;
        /// O-21 laboratory field 1.
        lab_field_1 = 21;
        /// O-22 laboratory field 2.
        lab_field_2 = 22;
        /// O-23 date and time results reported or last modified.
        reported_at = 23;
        /// O-24 instrument charge to information system.
        instrument_charge = 24;
        /// O-25 instrument section id.
        instrument_section = 25;
        /// O-26 report types.
        report_types = 26;
    }
}

impl<'a> OrderRecord<'a> {
    /// The repeats of O-5, each a universal test id.
    pub fn tests(&self) -> impl Iterator<Item = UniversalTestId<'a>> + 'a {
        self.universal_test_id().repeats().map(UniversalTestId)
    }
}

view! {
    /// R: result.
    ResultRecord = Result {
        /// R-2 sequence number.
        sequence = 2;
        /// R-3 universal test id (see [`ResultRecord::test_id`]).
        universal_test_id = 3;
        /// R-4 data or measurement value (may have components).
        value = 4;
        /// R-5 units.
        units = 5;
        /// R-6 reference ranges.
        reference_range = 6;
        /// R-7 result abnormal flags (repeats).
        abnormal_flags = 7;
        /// R-8 nature of abnormality testing.
        abnormality_nature = 8;
        /// R-9 result status.
        status = 9;
        /// R-10 date of change in instrument normative values or units.
        normatives_changed = 10;
        /// R-11 operator identification.
        operator = 11;
        /// R-12 date and time test started.
        started_at = 12;
        /// R-13 date and time test completed.
        completed_at = 13;
        /// R-14 instrument identification.
        instrument = 14;
    }
}

impl<'a> ResultRecord<'a> {
    /// R-3 as a universal test id.
    pub fn test_id(&self) -> UniversalTestId<'a> {
        UniversalTestId(self.universal_test_id())
    }
}

view! {
    /// C: comment; belongs to the record before it.
    CommentRecord = Comment {
        /// C-2 sequence number.
        sequence = 2;
        /// C-3 comment source (`P` practice, `L` information system, `I` instrument).
        source = 3;
        /// C-4 comment text (components).
        text = 4;
        /// C-5 comment type (`G` generic, `T` test name, `P` positive, `N` negative, `I` instrument flag).
        kind = 5;
    }
}

view! {
    /// Q: request information (host query).
    QueryRecord = Query {
        /// Q-2 sequence number.
        sequence = 2;
        /// Q-3 starting range id number.
        starting_range = 3;
        /// Q-4 ending range id number.
        ending_range = 4;
        /// Q-5 universal test id.
        universal_test_id = 5;
        /// Q-6 nature of request time limits.
        time_limits = 6;
        /// Q-7 beginning request results date and time.
        results_from = 7;
        /// Q-8 ending request results date and time.
        results_to = 8;
        /// Q-9 requesting physician name.
        physician_name = 9;
        /// Q-10 requesting physician telephone number.
        physician_phone = 10;
        /// Q-11 user field 1.
        user_field_1 = 11;
        /// Q-12 user field 2.
        user_field_2 = 12;
        /// Q-13 request information status codes.
        status_code = 13;
    }
}

view! {
    /// L: message terminator.
    TerminatorRecord = Terminator {
        /// L-2 sequence number.
        sequence = 2;
        /// L-3 termination code (`N` normal, `T` sender aborted, `R` receiver abort, `E` error, `Q` query error, `I` no information, `F` last request processed).
        termination_code = 3;
    }
}

/// A universal test id (`id^name^type^local code^…`), all components kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniversalTestId<'a>(pub Field<'a>);

impl<'a> UniversalTestId<'a> {
    /// Component `n` (1-based): 1 universal id, 2 name, 3 type, 4
    /// manufacturer's local code, 5 and later manufacturer-defined.
    pub fn component(&self, n: usize) -> Field<'a> {
        self.0.component(n)
    }

    /// All components as text, empty ones included.
    pub fn components(&self) -> Vec<Cow<'a, str>> {
        self.0.components().map(|c| c.text()).collect()
    }

    /// Component 2, the test name, when sent.
    pub fn name(&self) -> Option<Cow<'a, str>> {
        self.component(2).non_empty()
    }

    /// The test code: the first non-empty of component 4 (the LIS2-A2
    /// manufacturer's local code: Roche `^^^413`, Pentra `^^^WBC^804-5^1`,
    /// GeneXpert `^MTB-RIF^^Xpert^…`), then 5 (Sysmex `^^^^WBC^1`), then 2
    /// (the name), then any other component in order (a bare `HBCT`).
    pub fn code(&self) -> Option<Cow<'a, str>> {
        [4, 5, 2]
            .into_iter()
            .map(|n| self.component(n))
            .chain(self.0.components())
            .find_map(|c| c.non_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_code(raw: &[u8]) -> Option<String> {
        UniversalTestId(Field::new(raw, Delimiters::DEFAULT))
            .code()
            .map(Cow::into_owned)
    }

    #[test]
    fn test_code_rule_across_instruments() {
        assert_eq!(test_code(b"^^^413").as_deref(), Some("413"));
        assert_eq!(test_code(b"^^^685/").as_deref(), Some("685/"));
        assert_eq!(test_code(b"^^^^WBC^1").as_deref(), Some("WBC"));
        assert_eq!(test_code(b"^^^WBC^804-5^1").as_deref(), Some("WBC"));
        assert_eq!(
            test_code(b"^MTB-RIF^^Xpert^Xpert MTB-RIF Ultra^4^MTB^").as_deref(),
            Some("Xpert")
        );
        assert_eq!(test_code(b"^Glucose").as_deref(), Some("Glucose"));
        assert_eq!(test_code(b"HBCT").as_deref(), Some("HBCT"));
        assert_eq!(test_code(b"^^^^^^^x").as_deref(), Some("x"));
        assert_eq!(test_code(b"^^"), None);
    }

    #[test]
    fn views_check_the_record_type() {
        let r = Record::new(
            b"R|1|^^^413|40.13|g/L||N||F||$SYS$||20230803131700",
            4,
            0,
            Delimiters::DEFAULT,
        );
        assert!(OrderRecord::new(r).is_none());
        let v = ResultRecord::new(r).unwrap();
        assert_eq!(v.value().text(), "40.13");
        assert_eq!(v.status().text(), "F");
        assert_eq!(v.operator().text(), "$SYS$");
        assert_eq!(v.completed_at().text(), "20230803131700");
        assert_eq!(v.test_id().components(), ["", "", "", "413"]);
    }
}
