//! Semicolon-separated exports, as Excel and instrument software write them
//! in locales whose decimal mark is a comma (`105,06988;2131,52`), turned into
//! the comma-separated text the layouts read (`105.06988,2131.52`). Only the
//! separators change, so line numbers stay those of the file.

use super::lines::unquoted;

/// How many non-empty lines decide.
const LOOK: usize = 60;

/// If `text` is semicolon-separated peak text, the same text with `;` → `,`
/// and (when the numbers use decimal commas) `,` → `.`; else `None`.
pub(crate) fn to_commas(text: &[u8]) -> Option<Vec<u8>> {
    let head = text.get(..super::SNIFF_WINDOW).unwrap_or(text);
    let head = String::from_utf8_lossy(head);
    let rows: Vec<&str> = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(LOOK)
        .collect();
    // A number with a decimal point or a decimal comma.
    let number = |f: &str| {
        unquoted(f)
            .replace(',', ".")
            .parse::<f64>()
            .is_ok_and(f64::is_finite)
    };
    let is_row = |l: &&str| {
        let fields: Vec<&str> = l.split(';').collect();
        fields.len() >= 2 && fields.iter().take(2).all(|f| number(f))
    };
    let data: Vec<&&str> = rows.iter().filter(|l| is_row(l)).collect();
    // Most lines are rows (a column-header line may precede them).
    if data.is_empty() || data.len() * 5 < rows.len().saturating_sub(1) * 4 {
        return None;
    }
    let decimal_comma = data.iter().any(|l| l.contains(','));
    Some(
        text.iter()
            .map(|&b| match b {
                b';' => b',',
                b',' if decimal_comma => b'.',
                other => other,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::to_commas;

    #[test]
    fn only_semicolon_rows_are_converted() {
        let t = |s: &str| to_commas(s.as_bytes()).map(|v| String::from_utf8(v).expect("utf-8"));
        assert_eq!(
            t("m/z;Int\n1,5;2\n3;4,25\n").as_deref(),
            Some("m/z,Int\n1.5,2\n3,4.25\n")
        );
        assert_eq!(t("1.5;2\n3;4\n").as_deref(), Some("1.5,2\n3,4\n"));
        assert_eq!(t("1.5,2\n3,4\n"), None);
        assert_eq!(t("Name: a; b\nNum Peaks: 2\n"), None);
        assert_eq!(t(""), None);
    }
}
