//! Typed column buffers: values pushed one at a time, taken as a polars column.

use crate::record::Value;
use crate::schema::ColumnType;
use polars::prelude::{
    Column, IntoColumn, IntoSeries, NamedFrom, PolarsResult, Series, StringChunkedBuilder,
};

/// One column's values, typed by its schema type.
pub(super) enum ColumnBuffer {
    /// Strings go straight into polars' view buffers: no intermediate `String` per value.
    Str(StringChunkedBuilder),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
    Float64(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Decimal {
        values: Vec<Option<i128>>,
        precision: u8,
        scale: u8,
    },
}

impl ColumnBuffer {
    pub(super) fn new(kind: ColumnType) -> ColumnBuffer {
        match kind {
            ColumnType::String => ColumnBuffer::Str(StringChunkedBuilder::new("".into(), 0)),
            ColumnType::Int32 => ColumnBuffer::Int32(Vec::new()),
            ColumnType::Int64 => ColumnBuffer::Int64(Vec::new()),
            ColumnType::Float64 => ColumnBuffer::Float64(Vec::new()),
            ColumnType::Bool => ColumnBuffer::Bool(Vec::new()),
            ColumnType::Decimal { precision, scale } => ColumnBuffer::Decimal {
                values: Vec::new(),
                precision,
                scale,
            },
        }
    }

    /// Appends a value. Kinds were checked against the schema before the run, so a
    /// mismatch here is a programming error.
    pub(super) fn push(&mut self, value: Value<'_>) {
        match (self, value) {
            (ColumnBuffer::Str(v), Value::Str(s)) => v.append_option(s),
            (ColumnBuffer::Int32(v), Value::Int(i)) => {
                v.push(i.and_then(|i| i32::try_from(i).ok()))
            }
            (ColumnBuffer::Int64(v), Value::Int(i)) => v.push(i),
            (ColumnBuffer::Float64(v), Value::Float(x)) => v.push(x),
            (ColumnBuffer::Bool(v), Value::Bool(b)) => v.push(b),
            (ColumnBuffer::Decimal { values, .. }, Value::Money(m)) => {
                values.push(m.map(|m| m.fen))
            }
            (_, value) => panic!(
                "value {value:?} does not fit its column; check_against should have caught this"
            ),
        }
    }

    /// Takes the buffered values as a named polars column, leaving the buffer empty.
    pub(super) fn take_column(&mut self, name: &str) -> PolarsResult<Column> {
        let name = name.into();
        let series = match self {
            ColumnBuffer::Str(v) => {
                let builder = std::mem::replace(v, StringChunkedBuilder::new("".into(), 0));
                builder.finish().with_name(name).into_series()
            }
            // polars copies the values into arrays of its own either way; copying from a
            // slice lets a small buffer keep its memory for the next rows.
            ColumnBuffer::Int32(v) => Series::new(name, v.as_slice()),
            ColumnBuffer::Int64(v) => Series::new(name, v.as_slice()),
            ColumnBuffer::Float64(v) => Series::new(name, v.as_slice()),
            ColumnBuffer::Bool(v) => Series::new(name, v.as_slice()),
            ColumnBuffer::Decimal {
                values,
                precision,
                scale,
            } => Series::new(name, values.as_slice())
                .into_decimal(*precision as usize, *scale as usize)?,
        };
        match self {
            ColumnBuffer::Int32(v) => empty(v),
            ColumnBuffer::Int64(v) => empty(v),
            ColumnBuffer::Float64(v) => empty(v),
            ColumnBuffer::Bool(v) => empty(v),
            ColumnBuffer::Decimal { values, .. } => empty(values),
            ColumnBuffer::Str(_) => {}
        }
        Ok(series.into_column())
    }
}

/// Rows of capacity a flushed buffer keeps: every table and year partition has buffers of
/// its own, so keeping whatever each once grew to would let memory creep up with the
/// number of partitions a run has filled.
const KEEP_ROWS: usize = 4096;

fn empty<T>(values: &mut Vec<T>) {
    if values.capacity() > KEEP_ROWS {
        *values = Vec::new();
    } else {
        values.clear();
    }
}
