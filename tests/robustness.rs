//! Never panic on input: cut-off and corrupted copies of the corpus documents each yield
//! a `documents` row and diagnostics, never a crash (`internal_error` would mean one was
//! caught).

use jixiao::batch::process_bytes;
use jixiao::extract::records::Extraction;
use jixiao::extract::vocab::Vocab;
use std::path::Path;

fn corpus(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(path),
    )
    .unwrap()
}

/// A small deterministic generator for positions and bytes.
fn positions(len: usize, count: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % len.max(1)
        })
        .collect()
}

/// Whether any diagnostic of the extraction has this code.
fn reports(extraction: &Extraction, code: &str) -> bool {
    extraction.diagnostics.iter().any(|d| d.code == code)
}

/// Where `what` first occurs in `bytes` at or after `from`.
fn find(bytes: &[u8], what: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .windows(what.len())
        .position(|w| w == what)
        .unwrap()
}

/// The real sample, a text export cut off mid-table.
fn seed_text() -> String {
    String::from_utf8(corpus("seed/000_154ac4639b0e3315.txt")).unwrap()
}

/// The `word/document.xml` of a DOCX, inflated.
fn document_xml(docx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

/// A DOCX of this `word/document.xml` alone.
fn docx_of(xml: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    std::io::Write::write_all(&mut zip, xml).unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

/// Where the lines of the seed's project headings (`1.纪委…绩效目标表 TC …`) start.
fn project_headings(seed: &str) -> Vec<usize> {
    let headings: Vec<usize> = seed
        .match_indices("绩效目标表 TC")
        .map(|(at, _)| seed[..at].rfind('\n').unwrap() + 1)
        .collect();
    assert_eq!(headings.len(), 5);
    headings
}

fn check(name: &str, bytes: &[u8], vocab: &Vocab) {
    let extraction = process_bytes(name.to_string(), bytes, vocab);
    assert_eq!(extraction.documents.len(), 1, "{name}");
    let crashed: Vec<&str> = extraction
        .diagnostics
        .iter()
        .filter(|d| d.code == "internal_error")
        .map(|d| d.message.as_str())
        .collect();
    assert!(crashed.is_empty(), "{name}: {crashed:?}");
}

#[test]
fn cut_off_and_corrupted_documents_never_crash() {
    let vocab = Vocab::builtin();
    for path in [
        "docx/seed.docx",
        "docx/constructs.docx",
        "seed/000_154ac4639b0e3315.txt",
        "docx/constructs.txt",
    ] {
        let original = corpus(path);
        for (i, cut) in positions(original.len(), 40, 1).into_iter().enumerate() {
            check(
                &format!("{path} cut at {cut} ({i})"),
                &original[..cut],
                &vocab,
            );
        }
        for (i, at) in positions(original.len(), 40, 2).into_iter().enumerate() {
            let mut corrupted = original.clone();
            corrupted[at] ^= 0x5A;
            check(
                &format!("{path} byte {at} flipped ({i})"),
                &corrupted,
                &vocab,
            );
        }
    }
}

#[test]
fn a_damaged_utf8_export_is_still_read_as_utf8() {
    // One broken byte used to send the whole file to GB18030, garbling every character:
    // the document failed. Now only the broken bytes are lost.
    let vocab = Vocab::builtin();
    let original = seed_text().into_bytes();
    let inside_a_character = |at: usize| original[at] & 0xC0 == 0x80;
    // Cut past the table of contents, so that each copy has a body to find.
    let cuts = positions(original.len(), 200, 3)
        .into_iter()
        .filter(|&cut| cut > original.len() / 4 && inside_a_character(cut))
        .map(|cut| (format!("cut at {cut}"), original[..cut].to_vec()));
    // A flip in a Chinese character's bytes (ASCII bytes flip into other ASCII bytes).
    let flips = positions(original.len(), 80, 4)
        .into_iter()
        .filter(|&at| original[at] >= 0x80)
        .map(|at| {
            let mut flipped = original.clone();
            flipped[at] ^= 0x5A;
            (format!("byte {at} flipped"), flipped)
        });
    let mut checked = 0;
    for (name, bytes) in cuts.chain(flips) {
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name}: still valid UTF-8"
        );
        let extraction = process_bytes(name.clone(), &bytes, &vocab);
        let document = &extraction.documents[0];
        assert_eq!(document.encoding.as_deref(), Some("UTF-8"), "{name}");
        assert_ne!(document.status, "failed", "{name}");
        assert!(reports(&extraction, "undecodable_bytes"), "{name}");
        checked += 1;
    }
    assert!(checked > 60, "only {checked} damaged copies");
}

