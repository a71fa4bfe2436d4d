//! The seam between extractors and writers: records as ordered, typed values.
//!
//! An extractor fills plain structs declared with [`records!`]; a writer (or the golden
//! test renderer, or `inspect`) walks them through [`TableSink`] without knowing their
//! Rust types. Each struct's fields are checked against its table in `schemas/` before
//! any document is read.

use std::fmt;

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
    /// Calls `visit` with each field's value, in column order.
    fn visit<'a>(&'a self, visit: &mut dyn FnMut(Value<'a>));
}

/// Something that takes all records of one table at a time.
pub trait TableSink {
    /// The budget year of the document whose records follow (`None` when unknown).
    fn partition(&mut self, _year: Option<i32>) {}

    /// Takes the rows of one table (possibly none).
    fn rows<R: Record>(&mut self, rows: &[R]);
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
            fn visit<'a>(&'a self, visit: &mut dyn FnMut($crate::record::Value<'a>)) {
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
            row.visit(&mut |value| cells.push(value.render()));
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
        self.tables.push((R::TABLE, text));
    }
}
