//! The 部门预算绩效文本 family: cover, table of contents, part one (overall goal, duties,
//! safeguards) and part two (one performance table per project).
//!
//! The body is walked once. Part and section headings set the context; each narrative
//! paragraph goes to `paragraphs` and to the section's own parser; each table goes to the
//! project whose heading precedes it.

mod cover;
mod duties;
mod project;
mod safeguards;
mod toc;

use super::records::{Extraction, ParagraphRec};
use super::vocab::{
    captures_rare, is_normal_char, may_be_heading, normalize, PartKind, SectionKind, Vocab,
};
use crate::diag::{Diagnostic, Severity};
use crate::read::{Block, Field, Paragraph, Table};
use crate::record::SharedStr;
pub use cover::Cover;
use project::After;
use unicode_normalization::UnicodeNormalization;

/// Lines a cover has at most (department, title, compiler, reviewer, a date or two).
const COVER_LINES: usize = 10;

/// What the walk found, beyond the records.
#[derive(Debug, Default)]
pub struct Found {
    /// The cover page.
    pub cover: Cover,
    /// True when any structure of the family was recognised.
    pub anything_recognised: bool,
    /// True when the document ends inside a project table.
    pub truncated: bool,
    /// Why the document seems cut off between tables or before its body, if it does.
    pub ends_early: Option<String>,
}

/// A heading of the body, kept to resolve table-of-contents entries.
#[derive(Debug, Clone)]
struct Heading {
    /// Printed text without field codes, e.g. `1.纪委、监委专项办案费绩效目标表`.
    text: String,
    /// Number as printed (`一`, `1`).
    number: Option<String>,
    /// Title without the number.
    title: String,
    /// The heading's TC field, if any.
    toc_list: Option<String>,
    level: Option<u32>,
}

/// Extracts the family's records from a document's blocks into `out`.
pub fn extract(
    blocks: &[Block],
    end_seen: bool,
    vocab: &Vocab,
    doc_id: &SharedStr,
    out: &mut Extraction,
    diagnostics: &mut Vec<Diagnostic>,
) -> Found {
    let mut found = Found::default();
    let toc_start = blocks.iter().position(|b| is_toc_marker(b, vocab));
    let found_body = body_start(blocks, toc_start, vocab);
    // With neither a table of contents nor anything of a body, the text is all cover (a
    // file cut off inside its cover) or no budget text at all: the cover is looked for in
    // its first lines, and the body walked from the start in case it holds a project
    // heading.
    let body_start = found_body.unwrap_or(0);
    let (cover_end, cover_lines) = match toc_start.or(found_body) {
        Some(end) => (end, usize::MAX),
        None => (blocks.len(), COVER_LINES),
    };
    found.cover = cover::read(paragraphs(&blocks[..cover_end]).take(cover_lines), vocab);

    let mut walker = BodyWalker::new(vocab, doc_id);
    for block in &blocks[body_start..] {
        walker.block(block, out, diagnostics);
    }
    let headings = std::mem::take(&mut walker.headings);
    let recognised = walker.recognised;
    let end = if end_seen {
        After::EndSeen
    } else {
        After::EndUnverified
    };
    found.truncated = walker.finish(end, out, diagnostics);

    let listed_projects = match toc_start {
        Some(start) => toc::read(
            paragraphs(&blocks[start + 1..body_start]),
            &headings,
            vocab,
            doc_id,
            out,
            diagnostics,
        ),
        None => toc::ListedProjects::new(),
    };
    found.anything_recognised = found.cover.title.is_some()
        || toc_start.is_some()
        || recognised
        || !out.projects.is_empty();
    if found.anything_recognised && !found.truncated {
        found.ends_early = body_ends_early(
            recognised || !out.projects.is_empty(),
            &listed_projects,
            out.projects.len(),
        );
    }
    if found.anything_recognised && found.cover.year.is_none() {
        diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "no_year",
            "the cover states no budget year (as in `2021年部门预算绩效文本`): the year is left empty",
            Default::default(),
        ));
    }
    found
}

/// Why the document seems cut off between tables, if it does: every budget performance
/// text has a body, and the body holds every project its table of contents lists. Only
/// the projects are counted: a section the vocabulary does not know, or an entry worded
/// otherwise than its heading, is no sign of a file cut off.
fn body_ends_early(
    has_body: bool,
    listed_projects: &[toc::ListedProject],
    projects: usize,
) -> Option<String> {
    if !has_body {
        return Some("no part, section or project follows the cover and table of contents: the file seems cut off before its body".to_string());
    }
    let next = &listed_projects.get(projects)?.raw;
    Some(format!(
        "the table of contents lists {} projects but the body holds {projects} (the contents' next one: `{next}`): the file seems cut off",
        listed_projects.len()
    ))
}

fn paragraphs(blocks: &[Block]) -> impl Iterator<Item = &Paragraph> {
    blocks.iter().filter_map(|b| match b {
        Block::Paragraph(p) if !p.text.is_empty() => Some(p),
        _ => None,
    })
}

