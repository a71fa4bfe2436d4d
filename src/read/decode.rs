//! Bytes → text: byte-order marks, UTF-8 (also with a few broken bytes), UTF-16, and
//! GB18030 (a superset of GBK) when the bytes are not UTF-8. Decoding never fails:
//! undecodable bytes become U+FFFD.

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
    if is_damaged_utf8(bytes) {
        return Decoded {
            text: String::from_utf8_lossy(bytes),
            encoding: UTF_8.name(),
            had_errors: true,
        };
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: "GB18030",
        had_errors,
    }
}

/// True for UTF-8 with a few broken sequences (a damaged copy, or one cut off inside a
/// character), rather than another encoding. Read as UTF-8, GBK text breaks at most of
/// its Chinese characters (some byte pairs happen to form valid sequences: 5 of the 10
/// characters of 项目名称单位资金总额, against 10 broken sequences), while a damaged
/// UTF-8 file is valid around its few broken bytes; so the file counts as UTF-8 when its
/// valid non-ASCII characters outnumber its broken sequences eight to one.
/// Decoding it as GB18030 instead would garble every character of the document for the
/// sake of a few bytes.
fn is_damaged_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut broken) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        // A character's first byte is 0xC0 or above; its other bytes are below.
        valid += chunk.valid().bytes().filter(|b| *b >= 0xC0).count();
        if !chunk.invalid().is_empty() {
            broken += 1;
            // GBK shows itself within its first Chinese characters: stop reading it as
            // UTF-8 there (checking all of it would cost as much as decoding it).
            if broken >= 16 && valid < broken {
                return false;
            }
        }
    }
    valid >= 8 * broken
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
    fn damaged_utf8_stays_utf8_with_the_broken_bytes_replaced() {
        let text = "一级指标\t产出指标\t数量指标\n".repeat(5);
        let mut bytes = text.clone().into_bytes();
        bytes.insert(13, 0xFF); // before 产
        bytes.insert(40, 0x80); // before the second line's 一
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.had_errors);
        assert_eq!(decoded.text.matches('\u{FFFD}').count(), 2);
        assert_eq!(decoded.text.replace('\u{FFFD}', ""), text);
        // GBK that happens to hold valid UTF-8 sequences here and there is still GBK.
        let chinese = "项目名称单位资金总额".repeat(20);
        let (gbk, _, _) = GB18030.encode(&chinese);
        assert_eq!(decode(&gbk).encoding, "GB18030");
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
