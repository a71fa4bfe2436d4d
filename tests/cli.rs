//! The `jixiao` binary as a user runs it: arguments, exit codes, messages, and the
//! Parquet dataset it leaves behind.

use polars::prelude::{DataType, ParquetReader, SerReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("run jixiao")
}

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seed/000_154ac4639b0e3315.txt")
}

fn read_table(out: &Path, table: &str) -> polars::prelude::DataFrame {
    let dir = out.join(table);
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    parts.sort();
    assert_eq!(parts.len(), 1, "{table}: {parts:?}");
    assert!(parts[0].to_string_lossy().ends_with(".parquet"));
    ParquetReader::new(std::fs::File::open(&parts[0]).unwrap())
        .finish()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn extract_writes_every_table_with_schema_types() {
    let out = tempfile::tempdir().unwrap();
    let output = jixiao(&[
        "extract",
        seed().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("1 documents (0 ok, 1 partial, 0 failed)"),
        "{err}"
    );
    assert!(err.contains("indicators 42"), "{err}");
    assert!(
        err.contains("truncated_table"),
        "the cut-off file is named: {err}"
    );

    let catalog = jixiao::schema::Catalog::builtin();
    for table in &catalog.tables {
        let frame = read_table(out.path(), &table.name);
        let names: Vec<String> = frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let wanted: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        assert_eq!(names, wanted, "{}", table.name);
    }
    let projects = read_table(out.path(), "projects");
    assert_eq!(projects.height(), 5);
    assert!(matches!(
        projects.column("budget_total").unwrap().dtype(),
        DataType::Decimal(20, 2)
    ));
    let indicators = read_table(out.path(), "indicators");
    assert_eq!(indicators.height(), 42);
    assert_eq!(indicators.column("seq").unwrap().dtype(), &DataType::Int32);
    assert_eq!(
        indicators.column("value_num").unwrap().dtype(),
        &DataType::Float64
    );
    let empty_table_still_has_a_file = read_table(out.path(), "documents");
    assert_eq!(empty_table_still_has_a_file.height(), 1);
}

#[test]
fn parquet_files_carry_the_schema_version() {
    let out = tempfile::tempdir().unwrap();
    let output = jixiao(&[
        "extract",
        seed().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "-q",
    ]);
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "--quiet prints nothing: {}",
        stderr(&output)
    );
    let file = std::fs::read(out.path().join("indicators/part-00000.parquet")).unwrap();
    let version = jixiao::schema::Catalog::builtin().version;
    let haystack = String::from_utf8_lossy(&file);
    assert!(haystack.contains("jixiao.schema_version") && haystack.contains(&version));
}

#[test]
fn a_broken_document_does_not_stop_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(seed(), dir.path().join("a_seed.txt")).unwrap();
    let mut legacy = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    legacy.extend_from_slice(&[0; 512]);
    std::fs::write(dir.path().join("b_old.doc"), legacy).unwrap();
    std::fs::write(dir.path().join("c_notes.txt"), "hello\n").unwrap();
    std::fs::write(dir.path().join("d_image.png"), [0x89, b'P', b'N', b'G']).unwrap();
    let out = dir.path().join("out");
    let output = jixiao(&[
        "extract",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("b_old.doc: legacy_format"), "{err}");
    assert!(
        err.contains("soffice --headless --convert-to docx"),
        "{err}"
    );
    assert!(err.contains("1 other files skipped"), "{err}");
    let documents = read_table(&out, "documents");
    assert_eq!(documents.height(), 3);
    let status: Vec<Option<&str>> = documents
        .column("status")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(status, [Some("partial"), Some("failed"), Some("failed")]);
}

#[test]
fn one_thread_and_two_threads_write_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..6 {
        std::fs::copy(seed(), dir.path().join(format!("doc{i}.txt"))).unwrap();
    }
    let run = |jobs: &str| {
        let out = dir.path().join(format!("out{jobs}"));
        let output = jixiao(&[
            "extract",
            dir.path().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-j",
            jobs,
            "-q",
        ]);
        assert!(output.status.success());
        out
    };
    let (one, two) = (run("1"), run("2"));
    for table in ["documents", "indicators", "diagnostics", "paragraphs"] {
        let (a, b) = (read_table(&one, table), read_table(&two, table));
        assert!(
            a.equals_missing(&b),
            "{table} differs between --jobs 1 and --jobs 2"
        );
    }
}

#[test]
fn unusable_arguments_fail_with_a_clear_message() {
    let missing = jixiao(&["extract", "/no/such/input", "--out", "/tmp/x"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("/no/such/input"),
        "{}",
        stderr(&missing)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a_file");
    std::fs::write(&file, "").unwrap();
    let blocked = jixiao(&[
        "extract",
        seed().to_str().unwrap(),
        "--out",
        file.join("out").to_str().unwrap(),
    ]);
    assert!(!blocked.status.success());
    assert!(
        stderr(&blocked).contains("cannot create output directory"),
        "{}",
        stderr(&blocked)
    );

    let no_out = jixiao(&["extract", seed().to_str().unwrap()]);
    assert_eq!(no_out.status.code(), Some(2), "clap's usage error");
}

#[test]
fn rerunning_replaces_the_dataset() {
    let out = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = jixiao(&[
            "extract",
            seed().to_str().unwrap(),
            "-o",
            out.path().to_str().unwrap(),
            "-q",
        ]);
        assert!(output.status.success());
    }
    assert_eq!(read_table(out.path(), "indicators").height(), 42);
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn schema_prints_tables_and_the_data_dictionary() {
    let listing = jixiao(&["schema"]);
    assert!(listing.status.success());
    let text = String::from_utf8(listing.stdout).unwrap();
    assert!(text.contains("value_raw") && text.contains("指标值"));
    let markdown = jixiao(&["schema", "--markdown"]);
    let md = String::from_utf8(markdown.stdout).unwrap();
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/DATA_DICTIONARY.md"),
    )
    .unwrap();
    assert_eq!(md, committed, "docs/DATA_DICTIONARY.md is stale: run `jixiao schema --markdown -o docs/DATA_DICTIONARY.md`");
}

#[test]
fn inspect_shows_blocks_records_and_diagnostics() {
    let output = jixiao(&["inspect", seed().to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("{TC \"总体绩效目标\" \\f A \\l 1}"),
        "fields are shown"
    );
    assert!(
        text.contains("| ↑ | 质量指标 | 办公设备正常运行率"),
        "merged cells are marked"
    );
    assert!(text.contains("== indicators (42)"));
    assert!(text.contains("truncated_table"));
}
