//! 工作保障措施: an outline of items (`一、…`) and sub-items (`（一）…`). A sub-item may be
//! a title sentence followed by body text in the same paragraph; unnumbered paragraphs
//! after an item continue its body.

use super::super::records::{Extraction, Safeguard};
use super::super::vocab::Vocab;
use crate::read::Paragraph;
use crate::record::SharedStr;

/// State of the safeguards section.
#[derive(Debug, Default)]
pub(super) struct SafeguardsParser {
    /// seq of the current top-level item.
    parent: Option<i32>,
    /// Index of the last item in `out.safeguards`.
    last: Option<usize>,
}

impl SafeguardsParser {
    pub(super) fn paragraph(
        &mut self,
        p: &Paragraph,
        vocab: &Vocab,
        doc_id: &SharedStr,
        out: &mut Extraction,
    ) {
        let text = p.text.trim();
        let numbering = &vocab.numbering;
        let (level, (number, rest)) = if let Some(split) = numbering.chinese.split(text) {
            (1, split)
        } else if let Some(split) = numbering.chinese_paren.split(text) {
            (2, split)
        } else {
            if let Some(item) = self.last.map(|i| &mut out.safeguards[i]) {
                let body = item.body.get_or_insert_with(String::new);
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(text);
            }
            return;
        };
        let (title, body) = split_title(rest);
        let seq = out.safeguards.len() as i32 + 1;
        out.safeguards.push(Safeguard {
            doc_id: doc_id.clone(),
            seq,
            parent_seq: if level == 2 { self.parent } else { None },
            level,
            number: number.to_string(),
            title,
            body,
        });
        if level == 1 {
            self.parent = Some(seq);
        }
        self.last = Some(out.safeguards.len() - 1);
    }
}

/// The first sentence is the title (without its 。); what follows is the body.
fn split_title(text: &str) -> (String, Option<String>) {
    match text.split_once('。') {
        Some((title, rest)) if !rest.trim().is_empty() => {
            (title.to_string(), Some(rest.trim().to_string()))
        }
        _ => (text.trim_end_matches('。').to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_title;

    #[test]
    fn title_sentence_and_body() {
        assert_eq!(
            split_title("高站位履责，以上率下。区委坚决落实。"),
            ("高站位履责，以上率下".into(), Some("区委坚决落实。".into()))
        );
        assert_eq!(
            split_title("明确重点有的放矢。"),
            ("明确重点有的放矢".into(), None)
        );
    }
}
