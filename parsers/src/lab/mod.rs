//! The normalized lab message: what ASTM E1394 and HL7 v2 results both become.
//!
//! Owned data, no borrowing from the input. Patient identity is kept apart in
//! [`PatientIdentity`], which never prints its contents, so that a message can
//! be logged or shared without leaking who the sample came from.

mod model;
mod patient;

pub mod from_astm;
pub mod from_hl7;

pub use model::{
    Comment, Comparator, LabMessage, LabResult, NumericValue, Protocol, ResultStatus, ResultValue,
};
pub use patient::PatientIdentity;
