//! The closed vocabularies stored as text (each mirrored by a CHECK in the schema).

use super::StoreError;

/// Declares a text-backed enum with `as_str` and a checked parse.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// The text stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Reads the stored text back.
            pub fn parse(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(StoreError::Corrupt(format!(
                        concat!("unknown ", stringify!($name), " {:?}"),
                        other
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Where a raw message is in its life.
    RawState {
        /// Waiting for a worker.
        Queued => "queued",
        /// Claimed by a worker.
        Processing => "processing",
        /// Processed.
        Done => "done",
        /// Gave up; see the quarantine.
        Quarantined => "quarantined",
    }
);

text_enum!(
    /// The pipeline stage at which input was quarantined.
    Stage {
        /// Bytes → records.
        Parse => "parse",
        /// Records → normalized lab messages.
        Normalize => "normalize",
        /// Matching against libraries and rules.
        Match => "match",
        /// Writing or publishing the indication.
        Publish => "publish",
        /// Rejected by an adapter before it became a raw message.
        Adapter => "adapter",
    }
);

text_enum!(
    /// What kind of sample a reference names.
    SampleKind {
        /// Hospital lab sample, known by lab accession number.
        Clinical => "clinical",
        /// Police seizure or exhibit, known by the police reference.
        Seizure => "seizure",
        /// Drug-checking service sample, known by the service's code.
        DrugChecking => "drug_checking",
    }
);

text_enum!(
    /// What a finding is.
    FindingKind {
        /// A drug class flag (e.g. nitazene).
        ClassFlag => "class_flag",
        /// A spectral library hit.
        LibraryHit => "library_hit",
        /// A compound named in a lab result.
        NamedCompound => "named_compound",
        /// An immunoassay strip call.
        StripCall => "strip_call",
        /// An accurate-mass match to a reference mass.
        ReferenceMass => "reference_mass",
    }
);

text_enum!(
    /// The status of a published indication.
    ResultStatus {
        /// May change as more results arrive.
        Preliminary => "preliminary",
        /// Complete for now (a correction makes a new version).
        Final => "final",
        /// Withdrawn; do not act on earlier versions.
        Withdrawn => "withdrawn",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for k in [
            SampleKind::Clinical,
            SampleKind::Seizure,
            SampleKind::DrugChecking,
        ] {
            assert_eq!(SampleKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(Stage::parse("bogus").is_err());
        assert_eq!(FindingKind::StripCall.to_string(), "strip_call");
    }
}
