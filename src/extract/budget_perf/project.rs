//! One project's performance table (绩效目标表): identity, money, spending plan, goals and
//! the three-level indicator table.
//!
//! Rows are read as label/value cells; labels come from the vocabulary, so columns are
//! found by what they say, never by where they stand. Every non-empty cell is either
//! placed in a field or reported as `unmapped_cell` with its location.

use super::super::records::{Extraction, Indicator, Project, ProjectGoal, SpendingCheckpoint};
use super::super::values::{parse_amount, parse_target, AmountError};
use super::super::vocab::{captures_rare, normalize, IndicatorColumn, ProjectLabel, Vocab};
use crate::diag::{Diagnostic, Loc, Severity};
use crate::read::{Cell, Paragraph, Row, Table};
use crate::record::SharedStr;

const INDICATOR_COLUMNS: usize = 7;

/// Builds one project from the tables after its heading.
pub(super) struct ProjectBuilder<'v> {
    vocab: &'v Vocab,
    record: Project,
    heading_loc: Loc,
    diags: Vec<Diagnostic>,
    rows_seen: usize,
    /// Raw amount cells, converted at the end once the unit is surely known.
    amounts: Vec<(ProjectLabel, String, Loc)>,
    /// The row group the next continuation row belongs to.
    group: Option<ProjectLabel>,
    checkpoints: Vec<Checkpoint>,
    goals: Vec<(i32, String)>,
    indicator_columns: Option<Vec<Option<IndicatorColumn>>>,
    /// Cells of the indicator header row: a complete indicator row has as many.
    header_cells: usize,
    indicators: Vec<Indicator>,
    /// The unit column of the indicator row before; its other values are in `indicators`.
    previous_unit: Option<String>,
    /// The last row read, with its cell count and the place of its last cell.
    last_row: Option<LastRow>,
    last_block: LastBlock,
}

/// What the project's last block was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LastBlock {
    Heading,
    Paragraph,
    Table,
}

/// What follows a project in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum After {
    /// Another section or project.
    More,
    /// The end of the document, where the reader cannot tell whether it is the real end.
    EndUnverified,
    /// The end the document's format marks (a DOCX body that closes).
    EndSeen,
}

struct Checkpoint {
    /// Grid column, which the percentage row below shares.
    column: u32,
    label: String,
    month: Option<i32>,
    pct: Option<f64>,
}

struct LastRow {
    cells: usize,
    expected: Option<usize>,
    loc: Loc,
}

impl<'v> ProjectBuilder<'v> {
    pub(super) fn new(
        vocab: &'v Vocab,
        doc_id: &SharedStr,
        seq: i32,
        heading: String,
        heading_loc: Loc,
    ) -> Self {
        ProjectBuilder {
            vocab,
            record: Project {
                doc_id: doc_id.clone(),
                seq,
                heading: Some(heading),
                ..Project::default()
            },
            heading_loc,
            diags: Vec::new(),
            rows_seen: 0,
            amounts: Vec::new(),
            group: None,
            checkpoints: Vec::new(),
            goals: Vec::new(),
            indicator_columns: None,
            header_cells: 0,
            indicators: Vec::new(),
            previous_unit: None,
            last_row: None,
            last_block: LastBlock::Heading,
        }
    }

    /// A paragraph between the heading and the end of the project.
    pub(super) fn paragraph(&mut self, _p: &Paragraph) {
        self.last_block = LastBlock::Paragraph;
    }

    pub(super) fn table(&mut self, table: &Table) {
        for row in &table.rows {
            self.row(row);
        }
        self.last_block = LastBlock::Table;
    }

    fn row(&mut self, row: &Row) {
        if row.cells.iter().all(|c| c.text.is_empty()) {
            return;
        }
        self.rows_seen += 1;
        if let Some(columns) = self.indicator_header(row) {
            // A header the vocabulary does not know (备注, 指标方向 …) names a column whose
            // cells are each reported too; the header itself is reported here.
            let known: Vec<bool> = (row.cells.iter().zip(&columns))
                .map(|(cell, column)| column.is_some() || cell.text.is_empty())
                .collect();
            self.report_unused(&row.cells, &known, "heads no known indicator column");
            self.indicator_columns = Some(columns);
            self.header_cells = row.cells.len();
            self.group = None;
            self.remember_row(row, None);
            return;
        }
        if self.indicator_columns.is_some() {
            self.indicator_row(row);
            return;
        }
        self.label_row(row);
        self.remember_row(row, None);
    }

