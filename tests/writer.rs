//! The writer on its own: part files of bounded size, rows kept whole.

use jixiao::batch::{process_bytes, FileList, RunOptions};
use jixiao::extract::records::Extraction;
use jixiao::extract::vocab::Vocab;
use jixiao::record::{DeferredWork, Record, TableSink};
use jixiao::schema::Catalog;
use jixiao::write::{part_files, DatasetWriter};
use polars::prelude::{ParquetReader, SerReader};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The records of the seed document.
fn seed_extraction() -> Extraction {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed/000_154ac4639b0e3315.txt");
    process_bytes(
        "seed".into(),
        &std::fs::read(seed).unwrap(),
        &Vocab::builtin(),
    )
}

#[test]
fn a_table_is_split_into_parts_of_at_most_the_given_rows() {
    let extraction = seed_extraction();
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
    let extraction = seed_extraction();
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
    // 42 rows under a cap of 21: row groups of 22 and 20 rows, in one file.
    let (row_groups, written, expected) = write_indicators_one_by_one(21);
    assert_eq!(row_groups, [2]);
    assert_eq!(written, expected);
}

#[test]
fn a_part_file_is_closed_after_a_few_row_groups() {
    // 42 rows under a cap of 5: seven row groups of 6 rows, more than one file holds.
    let (row_groups, written, expected) = write_indicators_one_by_one(5);
    assert_eq!(row_groups.iter().sum::<usize>(), 7, "{row_groups:?}");
    assert!(
        row_groups.len() > 1 && row_groups.iter().all(|&n| n <= 2),
        "{row_groups:?}"
    );
    assert_eq!(written, expected);
}

/// Every file of the dataset in `dir`, as (path relative to `dir`, bytes), sorted by path.
fn dataset_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().display().to_string();
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn queued_row_groups_make_the_same_files_as_writing_on_the_callers_thread() {
    let extraction = seed_extraction();
    let write = |threads: usize| {
        let out = tempfile::tempdir().unwrap();
        // A small cap and small parts: many flushes, part files opened and closed while
        // other threads write earlier row groups, in two partitions.
        let mut writer = DatasetWriter::create(out.path(), &Catalog::builtin())
            .unwrap()
            .with_max_buffered_rows(7)
            .with_rows_per_part(20)
            .with_worker_encoding(threads);
        let deferred = writer.deferred_work();
        assert_eq!(deferred.is_some(), threads > 0);
        let writing = AtomicBool::new(true);
        let helped = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            // Threads that help while the writer takes rows, as the batch's workers do.
            for _ in 0..threads {
                scope.spawn(|| {
                    while writing.load(Ordering::SeqCst) {
                        if deferred.as_ref().is_some_and(|work| work.run_some()) {
                            helped.fetch_add(1, Ordering::SeqCst);
                        } else {
                            std::thread::yield_now();
                        }
                    }
                });
            }
            for year in [2021, 2022, 2021, 2023, 2022] {
                writer.partition(Some(year));
                extraction.write_to(&mut writer);
            }
            writing.store(false, Ordering::SeqCst);
        });
        writer.finish().unwrap();
        let files = dataset_files(out.path());
        (files, helped.into_inner(), out)
    };
    let (inline, _, _a) = write(0);
    let (queued, helped, _b) = write(3);
    assert!(helped > 0, "no helping thread wrote a row group");
    let parts = inline
        .iter()
        .filter(|(path, _)| path.starts_with("indicators/year=2021/"))
        .count();
    assert!(
        parts > 3,
        "the test should queue several part files at once: {parts}"
    );
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&inline), names(&queued));
    for ((path, a), (_, b)) in inline.iter().zip(&queued) {
        assert!(a == b, "{path} differs when its row groups are queued");
    }
}

