//! Table definitions: `schemas/*.toml` loaded into checked structs.
//!
//! These files are the single source of the output tables: the writer builds Parquet
//! columns from them, `jixiao schema` prints them, and the data dictionary is generated
//! from them. They are compiled into the binary so that it works from any directory.

use serde::Deserialize;
use std::fmt::Write as _;

/// The definitions as shipped: `(file name, contents)`.
const SCHEMA_FILES: &[(&str, &str)] = &[
    (
        "documents.toml",
        include_str!("../../schemas/documents.toml"),
    ),
    (
        "toc_entries.toml",
        include_str!("../../schemas/toc_entries.toml"),
    ),
    (
        "paragraphs.toml",
        include_str!("../../schemas/paragraphs.toml"),
    ),
    ("duties.toml", include_str!("../../schemas/duties.toml")),
    (
        "duty_indicators.toml",
        include_str!("../../schemas/duty_indicators.toml"),
    ),
    (
        "safeguards.toml",
        include_str!("../../schemas/safeguards.toml"),
    ),
    ("projects.toml", include_str!("../../schemas/projects.toml")),
    (
        "spending_plan.toml",
        include_str!("../../schemas/spending_plan.toml"),
    ),
    (
        "project_goals.toml",
        include_str!("../../schemas/project_goals.toml"),
    ),
    (
        "indicators.toml",
        include_str!("../../schemas/indicators.toml"),
    ),
    (
        "diagnostics.toml",
        include_str!("../../schemas/diagnostics.toml"),
    ),
];
const DATASET_FILE: &str = include_str!("../../schemas/dataset.toml");

/// The tables of `jixiao dups`, written under `DIR/dups/`.
const DUPS_FILES: &[(&str, &str)] = &[
    (
        "row_groups.toml",
        include_str!("../../schemas/dups/row_groups.toml"),
    ),
    (
        "table_clusters.toml",
        include_str!("../../schemas/dups/table_clusters.toml"),
    ),
    (
        "text_clusters.toml",
        include_str!("../../schemas/dups/text_clusters.toml"),
    ),
    ("flags.toml", include_str!("../../schemas/dups/flags.toml")),
];
const DUPS_DATASET_FILE: &str = include_str!("../../schemas/dups/dataset.toml");

/// A column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text.
    String,
    /// 32-bit integer.
    Int32,
    /// 64-bit integer.
    Int64,
    /// 64-bit float.
    Float64,
    /// Boolean.
    Bool,
    /// Exact decimal with `precision` digits, `scale` of them after the point.
    Decimal {
        /// Total digits.
        precision: u8,
        /// Digits after the point.
        scale: u8,
    },
}

impl ColumnType {
    fn parse(text: &str) -> Result<ColumnType, String> {
        let simple = match text {
            "string" => Some(ColumnType::String),
            "int32" => Some(ColumnType::Int32),
            "int64" => Some(ColumnType::Int64),
            "float64" => Some(ColumnType::Float64),
            "bool" => Some(ColumnType::Bool),
            _ => None,
        };
        if let Some(t) = simple {
            return Ok(t);
        }
        let inner = text
            .strip_prefix("decimal(")
            .and_then(|t| t.strip_suffix(')'))
            .ok_or_else(|| format!("unknown column type `{text}`"))?;
        let (p, s) = inner
            .split_once(',')
            .ok_or_else(|| format!("decimal type `{text}` needs (precision,scale)"))?;
        let precision: u8 = p
            .trim()
            .parse()
            .map_err(|_| format!("bad precision in `{text}`"))?;
        let scale: u8 = s
            .trim()
            .parse()
            .map_err(|_| format!("bad scale in `{text}`"))?;
        if precision == 0 || precision > 38 || scale > precision {
            return Err(format!("decimal type `{text}` out of range"));
        }
        Ok(ColumnType::Decimal { precision, scale })
    }

