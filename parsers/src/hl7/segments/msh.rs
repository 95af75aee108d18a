//! MSH: message header.

use super::typed_view;

typed_view! {
    /// MSH message header view.
    Msh, "MSH", 19, {
        /// MSH-1 field separator (the character itself).
        field_separator = 1,
        /// MSH-2 encoding characters as sent.
        encoding_characters = 2,
        /// MSH-3 sending application (HD).
        sending_application = 3,
        /// MSH-4 sending facility (HD).
        sending_facility = 4,
        /// MSH-5 receiving application (HD).
        receiving_application = 5,
        /// MSH-6 receiving facility (HD).
        receiving_facility = 6,
        /// MSH-7 date/time of message (TS; component 1 is the time).
        datetime = 7,
        /// MSH-9 message type (`ORU^R01^ORU_R01`).
        message_type = 9,
        /// MSH-10 message control id.
        control_id = 10,
        /// MSH-11 processing id (`P`, `T`, `D`).
        processing_id = 11,
        /// MSH-12 version id (`2.5.1`).
        version = 12,
        /// MSH-18 character set.
        charset = 18,
    }
}
