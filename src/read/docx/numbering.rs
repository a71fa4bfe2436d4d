//! Automatic list numbering (`word/numbering.xml`): which label (`1.`, `一、`, `（一）`) a
//! paragraph with `w:numPr` shows, so that the text matches what Word displays and exports.

use super::xml::{attr, local_name, val};
use crate::numerals::to_chinese;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

/// Maximum list levels in Word.
const LEVELS: usize = 9;

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: HashMap<usize, u32>,
}

/// The list definitions of a document.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    nums: HashMap<String, Num>,
}

/// Loads `word/numbering.xml`: its text, `None` when the document has none, or why it
/// cannot be read.
pub type LoadNumbering<'a> = Box<dyn FnOnce() -> Result<Option<String>, String> + 'a>;

/// `word/numbering.xml`, inflated and parsed the first time a paragraph asks for its list
/// label: most documents carry the file but never number a paragraph (parsing it cost 3%
/// of a whole DOCX run on the seed, inflating it another 1.7%).
pub struct LazyNumbering<'a> {
    load: Cell<Option<LoadNumbering<'a>>>,
    parsed: OnceCell<Numbering>,
    failure: OnceCell<String>,
}

impl<'a> LazyNumbering<'a> {
    pub fn new(load: LoadNumbering<'a>) -> LazyNumbering<'a> {
        LazyNumbering {
            load: Cell::new(Some(load)),
            parsed: OnceCell::new(),
            failure: OnceCell::new(),
        }
    }

    /// The list definitions; none when the file is missing or unreadable.
    pub fn get(&self) -> &Numbering {
        self.parsed
            .get_or_init(|| match self.load.take().map(|load| load()) {
                Some(Ok(Some(xml))) => Numbering::parse(&xml),
                Some(Err(error)) => {
                    let _ = self.failure.set(error);
                    Numbering::default()
                }
                Some(Ok(None)) | None => Numbering::default(),
            })
    }

    /// Why the file could not be read, once a paragraph needed it.
    pub fn failure(&self) -> Option<&str> {
        self.failure.get().map(String::as_str)
    }
}

/// Running counters while a document is read.
#[derive(Debug, Default)]
pub struct Counters {
    by_abstract: HashMap<String, [u32; LEVELS]>,
    overrides_applied: Vec<String>,
}

impl Numbering {
    /// Parses `word/numbering.xml`. Unreadable definitions are skipped, not fatal.
    pub fn parse(xml: &str) -> Numbering {
        let mut reader = Reader::from_str(xml);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut num_id: Option<String> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => match local_name(e.name().into_inner()) {
                    "abstractNum" => abstract_id = attr(&e, "abstractNumId"),
                    "lvl" if abstract_id.is_some() => {
                        let ilvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((
                            ilvl,
                            Level {
                                start: 1,
                                ..Level::default()
                            },
                        ));
                    }
                    "start" => {
                        if let Some((_, l)) = &mut level {
                            l.start = val(&e).and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "numFmt" => {
                        if let Some((_, l)) = &mut level {
                            l.format = val(&e).unwrap_or_default();
                        }
                    }
                    "lvlText" => {
                        if let Some((_, l)) = &mut level {
                            l.text = val(&e).unwrap_or_default();
                        }
                    }
                    "num" => num_id = attr(&e, "numId"),
                    "abstractNumId" => {
                        if let Some(id) = &num_id {
                            let entry = numbering.nums.entry(id.clone()).or_default();
                            entry.abstract_id = val(&e).unwrap_or_default();
                        }
                    }
                    "lvlOverride" => override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok()),
                    "startOverride" => {
                        if let (Some(id), Some(ilvl)) = (&num_id, override_level) {
                            let start = val(&e).and_then(|v| v.parse().ok()).unwrap_or(1);
                            numbering
                                .nums
                                .entry(id.clone())
                                .or_default()
                                .start_overrides
                                .insert(ilvl, start);
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match local_name(e.name().into_inner()) {
                    "lvl" => {
                        if let (Some(id), Some((ilvl, l))) = (&abstract_id, level.take()) {
                            let levels = numbering.abstracts.entry(id.clone()).or_default();
                            if levels.len() <= ilvl {
                                levels.resize(ilvl + 1, Level::default());
                            }
                            levels[ilvl] = l;
                        }
                    }
                    "abstractNum" => abstract_id = None,
                    "num" => num_id = None,
                    "lvlOverride" => override_level = None,
                    _ => {}
                },
                _ => {}
            }
        }
        numbering
    }

    /// The label of the next paragraph in list `num_id` at level `ilvl`, advancing the
    /// counters; `None` for bullets, unknown lists and `numId` 0 (numbering removed).
    pub fn next_label(&self, counters: &mut Counters, num_id: &str, ilvl: usize) -> Option<String> {
        let num = self.nums.get(num_id)?;
        let levels = self.abstracts.get(&num.abstract_id)?;
        let ilvl = ilvl.min(LEVELS - 1);
        let level = levels.get(ilvl)?;
        if level.format == "bullet" {
            return None;
        }
        let counts = counters
            .by_abstract
            .entry(num.abstract_id.clone())
            .or_insert([0; LEVELS]);
        if !num.start_overrides.is_empty()
            && !counters.overrides_applied.iter().any(|n| n == num_id)
        {
            counters.overrides_applied.push(num_id.to_string());
            for (l, start) in &num.start_overrides {
                if *l < LEVELS {
                    counts[*l] = start.saturating_sub(1);
                }
            }
        }
        let start = |l: usize| levels.get(l).map_or(1, |lv| lv.start);
        counts[ilvl] = if counts[ilvl] == 0 {
            start(ilvl)
        } else {
            counts[ilvl] + 1
        };
        for deeper in counts.iter_mut().skip(ilvl + 1) {
            *deeper = 0;
        }
        let mut label = level.text.clone();
        for (l, count) in counts.iter().enumerate().take(ilvl + 1) {
            let placeholder = format!("%{}", l + 1);
            if label.contains(&placeholder) {
                let value = if *count == 0 { start(l) } else { *count };
                let format = levels.get(l).map_or("decimal", |lv| lv.format.as_str());
                label = label.replace(&placeholder, &format_number(value, format));
            }
        }
        Some(label)
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographDigital"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => to_chinese(n),
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or(n.to_string(), |c| c.to_string())
        }
        "none" => String::new(),
        _ => n.to_string(),
    }
}

fn letter(n: u32, base: u8) -> String {
    let index = (n.max(1) - 1) % 26;
    let repeat = (n.max(1) - 1) / 26 + 1;
    ((base + index as u8) as char)
        .to_string()
        .repeat(repeat as usize)
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
    </w:numbering>"#;

    #[test]
    fn chinese_outline_and_decimal_lists() {
        let numbering = Numbering::parse(XML);
        let mut c = Counters::default();
        let mut next = |id: &str, l: usize| numbering.next_label(&mut c, id, l);
        assert_eq!(next("1", 0).as_deref(), Some("一、"));
        assert_eq!(next("1", 1).as_deref(), Some("（一）"));
        assert_eq!(next("1", 1).as_deref(), Some("（二）"));
        assert_eq!(next("1", 0).as_deref(), Some("二、"));
        assert_eq!(
            next("1", 1).as_deref(),
            Some("（一）"),
            "deeper levels restart"
        );
        assert_eq!(next("2", 0).as_deref(), Some("1."));
        assert_eq!(next("2", 0).as_deref(), Some("2."));
        assert_eq!(
            next("3", 0).as_deref(),
            Some("1."),
            "a start override restarts the list"
        );
        assert_eq!(next("0", 0), None);
    }
}
