//! `jixiao extract INPUT... --out DIR`: documents → Parquet dataset.

use super::Setup;
use crate::batch::{self, collect_inputs, FileList, RunOptions, Shard};
use crate::write::{complete_interrupted_commit, known_documents, DatasetWriter, KnownDocuments};
use anyhow::Context;
use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories (searched recursively) to read.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory: one sub-directory of Parquet files per table.
    #[arg(short, long)]
    pub out: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(short, long, default_value_t = 0)]
    pub jobs: usize,
    /// A vocabulary file to use instead of the built-in one.
    #[arg(long)]
    pub vocab: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Extract every input again, even those unchanged since the last run into the same
    /// output directory.
    #[arg(long)]
    pub force: bool,
    /// Process only shard K of N (e.g. `3/8`): a deterministic slice of the inputs whose
    /// output directories combine with the other shards' by copying them together.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

/// File in the output directory naming what extracted the dataset; an incremental run
/// only reuses rows written by the same version, schema and vocabulary.
const RUN_STAMP: &str = ".jixiao-run";

/// Documents above which a progress bar is shown on a terminal.
const PROGRESS_THRESHOLD: usize = 20;

/// Runs `extract`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let setup = Setup::load(args.vocab.as_deref())?;
    let mut inputs = collect_inputs(&args.inputs).map_err(|e| anyhow::anyhow!("input {e}"))?;
    let fingerprint = format!(
        "jixiao {} schema {} vocabulary {}",
        env!("CARGO_PKG_VERSION"),
        setup.catalog.version,
        setup.vocab.source_hash
    );
    // A run killed while it published its files is completed first, so that what is
    // read of the dataset below is what that run wrote.
    if complete_interrupted_commit(&args.out)? && !args.quiet {
        eprintln!(
            "jixiao: {}: finished publishing the files of an interrupted run",
            args.out.display()
        );
    }
    let stamp_path = args.out.join(RUN_STAMP);
    let previous = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    let same_extractor = previous.trim() == fingerprint;
    if !args.force && !previous.is_empty() && !same_extractor && !args.quiet {
        eprintln!(
            "jixiao: {} was written by another version or vocabulary; extracting everything again",
            args.out.display()
        );
    }
    let known = Arc::new(if args.force || !same_extractor {
        KnownDocuments::default()
    } else {
        known_documents(&args.out)?
    });
    let mut writer = if known.is_empty() {
        DatasetWriter::create(&args.out, &setup.catalog)?
    } else {
        DatasetWriter::update(&args.out, &setup.catalog)?
    };
    writer = writer
        .with_worker_encoding(batch::encoding_threads(args.jobs))
        .with_published_file(RUN_STAMP, format!("{fingerprint}\n"));
    if let Some(shard) = args.shard {
        inputs.files.retain(|path| shard.contains(path));
        writer = writer.with_file_prefix(&shard.file_prefix());
    }
    let options = RunOptions {
        known: Arc::clone(&known),
        jobs: args.jobs,
        progress: !args.quiet
            && std::io::stderr().is_terminal()
            && inputs.files.len() > PROGRESS_THRESHOLD,
        ..RunOptions::default()
    };
    let quiet = args.quiet;
    let summary = batch::run(
        &inputs.files,
        &setup.vocab,
        &mut writer,
        &options,
        |extraction| {
            if quiet {
                return;
            }
            for doc in &extraction.documents {
                for d in extraction
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == "error")
                {
                    let place = d
                        .location
                        .as_deref()
                        .map(|l| format!(" ({l})"))
                        .unwrap_or_default();
                    eprintln!(
                        "jixiao: {}: {}: {}{place}",
                        doc.source_path, d.code, d.message
                    );
                }
            }
        },
    )
    .context("starting worker threads")?;
    let stale = stale_documents(&known, &inputs.files, &summary.unchanged);
    let replaced_or_removed = stale.len();
    writer.remove_documents(stale);
    let rows = writer.finish()?;
    let rows: Vec<(String, serde_json::Value)> =
        rows.into_iter().map(|(t, n)| (t, n.into())).collect();
    if args.json {
        let json = serde_json::json!({
            "documents": summary.documents,
            "ok": summary.ok,
            "partial": summary.partial,
            "failed": summary.failed,
            "skipped_files": inputs.skipped,
            "unchanged": summary.unchanged.len(),
            "replaced_or_removed": replaced_or_removed,
            "input_bytes": summary.bytes,
            "elapsed_seconds": summary.elapsed.as_secs_f64(),
            "documents_per_second": summary.docs_per_sec(),
            "rows": rows.iter().cloned().collect::<serde_json::Map<_, _>>(),
            "out": args.out.display().to_string(),
        });
        println!("{json}");
    } else if !args.quiet {
        // Only an incremental run takes documents out of the dataset it found.
        let replaced = if known.is_empty() {
            String::new()
        } else {
            format!(", {replaced_or_removed} of its documents replaced or removed")
        };
        eprintln!(
            "jixiao: {} documents ({} ok, {} partial, {} failed), {} unchanged since the last run{replaced}, {} other files skipped, in {:.2}s ({:.0} docs/s, {:.1} MB/s)",
            summary.documents,
            summary.ok,
            summary.partial,
            summary.failed,
            summary.unchanged.len(),
            inputs.skipped,
            summary.elapsed.as_secs_f64(),
            summary.docs_per_sec(),
            summary.mb_per_sec(),
        );
        let counts: Vec<String> = rows.iter().map(|(t, n)| format!("{t} {n}")).collect();
        eprintln!("jixiao: rows written: {}", counts.join(", "));
        eprintln!("jixiao: wrote {}", args.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Documents of the existing dataset that this run replaced or that are gone: all but
/// those of the unchanged files (`unchanged` indexes `files`; a document id shared with
/// an unchanged file is kept).
fn stale_documents(known: &KnownDocuments, files: &FileList, unchanged: &[usize]) -> Vec<String> {
    let mut kept: HashSet<&str> = HashSet::new();
    for &index in unchanged {
        let path = files.get(index).expect("an index into the batch's files");
        let documents = known.from_path(&path.display().to_string());
        kept.extend(documents.iter().map(|d| d.doc_id.as_str()));
    }
    known
        .iter()
        .filter(|d| !kept.contains(d.doc_id.as_str()))
        .map(|d| d.doc_id.clone())
        .collect()
}
