//! The writer on its own: part files of bounded size, rows kept whole.

use jixiao::batch::process_bytes;
use jixiao::extract::vocab::Vocab;
use jixiao::record::TableSink;
use jixiao::schema::Catalog;
use jixiao::write::{part_files, DatasetWriter};
use polars::prelude::{ParquetReader, SerReader};
use std::path::Path;

#[test]
fn a_table_is_split_into_parts_of_at_most_the_given_rows() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed/000_154ac4639b0e3315.txt");
    let extraction = process_bytes(
        "seed".into(),
        &std::fs::read(seed).unwrap(),
        &Vocab::builtin(),
    );
    let out = tempfile::tempdir().unwrap();
    let mut writer = DatasetWriter::create(out.path(), &Catalog::builtin())
        .unwrap()
        .with_rows_per_part(5);
    writer.partition(Some(2021));
    extraction.write_to(&mut writer);
    let counts = writer.finish().unwrap();
    assert!(
        counts.contains(&("indicators".to_string(), 42)),
        "{counts:?}"
    );
    let parts = part_files(&out.path().join("indicators/year=2021"));
    assert_eq!(parts.len(), 9, "42 rows in parts of 5");
    let mut total = 0;
    for part in parts {
        let frame = ParquetReader::new(std::fs::File::open(&part).unwrap())
            .finish()
            .unwrap();
        assert!(frame.height() <= 5, "{}", part.display());
        total += frame.height();
    }
    assert_eq!(total, 42);
}

/// Indicator rows as (project, seq).
type RowKeys = Vec<(i32, i32)>;

/// The seed's indicators written one row at a time under a cap of `max_buffered` rows:
/// per part file, its row groups; and all rows, as (project, seq), in file order.
fn write_indicators_one_by_one(max_buffered: usize) -> (Vec<usize>, RowKeys, RowKeys) {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed/000_154ac4639b0e3315.txt");
    let extraction = process_bytes(
        "seed".into(),
        &std::fs::read(seed).unwrap(),
        &Vocab::builtin(),
    );
    let expected: RowKeys = extraction
        .indicators
        .iter()
        .map(|i| (i.project_seq, i.seq))
        .collect();
    let out = tempfile::tempdir().unwrap();
    let mut writer = DatasetWriter::create(out.path(), &Catalog::builtin())
        .unwrap()
        .with_max_buffered_rows(max_buffered);
    writer.partition(Some(2021));
    // One indicator at a time, as documents bring them: the cap forces many small flushes.
    for indicator in extraction.indicators.chunks(1) {
        writer.rows(indicator);
    }
    writer.finish().unwrap();
    let mut row_groups = Vec::new();
    let mut written = Vec::new();
    for part in part_files(&out.path().join("indicators/year=2021")) {
        let mut reader = ParquetReader::new(std::fs::File::open(&part).unwrap());
        row_groups.push(reader.get_metadata().unwrap().row_groups.len());
        let frame = reader.finish().unwrap();
        let project_seq = frame.column("project_seq").unwrap().i32().unwrap();
        let seq = frame.column("seq").unwrap().i32().unwrap();
        written.extend(
            (0..frame.height()).map(|row| (project_seq.get(row).unwrap(), seq.get(row).unwrap())),
        );
    }
    (row_groups, written, expected)
}

#[test]
fn small_buffers_write_row_groups_into_one_part_keeping_row_order() {
    // 42 rows under a cap of 15: row groups of 16, 16 and 10 rows, in one file.
    let (row_groups, written, expected) = write_indicators_one_by_one(15);
    assert_eq!(row_groups, [3]);
    assert_eq!(written, expected);
}

#[test]
fn a_part_file_is_closed_after_a_few_row_groups() {
    // 42 rows under a cap of 5: seven row groups of 6 rows, more than one file holds.
    let (row_groups, written, expected) = write_indicators_one_by_one(5);
    assert_eq!(row_groups.iter().sum::<usize>(), 7, "{row_groups:?}");
    assert!(
        row_groups.len() > 1 && row_groups.iter().all(|&n| n <= 4),
        "{row_groups:?}"
    );
    assert_eq!(written, expected);
}