#[test]
fn a_text_cut_off_before_its_body_keeps_its_cover() {
    // Cut anywhere from just after the title to the end of the table of contents, the
    // text holds a cover and nothing of a body: it is kept as `partial`, its cover read.
    let vocab = Vocab::builtin();
    let text = &seed_text();
    let original = text.as_bytes();
    let body = text.find("一、总体绩效目标 TC").unwrap();
    let body = text[..body].rfind('\n').unwrap();
    let title_end = text.find("绩效文本\n").unwrap() + "绩效文本".len();
    let line_ends: Vec<usize> = text[..body]
        .match_indices('\n')
        .map(|(at, _)| at)
        .filter(|&at| at >= title_end)
        .collect();
    assert!(line_ends.len() > 20, "{} cuts", line_ends.len());
    for cut in line_ends {
        let name = format!("cut at byte {cut}");
        let extraction = process_bytes(name.clone(), &original[..cut], &vocab);
        let document = &extraction.documents[0];
        assert_eq!(document.status, "partial", "{name}");
        assert_eq!(
            document.title.as_deref(),
            Some("2021年部门预算绩效文本"),
            "{name}"
        );
        assert_eq!(document.year, Some(2021), "{name}");
        assert_eq!(document.department.as_deref(), Some("纪委部门"), "{name}");
        assert!(reports(&extraction, "truncated_body"), "{name}");
    }
}

#[test]
fn a_text_cut_off_between_project_tables_is_partial() {
    // Cut before the heading of project 2, 3, 4 or 5, the text ends after a whole table,
    // so no table is cut off; the projects its table of contents lists last are missing.
    let vocab = Vocab::builtin();
    let text = &seed_text();
    let original = text.as_bytes();
    let headings = project_headings(text);
    for project in 2..=5 {
        let cut = headings[project - 1];
        let name = format!("cut before project {project}");
        let extraction = process_bytes(name.clone(), &original[..cut], &vocab);
        assert_eq!(extraction.documents[0].status, "partial", "{name}");
        assert_eq!(extraction.projects.len(), project - 1, "{name}");
        assert!(reports(&extraction, "truncated_body"), "{name}");
        assert!(!reports(&extraction, "truncated_table"), "{name}");
    }
}

#[test]
fn a_text_cut_off_right_after_a_project_heading_is_partial() {
    // Without a table of contents to count projects by, the heading with nothing after
    // it says the file was cut: a whole document never ends on one.
    let vocab = Vocab::builtin();
    let text = &seed_text();
    let contents = text.find("目    录").unwrap();
    let body = text.find("\n第一部分\n").unwrap();
    let without_contents = format!("{}{}", &text[..contents], &text[body + 1..]);
    for project in 2..=5 {
        let heading = project_headings(&without_contents)[project - 1];
        let line_end = heading + without_contents[heading..].find('\n').unwrap() + 1;
        let name = format!("cut after the heading of project {project}");
        let cut = &without_contents.as_bytes()[..line_end];
        let extraction = process_bytes(name.clone(), cut, &vocab);
        assert_eq!(extraction.documents[0].status, "partial", "{name}");
        assert_eq!(extraction.projects.len(), project, "{name}");
        assert!(extraction.projects[project - 1].truncated, "{name}");
        assert!(reports(&extraction, "truncated_table"), "{name}");
    }
}

