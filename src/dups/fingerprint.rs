//! Normalised text and fingerprints: two indicator rows are "the same" when their level-3
//! name, description and target are equal after NFKC, with white space and punctuation
//! folded away.

use crate::extract::vocab::normalize_into;

/// Punctuation folded away before comparing (after NFKC; `%`, `≥`, `.`, `-` stay: they
/// change what a target means).
fn folded_away(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '？'
                | '！'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '（'
                | '）'
                | '《'
                | '》'
                | '【'
                | '】'
                | '…'
                | '—'
                | '·'
                | ','
                | ';'
                | ':'
                | '?'
                | '!'
                | '"'
                | '\''
                | '('
                | ')'
                | '['
                | ']'
        )
}

/// Text folded for comparison.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Text folded for comparison into `out` (cleared first), so a loop reuses one buffer.
pub fn fold_into(text: &str, out: &mut String) {
    normalize_into(text, out, |c| !folded_away(c));
}

/// The fingerprint of an indicator row.
pub fn row_fingerprint(
    level3: Option<&str>,
    description: Option<&str>,
    value: Option<&str>,
) -> u64 {
    let mut hasher = blake3::Hasher::new();
    let mut folded = String::new();
    for part in [level3, description, value] {
        fold_into(part.unwrap_or(""), &mut folded);
        hasher.update(folded.as_bytes());
        hasher.update(&[0x1f]);
    }
    u64::from_le_bytes(
        hasher.finalize().as_bytes()[..8]
            .try_into()
            .expect("8 bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_width_and_punctuation_are_folded() {
        let a = row_fingerprint(
            Some("支付公用经费人数"),
            Some("支付公用经费人数。"),
            Some("59人"),
        );
        let b = row_fingerprint(
            Some(" 支付公用经费人数"),
            Some("支付公用经费人数"),
            Some("５９人"),
        );
        assert_eq!(a, b);
        let other_target = row_fingerprint(
            Some("支付公用经费人数"),
            Some("支付公用经费人数"),
            Some("≥59人"),
        );
        assert_ne!(a, other_target, "operators are meaning, not punctuation");
    }
}
