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
    let original = corpus("seed/000_154ac4639b0e3315.txt");
    let inside_a_character = |at: usize| original[at] & 0xC0 == 0x80;
    // Cut past the table of contents: a file cut inside its cover has no body to find.
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
fn a_docx_cut_off_keeps_what_its_document_part_held() {
    // Cut off, an archive loses its central directory (at its end); word/document.xml is
    // then read from its local header, as far as its data goes.
    let vocab = Vocab::builtin();
    let original = corpus("docx/seed.docx");
    let whole = process_bytes("whole".into(), &original, &vocab);
    let find = |what: &[u8], from: usize| {
        from + original[from..]
            .windows(what.len())
            .position(|w| w == what)
            .unwrap()
    };
    let data_start = find(b"word/document.xml", 0) + "word/document.xml".len();
    let data_end = find(b"PK\x03\x04", data_start);
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
fn corrupted_document_xml_never_crashes() {
    let vocab = Vocab::builtin();
    let docx = corpus("docx/constructs.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    for (i, at) in positions(xml.len(), 60, 3).into_iter().enumerate() {
        let mut broken = xml.clone().into_bytes();
        broken[at] = b"<>/\"&="[i % 6];
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            zip.start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(&mut zip, &broken).unwrap();
            zip.finish().unwrap();
        }
        check(
            &format!("document.xml byte {at} ({i})"),
            &out.into_inner(),
            &vocab,
        );
    }
}
