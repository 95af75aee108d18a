//! Strip configuration: when a line counts as visible, and which cut-off a
//! strip has, per brand and per lot.
//!
//! Units: visibility thresholds are in the units of the intensity source —
//! the strip reader's own units for CSV exports (`reader`), grey levels above
//! the local background (0–255) for photos (`photo`). A line is visible when
//! its intensity is **at or above** the threshold. Cut-offs are in ng/mL of
//! the solution applied to the strip.
//!
//! Resolution order, per field: lot, then brand, then `default` (thresholds)
//! or the strip's stated cut-off (cut-offs). Brand and lot keys match
//! ignoring case and surrounding spaces. Lot-to-lot variability is real
//! (Halifax et al., see `data/strip-caveats.toml`), hence per-lot entries.
//!
//! ```toml
//! [default.reader]
//! control_visible = 5.0
//! test_visible = 5.0
//!
//! [brands."BTNX Rapid Response"]
//! cutoff_ng_ml = 20.0
//! photo = { test_visible = 3.0 }
//!
//! [brands."BTNX Rapid Response".lots."FEN-23A"]
//! reader = { test_visible = 2.5 }
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

/// Where the intensities came from, which decides the threshold units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntensitySource {
    /// A strip reader's CSV export (reader units).
    Reader,
    /// A strip photo (grey levels above background, 0–255).
    Photo,
}

/// Visibility thresholds for one intensity source.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visibility {
    /// Control line visible at or above this intensity.
    pub control_visible: f64,
    /// Test line visible at or above this intensity.
    pub test_visible: f64,
}

/// Default thresholds for each source.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Levels {
    /// Thresholds for reader exports.
    pub reader: Visibility,
    /// Thresholds for photos.
    pub photo: Visibility,
}

impl Default for Levels {
    /// Starting points, to be calibrated per reader: 5 reader units for both
    /// lines; on photos 10 grey levels for the control line (always strong)
    /// and 5 for the test line (any faint line means negative).
    fn default() -> Self {
        Levels {
            reader: Visibility {
                control_visible: 5.0,
                test_visible: 5.0,
            },
            photo: Visibility {
                control_visible: 10.0,
                test_visible: 5.0,
            },
        }
    }
}

/// A partial threshold override.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisibilityOverride {
    /// Overrides `control_visible` when set.
    pub control_visible: Option<f64>,
    /// Overrides `test_visible` when set.
    pub test_visible: Option<f64>,
}

/// Overrides for one lot of a brand.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotConfig {
    /// Verified cut-off in ng/mL for this lot.
    pub cutoff_ng_ml: Option<f64>,
    /// Reader-unit thresholds.
    pub reader: Option<VisibilityOverride>,
    /// Photo thresholds.
    pub photo: Option<VisibilityOverride>,
}

/// Overrides for one brand, with its lots.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandConfig {
    /// Verified cut-off in ng/mL for this brand.
    pub cutoff_ng_ml: Option<f64>,
    /// Reader-unit thresholds.
    pub reader: Option<VisibilityOverride>,
    /// Photo thresholds.
    pub photo: Option<VisibilityOverride>,
    /// Per-lot overrides, keyed by lot number as printed.
    #[serde(default)]
    pub lots: BTreeMap<String, LotConfig>,
}

/// Strip interpretation settings.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StripConfig {
    /// Thresholds used when no brand or lot entry says otherwise.
    #[serde(default)]
    pub default: Levels,
    /// Per-brand overrides, keyed by brand as exported.
    #[serde(default)]
    pub brands: BTreeMap<String, BrandConfig>,
}

/// A configuration file that cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StripConfigError {
    /// Not valid TOML or an unknown/mistyped field.
    #[error("strip config: {0}")]
    Toml(String),
    /// A threshold or cut-off that is negative, zero (cut-off) or not finite.
    #[error("strip config: {field} = {value} is out of range ({expected})")]
    OutOfRange {
        /// Dotted path of the field.
        field: String,
        /// The value given.
        value: f64,
        /// What is allowed.
        expected: &'static str,
    },
}

/// The thresholds and cut-off that apply to one strip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    /// Thresholds for the strip's intensity source.
    pub visibility: Visibility,
    /// Configured cut-off in ng/mL (lot, then brand), if any.
    pub cutoff_ng_ml: Option<f64>,
}

