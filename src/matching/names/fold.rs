//! Name folding: the one definition of "the same name" shared by the name
//! matcher and the reference-set validator.
//!
//! Folding lower-cases (Unicode) and drops separators — whitespace, hyphens,
//! dashes, underscores, apostrophes and primes — so `para-fluorofentanyl`,
//! `Para Fluoro Fentanyl` and `parafluorofentanyl` fold alike, as do
//! `4′-hydroxy` and `4'-hydroxy`.

/// True for characters that are ignored when comparing names.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '\'' | '\u{2010}'
                ..='\u{2015}' // hyphen, non-breaking hyphen, dashes
                | '\u{2018}' | '\u{2019}' // curly apostrophes
                | '\u{2032}' | '\u{2033}' // prime, double prime
                | '\u{2212}' // minus sign
                | '\u{00AD}' // soft hyphen
        )
}

/// The folded form of a name.
pub fn fold(s: &str) -> String {
    fold_with_map(s).0
}

/// The folded text and, for each of its bytes, the byte range of the original
/// character it came from (so a match in folded text maps back to a span).
pub fn fold_with_map(s: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    for (start, c) in s.char_indices() {
        if is_separator(c) {
            continue;
        }
        let end = start + c.len_utf8();
        for lc in c.to_lowercase() {
            out.push(lc);
            for _ in 0..lc.len_utf8() {
                map.push((start, end));
            }
        }
    }
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_fold_alike() {
        let want = fold("para-fluorofentanyl");
        for v in [
            "Para Fluoro Fentanyl",
            "PARA–FLUOROFENTANYL",
            "parafluorofentanyl",
        ] {
            assert_eq!(fold(v), want, "{v}");
        }
        assert_eq!(fold("4′-hydroxy nitazene"), fold("4'-Hydroxy Nitazene"));
    }

    #[test]
    fn map_points_back_to_original_characters() {
        let (folded, map) = fold_with_map("a-µB");
        assert_eq!(folded, "aµb");
        assert_eq!(map, vec![(0, 1), (2, 4), (2, 4), (4, 5)]);
    }
}
