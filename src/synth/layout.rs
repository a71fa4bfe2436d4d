//! A synthetic document laid out as the blocks a reader yields (the inverse of reading).

use super::model::{IndicatorLayout, SynthDocument};
use super::sections::{
    contents as contents_entries, part_one_sections, TocStyle, PART_ONE, PART_TWO,
};
use crate::read::{Block, Cell, Field, Paragraph, Row, Table};

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph(Paragraph {
        text: text.into(),
        fields: Vec::new(),
        loc: Default::default(),
    })
}

fn heading(text: impl Into<String>, entry: impl Into<String>, list: &str) -> Block {
    Block::Paragraph(Paragraph {
        text: text.into(),
        fields: vec![Field::Tc {
            text: entry.into(),
            list: Some(list.to_string()),
            level: Some(1),
        }],
        loc: Default::default(),
    })
}

fn row(cells: &[&str]) -> Row {
    Row {
        cells: cells
            .iter()
            .enumerate()
            .map(|(i, text)| Cell {
                continues_above: text.is_empty() && i == 0,
                text: text.to_string(),
                column: i as u32,
                span: 1,
                loc: Default::default(),
            })
            .collect(),
        loc: Default::default(),
    }
}

/// The document's blocks.
pub fn blocks(doc: &SynthDocument) -> Vec<Block> {
    let mut blocks = vec![
        paragraph(doc.department),
        paragraph(format!("{}年部门预算绩效文本", doc.year)),
        paragraph(format!("{}编制", doc.department)),
        paragraph(format!("{}财政局审核", doc.region)),
    ];
    contents(doc, &mut blocks);
    blocks.push(paragraph(PART_ONE));
    for (number, section) in part_one_sections(doc) {
        let title = section.title();
        blocks.push(heading(format!("{number}、{title}"), title, "A"));
        blocks.extend(section.paragraphs(doc).into_iter().map(paragraph));
    }
    blocks.push(paragraph(PART_TWO));
    let unit = if doc.wan_yuan {
        "单位：万元"
    } else {
        "单位：元"
    };
    for (i, p) in doc.projects.iter().enumerate() {
        let n = i + 1;
        blocks.push(heading(
            format!("{n}.{}绩效目标表", p.name),
            format!("{n}、{}绩效目标表", p.name),
            "C",
        ));
        let unit_name = format!(
            "{}{}",
            doc.unit_code,
            doc.region.to_string() + doc.department
        );
        let goals: Vec<String> = p
            .goals
            .iter()
            .enumerate()
            .map(|(g, t)| format!("{}.{t}", g + 1))
            .collect();
        let goals = goals.join("\n");
        let mut rows = vec![
            row(&[&unit_name, unit]),
            row(&[doc.labels.code, &p.code, "项目名称", &p.name]),
            row(&[
                "预算规模及资金用途",
                doc.labels.budget_total,
                &p.total.0,
                doc.labels.fiscal,
                &p.fiscal.0,
                "其他资金",
                &p.other.0,
            ]),
            row(&["", &p.purpose]),
        ];
        let mut plan = vec!["资金支出计划（%）".to_string()];
        plan.extend(p.checkpoints.iter().map(|(m, _)| format!("{m}月底")));
        let mut pct = vec![String::new()];
        pct.extend(p.checkpoints.iter().map(|(_, v)| format!("{v:.2}%")));
        rows.push(row(&plan.iter().map(String::as_str).collect::<Vec<_>>()));
        rows.push(row(&pct.iter().map(String::as_str).collect::<Vec<_>>()));
        rows.push(row(&[doc.labels.goals, &goals]));
        match doc.layout {
            IndicatorLayout::ThreeLevels => rows.push(row(&[
                "一级指标",
                "二级指标",
                "三级指标",
                doc.labels.description,
                "指标值",
                "指标值确定依据",
            ])),
            IndicatorLayout::TwoLevels => rows.push(row(&[
                "一级指标",
                "二级指标",
                doc.labels.description,
                "指标值",
                "指标值确定依据",
            ])),
        }
        let mut previous_level1 = "";
        for ind in &p.indicators {
            let level1 = if ind.level1 == previous_level1 {
                ""
            } else {
                ind.level1
            };
            previous_level1 = ind.level1;
            match doc.layout {
                IndicatorLayout::ThreeLevels => rows.push(row(&[
                    level1,
                    ind.level2,
                    &ind.name,
                    &ind.description,
                    ind.target.raw,
                    ind.basis,
                ])),
                IndicatorLayout::TwoLevels => rows.push(row(&[
                    level1,
                    ind.level2,
                    &ind.description,
                    ind.target.raw,
                    ind.basis,
                ])),
            }
        }
        blocks.push(Block::Table(Table {
            rows,
            loc: Default::default(),
        }));
    }
    blocks
}

/// The table of contents, if the document prints one: its title, then each part's
/// heading and entries.
fn contents(doc: &SynthDocument, blocks: &mut Vec<Block>) {
    let style = doc.sections.toc;
    if style == TocStyle::Absent {
        return;
    }
    blocks.push(paragraph("目    录"));
    let mut part = "";
    for entry in contents_entries(doc) {
        if entry.part != part {
            part = entry.part;
            blocks.push(paragraph(part));
        }
        blocks.push(paragraph(entry.printed(style)));
    }
}
