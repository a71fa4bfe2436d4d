//! Reader for plain-text exports of Word documents.
//!
//! The export writes every table cell as a line starting with a TAB; the cells of one row
//! follow each other and a blank line ends the row. A line holding only a TAB is an empty
//! cell — in the first column it stands for "same as the row above" (a vertical merge).
//! A line without a leading TAB inside a row continues the previous cell (a cell of
//! several paragraphs). Headings carry their Word TC field inline after the visible text.

use super::decode::decode;
use super::fields::split_inline_tc;
use super::{Block, Cell, Paragraph, ReadDocument, Row, Table};
use crate::diag::{Diagnostic, Loc, Severity};

/// Reads a text export from its bytes.
pub fn read(bytes: &[u8]) -> ReadDocument {
    let decoded = decode(bytes);
    let mut builder = Builder::default();
    let mut line_no = 0u32;
    // Where the first undecodable byte was replaced by U+FFFD, if any was.
    let mut first_replaced = None;
    for_each_line(&decoded.text, |line| {
        line_no += 1;
        if decoded.had_errors && first_replaced.is_none() && line.contains('\u{FFFD}') {
            first_replaced = Some(line_no);
        }
        builder.line(line, line_no);
    });
    let ending = builder.ending_in_cell(&decoded.text, line_no);
    builder.finish_table();
    let mut diagnostics = Vec::new();
    let mut incomplete = false;
    match ending {
        Some(CellEnding::RowShort(loc)) => {
            incomplete = true;
            diagnostics.push(Diagnostic::new(
                Severity::Error,
                "truncated_text",
                "the file ends inside a table cell, without a line break, in a row shorter than the one above: it was cut off; what came before is kept",
                loc,
            ));
        }
        Some(CellEnding::RowFull(loc)) => diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "truncated_text",
            "the file ends inside a table cell, without a line break: it may have been cut off in that cell (or its last line breaks were trimmed)",
            loc,
        )),
        None => {}
    }
    if decoded.had_errors {
        // Counted in the text, so a U+FFFD the file itself held counts too.
        let replaced = decoded.text.matches('\u{FFFD}').count();
        diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "undecodable_bytes",
            format!(
                "some bytes are not valid {} and were replaced by U+FFFD; the text holds {replaced}",
                decoded.encoding
            ),
            first_replaced.map(Loc::line).unwrap_or_default(),
        ));
    }
    ReadDocument {
        blocks: builder.blocks,
        encoding: Some(decoded.encoding),
        diagnostics,
        incomplete,
        end_seen: false,
    }
}

/// Calls `each` with every line of `text`, ended by \n, \r\n or a lone \r (old Mac), as
/// `text.lines()` with each line split again at \r would, in one scan for both bytes
/// (splitting twice took a fifth of the reader's instructions).
fn for_each_line<'t>(text: &'t str, mut each: impl FnMut(&'t str)) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut skip_to = 0;
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if at < skip_to {
            continue; // the \n of a \r\n
        }
        each(&text[start..at]);
        start = at + 1;
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            start += 1;
            skip_to = start;
        }
    }
    if start < bytes.len() || bytes.last() == Some(&b'\r') {
        // The last line, unended; a lone \r at the very end also ends an empty line.
        each(&text[start..]);
    }
}

/// How a text export that stops inside a table cell's line ends: Word ends every line
/// and follows every table with a paragraph, so such a file was cut off, or had its last
/// line breaks trimmed by some tool since. Only a row shorter than the one above tells the
/// two apart.
enum CellEnding {
    /// The last row has fewer cells than the row above it: cut off.
    RowShort(Loc),
    /// The last row is as long as the one above (or the table's only row): cut off in its
    /// last cell, or whole with its line breaks trimmed.
    RowFull(Loc),
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    table: Option<Table>,
    /// True while the current table's last row is still open (no blank line yet).
    row_open: bool,
    tables_seen: u32,
}

