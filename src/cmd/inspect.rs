//! `jixiao inspect FILE`: how one document was read (its blocks) and what was extracted
//! from it, with diagnostics — for finding out why a document came out wrong.

use super::Setup;
use crate::batch::process_bytes;
use crate::read::{read_bytes, Block, Field};
use crate::record::TsvTables;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document to inspect.
    pub file: PathBuf,
    /// Show only the blocks as read.
    #[arg(long, conflicts_with = "records")]
    pub blocks: bool,
    /// Show only the extracted records.
    #[arg(long)]
    pub records: bool,
    /// A vocabulary file to use instead of the built-in one.
    #[arg(long)]
    pub vocab: Option<PathBuf>,
}

/// Runs `inspect`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let setup = Setup::load(args.vocab.as_deref())?;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mut out = String::new();
    if !args.records {
        match read_bytes(&bytes) {
            Ok((format, doc)) => {
                let encoding = doc.encoding.unwrap_or("-");
                let _ = writeln!(
                    out,
                    "== blocks: {} blocks, format {}, encoding {encoding}",
                    doc.blocks.len(),
                    format.as_str()
                );
                for block in &doc.blocks {
                    describe_block(block, &mut out);
                }
            }
            Err(e) => {
                let _ = writeln!(out, "== blocks: not readable: {e}");
            }
        }
    }
    if !args.blocks {
        let extraction = process_bytes(args.file.display().to_string(), &bytes, &setup.vocab);
        let mut tables = TsvTables::default();
        extraction.write_to(&mut tables);
        for (name, tsv) in tables.tables {
            let rows = tsv.lines().count() - 1;
            if rows > 0 {
                let _ = writeln!(out, "\n== {name} ({rows})\n{tsv}");
            }
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn describe_block(block: &Block, out: &mut String) {
    match block {
        Block::Paragraph(p) if p.text.is_empty() && p.fields.is_empty() => {}
        Block::Paragraph(p) => {
            let _ = write!(out, "[{}] ¶ {}", p.loc, p.text);
            for field in &p.fields {
                match field {
                    Field::Tc { text, list, level } => {
                        let _ = write!(
                            out,
                            "  {{TC \"{text}\" \\f {} \\l {}}}",
                            list.as_deref().unwrap_or("-"),
                            level.map_or("-".into(), |l| l.to_string())
                        );
                    }
                    Field::Other { instruction, .. } => {
                        let _ = write!(out, "  {{{instruction}}}");
                    }
                }
            }
            out.push('\n');
        }
        Block::Table(t) => {
            let _ = writeln!(out, "[{}] table, {} rows", t.loc, t.rows.len());
            for row in &t.rows {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| {
                        if c.continues_above {
                            "↑".to_string()
                        } else {
                            c.text.replace('\n', "⏎")
                        }
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "    row {:>2} | {} |",
                    row.loc.row.unwrap_or(0),
                    cells.join(" | ")
                );
            }
        }
    }
}
