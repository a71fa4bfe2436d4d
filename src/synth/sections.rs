//! The parts of a synthetic document around its project tables: the table of contents,
//! the department's duties (分项绩效目标) and its safeguard measures (工作保障措施).
//!
//! They are drawn from a random stream of their own, so that adding them left every
//! project, indicator and plant of a seed's documents as it was.

use super::model::SynthDocument;
use crate::numerals::to_chinese;
use rand::seq::IndexedRandom;
use rand::Rng;

/// The heading of part one, in the contents and in the body.
pub const PART_ONE: &str = "第一部分 部门整体绩效目标";
/// The heading of part two.
pub const PART_TWO: &str = "第二部分 预算项目绩效目标";

/// How the table of contents is printed, if there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TocStyle {
    /// No table of contents.
    #[default]
    Absent,
    /// As Word's "save as text" prints it: the page glued in front of the entry number
    /// (`61.纪委…绩效目标表` = page 6, entry 1).
    PageFirst,
    /// The page after dot leaders (`1.纪委…绩效目标表……6`).
    Leaders,
}

/// A labelled paragraph's label, in one of the wordings the vocabulary knows.
pub type Label = &'static str;

/// One of the department's duties.
#[derive(Debug, Clone)]
pub struct Duty {
    pub name: &'static str,
    pub main_duty: (Label, &'static str),
    pub duty_goal: (Label, &'static str),
    pub performance_goal: (Label, &'static str),
    /// Its indicators: name and standard.
    pub indicators: Vec<(&'static str, &'static str)>,
    /// What joins an indicator's name to its standard (`，绩效标准为`).
    pub standard_separator: &'static str,
}

/// A top-level safeguard measure with its sub-items.
#[derive(Debug, Clone)]
pub struct Measure {
    pub title: &'static str,
    pub items: Vec<MeasureItem>,
}

/// A sub-item (`（一）…`): a title sentence, maybe body text in the same paragraph, and
/// maybe paragraphs of its own after it.
#[derive(Debug, Clone)]
pub struct MeasureItem {
    pub title: &'static str,
    pub inline_body: Option<&'static str>,
    pub more: Vec<&'static str>,
}

impl MeasureItem {
    /// The body the extractor must give: the inline text and each paragraph after it,
    /// a line each.
    pub fn body(&self) -> Option<String> {
        let lines: Vec<&str> = self
            .inline_body
            .iter()
            .copied()
            .chain(self.more.iter().copied())
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    }
}

/// The sections a document has besides its overall goal and its projects.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    pub toc: TocStyle,
    pub duties: Vec<Duty>,
    pub measures: Vec<Measure>,
}

const DUTY_NAMES: &[&str] = &[
    "纪检监察专项业务",
    "廉政文化建设",
    "协助上级协办大案要案",
    "基础教育管理",
    "公共卫生服务",
    "社会救助",
    "道路运输管理",
    "农田水利建设",
    "文化遗产保护",
    "安全生产监管",
];
const MAIN_DUTIES: &[&str] = &[
    "组织协调全区相关工作；承担领导小组办公室的日常工作；负责本系统干部教育培训工作。",
    "加强特色文化宣传力度，筑牢拒腐防变的思想防线。",
    "贯彻执行国家有关方针政策和法律法规，拟订全区发展规划并组织实施。",
    "负责辖区内公共服务的组织、协调和监督管理工作。",
];
const DUTY_GOALS: &[&str] = &[
    "积极发挥职能作用，营造风清气正、干事创业的工作氛围；确保各项工作顺利开展。",
    "深挖教育内涵，着力打造品牌展馆。",
    "提升公共服务水平，满足群众“急难愁盼”需求。",
];
const PERFORMANCE_GOALS: &[&str] = &[
    "高效利用资金，充分保障各项事务顺利进行。",
    "形成有地方特色的文化品牌。",
    "按时完成年度工作任务，群众满意度稳步提高。",
];
/// Indicator names and standards; a standard may hold a `；` of its own (a formula in
/// two parts), which must not split it.
const DUTY_INDICATORS: &[(&str, &str)] = &[
    ("综合事务保障率", "反映保障正常运转情况"),
    ("车辆保障率", "反映办案车辆保障情况"),
    (
        "提升公众知晓度",
        "实际参观总人数÷居民总人数×100％；居民熟悉及较熟悉人数÷调查问卷总数×100％",
    ),
    ("讲解员讲解次数", "实际讲解员讲解次数"),
    ("人均办案经费利用率", "办案总经费÷总人数"),
    (
        "装备购置完成率",
        "(实际购置的装备数量÷计划购置的装备数量)×100％",
    ),
    ("培训覆盖率", "参训人数÷应训人数×100%"),
    ("资金到位率", "到位资金÷计划资金×100%"),
];
const MEASURE_TITLES: &[&str] = &[
    "层层传导压力、强化督责问责，压实管党治党的政治责任",
    "加强组织领导，落实工作责任",
    "健全管理制度，规范资金使用",
    "强化绩效监控，确保目标实现",
    "加强队伍建设，提升履职能力",
    "推进信息公开，自觉接受监督",
];
const ITEM_TITLES: &[&str] = &[
    "高站位履责，以上率下",
    "清单式明责，厘清责任",
    "明确重点有的放矢",
    "严格预算执行",
    "完善内控制度",
    "定期开展自查",
];
const ITEM_BODIES: &[&str] = &[
    "坚决落实主体责任，坚持同部署、同落实、同检查、同考核。",
    "推行责任清单管理制度，确保履责有依、问责有据。",
    "对资金使用情况实行台账管理，实现常态化、制度化管理。",
    "发现问题及时整改，做到“事事有回音、件件有着落”。",
];

fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    *items.choose(rng).expect("non-empty")
}

/// Draws a document's sections.
pub fn draw(rng: &mut impl Rng) -> Sections {
    let toc = match rng.random_range(0..10) {
        0..=1 => TocStyle::Absent,
        2..=7 => TocStyle::PageFirst,
        _ => TocStyle::Leaders,
    };
    let duties = if rng.random_bool(0.85) {
        let n = rng.random_range(1..=4);
        DUTY_NAMES
            .choose_multiple(rng, n)
            .map(|&name| duty(rng, name))
            .collect()
    } else {
        Vec::new()
    };
    let measures = if rng.random_bool(0.85) {
        (0..rng.random_range(1..=5))
            .map(|_| Measure {
                title: pick(rng, MEASURE_TITLES),
                items: (0..rng.random_range(1..=4))
                    .map(|_| MeasureItem {
                        title: pick(rng, ITEM_TITLES),
                        inline_body: rng.random_bool(0.6).then(|| pick(rng, ITEM_BODIES)),
                        more: (0..rng.random_range(0..=1))
                            .map(|_| pick(rng, ITEM_BODIES))
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Sections {
        toc,
        duties,
        measures,
    }
}

fn duty(rng: &mut impl Rng, name: &'static str) -> Duty {
    let n_indicators = rng.random_range(1..=4);
    Duty {
        name,
        main_duty: (
            pick(rng, &["主要职责是", "主要职责为"]),
            pick(rng, MAIN_DUTIES),
        ),
        duty_goal: (
            pick(rng, &["职责目标是", "职责目标为"]),
            pick(rng, DUTY_GOALS),
        ),
        performance_goal: (
            pick(rng, &["绩效目标是", "绩效目标为"]),
            pick(rng, PERFORMANCE_GOALS),
        ),
        indicators: DUTY_INDICATORS
            .choose_multiple(rng, n_indicators)
            .copied()
            .collect(),
        standard_separator: pick(rng, &["，绩效标准为", "，绩效标准是"]),
    }
}

/// An entry of the table of contents.
#[derive(Debug, Clone)]
pub struct ContentsEntry {
    /// The part it is listed under, as printed.
    pub part: &'static str,
    /// The heading's outline number (`一`, `1`).
    pub number: String,
    /// The heading without its number.
    pub title: String,
    pub page: i32,
    /// The TC field list the heading is in (A: part one's sections, C: projects).
    pub list: &'static str,
}

impl ContentsEntry {
    /// The heading as the body prints it: `一、总体绩效目标`, `1.车辆保险费绩效目标表`.
    pub fn heading(&self) -> String {
        let separator = if self.list == "A" { "、" } else { "." };
        format!("{}{separator}{}", self.number, self.title)
    }

    /// The entry as the contents print it in `style`.
    pub fn printed(&self, style: TocStyle) -> String {
        match style {
            TocStyle::Leaders => format!("{}……{}", self.heading(), self.page),
            TocStyle::PageFirst | TocStyle::Absent => format!("{}{}", self.page, self.heading()),
        }
    }
}

/// A section of part one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    OverallGoal,
    Duties,
    Safeguards,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::OverallGoal => "总体绩效目标",
            Section::Duties => "分项绩效目标",
            Section::Safeguards => "工作保障措施",
        }
    }

    /// The section's paragraphs under its heading, as printed.
    pub fn paragraphs(self, doc: &SynthDocument) -> Vec<String> {
        match self {
            Section::OverallGoal => vec![doc.overall_goal.clone()],
            Section::Duties => duty_paragraphs(doc),
            Section::Safeguards => safeguard_paragraphs(&doc.sections.measures),
        }
    }
}

/// 分项绩效目标: a sentence that counts the duties, then each duty: its name, its three
/// labelled paragraphs and its indicators (`绩效指标一是X，绩效标准为Y；二是…。`).
fn duty_paragraphs(doc: &SynthDocument) -> Vec<String> {
    let duties = &doc.sections.duties;
    let count = to_chinese(duties.len() as u32);
    let mut out = vec![format!(
        "本年度{}{}职责共分{count}项，下面就这{count}项职责分别说明：",
        doc.region, doc.department
    )];
    for (i, duty) in duties.iter().enumerate() {
        out.push(format!("{}、{}", to_chinese(i as u32 + 1), duty.name));
        for (label, text) in [duty.main_duty, duty.duty_goal, duty.performance_goal] {
            out.push(format!("{label}{text}"));
        }
        let items: Vec<String> = duty
            .indicators
            .iter()
            .enumerate()
            .map(|(k, (name, standard))| {
                let separator = duty.standard_separator;
                format!("{}是{name}{separator}{standard}", to_chinese(k as u32 + 1))
            })
            .collect();
        out.push(format!("绩效指标{}。", items.join("；")));
    }
    out
}

/// 工作保障措施: a lead-in, then each measure (`一、…`) and its items (`（一）…。…`),
/// some with paragraphs of their own after them.
fn safeguard_paragraphs(measures: &[Measure]) -> Vec<String> {
    let mut out = vec!["实现年度绩效目标的保障措施：".to_string()];
    for (i, measure) in measures.iter().enumerate() {
        out.push(format!("{}、{}", to_chinese(i as u32 + 1), measure.title));
        for (j, item) in measure.items.iter().enumerate() {
            let body = item.inline_body.unwrap_or_default();
            out.push(format!(
                "（{}）{}。{body}",
                to_chinese(j as u32 + 1),
                item.title
            ));
            out.extend(item.more.iter().map(|text| text.to_string()));
        }
    }
    out
}

/// Part one's sections with their outline numbers: the overall goal, then the duties and
/// the safeguards where the document has them.
pub fn part_one_sections(doc: &SynthDocument) -> Vec<(String, Section)> {
    let mut sections = vec![Section::OverallGoal];
    if !doc.sections.duties.is_empty() {
        sections.push(Section::Duties);
    }
    if !doc.sections.measures.is_empty() {
        sections.push(Section::Safeguards);
    }
    sections
        .into_iter()
        .enumerate()
        .map(|(i, section)| (to_chinese(i as u32 + 1), section))
        .collect()
}

/// The entries of the table of contents, with the page each heading is on: the overall
/// goal and the duties on page 1, the safeguards after the duties (two to a page), the
/// projects after them, each taking a page for every ten indicator rows begun.
pub fn contents(doc: &SynthDocument) -> Vec<ContentsEntry> {
    let sections = &doc.sections;
    let mut entries = Vec::new();
    let mut page = 1;
    for (number, section) in part_one_sections(doc) {
        if section == Section::Safeguards {
            page += (sections.duties.len() as i32 + 1) / 2;
        }
        entries.push(ContentsEntry {
            part: PART_ONE,
            number,
            title: section.title().to_string(),
            page,
            list: "A",
        });
    }
    page += 1 + sections.measures.len() as i32 / 2;
    for (i, project) in doc.projects.iter().enumerate() {
        entries.push(ContentsEntry {
            part: PART_TWO,
            number: (i + 1).to_string(),
            title: format!("{}绩效目标表", project.name),
            page,
            list: "C",
        });
        page += 1 + project.indicators.len() as i32 / 10;
    }
    entries
}
