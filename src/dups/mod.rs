//! Duplicated boilerplate across projects, departments, districts and years: indicator
//! rows pasted into many projects, whole indicator tables reused (identical, or nearly so
//! by MinHash/LSH over their row fingerprints, verified by exact Jaccard), and targets
//! that cannot be right. Reads the dataset `extract` wrote; writes under `DIR/dups/`.

mod fingerprint;
mod flags;
mod input;
mod minhash;
pub mod records;
pub mod report;
pub mod search;
mod text;

use crate::record::check_tables;
use crate::record::TableSink;
use crate::schema::Catalog;
use crate::write::DatasetWriter;
use anyhow::{Context, Result};
pub use fingerprint::fold;
use fingerprint::row_fingerprint;
pub use input::DocumentInfo;
use minhash::{intersection, jaccard, similar_groups, MinHasher, UnionFind};
use rayon::prelude::*;
use records::{Findings, RowGroup, TableClusterMember, TextClusterMember};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use text::Interner;
pub use text::{TextCluster, TextIndex};

/// How `dups` runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Jaccard similarity at or above which two indicator tables are "the same table".
    pub threshold: f64,
    /// Jaccard similarity of character 3-grams at or above which two texts are "the same
    /// text with a few characters changed".
    pub text_threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 0.8,
            text_threshold: 0.7,
        }
    }
}

/// The text fields compared: (field, table, column, owner column).
const TEXT_FIELDS: [(&str, &str, &str, &str); 4] = [
    ("description", "indicators", "description", "project_seq"),
    ("goal", "project_goals", "text", "project_seq"),
    ("purpose", "projects", "purpose", "seq"),
    ("paragraph", "paragraphs", "text", "seq"),
];

/// `jixiao dups`: analyses the dataset in `dataset` and writes the findings under
/// `dataset/dups/` (Parquet tables and `report.html`).
pub fn run(dataset: &Path, options: &Options) -> Result<(Findings, Vec<DocumentInfo>)> {
    let catalog = Catalog::dups();
    if let Err(errors) = check_tables(&catalog, |sink| Findings::default().write_to(sink)) {
        anyhow::bail!("records and schemas disagree:\n{}", errors.join("\n"));
    }
    // An extract run killed while it published its files left the dataset half old, half
    // new: its next run would finish the job, and so does this one before reading it.
    crate::write::complete_interrupted_commit(dataset)?;
    let out = dataset.join("dups");
    let mut writer = DatasetWriter::create(&out, &catalog)?.unpartitioned();
    let (findings, documents) = analyse(dataset, options, &mut writer)?;
    findings.write_to(&mut writer);
    writer.finish()?;
    let report = out.join("report.html");
    std::fs::write(&report, report::html(&findings, &documents))
        .with_context(|| format!("writing {}", report.display()))?;
    Ok((findings, documents))
}

/// Analyses the dataset in `dataset`; returns the findings and the documents they refer to.
///
/// Memory: a few dozen bytes per indicator row and per text occurrence, plus each distinct
/// text once; the strings of the output are fetched in a second pass over the files,
/// for the rows and texts that made it into a finding.
///
/// The members of text clusters, the largest output by far, go to `texts` as they are
/// found; `Findings::text_clusters` keeps the first [`report::SHOWN`] of them.
pub fn analyse(
    dataset: &Path,
    options: &Options,
    texts: &mut (impl TableSink + Send),
) -> Result<(Findings, Vec<DocumentInfo>)> {
    let documents = input::documents(dataset)?;
    let doc_index: HashMap<&str, u32> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.doc_id.as_str(), i as u32))
        .collect();
    // Indicator rows and tables on one side, texts on the other: independent work that
    // is mostly reading and interning, so it runs side by side.
    let (tables, text_findings) = rayon::join(
        || -> Result<Findings> {
            let projects = input::projects(dataset, &doc_index)?;
            let mut findings = Findings::default();
            let rows = indicator_rows(dataset, &doc_index, &mut findings)?;
            findings.row_groups = row_groups(dataset, &rows, &documents)?;
            findings.table_clusters =
                table_clusters(rows, &projects, &documents, options.threshold);
            Ok(findings)
        },
        || -> Result<Findings> {
            let mut findings = Findings::default();
            for field in TEXT_FIELDS {
                text_clusters(
                    dataset,
                    field,
                    &doc_index,
                    &documents,
                    options.text_threshold,
                    &mut findings,
                    texts,
                )?;
            }
            Ok(findings)
        },
    );
    let (mut findings, text_findings) = (tables?, text_findings?);
    findings.text_clusters = text_findings.text_clusters;
    findings.text_members = text_findings.text_members;
    findings.text_cluster_counts = text_findings.text_cluster_counts;
    findings.texts_compared = text_findings.texts_compared;
    Ok((findings, documents))
}

