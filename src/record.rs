//! The seam between extractors and writers: records as ordered, typed values.
//!
//! An extractor fills plain structs declared with [`records!`]; a writer (or the golden
//! test renderer, or `inspect`) walks them through [`TableSink`] without knowing their
//! Rust types. Each struct's fields are checked against its table in `schemas/` before
//! any document is read.

use crate::schema::{Catalog, ColumnType};
use std::fmt;
use std::sync::Arc;

/// An amount of money in yuan, kept exact as a whole number of fen (hundredths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money {
    /// Hundredths of a yuan.
    pub fen: i128,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.fen < 0 { "-" } else { "" };
        let abs = self.fen.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// The kind of a record field, matched against the schema's column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text.
    Str,
    /// Integer (int32 or int64 columns).
    Int,
    /// Float.
    Float,
    /// Boolean.
    Bool,
    /// Money: a decimal column with scale 2.
    Money,
}

/// Text that many rows of a document repeat (its id, a project's code): copied by
/// reference count, not by allocation.
pub type SharedStr = std::sync::Arc<str>;

/// One field value of a record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// Text.
    Str(Option<&'a str>),
    /// Integer.
    Int(Option<i64>),
    /// Float.
    Float(Option<f64>),
    /// Boolean.
    Bool(Option<bool>),
    /// Money.
    Money(Option<Money>),
}

impl Value<'_> {
    /// Plain-text rendering: empty for null, `\t` and `\n` escaped.
    pub fn render(&self) -> String {
        match *self {
            Value::Str(Some(s)) => s
                .replace('\\', "\\\\")
                .replace('\t', "\\t")
                .replace('\n', "\\n"),
            Value::Int(Some(i)) => i.to_string(),
            Value::Float(Some(x)) => x.to_string(),
            Value::Bool(Some(b)) => b.to_string(),
            Value::Money(Some(m)) => m.to_string(),
            _ => String::new(),
        }
    }
}

/// Conversion of a field's Rust type into a [`Value`].
pub trait ToValue {
    /// Kind of value this type gives.
    const KIND: ValueKind;
    /// Whether this type can be null (is an `Option`).
    const NULLABLE: bool;
    /// The value.
    fn to_value(&self) -> Value<'_>;
}

macro_rules! to_value {
    ($ty:ty, $kind:ident, |$v:ident| $some:expr) => {
        impl ToValue for $ty {
            const KIND: ValueKind = ValueKind::$kind;
            const NULLABLE: bool = false;
            fn to_value(&self) -> Value<'_> {
                let $v = self;
                Value::$kind(Some($some))
            }
        }
        impl ToValue for Option<$ty> {
            const KIND: ValueKind = ValueKind::$kind;
            const NULLABLE: bool = true;
            fn to_value(&self) -> Value<'_> {
                Value::$kind(self.as_ref().map(|$v| $some))
            }
        }
    };
}

to_value!(String, Str, |v| v.as_str());
to_value!(SharedStr, Str, |v| &**v);
// Fields whose values come from a fixed set (an operator, a kind) need no copy.
to_value!(&'static str, Str, |v| *v);
to_value!(i32, Int, |v| i64::from(*v));
to_value!(i64, Int, |v| *v);
to_value!(f64, Float, |v| *v);
to_value!(bool, Bool, |v| *v);
to_value!(Money, Money, |v| *v);

/// A record: one row of one output table.
pub trait Record {
    /// Name of the table the record belongs to.
    const TABLE: &'static str;
    /// Field names, kinds and nullability, in column order.
    const FIELDS: &'static [(&'static str, ValueKind, bool)];
    /// Calls `visit` with each field's value, in column order. (Generic, not `dyn`: the
    /// writer's per-value closure is then inlined into every record type's visit.)
    fn visit<'a>(&'a self, visit: impl FnMut(Value<'a>));
}

/// Something that takes all records of one table at a time.
pub trait TableSink {
    /// The budget year of the document whose records follow (`None` when unknown).
    fn partition(&mut self, _year: Option<i32>) {}

    /// Takes the rows of one table (possibly none).
    fn rows<R: Record>(&mut self, rows: &[R]);

    /// Work the sink leaves for others to do off its own calls (compressing rows it was
    /// given), which the threads feeding it take on between documents; `None` if it
    /// leaves none.
    fn deferred_work(&self) -> Option<Arc<dyn DeferredWork>> {
        None
    }
}