    fn remember_row(&mut self, row: &Row, expected: Option<usize>) {
        self.last_row = Some(LastRow {
            cells: row.cells.len(),
            expected,
            loc: row.cells.last().map_or(row.loc, |c| c.loc),
        });
    }

    /// Column map of an indicator header row (一级指标 · 二级指标 · … · 指标值 …).
    fn indicator_header(&self, row: &Row) -> Option<Vec<Option<IndicatorColumn>>> {
        let columns: Vec<Option<IndicatorColumn>> = row
            .cells
            .iter()
            .map(|c| self.vocab.indicator_columns.get(&c.text))
            .collect();
        let mapped = columns.iter().flatten().count();
        let has_value = columns.contains(&Some(IndicatorColumn::Value));
        (mapped >= 3 && has_value).then_some(columns)
    }

    fn label_row(&mut self, row: &Row) {
        let cells = &row.cells;
        let mut used: Vec<bool> = cells.iter().map(|c| c.text.is_empty()).collect();
        let mut saw_label = false;
        let mut i = 0;
        while i < cells.len() {
            if used[i] {
                i += 1;
                continue;
            }
            if self.rows_seen == 1 && i == 0 && self.record.unit_code.is_none() {
                if let Some(caps) = self.vocab.projects.unit.captures(cells[i].text.trim()) {
                    self.record.unit_code = Some(caps["code"].to_string());
                    self.record.unit_name = Some(caps["name"].trim().to_string());
                    used[i] = true;
                    i += 1;
                    continue;
                }
            }
            // Values are often long; labels never are.
            if self.vocab.projects.labels.too_long(&cells[i].text) {
                i += 1;
                continue;
            }
            let normalized = normalize(&cells[i].text);
            if let Some(caps) = captures_rare(&self.vocab.projects.amount_unit, &normalized) {
                self.record.amount_unit = Some(caps["unit"].to_string());
                used[i] = true;
                i += 1;
                continue;
            }
            let Some(label) = self.label_of(&normalized) else {
                i += 1;
                continue;
            };
            saw_label = true;
            used[i] = true;
            match label {
                ProjectLabel::BudgetGroup => self.group = Some(label),
                ProjectLabel::SpendingPlan => {
                    self.group = Some(label);
                    for (column, cell) in cells.iter().enumerate().skip(i + 1) {
                        if !cell.text.is_empty() {
                            self.checkpoints.push(self.checkpoint(cell));
                        }
                        used[column] = true;
                    }
                    break;
                }
                ProjectLabel::Goals => {
                    self.group = Some(label);
                    for (column, cell) in cells.iter().enumerate().skip(i + 1) {
                        self.add_goals(&cell.text);
                        used[column] = true;
                    }
                    break;
                }
                _ => match cells.get(i + 1) {
                    Some(value) => {
                        self.assign(label, value);
                        used[i + 1] = true;
                        i += 1;
                    }
                    None => self.diags.push(Diagnostic::new(
                        Severity::Warning,
                        "label_without_value",
                        format!("label `{}` has no value cell after it", cells[i].text),
                        cells[i].loc,
                    )),
                },
            }
            i += 1;
        }
        if !saw_label
            && cells
                .first()
                .is_some_and(|c| c.continues_above || c.text.is_empty())
        {
            self.continuation_row(cells, &mut used);
        }
        self.report_unused(cells, &used, "matched no label");
    }

    /// The label a cell holds; a trailing bracketed unit (`预算数（万元）`) is taken as the
    /// amount unit.
    fn label_of(&mut self, normalized: &str) -> Option<ProjectLabel> {
        let labels = &self.vocab.projects.labels;
        if let Some(label) = labels.get_normalized(normalized) {
            return Some(label);
        }
        let (stem, bracket) = normalized.strip_suffix(')')?.split_once('(')?;
        let label = labels.get_normalized(stem)?;
        if self.vocab.projects.amount_units.contains_key(bracket)
            && self.record.amount_unit.is_none()
        {
            self.record.amount_unit = Some(bracket.to_string());
        }
        Some(label)
    }

