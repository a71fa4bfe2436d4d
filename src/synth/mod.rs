//! A deterministic generator of synthetic budget-performance documents with known truth.
//!
//! Each document is drawn from its own random stream (seed and index), so any subset can
//! be generated alone and in parallel. A document is first built as a model, then laid
//! out as blocks ([`layout`]), then written as a text export or a DOCX ([`render`]); the
//! records it must yield ([`truth`]) come from the model, never from the extractor.

mod layout;
mod model;
mod render;
mod truth;

pub use model::{Format, SynthDocument};

use crate::extract::records::Extraction;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// One generated document.
pub struct SynthFile {
    /// Relative path to write it to (`district/year/department.ext`).
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The records it must yield (file-describing fields of `documents` left empty).
    pub truth: Extraction,
}

/// Generates document `index` of the corpus with `seed`.
pub fn generate(seed: u64, index: u64) -> SynthFile {
    generate_as(seed, index, None)
}

/// Like [`generate`], with the storage format forced (for benchmarks by format).
pub fn generate_as(seed: u64, index: u64, format: Option<Format>) -> SynthFile {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut document = model::draw(&mut rng, index);
    if let Some(format) = format {
        document.format = format;
    }
    let blocks = layout::blocks(&document);
    let bytes = match document.format {
        Format::TextUtf8 => render::text(&blocks).into_bytes(),
        Format::TextGb18030 => {
            let text = render::text(&blocks).replace('\n', "\r\n");
            encoding_rs::GB18030.encode(&text).0.into_owned()
        }
        Format::Docx => render::docx(&blocks),
    };
    SynthFile {
        path: document.path(),
        bytes,
        truth: truth::records(&document),
    }
}
