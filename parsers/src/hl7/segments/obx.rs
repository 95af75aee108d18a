//! OBX: one observation, and the value types a result can carry.

use super::typed_view;
use crate::hl7::Value;

typed_view! {
    /// OBX observation view.
    Obx, "OBX", 20, {
        /// OBX-1 set id.
        set_id = 1,
        /// OBX-2 value type (`NM`, `SN`, `CWE`, …); see [`Obx::value_type`].
        value_type_code = 2,
        /// OBX-3 observation identifier (CE/CWE: code ^ text ^ system).
        observation_id = 3,
        /// OBX-4 observation sub-id.
        sub_id = 4,
        /// OBX-5 observation value(s) (repeats); see [`Obx::values`].
        value = 5,
        /// OBX-6 units (CE; component 1 is the unit code).
        units = 6,
        /// OBX-7 reference range.
        reference_range = 7,
        /// OBX-8 abnormal flags (repeats).
        abnormal_flags = 8,
        /// OBX-11 observation result status.
        result_status = 11,
        /// OBX-14 date/time of the observation.
        observation_datetime = 14,
        /// OBX-16 responsible observer (XCN).
        responsible_observer = 16,
        /// OBX-18 equipment instance identifier (EI).
        equipment_instance_id = 18,
        /// OBX-19 date/time of the analysis.
        analysis_datetime = 19,
    }
}

/// OBX-2 value types this crate interprets; the rest are kept as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `NM` numeric.
    Nm,
    /// `SN` structured numeric (`comparator ^ num1 ^ separator ^ num2`).
    Sn,
    /// `ST` string.
    St,
    /// `TX` text.
    Tx,
    /// `FT` formatted text.
    Ft,
    /// `CE` coded element.
    Ce,
    /// `CWE` coded with exceptions.
    Cwe,
    /// Empty OBX-2.
    Missing,
    /// Any other code (`DT`, `TS`, `ED`, or a non-standard one).
    Other,
}

impl ValueType {
    /// Map an OBX-2 code.
    pub fn from_code(code: &[u8]) -> ValueType {
        match crate::text::trim_spaces(code) {
            b"NM" => ValueType::Nm,
            b"SN" => ValueType::Sn,
            b"ST" => ValueType::St,
            b"TX" => ValueType::Tx,
            b"FT" => ValueType::Ft,
            b"CE" => ValueType::Ce,
            b"CWE" => ValueType::Cwe,
            b"" => ValueType::Missing,
            _ => ValueType::Other,
        }
    }
}

impl<'a> Obx<'a> {
    /// OBX-2 as a [`ValueType`].
    pub fn value_type(&self) -> ValueType {
        ValueType::from_code(self.value_type_code().raw())
    }

    /// The OBX-5 repetitions that are not empty.
    pub fn values(&self) -> impl Iterator<Item = Value<'a>> + 'a {
        self.value().repetitions().filter(|v| !v.is_empty())
    }

    /// The code component of each non-empty OBX-8 repetition.
    pub fn flag_codes(&self) -> impl Iterator<Item = Value<'a>> + 'a {
        self.abnormal_flags()
            .repetitions()
            .map(|r| r.component(1))
            .filter(|v| !v.is_empty())
    }
}

/// A CE/CWE value (also OBX-3): code, text and coding system.
#[derive(Debug, Clone, Copy)]
pub struct Coded<'a> {
    /// Component 1, the code.
    pub code: Value<'a>,
    /// Component 2, the display text.
    pub text: Value<'a>,
    /// Component 3, the coding system (`LN`, `SCT`, …).
    pub system: Value<'a>,
}

impl<'a> Coded<'a> {
    /// Read components 1-3 of (the first repetition of) `v`.
    pub fn from_value(v: Value<'a>) -> Coded<'a> {
        Coded {
            code: v.component(1),
            text: v.component(2),
            system: v.component(3),
        }
    }
}

/// An SN value: `[comparator] ^ num1 [^ separator/suffix ^ num2]`.
#[derive(Debug, Clone, Copy)]
pub struct StructuredNumeric<'a> {
    /// Component 1: `=`, `<`, `>`, `<=`, `>=`, `<>` or empty.
    pub comparator: Value<'a>,
    /// Component 2: the first number.
    pub num1: Value<'a>,
    /// Component 3: `-`, `+`, `/`, `.` or `:` (range, ratio, …) or empty.
    pub separator: Value<'a>,
    /// Component 4: the second number.
    pub num2: Value<'a>,
}

/// Parse a finite number from value text (spaces trimmed).
pub(crate) fn number(v: &Value<'_>) -> Option<f64> {
    let raw = crate::text::trim_spaces(v.raw());
    let text = std::str::from_utf8(raw).ok()?;
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && !text.contains(|c: char| c.is_alphabetic()))
}

impl<'a> StructuredNumeric<'a> {
    /// Read components 1-4 of (the first repetition of) `v`.
    pub fn from_value(v: Value<'a>) -> StructuredNumeric<'a> {
        StructuredNumeric {
            comparator: v.component(1),
            num1: v.component(2),
            separator: v.component(3),
            num2: v.component(4),
        }
    }

    /// The first number, when it is one.
    pub fn first(&self) -> Option<f64> {
        number(&self.num1)
    }

    /// The second number, when it is one.
    pub fn second(&self) -> Option<f64> {
        number(&self.num2)
    }
}