#[test]
fn a_text_cut_off_inside_a_table_cell_is_partial() {
    // Cut in the middle of the first cell of a row below another row, anywhere in the
    // project tables, the text ends without a line break in a row shorter than the one
    // above: partial. Whole, with its last line breaks trimmed so that it ends in a full
    // last row, it only gets a warning.
    let vocab = Vocab::builtin();
    let text = &seed_text();
    let original = text.as_bytes();
    let mut starts = Vec::new();
    let mut at = 0;
    let lines: Vec<&str> = text
        .split_inclusive('\n')
        .inspect(|line| {
            starts.push(at);
            at += line.len();
        })
        .collect();
    let row_starts: Vec<usize> = (2..lines.len())
        .filter(|&i| {
            lines[i].starts_with('\t')
                && lines[i].chars().count() > 3
                && lines[i - 1].trim().is_empty()
                && lines[i - 2].starts_with('\t')
        })
        .collect();
    assert!(row_starts.len() > 30, "{} rows", row_starts.len());
    for &i in &row_starts {
        // After the TAB and the cell's first character: a character boundary.
        let cut = starts[i] + 1 + lines[i][1..].chars().next().unwrap().len_utf8();
        let name = format!("cut at byte {cut}");
        let extraction = process_bytes(name.clone(), &original[..cut], &vocab);
        assert_eq!(extraction.documents[0].status, "partial", "{name}");
        assert!(reports(&extraction, "truncated_text"), "{name}");
    }
    // The seed up to project 5, with its contents' entry for it gone: whole.
    let whole = text[..project_headings(text)[4]].replace("105.区委巡察专项经费绩效目标表\n", "");
    for ending in ["\n\n", "\n", ""] {
        let document = format!("{}{ending}", whole.trim_end());
        let extraction = process_bytes("whole".into(), document.as_bytes(), &vocab);
        let warned = extraction
            .diagnostics
            .iter()
            .any(|d| d.code == "truncated_text" && d.severity == "warning");
        assert_eq!(warned, ending.is_empty(), "ending {ending:?}");
        assert_eq!(extraction.documents[0].status, "ok", "ending {ending:?}");
    }
}

#[test]
fn a_docx_that_ends_on_a_project_heading_is_whole_if_its_body_closes() {
    // A project whose table is a picture leaves nothing after its heading; in a DOCX whose
    // body closes, that is not a cut.
    let paragraph = |text: &str| format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>");
    let body = [
        paragraph("2021年部门预算绩效文本"),
        paragraph("第二部分 预算项目绩效目标"),
        paragraph("1.办案经费绩效目标表"),
        "<w:p><w:r><w:drawing/></w:r></w:p>".to_string(),
    ]
    .concat();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let extraction = process_bytes(
        "picture.docx".into(),
        &docx_of(xml.as_bytes()),
        &Vocab::builtin(),
    );
    assert!(!reports(&extraction, "truncated_table"));
    assert!(!extraction.projects[0].truncated);
    // The same as a text export: nothing says the document was not cut there.
    let text = "2021年部门预算绩效文本\n第二部分 预算项目绩效目标\n1.办案经费绩效目标表\n\n";
    let extraction = process_bytes("picture.txt".into(), text.as_bytes(), &Vocab::builtin());
    assert!(extraction.projects[0].truncated);
}

#[test]
fn a_whole_document_with_a_table_of_contents_is_not_taken_for_cut_off() {
    // The seed up to project 5, its table of contents listing projects 1 to 4: whole. So
    // it stays with its contents worded as Word's TC fields word them (`1、` for `1.`),
    // with sections the body does not have, with dot leaders, pages after a tab (as Word's
    // TOC field prints them), a page number after a part, no parts, or each project listed
    // twice; cut before project 4, it is not (but with dot leaders, where no entry's page
    // number can be told apart from its number).
    let vocab = Vocab::builtin();
    let original = seed_text();
    let whole =
        original[..project_headings(&original)[4]].replace("105.区委巡察专项经费绩效目标表\n", "");
    let variants = [
        ("as printed", whole.clone()),
        (
            "worded as TC fields",
            ["61.", "72.", "83.", "94."]
                .iter()
                .fold(whole.clone(), |text, entry| {
                    text.replacen(entry, &entry.replace('.', "、"), 1)
                }),
        ),
        (
            "with sections the body lacks",
            whole
                .replacen(
                    "3三、工作保障措施\n",
                    "3三、工作保障措施\n4四、其他说明\n",
                    1,
                )
                .replacen(
                    "94.车辆保险费绩效目标表\n",
                    "94.车辆保险费绩效目标表\n第三部分 附件\n111.名词解释\n",
                    1,
                ),
        ),
        (
            "with dot leaders",
            whole.replace("绩效目标表\n", "绩效目标表……\n"),
        ),
        (
            "with pages after a tab",
            ["61.", "72.", "83.", "94."]
                .iter()
                .fold(whole.clone(), |text, entry| {
                    let at = text.find(entry).unwrap();
                    let end = at + text[at..].find('\n').unwrap();
                    let (page, title) = (&entry[..1], &text[at + 1..end]);
                    text.replacen(&text[at..end], &format!("{title}\t{page}"), 1)
                }),
        ),
        (
            "with a page after a part",
            whole.replacen(
                "第二部分 预算项目绩效目标\n",
                "第二部分 预算项目绩效目标\t5\n",
                1,
            ),
        ),
        (
            "without parts",
            whole
                .replacen("第一部分 部门整体绩效目标\n", "", 1)
                .replacen("第二部分 预算项目绩效目标\n", "", 1),
        ),
        (
            "with entries listed twice",
            ["61.纪委", "72.纪检", "83.人事", "94.车辆"].iter().fold(
                whole.clone(),
                |text, entry| {
                    let at = text.find(entry).unwrap();
                    let line = &text[at..at + text[at..].find('\n').unwrap() + 1];
                    text.replacen(line, &line.repeat(2), 1)
                },
            ),
        ),
    ];
    for (name, text) in variants {
        let extraction = process_bytes(name.into(), text.as_bytes(), &vocab);
        assert_eq!(extraction.projects.len(), 4, "{name}");
        assert_eq!(extraction.documents[0].status, "ok", "{name}");
        assert!(!reports(&extraction, "truncated_body"), "{name}");
        if name != "with dot leaders" {
            let cut = &text.as_bytes()[..text.find("4.车辆保险费绩效目标表 TC").unwrap()];
            let extraction = process_bytes(name.into(), cut, &vocab);
            assert_eq!(extraction.documents[0].status, "partial", "{name}, cut");
            assert!(reports(&extraction, "truncated_body"), "{name}, cut");
        }
    }
}

