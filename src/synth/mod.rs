//! A deterministic generator of synthetic budget-performance documents with known truth.
//!
//! Each document is drawn from its own random stream (seed and index), so any subset can
//! be generated alone and in parallel. A document is first built as a model, then laid
//! out as blocks ([`layout`]), then written as a text export or a DOCX ([`render`]); the
//! records it must yield ([`truth`]) come from the model, never from the extractor.

mod layout;
mod model;
mod render;
mod sections;
mod truth;

pub use model::{Format, Plant, PlantKind, SynthDocument};

use crate::extract::records::Extraction;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
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
    let mut document = model::draw(&mut stream(seed, index), index);
    document.sections = sections::draw(&mut stream(seed ^ SECTIONS_STREAM, index));
    if let Some(format) = format {
        document.format = format;
    }
    render(&document)
}

/// Share of documents that get a planted copy of another document's project.
const PLANTED_SHARE: f64 = 0.25;

/// Document `index` of a corpus for measuring duplicate detection: every text unique
/// ([`model::Vocabulary::Unique`]; the overall-goal paragraph stays boilerplate, and there
/// are no contents, duties or safeguards), and in a quarter of the documents whose table
/// layout matches the source's (about one in six in all) one extra project that copies
/// project 1 of an earlier document, made one of the [`PlantKind`] ways (drawn at
/// random). Returns the file and, if it got one, its plant.
pub fn generate_planted(
    seed: u64,
    index: u64,
    format: Option<Format>,
) -> (SynthFile, Option<Plant>) {
    let mut rng = stream(seed, index);
    let mut document = model::draw_with(&mut rng, index, model::Vocabulary::Unique);
    if let Some(format) = format {
        document.format = format;
    }
    let mut planted = None;
    if index > 0 && rng.random_bool(PLANTED_SHARE) {
        let source_index = rng.random_range(0..index);
        // The source document drawn again from its own stream: its first project is
        // never a plant (plants are appended), so it is the same project it printed.
        let source = model::draw_with(
            &mut stream(seed, source_index),
            source_index,
            model::Vocabulary::Unique,
        );
        let kind = *PlantKind::ALL.choose(&mut rng).expect("non-empty");
        // Copies stay within one table layout: a document without 三级指标 could not
        // show the source's level-3 names.
        if source.layout == document.layout {
            planted = Some(model::plant(
                &mut rng,
                &mut document,
                &source.projects[0],
                source_index,
                kind,
            ));
        }
    }
    (render(&document), planted)
}

/// Mixed into the seed of the stream a document draws its contents, duties and safeguards
/// from.
const SECTIONS_STREAM: u64 = 0x5EC7_1045_0000_0001;

/// Document `index`'s own random stream.
fn stream(seed: u64, index: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

fn render(document: &SynthDocument) -> SynthFile {
    let blocks = layout::blocks(document);
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
        truth: truth::records(document),
    }
}
