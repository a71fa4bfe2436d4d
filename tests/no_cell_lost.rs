//! Nothing lost: a cell added anywhere in a corpus document's tables, whether in a row
//! of its own or among a row's cells (so that the cells after it move one column on),
//! lands in a record field or is reported in a diagnostic that quotes it.

use jixiao::batch::process_bytes;
use jixiao::extract::vocab::Vocab;
use jixiao::record::TsvTables;
use std::path::Path;

/// A small deterministic generator (the same recurrence as the robustness tests).
struct Draws(u64);

impl Draws {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize % n
    }
}

/// Every field and diagnostic of the document, each as one string.
fn everything_extracted(text: &str, vocab: &Vocab) -> Vec<String> {
    let mut tables = TsvTables::default();
    process_bytes("marked.txt".into(), text.as_bytes(), vocab).write_to(&mut tables);
    tables
        .tables
        .iter()
        .flat_map(|(_, tsv)| tsv.lines().skip(1))
        .flat_map(|line| line.split('\t'))
        .map(str::to_string)
        .collect()
}

/// A field holds the marker when it is the marker, or one of the lines of a field
/// joining several cells (TSV writes a line break as `\n`), or quotes it in a diagnostic.
fn holds(field: &str, marker: &str) -> bool {
    field.split("\\n").any(|line| line == marker) || field.contains(&format!("`{marker}`"))
}

#[test]
fn a_cell_added_to_a_table_is_never_lost() {
    let vocab = Vocab::builtin();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for path in [
        "seed/000_154ac4639b0e3315.txt",
        "docx/constructs.txt",
        "variants/wanyuan_synonyms_extra_columns.txt",
    ] {
        let text = std::fs::read_to_string(corpus.join(path)).unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        let cells: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with('\t'))
            .collect();
        let row_ends: Vec<usize> = (1..lines.len())
            .filter(|&i| lines[i].is_empty() && lines[i - 1].starts_with('\t'))
            .collect();
        let mut draws = Draws(7);
        for trial in 0..40 {
            let mut marked: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let mut markers = Vec::new();
            let mut places: Vec<(usize, bool)> = (0..4)
                .map(|_| match draws.below(3) {
                    0 => (row_ends[draws.below(row_ends.len())], true),
                    _ => (cells[draws.below(cells.len())], false),
                })
                .collect();
            // From the end, so that earlier line numbers stay valid.
            places.sort_unstable_by(|a, b| b.cmp(a));
            for (k, (at, own_row)) in places.into_iter().enumerate() {
                let marker = format!("标记{trial}之{k}");
                let inserted = if own_row {
                    vec![format!("\t{marker}"), String::new()]
                } else {
                    vec![format!("\t{marker}")]
                };
                marked.splice(at + 1..at + 1, inserted);
                markers.push(marker);
            }
            let extracted = everything_extracted(&marked.join("\n"), &vocab);
            for marker in &markers {
                let at = marked
                    .iter()
                    .position(|l| l.contains(marker.as_str()))
                    .unwrap();
                assert!(
                    extracted.iter().any(|field| holds(field, marker)),
                    "{path}, trial {trial}: `{marker}` was lost, added here: {:?}",
                    &marked[at.saturating_sub(4)..(at + 4).min(marked.len())]
                );
            }
        }
    }
}

#[test]
fn a_unit_column_that_disagrees_with_the_target_is_reported() {
    // The number is in the target's own unit (≥500元 is 500 yuan whatever the column
    // says); the unit column's word for it is reported, not lost.
    let vocab = Vocab::builtin();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/variants/wanyuan_synonyms_extra_columns.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let changed = text.replacen("\t万元\n\t不超过0.6\n", "\t万元\n\t不超过500元\n", 1);
    assert_ne!(changed, text);
    let extraction = process_bytes("unit.txt".into(), changed.as_bytes(), &vocab);
    let indicator = &extraction.indicators[2];
    assert_eq!(indicator.value_num, Some(500.0));
    assert_eq!(indicator.value_unit.as_deref(), Some("元"));
    let conflicts: Vec<&str> = (extraction.diagnostics.iter())
        .filter(|d| d.code == "unit_conflict")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(conflicts[0].contains("`万元`"), "{}", conflicts[0]);
}
