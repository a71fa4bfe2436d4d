//! DOCX input: the same records as the text export, whatever Word did to the XML; and
//! broken archives named clearly without stopping anything.

use jixiao::batch::process_bytes;
use jixiao::extract::records::Extraction;
use jixiao::extract::vocab::Vocab;
use jixiao::read::{read_bytes, Block, ReadError};
use jixiao::record::TsvTables;
use pretty_assertions::assert_eq;
use std::io::Write;
use std::path::{Path, PathBuf};

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(path)
}

fn extract(path: &str) -> Extraction {
    let bytes = std::fs::read(corpus(path)).unwrap();
    process_bytes(path.to_string(), &bytes, &Vocab::builtin())
}

/// Records as TSV with what only describes the file (path, format, encoding, size,
/// hash, id, and the line/block part of diagnostic locations) blanked out.
fn comparable(mut extraction: Extraction) -> Vec<(&'static str, String)> {
    extraction.forget_file();
    for d in &mut extraction.diagnostics {
        d.location = None;
        d.line = None;
    }
    let mut tables = TsvTables::default();
    extraction.write_to(&mut tables);
    tables.tables
}

fn assert_same_records(docx: &str, text: &str) {
    let (a, b) = (comparable(extract(docx)), comparable(extract(text)));
    for ((table, from_docx), (_, from_text)) in a.iter().zip(&b) {
        assert_eq!(from_docx, from_text, "table {table}: {docx} vs {text}");
    }
}

#[test]
fn seed_docx_written_by_python_docx_equals_its_text_export() {
    assert_same_records("docx/seed.docx", "seed/000_154ac4639b0e3315.txt");
    let docx = extract("docx/seed.docx");
    assert_eq!(docx.documents[0].source_format, "docx");
    assert_eq!(docx.indicators.len(), 42);
}

#[test]
fn hand_made_constructs_equal_their_text_twin() {
    assert_same_records("docx/constructs.docx", "docx/constructs.txt");
}

/// The text of every paragraph outside tables, in order.
fn paragraph_texts(blocks: &[Block]) -> Vec<&str> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.as_str()),
            Block::Table(_) => None,
        })
        .collect()
}

#[test]
fn constructs_are_read_once_and_only_once() {
    let bytes = std::fs::read(corpus("docx/constructs.docx")).unwrap();
    let (_, doc) = read_bytes(&bytes).unwrap();
    let texts = paragraph_texts(&doc.blocks);
    let all = texts.join("\n");
    assert_eq!(
        all.matches("文本框内容").count(),
        1,
        "text box read once (Choice, not Fallback)"
    );
    for absent in ["降低", "旧位置", "页眉", "页脚", "批注", "QUOTE", "TC "] {
        assert!(
            !all.contains(absent),
            "`{absent}` leaked into the text:\n{all}"
        );
    }
    assert!(
        texts.contains(&"一、总体绩效目标"),
        "list number rendered: {texts:?}"
    );
    assert!(texts.contains(&"（二）强化监督。"));
    assert!(texts.contains(&"1.测试项目绩效目标表"));
}

fn zip_with(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn failure(bytes: &[u8]) -> (String, String) {
    let extraction = process_bytes("input".into(), bytes, &Vocab::builtin());
    let doc = &extraction.documents[0];
    let diagnostic = &extraction.diagnostics[0];
    (
        doc.status.clone(),
        format!("{}: {}", diagnostic.code, diagnostic.message),
    )
}

/// The archive at `path` with the part `name` replaced by `data`.
fn with_part_replaced(path: &str, name: &str, data: &[u8]) -> Vec<u8> {
    let bytes = std::fs::read(corpus(path)).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).unwrap();
        let part_name = part.name().unwrap().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut content).unwrap();
        if part_name == name {
            content = data.to_vec();
        }
        parts.push((part_name, content));
    }
    assert!(parts.iter().any(|(n, _)| n == name), "{path} has no {name}");
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    zip_with(&parts)
}

#[test]
fn an_unreadable_numbering_part_costs_only_the_list_labels_that_need_it() {
    let not_utf8 = b"<w:numbering>\xff\xfe</w:numbering>";

    let bytes = with_part_replaced("docx/constructs.docx", "word/numbering.xml", not_utf8);
    let extraction = process_bytes("constructs".into(), &bytes, &Vocab::builtin());
    assert_ne!(extraction.documents[0].status, "failed");
    let warning = extraction
        .diagnostics
        .iter()
        .find(|d| d.code == "numbering_unreadable")
        .unwrap_or_else(|| panic!("{:?}", extraction.diagnostics));
    assert_eq!(warning.severity, "warning");
    assert!(
        warning.message.contains("word/numbering.xml"),
        "{}",
        warning.message
    );
    let (_, doc) = read_bytes(&bytes).unwrap();
    let texts = paragraph_texts(&doc.blocks);
    assert!(
        texts.contains(&"强化监督。"),
        "kept without its label: {texts:?}"
    );

    // The seed carries a numbering part but numbers no paragraph: it never reads it.
    let bytes = with_part_replaced("docx/seed.docx", "word/numbering.xml", not_utf8);
    assert_same_records_as(&bytes, "seed/000_154ac4639b0e3315.txt");
}

fn assert_same_records_as(docx: &[u8], text: &str) {
    let from_docx = comparable(process_bytes("docx".into(), docx, &Vocab::builtin()));
    let from_text = comparable(extract(text));
    for ((table, a), (_, b)) in from_docx.iter().zip(&from_text) {
        assert_eq!(a, b, "table {table}: {text}");
    }
}

#[test]
fn a_zip_without_a_document_part_is_named() {
    let (status, message) = failure(&zip_with(&[("xl/workbook.xml", b"<workbook/>")]));
    assert_eq!(status, "failed");
    assert!(message.contains("without word/document.xml"), "{message}");
}

