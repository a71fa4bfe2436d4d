//! Chinese numerals (一 … 九十九), used by the DOCX reader to render list numbers and by
//! the extractor to read outline numbers.

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Value of a Chinese numeral from 一 to 九十九 (and 百 for 100).
pub fn parse_chinese(text: &str) -> Option<u32> {
    let digit = |c: char| DIGITS.iter().position(|d| *d == c).map(|p| p as u32);
    if text == "百" || text == "一百" {
        return Some(100);
    }
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Value of a number written digit by digit, in Arabic or Chinese digits, as years are
/// (`2021`, `二〇二一`, `二零二一`).
pub fn parse_digits(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    text.chars().try_fold(0u32, |value, c| {
        let digit = match c {
            '〇' | '○' => 0,
            _ => c
                .to_digit(10)
                .or_else(|| DIGITS.iter().position(|d| *d == c).map(|p| p as u32))?,
        };
        value.checked_mul(10)?.checked_add(digit)
    })
}

/// The Chinese numeral for 1..=99; other numbers in Arabic digits.
pub fn to_chinese(n: u32) -> String {
    let digit = |d: u32| DIGITS[d as usize].to_string();
    match n {
        1..=9 => digit(n),
        10 => "十".into(),
        11..=19 => format!("十{}", digit(n % 10)),
        20..=99 if n.is_multiple_of(10) => format!("{}十", digit(n / 10)),
        20..=99 => format!("{}十{}", digit(n / 10), digit(n % 10)),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_read_digit_by_digit_in_either_script() {
        assert_eq!(parse_digits("2021"), Some(2021));
        assert_eq!(parse_digits("二〇二一"), Some(2021));
        assert_eq!(parse_digits("二零一九"), Some(2019));
        assert_eq!(parse_digits("二○二五"), Some(2025));
        assert_eq!(parse_digits("二十一"), None);
        assert_eq!(parse_digits(""), None);
    }

    #[test]
    fn round_trip() {
        for n in 1..=99 {
            assert_eq!(parse_chinese(&to_chinese(n)), Some(n), "{n}");
        }
        assert_eq!(to_chinese(20), "二十");
        assert_eq!(parse_chinese("甲"), None);
    }
}
