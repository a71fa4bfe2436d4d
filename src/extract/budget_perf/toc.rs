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
    /// Its number and normalised title: an entry listed twice is one project (two
    /// projects of the same name have different numbers).
    key: (String, String),
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
    // Normalised once: every entry is compared with every heading.
    let headings: Vec<NormalizedHeading> = headings
        .iter()
        .map(|heading| NormalizedHeading {
            text: normalize(&heading.text),
            number: heading.number.as_deref().map(normalize),
            heading,
        })
        .collect();
    for p in paragraphs {
        let raw = p.text.trim();
        let normalized = normalize(raw);
        if vocab.part_heading.is_match(&normalized) {
            part = Some(raw.to_string());
            expected_arabic = 1;
            continue;
        }
        let entry = match match_heading(&normalized, &headings, expected_arabic) {
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
            // Numbers as printed, full-width digits (`１１`) too, compared normalised.
            let number = normalize(number);
            // The next arabic number follows this one (an entry listed twice repeats it).
            if let Ok(arabic) = number.parse::<u32>() {
                expected_arabic = arabic.saturating_add(1);
            }
            // A Word TOC field can list a heading twice (from its style and its TC field).
            let heading = format!("{number}.{}", entry.title);
            let key = (number, normalize(&entry.title));
            if vocab.projects.heading.is_match(&heading) && listed.iter().all(|p| p.key != key) {
                listed.push(ListedProject {
                    key,
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

/// The heading an entry names, and the entry's page. Text exports glue the page number
/// in front (`61.纪委…`); Word's TOC field prints it after a tab or dot leaders
/// (`1.纪委…⇥6`, `1.纪委……6`). Where several headings fit (projects 1 and 11 of the same
/// name both fit `1511.…`), the one numbered as the next entry is taken, and failing that
/// the longest, which leaves the fewest digits to the page.
fn match_heading<'h>(
    entry: &str,
    headings: &[NormalizedHeading<'h>],
    expected_arabic: u32,
) -> Option<(Option<i32>, &'h Heading)> {
    let expected = expected_arabic.to_string();
    headings
        .iter()
        .filter_map(|candidate| {
            let text = candidate.text.as_str();
            let digits = entry.strip_suffix(text).or_else(|| {
                let after = entry.strip_prefix(text)?;
                Some(after.trim_start_matches(LEADERS))
            })?;
            if !digits.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            Some((digits.parse().ok(), candidate))
        })
        .max_by_key(|(_, candidate)| {
            let number = candidate.number.as_deref();
            (number == Some(expected.as_str()), candidate.text.len())
        })
        .filter(|(_, candidate)| !names_a_missing_namesake(entry, candidate, &expected))
        .map(|(page, candidate)| (page, candidate.heading))
}

/// A heading of the body with its text and number normalised, as entries are.
struct NormalizedHeading<'h> {
    text: String,
    number: Option<String>,
    heading: &'h Heading,
}

/// Whether `entry`, matched to `candidate` of another number than the expected one, reads
/// as well as the expected entry with the same title: `1311.巡察…` (page 13, entry 11)
/// after entry 10, where the body has no project 11 (it was cut off) but a project 1 of
/// the same name, which `1311.` would put on page 131 (or, printed without a page,
/// `11.巡察…`, which would put it on page 1).
fn names_a_missing_namesake(entry: &str, candidate: &NormalizedHeading, expected: &str) -> bool {
    let number = candidate.number.as_deref();
    let Some(number) = number.filter(|n| *n != expected) else {
        return false;
    };
    let Some(after_number) = candidate.text.strip_prefix(number) else {
        return false;
    };
    entry
        .strip_suffix(format!("{expected}{after_number}").as_str())
        .is_some_and(|page| page.chars().all(|c| c.is_ascii_digit()))
}

/// What may stand between an entry and its page number.
const LEADERS: [char; 7] = ['\t', ' ', '…', '.', '．', '·', '-'];

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
        // The expected number with a page glued in front, or alone (printed without one).
        Some(page) if rest.starts_with(['.', '．', '、']) => {
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
    let entry = text.trim_end_matches(LEADERS);
    (entry.len() < text.len() && !entry.is_empty()).then_some((entry, page))
}

#[cfg(test)]
mod tests {
    use super::page_after;
    use crate::batch::process_bytes;
    use crate::extract::records::Extraction;
    use crate::extract::vocab::normalize;
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
    fn projects_of_the_same_name_are_told_apart_by_their_entry_numbers() {
        // Projects 1 and 11 share a name: entry 11 on page 15 prints as `1511.…`, which
        // also ends with project 1's heading (as page 151); printed without pages, `11.…`
        // ends with it too. So with the body's numbers in full-width digits (`１１．`).
        let digits = |n: u32, full_width: bool| -> String {
            let ascii = n.to_string();
            match full_width {
                false => ascii,
                true => ascii
                    .chars()
                    .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                    .collect(),
            }
        };
        for (pages, full_width) in [(true, false), (false, false), (true, true)] {
            let mut doc = String::from("2021年部门预算绩效文本\n目录\n第二部分 预算项目绩效目标\n");
            for n in 1..=11 {
                let page = if pages {
                    (n + 4).to_string()
                } else {
                    String::new()
                };
                doc += &format!("{page}{n}.车辆保险费绩效目标表\n");
            }
            doc += "第二部分 预算项目绩效目标\n";
            for n in 1..=11 {
                let (number, dot) = (digits(n, full_width), if full_width { "．" } else { "." });
                doc += &format!(
                    "{number}{dot}车辆保险费绩效目标表 TC {n}、车辆保险费绩效目标表 \\f C \\l 1 \n"
                );
                doc += "\t项目名称\n\t车辆保险费\n\n";
            }
            let entries = |out: &Extraction| -> Vec<(Option<String>, Option<i32>)> {
                out.toc_entries
                    .iter()
                    .map(|e| (e.number.as_deref().map(normalize), e.page))
                    .collect()
            };
            let expected: Vec<(Option<String>, Option<i32>)> = (1..=11)
                .map(|n| (Some(n.to_string()), pages.then_some(n + 4)))
                .collect();
            let case = format!("pages {pages}, full-width {full_width}");
            let out = process_bytes("t".into(), doc.as_bytes(), &Vocab::builtin());
            assert_eq!(entries(&out), expected, "{case}");

            // Cut off before project 11: its entry is not project 1 listed again.
            let last = digits(11, full_width);
            let cut = &doc[..doc.rfind(&format!("\n{last}")).unwrap() + 1];
            let out = process_bytes("t".into(), cut.as_bytes(), &Vocab::builtin());
            assert_eq!(entries(&out), expected, "{case}, cut");
        }
    }

    #[test]
    fn an_entry_with_its_page_after_leaders_finds_its_heading() {
        let doc = "2021年部门预算绩效文本\n目录\n一、总体绩效目标……1\n第一部分\n\
                   一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1\n正文。\n";
        let out = process_bytes("t".into(), doc.as_bytes(), &Vocab::builtin());
        let entry = &out.toc_entries[0];
        assert_eq!(
            (
                entry.number.as_deref(),
                entry.page,
                entry.toc_list.as_deref(),
                entry.level
            ),
            (Some("一"), Some(1), Some("A"), Some(1))
        );
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
