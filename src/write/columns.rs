//! Typed column buffers: values pushed one at a time, taken as Arrow arrays ready to be
//! encoded as one row group.

use crate::record::Value;
use crate::schema::{ColumnType, Encoding};
use hashbrown::hash_table::{Entry, HashTable};
use polars::prelude::{ArrayRef, ArrowDataType};
use polars_arrow::array::{
    Array, BooleanArray, DictionaryArray, MutableBinaryViewArray, MutableBooleanArray,
    MutablePrimitiveArray, PrimitiveArray, Utf8ViewArray,
};
use polars_arrow::datatypes::IntegerType;
use std::hash::BuildHasher;

/// One column's values, typed by its schema type.
pub(super) enum ColumnBuffer {
    /// Strings written as they are: straight into Arrow's view buffers.
    Str(MutableBinaryViewArray<str>),
    /// Strings dictionary-encoded as they arrive.
    Dictionary(DictionaryBuffer),
    Int32(MutablePrimitiveArray<i32>),
    Int64(MutablePrimitiveArray<i64>),
    Float64(MutablePrimitiveArray<f64>),
    Bool(MutableBooleanArray),
    Decimal {
        values: MutablePrimitiveArray<i128>,
        precision: u8,
        scale: u8,
    },
}

impl ColumnBuffer {
    pub(super) fn new(kind: ColumnType, encoding: Encoding) -> ColumnBuffer {
        match kind {
            ColumnType::String if encoding == Encoding::Dictionary => {
                ColumnBuffer::Dictionary(DictionaryBuffer::default())
            }
            ColumnType::String => ColumnBuffer::Str(MutableBinaryViewArray::new()),
            ColumnType::Int32 => ColumnBuffer::Int32(MutablePrimitiveArray::new()),
            ColumnType::Int64 => ColumnBuffer::Int64(MutablePrimitiveArray::new()),
            ColumnType::Float64 => ColumnBuffer::Float64(MutablePrimitiveArray::new()),
            ColumnType::Bool => ColumnBuffer::Bool(MutableBooleanArray::new()),
            ColumnType::Decimal { precision, scale } => ColumnBuffer::Decimal {
                values: MutablePrimitiveArray::new(),
                precision,
                scale,
            },
        }
    }