/// Work a [`TableSink`] leaves for any thread with a moment to spare.
pub trait DeferredWork: Send + Sync {
    /// Does one piece of the work; false if there was none waiting.
    fn run_some(&self) -> bool;
}

/// Declares record structs and their [`Record`] implementations.
#[macro_export]
macro_rules! records {
    ($(
        $(#[$meta:meta])*
        $name:ident => $table:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $crate::record::Record for $name {
            const TABLE: &'static str = $table;
            const FIELDS: &'static [(&'static str, $crate::record::ValueKind, bool)] = &[
                $( (
                    stringify!($field),
                    <$ty as $crate::record::ToValue>::KIND,
                    <$ty as $crate::record::ToValue>::NULLABLE,
                ), )*
            ];
            fn visit<'a>(&'a self, mut visit: impl FnMut($crate::record::Value<'a>)) {
                $( visit($crate::record::ToValue::to_value(&self.$field)); )*
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_renders_exactly() {
        assert_eq!(Money { fen: 20_000_000 }.to_string(), "200000.00");
        assert_eq!(Money { fen: -5 }.to_string(), "-0.05");
    }
}

/// Checks the record types that `write_all` hands to its sink against `catalog`: same
/// columns in the same order, compatible types, nullability that agrees, and every table
/// of the catalog written. Returns every mismatch.
pub fn check_tables(
    catalog: &Catalog,
    write_all: impl FnOnce(&mut Checker<'_>),
) -> Result<(), Vec<String>> {
    let mut checker = Checker {
        catalog,
        seen: Vec::new(),
        errors: Vec::new(),
    };
    write_all(&mut checker);
    for table in &catalog.tables {
        if !checker.seen.contains(&table.name.as_str()) {
            checker
                .errors
                .push(format!("schema table `{}` is never written", table.name));
        }
    }
    if checker.errors.is_empty() {
        Ok(())
    } else {
        Err(checker.errors)
    }
}

/// Collects mismatches between record types and table definitions.
pub struct Checker<'c> {
    catalog: &'c Catalog,
    seen: Vec<&'static str>,
    errors: Vec<String>,
}

impl TableSink for Checker<'_> {
    fn rows<R: Record>(&mut self, _: &[R]) {
        self.seen.push(R::TABLE);
        let Some(table) = self.catalog.table(R::TABLE) else {
            self.errors
                .push(format!("records for `{}` have no schema", R::TABLE));
            return;
        };
        let schema_names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let record_names: Vec<&str> = R::FIELDS.iter().map(|f| f.0).collect();
        if schema_names != record_names {
            self.errors.push(format!(
                "`{}`: schema columns {schema_names:?} but record fields {record_names:?}",
                R::TABLE
            ));
            return;
        }
        for (column, (name, kind, nullable)) in table.columns.iter().zip(R::FIELDS) {
            if !kind_fits(*kind, column.kind) {
                self.errors.push(format!(
                    "`{}.{name}`: schema type {} cannot hold a {kind:?} field",
                    R::TABLE,
                    column.kind.name()
                ));
            }
            if column.nullable != *nullable {
                self.errors.push(format!(
                    "`{}.{name}`: schema nullable={} but record field nullable={nullable}",
                    R::TABLE,
                    column.nullable
                ));
            }
        }
    }
}

fn kind_fits(kind: ValueKind, column: ColumnType) -> bool {
    matches!(
        (kind, column),
        (ValueKind::Str, ColumnType::String)
            | (ValueKind::Int, ColumnType::Int32 | ColumnType::Int64)
            | (ValueKind::Float, ColumnType::Float64)
            | (ValueKind::Bool, ColumnType::Bool)
            | (ValueKind::Money, ColumnType::Decimal { scale: 2, .. })
    )
}

/// Renders tables as TSV text (header line, one line per record; nulls empty), for
/// `inspect` and for the corpus's expected outputs.
#[derive(Debug, Default)]
pub struct TsvTables {
    /// `(table name, TSV text)` in the order tables were given.
    pub tables: Vec<(&'static str, String)>,
}

impl TableSink for TsvTables {
    fn rows<R: Record>(&mut self, rows: &[R]) {
        let mut text = R::FIELDS.iter().map(|f| f.0).collect::<Vec<_>>().join("\t");
        text.push('\n');
        for row in rows {
            let mut cells = Vec::with_capacity(R::FIELDS.len());
            row.visit(|value: Value<'_>| cells.push(value.render()));
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
        self.tables.push((R::TABLE, text));
    }
}
