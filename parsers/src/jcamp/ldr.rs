//! Labelled data records (`##LABEL=value`): splitting a file into records,
//! label normalisation, and record values as text.

use super::error::JcampError;
use super::lines::{strip_comment, trim, Line, Lines};
use crate::spectrum::{Position, Warning};
use crate::text::latin1;

/// One `##LABEL=value` record and the lines that follow it up to the next one.
#[derive(Debug, Clone)]
pub(crate) struct Record<'a> {
    /// Line of the `##`.
    pub line: usize,
    /// The label as written (trimmed).
    pub label: &'a [u8],
    /// The label normalised for comparison (see [`normalise`]).
    pub key: String,
    /// The value on the `##` line, comment cut off, trimmed.
    pub first: &'a [u8],
    /// Continuation lines (comment cut off; blank and comment-only lines skipped).
    pub body: Vec<Line<'a>>,
}

impl Record<'_> {
    /// Records whose continuation lines are data, not part of the value.
    pub(crate) fn is_data(&self) -> bool {
        matches!(
            self.key.as_str(),
            "XYDATA" | "XYPOINTS" | "PEAKTABLE" | "DATATABLE" | "PEAKASSIGNMENTS" | "RADATA"
        )
    }

    /// The value as text: for data records only the variable list on the `##`
    /// line, otherwise every line joined with `\n` (multi-line values).
    pub(crate) fn value(&self) -> String {
        let mut v = latin1(self.first);
        if !self.is_data() {
            for l in &self.body {
                if !v.is_empty() {
                    v.push('\n');
                }
                v.push_str(&latin1(trim(l.text)));
            }
        }
        v
    }

    /// The label as text.
    pub(crate) fn label_text(&self) -> String {
        latin1(self.label)
    }
}

/// Normalise a label as the standard compares them: upper case, ignoring
/// spaces, dashes, slashes and underscores (`DATA TYPE` = `DATATYPE`, `BLOCK_ID` = `BLOCKID`).
pub(crate) fn normalise(label: &[u8]) -> String {
    label
        .iter()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'-' | b'/' | b'_'))
        .map(|b| b.to_ascii_uppercase() as char)
        .collect()
}

/// Split a file into records. Text before the first record and `##` lines
/// without `=` are reported as warnings and skipped.
pub(crate) fn records<'a>(
    bytes: &'a [u8],
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Record<'a>>, JcampError> {
    let mut out: Vec<Record<'a>> = Vec::new();
    let mut first_text_line = None;
    for line in Lines::new(bytes) {
        let text = strip_comment(line.text);
        let t = trim(text);
        if t.is_empty() {
            // Blank, comment-only or `^Z`: neither data nor the end of a value.
            if first_text_line.is_none() && !trim(line.text).is_empty() {
                first_text_line = Some(line.no);
            }
            continue;
        }
        first_text_line.get_or_insert(line.no);
        if let Some(rest) = t.strip_prefix(b"##") {
            let Some(eq) = rest.iter().position(|&b| b == b'=') else {
                warn(
                    warnings,
                    line.no,
                    "`##` line without `=`: expected `##LABEL=value`; line skipped",
                );
                continue;
            };
            let label = trim(rest.get(..eq).unwrap_or_default());
            out.push(Record {
                line: line.no,
                label,
                key: normalise(label),
                first: trim(rest.get(eq + 1..).unwrap_or_default()),
                body: Vec::new(),
            });
        } else if let Some(rec) = out.last_mut() {
            rec.body.push(Line { no: line.no, text });
        } else {
            warn(
                warnings,
                line.no,
                "text before the first `##LABEL=` record: expected `##TITLE=`; line skipped",
            );
        }
    }
    match (out.is_empty(), first_text_line) {
        (true, None) => Err(JcampError::Empty),
        (true, Some(line)) => Err(JcampError::NotJcamp { line }),
        _ => Ok(out),
    }
}

/// Push a warning at a line.
pub(crate) fn warn(warnings: &mut Vec<Warning>, line: usize, message: impl Into<String>) {
    warnings.push(Warning {
        position: Position::Line(line),
        message: message.into(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_compare_as_the_standard_says() {
        assert_eq!(normalise(b"Data Type"), "DATATYPE");
        assert_eq!(normalise(b"PEAk TABLE"), "PEAKTABLE");
        assert_eq!(normalise(b"JCAMP-DX"), "JCAMPDX");
        assert_eq!(normalise(b"BLOCK_ID"), "BLOCKID");
        assert_eq!(
            normalise(b"SPECTROMETER/DATA SYSTEM"),
            "SPECTROMETERDATASYSTEM"
        );
    }

    #[test]
    fn multi_line_values_and_comments() {
        let mut w = Vec::new();
        let recs = records(
            b"##TITLE= a $$ c\n$$ only comment\n  b\n##XYDATA=(X++(Y..Y))\n1 2 3\n",
            &mut w,
        )
        .unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].value(), "a\nb");
        assert_eq!(recs[1].value(), "(X++(Y..Y))");
        assert_eq!(recs[1].body.len(), 1);
        assert!(w.is_empty());
    }

    #[test]
    fn not_jcamp_and_empty() {
        let mut w = Vec::new();
        assert_eq!(records(b" \n\r\n", &mut w).unwrap_err(), JcampError::Empty);
        assert_eq!(
            records(b"\nhello\n", &mut w).unwrap_err(),
            JcampError::NotJcamp { line: 2 }
        );
    }
}
