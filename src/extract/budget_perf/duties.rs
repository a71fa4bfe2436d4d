//! 分项绩效目标: the department's duties. Each opens with a numbered name (`一、…`) and
//! has paragraphs opening with 主要职责是, 职责目标是, 绩效目标是 and 绩效指标 — the last
//! one listing named indicators: `绩效指标一是X，绩效标准为Y；二是…`.

use super::super::records::{Duty, DutyIndicator, Extraction};
use super::super::vocab::Vocab;
use super::strip_label;
use crate::diag::{Diagnostic, Severity};
use crate::numerals::to_chinese;
use crate::read::Paragraph;
use crate::record::SharedStr;

/// State of the duties section.
#[derive(Debug, Default)]
pub(super) struct DutiesParser {
    /// Index of the current duty in `out.duties`.
    current: Option<usize>,
}

impl DutiesParser {
    pub(super) fn paragraph(
        &mut self,
        p: &Paragraph,
        vocab: &Vocab,
        doc_id: &SharedStr,
        out: &mut Extraction,
        diags: &mut Vec<Diagnostic>,
    ) {
        let text = p.text.trim();
        if let Some((_, name)) = vocab.numbering.chinese.split(text) {
            out.duties.push(Duty {
                doc_id: doc_id.clone(),
                seq: out.duties.len() as i32 + 1,
                name: name.to_string(),
                ..Duty::default()
            });
            self.current = Some(out.duties.len() - 1);
            return;
        }
        let Some(index) = self.current else {
            return;
        };
        let words = &vocab.duties;
        let duty = &mut out.duties[index];
        if let Some(rest) = strip_label(text, &words.main_duty) {
            duty.main_duty = Some(rest.to_string());
        } else if let Some(rest) = strip_label(text, &words.duty_goal) {
            duty.duty_goal = Some(rest.to_string());
        } else if let Some(rest) = strip_label(text, &words.performance_goal) {
            duty.performance_goal = Some(rest.to_string());
        } else if let Some(rest) = strip_label(text, &words.indicators) {
            let duty_seq = duty.seq;
            let items = split_indicators(rest);
            if items.is_empty() {
                diags.push(Diagnostic::new(
                    Severity::Warning,
                    "duty_indicators_unparsed",
                    format!("indicator paragraph of duty {duty_seq} lists no `一是…` items"),
                    p.loc,
                ));
            }
            for (i, item) in items.into_iter().enumerate() {
                let (name, standard) = split_standard(item, &words.standard_separators);
                out.duty_indicators.push(DutyIndicator {
                    doc_id: doc_id.clone(),
                    duty_seq,
                    seq: i as i32 + 1,
                    name,
                    standard,
                });
            }
        }
    }
}

/// Splits `一是A；二是B；三是C。` into `A`, `B`, `C`. Markers are looked for in sequence
/// (一是, then 二是, …) after a separator, so that a `；` inside a formula does not split.
fn split_indicators(text: &str) -> Vec<&str> {
    let text = text.trim_start_matches(['：', ':', '，', ',']);
    let first = format!("{}是", to_chinese(1));
    let Some(mut start) = text.strip_prefix(first.as_str()).map(|_| first.len()) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut n = 2;
    loop {
        let marker = format!("{}是", to_chinese(n));
        let next = ["；", ";", "，", "。"].iter().find_map(|sep| {
            let needle = format!("{sep}{marker}");
            text[start..]
                .find(&needle)
                .map(|pos| (start + pos, needle.len()))
        });
        match next {
            Some((end, len)) => {
                items.push(clean_item(&text[start..end]));
                start = end + len;
                n += 1;
            }
            None => {
                items.push(clean_item(&text[start..]));
                return items;
            }
        }
    }
}

fn clean_item(item: &str) -> &str {
    item.trim().trim_end_matches(['。', '；', ';']).trim()
}

fn split_standard(item: &str, separators: &[String]) -> (String, Option<String>) {
    for sep in separators {
        // Separators are stored normalised (`,`); the text may use either comma.
        for candidate in [sep.clone(), sep.replace(',', "，")] {
            if let Some((name, standard)) = item.split_once(candidate.as_str()) {
                return (name.trim().to_string(), Some(standard.trim().to_string()));
            }
        }
    }
    (item.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_semicolons_do_not_split_items() {
        let text = "一是提升知晓度，绩效标准为实际参观总人数÷居民总人数×100％；居民熟悉人数÷总数×100％；二是讲解次数，绩效标准为实际讲解次数；三是参观人次，绩效标准为本年参观人次。";
        let items = split_indicators(text);
        assert_eq!(items.len(), 3);
        assert!(items[0].ends_with("居民熟悉人数÷总数×100％"));
        assert_eq!(items[2], "参观人次，绩效标准为本年参观人次");
    }

    #[test]
    fn standard_is_split_from_name() {
        let normalized = [crate::extract::vocab::normalize("，绩效标准为")];
        assert_eq!(
            split_standard("车辆保障率，绩效标准为反映办案车辆保障情况", &normalized),
            (
                "车辆保障率".to_string(),
                Some("反映办案车辆保障情况".to_string())
            )
        );
    }
}
