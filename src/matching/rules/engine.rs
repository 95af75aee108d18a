//! The immutable engine: rules compiled to plain numbers, evaluated per spectrum.

use super::prepared::Prepared;
use super::spec::{Class, GroupSpec, Mode, RuleSet};
use super::{ClassFlag, Evaluation, Evidence, IonisationHint, MassError, NearMiss, RuleInput};
use std::sync::Arc;

#[derive(Debug, Clone)]
enum Target {
    Mz(f64),
    Loss(f64),
    Precursor,
    Range(f64, f64),
}

#[derive(Debug, Clone)]
struct Ion {
    /// The label reported for this ion under each of its group's shifts
    /// ("label [shift]"), built once: evidence shares it, so a flag costs no
    /// string formatting or copying.
    labels: Vec<Arc<str>>,
    target: Target,
}

#[derive(Debug, Clone)]
struct Group {
    /// What to say when the group is not met (built once, at compile time).
    missing: Arc<str>,
    required: bool,
    min_rel: f64,
    min_matches: usize,
    max_rank: Option<usize>,
    /// Shift masses; the first is always 0 (no shift).
    shifts: Vec<f64>,
    ions: Vec<Ion>,
}

/// One ion found: peak index, ion index, shift index, expected m/z.
#[derive(Debug, Clone, Copy)]
struct Hit {
    peak: usize,
    ion: usize,
    shift: usize,
    expected: Option<f64>,
}

/// Buffers one evaluation reuses from rule to rule and shift to shift, so a
/// spectrum costs a few allocations, not a few per rule.
#[derive(Default)]
struct Scratch {
    /// Peaks taken by the rule's groups so far (a peak counts once).
    used: Vec<usize>,
    hits: Vec<(usize, Hit)>,
    unmet: Vec<usize>,
    /// The shift being tried, and the best shift so far.
    found: Vec<Hit>,
    best: Vec<Hit>,
}

#[derive(Debug, Clone)]
struct Rule {
    id: Arc<str>,
    version: u32,
    class: Class,
    mode: Mode,
    window: Option<(f64, f64)>,
    min_groups: usize,
    note: Arc<str>,
    groups: Vec<Group>,
}

/// Class rules compiled for evaluation; immutable and `Sync`, so one engine
/// can serve every thread.
#[derive(Debug, Clone)]
pub struct RuleEngine {
    rules: Vec<Rule>,
    esi_ppm: f64,
    wide_ppm: f64,
    esi_min_da: f64,
    ei_da: f64,
    inferred_min_rel: f64,
}

impl RuleEngine {
    /// Compile a validated rule set.
    pub fn new(set: &RuleSet) -> Self {
        let d = &set.defaults;
        let rules = set
            .rules
            .iter()
            .map(|r| {
                let ei = r.mode == Mode::Ei;
                let mass = |f: &str| {
                    let (mono, nominal) = super::formula::masses(f).unwrap_or((f64::NAN, 0));
                    if ei {
                        f64::from(nominal)
                    } else {
                        mono
                    }
                };
                let groups = r
                    .groups
                    .iter()
                    .map(|g| compile_group(g, set, ei, &mass))
                    .collect();
                Rule {
                    id: Arc::from(r.id.as_str()),
                    version: r.version,
                    class: r.class,
                    mode: r.mode,
                    window: r.precursor.map(|[lo, hi]| (lo, hi)),
                    min_groups: r.min_groups.unwrap_or(r.groups.len()),
                    note: Arc::from(r.note.as_str()),
                    groups,
                }
            })
            .collect();
        Self {
            rules,
            esi_ppm: d.esi_ppm,
            wide_ppm: d.wide_ppm,
            esi_min_da: d.esi_min_da,
            ei_da: d.ei_da,
            inferred_min_rel: d.inferred_precursor_min_rel,
        }
    }

    /// Class flags only (rules fully satisfied), in rule-file order.
    pub fn evaluate(&self, input: &RuleInput<'_>) -> Vec<ClassFlag> {
        self.run(input, false).flags
    }

    /// Flags and near-misses (rules with some but not all evidence).
    pub fn evaluate_all(&self, input: &RuleInput<'_>) -> Evaluation {
        self.run(input, true)
    }

