//! The records a synthetic document must yield, written from its model.

use super::model::{IndicatorLayout, SynthDocument};
use super::sections::{
    contents, part_one_sections, Duty as SynthDuty, Measure, TocStyle, PART_ONE,
};
use crate::extract::records::{
    Document, Duty, DutyIndicator, Extraction, Indicator, ParagraphRec, Project, ProjectGoal,
    Safeguard, SpendingCheckpoint, TocEntry,
};
use crate::numerals::to_chinese;
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
    if doc.sections.toc != TocStyle::Absent {
        for (i, entry) in contents(doc).into_iter().enumerate() {
            out.toc_entries.push(TocEntry {
                seq: i as i32 + 1,
                part: Some(entry.part.into()),
                level: Some(1),
                number: Some(entry.number.clone()),
                raw: entry.printed(doc.sections.toc),
                title: entry.title,
                page: Some(entry.page),
                toc_list: Some(entry.list.into()),
                ..TocEntry::default()
            });
        }
    }
    for (_, section) in part_one_sections(doc) {
        for text in section.paragraphs(doc) {
            out.paragraphs.push(ParagraphRec {
                seq: out.paragraphs.len() as i32 + 1,
                // The part's name, without its number.
                part: PART_ONE.split_once(' ').map(|(_, name)| name.into()),
                section: Some(section.title().into()),
                text,
                ..ParagraphRec::default()
            });
        }
    }
    duties(&doc.sections.duties, &mut out);
    safeguards(&doc.sections.measures, &mut out);
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

/// The duties and their indicators.
fn duties(duties: &[SynthDuty], out: &mut Extraction) {
    for (i, duty) in duties.iter().enumerate() {
        let seq = i as i32 + 1;
        out.duties.push(Duty {
            seq,
            name: duty.name.into(),
            main_duty: Some(duty.main_duty.1.into()),
            duty_goal: Some(duty.duty_goal.1.into()),
            performance_goal: Some(duty.performance_goal.1.into()),
            ..Duty::default()
        });
        for (k, (name, standard)) in duty.indicators.iter().enumerate() {
            out.duty_indicators.push(DutyIndicator {
                duty_seq: seq,
                seq: k as i32 + 1,
                name: name.to_string(),
                standard: Some(standard.to_string()),
                ..DutyIndicator::default()
            });
        }
    }
}

/// The safeguard measures, each followed by its items.
fn safeguards(measures: &[Measure], out: &mut Extraction) {
    for (i, measure) in measures.iter().enumerate() {
        let parent = out.safeguards.len() as i32 + 1;
        out.safeguards.push(Safeguard {
            seq: parent,
            level: 1,
            number: to_chinese(i as u32 + 1),
            title: measure.title.into(),
            ..Safeguard::default()
        });
        for (j, item) in measure.items.iter().enumerate() {
            out.safeguards.push(Safeguard {
                seq: out.safeguards.len() as i32 + 1,
                parent_seq: Some(parent),
                level: 2,
                number: to_chinese(j as u32 + 1),
                title: item.title.into(),
                body: item.body(),
                ..Safeguard::default()
            });
        }
    }
}
