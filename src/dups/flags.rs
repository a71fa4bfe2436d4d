//! Targets that cannot be right: a rate (率) counted in people, a satisfaction (满意度)
//! in money, placeholders left in (`是/否`, `XX`, `**`), percentages over 100 without an
//! operator.

use super::input::IndicatorRow;
use super::records::Flag;
use crate::extract::vocab::normalize;

/// Units that count things: a rate cannot be one of them.
const COUNT_UNITS: &[&str] = &[
    "人", "人次", "个", "次", "项", "台", "辆", "户", "件", "家", "名", "所", "场", "篇", "本",
    "册", "套", "座", "处", "元", "万元",
];
const MONEY_UNITS: &[&str] = &["元", "万元", "千元", "亿元"];
const PLACEHOLDERS: &[&str] = &["是/否", "是或否", "有/无", "xx", "XX", "**", "***"];

/// The flags of one indicator row.
pub fn flags(row: &IndicatorRow) -> Vec<Flag> {
    let name = format!(
        "{}{}",
        row.level3.unwrap_or(""),
        row.description.unwrap_or("")
    );
    let raw = row.value_raw.unwrap_or("");
    let unit = row.value_unit;
    let label = row.level3.or(row.description).unwrap_or("");
    let mut found = Vec::new();
    let mut flag = |code: &str, message: String| {
        found.push(Flag {
            doc_id: row.doc_id.to_string(),
            project_seq: row.project_seq,
            project_code: row.project_code.map(str::to_string),
            seq: row.seq,
            code: code.to_string(),
            message,
        })
    };
    if name.contains('率') {
        if let Some(unit) = unit.filter(|u| COUNT_UNITS.contains(u)) {
            flag(
                "rate_with_count",
                format!("{label} = {raw}: a rate (率) whose target is counted in {unit}"),
            );
        }
    }
    if name.contains("满意度") {
        if let Some(unit) = unit.filter(|u| MONEY_UNITS.contains(u)) {
            flag(
                "satisfaction_with_money",
                format!("{label} = {raw}: a satisfaction (满意度) measured in {unit}"),
            );
        }
    }
    let normalized = normalize(raw);
    if PLACEHOLDERS.iter().any(|p| normalized == normalize(p))
        || normalized.contains("**")
        || normalized.to_lowercase().contains("xx")
    {
        flag(
            "placeholder",
            format!("{label} = {raw}: a template placeholder, not a target"),
        );
    }
    if unit == Some("%") && row.value_op.is_none() && row.value_num.is_some_and(|n| n > 100.0) {
        flag(
            "percent_over_100",
            format!("{label} = {raw}: more than 100% with no operator"),
        );
    }
    found
}
