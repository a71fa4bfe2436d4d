//! Encoding part files: each flushed buffer's Arrow arrays become a row group of its part
//! file, every column encoded as its schema declares (polars' Parquet crate makes the
//! pages; polars' own writer would pick encodings by type, estimating every string
//! column's cardinality to decide). In a run with several workers the row groups are
//! queued instead, and the workers compress them between documents, outside the writer
//! ([`EncodeQueue`]), so that the writer keeps taking documents while a large flush is
//! compressed, with no threads beyond the workers. One part file's jobs run one at a time
//! and in the order they were queued: the files are the same whatever the number of
//! threads.

use super::compress::PageCompressor;
use super::{io_error, WriteError, PART_BUFFER};
use crate::record::DeferredWork;
use crate::schema::Encoding;
use crate::sync::{lock, wait};
use polars::error::{PolarsError, PolarsResult};
use polars::prelude::{ArrayRef, ArrowSchema};
use polars_parquet::write::{
    array_to_columns, fallible_streaming_iterator, schema_to_metadata_key, DynIter,
    DynStreamingIterator, Encoding as PageEncoding, FileWriter, KeyValue, ParquetType,
    StatisticsOptions, Version, WriteOptions,
};
use std::collections::{HashMap, VecDeque};
use std::fs;
use std::io::BufWriter;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

/// Rows of one table and partition, column by column, to be written as a row group.
pub(super) struct RowGroup {
    pub(super) arrays: Vec<ArrayRef>,
    pub(super) rows: usize,
}

/// What every part file of a table holds.
pub(super) struct FileSchema {
    /// Its columns, as Arrow types them (the partition column left out).
    pub(super) arrow: ArrowSchema,
    /// How each column is encoded.
    pub(super) encodings: Vec<Encoding>,
    /// Key-value metadata written into the footer.
    pub(super) metadata: Vec<(String, String)>,
}

impl FileSchema {
    fn write_options(&self) -> WriteOptions {
        WriteOptions {
            statistics: StatisticsOptions::default(),
            compression: super::compress::options(),
            version: Version::V1,
            data_page_size: None,
        }
    }
}

/// Work on one part file, named by an id unique within the run.
pub(super) enum Job {
    /// Appends a row group (none if it has no rows), creating the file first when
    /// `create` names it.
    Write {
        part: u64,
        table: String,
        row_group: RowGroup,
        create: Option<(PathBuf, Arc<FileSchema>)>,
    },
    /// Writes the file's footer: only then may a reader load it.
    Close { part: u64, table: String },
}

impl Job {
    fn part(&self) -> u64 {
        match self {
            Job::Write { part, .. } | Job::Close { part, .. } => *part,
        }
    }

    fn table(&self) -> &str {
        match self {
            Job::Write { table, .. } | Job::Close { table, .. } => table,
        }
    }

    fn rows(&self) -> usize {
        match self {
            Job::Write { row_group, .. } => row_group.rows,
            Job::Close { .. } => 0,
        }
    }
}

/// A part file being written.
pub(super) struct PartFile {
    // polars writes page headers and pages separately; the buffer saves a system call
    // per small write.
    writer: FileWriter<BufWriter<fs::File>>,
    path: PathBuf,
    table: String,
    schema: Arc<FileSchema>,
    /// The Parquet type of each column.
    columns: Vec<ParquetType>,
}

impl PartFile {
    pub(super) fn create(
        path: PathBuf,
        table: &str,
        schema: Arc<FileSchema>,
    ) -> Result<PartFile, WriteError> {
        let file = fs::File::create(&path).map_err(io_error("cannot create", &path))?;
        let file = BufWriter::with_capacity(PART_BUFFER, file);
        let writer = FileWriter::try_new(file, schema.arrow.clone(), schema.write_options())
            .map_err(|e| parquet_error(table, e))?;
        let columns = writer.parquet_schema().fields().to_vec();
        Ok(PartFile {
            writer,
            path,
            table: table.to_string(),
            schema,
            columns,
        })
    }

