//! Batches: finding input files, running read → extract on many of them in parallel, and
//! handing the records to the writer in input order. Owns the workers and progress
//! output; the workers also take on the work the writer leaves them (compressing
//! Parquet, see [`encoding_threads`]). Below it, nothing prints.

mod file_list;
mod inputs;
mod summary;

pub use file_list::{FileList, TooManyFiles};
pub use inputs::{collect_inputs, Inputs, Shard};
pub use summary::Summary;

use crate::diag::{Diagnostic, Severity};
use crate::extract::records::Extraction;
use crate::extract::vocab::Vocab;
use crate::extract::{extract_document, failed_document, DocMeta};
use crate::read::{read_bytes, Format, ReadError};
use crate::record::TableSink;
use crate::sync::{lock, wait};
use crate::write::KnownDocuments;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads; 0 means all cores.
    pub jobs: usize,
    /// Show a progress bar.
    pub progress: bool,
    /// Documents each worker may extract ahead of the one being written (the records of
    /// at most `jobs × window` documents wait in memory for their turn).
    pub window: usize,
    /// Incremental runs: the documents already extracted; a file with the path and
    /// content hash of one of them is skipped.
    pub known: Arc<KnownDocuments>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            jobs: 0,
            progress: false,
            window: 16,
            known: Arc::default(),
        }
    }
}

/// Reads and extracts one file. Never fails: an unreadable file yields a `failed`
/// document row with a diagnostic naming the reason.
pub fn process_file(path: &Path, vocab: &Vocab) -> Extraction {
    process_file_if_changed(path, vocab, &KnownDocuments::default()).expect("nothing is known")
}

/// Like [`process_file`], but `None` when `known` holds a document of the file's path
/// with the same content hash (it was extracted before and has not changed).
pub fn process_file_if_changed(
    path: &Path,
    vocab: &Vocab,
    known: &KnownDocuments,
) -> Option<Extraction> {
    let source_path = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let meta = DocMeta::for_bytes(source_path.clone(), "unknown", source_path.as_bytes());
            let message = format!("cannot read file: {e}");
            let diagnostic = Diagnostic::new(
                Severity::Error,
                "unreadable_file",
                message,
                Default::default(),
            );
            return Some(failed_document(&meta, diagnostic));
        }
    };
    let meta = DocMeta::for_bytes(source_path, Format::detect(&bytes).as_str(), &bytes);
    let unchanged = known
        .from_path(&meta.source_path)
        .iter()
        .any(|d| d.content_hash == meta.content_hash);
    if unchanged {
        return None;
    }
    Some(process_with_meta(&meta, &bytes, vocab))
}

/// Reads and extracts one document from its bytes, catching any panic as a failure.
pub fn process_bytes(source_path: String, bytes: &[u8], vocab: &Vocab) -> Extraction {
    let meta = DocMeta::for_bytes(source_path, Format::detect(bytes).as_str(), bytes);
    process_with_meta(&meta, bytes, vocab)
}

/// Reads and extracts a document whose metadata (and so content hash) is known.
fn process_with_meta(meta: &DocMeta, bytes: &[u8], vocab: &Vocab) -> Extraction {
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match read_bytes(bytes) {
            Ok((_, doc)) => extract_document(&doc, vocab, meta),
            Err(error) => {
                let code = match error {
                    ReadError::LegacyFormat => "legacy_format",
                    ReadError::Encrypted => "encrypted",
                    ReadError::TooLarge(_) => "too_large",
                    _ => "unsupported_format",
                };
                failed_document(
                    meta,
                    Diagnostic::new(Severity::Error, code, error.to_string(), Default::default()),
                )
            }
        }));
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        failed_document(
            meta,
            Diagnostic::new(
                Severity::Error,
                "internal_error",
                format!("jixiao crashed on this document (please report it): {what}"),
                Default::default(),
            ),
        )
    })
}

