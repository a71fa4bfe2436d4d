//! Duplicate-detection benchmark: precision and recall of `jixiao dups` on a synthetic
//! corpus with planted duplicates of known positions, its time and peak memory, and
//! datasketch beside it on the same texts.
//!
//!     pip install -r benches/requirements.txt     # datasketch, for the comparison
//!     cargo bench --bench dups -- [--docs 20000,100000] [--datasketch-docs 2000]
//!
//! For each size, `jixiao synth --planted` documents are generated (text exports, seed 7:
//! every text unique, and in about one document in six a copy of an earlier document's
//! project, made exact, with rows reordered, with a few characters changed, or as a near
//! miss that must not be found), extracted with `jixiao extract`, and `jixiao dups` is
//! run at one thread and at all cores with the default thresholds, each run in a process
//! of its own (its peak RSS is its own). Scored as pairs of
//! projects:
//! - tables: a source and each copy whose table is at least 0.8 alike to the source's
//!   (Jaccard over rows, known from the generator: 1 for exact and reordered copies,
//!   (n−1)/(n+1) for one row of n edited, about 1/3 for near misses) must share a table
//!   cluster, and no other copy may join it;
//! - texts (descriptions, goals, purposes, field by field): the source and all its
//!   copies but the near misses must share a text cluster.
//!
//! Any other pair found is a false positive: the near misses, and anything in the
//! background. Then the descriptions, goals and purposes of the first `--datasketch-docs`
//! documents are written out, folded, and clustered by jixiao and by datasketch (MinHash,
//! 128 permutations, character 3-grams, MinHashLSH at the same threshold, candidates
//! checked by estimated Jaccard), both on one core, with their time per text and their
//! precision and recall on that subset.

mod common;

use common::{peak_rss_mb, run_self, Args};
use jixiao::batch::{self, FileList, RunOptions};
use jixiao::dups::{fold, Options, TextIndex};
use jixiao::extract::vocab::Vocab;
use jixiao::schema::Catalog;
use jixiao::synth::{generate_planted, Format, Plant, PlantKind};
use jixiao::write::{part_files, DatasetWriter};
use polars::prelude::{ParquetReader, SerReader};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

type Pair = (String, String);

fn main() {
    let args = Args::from_env();
    let sizes: Vec<u64> = args
        .get("--docs")
        .unwrap_or("20000,100000")
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    if let Some(dataset) = args.get("--run-dups") {
        let jobs = args.parse_or("--jobs", 1);
        run_dups(Path::new(dataset), jobs);
        return;
    }
    let subset: u64 = args.parse_or("--datasketch-docs", 2000);
    let mut scores = Vec::new();
    println!("| docs | jobs | texts compared | dups s | µs/text | peak RSS MB |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (k, &docs) in sizes.iter().enumerate() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let corpus = Corpus::generate(dir.path(), docs, subset);
        let out = dir.path().join("out");
        extract(&corpus.files, &out);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for jobs in [1, cores] {
            let _ = std::fs::remove_dir_all(out.join("dups"));
            let dataset = out.display().to_string();
            let threads = jobs.to_string();
            // In a process of its own, so that its peak memory is its own.
            let fields = run_self(&["--run-dups", &dataset, "--jobs", &threads]);
            let [texts, seconds, peak] = fields[..] else {
                panic!("unexpected output: {fields:?}");
            };
            println!(
                "| {docs} | {jobs} | {texts} | {seconds:.2} | {:.2} | {peak:.0} |",
                seconds * 1e6 / texts
            );
        }
        scores.push((docs, corpus.score(&out)));
        if k == 0 {
            let subset = subset.min(docs);
            scores.push((subset, corpus.compare_with_datasketch(dir.path(), subset)));
        }
    }
    println!();
    println!("| docs | found by | field | planted pairs | pairs found | true pairs found | precision | recall |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (docs, rows) in scores {
        for row in rows {
            println!("| {docs} | {row} |");
        }
    }
}

