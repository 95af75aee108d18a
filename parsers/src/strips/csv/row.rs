//! One data row → one [`StripReading`]: bad required cells are errors, bad
//! optional cells become warnings with the field left empty.

use super::cells;
use super::schema::{self, Column};
use super::{Header, ReaderCall, StripCsvError, StripReading, StripWarning};

/// The cells of one row, looked up by schema column.
struct Row<'a> {
    line: u64,
    header: &'a Header,
    cells: Vec<String>,
}

impl Row<'_> {
    /// Header position of a column (present for every required column).
    fn index(&self, c: Column) -> Option<usize> {
        self.header.columns.iter().position(|k| *k == Some(c))
    }

    /// Header spelling of a column, for messages.
    fn name(&self, c: Column) -> String {
        self.index(c)
            .and_then(|i| self.header.names.get(i).cloned())
            .unwrap_or_else(|| c.name().to_string())
    }

    /// Trimmed cell, `None` when the column is absent or the cell is empty.
    fn get(&self, c: Column) -> Option<&str> {
        let cell = self.cells.get(self.index(c)?)?.trim();
        (!cell.is_empty()).then_some(cell)
    }

    fn bad(&self, c: Column, expected: &str) -> StripCsvError {
        StripCsvError::BadCell {
            row: self.line,
            column: self.name(c),
            value: self.get(c).unwrap_or("").to_string(),
            expected: expected.to_string(),
        }
    }

    /// A required cell parsed by `parse`, or a `BadCell` error.
    fn required<T>(
        &self,
        c: Column,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, StripCsvError> {
        self.get(c)
            .and_then(parse)
            .ok_or_else(|| self.bad(c, expected))
    }

    /// An optional cell: empty is fine, unparseable is a warning.
    fn optional<T>(
        &self,
        c: Column,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
        warnings: &mut Vec<StripWarning>,
    ) -> Option<T> {
        let cell = self.get(c)?;
        let v = parse(cell);
        if v.is_none() {
            self.warn(
                c,
                format!("{cell:?} is not valid: expected {expected}; left empty"),
                warnings,
            );
        }
        v
    }

    fn warn(&self, c: Column, message: String, warnings: &mut Vec<StripWarning>) {
        warnings.push(StripWarning {
            row: Some(self.line),
            column: Some(self.name(c)),
            message,
        });
    }
}

/// Builds the reading for one record.
pub(super) fn reading(
    header: &Header,
    record: &::csv::ByteRecord,
    warnings: &mut Vec<StripWarning>,
) -> Result<StripReading, StripCsvError> {
    let line = record.position().map_or(0, ::csv::Position::line);
    let mut cells = Vec::with_capacity(record.len());
    for (i, cell) in record.iter().enumerate() {
        let column = header
            .names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("#{}", i + 1));
        let text =
            std::str::from_utf8(cell).map_err(|_| StripCsvError::NotUtf8 { row: line, column })?;
        cells.push(text.to_string());
    }
    let n = header.names.len();
    if cells.len() != n {
        warnings.push(StripWarning {
            row: Some(line),
            column: None,
            message: format!(
                "{} cells where the header has {n}: {}",
                cells.len(),
                if cells.len() < n {
                    "missing cells read as empty"
                } else {
                    "extra cells kept in `extra` as #n"
                }
            ),
        });
    }
    let r = Row {
        line,
        header,
        cells,
    };
    let text = |c: Column| r.required(c, "a non-empty value", |s| Some(s.to_string()));
    let cutoff_unit = r
        .index(Column::Cutoff)
        .and_then(|i| header.names.get(i))
        .and_then(|h| schema::header_unit(h));
    let reader_call = r.required(
        Column::ReaderCall,
        "positive, negative or invalid",
        cells::call,
    )?;
    let mut intensity = |c: Column| -> Result<Option<f64>, StripCsvError> {
        match r.get(c) {
            None => {
                if reader_call != ReaderCall::Invalid {
                    r.warn(
                        c,
                        "empty intensity on a valid strip; left empty".to_string(),
                        warnings,
                    );
                }
                Ok(None)
            }
            Some(s) => cells::intensity(s)
                .map(Some)
                .ok_or_else(|| r.bad(c, "a number >= 0")),
        }
    };
    let control_intensity = intensity(Column::ControlIntensity)?;
    let test_intensity = intensity(Column::TestIntensity)?;
    let reading = StripReading {
        row: line,
        sample_id: text(Column::SampleId)?,
        brand: text(Column::Brand)?,
        lot: r.get(Column::Lot).map(str::to_string),
        expiry: r.optional(
            Column::Expiry,
            "YYYY-MM-DD or YYYY-MM",
            |s| cells::date(s).then(|| s.to_string()),
            warnings,
        ),
        target: r.required(
            Column::Target,
            "fentanyl, nitazene, benzodiazepine or xylazine",
            cells::target,
        )?,
        cutoff: r.required(
            Column::Cutoff,
            "a number and a unit (ng/mL, ug/mL, mg/L), e.g. 20 ng/mL",
            |s| cells::cutoff(s, cutoff_unit),
        )?,
        dilution: r.optional(
            Column::Dilution,
            "1:N, N or none (N >= 1)",
            cells::dilution,
            warnings,
        ),
        read_time: r.optional(
            Column::ReadTime,
            "ISO 8601 date-time, e.g. 2024-05-01T14:03:00Z",
            |s| cells::date_time(s).then(|| s.to_string()),
            warnings,
        ),
        control_intensity,
        test_intensity,
        reader_call,
        image_file: r.get(Column::ImageFile).map(str::to_string),
        extra: extra(&r),
    };
    check(&r, &reading, warnings);
    Ok(reading)
}

/// Cells of unknown columns and cells past the header, by header name (or `#n`).
fn extra(r: &Row<'_>) -> Vec<(String, String)> {
    r.cells
        .iter()
        .enumerate()
        .filter(|(i, _)| r.header.columns.get(*i).is_none_or(Option::is_none))
        .map(|(i, v)| {
            (
                r.header
                    .names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", i + 1)),
                v.clone(),
            )
        })
        .collect()
}

/// Cross-field oddities a human should look at.
fn check(r: &Row<'_>, x: &StripReading, warnings: &mut Vec<StripWarning>) {
    if x.control_intensity == Some(0.0) && x.reader_call != ReaderCall::Invalid {
        r.warn(
            Column::ReaderCall,
            "no control line (intensity 0) but the call is not invalid".to_string(),
            warnings,
        );
    }
    // Both are ISO strings, so comparing the date prefixes compares dates;
    // a month-only expiry (YYYY-MM) runs to the end of that month.
    if let (Some(exp), Some(read)) = (&x.expiry, &x.read_time) {
        let read_day = read.get(..exp.len()).unwrap_or("");
        if read_day > exp.as_str() {
            r.warn(
                Column::Expiry,
                format!("strip expired ({exp}) before it was read ({read})"),
                warnings,
            );
        }
    }
}