/// `str::trim`, answering at once for the common line that neither starts nor ends with
/// white space: ASCII other than space and controls, or a character of the blocks from
/// U+3001 on (CJK punctuation, kana, ideographs), where the only white space is U+3000.
/// Every line and cell of an export is trimmed; `str::trim` took 2.4% of a text run.
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let plain_start = match bytes {
        [b, ..] if (0x21..0x7F).contains(b) => true,
        [b, ..] if (0xE4..0xF0).contains(b) => true,
        [0xE3, second, third, ..] => (*second, *third) != (0x80, 0x80),
        _ => false,
    };
    let plain_end = match bytes {
        [.., b] if (0x21..0x7F).contains(b) => true,
        [.., lead, _, _] if (0xE4..0xF0).contains(lead) => true,
        [.., 0xE3, second, third] => (*second, *third) != (0x80, 0x80),
        _ => false,
    };
    if plain_start && plain_end {
        text
    } else {
        text.trim()
    }
}

impl Builder {
    /// How `text`, read up to its last line `line_no`, ends, if inside a table cell.
    fn ending_in_cell(&self, text: &str, line_no: u32) -> Option<CellEnding> {
        let table = self.table.as_ref()?;
        if !self.row_open || text.ends_with(['\n', '\r']) {
            return None;
        }
        let loc = Loc {
            line: Some(line_no),
            ..table.loc
        };
        let short = match table.rows.as_slice() {
            [.., above, last] => last.cells.len() < above.cells.len(),
            _ => false,
        };
        Some(if short {
            CellEnding::RowShort(loc)
        } else {
            CellEnding::RowFull(loc)
        })
    }

    fn line(&mut self, line: &str, line_no: u32) {
        if let Some(cell_text) = line.strip_prefix('\t') {
            self.cell(cell_text, line_no);
        } else if trim(line).is_empty() {
            self.row_open = false;
        } else if self.row_open {
            self.continue_cell(line);
        } else {
            self.finish_table();
            self.paragraph(line, line_no);
        }
    }

    fn cell(&mut self, text: &str, line_no: u32) {
        let table_no = match &self.table {
            Some(table) => table.loc.table.unwrap_or(0),
            None => {
                self.tables_seen += 1;
                self.table = Some(Table {
                    rows: Vec::new(),
                    loc: Loc {
                        line: Some(line_no),
                        table: Some(self.tables_seen),
                        ..Loc::default()
                    },
                });
                self.tables_seen
            }
        };
        let table = self.table.as_mut().expect("table was just opened");
        if !self.row_open {
            // Rows of a table mostly have as many cells as the one before.
            let cells = table.rows.last().map_or(0, |row| row.cells.len());
            table.rows.push(Row {
                cells: Vec::with_capacity(cells),
                loc: Loc {
                    line: Some(line_no),
                    table: Some(table_no),
                    row: Some(table.rows.len() as u32 + 1),
                    ..Loc::default()
                },
            });
            self.row_open = true;
        }
        let row = table.rows.last_mut().expect("row was just opened");
        let text = trim(text);
        let column = row.cells.len() as u32 + 1;
        row.cells.push(Cell {
            text: text.to_string(),
            continues_above: text.is_empty() && column == 1,
            column: column - 1,
            span: 1,
            loc: Loc {
                line: Some(line_no),
                table: Some(table_no),
                row: row.loc.row,
                cell: Some(column),
                ..Loc::default()
            },
        });
    }

