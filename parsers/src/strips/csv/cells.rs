//! Cell values: the allowed spellings of each typed column.

use serde::Serialize;

/// The drug class a strip detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Fentanyl and analogues.
    Fentanyl,
    /// Nitazenes (2-benzylbenzimidazole opioids).
    Nitazene,
    /// Benzodiazepines.
    Benzodiazepine,
    /// Xylazine.
    Xylazine,
}

/// The reader's own interpretation of the strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderCall {
    /// Target detected at or above the cut-off.
    Positive,
    /// Target not detected.
    Negative,
    /// No control line or a reader fault: the strip says nothing.
    Invalid,
}

/// Concentration unit of a stated cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CutoffUnit {
    /// Nanograms per millilitre.
    #[serde(rename = "ng/mL")]
    NgPerMl,
    /// Micrograms per millilitre.
    #[serde(rename = "ug/mL")]
    UgPerMl,
    /// Milligrams per litre (= µg/mL).
    #[serde(rename = "mg/L")]
    MgPerL,
}

/// A stated cut-off concentration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cutoff {
    /// The number as stated.
    pub value: f64,
    /// The unit as stated.
    pub unit: CutoffUnit,
    /// The same cut-off in ng/mL, for comparing strips.
    pub ng_per_ml: f64,
}

pub(crate) fn target(s: &str) -> Option<Target> {
    match s.trim().to_lowercase().as_str() {
        "fentanyl" | "fentanyls" | "fty" => Some(Target::Fentanyl),
        "nitazene" | "nitazenes" => Some(Target::Nitazene),
        "benzodiazepine" | "benzodiazepines" | "benzo" | "benzos" | "bzo" => {
            Some(Target::Benzodiazepine)
        }
        "xylazine" | "xyl" => Some(Target::Xylazine),
        _ => None,
    }
}

pub(crate) fn call(s: &str) -> Option<ReaderCall> {
    match s.trim().to_lowercase().as_str() {
        "positive" | "pos" | "+" => Some(ReaderCall::Positive),
        "negative" | "neg" | "-" => Some(ReaderCall::Negative),
        "invalid" | "inv" => Some(ReaderCall::Invalid),
        _ => None,
    }
}

fn unit(s: &str) -> Option<CutoffUnit> {
    match s.trim().replace(['µ', 'μ'], "u").to_lowercase().as_str() {
        "ng/ml" => Some(CutoffUnit::NgPerMl),
        "ug/ml" => Some(CutoffUnit::UgPerMl),
        "mg/l" => Some(CutoffUnit::MgPerL),
        _ => None,
    }
}

/// `20 ng/mL`, `20ng/mL`, `1 µg/mL`; a bare number takes the header's unit.
pub(crate) fn cutoff(s: &str, header_unit: Option<&str>) -> Option<Cutoff> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, rest) = (s.get(..split)?, s.get(split..)?.trim());
    let value: f64 = num.parse().ok()?;
    let unit = if rest.is_empty() {
        unit(header_unit?)?
    } else {
        unit(rest)?
    };
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    let ng_per_ml = match unit {
        CutoffUnit::NgPerMl => value,
        CutoffUnit::UgPerMl | CutoffUnit::MgPerL => value * 1000.0,
    };
    Some(Cutoff {
        value,
        unit,
        ng_per_ml,
    })
}

/// `1:10`, `1/10` or `10` → 10; `none`/`neat`/`1:1` → 1.
pub(crate) fn dilution(s: &str) -> Option<f64> {
    let s = s.trim().to_lowercase();
    if s == "none" || s == "neat" || s == "undiluted" {
        return Some(1.0);
    }
    let factor = match s.split_once([':', '/']) {
        Some((a, b)) => b.trim().parse::<f64>().ok()? / a.trim().parse::<f64>().ok()?,
        None => s.parse::<f64>().ok()?,
    };
    (factor.is_finite() && factor >= 1.0).then_some(factor)
}

/// A non-negative finite reader intensity.
pub(crate) fn intensity(s: &str) -> Option<f64> {
    let v: f64 = s.trim().parse().ok()?;
    (v.is_finite() && v >= 0.0).then_some(v)
}

/// `YYYY-MM-DD` or `YYYY-MM` (strips print a month of expiry).
pub(crate) fn date(s: &str) -> bool {
    let b = s.trim().as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let month = |r: std::ops::Range<usize>| {
        std::str::from_utf8(b.get(r).unwrap_or(&[]))
            .ok()
            .and_then(|m| m.parse::<u8>().ok())
            .is_some_and(|m| (1..=12).contains(&m))
    };
    let ym = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && month(5..7);
    match b.len() {
        7 => ym,
        10 => {
            let day = std::str::from_utf8(b.get(8..10).unwrap_or(&[]))
                .ok()
                .and_then(|d| d.parse::<u8>().ok());
            ym && b.get(7) == Some(&b'-') && day.is_some_and(|d| (1..=31).contains(&d))
        }
        _ => false,
    }
}

/// ISO 8601 date-time: `YYYY-MM-DDTHH:MM[:SS[.f]][Z|±HH:MM]` (a space may replace `T`).
pub(crate) fn date_time(s: &str) -> bool {
    let s = s.trim();
    let Some((d, t)) = s.split_once(['T', ' ']) else {
        return false;
    };
    if d.len() != 10 || !date(d) {
        return false;
    }
    let t = t.trim_end_matches('Z');
    let t = match t.rfind(['+', '-']) {
        Some(i) if i >= 5 => t.get(..i).unwrap_or(""),
        _ => t,
    };
    let parts: Vec<&str> = t.split(':').collect();
    let num =
        |p: &str, max: f64| p.parse::<f64>().is_ok_and(|v| (0.0..max).contains(&v)) && p.len() >= 2;
    match parts.as_slice() {
        [h, m] => num(h, 24.0) && num(m, 60.0),
        [h, m, sec] => num(h, 24.0) && num(m, 60.0) && num(sec, 61.0),
        _ => false,
    }
}