/// A generated corpus and its plants.
struct Corpus {
    files: Vec<PathBuf>,
    plants: Vec<(u64, Plant)>,
    /// Descriptions, goals and purposes of the first documents (for datasketch):
    /// (document, field, project code, text).
    texts: Vec<(u64, &'static str, String, String)>,
}

/// Pairs of project codes planted as duplicates.
#[derive(Default)]
struct Truth {
    /// Indicator descriptions: every copy, near misses included.
    descriptions: HashSet<Pair>,
    /// Goals and purposes: every copy but the near misses.
    texts: HashSet<Pair>,
    /// Indicator tables: copies whose table is at least the threshold alike.
    tables: HashSet<Pair>,
}

impl Corpus {
    /// `docs` documents; the texts of the first `kept` are kept.
    fn generate(dir: &Path, docs: u64, kept: u64) -> Corpus {
        let docs_dir = dir.join("docs");
        std::fs::create_dir_all(&docs_dir).expect("docs dir");
        let mut corpus = Corpus {
            files: Vec::new(),
            plants: Vec::new(),
            texts: Vec::new(),
        };
        for start in (0..docs).step_by(2000) {
            let round: Vec<_> = (start..(start + 2000).min(docs))
                .into_par_iter()
                .map(|i| (i, generate_planted(7, i, Some(Format::TextUtf8))))
                .collect();
            for (i, (file, plant)) in round {
                let path = docs_dir.join(format!("{i:07}.txt"));
                std::fs::write(&path, &file.bytes).expect("write document");
                corpus.files.push(path);
                if let Some(plant) = plant {
                    corpus.plants.push((i, plant));
                }
                if i < kept {
                    let t = &file.truth;
                    let code = |seq: i32| {
                        t.projects
                            .iter()
                            .find(|p| p.seq == seq)
                            .and_then(|p| p.project_code.clone())
                            .unwrap_or_default()
                    };
                    for ind in &t.indicators {
                        if let Some(d) = &ind.description {
                            corpus
                                .texts
                                .push((i, "description", code(ind.project_seq), d.clone()));
                        }
                    }
                    for g in &t.project_goals {
                        corpus
                            .texts
                            .push((i, "goal", code(g.project_seq), g.text.clone()));
                    }
                    for p in &t.projects {
                        if let Some(purpose) = &p.purpose {
                            corpus
                                .texts
                                .push((i, "purpose", code(p.seq), purpose.clone()));
                        }
                    }
                }
            }
        }
        corpus
    }

    /// Planted pairs that must be found among documents below `limit`, with `threshold`
    /// the tables' similarity threshold.
    fn truth(&self, limit: u64, threshold: f64) -> Truth {
        let mut groups: BTreeMap<&str, Vec<&Plant>> = BTreeMap::new();
        for (target, plant) in &self.plants {
            if plant.source_index < limit && *target < limit {
                groups.entry(&plant.source_code).or_default().push(plant);
            }
        }
        let mut truth = Truth::default();
        for (source, copies) in groups {
            let mut all = vec![source];
            let mut texts = vec![source];
            let mut tables = vec![source];
            for plant in copies {
                all.push(plant.target_code.as_str());
                if plant.kind != PlantKind::Decoy {
                    texts.push(plant.target_code.as_str());
                }
                // A copy's table joins its source's cluster when the two are at least
                // `threshold` alike (copies of one source are no more alike to each
                // other than to it, so the cluster is the source and those copies).
                if plant.table_similarity >= threshold {
                    tables.push(plant.target_code.as_str());
                }
            }
            // Near misses keep half their indicator rows word for word: their
            // descriptions are copies, their goals and purposes are not.
            truth.descriptions.extend(all_pairs(&all));
            truth.texts.extend(all_pairs(&texts));
            truth.tables.extend(all_pairs(&tables));
        }
        truth
    }

