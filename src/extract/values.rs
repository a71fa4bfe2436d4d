//! Values printed in cells: indicator targets and amounts.
//! Everything here works on one string and the vocabulary; nothing knows about tables.

use super::vocab::{normalize, ValueVocab};
use crate::record::Money;

/// An indicator target, parsed. The printed text is kept separately, verbatim.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Target {
    /// `>=`, `<=`, `>`, `<`, `=`, `range`, or none when nothing is printed.
    pub op: Option<&'static str>,
    /// The number (lower bound of a range).
    pub num: Option<f64>,
    /// Upper bound of a range.
    pub num_max: Option<f64>,
    /// Unit after the number.
    pub unit: Option<String>,
    /// `numeric`, `boolean` or `text`.
    pub kind: &'static str,
}

/// A leading number (`12,345.67`: digits and thousands commas, then an optional decimal
/// part) and what follows it. Hand-written because it runs on every target and amount
/// cell, where a capturing regex costs more than the rest of the parse.
fn split_number(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    if !bytes.first()?.is_ascii_digit() {
        return None;
    }
    let mut end = 1;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b',') {
        end += 1;
    }
    if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
        end += 2;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    Some(text.split_at(end))
}

/// Parses an indicator target such as `≥95%`, `59人`, `90%-100%`, `是/否`, `按计划实施`.
pub fn parse_target(raw: &str, vocab: &ValueVocab) -> Target {
    let text = normalize(raw);
    if vocab.boolean.contains(&text) {
        return Target {
            kind: "boolean",
            ..Target::default()
        };
    }
    let (prefix_op, rest) = strip_operator(&text, vocab);
    if let Some(range) = parse_range(rest, vocab) {
        return range;
    }
    let Some((digits, tail)) = split_number(rest) else {
        return text_target();
    };
    let Some(num) = parse_number(digits) else {
        return text_target();
    };
    let mut tail = tail.to_string();
    let mut op = prefix_op;
    if let Some((suffix_op, word)) = vocab
        .suffix_operators
        .iter()
        .find(|(_, w)| tail.ends_with(w.as_str()))
    {
        tail.truncate(tail.len() - word.len());
        op = op.or(operator_name(suffix_op));
    }
    Target {
        op,
        num: Some(num),
        num_max: None,
        unit: unit_of(&tail),
        kind: "numeric",
    }
}

fn text_target() -> Target {
    Target {
        kind: "text",
        ..Target::default()
    }
}

fn strip_operator<'t>(text: &'t str, vocab: &ValueVocab) -> (Option<&'static str>, &'t str) {
    for (op, word) in &vocab.operators {
        if let Some(rest) = text.strip_prefix(word.as_str()) {
            return (operator_name(op), rest);
        }
    }
    (None, text)
}

fn operator_name(op: &str) -> Option<&'static str> {
    [">=", "<=", ">", "<", "="].into_iter().find(|o| *o == op)
}

fn parse_range(text: &str, vocab: &ValueVocab) -> Option<Target> {
    // Both ends need a number, so a text that does not open with a digit is no range
    // (and is not searched for each separator).
    if !text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    for sep in &vocab.range_separators {
        let Some((low, high)) = split_once(text, sep) else {
            continue;
        };
        let (low_digits, low_tail) = split_number(low)?;
        let (high_digits, high_tail) = split_number(high)?;
        let low_unit = unit_of(low_tail);
        let high_unit = unit_of(high_tail);
        if low_unit.is_some() && high_unit.is_some() && low_unit != high_unit {
            return None;
        }
        return Some(Target {
            op: Some("range"),
            num: parse_number(low_digits),
            num_max: parse_number(high_digits),
            unit: high_unit.or(low_unit),
            kind: "numeric",
        });
    }
    None
}

/// `text.split_once(separator)`, through the faster char search for a one-character
/// separator.
fn split_once<'t>(text: &'t str, separator: &str) -> Option<(&'t str, &'t str)> {
    let mut chars = separator.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => text.split_once(c),
        _ => text.split_once(separator),
    }
}

fn parse_number(digits: &str) -> Option<f64> {
    digits.replace(',', "").parse().ok()
}

/// The unit: what follows the number up to a bracketed remark (`100%（1.0）` → `%`).
fn unit_of(tail: &str) -> Option<String> {
    let unit = tail.split(['(', '[']).next().unwrap_or("").trim();
    (!unit.is_empty()).then(|| unit.to_string())
}

/// Why an amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Not a number.
    NotANumber,
    /// More decimals than a fen can hold after conversion; the value was rounded.
    Rounded(Money),
}

