//! `jixiao schema`: the output tables, their columns, types and meaning.

use crate::schema::Catalog;
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the data dictionary as Markdown.
    #[arg(long)]
    pub markdown: bool,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Runs `schema`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = if args.markdown {
        Catalog::dictionary()
    } else {
        Catalog::full_listing()
    };
    match args.output {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
