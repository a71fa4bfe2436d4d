//! Records → Parquet, through the table definitions of `schemas/`.
//!
//! The writer takes the [`Catalog`] and never names a column itself: each table's column
//! buffers are built from its definition, and records are appended through
//! [`TableSink`]. Every table is partitioned by the budget year of its document, Hive
//! style (`indicators/year=2021/part-00000.parquet`), the `year` column living in the
//! directory name; pyarrow, pandas, polars and DuckDB restore it. Each table and partition
//! has a part file open; rows are buffered, and when the buffers of all tables together
//! hold more than [`MAX_BUFFERED_ROWS`], the largest (and those that waited too long) are
//! written to their files as row groups, so memory does not grow with the corpus; the
//! compression itself can be left to the threads feeding the writer
//! ([`DatasetWriter::with_worker_encoding`]).
//! A part file is closed at `rows_per_part` rows or a few row groups. Files are written
//! into a staging directory and moved into place when the run finishes, so readers never
//! see a half-written file; the moves are listed in a journal first, and a run killed
//! while making them is completed by the next run into the same directory.

mod columns;
mod commit;
mod compress;
mod encode;
mod existing;

pub use commit::complete_interrupted_commit;
pub use existing::{known_documents, part_files, KnownDocument, KnownDocuments};

use crate::record::{DeferredWork, Record, TableSink, Value};
use crate::schema::{Catalog, ColumnType, TableDef};
use columns::ColumnBuffer;
use commit::{Journal, Operation};
use encode::{Encoders, FileSchema, Job, PartFile, RowGroup};
use polars::prelude::{CompatLevel, DataFrame, DataType, Schema, SchemaExt};
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows of one table and partition per part file.
pub const DEFAULT_ROWS_PER_PART: usize = 250_000;
/// Rows all tables and partitions may buffer together; past it the largest buffers are
/// written out as row groups, so memory stays flat however large the corpus. Peak RSS is
/// the highest of the allocator's swings between flushes, and a longer run meets a higher
/// one: at 64,000 the throughput benchmark's text corpus peaked 9.4–10.4% higher over
/// 20,000 documents than over 2,000 at one job (three runs); at 48,000, 2.0–7.8% (fifteen
/// runs; at two jobs −0.6% to +11.5%), with every peak 2–3 MB lower, and the files of
/// 17,939 text exports 1.8% larger (297 part files instead of 266). At 32,000 two jobs
/// grew 11%.
pub const MAX_BUFFERED_ROWS: usize = 48_000;
/// Part files open at once; past it the fullest is closed (a run over many years).
const MAX_OPEN_PARTS: usize = 128;
/// Overflows of the cap a buffer may sit through unwritten. Writing out only the largest
/// buffers would let those of small tables (one `documents` row per document) grow for
/// tens of thousands of documents before their turn; this bounds how long they wait, so
/// memory settles within the first few thousand documents.
const MAX_OVERFLOWS_UNWRITTEN: u64 = 4;
/// Bytes buffered per open part file before they go to the file.
pub(crate) const PART_BUFFER: usize = 32 * 1024;
/// Row groups per part file. polars keeps about 2.4 KB per column and row group of an
/// open file until the file is finished (its page records); closing files after this
/// many row groups keeps that bounded however large the corpus. At 4,
/// heaptrack (two jobs) found it at 1.2 MB of the peak heap after 2,000 text exports and
/// 2.7 MB after 12,000: 1.5 of the 4.0 MB the peak grew by between them.
const MAX_ROW_GROUPS_PER_PART: usize = 2;

/// The column tables are partitioned by.
pub const PARTITION_COLUMN: &str = "year";
/// The partition of documents whose year is unknown (Hive's name for null).
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// Why the dataset could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A file system operation failed (the cause is the error's `source`, which the
    /// alternate form `{:#}` prints after this message).
    #[error("{action} {path}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// On which path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// polars refused to build or write a table.
    #[error("writing table `{table}`: {message}")]
    Parquet {
        /// Table name.
        table: String,
        /// polars' message.
        message: String,
    },
}