#[test]
fn an_archive_cut_off_before_its_document_part_fails_clearly() {
    // Cut later, the part is read from its local header (tests/robustness.rs).
    let bytes = std::fs::read(corpus("docx/seed.docx")).unwrap();
    let part = bytes
        .windows(17)
        .position(|w| w == b"word/document.xml")
        .unwrap();
    let (status, message) = failure(&bytes[..part - 30]);
    assert_eq!(status, "failed");
    assert!(message.contains("not a readable zip archive"), "{message}");
}

#[test]
fn malformed_xml_keeps_what_was_read_before_the_break() {
    let docx = std::fs::read(corpus("docx/seed.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let cut = xml.rfind("区委巡察专项经费绩效目标表").unwrap();
    let broken = format!("{}<w:p><w:r></w:t>", &xml[..cut]);
    let extraction = process_bytes(
        "broken".into(),
        &zip_with(&[("word/document.xml", broken.as_bytes())]),
        &Vocab::builtin(),
    );
    assert_eq!(extraction.documents[0].status, "partial");
    assert_eq!(
        extraction.projects.len(),
        4,
        "the four projects before the break are kept"
    );
    assert!(
        extraction
            .diagnostics
            .iter()
            .any(|d| d.code == "malformed_xml"),
        "{:?}",
        extraction.diagnostics
    );

    let truncated = &xml[..cut];
    let extraction = process_bytes(
        "cut".into(),
        &zip_with(&[("word/document.xml", truncated.as_bytes())]),
        &Vocab::builtin(),
    );
    assert_eq!(extraction.documents[0].status, "partial");
    assert!(
        extraction
            .diagnostics
            .iter()
            .any(|d| d.code == "truncated_xml" || d.code == "malformed_xml"),
        "{:?}",
        extraction.diagnostics
    );
}

#[test]
fn legacy_and_encrypted_documents_are_told_apart() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 504));
    let mut word97 = ole.clone();
    word97.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    let (status, message) = failure(&word97);
    assert_eq!(status, "failed");
    assert!(
        message.starts_with("legacy_format") && message.contains("--convert-to docx"),
        "{message}"
    );

    let mut encrypted = ole;
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert!(matches!(read_bytes(&encrypted), Err(ReadError::Encrypted)));
    let (status, message) = failure(&encrypted);
    assert_eq!(status, "failed");
    assert!(message.starts_with("encrypted"), "{message}");
}

fn assert_refused_as_a_bomb(bytes: &[u8]) {
    let (status, message) = failure(bytes);
    assert_eq!(status, "failed");
    assert!(
        message.starts_with("too_large") && message.contains("zip bomb"),
        "{message}"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let huge = vec![b' '; 40 * 1024 * 1024];
    let bytes = zip_with(&[("word/document.xml", &huge)]);
    assert!(bytes.len() < 1024 * 1024, "the bomb is small on disk");
    assert_refused_as_a_bomb(&bytes);
}

#[test]
fn a_zip_bomb_whose_sizes_follow_its_data_is_refused_in_a_damaged_archive_too() {
    // Written to a stream, its local header declares no size; cut off, its archive has no
    // directory that would: the bound is the ratio to the file's own size.
    let huge = vec![b' '; 40 * 1024 * 1024];
    let mut zip = zip::ZipWriter::new_stream(Vec::new());
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(&huge).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let directory = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    assert_refused_as_a_bomb(&bytes[..directory]);
}

#[test]
fn a_document_part_whose_name_is_damaged_in_the_directory_is_still_read() {
    // One changed byte in the directory's copy of the name: the directory no longer
    // lists the part, but its local header still names it.
    let mut bytes = std::fs::read(corpus("docx/seed.docx")).unwrap();
    let name = b"word/document.xml";
    let listed = bytes.windows(name.len()).rposition(|w| w == name).unwrap();
    bytes[listed + 5] = b'D';
    let extraction = process_bytes("renamed".into(), &bytes, &Vocab::builtin());
    assert_ne!(extraction.documents[0].status, "failed");
    assert_eq!(extraction.documents[0].year, Some(2021));
    assert!(extraction
        .diagnostics
        .iter()
        .any(|d| d.code == "damaged_archive" && d.message.contains("does not list")));
}

#[test]
fn nested_tables_are_kept_apart_from_their_parent_cell() {
    let xml = r#"<w:document xmlns:w="w"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p>
        <w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
        <w:p/></w:tc><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
    let (_, doc) = read_bytes(&zip_with(&[("word/document.xml", xml.as_bytes())])).unwrap();
    let tables: Vec<Vec<Vec<&str>>> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(
                t.rows
                    .iter()
                    .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
                    .collect(),
            ),
            Block::Paragraph(_) => None,
        })
        .collect();
    assert_eq!(tables, vec![vec![vec!["外", "右"]], vec![vec!["内"]]]);
    assert!(doc.diagnostics.iter().any(|d| d.code == "nested_table"));
}

#[test]
fn grid_before_and_spans_set_grid_columns() {
    let xml = r#"<w:document xmlns:w="w"><w:body><w:tbl>
        <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>
        </w:tbl></w:body></w:document>"#;
    let (_, doc) = read_bytes(&zip_with(&[("word/document.xml", xml.as_bytes())])).unwrap();
    let Block::Table(table) = &doc.blocks[0] else {
        panic!()
    };
    let cells: Vec<(&str, u32, u32)> = table.rows[0]
        .cells
        .iter()
        .map(|c| (c.text.as_str(), c.column, c.span))
        .collect();
    assert_eq!(cells, [("a", 1, 2), ("b", 3, 1)]);
}