    /// Encodes, compresses and appends one row group. Columns are serialised on this
    /// thread: the workers that compress whole row groups are the parallelism (polars'
    /// own pool would add threads that spin between jobs, taking turns on the cores the
    /// workers need).
    pub(super) fn write(
        &mut self,
        row_group: RowGroup,
        compressor: &mut PageCompressor,
    ) -> Result<(), WriteError> {
        self.encode(row_group, compressor)
            .map_err(|e| parquet_error(&self.table, e))
    }

    fn encode(&mut self, row_group: RowGroup, compressor: &mut PageCompressor) -> PolarsResult<()> {
        if row_group.rows == 0 {
            return Ok(());
        }
        let options = self.schema.write_options();
        let mut pages = Vec::with_capacity(row_group.arrays.len());
        let columns = row_group.arrays.iter().zip(&self.columns);
        for ((array, column), encoding) in columns.zip(&self.schema.encodings) {
            // A dictionary column arrives as a dictionary array; an integer column is
            // offered to polars' dictionary encoder, which keeps it plain when that does
            // not pay.
            let encoding = match encoding {
                Encoding::Dictionary => PageEncoding::RleDictionary,
                Encoding::Plain => PageEncoding::Plain,
            };
            for leaf in array_to_columns(array, column.clone(), options, &[encoding])? {
                let compressed = leaf
                    .map(|page| compressor.compress(page?))
                    .collect::<PolarsResult<Vec<_>>>()?;
                pages.push(compressed);
            }
        }
        let columns = pages.iter().map(|column| {
            Ok(DynStreamingIterator::new(
                fallible_streaming_iterator::convert(column.iter().map(Ok)),
            ))
        });
        self.writer
            .write(row_group.rows as u64, DynIter::new(columns))
    }

    /// Writes the footer: only then may a reader load the file.
    pub(super) fn finish(mut self) -> Result<(), WriteError> {
        let mut metadata = vec![schema_to_metadata_key(self.writer.schema())];
        metadata.extend(self.schema.metadata.iter().map(|(key, value)| KeyValue {
            key: key.clone(),
            value: Some(value.clone()),
        }));
        self.writer
            .end(Some(metadata))
            .map_err(|e| parquet_error(&self.table, e))?;
        self.writer
            .into_inner()
            .into_inner()
            .map_err(|e| e.into_error())
            .map_err(io_error("cannot write", &self.path))?;
        Ok(())
    }
}

fn parquet_error(table: &str, error: PolarsError) -> WriteError {
    WriteError::Parquet {
        table: table.to_string(),
        message: error.to_string(),
    }
}

/// Runs one job on a part file (`None` until a job creates it), with a compressor made
/// when first needed.
fn run_job(
    file: &mut Option<PartFile>,
    compressor: &mut Option<PageCompressor>,
    job: Job,
) -> Result<(), WriteError> {
    match job {
        Job::Write {
            table,
            row_group,
            create,
            ..
        } => {
            if let Some((path, schema)) = create {
                *file = Some(PartFile::create(path, &table, schema)?);
            }
            let file = file.as_mut().expect("part file opened first");
            let compressor = match compressor {
                Some(compressor) => compressor,
                None => compressor.insert(PageCompressor::new(&table)?),
            };
            file.write(row_group, compressor)
        }
        Job::Close { .. } => file.take().map_or(Ok(()), PartFile::finish),
    }
}

/// Runs part-file jobs on the caller's thread as they come, or queues them.
pub(super) enum Encoders {
    Inline {
        files: HashMap<u64, PartFile>,
        compressor: Option<PageCompressor>,
    },
    Queued {
        queue: Arc<EncodeQueue>,
        /// Threads that empty the queue when the writer finishes.
        finish_threads: usize,
    },
}