    fn assign(&mut self, label: ProjectLabel, value: &Cell) {
        let text = value.text.trim().to_string();
        match label {
            ProjectLabel::ProjectCode => self.record.project_code = Some(text),
            ProjectLabel::ProjectName => self.record.project_name = Some(text),
            ProjectLabel::Purpose => self.record.purpose = Some(text),
            ProjectLabel::BudgetTotal | ProjectLabel::FiscalFunds | ProjectLabel::OtherFunds => {
                self.amounts.push((label, text, value.loc))
            }
            ProjectLabel::BudgetGroup | ProjectLabel::SpendingPlan | ProjectLabel::Goals => {}
        }
    }

    /// A row whose first cell continues the label above: more of that label's values.
    fn continuation_row(&mut self, cells: &[Cell], used: &mut [bool]) {
        match self.group {
            Some(ProjectLabel::BudgetGroup) if self.record.purpose.is_none() => {
                let texts: Vec<&str> = cells
                    .iter()
                    .map(|c| c.text.as_str())
                    .filter(|t| !t.is_empty())
                    .collect();
                if !texts.is_empty() {
                    self.record.purpose = Some(texts.join("\n"));
                    used.iter_mut().for_each(|u| *u = true);
                }
            }
            Some(ProjectLabel::SpendingPlan) => {
                for (column, cell) in cells.iter().enumerate().filter(|(_, c)| !c.text.is_empty()) {
                    let Some(checkpoint) = self
                        .checkpoints
                        .iter_mut()
                        .find(|c| c.column == cell.column)
                    else {
                        continue;
                    };
                    let normalized = normalize(&cell.text);
                    match self.vocab.projects.percent.captures(&normalized) {
                        Some(caps) => {
                            checkpoint.pct = caps["number"].parse().ok();
                            used[column] = true;
                        }
                        None => self.diags.push(Diagnostic::new(
                            Severity::Warning,
                            "bad_percentage",
                            format!("spending-plan cell `{}` is not a percentage", cell.text),
                            cell.loc,
                        )),
                    }
                }
            }
            Some(ProjectLabel::Goals) => {
                for (column, cell) in cells.iter().enumerate().skip(1) {
                    self.add_goals(&cell.text);
                    used[column] = true;
                }
            }
            _ => {}
        }
    }

    fn checkpoint(&self, cell: &Cell) -> Checkpoint {
        let month = self
            .vocab
            .projects
            .spending_checkpoint
            .captures(&normalize(&cell.text))
            .and_then(|caps| caps["month"].parse().ok());
        Checkpoint {
            column: cell.column,
            label: cell.text.trim().to_string(),
            month,
            pct: None,
        }
    }

