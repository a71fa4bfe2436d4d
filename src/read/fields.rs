//! Word field instructions (`TC "总体绩效目标" \f A \l 1`, `PAGEREF _Toc1 \h`, ...),
//! parsed the same way whether they come from a text export or from DOCX
//! `w:instrText` / `w:fldSimple`.

/// A Word field found in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A table-of-contents entry field: `TC text \f list \l level`.
    Tc {
        /// Entry text.
        text: String,
        /// TOC list identifier (`\f`), e.g. `A`.
        list: Option<String>,
        /// Entry level (`\l`).
        level: Option<u32>,
    },
    /// Any other field, kept with its instruction.
    Other {
        /// Field type (`PAGEREF`, `TOC`, ...).
        kind: String,
        /// The whole instruction.
        instruction: String,
    },
}

/// Parses a field instruction.
pub fn parse_instruction(instruction: &str) -> Field {
    let tokens = tokenize(instruction);
    let Some((kind, args)) = tokens.split_first() else {
        return Field::Other {
            kind: String::new(),
            instruction: instruction.trim().to_string(),
        };
    };
    if !kind.eq_ignore_ascii_case("TC") {
        return Field::Other {
            kind: kind.to_ascii_uppercase(),
            instruction: instruction.trim().to_string(),
        };
    }
    let mut text_parts = Vec::new();
    let mut list = None;
    let mut level = None;
    let mut iter = args.iter();
    while let Some(token) = iter.next() {
        match token.as_str() {
            "\\f" => list = iter.next().cloned(),
            "\\l" => level = iter.next().and_then(|v| v.parse().ok()),
            "\\n" => {}
            switch if switch.starts_with('\\') && switch.len() == 2 => {
                iter.next();
            }
            word => text_parts.push(word.to_string()),
        }
    }
    Field::Tc {
        text: text_parts.join(" "),
        list,
        level,
    }
}

/// Splits an instruction into words, keeping quoted strings whole (without the quotes).
fn tokenize(instruction: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in instruction.chars() {
        match c {
            '"' | '“' | '”' => {
                if quoted {
                    tokens.push(std::mem::take(&mut current));
                }
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Splits a text-export line into its visible text and the inline field instruction
/// that Word's export leaves after it (`一、总体绩效目标 TC 总体绩效目标 \f A \l 1`).
pub fn split_inline_tc(line: &str) -> (&str, Option<Field>) {
    let Some(start) = find_inline_tc(line) else {
        return (line, None);
    };
    let field = parse_instruction(&line[start..]);
    (line[..start].trim_end(), Some(field))
}

/// Byte offset of an inline ` TC ` instruction that has at least one switch after it.
fn find_inline_tc(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = line[from..].find("TC ") {
        let at = from + pos;
        let preceded_by_space = at == 0 || line[..at].ends_with(char::is_whitespace);
        if preceded_by_space && line[at..].contains('\\') {
            return Some(at);
        }
        from = at + 3;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tc_field_with_switches() {
        let f = parse_instruction(r#" TC "1、纪委、监委专项办案费绩效目标表" \f C \l 1 "#);
        assert_eq!(
            f,
            Field::Tc {
                text: "1、纪委、监委专项办案费绩效目标表".into(),
                list: Some("C".into()),
                level: Some(1)
            }
        );
    }

    #[test]
    fn inline_tc_is_split_from_visible_text() {
        let (visible, field) = split_inline_tc(r"一、总体绩效目标 TC 总体绩效目标 \f A \l 1 ");
        assert_eq!(visible, "一、总体绩效目标");
        let Some(Field::Tc { text, list, level }) = field else {
            panic!("no TC field")
        };
        assert_eq!(
            (text.as_str(), list.as_deref(), level),
            ("总体绩效目标", Some("A"), Some(1))
        );
    }

    #[test]
    fn text_mentioning_tc_without_switches_is_left_alone() {
        assert_eq!(
            split_inline_tc("ETC 通行费 TC 卡"),
            ("ETC 通行费 TC 卡", None)
        );
    }

    #[test]
    fn other_fields_keep_their_instruction() {
        assert_eq!(
            parse_instruction(" PAGEREF _Toc123 \\h "),
            Field::Other {
                kind: "PAGEREF".into(),
                instruction: "PAGEREF _Toc123 \\h".into()
            }
        );
    }
}
