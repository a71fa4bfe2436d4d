//! The findings of `jixiao dups`, one struct per table of `schemas/dups/`.

use super::report::SHOWN;
use crate::record::TableSink;
use crate::records;

records! {
    /// Indicator rows pasted into several projects.
    RowGroup => "row_groups" {
        fingerprint: String,
        level3: Option<String>,
        description: Option<String>,
        value_raw: Option<String>,
        n_projects: i64,
        n_documents: i64,
        n_departments: i64,
        n_regions: i64,
        n_years: i64,
    }

    /// A project in a cluster of reused indicator tables.
    TableClusterMember => "table_clusters" {
        cluster_id: i64,
        doc_id: String,
        project_seq: i32,
        project_code: Option<String>,
        project_name: Option<String>,
        similarity: f64,
        template_reuse: bool,
    }

    /// One occurrence of a pasted text.
    TextClusterMember => "text_clusters" {
        cluster_id: i64,
        field: String,
        doc_id: String,
        project_code: Option<String>,
        text: String,
        similarity: f64,
    }

    /// An implausible target.
    Flag => "flags" {
        doc_id: String,
        project_seq: i32,
        project_code: Option<String>,
        seq: i32,
        code: String,
        message: String,
    }
}

/// Everything `dups` found.
#[derive(Debug, Default)]
pub struct Findings {
    /// `row_groups`, most widely pasted first.
    pub row_groups: Vec<RowGroup>,
    /// `table_clusters`, largest cluster first.
    pub table_clusters: Vec<TableClusterMember>,
    /// The first members of `text_clusters` (all of them went to the writer).
    pub text_clusters: Vec<TextClusterMember>,
    /// Members of `text_clusters`, in all.
    pub text_members: usize,
    /// Text clusters by field.
    pub text_cluster_counts: std::collections::BTreeMap<String, usize>,
    /// `flags`.
    pub flags: Vec<Flag>,
    /// Text occurrences compared (for throughput figures; not a table).
    pub texts_compared: usize,
}

impl Findings {
    /// Number of clusters of reused indicator tables.
    pub fn table_cluster_count(&self) -> i64 {
        self.table_clusters
            .iter()
            .map(|m| m.cluster_id)
            .max()
            .unwrap_or(0)
    }

    /// Number of those clusters whose projects have different names.
    pub fn template_reuse_count(&self) -> usize {
        let ids: std::collections::HashSet<i64> = self
            .table_clusters
            .iter()
            .filter(|m| m.template_reuse)
            .map(|m| m.cluster_id)
            .collect();
        ids.len()
    }

    /// Counts text cluster members and keeps the first [`SHOWN`] for the report.
    pub fn keep_text_members(&mut self, members: &[TextClusterMember]) {
        self.text_members += members.len();
        let room = SHOWN.saturating_sub(self.text_clusters.len());
        self.text_clusters
            .extend(members.iter().take(room).cloned());
    }

    /// Hands every table but `text_clusters` (streamed while analysing) to `sink`.
    pub fn write_to(&self, sink: &mut impl TableSink) {
        sink.rows(&self.row_groups);
        sink.rows(&self.table_clusters);
        // Nothing to write, but the schema check sees that the table exists.
        sink.rows::<TextClusterMember>(&[]);
        sink.rows(&self.flags);
    }
}
