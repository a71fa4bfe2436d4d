//! `jixiao synth --docs N --seed S --out DIR`: a synthetic corpus with known truth.

use crate::record::TsvTables;
use crate::synth::{generate, generate_planted, Plant, SynthFile};
use anyhow::Context;
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `synth`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of documents.
    #[arg(long, default_value_t = 1000)]
    pub docs: u64,
    /// Random seed: the same seed gives the same corpus, byte for byte.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Directory to write the documents into (`docs/`) and their expected records
    /// (`truth/<table>.tsv`).
    #[arg(short, long)]
    pub out: PathBuf,
    /// A corpus for measuring `dups`: every text unique, and copies of projects planted
    /// in about one document in six (exact, rows reordered, a few characters changed,
    /// and near misses), listed in `truth/planted.tsv` (paths relative to `docs/`, with
    /// the Jaccard similarity of each copy's indicator table to its source's).
    #[arg(long)]
    pub planted: bool,
}

/// Documents generated (in parallel) and written per round: bounds memory.
const ROUND: u64 = 2000;

/// Runs `synth`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let docs_dir = args.out.join("docs");
    let truth_dir = args.out.join("truth");
    std::fs::create_dir_all(&truth_dir)
        .with_context(|| format!("creating {}", truth_dir.display()))?;
    let mut truth = TruthFiles::default();
    let mut planted = args.planted.then(|| {
        String::from("kind\tsource_path\tsource_code\ttarget_path\ttarget_code\ttable_similarity\n")
    });
    let mut paths: Vec<String> = Vec::new();
    for start in (0..args.docs).step_by(ROUND as usize) {
        let end = (start + ROUND).min(args.docs);
        let files: Vec<(SynthFile, Option<Plant>)> = (start..end)
            .into_par_iter()
            .map(|i| {
                if args.planted {
                    generate_planted(args.seed, i, None)
                } else {
                    (generate(args.seed, i), None)
                }
            })
            .collect();
        for (file, plant) in &files {
            let path = docs_dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a parent"))
                .with_context(|| format!("creating {}", path.display()))?;
            std::fs::write(&path, &file.bytes)
                .with_context(|| format!("writing {}", path.display()))?;
            paths.push(file.path.clone());
            let mut records = file.truth.clone();
            records.set_doc_id(&blake3::hash(&file.bytes).to_hex()[..16]);
            truth.append(&truth_dir, &records)?;
            if let (Some(tsv), Some(plant)) = (planted.as_mut(), plant) {
                tsv.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{:.4}\n",
                    plant.kind.name(),
                    paths[plant.source_index as usize],
                    plant.source_code,
                    file.path,
                    plant.target_code,
                    plant.table_similarity
                ));
            }
        }
    }
    truth.finish()?;
    if let Some(tsv) = planted {
        std::fs::write(truth_dir.join("planted.tsv"), tsv)?;
    }
    eprintln!(
        "jixiao: wrote {} documents to {} and their expected records to {}",
        args.docs,
        docs_dir.display(),
        truth_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `truth/<table>.tsv`, appended to document by document.
#[derive(Default)]
struct TruthFiles {
    files: Vec<BufWriter<File>>,
}

impl TruthFiles {
    fn append(
        &mut self,
        dir: &Path,
        records: &crate::extract::records::Extraction,
    ) -> anyhow::Result<()> {
        let mut tables = TsvTables::default();
        records.write_to(&mut tables);
        let first = self.files.is_empty();
        for (t, (name, tsv)) in tables.tables.into_iter().enumerate() {
            if first {
                let path = dir.join(format!("{name}.tsv"));
                let file =
                    File::create(&path).with_context(|| format!("creating {}", path.display()))?;
                self.files.push(BufWriter::new(file));
                self.files[t].write_all(tsv.as_bytes())?;
            } else {
                let body = tsv.split_once('\n').map_or("", |(_, rows)| rows);
                self.files[t].write_all(body.as_bytes())?;
            }
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        for mut file in self.files {
            file.flush()?;
        }
        Ok(())
    }
}