    fn continue_cell(&mut self, line: &str) {
        let cell = self
            .table
            .as_mut()
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.cells.last_mut())
            .expect("an open row has a cell");
        cell.text.push('\n');
        cell.text.push_str(trim(line));
        cell.continues_above = false;
    }

    fn paragraph(&mut self, line: &str, line_no: u32) {
        let (visible, field) = split_inline_tc(line);
        self.blocks.push(Block::Paragraph(Paragraph {
            text: trim(visible).to_string(),
            fields: field.into_iter().collect(),
            loc: Loc::line(line_no),
        }));
    }

    fn finish_table(&mut self) {
        if let Some(table) = self.table.take() {
            self.blocks.push(Block::Table(table));
        }
        self.row_open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Field;

    fn texts(row: &Row) -> Vec<&str> {
        row.cells.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn trim_agrees_with_the_standard_trim_for_every_character_at_either_end() {
        let mut text = String::new();
        let mut checked = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for neighbour in ['中', '。', ' '] {
                for (before, after) in [
                    (None, None),
                    (None, Some(neighbour)),
                    (Some(neighbour), None),
                ] {
                    text.clear();
                    text.extend(before);
                    text.push(c);
                    text.extend(after);
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 9_000_000);
        assert_eq!(trim(""), "");
    }

    #[test]
    fn rows_cells_merges_and_continuations() {
        let doc =
            read("标题 TC 标题 \\f A \\l 1 \n\tA\n\tB\n\n\t\n\tline1\nline2\n\n正文\n".as_bytes());
        assert_eq!(doc.blocks.len(), 3);
        let Block::Paragraph(heading) = &doc.blocks[0] else {
            panic!()
        };
        assert_eq!(heading.text, "标题");
        assert!(matches!(heading.fields[0], Field::Tc { .. }));
        let Block::Table(table) = &doc.blocks[1] else {
            panic!()
        };
        assert_eq!(table.rows.len(), 2);
        assert_eq!(texts(&table.rows[0]), ["A", "B"]);
        assert_eq!(texts(&table.rows[1]), ["", "line1\nline2"]);
        assert!(table.rows[1].cells[0].continues_above);
        assert!(!table.rows[1].cells[1].continues_above);
        assert_eq!(table.rows[1].cells[1].loc.line, Some(6));
        let Block::Paragraph(body) = &doc.blocks[2] else {
            panic!()
        };
        assert_eq!((body.text.as_str(), body.loc.line), ("正文", Some(9)));
    }

    /// What the reader splits lines by, spelt out with the standard library.
    fn reference_lines(text: &str) -> Vec<&str> {
        text.lines().flat_map(|line| line.split('\r')).collect()
    }

    #[test]
    fn lines_split_as_lines_then_at_every_carriage_return() {
        // Every string of up to seven characters from a, \r, \n.
        let alphabet = ['a', '\r', '\n'];
        let mut texts = vec![String::new()];
        for _ in 0..7 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.len() == texts.last().unwrap().len())
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        assert_eq!(texts.len(), (0..=7).map(|n| 3usize.pow(n)).sum::<usize>());
        for text in &texts {
            let mut lines = Vec::new();
            for_each_line(text, |line| lines.push(line));
            assert_eq!(lines, reference_lines(text), "{text:?}");
        }
    }

    #[test]
    fn broken_bytes_are_counted_and_located_on_their_line() {
        for end in ["\n", "\r\n", "\r"] {
            let title = "部门预算绩效文本".repeat(3);
            let text = [title.as_str(), "\t项目名称", "\t校舍维修", ""].join(end);
            let mut bytes = text.into_bytes();
            // Before 修 and before 维, on the third line.
            let before_last = bytes.len() - end.len() - 3;
            bytes.insert(before_last, 0xFF);
            bytes.insert(before_last - 3, 0xFE);
            let doc = read(&bytes);
            assert_eq!(doc.encoding, Some("UTF-8"), "{end:?}");
            let [warning] = doc.diagnostics.as_slice() else {
                panic!("{:?}", doc.diagnostics)
            };
            assert_eq!(warning.code, "undecodable_bytes");
            assert_eq!(warning.loc.line, Some(3), "{end:?}");
            assert!(
                warning.message.ends_with("the text holds 2"),
                "{}",
                warning.message
            );
        }
    }

    #[test]
    fn crlf_and_cr_line_ends() {
        let crlf = read(b"a\r\n\tx\r\n\ty\r\n\r\nb\r\n");
        let cr = read(b"a\r\tx\r\ty\r\rb\r");
        assert_eq!(crlf.blocks, cr.blocks);
        assert_eq!(crlf.blocks.len(), 3);
    }

    #[test]
    fn empty_cells_beyond_the_first_column_are_not_merges() {
        let doc = read(b"\tA\n\t\n");
        let Block::Table(table) = &doc.blocks[0] else {
            panic!()
        };
        assert!(!table.rows[0].cells[1].continues_above);
    }
}
