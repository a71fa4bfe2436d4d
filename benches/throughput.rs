//! Throughput benchmark: documents per second end to end (read → extract → Parquet) next
//! to the floor on the same files, and peak memory.
//!
//!     cargo bench --bench throughput -- [--docs N] [--jobs N] [--repeat N] [--input FILE]...
//!     cargo bench --bench throughput -- --synth 2000,20000 [--repeat N]
//!
//! The inputs (default: corpus/docx/seed.docx and the seed's text export) are copied
//! N times into a temporary directory; with `--synth`, that many documents are generated
//! (`jixiao synth`, seed 7), once all as DOCX and once all as UTF-8 text exports, and
//! each corpus is run at one thread and at all cores, every run in a process of its own
//! (so that its peak RSS is its own, not what earlier runs left in the allocator). Every
//! timing is the fastest of `--repeat` runs (default 3), the floor's too; the largest peak
//! RSS is reported. The floor for DOCX is unzipping `word/document.xml` and
//! scanning it with quick-xml doing nothing per event; for text, reading and decoding the
//! file. Both are timed on one thread over the same files.
//!
//! With `--synth`, a second table sets the speedup at all cores beside what the machine
//! itself allows: as many one-job processes as cores, side by side, each on its share of
//! the corpus (`--part K/N` of a child run), timed as the slowest of them. Each speedup
//! is given twice: from the fastest runs, and as the median over the turns of the ratio
//! of runs that followed each other, which a slow spell of the machine disturbs less.
//!
//! A last table gives each measurement's spread, its slowest run over its fastest: the
//! larger it is, the more a run's ratios tell of the machine rather than of jixiao.

mod common;

