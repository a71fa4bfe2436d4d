//! The document family's vocabulary: `extractors/budget_performance.toml` loaded into
//! checked, compiled matchers before any document is read.
//!
//! Labels are compared after [`normalize`]: NFKC (full-width forms folded) and no white
//! space, so `其中：财政资金`, `其中:财政资金` and `其中： 财政资金` are one label.

use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// The vocabulary shipped in the binary.
pub const BUILTIN: &str = include_str!("../../extractors/budget_performance.toml");

/// `regex.captures(text)` for a pattern most texts fail, such as a heading's: `is_match`
/// rejects them without allocating the capture slots that `captures` sets up on every call
/// (on 500 text exports, a fifth fewer instructions in `captures`, 1.2% of the whole run).
pub fn captures_rare<'t>(regex: &Regex, text: &'t str) -> Option<regex::Captures<'t>> {
    if regex.is_match(text) {
        regex.captures(text)
    } else {
        None
    }
}

/// NFKC with all white space removed: the form labels are compared in.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out, |c| !c.is_whitespace());
    out
}

/// True when [`normalize`] would return `text` unchanged.
pub fn is_normal(text: &str) -> bool {
    text.chars().all(is_normal_char)
}

/// A character [`normalize`] keeps as it is, whatever surrounds it in a text of such
/// characters only.
pub fn is_normal_char(c: char) -> bool {
    nfkc_stable(c) && !c.is_whitespace()
}

/// A CJK unified ideograph of the basic block, where Chinese prose lives.
fn is_cjk_ideograph(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// NFKC of `text` into `out` (cleared first), keeping the characters `keep` accepts, so
/// that a loop reuses one buffer.
pub fn normalize_into(text: &str, out: &mut String, keep: impl Fn(char) -> bool) {
    out.clear();
    // The common case, Chinese prose with full-width punctuation, is folded a character at
    // a time: runs of stable characters are copied whole, full-width forms mapped to
    // their ASCII. Any other character takes the full NFKC path for the whole text.
    let mut run = 0;
    for (at, c) in text.char_indices() {
        if nfkc_stable(c) && keep(c) {
            continue;
        }
        out.push_str(&text[run..at]);
        run = at + c.len_utf8();
        if nfkc_stable(c) {
            continue;
        }
        match fold_width(c) {
            Some(folded) if keep(folded) => out.push(folded),
            Some(_) => {}
            None => {
                out.clear();
                out.extend(text.nfkc().filter(|&c| keep(c)));
                return;
            }
        }
    }
    out.push_str(&text[run..]);
}

/// NFKC of a full-width ASCII form (`：` → `:`, `％` → `%`) or the ideographic space; these
/// never compose with their neighbours, so they can be folded one by one.
fn fold_width(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Characters NFKC leaves as they are unless a combining mark follows (which is not among
/// them, so a text holding one takes the full path), checked without table lookups:
/// ASCII, the CJK unified ideographs and the punctuation of Chinese prose. Full-width
/// forms (`：％（`) are not among them.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || is_cjk_ideograph(c)
        || matches!(
            c,
            '、' | '。'
                | '〈'
                | '〉'
                | '《'
                | '》'
                | '「'
                | '」'
                | '『'
                | '』'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '〖'
                | '〗'
                | '〇'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '—'
                | '–'
                | '·'
                | '≥'
                | '≤'
                | '×'
                | '÷'
                | '○'
                | '●'
        )
}

/// Headings (part headings, the TOC marker) are short; longer paragraphs are narrative and
/// are not normalised to be compared with them.
pub const MAX_HEADING_CHARS: usize = 40;

/// True when a paragraph is short enough to be a heading.
pub fn may_be_heading(text: &str) -> bool {
    text.len() <= MAX_HEADING_CHARS * 4
}

/// A set of labels, each naming one key.
#[derive(Debug, Clone)]
pub struct LabelSet<K: Copy> {
    // Looked up for nearly every cell and short paragraph: a fast hash, not SipHash (the
    // labels come from the vocabulary file, not from the documents, so there is nothing
    // for an attacker to collide).
    by_label: foldhash::HashMap<String, K>,
    /// Characters of the longest label: longer texts are not looked up (nor normalised).
    max_chars: usize,
    /// First characters of the labels: most cells start with none of them, and are
    /// rejected without a scan of their text (on 500 generated DOCX, lookups fell from
    /// 2.9% to 1.3% of all instructions).
    first_chars: foldhash::HashSet<char>,
}

impl<K: Copy> LabelSet<K> {
    fn new(groups: Vec<(K, Vec<String>)>) -> Self {
        let mut by_label = foldhash::HashMap::default();
        let mut max_chars = 0;
        let mut first_chars = foldhash::HashSet::default();
        for (key, labels) in groups {
            for label in labels {
                let label = normalize(&label);
                max_chars = max_chars.max(label.chars().count());
                first_chars.extend(label.chars().next());
                by_label.insert(label, key);
            }
        }
        LabelSet {
            by_label,
            max_chars,
            first_chars,
        }
    }

    /// True when `text` is too long to be any label even with white space inside it.
    pub fn too_long(&self, text: &str) -> bool {
        text.len() > self.max_chars * 4 * 2
    }

    /// The key of a text that is exactly one of the labels (after normalisation).
    pub fn get(&self, text: &str) -> Option<K> {
        if self.too_long(text) {
            return None;
        }
        match text.chars().next() {
            // An ideograph or a digit opens the normal form too: normalisation keeps it,
            // and no mark that may follow composes with it (unlike `e` + U+0301 → `é`).
            Some(c)
                if (c.is_ascii_digit() || is_cjk_ideograph(c))
                    && !self.first_chars.contains(&c) =>
            {
                return None;
            }
            _ => {}
        }
        if is_normal(text) {
            // No copy to make.
            return self.get_normalized(text);
        }
        self.get_normalized(&normalize(text))
    }

    /// Like [`LabelSet::get`] for text already normalised.
    pub fn get_normalized(&self, normalized: &str) -> Option<K> {
        self.by_label.get(normalized).copied()
    }
}

/// Parts of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// 部门整体绩效目标.
    Department,
    /// 预算项目绩效目标.
    Projects,
}

/// Sections of part one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// 总体绩效目标.
    OverallGoal,
    /// 分项绩效目标.
    Duties,
    /// 工作保障措施.
    Safeguards,
}