/// Runs the batch: every file is processed (in parallel) and its records handed to
/// `sink` in input order. `on_document` sees each document's records as they are written.
pub fn run(
    files: &FileList,
    vocab: &Vocab,
    sink: &mut (impl TableSink + Send),
    options: &RunOptions,
    mut on_document: impl FnMut(&Extraction) + Send,
) -> std::io::Result<Summary> {
    let progress = if options.progress {
        let bar = ProgressBar::new(files.len() as u64);
        // indicatif's own `{per_sec}` prints four decimals.
        let rate = |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = write!(out, "{:.0} docs/s", state.per_sec());
        };
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} documents  {rate}  eta {eta}")
                .map(|style| style.with_key("rate", rate))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut summary = Summary::start();
    let known = &options.known;
    let threads = worker_threads(options.jobs);
    let deferred = sink.deferred_work();
    let help = || deferred.as_ref().is_some_and(|work| work.run_some());
    // With several workers, a copy of the vocabulary each: a regex keeps one search cache
    // for the first thread that used it and hands the others theirs from a locked pool,
    // twice per search; a copy's regexes have caches of their own. One job runs on this
    // thread and needs none.
    let copies: Vec<Vocab> = match threads {
        1 => Vec::new(),
        _ => (0..threads).map(|_| vocab.clone()).collect(),
    };
    let path_of = |index: usize| files.get(index).expect("index within the list");
    let process = |worker: usize, index: usize| {
        process_file_if_changed(&path_of(index), copies.get(worker).unwrap_or(vocab), known)
    };
    let write = |index: usize, result: &Option<Extraction>| {
        match result {
            None => summary.unchanged.push(index),
            Some(extraction) => {
                summary.add(extraction);
                on_document(extraction);
                sink.partition(extraction.documents.first().and_then(|d| d.year));
                extraction.write_to(sink);
            }
        }
        progress.inc(1);
    };
    if threads == 1 {
        // One job: no hand-over between threads at all.
        let mut write = write;
        for index in 0..files.len() {
            write(index, &process(0, index));
        }
    } else {
        in_order(
            files.len(),
            threads,
            threads * options.window.max(1),
            process,
            write,
            help,
        )?;
    }
    progress.finish_and_clear();
    summary.finish();
    Ok(summary)
}

/// Worker threads for `--jobs` (0: all cores).
pub fn worker_threads(jobs: usize) -> usize {
    match jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        jobs => jobs,
    }
}

/// Threads that compress Parquet in a run with `--jobs` `jobs`, for
/// [`DatasetWriter::with_worker_encoding`](crate::write::DatasetWriter::with_worker_encoding):
/// none with one worker, which writes as it goes; otherwise the workers, which take the
/// row groups the writer queues between documents. Threads of the writer's own would
/// make more runnable threads than cores, each hand-over waking one: measured over
/// 12,070 text exports, two workers with two such threads spent 10-23% more CPU time
/// than two one-job processes, with twenty times their context switches.
pub fn encoding_threads(jobs: usize) -> usize {
    let workers = worker_threads(jobs);
    if workers > 1 {
        workers
    } else {
        0
    }
}

/// `process` on every index below `count` by `threads` workers (given the worker's
/// number, from 0), `write` on every result in index order, and between documents `help`
/// (work `write` left behind; it returns false when there was none).
/// There is no writer thread: the worker whose result is next in line writes it, and any
/// results after it that are ready, while the others go on extracting. With one thread
/// per core and none waiting to be woken for each document, a worker keeps its core and
/// its caches (measured on two cores against a writer thread of its own: 6% less CPU time
/// on 2,000 text exports, 14% less on 2,000 DOCX).
/// Workers take the next file as soon as they are free (no batch waits for its slowest
/// document) but stay less than `window` files ahead of the writing, so memory is bounded
/// whatever the corpus size. A written result goes back to the worker that made it to be
/// dropped there: a document's records are thousands of small allocations, and freeing
/// them on the thread that allocated them keeps them in that thread's cache and arena
/// (measured with two workers against dropping them where they were written: median CPU
/// time 3% lower over 2,000 text exports, 5% over 2,000 DOCX).
fn in_order<T: Send>(
    count: usize,
    threads: usize,
    window: usize,
    process: impl Fn(usize, usize) -> T + Sync,
    write: impl FnMut(usize, &T) + Send,
    help: impl Fn() -> bool + Sync,
) -> std::io::Result<()> {
    let next = AtomicUsize::new(0);
    // Results not yet written, by input index, with the worker that made them.
    let ready: Mutex<BTreeMap<usize, (usize, T)>> = Mutex::new(BTreeMap::new());
    // The index to write next, and the writing itself: whoever holds it writes.
    let writer = Mutex::new((0usize, write));
    let written = Mutex::new(0usize);
    let writer_moved = Condvar::new();
    // Set when `write` panics: nothing will be written any more, so nobody may wait for it.
    let abandoned = AtomicBool::new(false);
    let mut give_back = Vec::with_capacity(threads);
    let mut returned = Vec::with_capacity(threads);
    for _ in 0..threads {
        let (sender, receiver) = mpsc::channel::<T>();
        give_back.push(sender);
        returned.push(receiver);
    }
    // Writes what is ready, unless another worker is at it; that one looks again once it
    // lets go, so a result is never left waiting with nobody writing.
    let write_ready = || loop {
        let Ok(mut guard) = writer.try_lock() else {
            return;
        };
        let (expected, write) = &mut *guard;
        let _abandon_on_panic = AbandonOnPanic {
            abandoned: &abandoned,
            written: &written,
            writer_moved: &writer_moved,
        };
        loop {
            let Some((worker, result)) = lock(&ready).remove(expected) else {
                break;
            };
            write(*expected, &result);
            // A worker that has finished drops nothing more: then it is dropped here.
            let _ = give_back[worker].send(result);
            *expected += 1;
            *lock(&written) = *expected;
            writer_moved.notify_all();
        }
        let expected = *expected;
        drop(guard);
        if !lock(&ready).contains_key(&expected) {
            return;
        }
    };
    std::thread::scope(|scope| {
        for (id, returned) in returned.into_iter().enumerate() {
            let (next, ready, written, writer_moved) = (&next, &ready, &written, &writer_moved);
            let abandoned = &abandoned;
            let (process, write_ready, help) = (&process, &write_ready, &help);
            std::thread::Builder::new()
                .name(format!("jixiao-{id}"))
                .spawn_scoped(scope, move || loop {
                    returned.try_iter().for_each(drop);
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return;
                    }
                    let mut done = lock(written);
                    while index >= *done + window && !abandoned.load(Ordering::Relaxed) {
                        // Too far ahead: help the writer rather than wait.
                        drop(done);
                        let helped = help();
                        done = lock(written);
                        let still_ahead = index >= *done + window;
                        if !helped && still_ahead && !abandoned.load(Ordering::Relaxed) {
                            done = wait(writer_moved, done);
                        }
                    }
                    drop(done);
                    if abandoned.load(Ordering::Relaxed) {
                        return;
                    }
                    let result = process(id, index);
                    lock(ready).insert(index, (id, result));
                    write_ready();
                    help();
                })?;
        }
        Ok(())
    })
}