use common::{numbers_printed, peak_rss_mb, run_self, start_self, Args};
use jixiao::batch::{self, FileList, RunOptions};
use jixiao::extract::vocab::Vocab;
use jixiao::read::decode::decode;
use jixiao::schema::Catalog;
use jixiao::synth::{generate_as, Format};
use jixiao::write::DatasetWriter;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args = Args::from_env();
    if let Some(dir) = args.get("--child-run") {
        let part = args.get("--part").map(Part::parse).unwrap_or(Part::WHOLE);
        child_run(Path::new(dir), args.parse_or("--jobs", 1), part);
        return;
    }
    let docs: usize = args.parse_or("--docs", 300);
    let jobs: usize = args.parse_or("--jobs", 1);
    let repeat: usize = args.parse_or("--repeat", 3).max(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<PathBuf> = args.all("--input").into_iter().map(PathBuf::from).collect();
    if let Some(sizes) = args.get("--synth") {
        println!("| corpus | docs | jobs | floor ms/doc | jixiao ms/doc | ratio to floor | docs/s | MB/s | peak RSS MB |");
        println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        let (mut scaling, mut spreads) = (Vec::new(), Vec::new());
        for size in sizes.split(',').filter_map(|s| s.parse::<u64>().ok()) {
            for format in [Format::Docx, Format::TextUtf8] {
                let (scaling_row, spread_row) = bench_synth(size, format, repeat);
                scaling.extend(scaling_row);
                spreads.push(spread_row);
            }
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if !scaling.is_empty() {
            println!();
            println!("| corpus | docs | 1 job ms/doc | {cores} jobs ms/doc | speedup | median of turns | {cores} one-job processes ms/doc | their speedup | median of turns |");
            println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            for line in scaling {
                println!("{line}");
            }
        }
        println!();
        println!("| spread, slowest / fastest of {repeat} | docs | floor | 1 job | {cores} jobs | {cores} one-job processes |");
        println!("| --- | --- | --- | --- | --- | --- |");
        for line in spreads {
            println!("{line}");
        }
        return;
    }
    if inputs.is_empty() {
        inputs = vec![
            root.join("corpus/docx/seed.docx"),
            root.join("corpus/seed/000_154ac4639b0e3315.txt"),
        ];
    }
    println!("| input | docs | jobs | floor ms/doc | read ms/doc | read+extract ms/doc | jixiao ms/doc | ratio | docs/s | MB/s | peak RSS MB |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let spreads: Vec<String> = inputs
        .iter()
        .map(|input| bench_one(input, docs, jobs, repeat))
        .collect();
    println!();
    println!("| spread, slowest / fastest of {repeat} | floor | read | read+extract | jixiao |");
    println!("| --- | --- | --- | --- | --- |");
    for line in spreads {
        println!("{line}");
    }
}

/// Prints the input's row of the main table; returns its row of the spread table.
fn bench_one(input: &Path, docs: usize, jobs: usize, repeat: usize) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let bytes = std::fs::read(input).expect("read input");
    let extension = input.extension().and_then(|e| e.to_str()).unwrap_or("txt");
    let files: Vec<PathBuf> = (0..docs)
        .map(|i| {
            let path = dir.path().join(format!("doc{i:06}.{extension}"));
            std::fs::write(&path, &bytes).expect("write copy");
            path
        })
        .collect();
    let is_docx = bytes.starts_with(b"PK");
    let list = FileList::from_paths(&files).expect("a short list");

    let vocab = Vocab::builtin();
    let mut time_read = || {
        let start = Instant::now();
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            std::hint::black_box(
                jixiao::read::read_bytes(&bytes)
                    .map(|(_, d)| d.blocks.len())
                    .ok(),
            );
        }
        start.elapsed().as_secs_f64()
    };
    let mut time_read_extract = || {
        let start = Instant::now();
        for file in &files {
            std::hint::black_box(batch::process_file(file, &vocab).indicators.len());
        }
        start.elapsed().as_secs_f64()
    };
    let mut peak = 0f64;
    let mut time_full = || {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        reset_peak_rss();
        let (summary, seconds) = time_pipeline(&list, &vocab, &out, jobs);
        assert_eq!(summary.documents as usize, docs);
        peak = peak.max(peak_rss_mb());
        seconds
    };
    let timings = interleaved(
        repeat,
        &mut [
            &mut || time_floor(&files, is_docx),
            &mut time_read,
            &mut time_read_extract,
            &mut time_full,
        ],
    );
    let [floor, read_only, read_extract, full] = timings.fastest();

    let mb = (bytes.len() * docs) as f64 / 1e6;
    println!(
        "| {} ({} KB) | {docs} | {jobs} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.0} | {:.1} | {:.1} |",
        input.file_name().unwrap().to_string_lossy(),
        bytes.len() / 1024,
        floor * 1e3 / docs as f64,
        read_only * 1e3 / docs as f64,
        read_extract * 1e3 / docs as f64,
        full * 1e3 / docs as f64,
        full / floor,
        docs as f64 / full,
        mb / full,
        peak,
    );
    format!(
        "| {} | {} |",
        input.file_name().unwrap().to_string_lossy(),
        timings.spread_cells()
    )
}