    /// Appends a value. Kinds were checked against the schema before the run, so a
    /// mismatch here is a programming error.
    pub(super) fn push(&mut self, value: Value<'_>) {
        match (self, value) {
            (ColumnBuffer::Str(v), Value::Str(s)) => v.push(s),
            (ColumnBuffer::Dictionary(v), Value::Str(s)) => v.push(s),
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

    /// Takes the buffered values as an Arrow array, leaving the buffer empty. The values
    /// move into the array, uncopied, and the buffer starts afresh: buffers of tables
    /// and partitions that rarely get rows keep no memory between row groups.
    pub(super) fn take_array(&mut self) -> ArrayRef {
        match self {
            ColumnBuffer::Str(v) => std::mem::take(v).freeze().boxed(),
            ColumnBuffer::Dictionary(v) => v.take_array().boxed(),
            ColumnBuffer::Int32(v) => PrimitiveArray::from(std::mem::take(v)).boxed(),
            ColumnBuffer::Int64(v) => PrimitiveArray::from(std::mem::take(v)).boxed(),
            ColumnBuffer::Float64(v) => PrimitiveArray::from(std::mem::take(v)).boxed(),
            ColumnBuffer::Bool(v) => BooleanArray::from(std::mem::take(v)).boxed(),
            ColumnBuffer::Decimal {
                values,
                precision,
                scale,
            } => PrimitiveArray::from(std::mem::take(values))
                .to(ArrowDataType::Decimal(*precision as usize, *scale as usize))
                .boxed(),
        }
    }
}

/// Strings as a dictionary built while they arrive: each distinct value is stored once
/// and every row keeps its position. Encoding the column this way costs one hash per
/// value; handing plain strings to the Parquet writer cost three passes (estimating the
/// cardinality, hashing into a dictionary, copying every value), and kept every repeated
/// value in memory until the flush.
#[derive(Default)]
pub(super) struct DictionaryBuffer {
    /// The distinct values, in order of first appearance.
    values: MutableBinaryViewArray<str>,
    /// Positions in `values`, found by the hash of the text.
    positions: HashTable<u32>,
    /// Each row's position in `values`, or none for a null.
    keys: MutablePrimitiveArray<u32>,
}

fn text_hash(text: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(text)
}

impl DictionaryBuffer {
    fn push(&mut self, text: Option<&str>) {
        let key = text.map(|text| {
            let values = &self.values;
            let entry = self.positions.entry(
                text_hash(text),
                |&p| values.value(p as usize) == text,
                |&p| text_hash(values.value(p as usize)),
            );
            match entry {
                Entry::Occupied(found) => *found.get(),
                Entry::Vacant(slot) => {
                    let position = self.values.len() as u32;
                    slot.insert(position);
                    self.values.push_value(text);
                    position
                }
            }
        });
        self.keys.push(key);
    }

    fn take_array(&mut self) -> DictionaryArray<u32> {
        let values = std::mem::take(&mut self.values).freeze();
        let keys = PrimitiveArray::from(std::mem::take(&mut self.keys));
        // The table is small next to the values; keeping a moderate one saves regrowing it.
        if self.positions.capacity() > KEEP_POSITIONS {
            self.positions = HashTable::new();
        } else {
            self.positions.clear();
        }
        let dtype =
            ArrowDataType::Dictionary(IntegerType::UInt32, Box::new(values.dtype().clone()), false);
        DictionaryArray::try_new(dtype, keys, values.boxed())
            .expect("every key is a position among the values")
    }
}

/// `array` (a column read back from a part file) as a column encoded `encoding` is
/// handed to the Parquet writer: strings to be dictionary-encoded as a dictionary.
pub(super) fn encoded_as(array: &ArrayRef, encoding: Encoding) -> ArrayRef {
    match array.as_any().downcast_ref::<Utf8ViewArray>() {
        Some(strings) if encoding == Encoding::Dictionary => {
            let mut buffer = DictionaryBuffer::default();
            for text in strings.iter() {
                buffer.push(text);
            }
            buffer.take_array().boxed()
        }
        _ => array.clone(),
    }
}

/// Distinct values a dictionary buffer's position table keeps room for between row
/// groups: every table and year partition has buffers of its own, so keeping whatever
/// each once grew to would let memory creep up with the partitions a run has filled.
const KEEP_POSITIONS: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(array: &dyn Array) -> Vec<Option<String>> {
        let dictionary = array
            .as_any()
            .downcast_ref::<DictionaryArray<u32>>()
            .expect("a dictionary array");
        let values = dictionary
            .values()
            .as_any()
            .downcast_ref::<Utf8ViewArray>()
            .expect("string values");
        dictionary
            .keys()
            .iter()
            .map(|key| key.map(|k| values.value(*k as usize).to_string()))
            .collect()
    }

    #[test]
    fn a_dictionary_column_stores_each_value_once_and_gives_back_every_row() {
        let mut buffer = ColumnBuffer::new(ColumnType::String, Encoding::Dictionary);
        let long = "产出指标：数量指标，支付公用经费人数不少于五十九人";
        let rows = [
            Some("产出"),
            None,
            Some(long),
            Some("产出"),
            Some(long),
            Some(""),
        ];
        for row in rows {
            buffer.push(Value::Str(row));
        }
        let array = buffer.take_array();
        let want: Vec<Option<String>> = rows.iter().map(|r| r.map(str::to_string)).collect();
        assert_eq!(strings(array.as_ref()), want);
        let dictionary = array
            .as_any()
            .downcast_ref::<DictionaryArray<u32>>()
            .unwrap();
        assert_eq!(
            dictionary.values().len(),
            3,
            "产出, the long text and the empty text"
        );

        // Taken buffers start afresh: positions from the last row group are not reused.
        buffer.push(Value::Str(Some(long)));
        buffer.push(Value::Str(Some("效益")));
        let array = buffer.take_array();
        assert_eq!(
            strings(array.as_ref()),
            [Some(long.to_string()), Some("效益".to_string())]
        );
    }

    #[test]
    fn a_dictionary_that_outgrew_its_kept_room_starts_small_and_stays_exact() {
        let mut buffer = ColumnBuffer::new(ColumnType::String, Encoding::Dictionary);
        let many: Vec<String> = (0..KEEP_POSITIONS * 3)
            .map(|i| format!("指标{i}"))
            .collect();
        for text in many.iter().chain(many.iter().rev()) {
            buffer.push(Value::Str(Some(text)));
        }
        let array = buffer.take_array();
        let dictionary = array
            .as_any()
            .downcast_ref::<DictionaryArray<u32>>()
            .unwrap();
        assert_eq!(dictionary.values().len(), many.len());
        let rows = strings(array.as_ref());
        assert_eq!(rows.len(), many.len() * 2);
        assert_eq!(rows[1].as_deref(), Some("指标1"));
        assert_eq!(rows.last().unwrap().as_deref(), Some("指标0"));
        let ColumnBuffer::Dictionary(inner) = &buffer else {
            unreachable!()
        };
        assert!(inner.positions.capacity() <= KEEP_POSITIONS);

        buffer.push(Value::Str(Some("指标5")));
        assert_eq!(
            strings(buffer.take_array().as_ref()),
            [Some("指标5".to_string())]
        );
    }

    #[test]
    fn a_plain_string_column_is_an_array_of_its_values() {
        let mut buffer = ColumnBuffer::new(ColumnType::String, Encoding::Plain);
        buffer.push(Value::Str(Some("a")));
        buffer.push(Value::Str(None));
        let array = buffer.take_array();
        let values = array.as_any().downcast_ref::<Utf8ViewArray>().unwrap();
        assert_eq!(values.iter().collect::<Vec<_>>(), [Some("a"), None]);
    }
}