fn is_toc_marker(block: &Block, vocab: &Vocab) -> bool {
    matches!(block, Block::Paragraph(p) if may_be_heading(&p.text) && vocab.toc_marker.is_match(&normalize(&p.text)))
}

/// Index of the first body block: after the table of contents, or after the cover; the
/// end when the table of contents runs to it, `None` when there is neither.
///
/// The table of contents lists part headings too (`第一部分 部门整体绩效目标`), so the body
/// starts where a part number repeats, or at the first TC field or table.
fn body_start(blocks: &[Block], toc_start: Option<usize>, vocab: &Vocab) -> Option<usize> {
    let from = toc_start.map_or(0, |t| t + 1);
    let mut parts_seen: Vec<String> = Vec::new();
    for (index, block) in blocks.iter().enumerate().skip(from) {
        let paragraph = match block {
            Block::Table(_) => return Some(index),
            Block::Paragraph(p) => p,
        };
        if paragraph
            .fields
            .iter()
            .any(|f| matches!(f, Field::Tc { .. }))
        {
            return Some(index);
        }
        let part = may_be_heading(&paragraph.text)
            .then(|| normalize(&paragraph.text))
            .and_then(|text| {
                captures_rare(&vocab.part_heading, &text).map(|caps| caps["number"].to_string())
            });
        if let Some(number) = part {
            if toc_start.is_none() || parts_seen.contains(&number) {
                return Some(index);
            }
            parts_seen.push(number);
        } else if toc_start.is_none() && is_section_heading(paragraph, vocab).is_some() {
            return Some(index);
        }
    }
    toc_start.map(|_| blocks.len())
}

/// The section a paragraph opens, with its number and title, if it is a section heading.
fn is_section_heading(
    p: &Paragraph,
    vocab: &Vocab,
) -> Option<(SectionKind, Option<String>, String)> {
    let (number, title) = split_number_borrowed(&p.text, vocab);
    let kind = vocab.sections.get(title).or_else(|| {
        p.fields.iter().find_map(|f| match f {
            Field::Tc { text, .. } => vocab.sections.get(split_number_borrowed(text, vocab).1),
            Field::Other { .. } => None,
        })
    })?;
    Some((kind, number.map(str::to_string), title.to_string()))
}

/// Splits an outline number (`一、`, `（一）`, `1.`) from a heading.
fn split_number(text: &str, vocab: &Vocab) -> (Option<String>, String) {
    let (number, title) = split_number_borrowed(text, vocab);
    (number.map(str::to_string), title.to_string())
}

/// [`split_number`] without copies: every paragraph is asked whether it is a heading.
fn split_number_borrowed<'t>(text: &'t str, vocab: &Vocab) -> (Option<&'t str>, &'t str) {
    let n = &vocab.numbering;
    [&n.chinese, &n.chinese_paren, &n.arabic]
        .into_iter()
        .find_map(|style| style.split(text))
        .map_or((None, text.trim()), |(number, title)| (Some(number), title))
}

/// Removes a label (given normalised) from the start of raw text, comparing the raw text
/// in normalised form; returns the raw rest.
pub(crate) fn strip_label<'t>(raw: &'t str, labels: &[String]) -> Option<&'t str> {
    let raw = raw.trim_start();
    for label in labels {
        if let Some(rest) = raw.strip_prefix(label.as_str()) {
            return Some(rest.trim());
        }
        // Text whose opening already is in normalised form cannot match any other way.
        let opening = raw.chars().take(label.chars().count() + 2);
        if opening.clone().all(is_normal_char) {
            continue;
        }
        let mut normalized = String::new();
        for (offset, c) in raw.char_indices() {
            if normalized == *label {
                return Some(raw[offset..].trim());
            }
            if normalized.len() >= label.len() {
                break;
            }
            if !c.is_whitespace() {
                normalized.extend(c.to_string().nfkc());
            }
        }
        if normalized == *label {
            return Some("");
        }
    }
    None
}

struct BodyWalker<'v> {
    vocab: &'v Vocab,
    doc_id: SharedStr,
    part: Option<String>,
    part_kind: Option<PartKind>,
    awaiting_part_name: bool,
    section: Option<String>,
    section_kind: Option<SectionKind>,
    headings: Vec<Heading>,
    duties: duties::DutiesParser,
    safeguards: safeguards::SafeguardsParser,
    project: Option<project::ProjectBuilder<'v>>,
    projects_seen: u32,
    paragraph_seq: i32,
    recognised: bool,
}

impl<'v> BodyWalker<'v> {
    fn new(vocab: &'v Vocab, doc_id: &SharedStr) -> Self {
        BodyWalker {
            vocab,
            doc_id: doc_id.clone(),
            part: None,
            part_kind: None,
            awaiting_part_name: false,
            section: None,
            section_kind: None,
            headings: Vec::new(),
            duties: duties::DutiesParser::default(),
            safeguards: safeguards::SafeguardsParser::default(),
            project: None,
            projects_seen: 0,
            paragraph_seq: 0,
            recognised: false,
        }
    }