/// Every indicator row as (fingerprint, project), in file order; rows of documents the
/// dataset does not list get no project.
struct IndicatorRows {
    prints: Vec<(u64, u32)>,
    /// Project keys (document number, project seq) by project number.
    projects: Vec<(u32, i32)>,
}

const NO_PROJECT: u32 = u32::MAX;

fn indicator_rows(
    dataset: &Path,
    doc_index: &HashMap<&str, u32>,
    findings: &mut Findings,
) -> Result<IndicatorRows> {
    let mut rows = IndicatorRows {
        prints: Vec::new(),
        projects: Vec::new(),
    };
    let mut numbers: HashMap<(u32, i32), u32> = HashMap::new();
    // Rows come project by project: the last project's number saves a lookup per row.
    let mut last: Option<(i32, u32)> = None;
    let mut last_doc = String::new();
    input::indicators(dataset, |row| {
        findings.flags.extend(flags::flags(row));
        let project = match last {
            Some((seq, number)) if seq == row.project_seq && last_doc == row.doc_id => number,
            _ => match doc_index.get(row.doc_id) {
                Some(&doc) => {
                    let number = *numbers.entry((doc, row.project_seq)).or_insert_with(|| {
                        rows.projects.push((doc, row.project_seq));
                        rows.projects.len() as u32 - 1
                    });
                    last_doc.clear();
                    last_doc.push_str(row.doc_id);
                    last = Some((row.project_seq, number));
                    number
                }
                None => NO_PROJECT,
            },
        };
        let print = row_fingerprint(row.level3, row.description, row.value_raw);
        rows.prints.push((print, project));
    })?;
    Ok(rows)
}