    /// Name as written in the schema files.
    pub fn name(&self) -> String {
        match self {
            ColumnType::String => "string".into(),
            ColumnType::Int32 => "int32".into(),
            ColumnType::Int64 => "int64".into(),
            ColumnType::Float64 => "float64".into(),
            ColumnType::Bool => "bool".into(),
            ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataset {
    version: String,
    tables: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    name: String,
    description: String,
    columns: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default = "default_nullable")]
    nullable: bool,
    meaning: String,
    label: Option<String>,
    encoding: Option<String>,
    #[serde(default)]
    values: Vec<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    value: String,
    meaning: String,
}

fn default_nullable() -> bool {
    true
}

/// One column of an output table.
#[derive(Debug, Clone)]
pub struct Column {
    /// snake_case name.
    pub name: String,
    /// Type.
    pub kind: ColumnType,
    /// Whether nulls are allowed.
    pub nullable: bool,
    /// What the column means.
    pub meaning: String,
    /// The Chinese label it comes from in the source, where there is one.
    pub label: Option<String>,
    /// How its values are laid out in the Parquet files.
    pub encoding: Encoding,
    /// The values a code column takes, each with its meaning (empty for other columns).
    pub values: Vec<(String, String)>,
}

/// How a column's values are laid out in the Parquet files: a storage choice, invisible to
/// readers, that decides file size and the writer's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Each distinct value once per row group, rows pointing to it: for labels,
    /// categories, boilerplate and small integers. The default for strings and integers.
    Dictionary,
    /// Values as they are: for identifiers and text that rarely repeats within a row
    /// group (zstd still folds a value repeated over neighbouring rows). The default for
    /// floats, decimals and booleans.
    Plain,
}

impl Encoding {
    fn parse(text: Option<&str>, kind: ColumnType) -> Result<Encoding, String> {
        match text {
            Some("dictionary") => Ok(Encoding::Dictionary),
            Some("plain") => Ok(Encoding::Plain),
            Some(other) => Err(format!("unknown encoding `{other}` (dictionary or plain)")),
            None => Ok(match kind {
                ColumnType::String | ColumnType::Int32 | ColumnType::Int64 => Encoding::Dictionary,
                ColumnType::Float64 | ColumnType::Bool | ColumnType::Decimal { .. } => {
                    Encoding::Plain
                }
            }),
        }
    }
}

/// One output table.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// Name, also the output directory name.
    pub name: String,
    /// What one row is.
    pub description: String,
    /// Columns in output order.
    pub columns: Vec<Column>,
}

impl TableDef {
    /// Index of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// All output tables and the dataset version.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Schema version, written into every Parquet file's metadata.
    pub version: String,
    /// Tables in listing order.
    pub tables: Vec<TableDef>,
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn builtin() -> Catalog {
        Catalog::from_sources(DATASET_FILE, SCHEMA_FILES).expect("built-in schemas are valid")
    }

    /// The catalog of `jixiao dups`' tables.
    pub fn dups() -> Catalog {
        Catalog::from_sources(DUPS_DATASET_FILE, DUPS_FILES)
            .expect("built-in dups schemas are valid")
    }

    /// Builds a catalog from the dataset file and the table files, checking them.
    pub fn from_sources(dataset: &str, files: &[(&str, &str)]) -> Result<Catalog, String> {
        let dataset: RawDataset =
            toml::from_str(dataset).map_err(|e| format!("dataset.toml: {e}"))?;
        let mut defs = Vec::new();
        for (file, text) in files {
            let raw: RawTable = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
            defs.push(build_table(raw).map_err(|e| format!("{file}: {e}"))?);
        }
        let mut tables = Vec::new();
        for name in &dataset.tables {
            let pos = defs
                .iter()
                .position(|t| &t.name == name)
                .ok_or_else(|| format!("dataset.toml lists `{name}`, which has no schema file"))?;
            tables.push(defs.swap_remove(pos));
        }
        if let Some(extra) = defs.first() {
            return Err(format!(
                "table `{}` is not listed in dataset.toml",
                extra.name
            ));
        }
        Ok(Catalog {
            version: dataset.version,
            tables,
        })
    }

