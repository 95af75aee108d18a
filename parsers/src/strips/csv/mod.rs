//! Strip-reader CSV exports: one row per strip (schema in
//! `docs/strip-csv-schema.md`).

mod cells;
mod error;
mod row;
mod schema;

use serde::Serialize;

pub use cells::{Cutoff, CutoffUnit, ReaderCall, Target};
pub use error::StripCsvError;

use schema::Column;

/// One strip as the reader exported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StripReading {
    /// 1-based line number of the row in the file (the header is line 1).
    pub row: u64,
    /// Sample identifier.
    pub sample_id: String,
    /// Strip brand.
    pub brand: String,
    /// Lot number, if given.
    pub lot: Option<String>,
    /// Expiry as printed: `YYYY-MM-DD` or `YYYY-MM`.
    pub expiry: Option<String>,
    /// What the strip detects.
    pub target: Target,
    /// Stated cut-off.
    pub cutoff: Cutoff,
    /// Dilution factor (10 for 1:10); `None` when not given.
    pub dilution: Option<f64>,
    /// When the strip was read, ISO 8601 as written.
    pub read_time: Option<String>,
    /// Control-line intensity in the reader's units; `None` if the cell is empty.
    pub control_intensity: Option<f64>,
    /// Test-line intensity in the reader's units; `None` if the cell is empty.
    pub test_intensity: Option<f64>,
    /// The reader's own call.
    pub reader_call: ReaderCall,
    /// Photo file name, if given.
    pub image_file: Option<String>,
    /// Cells of columns the schema does not know: (header as written, value).
    pub extra: Vec<(String, String)>,
}

/// A recoverable oddity, kept beside the readings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StripWarning {
    /// 1-based line number, or `None` for the file as a whole (header).
    pub row: Option<u64>,
    /// Column name as in the header, if one column is meant.
    pub column: Option<String>,
    /// What was odd and what was done about it.
    pub message: String,
}

/// A whole strip-reader export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StripFile {
    /// The rows, in file order.
    pub readings: Vec<StripReading>,
    /// Everything odd that did not stop reading.
    pub warnings: Vec<StripWarning>,
}

/// The header's columns: which schema column each position holds.
pub(crate) struct Header {
    /// Header cells as written.
    pub(crate) names: Vec<String>,
    /// Schema column per position (`None` = unknown column, kept as extra).
    pub(crate) columns: Vec<Option<Column>>,
}

/// True if the first line looks like a strip-reader header: it names
/// `sample_id`, `test_intensity` and at least one more schema column.
pub fn sniff_csv(bytes: &[u8]) -> bool {
    let bytes = crate::text::text_body(bytes);
    let line = header_line(bytes);
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let found: Vec<Column> = line
        .split([',', ';', '\t'])
        .filter_map(schema::lookup)
        .collect();
    found.contains(&Column::SampleId) && found.contains(&Column::TestIntensity) && found.len() >= 3
}

/// Reads a strip-reader CSV export.
///
/// Comma, semicolon or tab separated (decided from the header line); a UTF-8
/// byte-order mark is skipped; lines starting with `#` are comments.
pub fn read_csv(bytes: &[u8]) -> Result<StripFile, StripCsvError> {
    let bytes = crate::text::text_body(bytes);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter(bytes))
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let mut warnings = Vec::new();
    let first = match records.next() {
        None => return Err(StripCsvError::Empty),
        Some(r) => r.map_err(malformed)?,
    };
    let header = header(&first, &mut warnings)?;
    let mut readings = Vec::new();
    for record in records {
        let record = record.map_err(malformed)?;
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        readings.push(row::reading(&header, &record, &mut warnings)?);
    }
    Ok(StripFile { readings, warnings })
}

/// The header: the first line that is neither blank nor a `#` comment.
fn header_line(bytes: &[u8]) -> &[u8] {
    bytes
        .split(|b| *b == b'\n')
        .take(32)
        .find(|l| {
            let l = crate::text::trim_spaces(l);
            !l.is_empty() && l != b"\r" && !l.starts_with(b"#")
        })
        .unwrap_or(&[])
}

/// The separator with the most occurrences in the header line.
fn delimiter(bytes: &[u8]) -> u8 {
    let line = header_line(bytes);
    let count = |d: u8| line.iter().filter(|b| **b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| count(*d))
        .unwrap_or(b',')
}

fn malformed(e: ::csv::Error) -> StripCsvError {
    let line = e.position().map_or(0, ::csv::Position::line);
    StripCsvError::Malformed {
        line,
        message: e.to_string(),
    }
}

/// Maps header cells to columns; rejects missing required and duplicate ones.
fn header(
    record: &::csv::ByteRecord,
    warnings: &mut Vec<StripWarning>,
) -> Result<Header, StripCsvError> {
    let mut names = Vec::new();
    let mut columns: Vec<Option<Column>> = Vec::new();
    for (i, cell) in record.iter().enumerate() {
        let name = std::str::from_utf8(cell)
            .map_err(|_| StripCsvError::NotUtf8 {
                row: 1,
                column: format!("#{}", i + 1),
            })?
            .trim()
            .to_string();
        let column = schema::lookup(&name);
        if let Some(c) = column {
            if let Some(j) = columns.iter().position(|k| *k == Some(c)) {
                return Err(StripCsvError::DuplicateColumn {
                    column: c.name().to_string(),
                    first: names.get(j).cloned().unwrap_or_default(),
                    second: name,
                });
            }
        } else {
            warnings.push(StripWarning {
                row: None,
                column: Some(name.clone()),
                message: "unknown column: values kept in `extra`".to_string(),
            });
        }
        names.push(name);
        columns.push(column);
    }
    let missing: Vec<String> = schema::ALL
        .into_iter()
        .filter(|c| c.required() && !columns.contains(&Some(*c)))
        .map(|c| c.name().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(StripCsvError::MissingColumns { missing });
    }
    Ok(Header { names, columns })
}