    fn field_truth<'a>(truth: &'a Truth, field: &str) -> &'a HashSet<Pair> {
        if field == "description" {
            &truth.descriptions
        } else {
            &truth.texts
        }
    }

    /// Precision and recall of the dataset's `dups` findings.
    fn score(&self, dataset: &Path) -> Vec<String> {
        let truth = self.truth(u64::MAX, Options::default().threshold);
        let mut rows = vec![score_row(
            "jixiao",
            "tables",
            &found_pairs(&dataset.join("dups/table_clusters"), None),
            &truth.tables,
        )];
        for field in ["description", "goal", "purpose"] {
            rows.push(score_row(
                "jixiao",
                field,
                &found_pairs(&dataset.join("dups/text_clusters"), Some(field)),
                Self::field_truth(&truth, field),
            ));
        }
        rows
    }

    /// jixiao's and datasketch's text clustering on the same folded texts of the first
    /// `docs` documents, one core each.
    fn compare_with_datasketch(&self, dir: &Path, docs: u64) -> Vec<String> {
        let truth = self.truth(docs, Options::default().threshold);
        let texts: Vec<(&str, &str, String)> = self
            .texts
            .iter()
            .filter(|t| t.0 < docs)
            .map(|(_, field, code, text)| (*field, code.as_str(), fold(text)))
            .collect();
        let threshold = Options::default().text_threshold;
        let mut rows = Vec::new();
        // jixiao: one TextIndex per field, as `dups` does.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread");
        let start = Instant::now();
        let found: HashSet<(String, Pair)> = pool.install(|| {
            let mut found = HashSet::new();
            for field in ["description", "goal", "purpose"] {
                let mut codes: Vec<&str> = Vec::new();
                let mut index = TextIndex::default();
                for (_, code, text) in texts.iter().filter(|t| t.0 == field) {
                    index.add(text, (codes.len() as u32, 0));
                    codes.push(code);
                }
                for cluster in index.clusters(threshold) {
                    let members: Vec<&str> = cluster
                        .members
                        .iter()
                        .map(|&(k, _)| codes[index.place(k).0 as usize])
                        .collect();
                    for p in all_pairs(&members) {
                        found.insert((field.to_string(), p));
                    }
                }
            }
            found
        });
        let jixiao_seconds = start.elapsed().as_secs_f64();
        let per_field = |found: &HashSet<(String, Pair)>, field: &str| -> HashSet<Pair> {
            found
                .iter()
                .filter(|(f, _)| f == field)
                .map(|(_, p)| p.clone())
                .collect()
        };
        for field in ["description", "goal", "purpose"] {
            rows.push(score_row(
                "jixiao (same texts)",
                field,
                &per_field(&found, field),
                Self::field_truth(&truth, field),
            ));
        }
        let tsv = dir.join("texts.tsv");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tsv).expect("texts.tsv"));
        writeln!(file, "field\tcode\ttext").expect("write");
        for (field, code, text) in &texts {
            writeln!(file, "{field}\t{code}\t{text}").expect("write");
        }
        drop(file);
        println!();
        println!(
            "| same {} texts of {docs} documents, one core | seconds | µs/text |",
            texts.len()
        );
        println!("| --- | --- | --- |");
        let per_text = |s: f64| s * 1e6 / texts.len() as f64;
        println!(
            "| jixiao | {jixiao_seconds:.3} | {:.2} |",
            per_text(jixiao_seconds)
        );
        for (name, extra) in [
            ("datasketch (defaults)", None),
            (
                "datasketch (jixiao's bands, exact check)",
                Some("--matched"),
            ),
        ] {
            let pairs_path = dir.join("datasketch_pairs.tsv");
            let script =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/datasketch_baseline.py");
            let output = std::process::Command::new("python3")
                .arg(&script)
                .arg(&tsv)
                .arg(threshold.to_string())
                .arg(&pairs_path)
                .args(extra)
                .output();
            let seconds = match output {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse::<f64>()
                    .ok(),
                Ok(o) => {
                    eprintln!(
                        "datasketch comparison skipped: {}(pip install -r benches/requirements.txt)",
                        String::from_utf8_lossy(&o.stderr)
                    );
                    None
                }
                Err(e) => {
                    eprintln!("datasketch comparison skipped: python3: {e}");
                    None
                }
            };
            let Some(seconds) = seconds else {
                break;
            };
            println!(
                "| {name} | {seconds:.3} | {:.1} ({:.0}× jixiao) |",
                per_text(seconds),
                seconds / jixiao_seconds
            );
            let found: HashSet<(String, Pair)> = std::fs::read_to_string(&pairs_path)
                .expect("datasketch pairs")
                .lines()
                .filter_map(|l| {
                    let mut parts = l.split('\t');
                    let (f, a, b) = (parts.next()?, parts.next()?, parts.next()?);
                    Some((f.to_string(), pair(a, b)))
                })
                .collect();
            for field in ["description", "goal", "purpose"] {
                rows.push(score_row(
                    &format!("{name}, same texts"),
                    field,
                    &per_field(&found, field),
                    Self::field_truth(&truth, field),
                ));
            }
        }
        rows
    }
}