    /// A table by name.
    pub fn table(&self, name: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The data dictionary as Markdown: `extract`'s tables, then `dups`' tables.
    pub fn dictionary() -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# jixiao data dictionary\n");
        let builtin = Catalog::builtin();
        let _ = writeln!(
            out,
            "Generated by `jixiao schema --markdown` from `schemas/` (schema version {}). \
             Each table is a directory of Parquet files under the output directory, \
             partitioned by `year` (Hive style: `year=2021/`; rows of documents without a \
             year in `year=__HIVE_DEFAULT_PARTITION__/`, read back as null).\n",
            builtin.version
        );
        out.push_str(&builtin.markdown_tables("##"));
        let _ = writeln!(
            out,
            "## Written by `jixiao dups DIR`\n\nUnder `DIR/dups/`, not partitioned (schema version {}).\n",
            Catalog::dups().version
        );
        out.push_str(&Catalog::dups().markdown_tables("###"));
        out
    }

    /// Each table as a Markdown section with `heading` level.
    fn markdown_tables(&self, heading: &str) -> String {
        let mut out = String::new();
        for table in &self.tables {
            let _ = writeln!(out, "{heading} `{}`\n\n{}\n", table.name, table.description);
            let _ = writeln!(out, "| column | type | null | meaning | source label |");
            let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
            for c in &table.columns {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} |",
                    c.name,
                    c.kind.name(),
                    if c.nullable { "yes" } else { "no" },
                    c.meaning.replace('|', "\\|"),
                    c.label.as_deref().unwrap_or("").replace('|', "\\|"),
                );
            }
            out.push('\n');
            for c in table.columns.iter().filter(|c| !c.values.is_empty()) {
                let _ = writeln!(out, "Values of `{}`:\n", c.name);
                let _ = writeln!(out, "| value | meaning |");
                let _ = writeln!(out, "| --- | --- |");
                for (value, meaning) in &c.values {
                    let _ = writeln!(out, "| `{value}` | {} |", meaning.replace('|', "\\|"));
                }
                out.push('\n');
            }
        }
        out
    }

    /// A plain-text listing of `extract`'s and `dups`' tables for the terminal.
    pub fn full_listing() -> String {
        format!(
            "{}\ndups tables (written by `jixiao dups`):\n{}",
            Catalog::builtin().listing(),
            Catalog::dups().listing()
        )
    }

    /// A plain-text listing for the terminal.
    pub fn listing(&self) -> String {
        let mut out = format!("schema version {}\n", self.version);
        for table in &self.tables {
            let _ = writeln!(out, "\n{} — {}", table.name, table.description);
            for c in &table.columns {
                let label = c
                    .label
                    .as_deref()
                    .map(|l| format!(" [{l}]"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {:<18} {:<14}{} {}{}",
                    c.name,
                    c.kind.name(),
                    if c.nullable { " " } else { "!" },
                    c.meaning,
                    label
                );
            }
        }
        out
    }
}