fn row_groups(
    dataset: &Path,
    rows: &IndicatorRows,
    documents: &[input::DocumentInfo],
) -> Result<Vec<RowGroup>> {
    // Row numbers sorted by fingerprint: each run is one fingerprint, its first element
    // the first row that carries it.
    let mut order: Vec<u32> = (0..rows.prints.len() as u32)
        .filter(|&r| rows.prints[r as usize].1 != NO_PROJECT)
        .collect();
    order.par_sort_unstable_by_key(|&r| (rows.prints[r as usize].0, r));
    let mut groups = Vec::new();
    let mut firsts = Vec::new();
    for run in order.chunk_by(|&a, &b| rows.prints[a as usize].0 == rows.prints[b as usize].0) {
        let mut projects: Vec<u32> = run.iter().map(|&r| rows.prints[r as usize].1).collect();
        projects.sort_unstable();
        projects.dedup();
        if projects.len() < 2 {
            continue;
        }
        let docs: Vec<&input::DocumentInfo> = {
            let mut docs: Vec<u32> = projects
                .iter()
                .map(|&p| rows.projects[p as usize].0)
                .collect();
            docs.sort_unstable();
            docs.dedup();
            docs.iter().map(|&d| &documents[d as usize]).collect()
        };
        let distinct = |key: &dyn Fn(&input::DocumentInfo) -> Option<String>| {
            docs.iter()
                .filter_map(|d| key(d))
                .collect::<HashSet<_>>()
                .len() as i64
        };
        firsts.push(run[0]);
        groups.push(RowGroup {
            fingerprint: format!("{:016x}", rows.prints[run[0] as usize].0),
            level3: None,
            description: None,
            value_raw: None,
            n_projects: projects.len() as i64,
            n_documents: docs.len() as i64,
            n_departments: distinct(&|d| d.department.clone()),
            n_regions: distinct(&|d| d.region.clone()),
            n_years: distinct(&|d| d.year.map(|y| y.to_string())),
        });
    }
    // The group's strings, as its first row wrote them.
    let mut wanted: Vec<(u32, usize)> = firsts.iter().enumerate().map(|(g, &r)| (r, g)).collect();
    wanted.sort_unstable();
    let mut next = wanted.iter().peekable();
    let mut row_number = 0u32;
    input::indicators(dataset, |row| {
        while let Some(&&(r, g)) = next.peek() {
            if r != row_number {
                break;
            }
            let group = &mut groups[g];
            group.level3 = row.level3.map(str::to_string);
            group.description = row.description.map(str::to_string);
            group.value_raw = row.value_raw.map(str::to_string);
            next.next();
        }
        row_number += 1;
    })?;
    anyhow::ensure!(
        row_number as usize == rows.prints.len() && next.peek().is_none(),
        "{}/indicators changed while it was being read",
        dataset.display()
    );
    groups.sort_by(|a, b| {
        b.n_projects
            .cmp(&a.n_projects)
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    Ok(groups)
}

fn table_clusters(
    rows: IndicatorRows,
    projects: &[input::ProjectInfo],
    documents: &[input::DocumentInfo],
    threshold: f64,
) -> Vec<TableClusterMember> {
    let info: HashMap<(u32, i32), &input::ProjectInfo> =
        projects.iter().map(|p| ((p.doc, p.seq), p)).collect();
    // Each project's set of row fingerprints: sorted (project, fingerprint) pairs, cut
    // into runs.
    let keys = rows.projects;
    let mut pairs: Vec<(u32, u64)> = rows
        .prints
        .into_iter()
        .filter(|&(_, p)| p != NO_PROJECT)
        .map(|(print, p)| (p, print))
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    let mut starts = vec![0usize; keys.len() + 1];
    for &(p, _) in &pairs {
        starts[p as usize + 1] += 1;
    }
    for i in 0..keys.len() {
        starts[i + 1] += starts[i];
    }
    let flat: Vec<u64> = pairs.into_iter().map(|(_, print)| print).collect();
    let set = |i: usize| &flat[starts[i]..starts[i + 1]];
    let truncated: Vec<bool> = keys
        .iter()
        .map(|k| info.get(k).is_some_and(|p| p.truncated))
        .collect();
    // Identical tables are joined at once and stand for each other in LSH: a template
    // pasted into thousands of projects is one set there, not millions of pairs.
    let mut first_with: HashMap<&[u64], usize> = HashMap::new();
    let distinct_of: Vec<usize> = (0..keys.len())
        .map(|i| *first_with.entry(set(i)).or_insert(i))
        .collect();
    drop(first_with);
    let distinct: Vec<usize> = (0..keys.len()).filter(|&i| distinct_of[i] == i).collect();
    let hasher = MinHasher::for_threshold(threshold);
    let band_keys = hasher.all_band_keys(distinct.len(), |k, buffer| {
        buffer.clear();
        buffer.extend_from_slice(set(distinct[k]));
    });
    let mut similar = similar_groups(distinct.len(), &band_keys, hasher.bands(), |a, b| {
        jaccard(set(distinct[a]), set(distinct[b])) >= threshold
    });
    drop(band_keys);
    let mut groups = UnionFind::new(keys.len());
    for (k, &i) in distinct.iter().enumerate() {
        groups.union(i, distinct[similar.find(k)]);
    }
    for (i, &first) in distinct_of.iter().enumerate() {
        groups.union(i, first);
    }
    // A table cut off by the end of its file is matched by how much of it lies inside
    // another table (its last, incomplete row set aside), not by Jaccard. Only the
    // fingerprints of cut-off tables need to know where else they stand.
    let cut_off: Vec<usize> = (0..keys.len()).filter(|&i| truncated[i]).collect();
    let mut holders: HashMap<u64, Vec<usize>> = cut_off
        .iter()
        .flat_map(|&i| set(i).iter().map(|&p| (p, Vec::new())))
        .collect();
    if !holders.is_empty() {
        for i in 0..keys.len() {
            for print in set(i) {
                if let Some(h) = holders.get_mut(print) {
                    h.push(i);
                }
            }
        }
    }
    // Each cut-off table's complete rows, kept for its similarity below.
    let complete_of: HashMap<usize, Vec<u64>> = cut_off
        .iter()
        .map(|&i| (i, complete_rows(set(i), &holders, &truncated)))
        .collect();
    for &i in &cut_off {
        let complete = &complete_of[&i];
        let candidates: HashSet<usize> = complete
            .iter()
            .flat_map(|p| holders[p].iter().copied())
            .filter(|&j| j != i)
            .collect();
        for j in candidates {
            if !complete.is_empty()
                && intersection(complete, set(j)) as f64 / complete.len() as f64 >= threshold
            {
                groups.union(i, j);
            }
        }
    }
    let mut clusters = groups.groups();
    clusters.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| keys[a[0]].cmp(&keys[b[0]]))
    });
    let mut out = Vec::new();
    for (c, members) in clusters.iter().enumerate() {
        let mode = most_common(members, &set);
        let names: HashSet<String> = members
            .iter()
            .filter_map(|&m| info.get(&keys[m]).and_then(|p| p.project_name.clone()))
            .map(|n| fingerprint::fold(&n))
            .collect();
        for &m in members {
            let (doc, seq) = keys[m];
            let project = info.get(&keys[m]);
            let similarity = match complete_of.get(&m) {
                Some(complete) if !complete.is_empty() => {
                    intersection(complete, set(mode)) as f64 / complete.len() as f64
                }
                _ => jaccard(set(m), set(mode)),
            };
            out.push(TableClusterMember {
                cluster_id: c as i64 + 1,
                doc_id: documents[doc as usize].doc_id.clone(),
                project_seq: seq,
                project_code: project.and_then(|p| p.project_code.clone()),
                project_name: project.and_then(|p| p.project_name.clone()),
                similarity,
                template_reuse: names.len() > 1,
            });
        }
    }
    out
}

