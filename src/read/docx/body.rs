//! `word/document.xml` → blocks, streamed with quick-xml (no DOM).
//!
//! What Word does to the XML is undone here: text split over runs is joined; wrappers
//! (`w:hyperlink`, `w:smartTag`, `w:customXml`, `w:sdt`) are walked through; of
//! `mc:AlternateContent` only the first `mc:Choice` is read; deleted and moved-away text
//! is dropped; field instructions are lifted out of the visible text into [`Field`]s;
//! `gridSpan`/`vMerge` become cell spans and "continues above" marks; list numbers are
//! rendered; nested tables are kept as tables of their own, never spliced into a cell.

use super::numbering::{Counters, LazyNumbering};
use super::xml::{attr, local_name, resolve_ref, val};
use crate::diag::{Diagnostic, Loc, Severity};
use crate::read::fields::parse_instruction;
use crate::read::{Block, Cell, Field, Paragraph, Row, Table};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Elements whose whole subtree is ignored: deleted or moved-away text, the fallback
/// branch of alternate content, revision records of earlier properties, content-control
/// properties. (A `match`, not a list search: every element of the body is asked.)
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "del"
            | "moveFrom"
            | "delText"
            | "delInstrText"
            | "Fallback"
            | "pPrChange"
            | "rPrChange"
            | "tblPrChange"
            | "tcPrChange"
            | "trPrChange"
            | "sectPrChange"
            | "numberingChange"
            | "sdtPr"
            | "sdtEndPr"
    )
}

/// What the body reader produced.
pub(super) struct BodyOutput {
    pub blocks: Vec<Block>,
    pub diagnostics: Vec<Diagnostic>,
    /// True when the XML broke off (malformed or truncated): the blocks are a prefix.
    pub incomplete: bool,
}

#[derive(Default)]
struct ParagraphBuf {
    text: String,
    fields: Vec<Field>,
    num_id: Option<String>,
    ilvl: usize,
}

struct CellBuf {
    /// The cell's paragraphs so far, joined with `\n`.
    text: String,
    column: u32,
    span: u32,
    continues_above: bool,
}

struct TableBuf {
    rows: Vec<Row>,
    loc: Loc,
    grid_column: u32,
    cell: Option<CellBuf>,
    row_open: bool,
    nested: Vec<Table>,
}

#[derive(Default)]
struct FieldBuf {
    instruction: String,
    in_result: bool,
}

#[derive(PartialEq)]
enum TextTarget {
    None,
    Visible,
    Instruction,
}

/// Scans the body into blocks. `broken` is why inflating the part stopped early, if it
/// did: then `xml` is the prefix that was inflated.
pub(super) fn read_body(
    xml: &[u8],
    numbering: &LazyNumbering<'_>,
    broken: Option<std::io::Error>,
) -> BodyOutput {
    let mut state = State::new(numbering);
    let mut outcome = scan(xml, 0, &mut state);
    match outcome {
        // Bytes that are not UTF-8 in a part that inflated whole (a writer that put another
        // encoding in, a damaged stored part): replaced, so that one bad byte does not cost
        // the rest of the document. In a part whose inflating broke they are the garbage
        // the damage makes, and reading on would make up paragraphs and rows from it.
        Err((position, quick_xml::Error::Encoding(_))) if broken.is_none() => {
            let rest = String::from_utf8_lossy(&xml[position as usize..]);
            let replaced = rest.matches('\u{FFFD}').count();
            // A few are damage; many are a document in another encoding, all but garbled.
            let severity = match replaced {
                0..=MANY_REPLACED => Severity::Warning,
                _ => Severity::Error,
            };
            state.diagnostics.push(Diagnostic::new(
                severity,
                "undecodable_bytes",
                format!("word/document.xml holds bytes that are not UTF-8, the first in the event at byte {position}: from there on the text holds {replaced} U+FFFD"),
                state.loc(),
            ));
            outcome = scan(rest.as_bytes(), position, &mut state);
        }
        _ => {}
    }
    if let Err((position, error)) = outcome {
        state.diagnostics.push(Diagnostic::new(
            Severity::Error,
            "malformed_xml",
            format!("word/document.xml breaks off at byte {position}: {error}; what was read before is kept"),
            state.loc(),
        ));
        state.incomplete = true;
    }
    if let Some(error) = broken {
        if !state.incomplete {
            state.diagnostics.push(Diagnostic::new(
                Severity::Error,
                "malformed_xml",
                format!(
                    "word/document.xml cannot be decompressed past byte {}: {error}; what was read before is kept",
                    xml.len()
                ),
                state.loc(),
            ));
            state.incomplete = true;
        }
    }
    if !state.incomplete && (!state.tables.is_empty() || !state.paragraphs.is_empty()) {
        state.diagnostics.push(Diagnostic::new(
            Severity::Error,
            "truncated_xml",
            "word/document.xml ends inside an open paragraph or table; what was read before is kept",
            state.loc(),
        ));
        state.incomplete = true;
    }
    state.flush_open();
    if let Some(error) = numbering.failure() {
        state.diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "numbering_unreadable",
            format!("{error}; numbered paragraphs are kept without their list labels"),
            Loc::default(),
        ));
    }
    BodyOutput {
        blocks: state.blocks,
        diagnostics: state.diagnostics,
        incomplete: state.incomplete,
    }
}

