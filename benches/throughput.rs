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

mod common;

use common::{peak_rss_mb, run_self, Args};
use jixiao::batch::{self, RunOptions};
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
        child_run(Path::new(dir), args.parse_or("--jobs", 1));
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
        for size in sizes.split(',').filter_map(|s| s.parse::<u64>().ok()) {
            for format in [Format::Docx, Format::TextUtf8] {
                bench_synth(size, format, repeat);
            }
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
    for input in &inputs {
        bench_one(input, docs, jobs, repeat);
    }
}

fn bench_one(input: &Path, docs: usize, jobs: usize, repeat: usize) {
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
        let (summary, seconds) = time_pipeline(&files, &vocab, &out, jobs);
        assert_eq!(summary.documents as usize, docs);
        peak = peak.max(peak_rss_mb());
        seconds
    };
    let [floor, read_only, read_extract, full] = fastest_interleaved(
        repeat,
        &mut [
            &mut || time_floor(&files, is_docx),
            &mut time_read,
            &mut time_read_extract,
            &mut time_full,
        ],
    );

    let mb = (bytes.len() * docs) as f64 / 1e6;
    println!(
        "| {} ({} KB) | {docs} | {jobs} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.0} | {:.1} | {:.0} |",
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
}

fn bench_synth(docs: u64, format: Format, repeat: usize) {
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
    let [floor, full_one, full_all] = fastest_interleaved(
        repeat,
        &mut [
            &mut || time_floor(&files, format == Format::Docx),
            &mut || synth_run(1, &mut peak_one),
            &mut || synth_run(cores, &mut peak_all),
        ],
    );
    for (jobs, full, peak) in [(1, full_one, peak_one), (cores, full_all, peak_all)] {
        println!(
            "| synth {name} ({} KB/doc) | {docs} | {jobs} | {:.3} | {:.3} | {:.2} | {:.0} | {:.1} | {:.0} |",
            bytes / docs / 1024,
            floor * 1e3 / docs as f64,
            full * 1e3 / docs as f64,
            full / floor,
            docs as f64 / full,
            bytes as f64 / 1e6 / full,
            peak,
        );
    }
}

/// The fastest of `repeat` runs of each measurement, in seconds. The runs take turns
/// (A, B, C, A, B, C, …), so that a slow spell of a shared machine falls on all of them
/// alike, and the least disturbed run is the best estimate of the work itself.
fn fastest_interleaved<const N: usize>(
    repeat: usize,
    runs: &mut [&mut dyn FnMut() -> f64; N],
) -> [f64; N] {
    let mut best = [f64::INFINITY; N];
    for _ in 0..repeat {
        for (best, run) in best.iter_mut().zip(runs.iter_mut()) {
            *best = best.min(run());
        }
    }
    best
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

/// The child's side of [`run_in_child`]: every document directly in `dir`, in name order,
/// through the pipeline into `dir/out<jobs>`; prints seconds and peak RSS in MB.
fn child_run(dir: &Path, jobs: usize) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let out = dir.join(format!("out{jobs}"));
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
    files: &[PathBuf],
    vocab: &Vocab,
    out: &Path,
    jobs: usize,
) -> (batch::Summary, f64) {
    let mut writer = DatasetWriter::create(out, &Catalog::builtin())
        .and_then(|w| w.with_encoder_threads(batch::encoder_threads(jobs)))
        .expect("output");
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