impl StripConfig {
    /// Parses and checks a TOML configuration.
    pub fn from_toml(text: &str) -> Result<StripConfig, StripConfigError> {
        let config: StripConfig =
            toml::from_str(text).map_err(|e| StripConfigError::Toml(e.to_string()))?;
        config.check()?;
        Ok(config)
    }

    /// Thresholds and cut-off for a strip of `brand`/`lot` read from `source`.
    pub fn resolve(&self, brand: &str, lot: Option<&str>, source: IntensitySource) -> Resolved {
        let brand_cfg = lookup(&self.brands, brand);
        let lot_cfg = brand_cfg.and_then(|b| lookup(&b.lots, lot?));
        let pick = |r: Option<VisibilityOverride>, p: Option<VisibilityOverride>| match source {
            IntensitySource::Reader => r,
            IntensitySource::Photo => p,
        };
        let lot_v = lot_cfg.and_then(|l| pick(l.reader, l.photo));
        let brand_v = brand_cfg.and_then(|b| pick(b.reader, b.photo));
        let base = match source {
            IntensitySource::Reader => self.default.reader,
            IntensitySource::Photo => self.default.photo,
        };
        let field = |get: fn(&VisibilityOverride) -> Option<f64>, fallback: f64| {
            lot_v
                .as_ref()
                .and_then(get)
                .or_else(|| brand_v.as_ref().and_then(get))
                .unwrap_or(fallback)
        };
        Resolved {
            visibility: Visibility {
                control_visible: field(|v| v.control_visible, base.control_visible),
                test_visible: field(|v| v.test_visible, base.test_visible),
            },
            cutoff_ng_ml: lot_cfg
                .and_then(|l| l.cutoff_ng_ml)
                .or_else(|| brand_cfg.and_then(|b| b.cutoff_ng_ml)),
        }
    }

    /// Every threshold finite and ≥ 0, every cut-off finite and > 0.
    fn check(&self) -> Result<(), StripConfigError> {
        let mut values: Vec<(String, f64, bool)> = Vec::new();
        for (name, v) in [
            ("reader", self.default.reader),
            ("photo", self.default.photo),
        ] {
            values.push((
                format!("default.{name}.control_visible"),
                v.control_visible,
                false,
            ));
            values.push((
                format!("default.{name}.test_visible"),
                v.test_visible,
                false,
            ));
        }
        for (brand, b) in &self.brands {
            let prefix = format!("brands.{brand:?}");
            push_overrides(&mut values, &prefix, b.cutoff_ng_ml, b.reader, b.photo);
            for (lot, l) in &b.lots {
                let prefix = format!("{prefix}.lots.{lot:?}");
                push_overrides(&mut values, &prefix, l.cutoff_ng_ml, l.reader, l.photo);
            }
        }
        for (field, value, is_cutoff) in values {
            let ok = value.is_finite() && if is_cutoff { value > 0.0 } else { value >= 0.0 };
            if !ok {
                return Err(StripConfigError::OutOfRange {
                    field,
                    value,
                    expected: if is_cutoff {
                        "finite and > 0"
                    } else {
                        "finite and >= 0"
                    },
                });
            }
        }
        Ok(())
    }
}

/// Collects (field path, value, is a cut-off) for one brand or lot entry.
fn push_overrides(
    out: &mut Vec<(String, f64, bool)>,
    prefix: &str,
    cutoff: Option<f64>,
    reader: Option<VisibilityOverride>,
    photo: Option<VisibilityOverride>,
) {
    if let Some(c) = cutoff {
        out.push((format!("{prefix}.cutoff_ng_ml"), c, true));
    }
    for (name, v) in [("reader", reader), ("photo", photo)] {
        let Some(v) = v else { continue };
        if let Some(x) = v.control_visible {
            out.push((format!("{prefix}.{name}.control_visible"), x, false));
        }
        if let Some(x) = v.test_visible {
            out.push((format!("{prefix}.{name}.test_visible"), x, false));
        }
    }
}

/// Exact key first, then ignoring case and surrounding spaces.
fn lookup<'a, T>(map: &'a BTreeMap<String, T>, key: &str) -> Option<&'a T> {
    map.get(key).or_else(|| {
        let key = key.trim();
        map.iter()
            .find(|(k, _)| k.trim().to_lowercase() == key.to_lowercase())
            .map(|(_, v)| v)
    })
}
