//! The cover page: department, title and year, who compiled and who reviewed it.

use super::super::records::Document;
use super::super::vocab::{normalize, Vocab};
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
    let mut others = Vec::new();
    for p in paragraphs {
        let text = p.text.trim();
        let normalized = normalize(text);
        if cover.title.is_none() {
            if let Some(caps) = vocab.cover.title.captures(&normalized) {
                cover.title = Some(text.to_string());
                cover.year = caps.name("year").and_then(|y| y.as_str().parse().ok());
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
        others.push(text.to_string());
    }
    cover.department = others.into_iter().next();
    cover
}

fn strip_suffix(text: &str, suffixes: &[String]) -> Option<String> {
    suffixes
        .iter()
        .find_map(|s| text.strip_suffix(s.as_str()))
        .map(|who| who.trim().to_string())
        .filter(|who| !who.is_empty())
}