    fn run(&self, input: &RuleInput<'_>, near_misses: bool) -> Evaluation {
        let mut out = Evaluation::default();
        if input.negative_mode {
            return out;
        }
        let spectrum = Prepared::new(input);
        if spectrum.peaks.is_empty() {
            return out;
        }
        let mode = match input.ionisation {
            IonisationHint::Ei => Mode::Ei,
            IonisationHint::Esi => Mode::Esi,
            IonisationHint::Unknown if spectrum.all_integer => Mode::Ei,
            IonisationHint::Unknown => Mode::Esi,
        };
        let ppm = if input.wide_tolerance {
            self.wide_ppm
        } else {
            self.esi_ppm
        };
        let mut scratch = Scratch::default();
        for rule in self.rules.iter().filter(|r| r.mode == mode) {
            self.apply(
                rule,
                &spectrum,
                (input.precursor_mz, ppm, near_misses),
                &mut scratch,
                &mut out,
            );
        }
        out
    }

    /// Evaluate one rule; `(given precursor, ppm, whether near misses are wanted)`.
    fn apply(
        &self,
        rule: &Rule,
        s: &Prepared,
        (given, ppm, near): (Option<f64>, f64, bool),
        scratch: &mut Scratch,
        out: &mut Evaluation,
    ) {
        // The precursor and whether the class window is met; the reason it
        // is not is written only when it will be reported (flags-only
        // evaluation leaves the rule at once, for most spectra and rules).
        let mut precursor = None;
        // Some(Some(p)): precursor p given outside; Some(None): none given
        // and none in the window to infer.
        let mut window_miss = None;
        if let Some((lo, hi)) = rule.window {
            match given.filter(|p| p.is_finite()) {
                Some(p) if (lo..=hi).contains(&p) => precursor = Some((p, false)),
                Some(p) => window_miss = Some(Some(p)),
                None => match s.most_intense_in(lo, hi, self.inferred_min_rel) {
                    Some(p) => precursor = Some((p, true)),
                    None => window_miss = Some(None),
                },
            }
        }
        let window_ok = window_miss.is_none();
        if !window_ok && !near {
            return;
        }
        let mut missing: Vec<Arc<str>> = window_miss
            .zip(rule.window)
            .map(|(given, (lo, hi))| {
                Arc::from(match given {
                    Some(p) => {
                        format!("precursor m/z {p:.4} outside the class window {lo}–{hi}")
                    }
                    None => {
                        format!("no precursor given and no peak in the class window {lo}–{hi}")
                    }
                })
            })
            .into_iter()
            .collect();
        let Scratch {
            used,
            hits,
            unmet,
            found,
            best,
        } = scratch;
        used.clear();
        hits.clear();
        unmet.clear();
        let (mut met, mut required_ok, mut substantive) = (0usize, true, false);
        for (gi, g) in rule.groups.iter().enumerate() {
            let can_still_flag = required_ok && rule.groups.len() - unmet.len() >= rule.min_groups;
            if !near && !can_still_flag {
                return;
            }
            let context = (rule.mode, ppm, precursor.map(|p| p.0));
            if self.match_group(g, context, s, used, (found, best)) {
                met += 1;
                for &h in best.iter() {
                    substantive |= !matches!(g.ions[h.ion].target, Target::Precursor);
                    used.push(h.peak);
                    hits.push((gi, h));
                }
            } else {
                required_ok &= !g.required;
                unmet.push(gi);
            }
        }
        let flagged = window_ok && required_ok && met >= rule.min_groups && used.len() >= 2;
        if !flagged && (!near || met == 0 || !substantive) {
            return;
        }
        // Only now, for flags and near misses, build the explanations.
        let evidence: Vec<Evidence> = hits
            .iter()
            .map(|&(gi, h)| {
                let g = &rule.groups[gi];
                let (x, y) = s.peaks[h.peak];
                Evidence {
                    label: g.ions[h.ion].labels[h.shift].clone(),
                    expected_mz: h.expected,
                    observed_mz: x,
                    error: h.expected.map(|e| match rule.mode {
                        Mode::Esi => MassError::Ppm((x - e) / e * 1e6),
                        Mode::Ei => MassError::Da(x - e),
                    }),
                    relative_intensity: 100.0 * y / s.base,
                }
            })
            .collect();
        missing.extend(unmet.iter().map(|&gi| rule.groups[gi].missing.clone()));
        if flagged {
            let note = match precursor {
                Some((p, true)) => Arc::from(format!(
                    "{} Precursor not given; the most intense peak in the class window (m/z {p:.4}) was used.",
                    rule.note
                )),
                _ => rule.note.clone(),
            };
            out.flags.push(ClassFlag {
                class: rule.class,
                rule: rule.id.clone(),
                rule_version: rule.version,
                evidence,
                missing,
                note,
            });
        } else {
            out.near_misses.push(NearMiss {
                class: rule.class,
                rule: rule.id.clone(),
                rule_version: rule.version,
                groups_met: met,
                groups_needed: rule.min_groups,
                evidence,
                missing,
            });
        }
    }

