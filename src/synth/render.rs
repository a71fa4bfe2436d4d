//! Blocks → bytes: the plain-text export Word's "save as text" gives, or a DOCX whose
//! tables carry real merged cells (`vMerge`) and spans (`gridSpan`).

use crate::read::{Block, Field, Table};
use std::fmt::Write as _;
use std::io::Write as _;

/// The text export of the blocks.
pub fn text(blocks: &[Block]) -> String {
    let mut out = String::from("\n");
    for block in blocks {
        match block {
            Block::Paragraph(p) => {
                out.push_str(&p.text);
                for field in &p.fields {
                    if let Field::Tc { text, list, level } = field {
                        let _ = write!(out, " TC {text}");
                        if let Some(list) = list {
                            let _ = write!(out, " \\f {list}");
                        }
                        if let Some(level) = level {
                            let _ = write!(out, " \\l {level}");
                        }
                        out.push(' ');
                    }
                }
                out.push('\n');
            }
            Block::Table(table) => {
                for row in &table.rows {
                    for cell in &row.cells {
                        let _ = writeln!(out, "\t{}", cell.text);
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn runs(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            format!(
                r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
                escape(line)
            )
        })
        .collect::<Vec<_>>()
        .join("<w:r><w:br/></w:r>")
}

fn table_xml(table: &Table, out: &mut String) {
    let width = table.rows.iter().map(|r| r.cells.len()).max().unwrap_or(1);
    out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
    for _ in 0..width {
        out.push_str("<w:gridCol w:w=\"1300\"/>");
    }
    out.push_str("</w:tblGrid>");
    for (r, row) in table.rows.iter().enumerate() {
        out.push_str("<w:tr>");
        let next_continues = table
            .rows
            .get(r + 1)
            .and_then(|next| next.cells.first())
            .is_some_and(|c| c.continues_above);
        for (c, cell) in row.cells.iter().enumerate() {
            let mut props = String::new();
            if c + 1 == row.cells.len() && row.cells.len() < width {
                let _ = write!(props, "<w:gridSpan w:val=\"{}\"/>", width - c);
            }
            if c == 0 && cell.continues_above {
                props.push_str("<w:vMerge/>");
            } else if c == 0 && next_continues {
                props.push_str("<w:vMerge w:val=\"restart\"/>");
            }
            let paragraphs: String = cell
                .text
                .split('\n')
                .map(|line| format!("<w:p>{}</w:p>", runs(line)))
                .collect();
            let _ = write!(out, "<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// A minimal, valid DOCX of the blocks.
pub fn docx(blocks: &[Block]) -> Vec<u8> {
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => {
                body.push_str("<w:p>");
                body.push_str(&runs(&p.text));
                for field in &p.fields {
                    if let Field::Tc { text, list, level } = field {
                        let instruction = format!(
                            " TC \"{}\" \\f {} \\l {} ",
                            escape(text),
                            list.as_deref().unwrap_or("A"),
                            level.unwrap_or(1)
                        );
                        let _ = write!(
                            body,
                            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
                        );
                    }
                }
                body.push_str("</w:p>");
            }
            Block::Table(table) => {
                table_xml(table, &mut body);
                // Word keeps a paragraph between two tables.
                body.push_str("<w:p/>");
            }
        }
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = ::zip::ZipWriter::new(&mut out);
        let options = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        let parts: [(&str, &str); 3] = [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", &document),
        ];
        for (name, data) in parts {
            zip.start_file(name, options).expect("in-memory zip");
            zip.write_all(data.as_bytes()).expect("in-memory zip");
        }
        zip.finish().expect("in-memory zip");
    }
    out.into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