/// Replacement characters past which text that is not UTF-8 makes the document partial.
const MANY_REPLACED: usize = 16;

/// Feeds the events of `xml` (which starts at byte `offset` of the part) to `state`; on
/// an error, the byte where the event that failed starts, and the error. (Scanning a copy
/// with its bad bytes replaced, each by three, positions past the first are the copy's.)
fn scan(xml: &[u8], offset: u64, state: &mut State<'_, '_>) -> Result<(), (u64, quick_xml::Error)> {
    let mut reader = Reader::from_reader(xml);
    // A scan that starts inside the part meets end tags whose start tags it never saw.
    reader.config_mut().allow_unmatched_ends = offset > 0;
    reader.config_mut().trim_text(false);
    loop {
        let position = offset + reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Eof) => return Ok(()),
            Ok(event) => state.event(event),
            Err(error) => return Err((position, error)),
        }
    }
}

struct State<'n, 'd> {
    numbering: &'n LazyNumbering<'d>,
    counters: Counters,
    blocks: Vec<Block>,
    diagnostics: Vec<Diagnostic>,
    paragraphs: Vec<ParagraphBuf>,
    tables: Vec<TableBuf>,
    fields: Vec<FieldBuf>,
    /// Depth inside a skipped subtree (0: not skipping).
    skip_depth: usize,
    /// Per open `mc:AlternateContent`: whether a `mc:Choice` was read already.
    alternate: Vec<bool>,
    text_target: TextTarget,
    in_paragraph_properties: bool,
    blocks_seen: u32,
    tables_seen: u32,
    incomplete: bool,
}