/// A writer that queues row groups for others to compress, under a cap of `max_buffered`
/// rows (half as many may wait in the queue).
fn queued_writer(out: &Path, max_buffered: usize) -> DatasetWriter {
    DatasetWriter::create(out, &Catalog::builtin())
        .unwrap()
        .with_max_buffered_rows(max_buffered)
        .with_rows_per_part(20)
        .with_worker_encoding(2)
}

/// Entries of `dir`, by name, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_queued_row_group_that_cannot_be_written_fails_the_run_and_leaves_nothing_behind() {
    let extraction = seed_extraction();
    let out = tempfile::tempdir().unwrap();
    let mut writer = queued_writer(out.path(), 7);
    // A directory where the first part file of a table should go: creating it fails in
    // whichever thread runs the queued job.
    let staging = out
        .path()
        .join(format!(".jixiao-staging-{}", std::process::id()));
    let blocked = staging.join("indicators/year=2021/part-00000.parquet");
    std::fs::create_dir_all(&blocked).unwrap();
    writer.partition(Some(2021));
    extraction.write_to(&mut writer);
    let error = writer.finish().unwrap_err().to_string();
    assert!(
        error.contains("cannot create") && error.contains("part-00000.parquet"),
        "{error}"
    );
    assert_eq!(entries(out.path()), Vec::<String>::new());
}

#[test]
fn a_queued_writer_dropped_unfinished_leaves_nothing_behind() {
    let extraction = seed_extraction();
    let out = tempfile::tempdir().unwrap();
    // Room for many jobs in the queue at once.
    let mut writer = queued_writer(out.path(), 200);
    let deferred = writer.deferred_work().expect("queued");
    for year in [2021, 2022] {
        writer.partition(Some(year));
        extraction.write_to(&mut writer);
    }
    // Some of the queued jobs done, the rest left waiting.
    assert!(deferred.run_some(), "nothing was queued");
    drop(writer);
    assert_eq!(entries(out.path()), Vec::<String>::new());
    // The queue outlives the writer here; nothing is left in it to write.
    assert!(
        !deferred.run_some(),
        "a job ran after the writer was dropped"
    );
}

#[test]
fn a_batch_run_has_its_workers_compress_what_the_writer_queues() {
    /// The dataset writer, counting the pieces of its deferred work done by others.
    struct Counting {
        writer: DatasetWriter,
        done: Arc<AtomicUsize>,
    }
    struct CountingWork {
        work: Arc<dyn DeferredWork>,
        done: Arc<AtomicUsize>,
    }
    impl DeferredWork for CountingWork {
        fn run_some(&self) -> bool {
            let ran = self.work.run_some();
            self.done.fetch_add(ran as usize, Ordering::SeqCst);
            ran
        }
    }
    impl TableSink for Counting {
        fn partition(&mut self, year: Option<i32>) {
            self.writer.partition(year);
        }
        fn rows<R: Record>(&mut self, rows: &[R]) {
            self.writer.rows(rows);
        }
        fn deferred_work(&self) -> Option<Arc<dyn DeferredWork>> {
            let work = self.writer.deferred_work()?;
            let done = Arc::clone(&self.done);
            Some(Arc::new(CountingWork { work, done }))
        }
    }

    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed/000_154ac4639b0e3315.txt");
    let files = FileList::from_paths(std::iter::repeat_n(&seed, 20)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut sink = Counting {
        writer: queued_writer(out.path(), 7),
        done: Arc::default(),
    };
    let options = RunOptions {
        jobs: 2,
        ..RunOptions::default()
    };
    let summary =
        jixiao::batch::run(&files, &Vocab::builtin(), &mut sink, &options, |_| {}).unwrap();
    assert_eq!(summary.documents, 20);
    let counts = sink.writer.finish().unwrap();
    assert!(
        counts.contains(&("indicators".to_string(), 20 * 42)),
        "{counts:?}"
    );
    assert!(
        sink.done.load(Ordering::SeqCst) > 0,
        "the workers compressed nothing"
    );
}
