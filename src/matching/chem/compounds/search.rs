//! Look-ups by mass: compounds at a precursor m/z, and pairs of compounds
//! whose `[M+H]+` ions a given tolerance cannot tell apart.

use serde::Serialize;

use super::{Compound, ReferenceSet};
use crate::matching::Tolerance;

/// Two compounds whose `[M+H]+` differ by no more than a tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Isobar<'a> {
    /// The compound with the lower (or equal) `[M+H]+`.
    pub a: &'a Compound,
    /// The compound with the higher (or equal) `[M+H]+`.
    pub b: &'a Compound,
    /// `[M+H]+(b) − [M+H]+(a)` in Da (≥ 0).
    pub delta_da: f64,
    /// True when the formulas are identical (isomers: no mass accuracy helps).
    pub same_formula: bool,
}

impl ReferenceSet {
    /// Compounds whose `[M+H]+` lies within `tol` of `mz` (a ppm tolerance is
    /// taken at `mz`), closest first; ties in file order.
    pub fn by_precursor_mz(&self, mz: f64, tol: Tolerance) -> Vec<&Compound> {
        let half = tol.at(mz).abs();
        if !mz.is_finite() || !half.is_finite() {
            return Vec::new();
        }
        let lo = self.by_mh.partition_point(|(m, _)| *m < mz - half);
        let mut hits: Vec<(f64, usize)> = self.by_mh[lo..]
            .iter()
            .take_while(|(m, _)| *m <= mz + half)
            .map(|(m, i)| ((m - mz).abs(), *i))
            .collect();
        hits.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        hits.into_iter()
            .filter_map(|(_, i)| self.compounds.get(i))
            .collect()
    }

    /// Every pair of compounds whose `[M+H]+` differ by at most `tol` (a ppm
    /// tolerance is taken at the higher m/z), ordered by the lower m/z, then
    /// the difference, then file order. Isomers (same formula) are included.
    pub fn isobars(&self, tol: Tolerance) -> Vec<Isobar<'_>> {
        let mut out = Vec::new();
        for (k, (ma, ia)) in self.by_mh.iter().enumerate() {
            for (mb, ib) in &self.by_mh[k + 1..] {
                let delta = mb - ma;
                if delta > tol.at(*mb).abs() {
                    break; // sorted: every later compound is farther away
                }
                if let (Some(a), Some(b)) = (self.compounds.get(*ia), self.compounds.get(*ib)) {
                    out.push(Isobar {
                        a,
                        b,
                        delta_da: delta,
                        same_formula: a.formula == b.formula,
                    });
                }
            }
        }
        out
    }
}
