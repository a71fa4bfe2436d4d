//! The model of a synthetic document and how it is drawn at random.

use super::sections::Sections;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;

/// How the document is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain-text export, UTF-8, LF.
    TextUtf8,
    /// Plain-text export, GB18030, CRLF.
    TextGb18030,
    /// DOCX with real merged cells.
    Docx,
}

/// Which indicator-table layout a document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorLayout {
    /// 一级 · 二级 · 三级 · 绩效指标描述 · 指标值 · 指标值确定依据.
    ThreeLevels,
    /// 一级 · 二级 · 指标内容 · 指标值 · 指标值确定依据 (no 三级).
    TwoLevels,
}

/// Label wordings a document uses.
#[derive(Debug, Clone)]
pub struct Labels {
    pub code: &'static str,
    pub budget_total: &'static str,
    pub fiscal: &'static str,
    pub goals: &'static str,
    pub description: &'static str,
}

/// A target value with what it must parse to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub raw: &'static str,
    pub op: Option<&'static str>,
    pub num: Option<f64>,
    pub max: Option<f64>,
    pub unit: Option<&'static str>,
    pub kind: &'static str,
}

/// One indicator row.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub level1: &'static str,
    pub level2: &'static str,
    pub name: String,
    pub description: String,
    pub target: Target,
    pub basis: &'static str,
}

/// One project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub code: String,
    /// Amounts as printed (in the document's unit) and in fen.
    pub total: (String, i128),
    pub fiscal: (String, i128),
    pub other: (String, i128),
    pub purpose: String,
    pub checkpoints: Vec<(u32, f64)>,
    pub goals: Vec<String>,
    pub indicators: Vec<Indicator>,
}

/// A whole synthetic document.
#[derive(Debug, Clone)]
pub struct SynthDocument {
    pub index: u64,
    pub format: Format,
    pub region: &'static str,
    pub division_code: &'static str,
    pub department: &'static str,
    pub unit_code: String,
    pub year: i32,
    pub wan_yuan: bool,
    pub layout: IndicatorLayout,
    /// 成本指标 as a first-level group (2021 rules) rather than under 产出指标.
    pub cost_first_level: bool,
    pub labels: Labels,
    pub overall_goal: String,
    pub projects: Vec<Project>,
    /// Contents, duties and safeguards (none drawn by [`draw_with`]).
    pub sections: Sections,
}

impl SynthDocument {
    /// Where the document is written.
    pub fn path(&self) -> String {
        let ext = if self.format == Format::Docx {
            "docx"
        } else {
            "txt"
        };
        format!(
            "{}/{}/{:06}_{}.{ext}",
            self.region, self.year, self.index, self.department
        )
    }
}

const REGIONS: &[(&str, &str)] = &[
    ("山海关区", "130303"),
    ("海港区", "130302"),
    ("北戴河区", "130304"),
    ("抚宁区", "130306"),
    ("青龙满族自治县", "130321"),
    ("昌黎县", "130322"),
    ("卢龙县", "130324"),
    ("宁乡市", "430182"),
];
const DEPARTMENTS: &[&str] = &[
    "纪委部门",
    "财政局",
    "教育局",
    "卫生健康局",
    "民政局",
    "交通运输局",
    "农业农村局",
    "文化广电和旅游局",
    "应急管理局",
    "住房和城乡建设局",
    "市场监督管理局",
    "自然资源和规划局",
];
const PROJECT_STEMS: &[&str] = &[
    "专项办案费",
    "专项公用经费",
    "人事代理专项补助",
    "车辆保险费",
    "巡察专项经费",
    "城市道路维护",
    "农村饮水安全",
    "困难群众救助",
    "义务教育保障",
    "疾病预防控制",
    "文物保护修缮",
    "防汛抗旱物资储备",
    "食品安全抽检",
    "耕地保护补助",
    "老年人福利补贴",
    "公共文化服务",
];
const PURPOSES: &[&str] = &[
    "保障单位正常运转",
    "用于项目日常支出",
    "保障工资、保险等各项人员经费支出",
    "为机关所有车辆上保险",
    "用于设备购置和维护",
    "用于专项工作开展",
];
const GOALS: &[&str] = &[
    "保证工作顺利开展",
    "确保资金按时拨付",
    "提高服务质量和效率",
    "防止保险断缴",
    "保障业务正常开展，单位正常运转",
    "按计划完成年度任务",
];
const BASES: &[&str] = &["年度工作计划", "行业标准", "历史数据", "预算定额"];
const NAMES: &[&str] = &[
    "支付公用经费人数",
    "办公设备正常运行率",
    "按项目计划完成工作",
    "项目控制预算数",
    "提高工作效率",
    "业务保障能力",
    "节约成本",
    "长期使用性",
    "单位工作人员满意度",
    "资金支付及时率",
    "工程验收合格率",
    "服务覆盖人数",
    "培训人次",
    "群众满意度",
    "设施完好率",
];

