//! The table of contents. Its entries have the page number glued in front of the entry
//! number (`61.纪委…` = page 6, entry 1); they are split by finding the body heading each
//! entry names, and failing that by the entry sequence.

use super::super::records::{Extraction, TocEntry};
use super::super::vocab::{normalize, Vocab};
use super::{split_number, Heading};
use crate::diag::{Diagnostic, Severity};
use crate::read::Paragraph;
use crate::record::SharedStr;

/// The projects the table of contents lists, once each: its entries that read
/// as a project table's heading (`1.纪委…绩效目标表`) once their page number is split off.
pub(super) type ListedProjects = Vec<ListedProject>;

/// A project the table of contents lists.
pub(super) struct ListedProject {
    /// Its title, normalised: a title listed twice is one project.
    title: String,
    /// The entry as printed.
    pub raw: String,
}

/// Reads the entries between the TOC marker and the body.
pub(super) fn read<'p>(
    paragraphs: impl Iterator<Item = &'p Paragraph>,
    headings: &[Heading],
    vocab: &Vocab,
    doc_id: &SharedStr,
    out: &mut Extraction,
    diagnostics: &mut Vec<Diagnostic>,
) -> ListedProjects {
    let mut part: Option<String> = None;
    let mut expected_arabic = 1u32;
    let mut listed = ListedProjects::new();
    for p in paragraphs {
        let raw = p.text.trim();
        let normalized = normalize(raw);
        if vocab.part_heading.is_match(&normalized) {
            part = Some(raw.to_string());
            expected_arabic = 1;
            continue;
        }
        let entry = match match_heading(&normalized, headings) {
            Some((page, heading)) => Entry {
                page,
                number: heading.number.clone(),
                title: heading.title.clone(),
                toc_list: heading.toc_list.clone(),
                level: heading.level,
            },
            None => split_by_sequence(raw, expected_arabic, vocab, p, diagnostics),
        };
        if let Some(number) = &entry.number {
            // The next arabic number follows this one (an entry listed twice repeats it).
            if let Ok(arabic) = number.parse::<u32>() {
                expected_arabic = arabic.saturating_add(1);
            }
            // A Word TOC field can list a heading twice (from its style and its TC field).
            let heading = format!("{number}.{}", entry.title);
            let title = normalize(&entry.title);
            if vocab.projects.heading.is_match(&heading) && listed.iter().all(|p| p.title != title)
            {
                listed.push(ListedProject {
                    title,
                    raw: raw.to_string(),
                });
            }
        }
        out.toc_entries.push(TocEntry {
            doc_id: doc_id.clone(),
            seq: out.toc_entries.len() as i32 + 1,
            part: part.clone(),
            level: entry.level.map(|l| l as i32),
            number: entry.number,
            title: entry.title,
            page: entry.page,
            toc_list: entry.toc_list,
            raw: raw.to_string(),
        });
    }
    listed
}

struct Entry {
    page: Option<i32>,
    number: Option<String>,
    title: String,
    toc_list: Option<String>,
    level: Option<u32>,
}

/// The heading an entry names. Text exports glue the page number in front
/// (`61.纪委…`); a Word TOC field renders it after a tab (`1.纪委…⇥6`).
fn match_heading<'h>(entry: &str, headings: &'h [Heading]) -> Option<(Option<i32>, &'h Heading)> {
    headings.iter().find_map(|heading| {
        let text = normalize(&heading.text);
        let digits = entry
            .strip_suffix(text.as_str())
            .or_else(|| entry.strip_prefix(text.as_str()))?;
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some((digits.parse().ok(), heading))
    })
}

/// Without a matching heading: an arabic entry number is taken to be the next in sequence.
fn split_by_sequence(
    raw: &str,
    expected: u32,
    vocab: &Vocab,
    p: &Paragraph,
    diagnostics: &mut Vec<Diagnostic>,
) -> Entry {
    if let Some((text, page)) = page_after(raw) {
        let (number, title) = split_number(text, vocab);
        if number.is_some() {
            return Entry {
                page: Some(page),
                number,
                title,
                toc_list: None,
                level: None,
            };
        }
    }
    let digits: String = raw.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &raw[digits.len()..];
    let (number, title) = split_number(rest, vocab);
    let mut entry = Entry {
        page: None,
        number,
        title,
        toc_list: None,
        level: None,
    };
    if entry.number.is_some() {
        // `一、总体绩效目标` after the digits: the digits are all page.
        entry.page = digits.parse().ok();
        return entry;
    }
    let expected_text = expected.to_string();
    let (_, title) = split_number(&format!("{expected_text}{rest}"), vocab);
    match digits.strip_suffix(expected_text.as_str()) {
        Some(page) if !page.is_empty() && rest.starts_with(['.', '．', '、']) => {
            entry.page = page.parse().ok();
            entry.number = Some(expected_text);
            entry.title = title;
        }
        _ => diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "toc_entry_unresolved",
            format!("table-of-contents entry `{raw}` names no heading of the body; its page number could not be split off"),
            p.loc,
        )),
    }
    entry
}

/// An entry with its page number after it, past a tab or dot leaders, as Word's TOC field
/// prints it (`1.纪委…绩效目标表⇥6`, `总体绩效目标……1`): the entry and the page.
fn page_after(raw: &str) -> Option<(&str, i32)> {
    let raw = raw.trim_end();
    let text = raw.trim_end_matches(|c: char| c.is_ascii_digit());
    let page = raw[text.len()..].parse().ok()?;
    let entry = text.trim_end_matches(['\t', ' ', '…', '.', '．', '·', '-']);
    (entry.len() < text.len() && !entry.is_empty()).then_some((entry, page))
}

#[cfg(test)]
mod tests {
    use super::page_after;
    use crate::batch::process_bytes;
    use crate::extract::vocab::Vocab;

    #[test]
    fn a_page_after_a_tab_or_leaders_is_split_off() {
        assert_eq!(
            page_after("1.车辆保险费绩效目标表\t9"),
            Some(("1.车辆保险费绩效目标表", 9))
        );
        assert_eq!(
            page_after("一、总体绩效目标……1 "),
            Some(("一、总体绩效目标", 1))
        );
        // Glued in front, or part of the text: no page after.
        assert_eq!(page_after("94.车辆保险费绩效目标表"), None);
        assert_eq!(page_after("专项经费2"), None);
        assert_eq!(page_after("\t12"), None);
    }

    #[test]
    fn page_before_or_after_the_entry() {
        let doc = "2021年部门预算绩效文本\n目录\n1一、总体绩效目标\n工作保障措施\t3\n第一部分\n\
                   一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1\n正文。\n工作保障措施 TC 工作保障措施 \\f A \\l 1\n";
        let out = process_bytes("t".into(), doc.as_bytes(), &Vocab::builtin());
        let entries: Vec<(Option<&str>, &str, Option<i32>)> = out
            .toc_entries
            .iter()
            .map(|e| (e.number.as_deref(), e.title.as_str(), e.page))
            .collect();
        assert_eq!(
            entries,
            [
                (Some("一"), "总体绩效目标", Some(1)),
                (None, "工作保障措施", Some(3))
            ]
        );
    }
}
