//! Extractors: a document's blocks → typed records.
//!
//! Driven by the vocabulary in `extractors/` ([`vocab`]); knows nothing of zip, XML or
//! encodings. [`extract_document`] never fails: whatever it cannot place becomes a
//! diagnostic with its location, and the document's status says how complete it is.

pub mod budget_perf;
pub mod records;
pub mod values;
pub mod vocab;

use crate::diag::{Diagnostic, Severity};
use crate::read::ReadDocument;
use crate::record::SharedStr;
use records::{DiagnosticRec, Document, Extraction};
use vocab::Vocab;

/// What is known about an input before it is read.
#[derive(Debug, Clone)]
pub struct DocMeta {
    /// Stable id from the content hash.
    pub doc_id: SharedStr,
    /// Path as given or found.
    pub source_path: String,
    /// Detected format (`text`, `docx`, `doc`, `unknown`).
    pub source_format: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Full content hash.
    pub content_hash: String,
}

impl DocMeta {
    /// Metadata for a file's bytes.
    pub fn for_bytes(source_path: String, source_format: &str, bytes: &[u8]) -> DocMeta {
        let hash = blake3::hash(bytes).to_hex().to_string();
        DocMeta {
            doc_id: hash[..16].into(),
            source_path,
            source_format: source_format.to_string(),
            size_bytes: bytes.len() as i64,
            content_hash: hash,
        }
    }
}

/// Extracts every record of a document that was read.
pub fn extract_document(doc: &ReadDocument, vocab: &Vocab, meta: &DocMeta) -> Extraction {
    let mut out = Extraction::default();
    let mut diagnostics = doc.diagnostics.clone();
    let found = budget_perf::extract(
        &doc.blocks,
        doc.end_seen,
        vocab,
        &meta.doc_id,
        &mut out,
        &mut diagnostics,
    );
    // Where the reader already reported the document cut off, that says it.
    let ends_early = found.ends_early.filter(|_| !doc.incomplete);
    if let Some(why) = &ends_early {
        diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "truncated_body",
            why.clone(),
            Default::default(),
        ));
    }
    let status = if !found.anything_recognised {
        diagnostics.push(Diagnostic::new(
            Severity::Error,
            "not_a_budget_document",
            "no cover, table of contents, section or project table of a budget performance text was found",
            Default::default(),
        ));
        "failed"
    } else if found.truncated
        || ends_early.is_some()
        || doc.incomplete
        || diagnostics.iter().any(|d| d.severity == Severity::Error)
    {
        "partial"
    } else {
        "ok"
    };
    let mut document = document_row(meta, status, &diagnostics);
    document.encoding = doc.encoding.map(str::to_string);
    document.n_projects = out.projects.len() as i32;
    found.cover.fill(&mut document);
    out.documents.push(document);
    out.diagnostics = diagnostic_rows(&meta.doc_id, &diagnostics);
    out
}

/// The records of a document that could not be read at all.
pub fn failed_document(meta: &DocMeta, diagnostic: Diagnostic) -> Extraction {
    let diagnostics = [diagnostic];
    Extraction {
        documents: vec![document_row(meta, "failed", &diagnostics)],
        diagnostics: diagnostic_rows(&meta.doc_id, &diagnostics),
        ..Extraction::default()
    }
}

fn document_row(meta: &DocMeta, status: &str, diagnostics: &[Diagnostic]) -> Document {
    Document {
        doc_id: meta.doc_id.clone(),
        source_path: meta.source_path.clone(),
        source_format: meta.source_format.clone(),
        size_bytes: meta.size_bytes,
        content_hash: meta.content_hash.clone(),
        status: status.to_string(),
        n_diagnostics: diagnostics.len() as i32,
        ..Document::default()
    }
}

fn diagnostic_rows(doc_id: &SharedStr, diagnostics: &[Diagnostic]) -> Vec<DiagnosticRec> {
    let as_i32 = |v: Option<u32>| v.map(|v| v as i32);
    diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| DiagnosticRec {
            doc_id: doc_id.clone(),
            seq: i as i32 + 1,
            severity: d.severity.as_str().to_string(),
            code: d.code.to_string(),
            message: d.message.clone(),
            location: (!d.loc.is_unknown()).then(|| d.loc.to_string()),
            line: as_i32(d.loc.line),
            table_no: as_i32(d.loc.table),
            row_no: as_i32(d.loc.row),
            cell_no: as_i32(d.loc.cell),
        })
        .collect()
}