/// `jixiao dups` on `dataset` with `jobs` threads; prints the texts compared, the
/// seconds and the peak RSS in MB.
fn run_dups(dataset: &Path, jobs: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("threads");
    let start = Instant::now();
    let (findings, _) = pool
        .install(|| jixiao::dups::run(dataset, &Options::default()))
        .expect("dups");
    let seconds = start.elapsed().as_secs_f64();
    println!("{} {seconds} {}", findings.texts_compared, peak_rss_mb());
}

fn extract(files: &[PathBuf], out: &Path) {
    let mut writer = DatasetWriter::create(out, &Catalog::builtin()).expect("output");
    let start = Instant::now();
    let summary = batch::run(
        &FileList::from_paths(files).expect("a short list"),
        &Vocab::builtin(),
        &mut writer,
        &RunOptions::default(),
        |_| {},
    )
    .expect("threads");
    writer.finish().expect("write dataset");
    assert_eq!(
        summary.ok,
        files.len() as u64,
        "all documents extract cleanly"
    );
    eprintln!(
        "extracted {} documents in {:.1} s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
}

fn pair(a: &str, b: &str) -> Pair {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Every pair of distinct codes among `members`.
fn all_pairs(members: &[&str]) -> Vec<Pair> {
    let mut codes: Vec<&str> = members.to_vec();
    codes.sort_unstable();
    codes.dedup();
    let mut out = Vec::new();
    for (i, a) in codes.iter().enumerate() {
        for b in &codes[i + 1..] {
            out.push(pair(a, b));
        }
    }
    out
}

/// Pairs of project codes sharing a cluster in a `dups` table (only rows of `field`
/// when given).
fn found_pairs(table: &Path, field: Option<&str>) -> HashSet<Pair> {
    let mut clusters: HashMap<i64, Vec<String>> = HashMap::new();
    for path in part_files(table) {
        let mut columns = vec!["cluster_id".to_string(), "project_code".to_string()];
        if field.is_some() {
            columns.push("field".to_string());
        }
        let frame = ParquetReader::new(std::fs::File::open(&path).expect("part file"))
            .with_columns(Some(columns))
            .finish()
            .expect("read part file");
        let ids = frame.column("cluster_id").unwrap().i64().unwrap().clone();
        let codes = frame.column("project_code").unwrap().str().unwrap().clone();
        let fields = field.map(|_| frame.column("field").unwrap().str().unwrap().clone());
        for row in 0..frame.height() {
            if let (Some(f), Some(fields)) = (field, &fields) {
                if fields.get(row) != Some(f) {
                    continue;
                }
            }
            if let (Some(id), Some(code)) = (ids.get(row), codes.get(row)) {
                clusters.entry(id).or_default().push(code.to_string());
            }
        }
    }
    clusters
        .values()
        .flat_map(|codes| {
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            all_pairs(&codes)
        })
        .collect()
}

fn score_row(by: &str, field: &str, found: &HashSet<Pair>, truth: &HashSet<Pair>) -> String {
    let true_found = found.intersection(truth).count();
    format!(
        "{by} | {field} | {} | {} | {true_found} | {:.4} | {:.4}",
        truth.len(),
        found.len(),
        true_found as f64 / found.len().max(1) as f64,
        true_found as f64 / truth.len().max(1) as f64,
    )
}