impl Encoders {
    /// Encoding on the caller's thread.
    pub(super) fn inline() -> Encoders {
        Encoders::Inline {
            files: HashMap::new(),
            compressor: None,
        }
    }

    /// Encoding by whoever helps the queue (through [`DeferredWork::run_some`]), and at
    /// the end on up to `finish_threads` threads.
    pub(super) fn queued(finish_threads: usize) -> Encoders {
        Encoders::Queued {
            queue: Arc::default(),
            finish_threads: finish_threads.max(1),
        }
    }

    /// The queue that others may help empty, if jobs are queued.
    pub(super) fn queue(&self) -> Option<Arc<EncodeQueue>> {
        match self {
            Encoders::Inline { .. } => None,
            Encoders::Queued { queue, .. } => Some(Arc::clone(queue)),
        }
    }

    /// Runs `job` here, or queues it. Rows queued and not yet written are out of the
    /// writer's buffers but still in memory: while queueing `job` would make more than
    /// `max_in_flight` of them, the caller first helps write them (a larger job still
    /// goes, alone). An error from an earlier queued job is reported now.
    pub(super) fn submit(&mut self, job: Job, max_in_flight: usize) -> Result<(), WriteError> {
        match self {
            Encoders::Inline { files, compressor } => {
                let part = job.part();
                let mut file = files.remove(&part);
                let closing = matches!(job, Job::Close { .. });
                run_job(&mut file, compressor, job)?;
                if let (Some(file), false) = (file, closing) {
                    files.insert(part, file);
                }
                Ok(())
            }
            Encoders::Queued { queue, .. } => {
                queue.take_error()?;
                queue.help_until_room(job.rows(), max_in_flight);
                queue.push(job);
                queue.take_error()
            }
        }
    }

    /// Runs every queued job and reports the first error.
    pub(super) fn finish(self) -> Result<(), WriteError> {
        let Encoders::Queued {
            queue,
            finish_threads,
        } = &self
        else {
            return Ok(());
        };
        // No more threads than part files with work waiting; if the system refuses one,
        // the others (at least this one) do its share.
        let threads = (*finish_threads).min(queue.parts_waiting());
        std::thread::scope(|scope| {
            for index in 1..threads {
                let _ = std::thread::Builder::new()
                    .name(format!("jixiao-finish-{index}"))
                    .spawn_scoped(scope, || queue.drain());
            }
            queue.drain();
        });
        queue.take_error()
    }
}

impl Drop for Encoders {
    fn drop(&mut self) {
        // Dropped unfinished (an error elsewhere, or a panic): skip what is queued, but
        // wait for the jobs under way, so that none writes into the staging area after
        // it is removed.
        if let Encoders::Queued { queue, .. } = self {
            queue.cancel();
        }
    }
}

/// Row groups waiting to be compressed and written, shared by the writer and the threads
/// that help it.
#[derive(Default)]
pub(crate) struct EncodeQueue {
    state: Mutex<QueueState>,
    /// Signalled whenever a part's jobs are done.
    progressed: Condvar,
}

#[derive(Default)]
struct QueueState {
    parts: HashMap<u64, PartQueue>,
    /// Parts with jobs waiting that nobody is working on, in the order they became so.
    ready: VecDeque<u64>,
    /// Rows queued and not yet written.
    in_flight: usize,
    /// Parts someone is working on.
    running: usize,
    /// Compressors not in use: as many as the most threads that helped at the same time.
    compressors: Vec<PageCompressor>,
    /// The first error a job met; the writer reports it at its next job.
    error: Option<WriteError>,
    /// Set after an error, or when the writer is dropped unfinished: jobs are skipped.
    cancelled: bool,
}

/// One part file's queue.
#[derive(Default)]
struct PartQueue {
    /// The file, between jobs (none before the first, or while a job has it).
    file: Option<PartFile>,
    jobs: VecDeque<Job>,
    busy: bool,
}

