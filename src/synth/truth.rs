//! The records a synthetic document must yield, written from its model.

use super::model::{IndicatorLayout, SynthDocument};
use crate::extract::records::{
    Document, Extraction, Indicator, ParagraphRec, Project, ProjectGoal, SpendingCheckpoint,
};
use crate::record::Money;

/// Grouping key of a level name: without 指标, the two synonyms folded.
fn level_key(name: &str) -> String {
    let stem = name.strip_suffix("指标").unwrap_or(name);
    match stem {
        "环境效益" => "生态效益".into(),
        "社会公众或服务对象满意度" => "服务对象满意度".into(),
        other => other.into(),
    }
}

/// The records, with `doc_id` empty and the file-describing fields of `documents` unset.
pub fn records(doc: &SynthDocument) -> Extraction {
    let mut out = Extraction::default();
    out.documents.push(Document {
        title: Some(format!("{}年部门预算绩效文本", doc.year)),
        year: Some(doc.year),
        region: Some(doc.region.to_string()),
        department: Some(doc.department.to_string()),
        compiled_by: Some(doc.department.to_string()),
        reviewed_by: Some(format!("{}财政局", doc.region)),
        status: "ok".into(),
        n_projects: doc.projects.len() as i32,
        n_diagnostics: 0,
        ..Document::default()
    });
    out.paragraphs.push(ParagraphRec {
        seq: 1,
        part: Some("部门整体绩效目标".into()),
        section: Some("总体绩效目标".into()),
        text: doc.overall_goal.clone(),
        ..ParagraphRec::default()
    });
    for (i, p) in doc.projects.iter().enumerate() {
        let seq = i as i32 + 1;
        let shared_code = Some(crate::record::SharedStr::from(p.code.as_str()));
        out.projects.push(Project {
            seq,
            heading: Some(p.name.clone()),
            unit_code: Some(doc.unit_code.clone()),
            unit_name: Some(format!("{}{}", doc.region, doc.department)),
            amount_unit: Some(if doc.wan_yuan { "万元" } else { "元" }.into()),
            project_code: Some(p.code.clone()),
            project_name: Some(p.name.clone()),
            budget_total: Some(Money { fen: p.total.1 }),
            fiscal_funds: Some(Money { fen: p.fiscal.1 }),
            other_funds: Some(Money { fen: p.other.1 }),
            purpose: Some(p.purpose.clone()),
            truncated: false,
            ..Project::default()
        });
        for (c, (month, pct)) in p.checkpoints.iter().enumerate() {
            out.spending_plan.push(SpendingCheckpoint {
                project_seq: seq,
                project_code: shared_code.clone(),
                seq: c as i32 + 1,
                label: format!("{month}月底"),
                month: Some(*month as i32),
                cumulative_pct: Some(*pct),
                ..SpendingCheckpoint::default()
            });
        }
        for (g, text) in p.goals.iter().enumerate() {
            out.project_goals.push(ProjectGoal {
                project_seq: seq,
                project_code: shared_code.clone(),
                seq: g as i32 + 1,
                text: text.clone(),
                ..ProjectGoal::default()
            });
        }
        for (k, ind) in p.indicators.iter().enumerate() {
            out.indicators.push(Indicator {
                project_seq: seq,
                project_code: shared_code.clone(),
                seq: k as i32 + 1,
                level1: Some(ind.level1.into()),
                level2: Some(ind.level2.into()),
                level3: (doc.layout == IndicatorLayout::ThreeLevels).then(|| ind.name.clone()),
                level1_key: Some(level_key(ind.level1)),
                level2_key: Some(level_key(ind.level2)),
                description: Some(ind.description.clone()),
                value_raw: Some(ind.target.raw.into()),
                value_op: ind.target.op,
                value_num: ind.target.num,
                value_num_max: ind.target.max,
                value_unit: ind.target.unit.map(str::to_string),
                value_kind: Some(ind.target.kind),
                basis: Some(ind.basis.into()),
                ..Indicator::default()
            });
        }
    }
    out
}
