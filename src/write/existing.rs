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

/// The documents of an existing dataset, found by source path. An incremental run holds
/// it for the whole run, so each document is kept once: its strings as read, in a list
/// sorted by path and searched by halves. A run over 100,000 unchanged text exports
/// (paths of 91 bytes, two jobs) peaked at 90.5–91.4 MB when a map of paths and hashes
/// was built beside the documents and the unchanged paths were listed again, at
/// 56.3–56.5 MB with this list (two runs each; a full run of the same files: 44 MB).
#[derive(Debug, Default)]
pub struct KnownDocuments {
    /// Sorted by source path.
    documents: Vec<KnownDocument>,
}

impl KnownDocuments {
    /// The documents, sorted by source path.
    pub fn new(mut documents: Vec<KnownDocument>) -> KnownDocuments {
        documents.sort_unstable_by(|a, b| a.source_path.cmp(&b.source_path));
        documents.shrink_to_fit();
        KnownDocuments { documents }
    }

    /// The documents read from `source_path` (one, unless a file held several).
    pub fn from_path(&self, source_path: &str) -> &[KnownDocument] {
        let start = self
            .documents
            .partition_point(|d| d.source_path.as_str() < source_path);
        let end = start
            + self.documents[start..].partition_point(|d| d.source_path.as_str() == source_path);
        &self.documents[start..end]
    }

    /// Every document, by source path.
    pub fn iter(&self) -> std::slice::Iter<'_, KnownDocument> {
        self.documents.iter()
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// True when there are none (no dataset, or an empty one).
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

/// The documents of the dataset in `out_dir`; none when there is no dataset.
pub fn known_documents(out_dir: &Path) -> Result<KnownDocuments, WriteError> {
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
    Ok(KnownDocuments::new(known))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn document(doc_id: &str, source_path: &str) -> KnownDocument {
        KnownDocument {
            doc_id: doc_id.to_string(),
            source_path: source_path.to_string(),
            content_hash: format!("hash of {doc_id}"),
        }
    }

    #[test]
    fn documents_are_found_by_their_path_and_only_by_it() {
        let known = KnownDocuments::new(vec![
            document("c", "corpus/c.txt"),
            document("a", "corpus/a.txt"),
            document("b1", "corpus/b.docx"),
            document("b2", "corpus/b.docx"),
        ]);
        let ids = |path: &str| -> Vec<&str> {
            known
                .from_path(path)
                .iter()
                .map(|d| d.doc_id.as_str())
                .collect()
        };
        assert_eq!(ids("corpus/a.txt"), ["a"]);
        let mut both = ids("corpus/b.docx");
        both.sort();
        assert_eq!(both, ["b1", "b2"]);
        assert_eq!(ids("corpus/c.txt"), ["c"]);
        assert!(ids("corpus/b.doc").is_empty());
        assert!(ids("corpus/d.txt").is_empty());
        assert!(ids("").is_empty());
        assert_eq!(known.len(), 4);
    }
}
