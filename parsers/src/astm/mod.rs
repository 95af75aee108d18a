//! ASTM E1381 (low-level link) and ASTM E1394 / CLSI LIS2-A2 (records).
//!
//! * [`frame`]: the `<STX> FN text <ETB|ETX> C1 C2 <CR><LF>` frame codec.
//! * [`link`]: a sans-IO link state machine for both roles (receiver, sender).
//! * [`capture`]: reading a recorded byte stream through the receiver's rules.
//! * [`records`]: records, delimiters, escapes and typed views of H P O R C Q L.

pub mod capture;
pub mod frame;
pub mod link;
pub mod records;
