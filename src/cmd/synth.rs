//! `jixiao synth --docs N --seed S --out DIR`: a synthetic corpus with known truth.

use crate::record::TsvTables;
use crate::synth::generate;
use anyhow::Context;
use rayon::prelude::*;
use std::path::PathBuf;
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
}

/// Runs `synth`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let docs_dir = args.out.join("docs");
    let files: Vec<_> = (0..args.docs)
        .into_par_iter()
        .map(|i| generate(args.seed, i))
        .collect();
    let mut truth = TsvTables::default();
    for (i, file) in files.iter().enumerate() {
        let path = docs_dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a parent"))
            .with_context(|| format!("creating {}", path.display()))?;
        std::fs::write(&path, &file.bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        let mut records = file.truth.clone();
        let doc_id = blake3::hash(&file.bytes).to_hex()[..16].to_string();
        records.set_doc_id(&doc_id);
        let mut tables = TsvTables::default();
        records.write_to(&mut tables);
        for (t, (name, tsv)) in tables.tables.into_iter().enumerate() {
            if i == 0 {
                truth.tables.push((name, tsv));
            } else {
                let body = tsv.split_once('\n').map_or("", |(_, rows)| rows);
                truth.tables[t].1.push_str(body);
            }
        }
    }
    let truth_dir = args.out.join("truth");
    std::fs::create_dir_all(&truth_dir)
        .with_context(|| format!("creating {}", truth_dir.display()))?;
    for (name, tsv) in &truth.tables {
        std::fs::write(truth_dir.join(format!("{name}.tsv")), tsv)?;
    }
    eprintln!(
        "jixiao: wrote {} documents to {} and their expected records to {}",
        files.len(),
        docs_dir.display(),
        truth_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
