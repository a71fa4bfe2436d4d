//! An existing dataset, for incremental runs: which documents it holds, and removing the
//! rows of documents that changed or disappeared.

use super::{io_error, WriteError};
use polars::prelude::{BooleanChunked, DataFrame, NewChunkedArray, ParquetReader, SerReader};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One document of an existing dataset.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KnownDocument {
    /// Its id.
    pub doc_id: String,
    /// Its path when it was read.
    pub source_path: String,
    /// Hash of its bytes when it was read.
    pub content_hash: String,
}

fn parquet_error(path: &Path) -> impl FnOnce(polars::error::PolarsError) -> WriteError + '_ {
    move |e| WriteError::Parquet {
        table: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Every Parquet part file below `dir`, in path order.
pub fn part_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "parquet"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn read(path: &Path, columns: Option<Vec<String>>) -> Result<DataFrame, WriteError> {
    let file = fs::File::open(path).map_err(io_error("cannot open", path))?;
    ParquetReader::new(file)
        .with_columns(columns)
        .finish()
        .map_err(parquet_error(path))
}

/// The documents of the dataset in `out_dir`; empty when there is none.
pub fn known_documents(out_dir: &Path) -> Result<Vec<KnownDocument>, WriteError> {
    let mut known = Vec::new();
    for path in part_files(&out_dir.join("documents")) {
        let columns = ["doc_id", "source_path", "content_hash"]
            .map(str::to_string)
            .to_vec();
        let frame = read(&path, Some(columns))?;
        let text = |name: &str| -> Result<Vec<String>, WriteError> {
            let column = frame.column(name).map_err(parquet_error(&path))?;
            let values = column.str().map_err(parquet_error(&path))?;
            Ok(values
                .iter()
                .map(|v| v.unwrap_or_default().to_string())
                .collect())
        };
        let (ids, paths, hashes) = (text("doc_id")?, text("source_path")?, text("content_hash")?);
        for ((doc_id, source_path), content_hash) in ids.into_iter().zip(paths).zip(hashes) {
            known.push(KnownDocument {
                doc_id,
                source_path,
                content_hash,
            });
        }
    }
    Ok(known)
}

/// What removing documents does to one part file.
pub(super) enum Pruned {
    /// The file keeps these rows.
    Rows(DataFrame),
    /// No row is left.
    Empty,
}

/// The part files below `table_dir` that hold rows of `doc_ids`, with what is left of
/// each once those rows are removed.
pub(super) fn prune(
    table_dir: &Path,
    doc_ids: &HashSet<String>,
) -> Result<Vec<(PathBuf, Pruned)>, WriteError> {
    let mut changed = Vec::new();
    if doc_ids.is_empty() {
        return Ok(changed);
    }
    for path in part_files(table_dir) {
        let ids = read(&path, Some(vec!["doc_id".to_string()]))?;
        let column = ids.column("doc_id").map_err(parquet_error(&path))?;
        let ids = column.str().map_err(parquet_error(&path))?;
        let keep: Vec<bool> = ids
            .iter()
            .map(|id| !id.is_some_and(|id| doc_ids.contains(id)))
            .collect();
        if keep.iter().all(|k| *k) {
            continue;
        }
        if !keep.iter().any(|k| *k) {
            changed.push((path, Pruned::Empty));
            continue;
        }
        let frame = read(&path, None)?;
        let mask = BooleanChunked::from_slice("keep".into(), &keep);
        let kept = frame.filter(&mask).map_err(parquet_error(&path))?;
        changed.push((path, Pruned::Rows(kept)));
    }
    Ok(changed)
}