/// Prints the corpus' rows of the main table; returns its row of the scaling table (none
/// on one core) and of the spread table.
fn bench_synth(docs: u64, format: Format, repeat: usize) -> (Option<String>, String) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let name = if format == Format::Docx {
        "docx"
    } else {
        "text"
    };
    let files: Vec<PathBuf> = (0..docs)
        .map(|i| {
            let file = generate_as(7, i, Some(format));
            let path = dir.path().join(format!(
                "{i:06}.{}",
                if format == Format::Docx {
                    "docx"
                } else {
                    "txt"
                }
            ));
            std::fs::write(&path, file.bytes).expect("write document");
            path
        })
        .collect();
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (mut peak_one, mut peak_all) = (0f64, 0f64);
    let synth_run = |jobs: usize, peak: &mut f64| {
        let (seconds, peak_mb) = run_in_child(dir.path(), jobs);
        *peak = peak.max(peak_mb);
        seconds
    };
    // What the machine itself allows: as many one-job processes as cores, each on its
    // share of the corpus, side by side, sharing nothing but the hardware. That is what
    // the threads of one process can hope for, so it tells a shortfall of jixiao's from
    // one of the machine's (shared caches and memory, a busy host).
    let separate_runs = || {
        if cores == 1 {
            return f64::NAN;
        }
        let dir = dir.path().display().to_string();
        let parts: Vec<String> = (0..cores).map(|k| format!("{k}/{cores}")).collect();
        let args: Vec<[&str; 6]> = parts
            .iter()
            .map(|part| ["--child-run", &dir, "--jobs", "1", "--part", part])
            .collect();
        let runs: Vec<_> = args.iter().map(|a| start_self(a)).collect();
        runs.into_iter()
            .zip(&args)
            .map(|(run, a)| numbers_printed(run, a)[0])
            .fold(0f64, f64::max)
    };
    let timings = interleaved(
        repeat,
        &mut [
            &mut || time_floor(&files, format == Format::Docx),
            &mut || synth_run(1, &mut peak_one),
            &mut || synth_run(cores, &mut peak_all),
            &mut || separate_runs(),
        ],
    );
    let [floor, full_one, full_all, separate] = timings.fastest();
    for (jobs, full, peak) in [(1, full_one, peak_one), (cores, full_all, peak_all)] {
        println!(
            "| synth {name} ({} KB/doc) | {docs} | {jobs} | {:.3} | {:.3} | {:.2} | {:.0} | {:.1} | {:.1} |",
            bytes / docs / 1024,
            floor * 1e3 / docs as f64,
            full * 1e3 / docs as f64,
            full / floor,
            docs as f64 / full,
            bytes as f64 / 1e6 / full,
            peak,
        );
    }
    let ms_per_doc = |seconds: f64| seconds * 1e3 / docs as f64;
    let spread = format!("| synth {name} | {docs} | {} |", timings.spread_cells());
    let scaling = (cores > 1).then(|| {
        format!(
            "| synth {name} | {docs} | {:.3} | {:.3} | {:.2} | {:.2} | {:.3} | {:.2} | {:.2} |",
            ms_per_doc(full_one),
            ms_per_doc(full_all),
            full_one / full_all,
            timings.median_ratio(1, 2),
            ms_per_doc(separate),
            full_one / separate,
            timings.median_ratio(1, 3),
        )
    });
    (scaling, spread)
}

/// Every turn's seconds, one per measurement.
struct Timings<const N: usize> {
    turns: Vec<[f64; N]>,
}

impl<const N: usize> Timings<N> {
    /// Each measurement's fastest run (infinite for one not taken, whose runs returned NaN).
    fn fastest(&self) -> [f64; N] {
        std::array::from_fn(|k| {
            self.turns
                .iter()
                .map(|t| t[k])
                .fold(f64::INFINITY, f64::min)
        })
    }

    /// Each measurement's slowest run (0 for one not taken).
    fn slowest(&self) -> [f64; N] {
        std::array::from_fn(|k| self.turns.iter().map(|t| t[k]).fold(0.0, f64::max))
    }

    /// The median over the turns of measurement `a`'s seconds over `b`'s in the same turn.
    /// The two ran seconds apart, so a slow spell of the machine lasting longer than that
    /// falls on both and cancels out, where the ratio of the fastest runs of each may set
    /// a run from a calm minute against one from a slow minute.
    fn median_ratio(&self, a: usize, b: usize) -> f64 {
        let mut ratios: Vec<f64> = self.turns.iter().map(|t| t[a] / t[b]).collect();
        ratios.sort_by(f64::total_cmp);
        match ratios.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => ratios[n / 2],
            n => (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0,
        }
    }

    /// Slowest over fastest, one table cell each (`-` for a measurement not taken, whose
    /// runs returned NaN).
    fn spread_cells(&self) -> String {
        let cells: Vec<String> = self
            .fastest()
            .iter()
            .zip(&self.slowest())
            .map(|(fast, slow)| {
                if fast.is_finite() && *slow > 0.0 {
                    format!("{:.2}", slow / fast)
                } else {
                    "-".to_string()
                }
            })
            .collect();
        cells.join(" | ")
    }
}

/// Runs each measurement `repeat` times. The runs take turns (A, B, C, A, B, C, …), so
/// that a slow spell of a shared machine falls on all of them alike, and the fastest,
/// least disturbed run is the best estimate of the work itself.
fn interleaved<const N: usize>(
    repeat: usize,
    runs: &mut [&mut dyn FnMut() -> f64; N],
) -> Timings<N> {
    let turns = (0..repeat)
        .map(|_| {
            let mut turn = [f64::NAN; N];
            for (seconds, run) in turn.iter_mut().zip(runs.iter_mut()) {
                *seconds = run();
            }
            turn
        })
        .collect();
    Timings { turns }
}