/// Labels inside a project table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectLabel {
    /// 项目编码.
    ProjectCode,
    /// 项目名称.
    ProjectName,
    /// 预算规模及资金用途 (a row group whose continuation rows hold the purpose).
    BudgetGroup,
    /// 预算数.
    BudgetTotal,
    /// 其中：财政资金.
    FiscalFunds,
    /// 其他资金.
    OtherFunds,
    /// 资金用途.
    Purpose,
    /// 资金支出计划.
    SpendingPlan,
    /// 绩效目标.
    Goals,
}

/// Columns of an indicator table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicatorColumn {
    /// 一级指标.
    Level1,
    /// 二级指标.
    Level2,
    /// 三级指标.
    Level3,
    /// 绩效指标描述.
    Description,
    /// 指标值.
    Value,
    /// 指标值确定依据.
    Basis,
    /// 计量单位.
    Unit,
}

/// Cover-page patterns.
#[derive(Debug, Clone)]
pub struct CoverVocab {
    /// Title with `year` and `kind` groups.
    pub title: Regex,
    /// Suffixes of the compiled-by line.
    pub compiled_by_suffixes: Vec<String>,
    /// Suffixes of the reviewed-by line.
    pub reviewed_by_suffixes: Vec<String>,
    /// Region from the reviewer, `region` group.
    pub region: Regex,
}

/// Outline numbering patterns.
#[derive(Debug, Clone)]
pub struct Numbering {
    /// `一、`.
    pub chinese: OutlineNumber,
    /// `（一）`.
    pub chinese_paren: OutlineNumber,
    /// `1.`.
    pub arabic: OutlineNumber,
}

/// One style of outline number: a pattern for the number alone, with a `number` group.
/// The text is what follows it. Matching the opening only keeps the regex engine off the
/// rest of a long numbered paragraph.
#[derive(Debug, Clone)]
pub struct OutlineNumber(Regex);

impl OutlineNumber {
    /// The number and the text after it (trimmed), when `text` opens with such a number
    /// and something follows it.
    pub fn split<'t>(&self, text: &'t str) -> Option<(&'t str, &'t str)> {
        // Most paragraphs and lines carry no number.
        let caps = captures_rare(&self.0, text)?;
        let rest = text[caps.get(0)?.end()..].trim();
        let number = caps.name("number")?.as_str();
        (!rest.is_empty()).then_some((number, rest))
    }
}

