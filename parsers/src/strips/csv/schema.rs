//! The columns of a strip-reader export and how header spellings map to them.

/// A column the schema knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Column {
    SampleId,
    Brand,
    Lot,
    Expiry,
    Target,
    Cutoff,
    Dilution,
    ReadTime,
    ControlIntensity,
    TestIntensity,
    ReaderCall,
    ImageFile,
}

/// Every column, in documented order.
pub(crate) const ALL: [Column; 12] = [
    Column::SampleId,
    Column::Brand,
    Column::Lot,
    Column::Expiry,
    Column::Target,
    Column::Cutoff,
    Column::Dilution,
    Column::ReadTime,
    Column::ControlIntensity,
    Column::TestIntensity,
    Column::ReaderCall,
    Column::ImageFile,
];

impl Column {
    /// Canonical (documented) header name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Column::SampleId => "sample_id",
            Column::Brand => "brand",
            Column::Lot => "lot",
            Column::Expiry => "expiry",
            Column::Target => "target",
            Column::Cutoff => "cutoff",
            Column::Dilution => "dilution",
            Column::ReadTime => "read_time",
            Column::ControlIntensity => "control_intensity",
            Column::TestIntensity => "test_intensity",
            Column::ReaderCall => "reader_call",
            Column::ImageFile => "image_file",
        }
    }

    /// Whether a file without this column is rejected.
    pub(crate) fn required(self) -> bool {
        matches!(
            self,
            Column::SampleId
                | Column::Brand
                | Column::Target
                | Column::Cutoff
                | Column::ControlIntensity
                | Column::TestIntensity
                | Column::ReaderCall
        )
    }

    /// Accepted spellings after [`normalise`], canonical first.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Column::SampleId => &["sampleid", "sample", "id"],
            Column::Brand => &["brand", "manufacturer"],
            Column::Lot => &["lot", "lotnumber", "lotno"],
            Column::Expiry => &["expiry", "expirydate", "expires", "expiration"],
            Column::Target => &["target", "drug", "analyte"],
            Column::Cutoff => &["cutoff", "statedcutoff"],
            Column::Dilution => &["dilution"],
            Column::ReadTime => &["readtime", "readat"],
            Column::ControlIntensity => &["controlintensity", "cintensity", "controlline"],
            Column::TestIntensity => &["testintensity", "tintensity", "testline"],
            Column::ReaderCall => &["readercall", "call", "result"],
            Column::ImageFile => &["imagefile", "image", "imagefilename"],
        }
    }
}

/// Header cell → comparison key: lower case, letters and digits only, so
/// `Sample ID`, `sample_id`, `SAMPLE-ID` and ` sampleId ` all match. A
/// trailing unit in brackets (`Cut-off (ng/mL)`) is not part of the name.
pub(crate) fn normalise(header: &str) -> String {
    let name = header.split(['(', '[']).next().unwrap_or(header);
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The schema column a header cell names, if any.
pub(crate) fn lookup(header: &str) -> Option<Column> {
    let key = normalise(header);
    ALL.into_iter().find(|c| c.keys().contains(&key.as_str()))
}

/// The unit in brackets after a header name (`Cut-off (ng/mL)` → `ng/mL`).
pub(crate) fn header_unit(header: &str) -> Option<&str> {
    let (_, rest) = header.split_once(['(', '['])?;
    let unit = rest.trim_end().trim_end_matches([')', ']']).trim();
    (!unit.is_empty()).then_some(unit)
}
