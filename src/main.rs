//! The `jixiao` command line: parse arguments, dispatch to a subcommand.

use clap::{Parser, Subcommand};
use jixiao::cmd;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: jixiao::alloc::Allocator = tikv_jemallocator::Jemalloc;

/// The allocator's options, read before `main` (see `jixiao::alloc`).
#[export_name = "_rjem_malloc_conf"]
static ALLOCATOR_OPTIONS: jixiao::alloc::Options = jixiao::alloc::OPTIONS;

/// Turns Chinese budget-performance documents (部门预算绩效文本) into typed Parquet tables.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read documents and write their records as a Parquet dataset.
    Extract(cmd::extract::Args),
    /// Find duplicated indicator boilerplate in a dataset written by `extract`.
    Dups(cmd::dups::Args),
    /// Show how one document is read and what is extracted from it.
    Inspect(cmd::inspect::Args),
    /// Print the output tables: columns, types, meaning (or the data dictionary).
    Schema(cmd::schema::Args),
    /// Write a synthetic corpus (text and DOCX) with the records each document must yield.
    Synth(cmd::synth::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => cmd::extract::run(args),
        Command::Dups(args) => cmd::dups::run(args),
        Command::Inspect(args) => cmd::inspect::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Synth(args) => cmd::synth::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("jixiao: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
