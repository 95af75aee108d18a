//! Compound names in free text (report text, assay comments, sample notes).
//!
//! Design: one Aho-Corasick automaton over the *folded* form (see [`fold`]) of
//! every compound name and synonym, built once from a
//! [`ReferenceSet`] and immutable after.
//! The text is folded the same way, keeping a map from each folded byte back
//! to the original character, so hyphen, space, en-dash and no separator are
//! equivalent (`para-fluorofentanyl`, `para fluoro fentanyl`) and every hit
//! carries its byte span in the original text.
//!
//! Whole words only: a hit must start and end at a word boundary of the
//! original text (no letter or digit just outside it), so `fentanyl` is not
//! found inside `norfentanyl`. All candidate matches are collected
//! (overlapping), those failing the boundary test are dropped, and the rest
//! are chosen leftmost-longest without overlap: `N-desethyl isotonitazene`
//! is one hit, not an extra `isotonitazene`.

pub mod fold;

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use thiserror::Error;

use crate::matching::chem::{CompoundClass, ReferenceSet};

/// The automaton could not be built (only for absurdly large name sets).
#[derive(Debug, Error)]
#[error("cannot build the name matcher: {0}")]
pub struct NameMatcherError(#[from] aho_corasick::BuildError);

/// A compound name found in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameHit {
    /// Id of the compound named.
    pub compound_id: String,
    /// Its class.
    pub class: CompoundClass,
    /// The reference name or synonym that matched, as written in the reference set.
    pub name: String,
    /// Byte range of the match in the original text.
    pub span: Range<usize>,
}

/// What one folded pattern stands for.
#[derive(Debug, Clone)]
struct Target {
    compound_id: String,
    class: CompoundClass,
    name: String,
}

/// Finds compound names in text. Cheap to share across threads.
#[derive(Debug, Clone)]
pub struct NameMatcher {
    automaton: AhoCorasick,
    /// Per pattern: the compounds carrying that folded name (more than one
    /// only for names deliberately shared in the reference file).
    targets: Vec<Vec<Target>>,
}

impl NameMatcher {
    /// Builds the matcher over every name and synonym of `set`.
    pub fn new(set: &ReferenceSet) -> Result<NameMatcher, NameMatcherError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for c in set.compounds() {
            for name in c.names() {
                let key = fold::fold(name);
                if key.is_empty() {
                    continue;
                }
                let target = Target {
                    compound_id: c.id.clone(),
                    class: c.class,
                    name: name.to_string(),
                };
                match index.get(&key) {
                    Some(&i) => {
                        if let Some(t) = targets.get_mut(i) {
                            if !t.iter().any(|x| x.compound_id == c.id) {
                                t.push(target);
                            }
                        }
                    }
                    None => {
                        index.insert(key.clone(), patterns.len());
                        patterns.push(key);
                        targets.push(vec![target]);
                    }
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)?;
        Ok(NameMatcher { automaton, targets })
    }

    /// Every whole-word compound name in `text`, in order of position; a name
    /// shared by several compounds gives one hit per compound, same span.
    pub fn find(&self, text: &str) -> Vec<NameHit> {
        let (folded, map) = fold::fold_with_map(text);
        // (start, end, pattern) in folded bytes, boundary-checked in the original
        let mut cands: Vec<(usize, usize, usize)> = self
            .automaton
            .find_overlapping_iter(&folded)
            .filter(|m| whole_word(text, &map, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut hits = Vec::new();
        let mut covered = 0usize;
        for (start, end, pattern) in cands {
            if start < covered {
                continue;
            }
            covered = end;
            let (Some(first), Some(last)) = (map.get(start), map.get(end.saturating_sub(1))) else {
                continue;
            };
            for t in self.targets.get(pattern).into_iter().flatten() {
                hits.push(NameHit {
                    compound_id: t.compound_id.clone(),
                    class: t.class,
                    name: t.name.clone(),
                    span: first.0..last.1,
                });
            }
        }
        hits
    }
}

/// True when folded bytes `start..end` cover whole original characters and
/// the original characters just outside are not letters or digits.
fn whole_word(text: &str, map: &[(usize, usize)], start: usize, end: usize) -> bool {
    let (Some(first), Some(last)) = (map.get(start), end.checked_sub(1).and_then(|e| map.get(e)))
    else {
        return false;
    };
    // a lower-case expansion (e.g. 'İ' → "i̇") must not be cut in half
    let starts_char = start == 0 || map.get(start - 1).map(|p| p.0) != Some(first.0);
    let ends_char = map.get(end).map(|p| p.0) != Some(last.0);
    let before = text.get(..first.0).and_then(|s| s.chars().next_back());
    let after = text.get(last.1..).and_then(|s| s.chars().next());
    let outside_word = |c: Option<char>| !matches!(c, Some(c) if c.is_alphanumeric());
    starts_char && ends_char && outside_word(before) && outside_word(after)
}