/// A cut-off table's rows that also stand in a table that is not cut off. Its last,
/// incomplete row stands in none; occurring elsewhere is not enough, since a copy of the
/// same document (its text export beside its DOCX) is cut off at the same place.
fn complete_rows(set: &[u64], holders: &HashMap<u64, Vec<usize>>, truncated: &[bool]) -> Vec<u64> {
    set.iter()
        .copied()
        .filter(|p| {
            holders
                .get(p)
                .is_some_and(|h| h.iter().any(|&j| !truncated[j]))
        })
        .collect()
}

/// The member whose table occurs most often in the cluster (ties: the first).
fn most_common<'a>(members: &[usize], set: &impl Fn(usize) -> &'a [u64]) -> usize {
    let mut counts: HashMap<&[u64], usize> = HashMap::new();
    for &m in members {
        *counts.entry(set(m)).or_default() += 1;
    }
    let mut best = (0, members[0]);
    for &m in members {
        let count = counts[set(m)];
        if count > best.0 {
            best = (count, m);
        }
    }
    best.1
}

/// The clusters of one text field: texts read and interned, clustered, then the members'
/// own texts and project codes fetched in a second reading and handed to `sink` in
/// cluster order, a few thousand at a time.
#[allow(clippy::too_many_arguments)]
fn text_clusters(
    dataset: &Path,
    (field, table, column, owner): (&str, &str, &str, &str),
    doc_index: &HashMap<&str, u32>,
    documents: &[input::DocumentInfo],
    threshold: f64,
    findings: &mut Findings,
    sink: &mut impl TableSink,
) -> Result<()> {
    let mut index = TextIndex::default();
    input::each_text(dataset, table, column, owner, |row| {
        if let Some(&doc) = doc_index.get(row.doc_id) {
            index.add(row.text, (doc, row.owner));
        }
    })?;
    if index.is_empty() {
        return Ok(());
    }
    findings.texts_compared += index.len();
    let clusters = index.clusters(threshold);
    let mut wanted: Vec<usize> = clusters
        .iter()
        .flat_map(|c| c.members.iter().map(|m| m.0))
        .collect();
    wanted.sort_unstable();
    // Members' texts and codes as written (not folded), each distinct one stored once.
    let mut strings = Interner::default();
    let mut fetched: Vec<(u32, Option<u32>)> = Vec::with_capacity(wanted.len());
    let mut next = wanted.iter().peekable();
    let mut k = 0usize;
    input::each_text(dataset, table, column, owner, |row| {
        if !doc_index.contains_key(row.doc_id) {
            return;
        }
        while next.peek() == Some(&&k) {
            let code = row.project_code.map(|c| strings.intern(c));
            fetched.push((strings.intern(row.text), code));
            next.next();
        }
        k += 1;
    })?;
    anyhow::ensure!(
        fetched.len() == wanted.len(),
        "{}/{table} changed while it was being read",
        dataset.display()
    );
    *findings
        .text_cluster_counts
        .entry(field.to_string())
        .or_default() += clusters.len();
    let mut batch = Vec::new();
    for (c, cluster) in clusters.iter().enumerate() {
        for &(k, similarity) in &cluster.members {
            let (text, code) = fetched[wanted.binary_search(&k).expect("fetched")];
            batch.push(TextClusterMember {
                cluster_id: c as i64 + 1,
                field: field.to_string(),
                doc_id: documents[index.place(k).0 as usize].doc_id.clone(),
                project_code: code.map(|c| strings.get(c).to_string()),
                text: strings.get(text).to_string(),
                similarity,
            });
        }
        if batch.len() >= 4096 {
            findings.keep_text_members(&batch);
            sink.rows(&batch);
            batch.clear();
        }
    }
    findings.keep_text_members(&batch);
    sink.rows(&batch);
    Ok(())
}
