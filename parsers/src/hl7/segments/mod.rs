//! Typed views of the segments a lab result message carries. Each view splits
//! its segment's fields once ([`Segment::field_table`]) and hands out borrowed
//! [`Value`]s, so building a view allocates nothing.
//!
//! **PID is patient-identifying**: read it only to build a
//! [`crate::lab::PatientIdentity`]; never log or echo it.

mod msh;
mod nte;
mod obx;
mod order;
mod pid;

pub use msh::Msh;
pub use nte::Nte;
pub use obx::{Coded, Obx, StructuredNumeric, ValueType};
pub use order::{Obr, Orc, Spm};
pub use pid::Pid;

#[allow(unused_imports)] // used by the macro expansions in the submodules
use super::{message::Segment, value::Value};

/// Define a view struct over one segment id with documented field accessors.
macro_rules! typed_view {
    (
        $(#[$doc:meta])* $name:ident, $id:literal, $n:literal,
        { $( $(#[$fdoc:meta])* $method:ident = $field:literal ),* $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a> {
            seg: $crate::hl7::Segment<'a>,
            fields: [&'a [u8]; $n],
        }

        impl<'a> $name<'a> {
            #[doc = concat!("View `seg` as ", $id, "; `None` when it is another segment.")]
            pub fn new(seg: $crate::hl7::Segment<'a>) -> Option<Self> {
                (seg.id_bytes() == $id.as_bytes())
                    .then(|| $name { seg, fields: seg.field_table::<$n>() })
            }

            /// The underlying segment.
            pub fn segment(&self) -> $crate::hl7::Segment<'a> {
                self.seg
            }

            /// Any field by 1-based number, including ones without an accessor.
            pub fn field(&self, n: usize) -> $crate::hl7::Value<'a> {
                match (n, self.fields.get(n)) {
                    (1.., Some(raw)) => self.seg.value(raw),
                    _ => self.seg.field(n),
                }
            }

            $(
                $(#[$fdoc])*
                pub fn $method(&self) -> $crate::hl7::Value<'a> {
                    self.field($field)
                }
            )*
        }

        impl std::fmt::Debug for $name<'_> {
            // Contents may identify a patient: show position only.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}(segment {})", $id, self.seg.number())
            }
        }
    };
}
pub(crate) use typed_view;
