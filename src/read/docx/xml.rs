//! Small helpers over quick-xml events shared by the DOCX part readers.

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::XmlVersion;

/// The value of attribute `w:val` (or any prefix's `val`).
pub(super) fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

/// The value of an attribute by local name, unescaped.
pub(super) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The text a general reference (`&amp;`, `&#x4E00;`) stands for.
pub(super) fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
}
