//! The synthetic corpus: every record a generated document must yield is extracted,
//! across formats (UTF-8 and GB18030 text, DOCX) and layout variants.

use jixiao::batch::process_bytes;
use jixiao::extract::records::Extraction;
use jixiao::extract::vocab::Vocab;
use jixiao::record::TsvTables;
use jixiao::synth::generate;
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
    for index in 0..300 {
        let file = generate(7, index);
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
}

#[test]
fn the_generator_is_deterministic() {
    for index in [0, 1, 99] {
        assert_eq!(generate(7, index).bytes, generate(7, index).bytes);
    }
    assert_ne!(generate(7, 3).bytes, generate(8, 3).bytes);
}
