//! ASTM E1394 / CLSI LIS2-A2 records: delimiters, escapes, fields, typed
//! views of H P O R C Q L, and messages (H … L).
//!
//! Input is the record text of one transfer, as the link layer hands it over
//! (frames stripped and joined), or a file of bare records: records end with
//! CR, and leniently with LF or CRLF. Nothing is copied until a value is read:
//! [`Record`] and [`Field`] borrow the text, and [`Field::text`] decodes
//! escapes and Latin-1 only when asked.
//!
//! ```
//! use synthwatch_parsers::astm::records::{parse_transfer, ResultRecord};
//!
//! let t = parse_transfer(b"H|\\^&\rR|1|^^^413|40.13|g/L||N||F\rL|1|N\r").unwrap();
//! let r = ResultRecord::new(t.messages[0].records()[1]).unwrap();
//! assert_eq!(r.test_id().code().as_deref(), Some("413"));
//! assert_eq!(r.value().text(), "40.13");
//! ```

mod delimiters;
mod error;
mod escape;
mod hierarchy;
mod message;
mod record;
mod views;

#[cfg(test)]
mod proptests;

pub use delimiters::{DelimiterQuirk, Delimiters};
pub use error::RecordError;
pub use escape::{escape, unescape};
pub use hierarchy::{Hierarchy, OrderNode, PatientNode, ResultNode};
pub use message::{parse_transfer, Message, Transfer};
pub use record::{Field, Record, RecordType};
pub use views::{
    CommentRecord, HeaderRecord, OrderRecord, PatientRecord, QueryRecord, ResultRecord,
    TerminatorRecord, UniversalTestId,
};