fn io_error<'a>(
    action: &'static str,
    path: &'a Path,
) -> impl FnOnce(std::io::Error) -> WriteError + 'a {
    move |source| WriteError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Writes a whole dataset: one directory of year partitions of Parquet files per table.
pub struct DatasetWriter {
    out_dir: PathBuf,
    staging: PathBuf,
    file_prefix: String,
    tables: Vec<TableState>,
    partition: String,
    rows_per_part: usize,
    max_buffered_rows: usize,
    buffered_rows: usize,
    /// Times the buffered rows went over the cap.
    overflows: u64,
    open_parts: usize,
    error: Option<WriteError>,
    /// Incremental run: the documents whose rows are removed; existing files are kept.
    update: Option<HashSet<String>>,
    /// Whether tables are split into `year=` directories.
    partitioned: bool,
    /// Where row groups are compressed and written.
    encoders: Encoders,
    /// Writing out the last buffers: no limit on rows in flight.
    finishing: bool,
    /// Part files opened so far: the id of the next one.
    parts_opened: u64,
    /// The commit's journal is written: the staging directory is its to remove.
    journaled: bool,
    /// Files written into the output directory with the tables: (name, contents).
    published_files: Vec<(String, String)>,
}

struct TableState {
    def: TableDef,
    /// Index of the partition column in the definition, if the table has it: its values
    /// live in the directory name, not in the files.
    partition_column: Option<usize>,
    partitions: BTreeMap<String, PartBuffer>,
    total_rows: u64,
    /// Columns, encodings and metadata of its part files.
    file_schema: Arc<FileSchema>,
}

struct PartBuffer {
    columns: Vec<ColumnBuffer>,
    /// Rows buffered, not yet written.
    rows: usize,
    /// Part files begun so far.
    parts: u32,
    open: Option<OpenPart>,
    /// The writer's count of cap overflows when this buffer was last written out.
    flushed_at: u64,
}

/// A part file being written (by the encoders), one row group per flush.
struct OpenPart {
    id: u64,
    rows: usize,
    row_groups: usize,
}

impl PartBuffer {
    /// Rows that still fit into the current part file.
    fn room(&self, rows_per_part: usize) -> usize {
        let written = self.open.as_ref().map_or(0, |o| o.rows);
        rows_per_part.saturating_sub(written + self.rows)
    }
}

impl TableState {
    fn file_columns(&self) -> impl Iterator<Item = (usize, &crate::schema::Column)> {
        file_columns(&self.def, self.partition_column)
    }

    fn new_buffer(&self) -> PartBuffer {
        PartBuffer {
            columns: self
                .file_columns()
                .map(|(_, c)| ColumnBuffer::new(c.kind, c.encoding))
                .collect(),
            rows: 0,
            parts: 0,
            open: None,
            flushed_at: 0,
        }
    }
}