impl EncodeQueue {
    fn push(&self, job: Job) {
        let mut state = lock(&self.state);
        state.in_flight += job.rows();
        let part = job.part();
        let queue = state.parts.entry(part).or_default();
        queue.jobs.push_back(job);
        if !queue.busy && queue.jobs.len() == 1 {
            state.ready.push_back(part);
        }
    }

    /// Runs the jobs queued for one part file, if any wait; false if none did.
    fn help(&self) -> bool {
        let mut state = lock(&self.state);
        let Some(part) = state.ready.pop_front() else {
            return false;
        };
        let Some(queue) = state.parts.get_mut(&part) else {
            return true;
        };
        queue.busy = true;
        let jobs = std::mem::take(&mut queue.jobs);
        let mut file = queue.file.take();
        let mut compressor = state.compressors.pop();
        let cancelled = state.cancelled;
        state.running += 1;
        drop(state);

        let rows: usize = jobs.iter().map(Job::rows).sum();
        let closing = jobs.iter().any(|job| matches!(job, Job::Close { .. }));
        debug_assert!(
            !closing || matches!(jobs.back(), Some(Job::Close { .. })),
            "a part file's jobs end with its closing"
        );
        let table = jobs.front().map(|job| job.table().to_string());
        let outcome = if cancelled {
            Ok(())
        } else {
            // A panic inside polars becomes this part's error: the rows are still counted
            // down, and nobody waits for them in vain. Nothing below can panic.
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                jobs.into_iter()
                    .try_for_each(|job| run_job(&mut file, &mut compressor, job))
            }))
            .unwrap_or_else(|_| {
                Err(WriteError::Parquet {
                    table: table.unwrap_or_default(),
                    message: "polars panicked while encoding a row group".into(),
                })
            })
        };

        let mut state = lock(&self.state);
        state.in_flight = state.in_flight.saturating_sub(rows);
        state.running -= 1;
        state.compressors.extend(compressor);
        if let Err(error) = outcome {
            state.cancelled = true;
            state.error.get_or_insert(error);
        }
        if closing {
            state.parts.remove(&part);
        } else if let Some(queue) = state.parts.get_mut(&part) {
            queue.busy = false;
            queue.file = file;
            if !queue.jobs.is_empty() {
                state.ready.push_back(part);
            }
        }
        drop(state);
        self.progressed.notify_all();
        true
    }

    /// Helps (or waits while others write) until `rows` more fit within `max_in_flight`,
    /// or nothing is in flight.
    fn help_until_room(&self, rows: usize, max_in_flight: usize) {
        loop {
            let state = lock(&self.state);
            if state.in_flight == 0 || state.in_flight + rows <= max_in_flight {
                return;
            }
            if !state.ready.is_empty() {
                drop(state);
                self.help();
            } else if state.running > 0 {
                drop(wait(&self.progressed, state));
            } else {
                // Rows counted that no job will write (after a cancel): waiting for them
                // would hang.
                return;
            }
        }
    }

    /// Helps until every job is done.
    fn drain(&self) {
        loop {
            if self.help() {
                continue;
            }
            let state = lock(&self.state);
            if state.ready.is_empty() {
                if state.running == 0 {
                    return;
                }
                drop(wait(&self.progressed, state));
            }
        }
    }

    /// Part files with jobs waiting that nobody is working on.
    fn parts_waiting(&self) -> usize {
        lock(&self.state).ready.len()
    }

    fn take_error(&self) -> Result<(), WriteError> {
        lock(&self.state).error.take().map_or(Ok(()), Err)
    }

    /// Waits for the jobs under way, then drops every job not yet begun and the files
    /// they were for, unfinished.
    fn cancel(&self) {
        let mut state = lock(&self.state);
        state.cancelled = true;
        while state.running > 0 {
            state = wait(&self.progressed, state);
        }
        state.parts.clear();
        state.ready.clear();
        state.in_flight = 0;
    }
}

impl DeferredWork for EncodeQueue {
    fn run_some(&self) -> bool {
        self.help()
    }
}
