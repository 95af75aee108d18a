//! Strip readings and strip photos → competitive lateral-flow calls with
//! their published caveats.

use serde::Serialize;
use synthwatch_parsers::strips::{StripPhoto, StripReading, Target};

use crate::matching::immunoassay::{StripInput, StripInterpretation};

use super::Screener;

/// The interpretation of one strip.
#[derive(Debug, Clone, Serialize)]
pub struct StripFindings {
    /// Sample id from the reader export (photos have none).
    pub sample_id: Option<String>,
    /// What the strip detects, when known.
    pub target: Option<Target>,
    /// The call, reason, cut-off, caveats and notes.
    #[serde(flatten)]
    pub interpretation: StripInterpretation,
}

impl Screener {
    /// Interpret one strip-reader row.
    pub fn screen_strip_reading(&self, reading: &StripReading) -> StripFindings {
        StripFindings {
            sample_id: Some(reading.sample_id.clone()),
            target: Some(reading.target),
            interpretation: self.strips.interpret(&StripInput::from(reading)),
        }
    }

    /// Interpret a strip photo of a strip for `target` (a photo does not say).
    pub fn screen_strip_photo(&self, photo: &StripPhoto, target: Target) -> StripFindings {
        StripFindings {
            sample_id: None,
            target: Some(target),
            interpretation: self
                .strips
                .interpret(&StripInput::from_photo(photo, target, "", None)),
        }
    }
}
