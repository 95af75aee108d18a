//! Timestamps as stored: UTC RFC 3339 text, microseconds, fixed width, so
//! that text order is time order in both dialects.

use std::time::{Duration, SystemTime};

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::StoreError;

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Formats a time for storage.
pub(crate) fn format(t: OffsetDateTime) -> String {
    let utc = t.to_offset(UtcOffset::UTC);
    // Years outside 0000..=9999 cannot occur from SystemTime in practice; fall
    // back to the epoch rather than panic.
    utc.format(FORMAT)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000000Z".to_owned())
}

/// Formats a `SystemTime` for storage.
pub(crate) fn format_system(t: SystemTime) -> String {
    format(OffsetDateTime::from(t))
}

/// The current time, formatted for storage.
pub(crate) fn now() -> String {
    format_system(SystemTime::now())
}

/// Now plus `delay`, formatted for storage.
pub(crate) fn now_plus(delay: Duration) -> String {
    let at = SystemTime::now()
        .checked_add(delay)
        .unwrap_or_else(SystemTime::now);
    format_system(at)
}

/// Parses a stored timestamp.
pub(crate) fn parse(s: &str) -> Result<OffsetDateTime, StoreError> {
    let body = s
        .strip_suffix('Z')
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {s:?} lacks Z")))?;
    let p = PrimitiveDateTime::parse(
        body,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"),
    )
    .map_err(|e| StoreError::Corrupt(format!("timestamp {s:?}: {e}")))?;
    Ok(p.assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_sorts() {
        let a = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_000).unwrap();
        let b = a + time::Duration::microseconds(1);
        let (sa, sb) = (format(a), format(b));
        assert_eq!(sa.len(), 27);
        assert!(sa < sb);
        assert_eq!(parse(&sa).unwrap(), a);
    }
}
