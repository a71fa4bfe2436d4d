//! Batches: finding input files, running read → extract on many of them in parallel, and
//! handing the records to the writer in input order. Owns all concurrency and progress
//! output; nothing below it spawns threads or prints.

mod inputs;
mod summary;

pub use inputs::{collect_inputs, Inputs, Shard};
pub use summary::Summary;

use crate::diag::{Diagnostic, Severity};
use crate::extract::records::Extraction;
use crate::extract::vocab::Vocab;
use crate::extract::{extract_document, failed_document, DocMeta};
use crate::read::{read_bytes, Format, ReadError};
use crate::record::TableSink;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads; 0 means all cores.
    pub jobs: usize,
    /// Show a progress bar.
    pub progress: bool,
    /// Documents handed to the workers at a time; results are written in this order.
    pub chunk_size: usize,
    /// Incremental runs: content hash by path of the documents already extracted; a file
    /// with the same path and hash is skipped.
    pub known: HashMap<String, String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            jobs: 0,
            progress: false,
            chunk_size: 256,
            known: HashMap::new(),
        }
    }
}

/// Reads and extracts one file. Never fails: an unreadable file yields a `failed`
/// document row with a diagnostic naming the reason.
pub fn process_file(path: &Path, vocab: &Vocab) -> Extraction {
    process_file_if_changed(path, vocab, &HashMap::new()).expect("nothing is known")
}

/// Like [`process_file`], but `None` when `known` holds the file's path with the same
/// content hash (it was extracted before and has not changed).
pub fn process_file_if_changed(
    path: &Path,
    vocab: &Vocab,
    known: &HashMap<String, String>,
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
    if known.get(&meta.source_path) == Some(&meta.content_hash) {
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
    files: &[std::path::PathBuf],
    vocab: &Vocab,
    sink: &mut impl TableSink,
    options: &RunOptions,
    mut on_document: impl FnMut(&Extraction),
) -> Result<Summary, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()?;
    let progress = if options.progress {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} documents  {per_sec}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut summary = Summary::start();
    let known = &options.known;
    let process = |path: &std::path::PathBuf| process_file_if_changed(path, vocab, known);
    let chunks = files.chunks(options.chunk_size.max(1));
    let mut write = |chunk: &[std::path::PathBuf], results: Vec<Option<Extraction>>| {
        for (path, result) in chunk.iter().zip(&results) {
            let Some(extraction) = result else {
                summary.unchanged.push(path.display().to_string());
                progress.inc(1);
                continue;
            };
            summary.add(extraction);
            on_document(extraction);
            sink.partition(extraction.documents.first().and_then(|d| d.year));
            extraction.write_to(sink);
            progress.inc(1);
        }
    };
    if options.jobs == 1 {
        // One job: no hand-over between threads at all.
        for chunk in chunks {
            let results = chunk.iter().map(process).collect();
            write(chunk, results);
        }
    } else {
        // Workers extract the next chunk while this thread writes the last one.
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                for chunk in chunks {
                    let results: Vec<Option<Extraction>> =
                        pool.install(|| chunk.par_iter().map(process).collect());
                    if sender.send((chunk, results)).is_err() {
                        return;
                    }
                }
            });
            for (chunk, results) in receiver {
                write(chunk, results);
            }
        });
    }
    progress.finish_and_clear();
    summary.finish();
    Ok(summary)
}
