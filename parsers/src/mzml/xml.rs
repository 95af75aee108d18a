//! Small quick-xml helpers shared by the mzML metadata scan and the mzXML reader.

use quick_xml::events::BytesStart;
use quick_xml::XmlVersion;

/// The value of attribute `key`, entity-decoded; non-UTF-8 bytes are replaced
/// rather than failing, since a mangled attribute is better than a lost spectrum.
pub(crate) fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
}
