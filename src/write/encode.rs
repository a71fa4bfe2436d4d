//! Encoding part files: polars compresses each flushed frame into a row group of its part
//! file. In a run with several workers this happens on threads of its own, so that the
//! writer keeps taking documents (and the workers keep extracting) while a large flush is
//! compressed. Each part file belongs to one encoder thread, which keeps its row groups in
//! the order they were flushed: the files are the same whatever the number of threads.

use super::{io_error, WriteError, PART_BUFFER};
use polars::prelude::{BatchedWriter, DataFrame, KeyValueMetadata, ParquetWriter};
use std::collections::HashMap;
use std::fs;
use std::io::BufWriter;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// Work on one part file, named by an id unique within the run.
pub(super) enum Job {
    /// Appends a row group, creating the file first when `create` names it.
    Write {
        part: u64,
        table: String,
        frame: DataFrame,
        create: Option<(PathBuf, KeyValueMetadata)>,
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
            Job::Write { frame, .. } => frame.height(),
            Job::Close { .. } => 0,
        }
    }
}

/// The part files one encoder has open.
#[derive(Default)]
struct OpenFiles {
    // polars writes page headers and pages separately; the buffer saves a system call
    // per small write (`finish` flushes it and reports any error).
    files: HashMap<u64, BatchedWriter<BufWriter<fs::File>>>,
}

impl OpenFiles {
    fn run(&mut self, job: Job) -> Result<(), WriteError> {
        let parquet_error = |table: &str| {
            let table = table.to_string();
            move |e: polars::error::PolarsError| WriteError::Parquet {
                table,
                message: e.to_string(),
            }
        };
        match job {
            Job::Write {
                part,
                table,
                frame,
                create,
            } => {
                if let Some((path, metadata)) = create {
                    let file = fs::File::create(&path).map_err(io_error("cannot create", &path))?;
                    // Columns are serialised on this thread: the encoder threads are the
                    // parallelism. polars' own pool would add threads that spin between
                    // jobs, taking turns on the cores the workers need.
                    let writer = ParquetWriter::new(BufWriter::with_capacity(PART_BUFFER, file))
                        .set_parallel(false)
                        .with_compression(super::compression())
                        .with_key_value_metadata(Some(metadata))
                        .batched(frame.schema())
                        .map_err(parquet_error(&table))?;
                    self.files.insert(part, writer);
                }
                let writer = self.files.get_mut(&part).expect("part file opened first");
                writer.write_batch(&frame).map_err(parquet_error(&table))
            }
            Job::Close { part, table } => match self.files.remove(&part) {
                Some(writer) => writer.finish().map(drop).map_err(parquet_error(&table)),
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