    /// Numbered goals, one per line (`1.…`); an unnumbered line continues the goal before.
    fn add_goals(&mut self, text: &str) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match self.vocab.numbering.arabic.split(line) {
                Some((number, goal)) => {
                    let seq = number.parse().unwrap_or(self.goals.len() as i32 + 1);
                    self.goals.push((seq, goal.to_string()));
                }
                None => match self.goals.last_mut() {
                    Some((_, goal)) => {
                        goal.push('\n');
                        goal.push_str(line);
                    }
                    None => self.goals.push((1, line.to_string())),
                },
            }
        }
    }

    fn indicator_row(&mut self, row: &Row) {
        let columns = self.indicator_columns.as_deref().unwrap_or_default();
        let mut values: [Option<String>; INDICATOR_COLUMNS] = Default::default();
        let mut used: Vec<bool> = row.cells.iter().map(|c| c.text.is_empty()).collect();
        let mut unit_cell = None;
        for (i, cell) in row.cells.iter().enumerate() {
            let Some(column) = columns.get(cell.column as usize).copied().flatten() else {
                continue;
            };
            if column == IndicatorColumn::Unit && !cell.text.is_empty() {
                unit_cell = Some(cell);
            }
            let slot = column as usize;
            let fill_down = matches!(column, IndicatorColumn::Level1 | IndicatorColumn::Level2)
                && cell.text.is_empty();
            if cell.continues_above || fill_down {
                values[slot] = self.previous_value(column);
            } else if !cell.text.is_empty() {
                values[slot] = Some(cell.text.trim().to_string());
                used[i] = true;
            }
        }
        let expected = self.header_cells;
        self.report_unused(&row.cells, &used, "stands under no known indicator column");
        self.remember_row(row, Some(expected));
        let [level1, level2, level3, description, value_raw, basis, unit_column] = values;
        self.previous_unit.clone_from(&unit_column);
        let target = value_raw
            .as_deref()
            .map(|v| parse_target(v, &self.vocab.values));
        // The number is in the target's own unit where it prints one; a unit column that
        // says otherwise is reported, not lost. Normalised as the target's unit is (`％`).
        let target_unit = target.as_ref().and_then(|t| t.unit.clone());
        let column_unit = unit_column.as_deref().map(normalize);
        if let (Some(cell), Some(target_unit), Some(column_unit)) =
            (unit_cell, &target_unit, &column_unit)
        {
            if target_unit != column_unit {
                self.diags.push(Diagnostic::new(
                    Severity::Warning,
                    "unit_conflict",
                    format!(
                        "project {}: the unit column says `{}` but the target `{}` is in {target_unit}; value_unit keeps the target's",
                        self.record.seq,
                        cell.text,
                        value_raw.as_deref().unwrap_or_default()
                    ),
                    cell.loc,
                ));
            }
        }
        self.indicators.push(Indicator {
            doc_id: self.record.doc_id.clone(),
            project_seq: self.record.seq,
            seq: self.indicators.len() as i32 + 1,
            level1_key: level1.as_deref().map(|l| self.vocab.level_key(l)),
            level2_key: level2.as_deref().map(|l| self.vocab.level_key(l)),
            level1,
            level2,
            level3,
            description,
            value_op: target.as_ref().and_then(|t| t.op),
            value_num: target.as_ref().and_then(|t| t.num),
            value_num_max: target.as_ref().and_then(|t| t.num_max),
            value_unit: target_unit.or(column_unit),
            value_kind: target.as_ref().map(|t| t.kind),
            value_raw,
            basis,
            ..Indicator::default()
        });
    }

    /// What the indicator row before holds in `column` (a merged or filled-down cell
    /// continues it). Read back from that row rather than kept as a copy of every value,
    /// which cost six string copies per row.
    fn previous_value(&self, column: IndicatorColumn) -> Option<String> {
        let previous = self.indicators.last()?;
        match column {
            IndicatorColumn::Level1 => previous.level1.clone(),
            IndicatorColumn::Level2 => previous.level2.clone(),
            IndicatorColumn::Level3 => previous.level3.clone(),
            IndicatorColumn::Description => previous.description.clone(),
            IndicatorColumn::Value => previous.value_raw.clone(),
            IndicatorColumn::Basis => previous.basis.clone(),
            IndicatorColumn::Unit => self.previous_unit.clone(),
        }
    }

    fn report_unused(&mut self, cells: &[Cell], used: &[bool], why: &str) {
        for (cell, _) in cells.iter().zip(used).filter(|(_, used)| !**used) {
            self.diags.push(Diagnostic::new(
                Severity::Warning,
                "unmapped_cell",
                format!("project {}: cell `{}` {why}", self.record.seq, cell.text),
                cell.loc,
            ));
        }
    }

    /// Emits the project's records; returns true when the document ends inside this
    /// project's table, or before it.
    pub(super) fn finish(
        mut self,
        after: After,
        out: &mut Extraction,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let truncated = match (after, self.last_block) {
            (After::More, _) | (_, LastBlock::Paragraph) => false,
            (_, LastBlock::Table) => self.ends_short(),
            // A whole text export does not end on a project's heading; a whole DOCX can,
            // when the table is a picture (which leaves no text).
            (After::EndUnverified, LastBlock::Heading) => true,
            (After::EndSeen, LastBlock::Heading) => false,
        };
        self.record.truncated = truncated;
        if truncated {
            let (loc, detail) = match &self.last_row {
                None if self.last_block == LastBlock::Heading => {
                    (self.heading_loc, "nothing follows its heading".to_string())
                }
                Some(LastRow {
                    cells,
                    expected: Some(expected),
                    loc,
                }) => (
                    *loc,
                    format!("its last row has {cells} of {expected} cells"),
                ),
                Some(last) => (last.loc, "no indicator table was reached".to_string()),
                None => (self.heading_loc, "no table row was reached".to_string()),
            };
            self.diags.push(Diagnostic::new(
                Severity::Error,
                "truncated_table",
                format!(
                    "the document ends inside the table of project {} ({}): {detail}",
                    self.record.seq,
                    self.record.heading.as_deref().unwrap_or("")
                ),
                loc,
            ));
        } else if let Some(LastRow {
            cells,
            expected: Some(expected),
            loc,
        }) = &self.last_row
        {
            if cells < expected {
                self.diags.push(Diagnostic::new(
                    Severity::Warning,
                    "short_row",
                    format!(
                        "project {}: last indicator row has {cells} of {expected} cells",
                        self.record.seq
                    ),
                    *loc,
                ));
            }
        }
        self.convert_amounts();
        if !truncated {
            self.report_missing();
        }
        let code = self.record.project_code.as_deref().map(SharedStr::from);
        let (doc_id, seq) = (self.record.doc_id.clone(), self.record.seq);
        for (i, c) in self.checkpoints.into_iter().enumerate() {
            out.spending_plan.push(SpendingCheckpoint {
                doc_id: doc_id.clone(),
                project_seq: seq,
                project_code: code.clone(),
                seq: i as i32 + 1,
                label: c.label,
                month: c.month,
                cumulative_pct: c.pct,
            });
        }
        for (goal_seq, text) in self.goals {
            out.project_goals.push(ProjectGoal {
                doc_id: doc_id.clone(),
                project_seq: seq,
                project_code: code.clone(),
                seq: goal_seq,
                text,
            });
        }
        for mut indicator in self.indicators {
            indicator.project_code = code.clone();
            out.indicators.push(indicator);
        }
        out.projects.push(self.record);
        diags.extend(self.diags);
        truncated
    }

    /// True when the last row is shorter than the indicator header, or the indicator
    /// table was never reached.
    fn ends_short(&self) -> bool {
        match &self.last_row {
            Some(LastRow {
                cells,
                expected: Some(expected),
                ..
            }) => cells < expected,
            _ => self.indicator_columns.is_none(),
        }
    }

    fn convert_amounts(&mut self) {
        let unit = self.record.amount_unit.clone();
        let factor = match unit
            .as_deref()
            .and_then(|u| self.vocab.projects.amount_units.get(u))
        {
            Some(factor) => *factor,
            None => {
                if !self.amounts.is_empty() {
                    self.diags.push(Diagnostic::new(
                        Severity::Warning,
                        "amount_unit_missing",
                        format!("project {}: no amount unit (单位：元/万元) was printed; amounts are read as 元", self.record.seq),
                        self.heading_loc,
                    ));
                }
                1
            }
        };
        for (label, text, loc) in std::mem::take(&mut self.amounts) {
            let money = match parse_amount(&text, factor) {
                Ok(money) => Some(money),
                Err(AmountError::Rounded(money)) => {
                    self.diags.push(Diagnostic::new(
                        Severity::Warning,
                        "amount_rounded",
                        format!("amount `{text}` has more decimals than a fen; rounded to {money}"),
                        loc,
                    ));
                    Some(money)
                }
                Err(AmountError::NotANumber) => {
                    self.diags.push(Diagnostic::new(
                        Severity::Warning,
                        "bad_amount",
                        format!("amount cell `{text}` is not a number"),
                        loc,
                    ));
                    None
                }
            };
            match label {
                ProjectLabel::BudgetTotal => self.record.budget_total = money,
                ProjectLabel::FiscalFunds => self.record.fiscal_funds = money,
                _ => self.record.other_funds = money,
            }
        }
    }

    fn report_missing(&mut self) {
        let missing: Vec<&str> = [
            ("project_code", self.record.project_code.is_none()),
            ("project_name", self.record.project_name.is_none()),
            ("budget_total", self.record.budget_total.is_none()),
            ("indicators", self.indicators.is_empty()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect();
        if !missing.is_empty() {
            self.diags.push(Diagnostic::new(
                Severity::Warning,
                "missing_field",
                format!(
                    "project {}: no {} found",
                    self.record.seq,
                    missing.join(", ")
                ),
                self.heading_loc,
            ));
        }
    }
}
