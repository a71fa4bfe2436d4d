//! Reading the dataset that `extract` wrote: the columns the analysis needs, part file by
//! part file, with the `year` partition taken from each file's directory.

use crate::write::part_files;
use anyhow::{Context, Result};
use polars::prelude::{DataFrame, ParquetReader, SerReader};
use std::collections::HashMap;
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
    /// The document's number in [`documents`]' order.
    pub doc: u32,
    pub seq: i32,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub truncated: bool,
}

/// One indicator row, as much of it as the analysis reads, borrowed from the file's
/// columns: nothing is copied for rows that flag nothing.
#[derive(Debug, Clone, Default)]
pub struct IndicatorRow<'a> {
    pub doc_id: &'a str,
    pub project_seq: i32,
    pub project_code: Option<&'a str>,
    pub seq: i32,
    pub level3: Option<&'a str>,
    pub description: Option<&'a str>,
    pub value_raw: Option<&'a str>,
    pub value_op: Option<&'a str>,
    pub value_num: Option<f64>,
    pub value_unit: Option<&'a str>,
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

/// Every project of the dataset whose document is in `doc_index`.
pub fn projects(dataset: &Path, doc_index: &HashMap<&str, u32>) -> Result<Vec<ProjectInfo>> {
    let mut out = Vec::new();
    for path in part_files(&table_dir(dataset, "projects")?) {
        let frame = read(
            &path,
            &["doc_id", "seq", "project_code", "project_name", "truncated"],
        )?;
        let rows = frame
            .column("doc_id")?
            .str()?
            .iter()
            .zip(frame.column("seq")?.i32()?.iter())
            .zip(frame.column("project_code")?.str()?.iter())
            .zip(frame.column("project_name")?.str()?.iter())
            .zip(frame.column("truncated")?.bool()?.iter());
        for ((((doc_id, seq), project_code), project_name), truncated) in rows {
            let Some(&doc) = doc_id.and_then(|d| doc_index.get(d)) else {
                continue;
            };
            out.push(ProjectInfo {
                doc,
                seq: seq.unwrap_or(0),
                project_code: project_code.map(str::to_string),
                project_name: project_name.map(str::to_string),
                truncated: truncated.unwrap_or(false),
            });
        }
    }
    Ok(out)
}

/// Every indicator row of the dataset, handed to `each` in file order.
pub fn indicators(dataset: &Path, mut each: impl FnMut(&IndicatorRow)) -> Result<()> {
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
        let text = |name| frame.column(name).and_then(|c| c.str()).map(|c| c.iter());
        let (mut ids, mut codes, mut level3, mut desc, mut raw, mut ops, mut units) = (
            text("doc_id")?,
            text("project_code")?,
            text("level3")?,
            text("description")?,
            text("value_raw")?,
            text("value_op")?,
            text("value_unit")?,
        );
        let numbers = frame
            .column("project_seq")?
            .i32()?
            .iter()
            .zip(frame.column("seq")?.i32()?.iter())
            .zip(frame.column("value_num")?.f64()?.iter());
        for ((project_seq, seq), value_num) in numbers {
            each(&IndicatorRow {
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

/// One non-blank text of a column, borrowed from the file: its document, owner (project
/// or paragraph number), project code (none for paragraphs) and text.
pub struct TextRow<'a> {
    pub doc_id: &'a str,
    pub owner: i32,
    pub project_code: Option<&'a str>,
    pub text: &'a str,
}

/// The non-blank texts of one column of one table, handed to `each` in file order; two
/// calls see the same rows in the same order.
pub fn each_text(
    dataset: &Path,
    table: &str,
    column: &str,
    owner: &str,
    mut each: impl FnMut(&TextRow),
) -> Result<()> {
    let with_code = table != "paragraphs";
    for path in part_files(&table_dir(dataset, table)?) {
        let mut columns = vec!["doc_id", column, owner];
        if with_code {
            columns.push("project_code");
        }
        let frame = read(&path, &columns)?;
        let mut codes = if with_code {
            Some(frame.column("project_code")?.str()?.iter())
        } else {
            None
        };
        let rows = frame
            .column("doc_id")?
            .str()?
            .iter()
            .zip(frame.column(column)?.str()?.iter())
            .zip(frame.column(owner)?.i32()?.iter());
        for ((doc_id, text), owner) in rows {
            let project_code = codes.as_mut().and_then(|c| c.next().flatten());
            if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                each(&TextRow {
                    doc_id: doc_id.unwrap_or_default(),
                    owner: owner.unwrap_or(0),
                    project_code,
                    text,
                });
            }
        }
    }
    Ok(())
}