impl<'n, 'd> State<'n, 'd> {
    fn new(numbering: &'n LazyNumbering<'d>) -> Self {
        State {
            numbering,
            counters: Counters::default(),
            blocks: Vec::new(),
            diagnostics: Vec::new(),
            paragraphs: Vec::new(),
            tables: Vec::new(),
            fields: Vec::new(),
            skip_depth: 0,
            alternate: Vec::new(),
            text_target: TextTarget::None,
            in_paragraph_properties: false,
            blocks_seen: 0,
            tables_seen: 0,
            incomplete: false,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if self.skip_depth > 0 {
            match event {
                Event::Start(_) => self.skip_depth += 1,
                Event::End(_) => self.skip_depth -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(e) => self.start(&e, false),
            Event::Empty(e) => {
                self.start(&e, true);
                self.end(local_name(e.name().into_inner()));
            }
            Event::End(e) => self.end(local_name(e.name().into_inner())),
            // White space between elements is not text: skip it before decoding it.
            Event::Text(_) | Event::CData(_) if self.text_target == TextTarget::None => {}
            Event::Text(t) => self.text(&t.xml10_content()),
            Event::CData(t) => self.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(text) = resolve_ref(&r) {
                    self.text(&text);
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = local_name(e.name().into_inner());
        if is_skipped(name) {
            if !empty {
                self.skip_depth = 1;
            }
            return;
        }
        match name {
            "AlternateContent" => self.alternate.push(false),
            "Choice" => match self.alternate.last_mut() {
                Some(taken) if !*taken => *taken = true,
                _ if !empty => self.skip_depth = 1,
                _ => {}
            },
            "p" => self.paragraphs.push(ParagraphBuf::default()),
            "pPr" => self.in_paragraph_properties = true,
            "numId" if self.in_paragraph_properties => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.num_id = val(e);
                }
            }
            "ilvl" if self.in_paragraph_properties => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.ilvl = val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                }
            }
            "t" => self.text_target = TextTarget::Visible,
            "instrText" => self.text_target = TextTarget::Instruction,
            "tab" if !self.in_paragraph_properties => self.visible("\t"),
            "br" | "cr" => {
                let kind = attr(e, "type");
                if kind.is_none() || kind.as_deref() == Some("textWrapping") {
                    self.visible("\n");
                }
            }
            "noBreakHyphen" => self.visible("-"),
            "sym" => {
                if let Some(c) = symbol_char(e) {
                    self.visible(&c.to_string());
                }
            }
            "fldChar" => match attr(e, "fldCharType").as_deref() {
                Some("begin") => self.fields.push(FieldBuf::default()),
                Some("separate") => {
                    if let Some(f) = self.fields.last_mut() {
                        f.in_result = true;
                    }
                }
                Some("end") => self.close_field(),
                _ => {}
            },
            "fldSimple" => self.fields.push(FieldBuf {
                instruction: attr(e, "instr").unwrap_or_default(),
                in_result: true,
            }),
            "tbl" => self.open_table(),
            "tr" => self.open_row(),
            "gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    t.grid_column += val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                }
            }
            "tc" => self.open_cell(),
            "gridSpan" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.span = val(e).and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
                }
            }
            "vMerge" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.continues_above = val(e).is_none_or(|v| v == "continue");
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "AlternateContent" => {
                self.alternate.pop();
            }
            "p" => self.close_paragraph(),
            "pPr" => self.in_paragraph_properties = false,
            "t" | "instrText" => self.text_target = TextTarget::None,
            "fldSimple" => self.close_field(),
            "tc" => self.close_cell(),
            "tr" => self.close_row(),
            "tbl" => self.close_table(),
            _ => {}
        }
    }

    /// Character data: only the content of `w:t` and `w:instrText` is text; white space
    /// between elements is not.
    fn text(&mut self, text: &str) {
        match self.text_target {
            TextTarget::None => {}
            TextTarget::Instruction => {
                if let Some(field) = self.fields.iter_mut().rev().find(|f| !f.in_result) {
                    field.instruction.push_str(text);
                }
            }
            TextTarget::Visible => self.visible(text),
        }
    }

    /// Visible text, unless a field is still reading its instruction: then it belongs to
    /// that instruction (the result of a field nested in another's instruction).
    fn visible(&mut self, text: &str) {
        if let Some(field) = self.fields.iter_mut().rev().find(|f| !f.in_result) {
            field.instruction.push_str(text);
        } else if let Some(p) = self.paragraphs.last_mut() {
            p.text.push_str(text);
        }
    }

    fn close_field(&mut self) {
        let Some(field) = self.fields.pop() else {
            return;
        };
        if field.instruction.trim().is_empty() {
            return;
        }
        let parsed = parse_instruction(&field.instruction);
        if let Some(p) = self.paragraphs.last_mut() {
            p.fields.push(parsed);
        }
    }

    fn close_paragraph(&mut self) {
        self.in_paragraph_properties = false;
        let Some(p) = self.paragraphs.pop() else {
            return;
        };
        let mut text = p.text;
        if let Some(num_id) = p.num_id.as_deref().filter(|id| *id != "0") {
            if let Some(label) = self
                .numbering
                .get()
                .next_label(&mut self.counters, num_id, p.ilvl)
            {
                text.insert_str(0, &label);
            }
        }
        trim_in_place(&mut text);
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            // A text export cannot show an empty paragraph inside a cell (a blank line
            // ends the row there), so neither does this reader.
            if cell.text.is_empty() {
                cell.text = text;
            } else if !text.is_empty() {
                cell.text.push('\n');
                cell.text.push_str(&text);
            }
            return;
        }
        self.blocks_seen += 1;
        self.blocks.push(Block::Paragraph(Paragraph {
            text,
            fields: p.fields,
            loc: Loc {
                block: Some(self.blocks_seen),
                ..Loc::default()
            },
        }));
    }

    fn open_table(&mut self) {
        self.tables_seen += 1;
        let block = if self.tables.is_empty() {
            self.blocks_seen += 1;
            Some(self.blocks_seen)
        } else {
            None
        };
        self.tables.push(TableBuf {
            rows: Vec::new(),
            loc: Loc {
                block,
                table: Some(self.tables_seen),
                ..Loc::default()
            },
            grid_column: 0,
            cell: None,
            row_open: false,
            nested: Vec::new(),
        });
    }

    fn open_row(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            let number = t.rows.len() as u32 + 1;
            t.rows.push(Row {
                cells: Vec::new(),
                loc: Loc {
                    row: Some(number),
                    ..t.loc
                },
            });
            t.grid_column = 0;
            t.row_open = true;
        }
    }

    fn open_cell(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            if !t.row_open {
                self.open_row();
            }
        }
        if let Some(t) = self.tables.last_mut() {
            t.cell = Some(CellBuf {
                text: String::new(),
                column: t.grid_column,
                span: 1,
                continues_above: false,
            });
        }
    }

    fn close_cell(&mut self) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let Some(cell) = t.cell.take() else {
            return;
        };
        t.grid_column += cell.span;
        let Some(row) = t.rows.last_mut() else {
            return;
        };
        let number = row.cells.len() as u32 + 1;
        let text = cell.text;
        row.cells.push(Cell {
            continues_above: cell.continues_above && text.is_empty(),
            text,
            column: cell.column,
            span: cell.span,
            loc: Loc {
                cell: Some(number),
                ..row.loc
            },
        });
    }

    fn close_row(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            t.row_open = false;
        }
    }

    fn close_table(&mut self) {
        let Some(t) = self.tables.pop() else {
            return;
        };
        let table = Table {
            rows: t.rows,
            loc: t.loc,
        };
        match self.tables.last_mut() {
            Some(parent) => {
                self.diagnostics.push(Diagnostic::new(
                    Severity::Info,
                    "nested_table",
                    "a table inside a table cell is kept as a table of its own after its parent",
                    table.loc,
                ));
                parent.nested.push(table);
                parent.nested.extend(t.nested);
            }
            None => {
                self.blocks.push(Block::Table(table));
                for nested in t.nested {
                    self.blocks.push(Block::Table(nested));
                }
            }
        }
    }

    /// Where the reader is: the innermost open table, row and cell, or the next block.
    fn loc(&self) -> Loc {
        match self.tables.last() {
            Some(t) => Loc {
                row: Some(t.rows.len() as u32),
                cell: t.rows.last().map(|r| r.cells.len() as u32 + 1),
                ..t.loc
            },
            None => Loc {
                block: Some(self.blocks_seen + 1),
                ..Loc::default()
            },
        }
    }

    /// Keeps what was open when the XML broke off: cells, rows, tables, paragraphs.
    fn flush_open(&mut self) {
        while !self.tables.is_empty() {
            if !self.paragraphs.is_empty() {
                self.close_paragraph();
                continue;
            }
            self.close_cell();
            self.close_table();
        }
        while !self.paragraphs.is_empty() {
            self.close_paragraph();
        }
    }
}

/// Trims white space off both ends without a new allocation.
fn trim_in_place(text: &mut String) {
    let end = text.trim_end().len();
    text.truncate(end);
    let start = text.len() - text.trim_start().len();
    text.drain(..start);
}

/// The character of a `w:sym`: Unicode as is; the Symbol font's private-use codes
/// (`F0xx`) mapped for the signs budget tables use.
fn symbol_char(e: &BytesStart<'_>) -> Option<char> {
    let code = u32::from_str_radix(&attr(e, "char")?, 16).ok()?;
    let code = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        return char::from_u32(code);
    };
    let font = attr(e, "font").unwrap_or_default();
    if !font.eq_ignore_ascii_case("Symbol") {
        return char::from_u32(code);
    }
    Some(match code {
        0xB3 => '≥',
        0xA3 => '≤',
        0xB4 => '×',
        0xB8 => '÷',
        0xB1 => '±',
        0xB9 => '≠',
        0xAE => '→',
        0xB0 => '°',
        c => char::from_u32(c)?,
    })
}
