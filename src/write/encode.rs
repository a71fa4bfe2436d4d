//! Encoding part files: each flushed buffer's Arrow arrays become a row group of its part
//! file, every column encoded as its schema declares (polars' Parquet crate makes the
//! pages; polars' own writer would pick encodings by type, estimating every string
//! column's cardinality to decide). In a run with several workers this happens on
//! threads of their own, so that the writer keeps taking documents (and the workers keep
//! extracting) while a large flush is compressed. Each part file belongs to one encoder
//! thread, which keeps its row groups in the order they were flushed: the files are the
//! same whatever the number of threads.

use super::compress::PageCompressor;
use super::{io_error, WriteError, PART_BUFFER};
use crate::schema::Encoding;
use polars::error::{PolarsError, PolarsResult};
use polars::prelude::{ArrayRef, ArrowSchema};
use polars_parquet::write::{
    array_to_columns, fallible_streaming_iterator, schema_to_metadata_key, DynIter,
    DynStreamingIterator, Encoding as PageEncoding, FileWriter, KeyValue, ParquetType,
    StatisticsOptions, Version, WriteOptions,
};
use std::collections::HashMap;
use std::fs;
use std::io::BufWriter;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

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
    /// thread: the encoder threads are the parallelism (polars' own pool would add
    /// threads that spin between jobs, taking turns on the cores the workers need).
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

/// The part files one encoder has open.
#[derive(Default)]
struct OpenFiles {
    files: HashMap<u64, PartFile>,
    /// This thread's page compressor, made for its first row group.
    compressor: Option<PageCompressor>,
}

impl OpenFiles {
    fn run(&mut self, job: Job) -> Result<(), WriteError> {
        match job {
            Job::Write {
                part,
                table,
                row_group,
                create,
            } => {
                if let Some((path, schema)) = create {
                    self.files
                        .insert(part, PartFile::create(path, &table, schema)?);
                }
                let file = self.files.get_mut(&part).expect("part file opened first");
                let compressor = match &mut self.compressor {
                    Some(compressor) => compressor,
                    None => self.compressor.insert(PageCompressor::new(&table)?),
                };
                file.write(row_group, compressor)
            }
            Job::Close { part, .. } => match self.files.remove(&part) {
                Some(file) => file.finish(),
                None => Ok(()),
            },
        }
    }
}

/// What the encoder threads share with the writer.
#[derive(Default)]
struct Shared {
    /// The first error a thread met; the writer reports it at its next job.
    error: Mutex<Option<WriteError>>,
    /// Set when the writer is dropped unfinished: queued work is skipped.
    cancelled: AtomicBool,
    /// Rows handed over and not yet written: they are out of the writer's buffers but
    /// still in memory, so the writer waits while there are too many.
    in_flight: Mutex<usize>,
    written: Condvar,
}

struct EncoderThread {
    jobs: Sender<Job>,
    handle: JoinHandle<()>,
}

/// Runs part-file jobs on the caller's thread or on encoder threads.
pub(super) struct Encoders {
    inline: OpenFiles,
    threads: Vec<EncoderThread>,
    shared: Arc<Shared>,
}

impl Encoders {
    /// Encoding on the caller's thread.
    pub(super) fn inline() -> Encoders {
        Encoders {
            inline: OpenFiles::default(),
            threads: Vec::new(),
            shared: Arc::default(),
        }
    }

    /// Encoding on `count` threads of their own (none: on the caller's thread).
    pub(super) fn spawn(count: usize) -> std::io::Result<Encoders> {
        let mut encoders = Encoders::inline();
        for index in 0..count {
            let (jobs, queue) = channel::<Job>();
            let shared = Arc::clone(&encoders.shared);
            let handle = std::thread::Builder::new()
                .name(format!("jixiao-encode-{index}"))
                .spawn(move || {
                    let mut files = OpenFiles::default();
                    for job in queue {
                        let rows = job.rows();
                        let table = job.table().to_string();
                        if !shared.cancelled.load(Ordering::Relaxed) {
                            // A panic inside polars becomes this part's error: the thread
                            // lives on, so the rows in flight are still counted down.
                            let outcome =
                                std::panic::catch_unwind(AssertUnwindSafe(|| files.run(job)));
                            let outcome = outcome.unwrap_or_else(|_| {
                                Err(WriteError::Parquet {
                                    table,
                                    message: "polars panicked while encoding a row group".into(),
                                })
                            });
                            if let Err(error) = outcome {
                                shared.cancelled.store(true, Ordering::Relaxed);
                                let mut first = lock(&shared.error);
                                first.get_or_insert(error);
                            }
                        }
                        *lock(&shared.in_flight) -= rows;
                        shared.written.notify_all();
                    }
                })?;
            encoders.threads.push(EncoderThread { jobs, handle });
        }
        Ok(encoders)
    }

    /// Runs `job` here, or queues it for the thread that owns its part file, waiting while
    /// more than `max_in_flight` rows would be handed over and not yet written (a larger
    /// frame still goes, alone). An error from an earlier queued job is reported now.
    pub(super) fn submit(&mut self, job: Job, max_in_flight: usize) -> Result<(), WriteError> {
        self.take_error()?;
        if self.threads.is_empty() {
            return self.inline.run(job);
        }
        let rows = job.rows();
        let mut in_flight = lock(&self.shared.in_flight);
        while *in_flight > 0 && *in_flight + rows > max_in_flight {
            in_flight = self
                .shared
                .written
                .wait(in_flight)
                .unwrap_or_else(|e| e.into_inner());
        }
        *in_flight += rows;
        drop(in_flight);
        let thread = &self.threads[(job.part() % self.threads.len() as u64) as usize];
        if thread.jobs.send(job).is_err() {
            // The thread is gone: it panicked outside a job (a panic inside one is caught).
            self.take_error()?;
            return Err(stopped_unexpectedly());
        }
        Ok(())
    }

    /// Waits for every queued job and reports the first error.
    pub(super) fn finish(mut self) -> Result<(), WriteError> {
        let panicked = self.join();
        self.take_error()?;
        if panicked {
            return Err(stopped_unexpectedly());
        }
        Ok(())
    }

    fn take_error(&self) -> Result<(), WriteError> {
        lock(&self.shared.error).take().map_or(Ok(()), Err)
    }

    /// Closes the queues and waits for the threads; true if one of them panicked.
    fn join(&mut self) -> bool {
        let mut panicked = false;
        for thread in self.threads.drain(..) {
            drop(thread.jobs);
            panicked |= thread.handle.join().is_err();
        }
        panicked
    }
}

impl Drop for Encoders {
    fn drop(&mut self) {
        // Dropped unfinished (an error elsewhere, or a panic): skip what is queued, but
        // wait, so that no thread writes into the staging area after it is removed.
        self.shared.cancelled.store(true, Ordering::Relaxed);
        self.join();
    }
}

fn stopped_unexpectedly() -> WriteError {
    WriteError::Parquet {
        table: String::new(),
        message: "a Parquet encoder thread stopped unexpectedly".to_string(),
    }
}

/// Locks a mutex, even one a panicking thread held: the values guarded here (a count, the
/// first error) stay meaningful.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