#[test]
fn a_docx_cut_off_keeps_what_its_document_part_held() {
    // Cut off, an archive loses its central directory (at its end); word/document.xml is
    // then read from its local header, as far as its data goes.
    let vocab = Vocab::builtin();
    let original = corpus("docx/seed.docx");
    let whole = process_bytes("whole".into(), &original, &vocab);
    let data_start = find(&original, b"word/document.xml", 0) + "word/document.xml".len();
    let data_end = find(&original, b"PK\x03\x04", data_start);
    let mut cuts = positions(original.len() - data_start, 30, 5);
    cuts.push(data_end - data_start);
    let (mut inside, mut after) = (0, 0);
    for cut in cuts
        .into_iter()
        .map(|c| data_start + c)
        .filter(|&c| c > data_start + 1500)
    {
        let name = format!("seed.docx cut at {cut}");
        let extraction = process_bytes(name.clone(), &original[..cut], &vocab);
        let document = &extraction.documents[0];
        assert!(reports(&extraction, "damaged_archive"), "{name}");
        assert_eq!(document.year, whole.documents[0].year, "{name}");
        assert_eq!(document.title, whole.documents[0].title, "{name}");
        if cut < data_end {
            inside += 1;
            assert_eq!(document.status, "partial", "{name}");
            assert!(extraction.projects.len() <= whole.projects.len(), "{name}");
        } else {
            after += 1;
            assert_eq!(document.status, whole.documents[0].status, "{name}");
            // The same rows but for the document id (a hash of the file's bytes).
            let same = |rows: String| rows.replace(&*document.doc_id, &whole.documents[0].doc_id);
            assert_eq!(
                same(format!("{:?}", extraction.projects)),
                format!("{:?}", whole.projects),
                "{name}"
            );
            assert_eq!(
                same(format!("{:?}", extraction.indicators)),
                format!("{:?}", whole.indicators),
                "{name}"
            );
        }
    }
    assert!(
        inside >= 2 && after >= 2,
        "cuts inside the part: {inside}, after it: {after}"
    );
}

#[test]
fn a_docx_whose_compressed_document_is_damaged_keeps_what_came_before() {
    // A byte flipped in the deflate stream of word/document.xml garbles what follows, and
    // often fails the inflating a little later ("invalid distance too far back"). What
    // was inflated before is still read: it used to be dropped with the read that met
    // the error, and the document failed.
    let vocab = Vocab::builtin();
    let original = corpus("docx/seed.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
    let part = archive.by_name("word/document.xml").unwrap();
    let start = part.data_start().unwrap() as usize;
    let data = start..start + part.compressed_size() as usize;
    check_flips_in_deflate("seed.docx", &original, data, &vocab);

    // The same part written to a stream (its sizes and checksum after its data) in an
    // archive cut off before its central directory: read from its local header.
    let mut zip = zip::ZipWriter::new_stream(Vec::new());
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, &document_xml(&original)).unwrap();
    let streamed = zip.finish().unwrap().into_inner();
    let cut = &streamed[..find(&streamed, b"PK\x01\x02", 0)];
    let name_len = usize::from(u16::from_le_bytes([cut[26], cut[27]]));
    let extra_len = usize::from(u16::from_le_bytes([cut[28], cut[29]]));
    let start = 30 + name_len + extra_len;
    let data = start..find(cut, b"PK\x07\x08", start);
    check_flips_in_deflate("a streamed seed cut off", cut, data, &vocab);
}

