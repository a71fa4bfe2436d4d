//! Records → Parquet, through the table definitions of `schemas/`.
//!
//! The writer takes the [`Catalog`] and never names a column itself: each table's column
//! buffers are built from its definition, and records are appended through
//! [`TableSink`]. Files are written into a staging directory and moved into place when
//! the run finishes, so readers never see a half-written table.

mod columns;

use crate::record::{Record, TableSink};
use crate::schema::{Catalog, TableDef};
use columns::ColumnBuffer;
use polars::prelude::{DataFrame, KeyValueMetadata, ParquetCompression, ParquetWriter};
use std::fs;
use std::path::{Path, PathBuf};

/// Rows a table buffers before it is written out as one part file.
pub const DEFAULT_ROWS_PER_PART: usize = 1_000_000;

/// Why the dataset could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A file system operation failed.
    #[error("{action} {path}: {source}")]
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

/// Writes a whole dataset: one directory of Parquet files per table.
pub struct DatasetWriter {
    out_dir: PathBuf,
    staging: PathBuf,
    version: String,
    tables: Vec<TableBuffer>,
    rows_per_part: usize,
    error: Option<WriteError>,
}

struct TableBuffer {
    def: TableDef,
    columns: Vec<ColumnBuffer>,
    rows: usize,
    total_rows: u64,
    parts: u32,
}

impl DatasetWriter {
    /// Prepares `out_dir` (created if needed) for a new dataset.
    pub fn create(out_dir: &Path, catalog: &Catalog) -> Result<DatasetWriter, WriteError> {
        fs::create_dir_all(out_dir).map_err(io_error("cannot create output directory", out_dir))?;
        let staging = out_dir.join(format!(".jixiao-staging-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_error("cannot clear", &staging))?;
        }
        fs::create_dir_all(&staging)
            .map_err(io_error("cannot write into output directory", out_dir))?;
        let tables = catalog
            .tables
            .iter()
            .map(|def| TableBuffer {
                columns: def
                    .columns
                    .iter()
                    .map(|c| ColumnBuffer::new(c.kind))
                    .collect(),
                def: def.clone(),
                rows: 0,
                total_rows: 0,
                parts: 0,
            })
            .collect();
        Ok(DatasetWriter {
            out_dir: out_dir.to_path_buf(),
            staging,
            version: catalog.version.clone(),
            tables,
            rows_per_part: DEFAULT_ROWS_PER_PART,
            error: None,
        })
    }

    /// Sets how many rows of one table make a part file.
    pub fn with_rows_per_part(mut self, rows: usize) -> Self {
        self.rows_per_part = rows.max(1);
        self
    }

    /// Rows written so far per table, in catalog order.
    pub fn row_counts(&self) -> Vec<(String, u64)> {
        self.tables
            .iter()
            .map(|t| (t.def.name.clone(), t.total_rows + t.rows as u64))
            .collect()
    }

    /// Writes what is buffered and moves every table into place. Tables without rows
    /// get one empty file, so that readers still find their columns.
    pub fn finish(mut self) -> Result<Vec<(String, u64)>, WriteError> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        for index in 0..self.tables.len() {
            if self.tables[index].rows > 0 || self.tables[index].parts == 0 {
                self.flush(index)?;
            }
        }
        for table in &self.tables {
            let staged = self.staging.join(&table.def.name);
            let target = self.out_dir.join(&table.def.name);
            let old = self.staging.join(format!("{}.old", table.def.name));
            if target.exists() {
                fs::rename(&target, &old).map_err(io_error("cannot replace", &target))?;
            }
            fs::rename(&staged, &target).map_err(io_error("cannot move table into", &target))?;
        }
        fs::remove_dir_all(&self.staging).map_err(io_error("cannot remove", &self.staging))?;
        Ok(self.row_counts())
    }

    fn flush(&mut self, index: usize) -> Result<(), WriteError> {
        let table = &mut self.tables[index];
        let dir = self.staging.join(&table.def.name);
        fs::create_dir_all(&dir).map_err(io_error("cannot create", &dir))?;
        let parquet_error = |e: polars::error::PolarsError| WriteError::Parquet {
            table: table.def.name.clone(),
            message: e.to_string(),
        };
        let columns = table
            .def
            .columns
            .iter()
            .zip(table.columns.iter_mut())
            .map(|(def, buffer)| buffer.take_column(&def.name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet_error)?;
        let mut frame = DataFrame::new(table.rows, columns).map_err(parquet_error)?;
        let path = dir.join(format!("part-{:05}.parquet", table.parts));
        let partial = path.with_extension("parquet.tmp");
        let file = fs::File::create(&partial).map_err(io_error("cannot create", &partial))?;
        let metadata = KeyValueMetadata::from_static(vec![
            ("jixiao.schema_version".to_string(), self.version.clone()),
            ("jixiao.table".to_string(), table.def.name.clone()),
            (
                "jixiao.version".to_string(),
                env!("CARGO_PKG_VERSION").to_string(),
            ),
        ]);
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(metadata))
            .finish(&mut frame)
            .map_err(parquet_error)?;
        fs::rename(&partial, &path).map_err(io_error("cannot rename", &partial))?;
        table.total_rows += table.rows as u64;
        table.rows = 0;
        table.parts += 1;
        Ok(())
    }
}

impl TableSink for DatasetWriter {
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
        let table = &mut self.tables[index];
        for row in rows {
            let mut column = 0;
            row.visit(&mut |value| {
                table.columns[column].push(value);
                column += 1;
            });
            table.rows += 1;
        }
        if table.rows >= self.rows_per_part {
            if let Err(e) = self.flush(index) {
                self.error = Some(e);
            }
        }
    }
}

impl Drop for DatasetWriter {
    fn drop(&mut self) {
        // An unfinished run leaves nothing behind that a reader could load.
        let _ = fs::remove_dir_all(&self.staging);
    }
}