    fn block(&mut self, block: &Block, out: &mut Extraction, diags: &mut Vec<Diagnostic>) {
        match block {
            Block::Paragraph(p) if p.text.is_empty() => {}
            Block::Paragraph(p) => self.paragraph(p, out, diags),
            Block::Table(t) => self.table(t, diags),
        }
    }

    fn paragraph(&mut self, p: &Paragraph, out: &mut Extraction, diags: &mut Vec<Diagnostic>) {
        let normalized = if may_be_heading(&p.text) {
            normalize(&p.text)
        } else {
            String::new()
        };
        if let Some(caps) = captures_rare(&self.vocab.part_heading, &normalized) {
            let name = caps["name"].to_string();
            self.awaiting_part_name = name.is_empty();
            self.set_part((!name.is_empty()).then_some(name), out, diags);
            return;
        }
        if self.awaiting_part_name {
            self.awaiting_part_name = false;
            if self.vocab.parts.get_normalized(&normalized).is_some() {
                self.set_part(Some(p.text.clone()), out, diags);
                return;
            }
        }
        if let Some(caps) = captures_rare(&self.vocab.projects.heading, &p.text) {
            if self.part_kind != Some(PartKind::Department) || has_tc(p) {
                self.start_project(p, &caps["number"], &caps["name"], out, diags);
                return;
            }
        }
        if let Some((kind, number, title)) = is_section_heading(p, self.vocab) {
            self.finish_project(out, diags);
            self.recognised = true;
            self.section_kind = Some(kind);
            self.section = Some(title.clone());
            self.push_heading(p, number, title);
            return;
        }
        self.narrative(p, out, diags);
    }

    fn set_part(
        &mut self,
        name: Option<String>,
        out: &mut Extraction,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.finish_project(out, diags);
        self.recognised = true;
        self.part_kind = name.as_deref().and_then(|n| self.vocab.parts.get(n));
        self.part = name;
        self.section = None;
        self.section_kind = None;
    }

    fn push_heading(&mut self, p: &Paragraph, number: Option<String>, title: String) {
        let (toc_list, level) = p
            .fields
            .iter()
            .find_map(|f| match f {
                Field::Tc { list, level, .. } => Some((list.clone(), *level)),
                Field::Other { .. } => None,
            })
            .unwrap_or((None, None));
        self.headings.push(Heading {
            text: p.text.clone(),
            number,
            title,
            toc_list,
            level,
        });
    }

    fn start_project(
        &mut self,
        p: &Paragraph,
        number: &str,
        name: &str,
        out: &mut Extraction,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.finish_project(out, diags);
        self.recognised = true;
        self.section = Some(p.text.clone());
        self.section_kind = None;
        let title = split_number(&p.text, self.vocab).1;
        self.push_heading(p, Some(number.to_string()), title);
        self.projects_seen += 1;
        self.project = Some(project::ProjectBuilder::new(
            self.vocab,
            &self.doc_id,
            self.projects_seen as i32,
            name.trim().to_string(),
            p.loc,
        ));
    }

    fn narrative(&mut self, p: &Paragraph, out: &mut Extraction, diags: &mut Vec<Diagnostic>) {
        if let Some(project) = &mut self.project {
            project.paragraph(p);
        }
        self.paragraph_seq += 1;
        out.paragraphs.push(ParagraphRec {
            doc_id: self.doc_id.clone(),
            seq: self.paragraph_seq,
            part: self.part.clone(),
            section: self.section.clone(),
            text: p.text.clone(),
        });
        match self.section_kind {
            Some(SectionKind::Duties) => {
                self.duties
                    .paragraph(p, self.vocab, &self.doc_id, out, diags)
            }
            Some(SectionKind::Safeguards) => {
                self.safeguards.paragraph(p, self.vocab, &self.doc_id, out)
            }
            Some(SectionKind::OverallGoal) | None => {}
        }
    }

    fn table(&mut self, table: &Table, diags: &mut Vec<Diagnostic>) {
        match &mut self.project {
            Some(project) => project.table(table),
            None => {
                for row in &table.rows {
                    for cell in row.cells.iter().filter(|c| !c.text.is_empty()) {
                        diags.push(Diagnostic::new(
                            Severity::Warning,
                            "unmapped_cell",
                            format!(
                                "table outside any project table: cell `{}` matched no field",
                                cell.text
                            ),
                            cell.loc,
                        ));
                    }
                }
            }
        }
    }

    fn finish_project(&mut self, out: &mut Extraction, diags: &mut Vec<Diagnostic>) {
        if let Some(project) = self.project.take() {
            project.finish(After::More, out, diags);
        }
    }

    /// Closes the last project; returns true when the document ends inside its table.
    fn finish(mut self, end: After, out: &mut Extraction, diags: &mut Vec<Diagnostic>) -> bool {
        self.project
            .take()
            .is_some_and(|project| project.finish(end, out, diags))
    }
}

fn has_tc(p: &Paragraph) -> bool {
    p.fields.iter().any(|f| matches!(f, Field::Tc { .. }))
}