/// Seconds for the floor over all files.
fn time_floor(files: &[PathBuf], docx: bool) -> f64 {
    let start = Instant::now();
    let mut work = 0u64;
    for file in files {
        work += if docx {
            floor_docx(file)
        } else {
            floor_text(file)
        };
    }
    assert!(work > 0);
    start.elapsed().as_secs_f64()
}

/// Runs the pipeline over the documents in `dir` in a new process of this benchmark;
/// returns its seconds and peak RSS in MB.
fn run_in_child(dir: &Path, jobs: usize) -> (f64, f64) {
    let dir = dir.display().to_string();
    let jobs = jobs.to_string();
    let measured = run_self(&["--child-run", &dir, "--jobs", &jobs]);
    let [seconds, peak] = measured[..] else {
        panic!("expected seconds and peak RSS, got {measured:?}");
    };
    (seconds, peak)
}

/// A contiguous share of a corpus: the `index`-th of `count` (`--part 0/2`, `1/2`). Not
/// jixiao's `--shard`, which splits by a hash of the path so that a shard keeps its files
/// when others are added: here the processes side by side should get equal shares.
#[derive(Clone, Copy)]
struct Part {
    index: usize,
    count: usize,
}

impl Part {
    const WHOLE: Part = Part { index: 0, count: 1 };

    fn parse(text: &str) -> Part {
        let (index, count) = text.split_once('/').expect("--part K/N");
        let part = Part {
            index: index.parse().expect("--part K/N"),
            count: count.parse().expect("--part K/N"),
        };
        assert!(part.index < part.count, "--part K/N needs K < N");
        part
    }

    fn of<T>(self, items: &[T]) -> &[T] {
        let bounds = |k: usize| k * items.len() / self.count;
        &items[bounds(self.index)..bounds(self.index + 1)]
    }
}

/// The child's side of [`run_in_child`]: every document directly in `dir` (or `part` of
/// them), in name order, through the pipeline into a directory of its own under `dir`;
/// prints seconds and peak RSS in MB.
fn child_run(dir: &Path, jobs: usize, part: Part) {
    // The pipeline holds the list as `jixiao extract` does; the directory's listing goes
    // before it starts.
    let files = {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("corpus directory")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        FileList::from_paths(part.of(&paths)).expect("a short list")
    };
    let out = dir.join(format!("out{jobs}-{}of{}", part.index, part.count));
    let _ = std::fs::remove_dir_all(&out);
    let (summary, seconds) = time_pipeline(&files, &Vocab::builtin(), &out, jobs);
    assert_eq!(summary.documents as usize, files.len());
    assert_eq!(
        summary.ok, summary.documents,
        "generated documents all extract cleanly"
    );
    let _ = std::fs::remove_dir_all(&out);
    println!("{seconds} {}", peak_rss_mb());
}

/// The whole pipeline as `jixiao extract` runs it: read, extract, write Parquet.
fn time_pipeline(
    files: &FileList,
    vocab: &Vocab,
    out: &Path,
    jobs: usize,
) -> (batch::Summary, f64) {
    let mut writer = DatasetWriter::create(out, &Catalog::builtin())
        .expect("output")
        .with_worker_encoding(batch::encoding_threads(jobs));
    let options = RunOptions {
        jobs,
        ..RunOptions::default()
    };
    let start = Instant::now();
    let summary = batch::run(files, vocab, &mut writer, &options, |_| {}).expect("threads");
    writer.finish().expect("write dataset");
    (summary, start.elapsed().as_secs_f64())
}

/// Resets the peak-RSS counter (VmHWM) of this process, so each run reports its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Unzip `word/document.xml` and scan it with quick-xml, doing nothing per event.
fn floor_docx(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let part = archive.by_name("word/document.xml").unwrap();
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    let mut events = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => events += 1,
        }
        buf.clear();
    }
    events
}

/// Read and decode a text export.
fn floor_text(path: &Path) -> u64 {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    decode(&bytes).text.len() as u64
}