/// Parses an amount printed in a unit worth `yuan_per_unit` yuan, exactly.
pub fn parse_amount(raw: &str, yuan_per_unit: i128) -> Result<Money, AmountError> {
    let text = normalize(raw).replace(',', "");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let valid = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int_part.is_empty() || !valid(int_part) || !valid(frac_part) || frac_part.len() > 18 {
        return Err(AmountError::NotANumber);
    }
    let scale = 10i128.pow(frac_part.len() as u32);
    let mantissa: i128 = format!("{int_part}{frac_part}")
        .parse()
        .map_err(|_| AmountError::NotANumber)?;
    let numerator = mantissa * yuan_per_unit * 100;
    let fen = numerator / scale;
    let remainder = numerator % scale;
    let sign = if negative { -1 } else { 1 };
    if remainder == 0 {
        Ok(Money { fen: sign * fen })
    } else {
        let rounded = if remainder * 2 >= scale { fen + 1 } else { fen };
        Err(AmountError::Rounded(Money {
            fen: sign * rounded,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::vocab::Vocab;

    #[test]
    fn a_leading_number_is_split_from_its_tail() {
        assert_eq!(split_number("12,345.67万元"), Some(("12,345.67", "万元")));
        assert_eq!(split_number("95%以上"), Some(("95", "%以上")));
        assert_eq!(split_number("5."), Some(("5", ".")));
        assert_eq!(split_number("1.2.3"), Some(("1.2", ".3")));
        assert_eq!(split_number(".5"), None);
        assert_eq!(split_number("约5人"), None);
        assert_eq!(split_number(""), None);
    }

    fn target(raw: &str) -> Target {
        parse_target(raw, &Vocab::builtin().values)
    }

    fn numeric(op: Option<&'static str>, num: f64, max: Option<f64>, unit: Option<&str>) -> Target {
        Target {
            op,
            num: Some(num),
            num_max: max,
            unit: unit.map(str::to_string),
            kind: "numeric",
        }
    }

    #[test]
    fn targets_seen_in_the_field() {
        assert_eq!(target("≥95%"), numeric(Some(">="), 95.0, None, Some("%")));
        assert_eq!(target("＞90％"), numeric(Some(">"), 90.0, None, Some("%")));
        assert_eq!(target(">92%"), numeric(Some(">"), 92.0, None, Some("%")));
        assert_eq!(target("=100%"), numeric(Some("="), 100.0, None, Some("%")));
        assert_eq!(target("≤10次"), numeric(Some("<="), 10.0, None, Some("次")));
        assert_eq!(target("59人"), numeric(None, 59.0, None, Some("人")));
        assert_eq!(
            target("13969.56标箱"),
            numeric(None, 13969.56, None, Some("标箱"))
        );
        assert_eq!(target("1"), numeric(None, 1.0, None, None));
        assert_eq!(target("100%（1.0）"), numeric(None, 100.0, None, Some("%")));
        assert_eq!(
            target("不低于95%"),
            numeric(Some(">="), 95.0, None, Some("%"))
        );
        assert_eq!(
            target("不超过 10 天"),
            numeric(Some("<="), 10.0, None, Some("天"))
        );
        assert_eq!(
            target("95%以上"),
            numeric(Some(">="), 95.0, None, Some("%"))
        );
        assert_eq!(target("≧95％"), numeric(Some(">="), 95.0, None, Some("%")));
    }

    #[test]
    fn ranges() {
        for raw in ["90%-100%", "90%~100%", "90%至100%", "90～100%"] {
            assert_eq!(
                target(raw),
                numeric(Some("range"), 90.0, Some(100.0), Some("%")),
                "{raw}"
            );
        }
    }

    #[test]
    fn booleans_and_text() {
        assert_eq!(target("是/否").kind, "boolean");
        assert_eq!(target("是").kind, "boolean");
        for raw in ["按要求支出", "进一步推动", "XX", "**人", "≥**%"] {
            let t = target(raw);
            assert_eq!((t.kind, t.num, t.op), ("text", None, None), "{raw}");
        }
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(parse_amount("200000.00", 1), Ok(Money { fen: 20_000_000 }));
        assert_eq!(parse_amount("1.2345", 10_000), Ok(Money { fen: 1_234_500 }));
        assert_eq!(parse_amount("1,234.5", 1), Ok(Money { fen: 123_450 }));
        assert_eq!(parse_amount("0", 1), Ok(Money { fen: 0 }));
        assert_eq!(
            parse_amount("0.001", 1),
            Err(AmountError::Rounded(Money { fen: 0 }))
        );
        assert_eq!(parse_amount("十万", 1), Err(AmountError::NotANumber));
    }
}
