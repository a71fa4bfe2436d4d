//! Bytes → text: byte-order marks, UTF-8, UTF-16, and GB18030 (a superset of GBK) when
//! the bytes are not UTF-8. Decoding never fails: undecodable bytes become U+FFFD and
//! are counted.

use encoding_rs::{Encoding, GB18030, UTF_8};
use std::borrow::Cow;

/// Decoded text and how it was decoded.
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Name of the encoding used (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `GB18030`).
    pub encoding: &'static str,
    /// True when some bytes could not be decoded and were replaced.
    pub had_errors: bool,
}

/// Decodes a text export.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text,
            encoding: encoding.name(),
            had_errors,
        };
    }
    // Most exports are UTF-8 and mostly CJK, where the standard library's validation
    // takes its slow path for every character.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: UTF_8.name(),
            had_errors: false,
        };
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: "GB18030",
        had_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("目录".as_bytes());
        assert_eq!((plain.text.as_ref(), plain.encoding), ("目录", "UTF-8"));
        let bom = decode(b"\xEF\xBB\xBF\xE7\x9B\xAE");
        assert_eq!((bom.text.as_ref(), bom.encoding), ("目", "UTF-8"));
    }

    #[test]
    fn gbk_bytes_fall_back_to_gb18030() {
        let (bytes, _, _) = GB18030.encode("单位：元");
        let decoded = decode(&bytes);
        assert_eq!(decoded.text, "单位：元");
        assert_eq!(decoded.encoding, "GB18030");
        assert!(!decoded.had_errors);
    }

    #[test]
    fn long_texts_are_checked_whole() {
        // Longer than one SIMD block, so the vectorised check runs, not a short-input path.
        let text = "一级指标\t产出指标\t数量指标\n".repeat(20);
        let decoded = decode(text.as_bytes());
        assert!(matches!(decoded.text, Cow::Borrowed(_)));
        assert_eq!(
            (decoded.text.as_ref(), decoded.encoding),
            (text.as_str(), "UTF-8")
        );
        // GBK bytes only after a long ASCII opening still send the whole file to GB18030.
        let opening = "2021 budget, department 001, project code 12345678\t".repeat(4);
        let (gbk, _, _) = GB18030.encode("单位：元");
        let bytes = [opening.as_bytes(), &gbk].concat();
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, "GB18030");
        assert_eq!(decoded.text, format!("{opening}单位：元"));
        assert!(!decoded.had_errors);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "指标".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes);
        assert_eq!(decoded.text, "指标");
        assert_eq!(decoded.encoding, "UTF-16LE");
    }
}
