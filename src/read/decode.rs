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

/// Non-ASCII characters in a stretch of valid UTF-8 between two broken sequences that
/// make it a clean run: GBK read as UTF-8 forms at most 4 valid ones in a row (over the
/// 397 GBK exports of `jixiao synth --docs 2000 --seed 3`, and the seed in GBK), while
/// damaged UTF-8 has hundreds between its broken bytes.
const CLEAN_RUN: usize = 16;
/// Broken sequences after which a text that looks like GBK so far is taken for GBK.
const GBK_AFTER: usize = 16;
/// Most bytes looked at, from the middle and from three quarters of the text, for a clean
/// run before taking it for GBK (numbers and ASCII may stand between its characters).
const PROBE: usize = 2048;
/// Broken sequences after which a look gives up: GBK breaks within its first characters.
const PROBE_BROKEN: usize = 4;

/// True for UTF-8 with some broken sequences (a damaged copy, or one cut off inside a
/// character), rather than another encoding. Read as UTF-8, GBK text breaks at most of
/// its Chinese characters (some byte pairs happen to form valid sequences: 5 of the 10
/// characters of 项目名称单位资金总额, against 10 broken sequences), while a damaged
/// UTF-8 file is valid around its broken bytes. So the file counts as UTF-8 when its valid
/// non-ASCII characters outnumber its broken sequences eight to one, or when its clean
/// runs ([`CLEAN_RUN`]) hold twice as many characters as it has broken sequences (a burst
/// of random bytes breaks many sequences in one place). Decoding it as GB18030 instead
/// would garble every character of the document for the sake of a few bytes.
fn is_damaged_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut clean, mut broken) = (0usize, 0usize, 0usize);
    let mut looked_further = false;
    for chunk in bytes.utf8_chunks() {
        let characters = non_ascii_characters(chunk.valid());
        valid += characters;
        if characters >= CLEAN_RUN {
            clean += characters;
        }
        if !chunk.invalid().is_empty() {
            broken += 1;
            // GBK shows itself within its first Chinese characters: stop reading it as
            // UTF-8 there (checking all of it would cost as much as decoding it), unless
            // further on the text is clean UTF-8 (the damage was at its start).
            if broken >= GBK_AFTER && valid < broken && !looked_further {
                let further = [bytes.len() / 2, bytes.len() / 4 * 3];
                if !further.iter().any(|&at| has_clean_run(&bytes[at..])) {
                    return false;
                }
                looked_further = true;
            }
        }
    }
    valid >= 8 * broken || clean >= 2 * broken
}

/// Whether `bytes` open with a clean run of UTF-8: looked for in their first [`PROBE`]
/// bytes, until [`PROBE_BROKEN`] broken sequences.
fn has_clean_run(bytes: &[u8]) -> bool {
    let mut broken = 0;
    for chunk in bytes[..bytes.len().min(PROBE)].utf8_chunks() {
        if non_ascii_characters(chunk.valid()) >= CLEAN_RUN {
            return true;
        }
        if !chunk.invalid().is_empty() {
            broken += 1;
            if broken >= PROBE_BROKEN {
                return false;
            }
        }
    }
    false
}

/// Characters beyond ASCII in valid UTF-8: a character's first byte is 0xC0 or above,
/// its other bytes are below.
fn non_ascii_characters(valid: &str) -> usize {
    valid.bytes().filter(|b| *b >= 0xC0).count()
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
    fn utf8_with_a_burst_of_random_bytes_stays_utf8() {
        // 300 random bytes break more sequences than one in eight of the characters, at
        // the start or in the middle; the clean runs around them say UTF-8.
        let text = "项目名称：困难群众救助，资金总额一百万元。\n".repeat(40);
        let mut state = 7u32;
        let burst: Vec<u8> = (0..300)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect();
        for at in [0, text.len() / 2] {
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let bytes = [&text.as_bytes()[..at], &burst, &text.as_bytes()[at..]].concat();
            let broken = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            let characters = text.chars().count();
            assert!(characters < 8 * broken, "{broken} broken sequences only");
            let decoded = decode(&bytes);
            assert_eq!(decoded.encoding, "UTF-8", "burst at {at}");
            assert!(decoded.text.starts_with(&text[..at]), "burst at {at}");
            assert!(decoded.text.ends_with(&text[at..]), "burst at {at}");
        }
        // The same in GBK is GBK.
        let (gbk, _, _) = GB18030.encode(&text);
        assert_eq!(decode(&[&burst[..], &gbk].concat()).encoding, "GB18030");
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
