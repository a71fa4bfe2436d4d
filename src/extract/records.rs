//! The records this document family yields, one struct per output table. Field names and
//! types must match `schemas/<table>.toml` exactly; [`check_against`] proves it.

use crate::record::{check_tables, Money, SharedStr, TableSink};
use crate::records;
use crate::schema::Catalog;

records! {
    /// One input file.
    Document => "documents" {
        doc_id: SharedStr,
        source_path: String,
        source_format: String,
        encoding: Option<String>,
        size_bytes: i64,
        content_hash: String,
        title: Option<String>,
        year: Option<i32>,
        region: Option<String>,
        department: Option<String>,
        compiled_by: Option<String>,
        reviewed_by: Option<String>,
        status: String,
        n_projects: i32,
        n_diagnostics: i32,
    }

    /// One table-of-contents entry.
    TocEntry => "toc_entries" {
        doc_id: SharedStr,
        seq: i32,
        part: Option<String>,
        level: Option<i32>,
        number: Option<String>,
        title: String,
        page: Option<i32>,
        toc_list: Option<String>,
        raw: String,
    }

    /// One narrative paragraph.
    ParagraphRec => "paragraphs" {
        doc_id: SharedStr,
        seq: i32,
        part: Option<String>,
        section: Option<String>,
        text: String,
    }

    /// One duty of the department.
    Duty => "duties" {
        doc_id: SharedStr,
        seq: i32,
        name: String,
        main_duty: Option<String>,
        duty_goal: Option<String>,
        performance_goal: Option<String>,
    }

    /// One named indicator of a duty.
    DutyIndicator => "duty_indicators" {
        doc_id: SharedStr,
        duty_seq: i32,
        seq: i32,
        name: String,
        standard: Option<String>,
    }

    /// One safeguard item or sub-item.
    Safeguard => "safeguards" {
        doc_id: SharedStr,
        seq: i32,
        parent_seq: Option<i32>,
        level: i32,
        number: String,
        title: String,
        body: Option<String>,
    }

    /// One project table.
    Project => "projects" {
        doc_id: SharedStr,
        seq: i32,
        heading: Option<String>,
        unit_code: Option<String>,
        unit_name: Option<String>,
        amount_unit: Option<String>,
        project_code: Option<String>,
        project_name: Option<String>,
        budget_total: Option<Money>,
        fiscal_funds: Option<Money>,
        other_funds: Option<Money>,
        purpose: Option<String>,
        truncated: bool,
    }

    /// One spending checkpoint of a project.
    SpendingCheckpoint => "spending_plan" {
        doc_id: SharedStr,
        project_seq: i32,
        project_code: Option<SharedStr>,
        seq: i32,
        label: String,
        month: Option<i32>,
        cumulative_pct: Option<f64>,
    }

    /// One numbered goal of a project.
    ProjectGoal => "project_goals" {
        doc_id: SharedStr,
        project_seq: i32,
        project_code: Option<SharedStr>,
        seq: i32,
        text: String,
    }

    /// One indicator row of a project.
    Indicator => "indicators" {
        doc_id: SharedStr,
        project_seq: i32,
        project_code: Option<SharedStr>,
        seq: i32,
        level1: Option<String>,
        level2: Option<String>,
        level3: Option<String>,
        level1_key: Option<String>,
        level2_key: Option<String>,
        description: Option<String>,
        value_raw: Option<String>,
        value_op: Option<&'static str>,
        value_num: Option<f64>,
        value_num_max: Option<f64>,
        value_unit: Option<String>,
        value_kind: Option<&'static str>,
        basis: Option<String>,
    }

    /// One diagnostic.
    DiagnosticRec => "diagnostics" {
        doc_id: SharedStr,
        seq: i32,
        severity: String,
        code: String,
        message: String,
        location: Option<String>,
        line: Option<i32>,
        table_no: Option<i32>,
        row_no: Option<i32>,
        cell_no: Option<i32>,
    }
}

/// Everything extracted from one document, one vector per output table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    /// `documents` (exactly one row).
    pub documents: Vec<Document>,
    /// `toc_entries`.
    pub toc_entries: Vec<TocEntry>,
    /// `paragraphs`.
    pub paragraphs: Vec<ParagraphRec>,
    /// `duties`.
    pub duties: Vec<Duty>,
    /// `duty_indicators`.
    pub duty_indicators: Vec<DutyIndicator>,
    /// `safeguards`.
    pub safeguards: Vec<Safeguard>,
    /// `projects`.
    pub projects: Vec<Project>,
    /// `spending_plan`.
    pub spending_plan: Vec<SpendingCheckpoint>,
    /// `project_goals`.
    pub project_goals: Vec<ProjectGoal>,
    /// `indicators`.
    pub indicators: Vec<Indicator>,
    /// `diagnostics`.
    pub diagnostics: Vec<DiagnosticRec>,
}

impl Extraction {
    /// Clears what describes the file rather than the document (path, format, encoding,
    /// size, hash, id): what is left is the same for a document in any format.
    pub fn forget_file(&mut self) {
        self.set_doc_id("");
        for doc in &mut self.documents {
            doc.source_path.clear();
            doc.source_format.clear();
            doc.encoding = None;
            doc.size_bytes = 0;
            doc.content_hash.clear();
        }
    }

    /// Sets `doc_id` on every record.
    pub fn set_doc_id(&mut self, doc_id: &str) {
        let doc_id = SharedStr::from(doc_id);
        macro_rules! set {
            ($($table:ident),*) => {$(
                for row in &mut self.$table {
                    row.doc_id = SharedStr::clone(&doc_id);
                }
            )*};
        }
        set!(
            documents,
            toc_entries,
            paragraphs,
            duties,
            duty_indicators,
            safeguards,
            projects,
            spending_plan,
            project_goals,
            indicators,
            diagnostics
        );
    }

    /// Hands every table to `sink`, in the catalog's order.
    pub fn write_to(&self, sink: &mut impl TableSink) {
        sink.rows(&self.documents);
        sink.rows(&self.toc_entries);
        sink.rows(&self.paragraphs);
        sink.rows(&self.duties);
        sink.rows(&self.duty_indicators);
        sink.rows(&self.safeguards);
        sink.rows(&self.projects);
        sink.rows(&self.spending_plan);
        sink.rows(&self.project_goals);
        sink.rows(&self.indicators);
        sink.rows(&self.diagnostics);
    }
}

/// Checks every record type against its table definition: same columns in the same
/// order, compatible types, and nullability that agrees. Returns every mismatch.
pub fn check_against(catalog: &Catalog) -> Result<(), Vec<String>> {
    check_tables(catalog, |sink| Extraction::default().write_to(sink))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_match_the_shipped_schemas() {
        check_against(&Catalog::builtin()).unwrap_or_else(|errors| panic!("{}", errors.join("\n")));
    }

    #[test]
    fn a_missing_column_is_reported() {
        let mut catalog = Catalog::builtin();
        let table = catalog
            .tables
            .iter_mut()
            .find(|t| t.name == "indicators")
            .unwrap();
        table.columns.retain(|c| c.name != "basis");
        let errors = check_against(&catalog).unwrap_err();
        assert!(errors[0].contains("indicators"), "{errors:?}");
    }

    #[test]
    fn a_table_without_records_is_reported() {
        let mut catalog = Catalog::builtin();
        let mut extra = catalog.tables[0].clone();
        extra.name = "orphans".into();
        catalog.tables.push(extra);
        let errors = check_against(&catalog).unwrap_err();
        assert!(errors.iter().any(|e| e.contains("orphans")), "{errors:?}");
    }
}