const TARGETS: &[Target] = &[
    Target {
        raw: "59人",
        op: None,
        num: Some(59.0),
        max: None,
        unit: Some("人"),
        kind: "numeric",
    },
    Target {
        raw: "≥95%",
        op: Some(">="),
        num: Some(95.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "＞90％",
        op: Some(">"),
        num: Some(90.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: ">92%",
        op: Some(">"),
        num: Some(92.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "=100%",
        op: Some("="),
        num: Some(100.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "≤10次",
        op: Some("<="),
        num: Some(10.0),
        max: None,
        unit: Some("次"),
        kind: "numeric",
    },
    Target {
        raw: "2280次",
        op: None,
        num: Some(2280.0),
        max: None,
        unit: Some("次"),
        kind: "numeric",
    },
    Target {
        raw: "13969.56标箱",
        op: None,
        num: Some(13969.56),
        max: None,
        unit: Some("标箱"),
        kind: "numeric",
    },
    Target {
        raw: "100%（1.0）",
        op: None,
        num: Some(100.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "90%-100%",
        op: Some("range"),
        num: Some(90.0),
        max: Some(100.0),
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "90%~100%",
        op: Some("range"),
        num: Some(90.0),
        max: Some(100.0),
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "不低于85%",
        op: Some(">="),
        num: Some(85.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "不超过10天",
        op: Some("<="),
        num: Some(10.0),
        max: None,
        unit: Some("天"),
        kind: "numeric",
    },
    Target {
        raw: "95%以上",
        op: Some(">="),
        num: Some(95.0),
        max: None,
        unit: Some("%"),
        kind: "numeric",
    },
    Target {
        raw: "1",
        op: None,
        num: Some(1.0),
        max: None,
        unit: None,
        kind: "numeric",
    },
    Target {
        raw: "是/否",
        op: None,
        num: None,
        max: None,
        unit: None,
        kind: "boolean",
    },
    Target {
        raw: "是",
        op: None,
        num: None,
        max: None,
        unit: None,
        kind: "boolean",
    },
    Target {
        raw: "按计划实施",
        op: None,
        num: None,
        max: None,
        unit: None,
        kind: "text",
    },
    Target {
        raw: "进一步推动",
        op: None,
        num: None,
        max: None,
        unit: None,
        kind: "text",
    },
    Target {
        raw: "**人",
        op: None,
        num: None,
        max: None,
        unit: None,
        kind: "text",
    },
];

/// (level 1, level-2 choices) in the 2015–2020 taxonomy.
const TAXONOMY: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    (
        "效益指标",
        &[
            "经济效益指标",
            "社会效益指标",
            "生态效益指标",
            "环境效益指标",
            "可持续影响指标",
        ],
    ),
    (
        "满意度指标",
        &["服务对象满意度指标", "社会公众或服务对象满意度指标"],
    ),
];
const COST_LEVEL1: (&str, &[&str]) = (
    "成本指标",
    &["经济成本指标", "社会成本指标", "生态环境成本指标"],
);

/// Where a document's texts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    /// The boilerplate of real documents: a few phrases each, indicator tables reused by
    /// several projects of a document.
    Boilerplate,
    /// Project names, purposes, goals and indicator descriptions drawn character by
    /// character, so unique: a background in which only planted copies are duplicates.
    Unique,
}

/// Random CJK text of a length in `lengths` (in characters).
fn random_text(rng: &mut impl Rng, lengths: std::ops::RangeInclusive<usize>) -> String {
    let n = rng.random_range(lengths);
    (0..n).map(|_| random_char(rng)).collect()
}

fn random_char(rng: &mut impl Rng) -> char {
    char::from_u32(rng.random_range(0x4E00..=0x9FA5)).expect("a CJK ideograph")
}

/// Lengths of unique texts: at least 24 characters, so that one character changed in
/// every 24 keeps a copy's 3-gram Jaccard similarity above 0.7 (see [`edit`]).
const UNIQUE_TEXT: std::ops::RangeInclusive<usize> = 24..=48;

/// Draws a document.
pub fn draw(rng: &mut impl Rng, index: u64) -> SynthDocument {
    draw_with(rng, index, Vocabulary::Boilerplate)
}

/// Draws a document with texts from `vocabulary`.
pub fn draw_with(rng: &mut impl Rng, index: u64, vocabulary: Vocabulary) -> SynthDocument {
    let (region, division_code) = *REGIONS.choose(rng).expect("non-empty");
    let department = *DEPARTMENTS.choose(rng).expect("non-empty");
    let year = rng.random_range(2019..=2025);
    let format = match rng.random_range(0..10) {
        0..=3 => Format::Docx,
        4..=7 => Format::TextUtf8,
        _ => Format::TextGb18030,
    };
    let wan_yuan = rng.random_bool(0.3);
    let labels = Labels {
        code: ["项目编码", "项目代码"].choose(rng).expect("non-empty"),
        budget_total: ["预算数", "预算金额", "资金总额"]
            .choose(rng)
            .expect("non-empty"),
        fiscal: ["其中：财政资金", "财政拨款"]
            .choose(rng)
            .expect("non-empty"),
        goals: ["绩效目标", "年度目标"].choose(rng).expect("non-empty"),
        description: ["绩效指标描述", "指标内容"].choose(rng).expect("non-empty"),
    };
    let layout = if rng.random_bool(0.2) {
        IndicatorLayout::TwoLevels
    } else {
        IndicatorLayout::ThreeLevels
    };
    let cost_first_level = year >= 2021 && rng.random_bool(0.5);
    // Boilerplate: a few indicator tables per document, reused by several projects.
    let templates: Vec<Vec<Indicator>> = match vocabulary {
        Vocabulary::Boilerplate => (0..rng.random_range(1..=3))
            .map(|_| indicators(rng, cost_first_level, vocabulary))
            .collect(),
        Vocabulary::Unique => Vec::new(),
    };
    let n_projects = rng.random_range(1..=15);
    let context = ProjectContext {
        division: division_code,
        year,
        wan_yuan,
        cost_first_level,
        vocabulary,
    };
    let projects = (0..n_projects)
        .map(|i| project(rng, &context, i, &templates))
        .collect();
    SynthDocument {
        index,
        format,
        region,
        division_code,
        department,
        unit_code: format!(
            "{:03}{:03}",
            rng.random_range(100..999),
            rng.random_range(1..999)
        ),
        year,
        wan_yuan,
        layout,
        cost_first_level,
        labels,
        overall_goal: format!(
            "{department}{year}年度将围绕中心工作，{}，{}。",
            GOALS.choose(rng).expect("g"),
            GOALS.choose(rng).expect("g")
        ),
        projects,
        sections: Sections::default(),
    }
}

/// What a document's projects share.
struct ProjectContext<'a> {
    division: &'a str,
    year: i32,
    wan_yuan: bool,
    cost_first_level: bool,
    vocabulary: Vocabulary,
}

fn project(
    rng: &mut impl Rng,
    context: &ProjectContext,
    i: usize,
    templates: &[Vec<Indicator>],
) -> Project {
    let ProjectContext {
        division,
        year,
        wan_yuan,
        cost_first_level,
        vocabulary,
    } = *context;
    let stem = *PROJECT_STEMS.choose(rng).expect("non-empty");
    let unique = vocabulary == Vocabulary::Unique;
    let (total, fiscal, other) = draw_amounts(rng, wan_yuan);
    let indicators = if !templates.is_empty() && rng.random_bool(0.6) {
        templates.choose(rng).expect("a template").clone()
    } else {
        indicators(rng, cost_first_level, vocabulary)
    };
    let n_goals = rng.random_range(1..=3);
    let mut text = |boilerplate: &[&str]| {
        if unique {
            random_text(rng, UNIQUE_TEXT)
        } else {
            boilerplate.choose(rng).expect("non-empty").to_string()
        }
    };
    let purpose = text(PURPOSES);
    let goals = (0..n_goals).map(|_| text(GOALS)).collect();
    let prefix = if unique {
        random_text(rng, 4..=8)
    } else if i % 3 == 2 {
        "专项".into()
    } else {
        String::new()
    };
    Project {
        name: format!("{prefix}{stem}"),
        code: project_code(rng, division, year),
        total,
        fiscal,
        other,
        purpose,
        checkpoints: vec![(3, 25.0), (6, 50.0), (10, 75.0), (12, 100.0)],
        goals,
        indicators,
    }
}

/// A project's amounts (total, fiscal, other) as printed in the document's unit, and in
/// fen: 2 decimals in 元, 4 in 万元, exact in fen either way.
#[allow(clippy::type_complexity)]
fn draw_amounts(
    rng: &mut impl Rng,
    wan_yuan: bool,
) -> ((String, i128), (String, i128), (String, i128)) {
    // Amounts: printed with 2 decimals in 元 or 4 decimals in 万元; fen exactly.
    let (scale, fen_per_unit) = if wan_yuan {
        (10_000i128, 100i128)
    } else {
        (100, 1)
    };
    let fiscal_units = rng.random_range(1_000i128..50_000_000);
    let other_units = if rng.random_bool(0.3) {
        rng.random_range(0..5_000_000)
    } else {
        0
    };
    let amount = |units: i128| {
        let printed = format!(
            "{}.{:0width$}",
            units / scale,
            units % scale,
            width = if wan_yuan { 4 } else { 2 }
        );
        (printed, units * fen_per_unit)
    };
    (
        amount(fiscal_units + other_units),
        amount(fiscal_units),
        amount(other_units),
    )
}

/// A project code: the division, the year and a random serial.
fn project_code(rng: &mut impl Rng, division: &str, year: i32) -> String {
    let serial: String = (0..13)
        .map(|_| {
            *b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
                .choose(rng)
                .expect("c") as char
        })
        .collect();
    format!("{division}{:02}{serial}", year % 100)
}

fn indicators(
    rng: &mut impl Rng,
    cost_first_level: bool,
    vocabulary: Vocabulary,
) -> Vec<Indicator> {
    let mut groups: Vec<(&'static str, &'static [&'static str])> = TAXONOMY.to_vec();
    if cost_first_level {
        groups.insert(1, COST_LEVEL1);
    }
    let mut rows = Vec::new();
    for (level1, level2s) in groups {
        let n = rng.random_range(1..=level2s.len().min(3));
        let mut chosen: Vec<&'static str> = level2s.choose_multiple(rng, n).copied().collect();
        chosen.sort_by_key(|l| level2s.iter().position(|x| x == l));
        if cost_first_level && level1 == "产出指标" {
            chosen.retain(|l| *l != "成本指标");
            if chosen.is_empty() {
                chosen.push("数量指标");
            }
        }
        for level2 in chosen {
            let name = NAMES.choose(rng).expect("n").to_string();
            let description = match vocabulary {
                Vocabulary::Boilerplate => format!("{name}情况"),
                Vocabulary::Unique => random_text(rng, UNIQUE_TEXT),
            };
            rows.push(Indicator {
                level1,
                level2,
                description,
                name,
                target: *TARGETS.choose(rng).expect("t"),
                basis: BASES.choose(rng).expect("b"),
            });
        }
    }
    rows
}

/// How a planted project copies its source project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlantKind {
    /// Indicator table, purpose and goals copied as they are.
    Exact,
    /// The indicator table's rows in another order; texts as they are.
    Reordered,
    /// One character in every 24 changed in the purpose, the goals and one indicator
    /// description (so the table differs by one row).
    Edited,
    /// A planted near miss that must not be found: half the indicator rows replaced,
    /// one character in every 4 of each text changed.
    Decoy,
}

impl PlantKind {
    /// All kinds, in the order they are drawn.
    pub const ALL: [PlantKind; 4] = [
        PlantKind::Exact,
        PlantKind::Reordered,
        PlantKind::Edited,
        PlantKind::Decoy,
    ];

    /// The kind's name in `truth/planted.tsv`.
    pub fn name(self) -> &'static str {
        match self {
            PlantKind::Exact => "exact",
            PlantKind::Reordered => "reordered",
            PlantKind::Edited => "edited",
            PlantKind::Decoy => "decoy",
        }
    }
}

/// A planted copy: which project of which document it copies, its own code, and how
/// alike the two indicator tables are.
#[derive(Debug, Clone, PartialEq)]
pub struct Plant {
    pub kind: PlantKind,
    pub source_index: u64,
    pub source_code: String,
    pub target_code: String,
    /// Jaccard similarity of the two tables' rows (name, description, target).
    pub table_similarity: f64,
}

/// Appends to `doc` a copy of `source` (project 1 of document `source_index`) made the
/// `kind` way, under a new name and code.
pub fn plant(
    rng: &mut impl Rng,
    doc: &mut SynthDocument,
    source: &Project,
    source_index: u64,
    kind: PlantKind,
) -> Plant {
    let mut copy = source.clone();
    copy.name = format!(
        "{}{}",
        random_text(rng, 4..=8),
        PROJECT_STEMS.choose(rng).expect("non-empty")
    );
    copy.code = project_code(rng, doc.division_code, doc.year);
    // Money in this document's unit: the copy is of the tables and texts.
    (copy.total, copy.fiscal, copy.other) = draw_amounts(rng, doc.wan_yuan);
    match kind {
        PlantKind::Exact => {}
        PlantKind::Reordered => {
            let original = copy.indicators.clone();
            copy.indicators.shuffle(rng);
            if copy.indicators.len() > 1 && copy.indicators == original {
                copy.indicators.rotate_left(1);
            }
        }
        PlantKind::Edited => {
            copy.purpose = edit(rng, &copy.purpose, 24);
            copy.goals = copy.goals.iter().map(|g| edit(rng, g, 24)).collect();
            let row = rng.random_range(0..copy.indicators.len());
            copy.indicators[row].description = edit(rng, &copy.indicators[row].description, 24);
        }
        PlantKind::Decoy => {
            copy.purpose = edit(rng, &copy.purpose, 4);
            copy.goals = copy.goals.iter().map(|g| edit(rng, g, 4)).collect();
            let fresh = indicators(rng, doc.cost_first_level, Vocabulary::Unique);
            let keep = copy.indicators.len() / 2;
            for (row, new) in copy.indicators.iter_mut().skip(keep).zip(fresh) {
                *row = new;
            }
            for row in copy.indicators.iter_mut().skip(keep) {
                row.description = edit(rng, &row.description, 4);
            }
        }
    }
    let rows = |p: &Project| -> std::collections::HashSet<(String, String, &'static str)> {
        p.indicators
            .iter()
            .map(|i| (i.name.clone(), i.description.clone(), i.target.raw))
            .collect()
    };
    let (before, after) = (rows(source), rows(&copy));
    let common = before.intersection(&after).count();
    let plant = Plant {
        kind,
        source_index,
        source_code: source.code.clone(),
        target_code: copy.code.clone(),
        table_similarity: common as f64 / (before.len() + after.len() - common).max(1) as f64,
    };
    doc.projects.push(copy);
    plant
}

/// `text` with one character in every `every` replaced by another: `len / every` edits
/// (at least one), one in each equal part of the text.
fn edit(rng: &mut impl Rng, text: &str, every: usize) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let edits = (len / every).max(1);
    for part in 0..edits {
        let at = rng.random_range(part * len / edits..((part + 1) * len / edits).max(1));
        let mut new = random_char(rng);
        while new == chars[at] {
            new = random_char(rng);
        }
        chars[at] = new;
    }
    chars.into_iter().collect()
}
