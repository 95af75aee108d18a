use std::fmt;

/// Patient identity as sent by the instrument or LIS (ASTM P record, HL7 PID).
///
/// Deliberately implements neither `Display` nor `Serialize`, and its `Debug`
/// prints only which fields are present: the contents must never reach a log,
/// an error message, an acknowledgement or partner-facing output. The store
/// turns it into a keyed pseudonym; nothing else should read it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PatientIdentity {
    /// Patient identifiers (ASTM P-3, P-4, P-5 / HL7 PID-2, PID-3 repetitions, ID component).
    pub ids: Vec<String>,
    /// Name as sent, components joined with `^`.
    pub name: Option<String>,
    /// Date of birth as sent.
    pub birth_date: Option<String>,
    /// Administrative sex as sent.
    pub sex: Option<String>,
    /// Address as sent.
    pub address: Option<String>,
}

impl PatientIdentity {
    /// True when nothing identifying was sent.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
            && self.name.is_none()
            && self.birth_date.is_none()
            && self.sex.is_none()
            && self.address.is_none()
    }
}

impl fmt::Debug for PatientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatientIdentity")
            .field("ids", &self.ids.len())
            .field("name", &self.name.is_some())
            .field("birth_date", &self.birth_date.is_some())
            .field("sex", &self.sex.is_some())
            .field("address", &self.address.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_contents() {
        let p = PatientIdentity {
            ids: vec!["CANARY-123".into()],
            name: Some("Canary^Patient".into()),
            birth_date: Some("19700101".into()),
            sex: Some("F".into()),
            address: Some("1 Canary Row".into()),
        };
        let shown = format!("{p:?} {p:#?}");
        for secret in ["CANARY", "Canary", "19700101", "Row"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(!p.is_empty());
        assert!(PatientIdentity::default().is_empty());
    }
}