fn build_table(raw: RawTable) -> Result<TableDef, String> {
    let mut columns: Vec<Column> = Vec::new();
    for c in raw.columns {
        if columns.iter().any(|seen| seen.name == c.name) {
            return Err(format!("column `{}` is defined twice", c.name));
        }
        let kind = ColumnType::parse(&c.kind).map_err(|e| format!("column `{}`: {e}", c.name))?;
        let encoding = Encoding::parse(c.encoding.as_deref(), kind)
            .map_err(|e| format!("column `{}`: {e}", c.name))?;
        let mut values: Vec<(String, String)> = Vec::new();
        for v in c.values {
            if values.iter().any(|(seen, _)| *seen == v.value) {
                return Err(format!(
                    "column `{}`: value `{}` is defined twice",
                    c.name, v.value
                ));
            }
            values.push((v.value, v.meaning));
        }
        columns.push(Column {
            name: c.name,
            kind,
            nullable: c.nullable,
            meaning: c.meaning,
            label: c.label,
            encoding,
            values,
        });
    }
    Ok(TableDef {
        name: raw.name,
        description: raw.description,
        columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads_every_listed_table() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.tables.len(), SCHEMA_FILES.len());
        assert!(catalog
            .table("indicators")
            .unwrap()
            .column_index("value_raw")
            .is_some());
    }

    #[test]
    fn unknown_keys_and_types_are_refused() {
        let dataset = "version = \"1\"\ntables = [\"t\"]";
        let bad_key = "name = \"t\"\ndescription = \"d\"\ncolour = 1\ncolumns = []";
        assert!(Catalog::from_sources(dataset, &[("t.toml", bad_key)]).is_err());
        let bad_type = "name = \"t\"\ndescription = \"d\"\n[[columns]]\nname = \"a\"\ntype = \"text\"\nmeaning = \"m\"";
        let err = Catalog::from_sources(dataset, &[("t.toml", bad_type)]).unwrap_err();
        assert!(err.contains("unknown column type"), "{err}");
    }

    #[test]
    fn encodings_default_by_type_and_can_be_declared() {
        let dataset = "version = \"1\"\ntables = [\"t\"]";
        let column = |name: &str, kind: &str, encoding: &str| {
            format!(
                "[[columns]]\nname = \"{name}\"\ntype = \"{kind}\"\nmeaning = \"m\"\n{encoding}\n"
            )
        };
        let table = format!(
            "name = \"t\"\ndescription = \"d\"\n{}{}{}{}",
            column("label", "string", ""),
            column("id", "string", "encoding = \"plain\""),
            column("amount", "decimal(20,2)", ""),
            column("count", "int32", "")
        );
        let catalog = Catalog::from_sources(dataset, &[("t.toml", &table)]).unwrap();
        let encodings: Vec<Encoding> = catalog.tables[0]
            .columns
            .iter()
            .map(|c| c.encoding)
            .collect();
        use Encoding::{Dictionary, Plain};
        assert_eq!(encodings, [Dictionary, Plain, Plain, Dictionary]);

        let unknown = format!(
            "name = \"t\"\ndescription = \"d\"\n{}",
            column("id", "string", "encoding = \"delta\"")
        );
        let err = Catalog::from_sources(dataset, &[("t.toml", &unknown)]).unwrap_err();
        assert!(
            err.contains("column `id`: unknown encoding `delta`"),
            "{err}"
        );
    }

    #[test]
    fn a_code_column_lists_its_values_once_each() {
        let dataset = "version = \"1\"\ntables = [\"t\"]";
        let table = |values: &str| {
            format!("name = \"t\"\ndescription = \"d\"\n[[columns]]\nname = \"code\"\ntype = \"string\"\nmeaning = \"m\"\nvalues = [{values}]\n")
        };
        let two = table(
            "{ value = \"a\", meaning = \"first\" }, { value = \"b\", meaning = \"second\" }",
        );
        let catalog = Catalog::from_sources(dataset, &[("t.toml", &two)]).unwrap();
        let values = &catalog.tables[0].columns[0].values;
        assert_eq!(values[1], ("b".to_string(), "second".to_string()));
        assert!(catalog.markdown_tables("##").contains("| `b` | second |"));
        let twice = table("{ value = \"a\", meaning = \"m\" }, { value = \"a\", meaning = \"m\" }");
        let err = Catalog::from_sources(dataset, &[("t.toml", &twice)]).unwrap_err();
        assert!(err.contains("value `a` is defined twice"), "{err}");
    }

    #[test]
    fn decimal_types_parse() {
        assert_eq!(
            ColumnType::parse("decimal(20,2)"),
            Ok(ColumnType::Decimal {
                precision: 20,
                scale: 2
            })
        );
        assert!(ColumnType::parse("decimal(2,5)").is_err());
    }
}
