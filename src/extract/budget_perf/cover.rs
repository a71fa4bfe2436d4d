//! The cover page: department, title and year, who compiled and who reviewed it.

use super::super::records::Document;
use super::super::vocab::{normalize, Vocab};
use crate::numerals::parse_digits;
use crate::read::Paragraph;

/// What the cover says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cover {
    /// Title line.
    pub title: Option<String>,
    /// Year from the title, if it states one.
    pub year: Option<i32>,
    /// Department line.
    pub department: Option<String>,
    /// Compiled-by line without its suffix.
    pub compiled_by: Option<String>,
    /// Reviewed-by line without its suffix.
    pub reviewed_by: Option<String>,
    /// Region from the reviewer.
    pub region: Option<String>,
}

impl Cover {
    /// Copies the cover into a `documents` row.
    pub fn fill(self, document: &mut Document) {
        document.title = self.title;
        document.year = self.year;
        document.department = self.department;
        document.compiled_by = self.compiled_by;
        document.reviewed_by = self.reviewed_by;
        document.region = self.region;
    }
}

/// Reads the cover from the paragraphs before the table of contents.
pub fn read<'p>(paragraphs: impl Iterator<Item = &'p Paragraph>, vocab: &Vocab) -> Cover {
    let mut cover = Cover::default();
    for p in paragraphs {
        let text = p.text.trim();
        let normalized = normalize(text);
        if cover.title.is_none() {
            if let Some(caps) = vocab.cover.title.captures(&normalized) {
                cover.title = Some(text.to_string());
                cover.year = caps
                    .name("year")
                    .and_then(|y| parse_digits(y.as_str()))
                    .and_then(|y| i32::try_from(y).ok());
                continue;
            }
        }
        if cover.compiled_by.is_none() {
            if let Some(who) = strip_suffix(text, &vocab.cover.compiled_by_suffixes) {
                cover.compiled_by = Some(who);
                continue;
            }
        }
        if cover.reviewed_by.is_none() {
            if let Some(who) = strip_suffix(text, &vocab.cover.reviewed_by_suffixes) {
                cover.region = vocab
                    .cover
                    .region
                    .captures(&who)
                    .map(|caps| caps["region"].to_string());
                cover.reviewed_by = Some(who);
                continue;
            }
        }
        if cover.department.is_none() {
            // The first line that is none of the others.
            cover.department = Some(text.to_string());
        }
    }
    cover
}

fn strip_suffix(text: &str, suffixes: &[String]) -> Option<String> {
    suffixes
        .iter()
        .find_map(|s| text.strip_suffix(s.as_str()))
        .map(|who| who.trim().to_string())
        .filter(|who| !who.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Loc;

    fn cover_of(lines: &[&str]) -> Cover {
        let paragraphs: Vec<Paragraph> = lines
            .iter()
            .map(|text| Paragraph {
                text: text.to_string(),
                fields: Vec::new(),
                loc: Loc::default(),
            })
            .collect();
        read(paragraphs.iter(), &Vocab::builtin())
    }

    #[test]
    fn the_year_is_read_from_the_title_in_either_script() {
        for (title, year) in [
            ("2021年部门预算绩效文本", Some(2021)),
            ("２０２２年度部门预算绩效目标", Some(2022)),
            ("二〇二三年度部门预算绩效文本", Some(2023)),
            ("二零一九年部门预算绩效目标", Some(2019)),
            ("山海关区2021年部门预算绩效文本", Some(2021)),
            ("部门预算绩效目标", None),
        ] {
            let cover = cover_of(&["财政局部门", title, "财政局编制"]);
            assert_eq!(cover.title.as_deref(), Some(title), "{title}");
            assert_eq!(cover.year, year, "{title}");
            assert_eq!(cover.department.as_deref(), Some("财政局部门"), "{title}");
        }
    }
}
