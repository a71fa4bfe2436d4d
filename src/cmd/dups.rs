//! `jixiao dups DIR`: duplicated indicator boilerplate in a dataset written by `extract`.

use crate::dups::Options;
use anyhow::bail;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `dups`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset directory `jixiao extract` wrote; findings go to DIR/dups/.
    pub dir: PathBuf,
    /// Jaccard similarity at or above which two indicator tables count as the same.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Jaccard similarity of character 3-grams at or above which two texts count as the
    /// same text with a few characters changed.
    #[arg(long, default_value_t = 0.7)]
    pub text_threshold: f64,
    /// Instead of the full analysis: list where this text, or anything near it, appears,
    /// with counts by district and year.
    #[arg(long)]
    pub text: Option<String>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `dups`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!(
            "--threshold must be between 0 and 1, not {}",
            args.threshold
        );
    }
    if !(0.0..=1.0).contains(&args.text_threshold) {
        bail!(
            "--text-threshold must be between 0 and 1, not {}",
            args.text_threshold
        );
    }
    if let Some(query) = &args.text {
        return search(&args, query);
    }
    let options = Options {
        threshold: args.threshold,
        text_threshold: args.text_threshold,
    };
    let (findings, _) = crate::dups::run(&args.dir, &options)?;
    let report = args.dir.join("dups").join("report.html");
    if !args.quiet {
        println!("Indicator rows pasted into the most projects:");
        for group in findings.row_groups.iter().take(10) {
            println!(
                "  {:>5} projects {:>4} documents {:>3} departments {:>3} districts {:>2} years  {} | {} | {}",
                group.n_projects,
                group.n_documents,
                group.n_departments,
                group.n_regions,
                group.n_years,
                group.level3.as_deref().unwrap_or(""),
                group.description.as_deref().unwrap_or(""),
                group.value_raw.as_deref().unwrap_or(""),
            );
        }
        let clusters = findings.table_cluster_count();
        let reuse = findings.template_reuse_count();
        println!("Reused indicator tables: {clusters} clusters ({reuse} across differently named projects: template reuse)");
        for member in findings.table_clusters.iter().take(12) {
            println!(
                "  cluster {:>3}  {:.2}  {} {} {}",
                member.cluster_id,
                member.similarity,
                member.doc_id,
                member.project_code.as_deref().unwrap_or("-"),
                member.project_name.as_deref().unwrap_or("")
            );
        }
        let texts: Vec<String> = findings
            .text_cluster_counts
            .iter()
            .map(|(f, c)| format!("{f} {c}"))
            .collect();
        println!(
            "Texts pasted in several places (clusters by field): {}",
            texts.join(", ")
        );
        let mut by_code: std::collections::BTreeMap<&str, usize> = Default::default();
        for flag in &findings.flags {
            *by_code.entry(flag.code.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = by_code
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        println!("Implausible targets (by kind): {}", counts.join(", "));
        for flag in findings
            .flags
            .iter()
            .filter(|f| f.code != "placeholder")
            .take(10)
        {
            println!(
                "  {} {}  {}",
                flag.doc_id,
                flag.project_code.as_deref().unwrap_or("-"),
                flag.message
            );
        }
        eprintln!(
            "jixiao: wrote {} and {}",
            args.dir.join("dups").display(),
            report.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn search(args: &Args, query: &str) -> anyhow::Result<ExitCode> {
    let (hits, counts) = crate::dups::search::search(&args.dir, query, args.text_threshold)?;
    println!("`{query}`: {} places", hits.len());
    for hit in hits.iter().take(30) {
        println!(
            "  {:<11} {:.2}  {} {}  {}",
            hit.field,
            hit.containment,
            hit.occurrence.doc_id,
            hit.occurrence.project_code.as_deref().unwrap_or("-"),
            hit.occurrence.text.replace('\n', " ")
        );
    }
    if hits.len() > 30 {
        println!("  … and {} more", hits.len() - 30);
    }
    println!("By district and year:");
    for ((region, year), n) in &counts {
        println!("  {region} {year}: {n}");
    }
    Ok(ExitCode::SUCCESS)
}
