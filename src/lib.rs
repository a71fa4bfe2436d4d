//! jixiao turns Chinese budget-performance documents (部门预算绩效文本) into typed
//! Parquet tables.
//!
//! Data flows one way:
//! - [`read`]: a file's bytes → a stream of [`read::Block`]s (paragraphs with their Word
//!   fields, tables of cells). Knows nothing of budgets.
//! - [`extract`]: blocks → typed records, driven by the vocabulary in `extractors/`.
//!   Knows nothing of zip, XML or encodings.
//! - [`write`]: records → Parquet through the table definitions in `schemas/`
//!   ([`schema`]). Knows nothing of either.
//!
//! [`batch`] runs that pipeline over many files in parallel; [`cmd`] holds one small
//! module per subcommand.

pub mod alloc;
pub mod batch;
pub mod cmd;
pub mod diag;
pub mod dups;
pub mod extract;
pub mod numerals;
pub mod read;
pub mod record;
pub mod schema;
mod sync;
pub mod synth;
pub mod write;