/// Flips bytes past the first quarter of `data`, the deflate stream of `docx`'s
/// word/document.xml: each damaged copy must be `partial` with the cover of the whole,
/// and at least five of the flips must fail the inflating.
fn check_flips_in_deflate(label: &str, docx: &[u8], data: std::ops::Range<usize>, vocab: &Vocab) {
    let whole = process_bytes("whole".into(), docx, vocab);
    assert!(!whole.projects.is_empty(), "{label}");
    let len = data.len();
    let flips = (0..120).map(|i| data.start + len / 4 + i * len / 160);
    let mut inflating_failed = 0;
    for at in flips {
        let name = format!("{label}, byte {at} flipped");
        let mut damaged = docx.to_vec();
        damaged[at] ^= 0x5A;
        let extraction = process_bytes(name.clone(), &damaged, vocab);
        let document = &extraction.documents[0];
        assert_eq!(document.status, "partial", "{name}");
        assert_eq!(document.title, whole.documents[0].title, "{name}");
        assert_eq!(document.year, whole.documents[0].year, "{name}");
        assert!(extraction.projects.len() <= whole.projects.len(), "{name}");
        inflating_failed += usize::from(inflating_fails(&damaged[data.clone()]));
    }
    assert!(
        inflating_failed >= 5,
        "{label}: {inflating_failed} flips failed the inflating"
    );
}

/// Whether inflating a deflate stream fails (rather than only ending in a wrong checksum).
fn inflating_fails(stream: &[u8]) -> bool {
    let mut xml = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(stream), &mut xml)
        .is_err_and(|e| e.to_string().contains("corrupt deflate stream"))
}

#[test]
fn a_docx_with_bytes_that_are_not_utf8_keeps_the_rest() {
    // A byte that is not UTF-8 in the department's name, on the cover: it is replaced,
    // and every project after it is still read (the XML used to break off there).
    let vocab = Vocab::builtin();
    let original = corpus("docx/seed.docx");
    let whole = process_bytes("whole".into(), &original, &vocab);
    let xml = document_xml(&original);
    let department = "纪委部门".as_bytes();
    let at = xml
        .windows(department.len())
        .position(|w| w == department)
        .unwrap();
    let mut one_bad = xml.clone();
    one_bad.insert(at + 3, 0xFF); // after 纪
    let extraction = process_bytes("one bad byte".into(), &docx_of(&one_bad), &vocab);
    let document = &extraction.documents[0];
    assert_eq!(document.department.as_deref(), Some("纪\u{FFFD}委部门"));
    assert_eq!(document.title, whole.documents[0].title);
    assert_eq!(document.status, whole.documents[0].status);
    assert!(reports(&extraction, "undecodable_bytes"));
    assert_eq!(extraction.projects.len(), whole.projects.len());
    assert_eq!(extraction.indicators.len(), whole.indicators.len());
    let severity = |extraction: &Extraction| {
        let diagnostic = extraction
            .diagnostics
            .iter()
            .find(|d| d.code == "undecodable_bytes");
        diagnostic.map(|d| d.severity.clone())
    };
    assert_eq!(severity(&extraction).as_deref(), Some("warning"));
    // Many are a document not in UTF-8 at all: still read, but as an error (partial).
    let mut many_bad = xml;
    for _ in 0..20 {
        many_bad.insert(at + 3, 0xFF);
    }
    let extraction = process_bytes("many bad bytes".into(), &docx_of(&many_bad), &vocab);
    assert_eq!(extraction.documents[0].status, "partial");
    assert_eq!(severity(&extraction).as_deref(), Some("error"));
    assert_eq!(extraction.projects.len(), whole.projects.len());
}

#[test]
fn corrupted_document_xml_never_crashes() {
    let vocab = Vocab::builtin();
    let xml = document_xml(&corpus("docx/constructs.docx"));
    for (i, at) in positions(xml.len(), 60, 3).into_iter().enumerate() {
        let mut broken = xml.clone();
        broken[at] = b"<>/\"&="[i % 6];
        check(
            &format!("document.xml byte {at} ({i})"),
            &docx_of(&broken),
            &vocab,
        );
    }
}
