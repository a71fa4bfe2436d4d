//! Reading the dataset that `extract` wrote: the columns the analysis needs, part file by
//! part file, with the `year` partition taken from each file's directory.

use crate::write::part_files;
use anyhow::{Context, Result};
use polars::prelude::{DataFrame, ParquetReader, SerReader};
use std::path::{Path, PathBuf};

/// A document's place: who and where and when.
#[derive(Debug, Clone, Default)]
pub struct DocumentInfo {
    pub doc_id: String,
    pub source_path: String,
    pub department: Option<String>,
    pub region: Option<String>,
    pub year: Option<i32>,
}

/// A project's identity.
#[derive(Debug, Clone, Default)]
pub struct ProjectInfo {
    pub doc_id: String,
    pub seq: i32,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub truncated: bool,
}

/// One indicator row, as much of it as the analysis reads.
#[derive(Debug, Clone, Default)]
pub struct IndicatorRow {
    pub doc_id: String,
    pub project_seq: i32,
    pub project_code: Option<String>,
    pub seq: i32,
    pub level3: Option<String>,
    pub description: Option<String>,
    pub value_raw: Option<String>,
    pub value_op: Option<String>,
    pub value_num: Option<f64>,
    pub value_unit: Option<String>,
}

fn year_of(path: &Path) -> Option<i32> {
    path.parent()?
        .file_name()?
        .to_str()?
        .strip_prefix("year=")?
        .parse()
        .ok()
}

fn read(path: &Path, columns: &[&str]) -> Result<DataFrame> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    ParquetReader::new(file)
        .with_columns(Some(columns.iter().map(|c| c.to_string()).collect()))
        .finish()
        .with_context(|| format!("reading {}", path.display()))
}

fn strings(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    Ok(frame
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

fn ints(frame: &DataFrame, name: &str) -> Result<Vec<Option<i32>>> {
    Ok(frame.column(name)?.i32()?.iter().collect())
}

fn table_dir(dataset: &Path, table: &str) -> Result<PathBuf> {
    let dir = dataset.join(table);
    anyhow::ensure!(
        dir.is_dir(),
        "{} has no `{table}` table: is it a directory written by `jixiao extract`?",
        dataset.display()
    );
    Ok(dir)
}

/// Every document of the dataset.
pub fn documents(dataset: &Path) -> Result<Vec<DocumentInfo>> {
    let mut out = Vec::new();
    for path in part_files(&table_dir(dataset, "documents")?) {
        let frame = read(&path, &["doc_id", "source_path", "department", "region"])?;
        let year = year_of(&path);
        let rows = strings(&frame, "doc_id")?
            .into_iter()
            .zip(strings(&frame, "source_path")?)
            .zip(strings(&frame, "department")?)
            .zip(strings(&frame, "region")?);
        for (((doc_id, source_path), department), region) in rows {
            out.push(DocumentInfo {
                doc_id: doc_id.unwrap_or_default(),
                source_path: source_path.unwrap_or_default(),
                department,
                region,
                year,
            });
        }
    }
    Ok(out)
}

/// Every project of the dataset.
pub fn projects(dataset: &Path) -> Result<Vec<ProjectInfo>> {
    let mut out = Vec::new();
    for path in part_files(&table_dir(dataset, "projects")?) {
        let frame = read(
            &path,
            &["doc_id", "seq", "project_code", "project_name", "truncated"],
        )?;
        let truncated: Vec<Option<bool>> = frame.column("truncated")?.bool()?.iter().collect();
        let rows = strings(&frame, "doc_id")?
            .into_iter()
            .zip(ints(&frame, "seq")?)
            .zip(strings(&frame, "project_code")?)
            .zip(strings(&frame, "project_name")?)
            .zip(truncated);
        for ((((doc_id, seq), project_code), project_name), truncated) in rows {
            out.push(ProjectInfo {
                doc_id: doc_id.unwrap_or_default(),
                seq: seq.unwrap_or(0),
                project_code,
                project_name,
                truncated: truncated.unwrap_or(false),
            });
        }
    }
    Ok(out)
}

/// Every indicator row of the dataset, handed to `each` file by file.
pub fn indicators(dataset: &Path, mut each: impl FnMut(IndicatorRow)) -> Result<()> {
    let columns = [
        "doc_id",
        "project_seq",
        "project_code",
        "seq",
        "level3",
        "description",
        "value_raw",
        "value_op",
        "value_num",
        "value_unit",
    ];
    for path in part_files(&table_dir(dataset, "indicators")?) {
        let frame = read(&path, &columns)?;
        let nums: Vec<Option<f64>> = frame.column("value_num")?.f64()?.iter().collect();
        let text = |name| strings(&frame, name).map(|v| v.into_iter());
        let (mut ids, mut codes, mut level3, mut desc, mut raw, mut ops, mut units) = (
            text("doc_id")?,
            text("project_code")?,
            text("level3")?,
            text("description")?,
            text("value_raw")?,
            text("value_op")?,
            text("value_unit")?,
        );
        let project_seqs = ints(&frame, "project_seq")?;
        let seqs = ints(&frame, "seq")?;
        for ((project_seq, seq), value_num) in project_seqs.into_iter().zip(seqs).zip(nums) {
            each(IndicatorRow {
                doc_id: ids.next().flatten().unwrap_or_default(),
                project_seq: project_seq.unwrap_or(0),
                project_code: codes.next().flatten(),
                seq: seq.unwrap_or(0),
                level3: level3.next().flatten(),
                description: desc.next().flatten(),
                value_raw: raw.next().flatten(),
                value_op: ops.next().flatten(),
                value_num,
                value_unit: units.next().flatten(),
            });
        }
    }
    Ok(())
}

/// A text of the dataset with where it stands.
#[derive(Debug, Clone)]
pub struct TextOccurrence {
    pub doc_id: String,
    pub project_code: Option<String>,
    /// Project or paragraph number within the document: occurrences with the same
    /// (doc_id, owner) are one place.
    pub owner: i32,
    pub text: String,
}

/// The texts of one column of one table, with their document and project.
pub fn texts(
    dataset: &Path,
    table: &str,
    column: &str,
    owner: &str,
) -> Result<Vec<TextOccurrence>> {
    let mut out = Vec::new();
    let with_code = table != "paragraphs";
    for path in part_files(&table_dir(dataset, table)?) {
        let mut columns = vec!["doc_id", column, owner];
        if with_code {
            columns.push("project_code");
        }
        let frame = read(&path, &columns)?;
        let codes = if with_code {
            strings(&frame, "project_code")?
        } else {
            vec![None; frame.height()]
        };
        let rows = strings(&frame, "doc_id")?
            .into_iter()
            .zip(strings(&frame, column)?)
            .zip(ints(&frame, owner)?)
            .zip(codes);
        for (((doc_id, text), owner), project_code) in rows {
            if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                out.push(TextOccurrence {
                    doc_id: doc_id.unwrap_or_default(),
                    project_code,
                    owner: owner.unwrap_or(0),
                    text,
                });
            }
        }
    }
    Ok(out)
}