impl DatasetWriter {
    /// Prepares `out_dir` (created if needed) for a new dataset.
    pub fn create(out_dir: &Path, catalog: &Catalog) -> Result<DatasetWriter, WriteError> {
        fs::create_dir_all(out_dir).map_err(io_error("cannot create output directory", out_dir))?;
        complete_interrupted_commit(out_dir)?;
        // Staging directories left by runs that were killed before their commit hold
        // nothing a reader loads; clear them away.
        let entries = fs::read_dir(out_dir).map_err(io_error("cannot read", out_dir))?;
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(".jixiao-staging-")
            {
                let path = entry.path();
                fs::remove_dir_all(&path).map_err(io_error("cannot clear", &path))?;
            }
        }
        let staging = out_dir.join(format!(".jixiao-staging-{}", std::process::id()));
        fs::create_dir_all(&staging)
            .map_err(io_error("cannot write into output directory", out_dir))?;
        let tables = catalog
            .tables
            .iter()
            .map(|def| {
                let partition_column = def.column_index(PARTITION_COLUMN);
                TableState {
                    file_schema: Arc::new(file_schema(def, partition_column, &catalog.version)),
                    partition_column,
                    def: def.clone(),
                    partitions: BTreeMap::new(),
                    total_rows: 0,
                }
            })
            .collect();
        Ok(DatasetWriter {
            out_dir: out_dir.to_path_buf(),
            staging,
            file_prefix: String::new(),
            tables,
            partition: NULL_PARTITION.to_string(),
            rows_per_part: DEFAULT_ROWS_PER_PART,
            max_buffered_rows: MAX_BUFFERED_ROWS,
            buffered_rows: 0,
            overflows: 0,
            open_parts: 0,
            error: None,
            update: None,
            partitioned: true,
            encoders: Encoders::inline(),
            finishing: false,
            parts_opened: 0,
            journaled: false,
            published_files: Vec::new(),
        })
    }

    /// Queues row groups, to be compressed and written by the threads that feed the
    /// writer, between their calls ([`TableSink::deferred_work`]), so that a large flush
    /// does not hold up the one writing; what is left at the end is done on `threads`
    /// threads. With 0, row groups are written on the caller's thread as they come.
    pub fn with_worker_encoding(mut self, threads: usize) -> Self {
        self.encoders = match threads {
            0 => Encoders::inline(),
            threads => Encoders::queued(threads),
        };
        self
    }

    /// Writes every table as plain `DIR/<table>/part-NNNNN.parquet` files, without year
    /// partitions (for tables that are not about one document, like `dups`' findings).
    pub fn unpartitioned(mut self) -> Self {
        self.partitioned = false;
        self
    }

    /// Prepares an incremental run over the dataset in `out_dir`: existing files stay,
    /// new rows go to new part files, and the rows of the documents named with
    /// [`DatasetWriter::remove_documents`] are taken out of the existing files.
    pub fn update(out_dir: &Path, catalog: &Catalog) -> Result<DatasetWriter, WriteError> {
        let mut writer = DatasetWriter::create(out_dir, catalog)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        writer.file_prefix = format!("u{stamp}-");
        writer.update = Some(HashSet::new());
        Ok(writer)
    }

    /// In an incremental run: documents whose existing rows are removed at the end.
    pub fn remove_documents(&mut self, doc_ids: impl IntoIterator<Item = String>) {
        if let Some(remove) = &mut self.update {
            remove.extend(doc_ids);
        }
    }

    /// Writes the file `name` into the output directory with the tables, in the same
    /// commit (a record of what wrote them, say): it changes when they do.
    pub fn with_published_file(mut self, name: &str, contents: String) -> Self {
        self.published_files.push((name.to_string(), contents));
        self
    }

    /// Sets how many rows of one table and partition make a part file.
    pub fn with_rows_per_part(mut self, rows: usize) -> Self {
        self.rows_per_part = rows.max(1);
        self
    }

    /// Sets how many rows all tables may buffer together before the largest buffers are
    /// written out.
    pub fn with_max_buffered_rows(mut self, rows: usize) -> Self {
        self.max_buffered_rows = rows.max(1);
        self
    }

    /// Names part files `part-<prefix>NNNNN.parquet`, so that the outputs of several
    /// shards can be copied into one directory without clashing.
    pub fn with_file_prefix(mut self, prefix: &str) -> Self {
        self.file_prefix = format!("{prefix}{}", self.file_prefix);
        self
    }

    /// Rows written so far per table, in catalog order.
    pub fn row_counts(&self) -> Vec<(String, u64)> {
        self.tables
            .iter()
            .map(|t| {
                let buffered: usize = t.partitions.values().map(|p| p.rows).sum();
                (t.def.name.clone(), t.total_rows + buffered as u64)
            })
            .collect()
    }

    /// Writes what is buffered and moves every table into place: replacing what was
    /// there, or in an incremental run, next to it. A table without rows gets one empty
    /// file, so that readers still find its columns.
    pub fn finish(mut self) -> Result<Vec<(String, u64)>, WriteError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        for index in 0..self.tables.len() {
            let target = self.out_dir.join(&self.tables[index].def.name);
            let needs_placeholder =
                self.update.is_none() || existing::part_files(&target).is_empty();
            if self.tables[index].partitions.is_empty() && needs_placeholder {
                let buffer = self.tables[index].new_buffer();
                self.tables[index]
                    .partitions
                    .insert(NULL_PARTITION.to_string(), buffer);
            }
        }
        // The largest buffers go first, so that the threads emptying the queue finish
        // their last row groups at about the same time. They are all in memory already:
        // nothing is gained by holding them back.
        self.finishing = true;
        let mut last: Vec<(usize, usize, String)> = self
            .buffers()
            .map(|(index, key, part)| (part.rows, index, key.clone()))
            .collect();
        last.sort_by(|(rows_a, index_a, key_a), (rows_b, index_b, key_b)| {
            (rows_b, index_a, key_a).cmp(&(rows_a, index_b, key_b))
        });
        for (_, index, key) in last {
            let part = &self.tables[index].partitions[&key];
            // A partition that never got a row (an empty table) still gets a file with no
            // row group, so that readers find its columns.
            if part.rows > 0 || part.parts == 0 {
                self.flush(index, &key)?;
            }
            self.close(index, &key)?;
        }
        std::mem::replace(&mut self.encoders, Encoders::inline()).finish()?;
        let mut journal = match self.update.take() {
            None => self.replacing_tables()?,
            Some(remove) => self.merging_tables(&remove)?,
        };
        for (name, contents) in &self.published_files {
            let staged = self.staging.join(name);
            fs::write(&staged, contents).map_err(io_error("cannot write", &staged))?;
            let operation = Operation::Replace {
                from: staged,
                to: self.out_dir.join(name),
            };
            journal.push(&self.out_dir, operation);
        }
        // From here on the run is published, if not by this process then by the next run
        // into the same directory.
        journal.write(&self.out_dir)?;
        self.journaled = true;
        journal.complete(&self.out_dir)?;
        Ok(self.row_counts())
    }

    /// The commit of a full run: each table moves aside (into the staging directory, which
    /// goes at the end) and its new version moves in.
    fn replacing_tables(&self) -> Result<Journal, WriteError> {
        let mut journal = Journal::new(&self.out_dir, &self.staging)?;
        for table in &self.tables {
            let staged = self.staging.join(&table.def.name);
            let target = self.out_dir.join(&table.def.name);
            let old = self.staging.join(format!("{}.old", table.def.name));
            if target.exists() {
                journal.push(
                    &self.out_dir,
                    Operation::Move {
                        from: target.clone(),
                        to: old,
                    },
                );
            }
            if staged.exists() {
                journal.push(
                    &self.out_dir,
                    Operation::Move {
                        from: staged,
                        to: target,
                    },
                );
            }
        }
        Ok(journal)
    }

    /// The commit of an incremental run. First every existing file holding rows of removed
    /// documents is written again without them, into the staging directory, which leaves
    /// the dataset as it was; the commit then replaces those files (or removes them, when
    /// no row is left) and moves the new files in beside the others.
    fn merging_tables(&self, remove: &HashSet<String>) -> Result<Journal, WriteError> {
        let mut journal = Journal::new(&self.out_dir, &self.staging)?;
        for (index, table) in self.tables.iter().enumerate() {
            let target = self.out_dir.join(&table.def.name);
            let pruned_dir = self.staging.join(format!("{}.pruned", table.def.name));
            for (path, pruned) in existing::prune(&target, remove)? {
                let operation = match pruned {
                    existing::Pruned::Empty => Operation::Remove { path },
                    existing::Pruned::Rows(frame) => {
                        let relative = path.strip_prefix(&target).expect("below the table");
                        let rewritten = pruned_dir.join(relative);
                        self.write_frame(&frame, &rewritten, index)?;
                        Operation::Replace {
                            from: rewritten,
                            to: path,
                        }
                    }
                };
                journal.push(&self.out_dir, operation);
            }
        }
        for table in &self.tables {
            let staged = self.staging.join(&table.def.name);
            let target = self.out_dir.join(&table.def.name);
            for file in existing::part_files(&staged) {
                let relative = file.strip_prefix(&staged).expect("below the staged table");
                let destination = target.join(relative);
                journal.push(
                    &self.out_dir,
                    Operation::Move {
                        from: file,
                        to: destination,
                    },
                );
            }
        }
        Ok(journal)
    }

    /// Writes a frame of a table's rows (read back from one of its files) to `path`, a
    /// new file in the staging directory, each column encoded as declared.
    fn write_frame(&self, frame: &DataFrame, path: &Path, index: usize) -> Result<(), WriteError> {
        let table = &self.tables[index];
        let schema = &table.file_schema;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error("cannot create", parent))?;
        }
        let mut file = PartFile::create(path.to_path_buf(), &table.def.name, Arc::clone(schema))?;
        let mut compressor = compress::PageCompressor::new(&table.def.name)?;
        for batch in frame.iter_chunks(CompatLevel::newest(), false) {
            let rows = batch.len();
            let arrays = batch
                .columns()
                .iter()
                .zip(&schema.encodings)
                .map(|(array, encoding)| columns::encoded_as(array, *encoding))
                .collect();
            file.write(RowGroup { arrays, rows }, &mut compressor)?;
        }
        file.finish()
    }

    /// The directory of a table's partition in the staging area.
    fn partition_dir(&self, index: usize, key: &str) -> PathBuf {
        let name = &self.tables[index].def.name;
        if self.partitioned {
            self.staging
                .join(name)
                .join(format!("{PARTITION_COLUMN}={key}"))
        } else {
            self.staging.join(name)
        }
    }

    fn part_path(&self, index: usize, key: &str, number: u32) -> Result<PathBuf, WriteError> {
        let dir = self.partition_dir(index, key);
        fs::create_dir_all(&dir).map_err(io_error("cannot create", &dir))?;
        Ok(dir.join(format!("part-{}{number:05}.parquet", self.file_prefix)))
    }

    /// The buffered rows as Arrow arrays, leaving the buffer empty.
    fn take_row_group(&mut self, index: usize, key: &str) -> RowGroup {
        let table = &mut self.tables[index];
        let part = table.partitions.get_mut(key).expect("partition exists");
        let arrays = part
            .columns
            .iter_mut()
            .map(ColumnBuffer::take_array)
            .collect();
        let rows = part.rows;
        table.total_rows += rows as u64;
        self.buffered_rows -= rows;
        part.rows = 0;
        RowGroup { arrays, rows }
    }

    /// Writes the buffered rows of a table's partition as a row group of its open part
    /// file (opening one if needed), and closes the file once it is full.
    fn flush(&mut self, index: usize, key: &str) -> Result<(), WriteError> {
        let row_group = self.take_row_group(index, key);
        let overflows = self.overflows;
        self.tables[index]
            .partitions
            .get_mut(key)
            .expect("partition exists")
            .flushed_at = overflows;
        let table = self.tables[index].def.name.clone();
        let mut create = None;
        if self.tables[index].partitions[key].open.is_none() {
            if self.open_parts >= MAX_OPEN_PARTS {
                self.close_fullest()?;
            }
            let number = self.tables[index].partitions[key].parts;
            let schema = Arc::clone(&self.tables[index].file_schema);
            create = Some((self.part_path(index, key, number)?, schema));
            let id = self.parts_opened;
            self.parts_opened += 1;
            let part = self.tables[index].partitions.get_mut(key).expect("exists");
            part.open = Some(OpenPart {
                id,
                rows: 0,
                row_groups: 0,
            });
            part.parts += 1;
            self.open_parts += 1;
        }
        let part = self.tables[index].partitions.get_mut(key).expect("exists");
        let open = part.open.as_mut().expect("opened above");
        open.rows += row_group.rows;
        open.row_groups += 1;
        let full = open.rows >= self.rows_per_part || open.row_groups >= MAX_ROW_GROUPS_PER_PART;
        let id = open.id;
        let max_in_flight = self.max_in_flight();
        self.encoders.submit(
            Job::Write {
                part: id,
                table,
                row_group,
                create,
            },
            max_in_flight,
        )?;
        if full {
            self.close(index, key)?;
        }
        Ok(())
    }

    /// Rows that may be queued and not yet written: out of the buffers but not yet out of
    /// memory. One overflow writes out half the cap, so as much may be in flight while the
    /// next overflow builds up. When finishing there is no limit: every row is in memory
    /// already, and holding the writer back would only delay the threads that empty the
    /// queue.
    fn max_in_flight(&self) -> usize {
        match self.finishing {
            true => usize::MAX,
            false => self.max_buffered_rows / 2,
        }
    }

    /// Finishes the open part file of a table's partition, if there is one.
    fn close(&mut self, index: usize, key: &str) -> Result<(), WriteError> {
        let name = self.tables[index].def.name.clone();
        let part = self.tables[index].partitions.get_mut(key).expect("exists");
        let Some(open) = part.open.take() else {
            return Ok(());
        };
        self.open_parts -= 1;
        let max_in_flight = self.max_in_flight();
        self.encoders.submit(
            Job::Close {
                part: open.id,
                table: name,
            },
            max_in_flight,
        )
    }

    /// Every table's partition buffers, with the table's index and the partition key.
    fn buffers(&self) -> impl Iterator<Item = (usize, &String, &PartBuffer)> {
        self.tables
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.partitions.iter().map(move |(k, p)| (i, k, p)))
    }

    fn close_fullest(&mut self) -> Result<(), WriteError> {
        let fullest = self
            .buffers()
            .filter_map(|(i, k, p)| p.open.as_ref().map(|o| (o.rows, i, k.clone())))
            .max();
        match fullest {
            Some((_, index, key)) => self.close(index, &key),
            None => Ok(()),
        }
    }

    /// Writes out every buffer that has waited too long, then the largest buffers until
    /// the buffered rows are under half the cap.
    fn flush_largest(&mut self) -> Result<(), WriteError> {
        self.overflows += 1;
        let overflows = self.overflows;
        let stale: Vec<(usize, String)> = self
            .buffers()
            .filter(|(_, _, p)| p.rows > 0 && overflows - p.flushed_at >= MAX_OVERFLOWS_UNWRITTEN)
            .map(|(i, k, _)| (i, k.clone()))
            .collect();
        for (index, key) in stale {
            self.flush(index, &key)?;
        }
        while self.buffered_rows > self.max_buffered_rows / 2 {
            let largest = self.buffers().map(|(i, k, p)| (p.rows, i, k.clone())).max();
            match largest {
                Some((rows, index, key)) if rows > 0 => self.flush(index, &key)?,
                _ => break,
            }
        }
        Ok(())
    }
}