    /// Whether the group is met; if so, `best` holds its evidence under the
    /// shift that explains the most ions (the first such shift).
    fn match_group(
        &self,
        g: &Group,
        (mode, ppm, precursor): (Mode, f64, Option<f64>),
        s: &Prepared,
        used: &[usize],
        (found, best): (&mut Vec<Hit>, &mut Vec<Hit>),
    ) -> bool {
        let min_intensity = s.base * g.min_rel / 100.0;
        let mut met = false;
        for (si, &shift) in g.shifts.iter().enumerate() {
            found.clear();
            for (ii, ion) in g.ions.iter().enumerate() {
                let (expected, window) = match ion.target {
                    Target::Mz(m) => (Some(m + shift), None),
                    Target::Loss(l) => (precursor.map(|p| p - l - shift), None),
                    Target::Precursor => (precursor, None),
                    Target::Range(lo, hi) => (None, Some((lo, hi))),
                };
                let (lo, hi) = match (expected, window) {
                    (Some(e), _) => {
                        // A loss carries the precursor's error as well as the
                        // fragment's: add the two tolerances in quadrature.
                        let own = self.tolerance(mode, ppm, e);
                        let tol = match (&ion.target, precursor) {
                            (Target::Loss(_), Some(p)) => own.hypot(self.tolerance(mode, ppm, p)),
                            _ => own,
                        };
                        (e - tol, e + tol)
                    }
                    (None, Some(w)) => w,
                    (None, None) => continue,
                };
                let taken = |i: usize| used.contains(&i) || found.iter().any(|h| h.peak == i);
                let Some(idx) = s.best_in(lo, hi, min_intensity, &taken) else {
                    continue;
                };
                if g.max_rank.is_some_and(|r| s.rank_exceeds(idx, r)) {
                    continue;
                }
                found.push(Hit {
                    peak: idx,
                    ion: ii,
                    shift: si,
                    expected,
                });
            }
            if found.len() >= g.min_matches && !met || met && found.len() > best.len() {
                std::mem::swap(found, best);
                met = true;
            }
        }
        met
    }

    fn tolerance(&self, mode: Mode, ppm: f64, mz: f64) -> f64 {
        match mode {
            Mode::Ei => self.ei_da,
            Mode::Esi => (mz.abs() * ppm / 1e6).max(self.esi_min_da),
        }
    }
}

/// One group compiled: shift masses in the rule's mode, ion targets, and the
/// texts a flag reports (labels per shift, what to say when unmet).
fn compile_group(g: &GroupSpec, set: &RuleSet, ei: bool, mass: &dyn Fn(&str) -> f64) -> Group {
    let d = &set.defaults;
    let mut shifts = vec![0.0];
    let mut names = vec![""];
    for name in &g.shifts {
        let (mono, nominal) = set.shift_masses.get(name).copied().unwrap_or((f64::NAN, 0));
        shifts.push(if ei { nominal as f64 } else { mono });
        names.push(name);
    }
    let ions = g
        .ions
        .iter()
        .map(|i| {
            let target = if let Some(f) = &i.formula {
                Target::Mz(mass(f) - if ei { 0.0 } else { super::formula::ELECTRON })
            } else if let Some(m) = i.mz {
                Target::Mz(m)
            } else if let Some(f) = &i.loss {
                Target::Loss(mass(f))
            } else if let Some([lo, hi]) = i.range {
                Target::Range(lo, hi)
            } else {
                Target::Precursor
            };
            let labels = names
                .iter()
                .map(|name| match *name {
                    "" => Arc::from(i.label.as_str()),
                    name => Arc::from(format!("{} [{name}]", i.label)),
                })
                .collect();
            Ion { labels, target }
        })
        .collect();
    let listed: Vec<&str> = g.ions.iter().take(6).map(|i| i.label.as_str()).collect();
    let more = if g.ions.len() > 6 { ", …" } else { "" };
    let min_rel = g
        .min_rel
        .unwrap_or(if ei { d.ei_min_rel } else { d.esi_min_rel });
    Group {
        missing: Arc::from(format!(
            "{} (need {} of: {}{more}; ≥ {min_rel}% rel.)",
            g.label,
            g.min_matches,
            listed.join(", ")
        )),
        required: g.required,
        min_rel,
        min_matches: g.min_matches,
        max_rank: g.max_rank,
        shifts,
        ions,
    }
}
