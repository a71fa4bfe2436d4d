//! A self-contained HTML report of the findings: no scripts, fonts or styles fetched from
//! anywhere, so it opens offline. Cluster members link to their source documents.

use super::input::DocumentInfo;
use super::records::Findings;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Rows shown per section; the Parquet tables hold everything.
pub const SHOWN: usize = 200;

/// The report as one HTML page.
pub fn html(findings: &Findings, documents: &[DocumentInfo]) -> String {
    let by_id: HashMap<&str, &DocumentInfo> =
        documents.iter().map(|d| (d.doc_id.as_str(), d)).collect();
    let link = |doc_id: &str| match by_id.get(doc_id) {
        Some(d) => format!(
            "<a href=\"{}\">{}</a> <span class=\"place\">{} {} {}</span>",
            esc(&file_url(&d.source_path)),
            esc(&d.source_path),
            esc(d.region.as_deref().unwrap_or("")),
            esc(d.department.as_deref().unwrap_or("")),
            d.year.map(|y| y.to_string()).unwrap_or_default()
        ),
        None => esc(doc_id),
    };
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>jixiao dups report</title><style>\
         body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Source Han Sans SC',sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}\
         td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#eee}\
         .place{color:#666;font-size:.9em}.reuse{color:#b00;font-weight:bold}</style></head><body>",
    );
    let clusters = findings.table_cluster_count();
    let _ = write!(
        out,
        "<h1>Duplicated indicator boilerplate</h1><p id=\"summary\">{} documents · {} indicator rows pasted into several projects · \
         {clusters} clusters of reused indicator tables · {} pasted texts · {} implausible targets</p>",
        documents.len(),
        findings.row_groups.len(),
        findings.text_members,
        findings.flags.len()
    );

    out.push_str("<h2>By district and year</h2><table id=\"places\"><tr><th>district</th><th>year</th><th>documents</th><th>flags</th><th>projects in reused tables</th></tr>");
    let mut places: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    let place = |doc_id: &str| {
        by_id
            .get(doc_id)
            .map_or(("?".to_string(), "?".to_string()), |d| {
                (
                    d.region.clone().unwrap_or("?".into()),
                    d.year.map_or("?".into(), |y| y.to_string()),
                )
            })
    };
    for d in documents {
        places.entry(place(&d.doc_id)).or_default()[0] += 1;
    }
    for f in &findings.flags {
        places.entry(place(&f.doc_id)).or_default()[1] += 1;
    }
    for m in &findings.table_clusters {
        places.entry(place(&m.doc_id)).or_default()[2] += 1;
    }
    for ((region, year), [docs, flags, reused]) in &places {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{docs}</td><td>{flags}</td><td>{reused}</td></tr>",
            esc(region),
            esc(year)
        );
    }
    out.push_str("</table>");

    out.push_str("<h2>Reused indicator tables</h2><table id=\"table-clusters\"><tr><th>cluster</th><th>similarity</th><th>project</th><th>document</th></tr>");
    for m in findings.table_clusters.iter().take(SHOWN) {
        let reuse = if m.template_reuse {
            " <span class=\"reuse\">template reuse</span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td>{}{reuse}</td><td>{:.2}</td><td>{} {}</td><td>{}</td></tr>",
            m.cluster_id,
            m.similarity,
            esc(m.project_code.as_deref().unwrap_or("")),
            esc(m.project_name.as_deref().unwrap_or("")),
            link(&m.doc_id)
        );
    }
    out.push_str("</table>");

    out.push_str("<h2>Indicator rows pasted into the most projects</h2><table id=\"row-groups\"><tr><th>projects</th><th>documents</th><th>departments</th><th>districts</th><th>years</th><th>三级指标</th><th>描述</th><th>指标值</th></tr>");
    for g in findings.row_groups.iter().take(SHOWN) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            g.n_projects,
            g.n_documents,
            g.n_departments,
            g.n_regions,
            g.n_years,
            esc(g.level3.as_deref().unwrap_or("")),
            esc(g.description.as_deref().unwrap_or("")),
            esc(g.value_raw.as_deref().unwrap_or(""))
        );
    }
    out.push_str("</table>");

    out.push_str("<h2>Implausible targets</h2><table id=\"flags\"><tr><th>kind</th><th>what</th><th>project</th><th>document</th></tr>");
    for f in findings.flags.iter().take(SHOWN) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} #{}</td><td>{}</td></tr>",
            esc(&f.code),
            esc(&f.message),
            esc(f.project_code.as_deref().unwrap_or("")),
            f.seq,
            link(&f.doc_id)
        );
    }
    out.push_str("</table>");

    out.push_str("<h2>Texts pasted with few changes</h2><table id=\"text-clusters\"><tr><th>field</th><th>cluster</th><th>similarity</th><th>text</th><th>document</th></tr>");
    for t in findings.text_clusters.iter().take(SHOWN) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.field),
            t.cluster_id,
            t.similarity,
            esc(&t.text),
            link(&t.doc_id)
        );
    }
    out.push_str("</table></body></html>\n");
    out
}

/// A `file:` URL for a path, absolute when the file exists.
fn file_url(path: &str) -> String {
    let absolute =
        std::fs::canonicalize(path).map_or_else(|_| path.to_string(), |p| p.display().to_string());
    format!("file://{}", absolute.replace(' ', "%20"))
}
