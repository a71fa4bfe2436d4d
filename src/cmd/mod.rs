//! One module per subcommand: its arguments and its `run`. Shared set-up (loading the
//! vocabulary and the schemas, checking them against each other) lives here.

pub mod dups;
pub mod extract;
pub mod inspect;
pub mod schema;
pub mod synth;

use crate::extract::records::check_against;
use crate::extract::vocab::Vocab;
use crate::schema::Catalog;
use anyhow::{bail, Context};
use std::path::Path;

/// The vocabulary and schemas a run uses, checked before any document is read.
pub struct Setup {
    /// Document-family vocabulary.
    pub vocab: Vocab,
    /// Output tables.
    pub catalog: Catalog,
}

impl Setup {
    /// Loads the built-in schemas and the given (or built-in) vocabulary.
    pub fn load(vocab_path: Option<&Path>) -> anyhow::Result<Setup> {
        let vocab = match vocab_path {
            Some(path) => Vocab::load(path)
                .with_context(|| format!("loading vocabulary {}", path.display()))?,
            None => Vocab::builtin(),
        };
        let catalog = Catalog::builtin();
        if let Err(errors) = check_against(&catalog) {
            bail!("records and schemas disagree:\n{}", errors.join("\n"));
        }
        Ok(Setup { vocab, catalog })
    }
}