/// Wording of the duties section.
#[derive(Debug, Clone)]
pub struct DutyVocab {
    /// Opening of the main-duty paragraph.
    pub main_duty: Vec<String>,
    /// Opening of the duty-goal paragraph.
    pub duty_goal: Vec<String>,
    /// Opening of the performance-goal paragraph.
    pub performance_goal: Vec<String>,
    /// Opening of the indicator paragraph.
    pub indicators: Vec<String>,
    /// Between an indicator's name and its standard.
    pub standard_separators: Vec<String>,
}

/// Wording of project tables.
#[derive(Debug, Clone)]
pub struct ProjectVocab {
    /// Heading above a table, `number` and `name` groups.
    pub heading: Regex,
    /// Unit row, `code` and `name` groups.
    pub unit: Regex,
    /// Amount unit cell, `unit` group.
    pub amount_unit: Regex,
    /// Spending checkpoint header, `month` group.
    pub spending_checkpoint: Regex,
    /// Percentage cell, `number` group.
    pub percent: Regex,
    /// Yuan per printed amount unit.
    pub amount_units: HashMap<String, i128>,
    /// Cell labels.
    pub labels: LabelSet<ProjectLabel>,
}

/// Target-value wording.
#[derive(Debug, Clone)]
pub struct ValueVocab {
    /// `(operator, word)` that open a target, longest word first.
    pub operators: Vec<(String, String)>,
    /// `(operator, word)` that close a target, longest word first.
    pub suffix_operators: Vec<(String, String)>,
    /// Separators of a range.
    pub range_separators: Vec<String>,
    /// Values that are yes/no answers.
    pub boolean: Vec<String>,
}

/// The compiled vocabulary.
#[derive(Debug, Clone)]
pub struct Vocab {
    /// Family name.
    pub name: String,
    /// BLAKE3 hash of the vocabulary file, so that a dataset knows what extracted it.
    pub source_hash: String,
    /// Cover page.
    pub cover: CoverVocab,
    /// TOC marker line.
    pub toc_marker: Regex,
    /// Part heading, `number` and `name` groups.
    pub part_heading: Regex,
    /// Part names.
    pub parts: LabelSet<PartKind>,
    /// Section names.
    pub sections: LabelSet<SectionKind>,
    /// Outline numbering.
    pub numbering: Numbering,
    /// Duties section.
    pub duties: DutyVocab,
    /// Project tables.
    pub projects: ProjectVocab,
    /// Indicator table headers.
    pub indicator_columns: LabelSet<IndicatorColumn>,
    /// Level-name synonyms (keys already without 指标).
    pub level_synonyms: foldhash::HashMap<String, String>,
    /// Target values.
    pub values: ValueVocab,
}