/// Wakes the workers for good if dropped while `write` panics.
struct AbandonOnPanic<'a> {
    abandoned: &'a AtomicBool,
    written: &'a Mutex<usize>,
    writer_moved: &'a Condvar,
}

impl Drop for AbandonOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Set under the lock the workers check it under, so that none can check it,
            // miss the store and then wait for a notification already sent.
            let written = lock(self.written);
            self.abandoned.store(true, Ordering::Relaxed);
            drop(written);
            self.writer_moved.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::in_order;
    use crate::sync::lock;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    #[test]
    fn results_are_written_in_input_order_and_workers_stay_within_the_window() {
        // Three workers but a window of two: without the wait, a third file would be taken
        // up while the writer still waits for the first.
        let (threads, window) = (3, 2);
        let written = AtomicUsize::new(0);
        let furthest_ahead = AtomicUsize::new(0);
        let mut order = Vec::new();
        in_order(
            300,
            threads,
            window,
            |_, index| {
                let ahead = index - written.load(Ordering::SeqCst);
                furthest_ahead.fetch_max(ahead, Ordering::SeqCst);
                // Uneven work, so that results arrive out of order.
                std::thread::sleep(std::time::Duration::from_micros((index % 7 * 150) as u64));
                index * 10
            },
            |index, result| {
                assert_eq!(
                    *result,
                    index * 10,
                    "a result handed over with another's index"
                );
                order.push(index);
                written.store(order.len(), Ordering::SeqCst);
            },
            || false,
        )
        .unwrap();
        assert_eq!(order, (0..300).collect::<Vec<_>>());
        let ahead = furthest_ahead.load(Ordering::SeqCst);
        assert!(
            ahead < window,
            "a worker ran {ahead} files ahead of the writer"
        );
        assert!(
            ahead > 0,
            "the workers never ran ahead: nothing ran in parallel"
        );
    }

    #[test]
    fn the_workers_take_on_the_work_the_writing_leaves_between_documents() {
        // Each written document leaves one piece of work behind, as a flush leaves row
        // groups to compress; the workers, not the one writing, should do it.
        let left = Mutex::new(Vec::new());
        let done_by = Mutex::new(Vec::new());
        in_order(
            300,
            2,
            4,
            |_, index| {
                std::thread::sleep(std::time::Duration::from_micros((index % 5 * 100) as u64));
                index
            },
            |index, _| lock(&left).push(index),
            || {
                let Some(piece) = lock(&left).pop() else {
                    return false;
                };
                lock(&done_by).push((piece, std::thread::current().id()));
                true
            },
        )
        .unwrap();
        let done_by = done_by.into_inner().unwrap();
        // Each document is followed by one piece of help, so the workers keep up; the last
        // few pieces may be left for whoever finishes the run.
        assert!(done_by.len() >= 290, "{} pieces done", done_by.len());
        let workers: HashSet<_> = done_by.iter().map(|(_, thread)| *thread).collect();
        assert_eq!(workers.len(), 2, "only one worker helped");
    }

    #[test]
    fn a_panic_while_writing_reaches_the_caller_instead_of_stalling_the_workers() {
        let outcome = std::panic::catch_unwind(|| {
            in_order(
                100,
                2,
                2,
                |_, index| index,
                |_, index| assert_ne!(*index, 5, "the sink broke"),
                || false,
            )
        });
        assert!(outcome.is_err());
    }
}
