//! Strip photos (PNG/JPEG): long axis, intensity profile, bands, and their
//! background-corrected intensities.
//!
//! Pipeline: [`decode`] (size-capped) → darkness raster (255 − green) →
//! [`roi`] (the region standing out from the background) → a median over
//! that region, 11×11 (removes drawn outlines and specks thinner than a band) →
//! [`axis`] → [`profile`] → [`bands`].

mod axis;
mod bands;
mod decode;
mod error;
mod plane;
mod profile;
mod roi;

use serde::Serialize;

pub use decode::{MAX_ALLOC, MAX_SIDE};
pub use error::StripPhotoError;

/// Radius of the median filter: lines up to about this many pixels wide vanish.
const LINE_RADIUS: usize = 5;

/// One band (line) found on the strip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    /// Position of the band's peak along the strip, 0–1 (see [`StripPhoto::axis_angle_deg`]).
    pub position: f64,
    /// Peak darkness above the local baseline, in grey levels (0–255).
    pub intensity: f64,
    /// Darkness above the baseline summed over the band, in grey levels × strip-length fraction.
    pub area: f64,
    /// Full width at half height, as a fraction of the strip length.
    pub width: f64,
}

/// Which end of the strip the control line is at, when the caller knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StripLayout {
    /// Orientation unknown: bands are reported, control and test are only
    /// assigned when they can be told apart (never from position alone).
    #[default]
    Unknown,
    /// The control line is the band nearest position 0.
    ControlNearStart,
    /// The control line is the band nearest position 1.
    ControlNearEnd,
    /// The photo shows only the test zone (a reader window over the test
    /// line): the strongest band is the test line, and no band reads as 0.
    TestZoneOnly,
}

/// Options for [`read_photo_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhotoOptions {
    /// Where the control line is, if known.
    pub layout: StripLayout,
}

/// Something odd about a photo that still gave a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PhotoWarning {
    /// Nothing stood out from the background; the whole image was profiled.
    NoStripFound,
    /// The strip region is not elongated; its axis was taken from the bands.
    AxisFromBands,
    /// The photo was box-averaged down by this factor before analysis.
    Downscaled {
        /// Linear reduction factor.
        factor: u32,
    },
    /// Bands were found but control and test could not be told apart.
    BandsUnassigned {
        /// How many bands were found.
        bands: usize,
    },
    /// The layout needs a control line and none was found: an invalid strip.
    NoControlLine,
    /// More bands than the layout explains; the strongest remaining one was used.
    ExtraBands {
        /// How many bands were found.
        bands: usize,
    },
}

/// What a strip photo shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StripPhoto {
    /// Image width in pixels, as decoded.
    pub width: u32,
    /// Image height in pixels, as decoded.
    pub height: u32,
    /// Long axis, degrees from the image's +x towards +y, in [0, 180).
    /// Position 0 is the strip's left end when the axis is more horizontal,
    /// its top end when more vertical.
    pub axis_angle_deg: f64,
    /// Bands in order of position.
    pub bands: Vec<Band>,
    /// Control-line intensity, when the control line could be identified.
    pub control_intensity: Option<f64>,
    /// Test-line intensity (0 for a clean test zone), when identifiable.
    pub test_intensity: Option<f64>,
    /// Recoverable oddities.
    pub warnings: Vec<PhotoWarning>,
}

/// True if the bytes start with a PNG or JPEG signature.
pub fn sniff_photo(bytes: &[u8]) -> bool {
    decode::format_of(bytes).is_some()
}

/// Reads a strip photo with the default options (layout unknown).
pub fn read_photo(bytes: &[u8]) -> Result<StripPhoto, StripPhotoError> {
    read_photo_with(bytes, &PhotoOptions::default())
}

/// Reads a strip photo.
pub fn read_photo_with(
    bytes: &[u8],
    options: &PhotoOptions,
) -> Result<StripPhoto, StripPhotoError> {
    let (plane, original, factor) = decode::decode(bytes)?;
    let mut warnings = Vec::new();
    if factor > 1 {
        warnings.push(PhotoWarning::Downscaled {
            factor: factor as u32,
        });
    }
    let roi = roi::find(&plane);
    if !roi.found {
        warnings.push(PhotoWarning::NoStripFound);
    }
    let filtered = plane.median_in_box(LINE_RADIUS, roi.bbox);
    let (x0, y0, x1, y1) = roi.bbox;
    let mut samples = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            if let (true, Some(value)) = (roi.contains(x, y), filtered.get(x, y)) {
                samples.push(profile::Sample {
                    x: x as f32,
                    y: y as f32,
                    value,
                });
            }
        }
    }
    let axis = axis::find(&samples);
    if !axis.from_shape && roi.found {
        warnings.push(PhotoWarning::AxisFromBands);
    }
    let prof = profile::build(&samples, axis.centre, axis.angle_deg);
    let bands: Vec<Band> = bands::detect(&prof)
        .into_iter()
        .map(|b| Band {
            position: b.position,
            intensity: b.height,
            area: b.area,
            width: b.width,
        })
        .collect();
    let (control_intensity, test_intensity) = assign(&bands, options.layout, &mut warnings);
    Ok(StripPhoto {
        width: original.0,
        height: original.1,
        axis_angle_deg: axis.angle_deg,
        bands,
        control_intensity,
        test_intensity,
        warnings,
    })
}

/// Control and test intensities under the given layout.
fn assign(
    bands: &[Band],
    layout: StripLayout,
    warnings: &mut Vec<PhotoWarning>,
) -> (Option<f64>, Option<f64>) {
    let strongest = |bs: &mut dyn Iterator<Item = &Band>| bs.map(|b| b.intensity).reduce(f64::max);
    match layout {
        StripLayout::Unknown => {
            if !bands.is_empty() {
                warnings.push(PhotoWarning::BandsUnassigned { bands: bands.len() });
            }
            (None, None)
        }
        StripLayout::TestZoneOnly => {
            if bands.len() > 1 {
                warnings.push(PhotoWarning::ExtraBands { bands: bands.len() });
            }
            (None, Some(strongest(&mut bands.iter()).unwrap_or(0.0)))
        }
        StripLayout::ControlNearStart | StripLayout::ControlNearEnd => {
            let control = if layout == StripLayout::ControlNearStart {
                bands.first()
            } else {
                bands.last()
            };
            let Some(control) = control else {
                warnings.push(PhotoWarning::NoControlLine);
                return (None, None);
            };
            if bands.len() > 2 {
                warnings.push(PhotoWarning::ExtraBands { bands: bands.len() });
            }
            let test = strongest(&mut bands.iter().filter(|b| !std::ptr::eq(*b, control)));
            (Some(control.intensity), Some(test.unwrap_or(0.0)))
        }
    }
}
