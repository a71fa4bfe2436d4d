//! Golden tests: every document in `corpus/` is extracted and each table compared with
//! the hand-checked TSV in `corpus/<file>.expected/<table>.tsv`.
//!
//! To write the expected files for a new corpus document, run with `JIXIAO_BLESS=1`,
//! then check every row against the source by hand before committing them.

use jixiao::batch::process_bytes;
use jixiao::extract::vocab::Vocab;
use jixiao::record::TsvTables;
use pretty_assertions::assert_eq;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Input documents of the corpus: every file not inside an `.expected` directory.
fn corpus_inputs() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = walkdir::WalkDir::new(corpus_dir())
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().ends_with(".expected"))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e != "md" && e != "py"))
        .collect();
    inputs.sort();
    inputs
}

fn expected_dir(input: &Path) -> PathBuf {
    let mut name = input.file_name().unwrap().to_os_string();
    name.push(".expected");
    input.with_file_name(name)
}

fn render(input: &Path, vocab: &Vocab) -> TsvTables {
    let bytes = std::fs::read(input).unwrap();
    let relative = input.strip_prefix(corpus_dir()).unwrap();
    let source_path = relative.to_string_lossy().replace('\\', "/");
    let extraction = process_bytes(source_path, &bytes, vocab);
    let mut tables = TsvTables::default();
    extraction.write_to(&mut tables);
    tables
}

#[test]
fn corpus_matches_expected_outputs() {
    let vocab = Vocab::builtin();
    let bless = std::env::var_os("JIXIAO_BLESS").is_some();
    let inputs = corpus_inputs();
    assert!(!inputs.is_empty(), "no corpus documents found");
    let mut checked = 0;
    for input in inputs {
        let expected = expected_dir(&input);
        if !expected.is_dir() && !bless {
            panic!(
                "{} has no expected outputs in {}; run with JIXIAO_BLESS=1 and check them by hand",
                input.display(),
                expected.display()
            );
        }
        for (table, actual) in render(&input, &vocab).tables {
            let path = expected.join(format!("{table}.tsv"));
            if bless {
                std::fs::create_dir_all(&expected).unwrap();
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            let wanted = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(wanted, actual, "{} differs from {}", table, path.display());
            checked += 1;
        }
    }
    assert!(bless || checked >= 11, "only {checked} tables compared");
}

/// The facts the seed must yield, stated independently of the expected files.
#[test]
fn seed_counts_match_the_hand_count() {
    let vocab = Vocab::builtin();
    let seed = corpus_dir().join("seed/000_154ac4639b0e3315.txt");
    let extraction = process_bytes("seed".into(), &std::fs::read(seed).unwrap(), &vocab);
    assert_eq!(extraction.projects.len(), 5);
    assert_eq!(extraction.spending_plan.len(), 20);
    assert_eq!(extraction.project_goals.len(), 7);
    assert_eq!(extraction.indicators.len(), 42);
    assert_eq!(extraction.duties.len(), 3);
    assert_eq!(extraction.duty_indicators.len(), 9);
    assert_eq!(extraction.safeguards.len(), 28);
    let top_level = extraction
        .safeguards
        .iter()
        .filter(|s| s.level == 1)
        .count();
    assert_eq!(top_level, 7);
    let pages: Vec<Option<i32>> = extraction.toc_entries.iter().map(|e| e.page).collect();
    let want: Vec<Option<i32>> = [1, 1, 3, 6, 7, 8, 9, 10].into_iter().map(Some).collect();
    assert_eq!(pages, want);
    let doc = &extraction.documents[0];
    assert_eq!(doc.status, "partial");
    assert_eq!(doc.year, Some(2021));
    assert_eq!(doc.region.as_deref(), Some("山海关区"));
    let last_project = extraction.projects.last().unwrap();
    assert!(last_project.truncated);
    assert!(extraction.projects[..4].iter().all(|p| !p.truncated));
    let last = extraction.indicators.last().unwrap();
    assert_eq!(last.level3.as_deref(), Some("业务保障能力"));
    assert_eq!(last.level1.as_deref(), Some("效益指标"));
    assert_eq!(last.value_raw, None);
    let truncation = extraction
        .diagnostics
        .iter()
        .find(|d| d.code == "truncated_table")
        .expect("a truncation diagnostic");
    assert_eq!(truncation.line, Some(645));
}

/// A GB18030 export with CRLF line ends yields the same records as the UTF-8 original.
#[test]
fn gb18030_crlf_export_yields_the_same_records() {
    let vocab = Vocab::builtin();
    let seed = std::fs::read_to_string(corpus_dir().join("seed/000_154ac4639b0e3315.txt")).unwrap();
    let crlf = seed.replace('\n', "\r\n");
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&crlf);
    assert!(!unmappable);
    let utf8 = process_bytes("seed".into(), seed.as_bytes(), &vocab);
    let mut converted = process_bytes("seed".into(), &gbk, &vocab);
    assert_eq!(converted.documents[0].encoding.as_deref(), Some("GB18030"));
    // Only what describes the file itself may differ.
    for (a, b) in converted.documents.iter_mut().zip(&utf8.documents) {
        a.encoding = b.encoding.clone();
        a.size_bytes = b.size_bytes;
        a.content_hash = b.content_hash.clone();
    }
    let doc_id = utf8.documents[0].doc_id.clone();
    let mut tables = TsvTables::default();
    converted.write_to(&mut tables);
    let mut original = TsvTables::default();
    utf8.write_to(&mut original);
    let other_id = converted.documents[0].doc_id.clone();
    for ((name, a), (_, b)) in tables.tables.iter().zip(&original.tables) {
        assert_eq!(a.replace(&*other_id, &doc_id), *b, "{name}");
    }
}
