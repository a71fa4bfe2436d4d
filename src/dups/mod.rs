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

use anyhow::Result;
use fingerprint::row_fingerprint;
pub use input::DocumentInfo;
use minhash::{candidate_pairs, intersection, jaccard, MinHasher, UnionFind};
use records::{Findings, RowGroup, TableClusterMember};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

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

#[derive(Default)]
struct RowStats {
    first: Option<(Option<String>, Option<String>, Option<String>)>,
    projects: HashSet<(u32, i32)>,
    documents: HashSet<u32>,
}

/// Analyses the dataset in `dataset`; returns the findings and the documents they refer to.
pub fn analyse(dataset: &Path, options: &Options) -> Result<(Findings, Vec<DocumentInfo>)> {
    let documents = input::documents(dataset)?;
    let doc_index: HashMap<String, u32> = documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.doc_id.clone(), i as u32))
        .collect();
    let mut rows: HashMap<u64, RowStats> = HashMap::new();
    let mut tables: BTreeMap<(u32, i32), Vec<u64>> = BTreeMap::new();
    let mut findings = Findings::default();
    input::indicators(dataset, |row| {
        findings.flags.extend(flags::flags(&row));
        let Some(&doc) = doc_index.get(&row.doc_id) else {
            return;
        };
        let print = row_fingerprint(
            row.level3.as_deref(),
            row.description.as_deref(),
            row.value_raw.as_deref(),
        );
        tables
            .entry((doc, row.project_seq))
            .or_default()
            .push(print);
        let stats = rows.entry(print).or_default();
        stats.projects.insert((doc, row.project_seq));
        stats.documents.insert(doc);
        if stats.first.is_none() {
            stats.first = Some((row.level3, row.description, row.value_raw));
        }
    })?;
    findings.row_groups = row_groups(rows, &documents);
    let projects = input::projects(dataset)?;
    findings.table_clusters =
        table_clusters(tables, &projects, &doc_index, &documents, options.threshold);
    let hasher = MinHasher::default();
    for (field, table, column, owner) in [
        ("description", "indicators", "description", "project_seq"),
        ("goal", "project_goals", "text", "project_seq"),
        ("purpose", "projects", "purpose", "seq"),
        ("paragraph", "paragraphs", "text", "seq"),
    ] {
        let occurrences = input::texts(dataset, table, column, owner)?;
        let found = text::clusters(field, occurrences, options.text_threshold, &hasher);
        findings.text_clusters.extend(found);
    }
    Ok((findings, documents))
}

fn row_groups(rows: HashMap<u64, RowStats>, documents: &[input::DocumentInfo]) -> Vec<RowGroup> {
    let count = |docs: &HashSet<u32>, key: &dyn Fn(&input::DocumentInfo) -> Option<String>| {
        docs.iter()
            .filter_map(|&d| key(&documents[d as usize]))
            .collect::<HashSet<_>>()
            .len() as i64
    };
    let mut groups: Vec<RowGroup> = rows
        .into_iter()
        .filter(|(_, stats)| stats.projects.len() > 1)
        .map(|(print, stats)| {
            let (level3, description, value_raw) = stats.first.clone().unwrap_or_default();
            RowGroup {
                fingerprint: format!("{print:016x}"),
                level3,
                description,
                value_raw,
                n_projects: stats.projects.len() as i64,
                n_documents: stats.documents.len() as i64,
                n_departments: count(&stats.documents, &|d| d.department.clone()),
                n_regions: count(&stats.documents, &|d| d.region.clone()),
                n_years: count(&stats.documents, &|d| d.year.map(|y| y.to_string())),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.n_projects
            .cmp(&a.n_projects)
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    groups
}

fn table_clusters(
    tables: BTreeMap<(u32, i32), Vec<u64>>,
    projects: &[input::ProjectInfo],
    doc_index: &HashMap<String, u32>,
    documents: &[input::DocumentInfo],
    threshold: f64,
) -> Vec<TableClusterMember> {
    let info: HashMap<(u32, i32), &input::ProjectInfo> = projects
        .iter()
        .filter_map(|p| doc_index.get(&p.doc_id).map(|&d| ((d, p.seq), p)))
        .collect();
    let keys: Vec<(u32, i32)> = tables.keys().copied().collect();
    let sets: Vec<Vec<u64>> = tables
        .into_values()
        .map(|mut set| {
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect();
    let truncated: Vec<bool> = keys
        .iter()
        .map(|k| info.get(k).is_some_and(|p| p.truncated))
        .collect();
    let hasher = MinHasher::default();
    let signatures: Vec<Vec<u64>> = sets.iter().map(|s| hasher.signature(s)).collect();
    let mut groups = UnionFind::new(sets.len());
    for (i, j) in candidate_pairs(&signatures) {
        if jaccard(&sets[i], &sets[j]) >= threshold {
            groups.union(i, j);
        }
    }
    // A table cut off by the end of its file is matched by how much of it lies inside
    // another table (its last, incomplete row set aside), not by Jaccard.
    let mut holders: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for print in set {
            holders.entry(*print).or_default().push(i);
        }
    }
    for i in (0..sets.len()).filter(|&i| truncated[i]) {
        let complete = complete_rows(&sets[i], &holders);
        let candidates: HashSet<usize> = complete
            .iter()
            .flat_map(|p| holders[p].iter().copied())
            .filter(|&j| j != i)
            .collect();
        for j in candidates {
            if !complete.is_empty()
                && intersection(&complete, &sets[j]) as f64 / complete.len() as f64 >= threshold
            {
                groups.union(i, j);
            }
        }
    }
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..sets.len() {
        let root = groups.find(i);
        clusters.entry(root).or_default().push(i);
    }
    let mut clusters: Vec<Vec<usize>> = clusters.into_values().filter(|m| m.len() > 1).collect();
    clusters.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| keys[a[0]].cmp(&keys[b[0]]))
    });
    let mut out = Vec::new();
    for (c, members) in clusters.iter().enumerate() {
        let mode = most_common(members, &sets);
        let names: HashSet<String> = members
            .iter()
            .filter_map(|&m| info.get(&keys[m]).and_then(|p| p.project_name.clone()))
            .map(|n| fingerprint::fold(&n))
            .collect();
        for &m in members {
            let (doc, seq) = keys[m];
            let project = info.get(&keys[m]);
            let similarity = if truncated[m] {
                let complete = complete_rows(&sets[m], &holders);
                intersection(&complete, &sets[mode]) as f64 / complete.len().max(1) as f64
            } else {
                jaccard(&sets[m], &sets[mode])
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

/// A truncated table's rows that occur elsewhere too: its last, cut-off row is unique to it.
fn complete_rows(set: &[u64], holders: &HashMap<u64, Vec<usize>>) -> Vec<u64> {
    set.iter()
        .copied()
        .filter(|p| holders.get(p).is_some_and(|h| h.len() > 1))
        .collect()
}

/// The member whose table occurs most often in the cluster (ties: the first).
fn most_common(members: &[usize], sets: &[Vec<u64>]) -> usize {
    let mut best = (0, members[0]);
    for &m in members {
        let count = members.iter().filter(|&&o| sets[o] == sets[m]).count();
        if count > best.0 {
            best = (count, m);
        }
    }
    best.1
}