/// Why a vocabulary file was refused.
#[derive(Debug, thiserror::Error)]
#[error("vocabulary {origin}: {message}")]
pub struct VocabError {
    origin: String,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    cover: RawCover,
    toc: RawToc,
    parts: RawParts,
    sections: RawSections,
    numbering: RawNumbering,
    duties: RawDuties,
    projects: RawProjects,
    indicators: RawIndicators,
    values: RawValues,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCover {
    title: String,
    compiled_by_suffixes: Vec<String>,
    reviewed_by_suffixes: Vec<String>,
    region: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToc {
    marker: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParts {
    heading: String,
    department: Vec<String>,
    projects: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSections {
    overall_goal: Vec<String>,
    duties: Vec<String>,
    safeguards: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNumbering {
    chinese: String,
    chinese_paren: String,
    arabic: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuties {
    main_duty: Vec<String>,
    duty_goal: Vec<String>,
    performance_goal: Vec<String>,
    indicators: Vec<String>,
    standard_separators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProjects {
    heading: String,
    unit: String,
    amount_unit: String,
    spending_checkpoint: String,
    percent: String,
    amount_units: HashMap<String, i64>,
    labels: RawProjectLabels,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProjectLabels {
    project_code: Vec<String>,
    project_name: Vec<String>,
    budget_group: Vec<String>,
    budget_total: Vec<String>,
    fiscal_funds: Vec<String>,
    other_funds: Vec<String>,
    purpose: Vec<String>,
    spending_plan: Vec<String>,
    goals: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicators {
    columns: RawIndicatorColumns,
    level_synonyms: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicatorColumns {
    level1: Vec<String>,
    level2: Vec<String>,
    level3: Vec<String>,
    description: Vec<String>,
    value: Vec<String>,
    basis: Vec<String>,
    unit: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValues {
    operators: HashMap<String, Vec<String>>,
    suffix_operators: HashMap<String, Vec<String>>,
    kinds: RawValueKinds,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValueKinds {
    range_separators: Vec<String>,
    boolean: Vec<String>,
}

const OPERATORS: [&str; 5] = [">=", "<=", ">", "<", "="];

impl Vocab {
    /// The vocabulary compiled into the binary.
    pub fn builtin() -> Vocab {
        Vocab::parse(BUILTIN, "built-in").expect("the built-in vocabulary is valid")
    }

    /// Loads a vocabulary file.
    pub fn load(path: &Path) -> Result<Vocab, VocabError> {
        let text = std::fs::read_to_string(path).map_err(|e| VocabError {
            origin: path.display().to_string(),
            message: e.to_string(),
        })?;
        Vocab::parse(&text, &path.display().to_string())
    }

    /// Parses and checks a vocabulary.
    pub fn parse(text: &str, origin: &str) -> Result<Vocab, VocabError> {
        let fail = |message: String| VocabError {
            origin: origin.to_string(),
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
        let regex = |name: &str, pattern: &str, groups: &[&str]| -> Result<Regex, VocabError> {
            let re = Regex::new(pattern).map_err(|e| fail(format!("`{name}`: {e}")))?;
            for group in groups {
                if !re.capture_names().flatten().any(|g| g == *group) {
                    return Err(fail(format!("`{name}` needs a `(?P<{group}>...)` group")));
                }
            }
            Ok(re)
        };
        let outline = |name: &str, pattern: &str| -> Result<OutlineNumber, VocabError> {
            let re = regex(name, pattern, &["number"])?;
            if re.capture_names().flatten().any(|g| g == "text") {
                return Err(fail(format!(
                    "`{name}` matches the number alone (the text is what follows it): remove its `text` group"
                )));
            }
            Ok(OutlineNumber(re))
        };
        let operators = operator_words(raw.values.operators).map_err(&fail)?;
        let suffix_operators = operator_words(raw.values.suffix_operators).map_err(&fail)?;
        let labels = raw.projects.labels;
        let columns = raw.indicators.columns;
        Ok(Vocab {
            source_hash: blake3::hash(text.as_bytes()).to_hex().to_string(),
            name: raw.name,
            cover: CoverVocab {
                title: regex("cover.title", &raw.cover.title, &["year"])?,
                compiled_by_suffixes: raw.cover.compiled_by_suffixes,
                reviewed_by_suffixes: raw.cover.reviewed_by_suffixes,
                region: regex("cover.region", &raw.cover.region, &["region"])?,
            },
            toc_marker: regex("toc.marker", &raw.toc.marker, &[])?,
            part_heading: regex("parts.heading", &raw.parts.heading, &["number", "name"])?,
            parts: LabelSet::new(vec![
                (PartKind::Department, raw.parts.department),
                (PartKind::Projects, raw.parts.projects),
            ]),
            sections: LabelSet::new(vec![
                (SectionKind::OverallGoal, raw.sections.overall_goal),
                (SectionKind::Duties, raw.sections.duties),
                (SectionKind::Safeguards, raw.sections.safeguards),
            ]),
            numbering: Numbering {
                chinese: outline("numbering.chinese", &raw.numbering.chinese)?,
                chinese_paren: outline("numbering.chinese_paren", &raw.numbering.chinese_paren)?,
                arabic: outline("numbering.arabic", &raw.numbering.arabic)?,
            },
            duties: DutyVocab {
                main_duty: normalize_all(raw.duties.main_duty),
                duty_goal: normalize_all(raw.duties.duty_goal),
                performance_goal: normalize_all(raw.duties.performance_goal),
                indicators: normalize_all(raw.duties.indicators),
                standard_separators: normalize_all(raw.duties.standard_separators),
            },
            projects: ProjectVocab {
                heading: regex(
                    "projects.heading",
                    &raw.projects.heading,
                    &["number", "name"],
                )?,
                unit: regex("projects.unit", &raw.projects.unit, &["code", "name"])?,
                amount_unit: regex("projects.amount_unit", &raw.projects.amount_unit, &["unit"])?,
                spending_checkpoint: regex(
                    "projects.spending_checkpoint",
                    &raw.projects.spending_checkpoint,
                    &["month"],
                )?,
                percent: regex("projects.percent", &raw.projects.percent, &["number"])?,
                amount_units: raw
                    .projects
                    .amount_units
                    .into_iter()
                    .map(|(unit, factor)| (normalize(&unit), i128::from(factor)))
                    .collect(),
                labels: LabelSet::new(vec![
                    (ProjectLabel::ProjectCode, labels.project_code),
                    (ProjectLabel::ProjectName, labels.project_name),
                    (ProjectLabel::BudgetGroup, labels.budget_group),
                    (ProjectLabel::BudgetTotal, labels.budget_total),
                    (ProjectLabel::FiscalFunds, labels.fiscal_funds),
                    (ProjectLabel::OtherFunds, labels.other_funds),
                    (ProjectLabel::Purpose, labels.purpose),
                    (ProjectLabel::SpendingPlan, labels.spending_plan),
                    (ProjectLabel::Goals, labels.goals),
                ]),
            },
            indicator_columns: LabelSet::new(vec![
                (IndicatorColumn::Level1, columns.level1),
                (IndicatorColumn::Level2, columns.level2),
                (IndicatorColumn::Level3, columns.level3),
                (IndicatorColumn::Description, columns.description),
                (IndicatorColumn::Value, columns.value),
                (IndicatorColumn::Basis, columns.basis),
                (IndicatorColumn::Unit, columns.unit),
            ]),
            level_synonyms: raw
                .indicators
                .level_synonyms
                .into_iter()
                .map(|(from, to)| (normalize(&from), normalize(&to)))
                .collect(),
            values: ValueVocab {
                operators,
                suffix_operators,
                range_separators: normalize_all(raw.values.kinds.range_separators),
                boolean: normalize_all(raw.values.kinds.boolean),
            },
        })
    }

    /// Grouping key of an indicator level name: without its trailing 指标, synonyms folded.
    pub fn level_key(&self, printed: &str) -> String {
        // Two per indicator row, nearly always already in normal form.
        let normalized = if is_normal(printed) {
            std::borrow::Cow::Borrowed(printed)
        } else {
            std::borrow::Cow::Owned(normalize(printed))
        };
        let stem = normalized.strip_suffix("指标").unwrap_or(&normalized);
        self.level_synonyms
            .get(stem)
            .cloned()
            .unwrap_or_else(|| stem.to_string())
    }
}

/// `(operator, word)` pairs, longest word first so that 不低于 wins over 低于 and >= over >.
fn operator_words(table: HashMap<String, Vec<String>>) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (op, words) in table {
        if !OPERATORS.contains(&op.as_str()) {
            return Err(format!("unknown operator `{op}`; use one of {OPERATORS:?}"));
        }
        pairs.extend(words.iter().map(|w| (op.clone(), normalize(w))));
    }
    pairs.sort_by(|a, b| b.1.chars().count().cmp(&a.1.chars().count()).then(a.cmp(b)));
    Ok(pairs)
}

/// The words normalised, each once, in their first order: full-width and ASCII
/// spellings (`～`, `~`) fold to one word, tried once.
fn normalize_all(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for word in words.iter().map(|w| normalize(w)) {
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        let samples =
            "、。〈〉《》「」『』【】〔〕〖〗〇“”‘’—–·≥≤×÷○● 一二三龥 abcXYZ019 ：％（）！＞";
        for c in samples.chars().filter(|c| nfkc_stable(*c)) {
            assert_eq!(
                c.to_string().nfkc().collect::<String>(),
                c.to_string(),
                "{c:?}"
            );
        }
        for c in ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']) {
            let folded = fold_width(c).map(String::from);
            assert_eq!(folded, Some(c.to_string().nfkc().collect()), "{c:?}");
        }
        assert_eq!(normalize("其中： 财政资金（%）"), "其中:财政资金(%)");
    }

    #[test]
    fn folding_agrees_with_nfkc_on_mixed_text() {
        // Full-width forms, a compatibility character (…), a combining mark after a folded
        // form (Ａ + ring composes to Å), circled digits, ideographic space.
        let samples = [
            "年度目标：完成率≥95％，（含）“三保”支出",
            "第一部分　部门整体绩效目标",
            "数量…①②",
            "Ａ\u{30A}Ｂ",
            "e\u{301}，",
            "",
            "　",
        ];
        let mut out = String::new();
        for text in samples {
            let expected: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
            normalize_into(text, &mut out, |c| !c.is_whitespace());
            assert_eq!(out, expected, "{text:?}");
            let expected: String = text.nfkc().collect();
            normalize_into(text, &mut out, |_| true);
            assert_eq!(out, expected, "{text:?}");
        }
    }

    #[test]
    fn builtin_vocabulary_compiles() {
        let vocab = Vocab::builtin();
        assert_eq!(
            vocab.projects.labels.get("其中： 财政资金"),
            Some(ProjectLabel::FiscalFunds)
        );
        assert_eq!(
            vocab.projects.labels.get("预算金额"),
            Some(ProjectLabel::BudgetTotal)
        );
        assert_eq!(
            vocab.indicator_columns.get("指标内容"),
            Some(IndicatorColumn::Description)
        );
    }

    #[test]
    fn the_first_character_filter_only_rejects_what_lookup_would() {
        let labels = LabelSet::new(vec![
            (1, vec!["项目名称".to_string()]),
            (2, vec!["2024年预算".to_string()]),
            (3, vec!["Ａ级".to_string()]),
        ]);
        let cases = [
            ("项目名称", Some(1)),
            (" 项目 名称", Some(1)),
            ("2024年 预算", Some(2)),
            ("Ａ级", Some(3)),
            ("A级", Some(3)),
            ("A\u{30A}级", None),
            ("目名称", None),
            ("3024年预算", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(labels.get(text), expected, "{text:?}");
            let slow = labels.get_normalized(&normalize(text));
            assert_eq!(labels.get(text), slow, "{text:?} against the full path");
        }
    }

    #[test]
    fn level_keys_drop_the_suffix_and_fold_synonyms() {
        let vocab = Vocab::builtin();
        assert_eq!(vocab.level_key("产出指标"), "产出");
        assert_eq!(vocab.level_key("环境效益指标"), "生态效益");
        assert_eq!(
            vocab.level_key("社会公众或服务对象满意度指标"),
            "服务对象满意度"
        );
    }

    #[test]
    fn outline_numbers_split_off_their_text() {
        let n = Vocab::builtin().numbering;
        assert_eq!(
            n.chinese.split("一、 总体绩效目标"),
            Some(("一", "总体绩效目标"))
        );
        assert_eq!(
            n.chinese_paren.split("（十二）加强管理。\n细则"),
            Some(("十二", "加强管理。\n细则"))
        );
        assert_eq!(n.arabic.split("12 ．完成"), Some(("12", "完成")));
        assert_eq!(
            n.chinese.split("一、  "),
            None,
            "a number with nothing after it"
        );
        assert_eq!(n.arabic.split("2025年"), None);
    }

    #[test]
    fn an_outline_pattern_with_a_text_group_is_refused() {
        let text = BUILTIN.replace(
            "chinese = '^(?P<number>[一二三四五六七八九十百]+)[、.．]'",
            "chinese = '^(?P<number>[一二三四五六七八九十百]+)[、.．](?P<text>.+)$'",
        );
        assert_ne!(text, BUILTIN);
        let err = Vocab::parse(&text, "test").unwrap_err().to_string();
        assert!(
            err.contains("numbering.chinese") && err.contains("text"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_key_is_refused_with_its_name() {
        let text = BUILTIN.replace("budget_total =", "budget_totl =");
        let err = Vocab::parse(&text, "test").unwrap_err().to_string();
        assert!(err.contains("budget_totl"), "{err}");
    }

    #[test]
    fn a_pattern_without_its_group_is_refused() {
        let text = BUILTIN.replace("(?P<unit>万元|千元|元)", "(万元|千元|元)");
        let err = Vocab::parse(&text, "test").unwrap_err().to_string();
        assert!(err.contains("unit"), "{err}");
    }
}
