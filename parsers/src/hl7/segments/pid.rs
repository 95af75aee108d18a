//! PID: patient identification. **Every field here identifies a patient**:
//! it feeds [`crate::lab::PatientIdentity`] and nothing else.

use super::typed_view;
use crate::hl7::Value;

typed_view! {
    /// PID view. **Patient-identifying**: never log, echo or serialize its values.
    Pid, "PID", 12, {
        /// PID-1 set id.
        set_id = 1,
        /// PID-3 patient identifier list (CX, repeats). **Identifying.**
        identifiers = 3,
        /// PID-5 patient name (XPN, repeats). **Identifying.**
        name = 5,
        /// PID-7 date/time of birth. **Identifying.**
        birth_date = 7,
        /// PID-8 administrative sex. **Identifying.**
        sex = 8,
        /// PID-11 patient address (XAD, repeats). **Identifying.**
        address = 11,
    }
}

impl<'a> Pid<'a> {
    /// The ID component (CX.1) of each PID-3 repetition that has one. **Identifying.**
    pub fn identifier_ids(&self) -> impl Iterator<Item = Value<'a>> + 'a {
        self.identifiers()
            .repetitions()
            .map(|r| r.component(1))
            .filter(|v| !v.is_empty())
    }
}
