//! The synthetic corpus: every record a generated document must yield is extracted,
//! across formats (UTF-8 and GB18030 text, DOCX), layout variants and styles of contents.

use jixiao::batch::process_bytes;
use jixiao::extract::records::Extraction;
use jixiao::extract::vocab::Vocab;
use jixiao::record::TsvTables;
use jixiao::synth::{generate, generate_planted, PlantKind};
use pretty_assertions::assert_eq;

fn tables(mut extraction: Extraction) -> Vec<(&'static str, String)> {
    extraction.forget_file();
    let mut out = TsvTables::default();
    extraction.write_to(&mut out);
    out.tables
}

#[test]
fn three_hundred_generated_documents_yield_exactly_their_truth() {
    let vocab = Vocab::builtin();
    let mut formats = std::collections::BTreeMap::new();
    let mut contents = std::collections::BTreeMap::new();
    let (mut with_duties, mut with_safeguards) = (0, 0);
    for index in 0..300 {
        let file = generate(7, index);
        let style = match file.truth.toc_entries.first() {
            None => "none",
            Some(entry) if entry.raw.contains('…') => "page after leaders",
            Some(_) => "page glued in front",
        };
        *contents.entry(style).or_insert(0) += 1;
        with_duties += usize::from(!file.truth.duty_indicators.is_empty());
        with_safeguards += usize::from(!file.truth.safeguards.is_empty());
        let extraction = process_bytes(file.path.clone(), &file.bytes, &vocab);
        *formats
            .entry(
                extraction.documents[0].source_format.clone()
                    + extraction.documents[0].encoding.as_deref().unwrap_or(""),
            )
            .or_insert(0) += 1;
        for ((table, got), (_, want)) in tables(extraction).into_iter().zip(tables(file.truth)) {
            assert_eq!(got, want, "document {index} ({}), table {table}", file.path);
        }
    }
    assert_eq!(
        formats.len(),
        3,
        "text UTF-8, text GB18030 and DOCX all generated: {formats:?}"
    );
    assert_eq!(
        contents.len(),
        3,
        "every contents style generated: {contents:?}"
    );
    assert!(with_duties > 100 && with_safeguards > 100);
}

#[test]
fn generated_texts_cut_before_their_last_project_are_partial() {
    let vocab = Vocab::builtin();
    let mut cut = 0;
    for index in 0..300 {
        let file = generate(7, index);
        let projects = &file.truth.projects;
        let n = projects.len();
        // UTF-8 text exports with contents and two projects or more.
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            continue;
        };
        if file.truth.toc_entries.is_empty() || n < 2 || !file.path.ends_with(".txt") {
            continue;
        }
        let name = projects[n - 1].heading.as_deref().expect("a heading");
        let heading = format!("\n{n}.{name}绩效目标表 TC");
        let at = text.rfind(&heading).expect("the last project's heading") + 1;
        let out = process_bytes(file.path.clone(), &file.bytes[..at], &vocab);
        let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            (out.documents[0].status.as_str(), codes, out.projects.len()),
            ("partial", vec!["truncated_body"], n - 1),
            "document {index} ({}) cut before project {n}",
            file.path
        );
        cut += 1;
    }
    assert!(cut > 50, "only {cut} documents cut");
}

#[test]
fn the_generator_is_deterministic() {
    for index in [0, 1, 99] {
        assert_eq!(generate(7, index).bytes, generate(7, index).bytes);
    }
    assert_ne!(generate(7, 3).bytes, generate(8, 3).bytes);
}

#[test]
fn planted_documents_yield_their_truth_and_plants_copy_their_source() {
    let vocab = Vocab::builtin();
    let mut kinds = std::collections::BTreeMap::new();
    for index in 0..120 {
        let (file, plant) = generate_planted(11, index, None);
        let extraction = process_bytes(file.path.clone(), &file.bytes, &vocab);
        if let Some(plant) = &plant {
            *kinds.entry(plant.kind.name()).or_insert(0) += 1;
            let projects = &extraction.projects;
            let target = projects.last().expect("the plant is the last project");
            assert_eq!(target.project_code.as_deref(), Some(&*plant.target_code));
            let (source_file, _) = generate_planted(11, plant.source_index, None);
            let source = process_bytes(source_file.path, &source_file.bytes, &vocab);
            assert_eq!(
                source.projects[0].project_code.as_deref(),
                Some(&*plant.source_code)
            );
            let rows = |e: &Extraction, seq: i32| -> Vec<String> {
                let mut rows: Vec<String> = e
                    .indicators
                    .iter()
                    .filter(|i| i.project_seq == seq)
                    .map(|i| format!("{:?}{:?}{:?}", i.level3, i.description, i.value_raw))
                    .collect();
                rows.sort();
                rows
            };
            let (copied, original) = (rows(&extraction, target.seq), rows(&source, 1));
            let purposes = (target.purpose.clone(), source.projects[0].purpose.clone());
            match plant.kind {
                PlantKind::Exact | PlantKind::Reordered => {
                    assert_eq!(copied, original);
                    assert_eq!(purposes.0, purposes.1);
                }
                PlantKind::Edited => {
                    let same = copied.iter().filter(|r| original.contains(r)).count();
                    assert_eq!(same, original.len() - 1, "one row edited");
                    assert_ne!(purposes.0, purposes.1);
                }
                PlantKind::Decoy => {
                    let same = copied.iter().filter(|r| original.contains(r)).count();
                    assert_eq!(same, original.len() / 2, "half the rows kept");
                }
            }
        }
        for ((table, got), (_, want)) in tables(extraction).into_iter().zip(tables(file.truth)) {
            assert_eq!(got, want, "document {index} ({}), table {table}", file.path);
        }
    }
    assert_eq!(kinds.len(), 4, "every kind planted: {kinds:?}");
}