/// The key-value metadata of every part file: which schema and jixiao wrote it.
fn metadata_pairs(schema_version: &str, table: &str) -> Vec<(String, String)> {
    vec![
        (
            "jixiao.schema_version".to_string(),
            schema_version.to_string(),
        ),
        ("jixiao.table".to_string(), table.to_string()),
        (
            "jixiao.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ]
}

/// What a table's part files hold: its columns but the partition column, typed as polars
/// types them (so the files read back as if polars had written them), and how each is
/// encoded.
fn file_schema(def: &TableDef, partition_column: Option<usize>, version: &str) -> FileSchema {
    let columns = file_columns(def, partition_column).map(|(_, c)| c);
    let polars_schema: Schema = columns
        .clone()
        .map(|c| (c.name.as_str().into(), polars_type(c.kind)))
        .collect();
    FileSchema {
        arrow: polars_schema.to_arrow(CompatLevel::newest()),
        encodings: columns.map(|c| c.encoding).collect(),
        metadata: metadata_pairs(version, &def.name),
    }
}

/// A table's columns with their indices, but the partition column: those its files hold.
fn file_columns(
    def: &TableDef,
    partition_column: Option<usize>,
) -> impl Iterator<Item = (usize, &crate::schema::Column)> + Clone {
    def.columns
        .iter()
        .enumerate()
        .filter(move |(i, _)| Some(*i) != partition_column)
}

fn polars_type(kind: ColumnType) -> DataType {
    match kind {
        ColumnType::String => DataType::String,
        ColumnType::Int32 => DataType::Int32,
        ColumnType::Int64 => DataType::Int64,
        ColumnType::Float64 => DataType::Float64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Decimal { precision, scale } => {
            DataType::Decimal(precision as usize, scale as usize)
        }
    }
}

impl TableSink for DatasetWriter {
    fn deferred_work(&self) -> Option<Arc<dyn DeferredWork>> {
        self.encoders
            .queue()
            .map(|queue| queue as Arc<dyn DeferredWork>)
    }

    fn partition(&mut self, year: Option<i32>) {
        self.partition = year.map_or_else(|| NULL_PARTITION.to_string(), |y| y.to_string());
    }

    fn rows<R: Record>(&mut self, rows: &[R]) {
        if rows.is_empty() || self.error.is_some() {
            return;
        }
        let Some(index) = self.tables.iter().position(|t| t.def.name == R::TABLE) else {
            panic!(
                "records for `{}` have no schema; check_against should have caught this",
                R::TABLE
            );
        };
        let key = self.partition.clone();
        let mut result = Ok(());
        let mut rest = rows;
        // Part files hold at most `rows_per_part` rows, even when one call brings more.
        while !rest.is_empty() && result.is_ok() {
            let table = &mut self.tables[index];
            if !table.partitions.contains_key(&key) {
                let buffer = PartBuffer {
                    // A new buffer waits its full turn, like the others.
                    flushed_at: self.overflows,
                    ..table.new_buffer()
                };
                table.partitions.insert(key.clone(), buffer);
            }
            let skip = table.partition_column;
            let part = table.partitions.get_mut(&key).expect("inserted above");
            let room = part.room(self.rows_per_part).max(1);
            let (now, later) = rest.split_at(room.min(rest.len()));
            for row in now {
                let mut field = 0;
                let mut column = 0;
                row.visit(|value: Value<'_>| {
                    if Some(field) != skip {
                        part.columns[column].push(value);
                        column += 1;
                    }
                    field += 1;
                });
            }
            part.rows += now.len();
            self.buffered_rows += now.len();
            if part.room(self.rows_per_part) == 0 {
                result = self.flush(index, &key);
            }
            rest = later;
        }
        if result.is_ok() && self.buffered_rows > self.max_buffered_rows {
            result = self.flush_largest();
        }
        if let Err(e) = result {
            self.error = Some(e);
        }
    }
}

impl Drop for DatasetWriter {
    fn drop(&mut self) {
        // An unfinished run leaves nothing behind that a reader could load. The encoders
        // stop first, so that no job writes into the staging area after it is gone. Once
        // the journal is written, the staging area holds files the next run moves in.
        drop(std::mem::replace(&mut self.encoders, Encoders::inline()));
        if !self.journaled {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}
