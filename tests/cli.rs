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

/// Every part file of a table, in path order (year partitions, then part number).
fn part_files(out: &Path, table: &str) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = walkdir::WalkDir::new(out.join(table))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    parts.sort();
    for part in &parts {
        let partition = part
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(partition.starts_with("year="), "{}", part.display());
        assert!(
            part.to_string_lossy().ends_with(".parquet"),
            "{}",
            part.display()
        );
    }
    parts
}

/// A table's rows, all partitions stacked (the `year` partition column is not in files).
fn read_table(out: &Path, table: &str) -> polars::prelude::DataFrame {
    let mut frames = part_files(out, table).into_iter().map(|p| {
        ParquetReader::new(std::fs::File::open(p).unwrap())
            .finish()
            .unwrap()
    });
    let mut all = frames.next().expect("at least one part file");
    for frame in frames {
        all.vstack_mut(&frame).unwrap();
    }
    all
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
        let wanted: Vec<String> = table
            .columns
            .iter()
            .map(|c| c.name.clone())
            .filter(|n| n != "year")
            .collect();
        assert_eq!(
            names, wanted,
            "{}: every column but the partition column",
            table.name
        );
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
    let documents = read_table(out.path(), "documents");
    assert_eq!(documents.height(), 1);
    assert_eq!(
        part_files(out.path(), "indicators")[0]
            .parent()
            .unwrap()
            .file_name()
            .unwrap(),
        "year=2021"
    );
    let empty = part_files(out.path(), "duties");
    assert_eq!(empty.len(), 1, "tables without rows have one file");
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
    let file = std::fs::read(out.path().join("indicators/year=2021/part-00000.parquet")).unwrap();
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
    assert_eq!(blocked.status.code(), Some(1));
    let message = stderr(&blocked);
    assert!(
        message.contains("cannot create output directory"),
        "{message}"
    );
    assert_eq!(
        message.matches("os error").count(),
        1,
        "the cause, once: {message}"
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
    assert_eq!(
        leftovers,
        [".jixiao-run"],
        "only the run stamp is hidden there"
    );
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

/// Every row of a table as text, sorted: for comparing datasets whose row order differs.
/// (column, whether it has a dictionary page) over the string columns of every part file
/// of `table` in the dataset `out`.
fn string_column_encodings(out: &Path, table: &str) -> std::collections::BTreeSet<(String, bool)> {
    use polars_parquet::parquet::read::read_metadata;
    use polars_parquet::parquet::schema::types::PhysicalType;
    let mut seen = std::collections::BTreeSet::new();
    for path in jixiao::write::part_files(&out.join(table)) {
        let metadata = read_metadata(&mut std::fs::File::open(&path).unwrap()).unwrap();
        for group in &metadata.row_groups {
            for column in group.parquet_columns() {
                if column.physical_type() == PhysicalType::ByteArray {
                    let name = column.descriptor().path_in_schema.join(".");
                    seen.insert((name, column.dictionary_page_offset().is_some()));
                }
            }
        }
    }
    seen
}

fn sorted_rows(out: &Path, table: &str) -> Vec<String> {
    let frame = read_table(out, table);
    let mut rows: Vec<String> = (0..frame.height())
        .map(|i| {
            frame
                .columns()
                .iter()
                .map(|c| format!("{}", c.get(i).unwrap()))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn shards_copied_together_equal_one_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("docs");
    std::fs::create_dir_all(&corpus).unwrap();
    for index in 0..24 {
        let file = jixiao::synth::generate(11, index);
        let name = file.path.replace('/', "_");
        std::fs::write(corpus.join(name), file.bytes).unwrap();
    }
    let full = dir.path().join("full");
    let output = jixiao(&[
        "extract",
        corpus.to_str().unwrap(),
        "-o",
        full.to_str().unwrap(),
        "-q",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let combined = dir.path().join("combined");
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        let shard = format!("{k}/3");
        let output = jixiao(&[
            "extract",
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--shard",
            &shard,
            "-q",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        // `cp -r shardK/. combined/`: part files carry the shard in their names.
        for entry in walkdir::WalkDir::new(&out) {
            let entry = entry.unwrap();
            let target = combined.join(entry.path().strip_prefix(&out).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else if entry.file_name().to_string_lossy().starts_with('.') {
                // The run stamp: the same in every shard.
                std::fs::copy(entry.path(), &target).unwrap();
            } else {
                assert!(
                    !target.exists(),
                    "{} written by two shards",
                    target.display()
                );
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    for table in [
        "documents",
        "projects",
        "indicators",
        "spending_plan",
        "project_goals",
    ] {
        let (a, b) = (sorted_rows(&full, table), sorted_rows(&combined, table));
        assert!(!a.is_empty());
        assert_eq!(a, b, "{table}");
    }
    let bad = jixiao(&[
        "extract",
        corpus.to_str().unwrap(),
        "-o",
        full.to_str().unwrap(),
        "--shard",
        "4/3",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("not a shard"), "{}", stderr(&bad));
}

/// Writes generated document `index` of `seed` into `corpus` as `docNN.txt` or `.docx`.
fn write_generated(corpus: &Path, index: u64, seed: u64) {
    let file = jixiao::synth::generate(seed, index);
    let ext = if file.path.ends_with(".docx") {
        "docx"
    } else {
        "txt"
    };
    std::fs::write(corpus.join(format!("doc{index:02}.{ext}")), file.bytes).unwrap();
}

/// Twelve generated documents in `DIR/docs`.
fn twelve_documents(dir: &Path) -> PathBuf {
    let corpus = dir.join("docs");
    std::fs::create_dir_all(&corpus).unwrap();
    for index in 0..12 {
        write_generated(&corpus, index, 5);
    }
    corpus
}

/// What an incremental run has to catch up with: one file of [`twelve_documents`]
/// changes, one disappears, one is new.
fn change_one_remove_one_add_one(corpus: &Path) {
    let find = |name: &str| {
        std::fs::read_dir(corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(name))
            .unwrap()
    };
    std::fs::remove_file(find("doc03")).unwrap();
    write_generated(corpus, 3, 99);
    std::fs::remove_file(find("doc05")).unwrap();
    write_generated(corpus, 12, 5);
}

#[test]
fn an_incremental_run_equals_a_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = twelve_documents(dir.path());
    let out = dir.path().join("out");
    let run = |extra: &[&str], out: &Path| {
        let mut args = vec![
            "extract",
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let output = jixiao(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        stderr(&output)
    };
    run(&[], &out);
    change_one_remove_one_add_one(&corpus);

    let again = run(&[], &out);
    assert!(
        again.contains("2 documents")
            && again.contains("10 unchanged")
            && again.contains("2 of its documents replaced or removed"),
        "{again}"
    );
    let full = dir.path().join("full");
    run(&["--force"], &full);
    for table in [
        "documents",
        "projects",
        "indicators",
        "spending_plan",
        "project_goals",
        "paragraphs",
        "diagnostics",
    ] {
        assert_eq!(
            sorted_rows(&out, table),
            sorted_rows(&full, table),
            "{table}"
        );
        // Files rewritten without the changed documents' rows keep the declared encodings.
        assert_eq!(
            string_column_encodings(&out, table),
            string_column_encodings(&full, table),
            "{table}"
        );
    }
    let indicators = string_column_encodings(&out, "indicators");
    assert!(
        indicators.contains(&("doc_id".to_string(), false)),
        "{indicators:?}"
    );
    assert!(
        indicators.contains(&("level1".to_string(), true)),
        "{indicators:?}"
    );
    let forced = run(&["--force"], &out);
    assert!(
        forced.contains("12 documents") && forced.contains("0 unchanged"),
        "{forced}"
    );
    assert_eq!(
        sorted_rows(&out, "indicators"),
        sorted_rows(&full, "indicators")
    );
}

/// Copies the directory tree `from` to `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn hidden_entries(out: &Path) -> Vec<String> {
    let mut hidden: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    hidden.sort();
    hidden
}

#[test]
fn a_run_killed_while_publishing_its_files_is_completed_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = twelve_documents(dir.path());
    let base = dir.path().join("base");
    let run = |out: &Path, extra: &[&str], exit_after: Option<usize>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_jixiao"));
        command
            .args([
                "extract",
                corpus.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .args(extra);
        if let Some(operations) = exit_after {
            command.env(
                "JIXIAO_TEST_EXIT_AFTER_COMMIT_OPERATIONS",
                operations.to_string(),
            );
        }
        command.output().unwrap()
    };
    assert!(run(&base, &["-q"], None).status.success());
    change_one_remove_one_add_one(&corpus);
    let full = dir.path().join("full");
    assert!(run(&full, &["-q"], None).status.success());
    let tables: Vec<String> = jixiao::schema::Catalog::builtin()
        .tables
        .iter()
        .map(|t| t.name.clone())
        .collect();

    let assert_like_full = |out: &Path, case: &str| {
        for table in &tables {
            assert_eq!(
                sorted_rows(out, table),
                sorted_rows(&full, table),
                "{case}: {table}"
            );
        }
        assert_eq!(hidden_entries(out), [".jixiao-run"], "{case}");
    };

    // An incremental run, then a forced one, killed after each operation of their commit
    // in turn (rewriting, removing and moving in files; moving tables aside and in).
    for mode in [&[][..], &["--force"][..]] {
        let mut killed = 0;
        for exit_after in 0.. {
            let out = dir.path().join(format!("out{}-{exit_after}", mode.len()));
            copy_tree(&base, &out);
            let stopped = run(&out, mode, Some(exit_after));
            if stopped.status.success() {
                break;
            }
            killed += 1;
            assert_eq!(stopped.status.code(), Some(137), "{}", stderr(&stopped));
            let Ok(journal) = std::fs::read(out.join(".jixiao-commit")) else {
                // Killed once the journal was removed, before the staging directory: the
                // commit is whole, and the next run clears what is left.
                let next = run(&out, &[], None);
                assert!(stderr(&next).contains(" 0 documents"), "{}", stderr(&next));
                assert_like_full(&out, &format!("{mode:?} killed after {exit_after}"));
                continue;
            };
            let journal: serde_json::Value = serde_json::from_slice(&journal).unwrap();
            let operations = journal["operations"].as_array().unwrap().len();

            if exit_after == 1 {
                // Copied elsewhere, journal and all (as a shard's output might be), the
                // journal is refused there rather than replayed on files not its own.
                let copy = dir.path().join(format!("copy{}", mode.len()));
                copy_tree(&out, &copy);
                let refused = run(&copy, &[], None);
                assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
                assert!(
                    stderr(&refused).contains("written in another directory"),
                    "{}",
                    stderr(&refused)
                );
            }
            if exit_after % 3 == 0 && exit_after < operations {
                // Killed again while it finishes the first one's commit, one operation on.
                let again = run(&out, &[], Some(exit_after + 1));
                assert_eq!(again.status.code(), Some(137), "{}", stderr(&again));
            }

            let next = run(&out, &[], None);
            let said = stderr(&next);
            assert!(next.status.success(), "{said}");
            assert!(
                said.contains("finished publishing the files of an interrupted run"),
                "{said}"
            );
            // Nothing was left to extract again: the commit was made whole.
            assert!(
                said.contains(" 0 documents") && said.contains("12 unchanged"),
                "{mode:?} killed after {exit_after}: {said}"
            );
            assert_like_full(&out, &format!("{mode:?} killed after {exit_after}"));
        }
        assert!(killed >= tables.len(), "{mode:?}: {killed} operations");
    }
}

#[test]
fn a_killed_run_leaves_nothing_a_reader_would_load() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("docs");
    std::fs::create_dir_all(&corpus).unwrap();
    for index in 0..400 {
        let file = jixiao::synth::generate(3, index);
        std::fs::write(corpus.join(file.path.replace('/', "_")), file.bytes).unwrap();
    }
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "extract",
            corpus.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
            "-j",
            "1",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let status = child.wait().unwrap();
    if !status.success() {
        // Killed mid-run: no table directory has appeared, only the hidden staging area.
        let visible: Vec<String> = std::fs::read_dir(&out)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        assert!(visible.is_empty(), "a killed run published {visible:?}");
    }
    let output = jixiao(&[
        "extract",
        corpus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read_table(&out, "documents").height(), 400);
    assert_eq!(
        hidden_entries(&out),
        [".jixiao-run"],
        "no stale staging left behind"
    );
}

#[test]
fn another_vocabulary_makes_an_incremental_run_extract_everything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let seed = seed();
    let first = jixiao(&[
        "extract",
        seed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(first.status.success());
    let same = jixiao(&[
        "extract",
        seed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(stderr(&same).contains("1 unchanged"), "{}", stderr(&same));
    let vocab = dir.path().join("vocab.toml");
    let text = jixiao::extract::vocab::BUILTIN.replace("\"预算数\",", "\"预算数\", \"预算总额\",");
    std::fs::write(&vocab, text).unwrap();
    let other = jixiao(&[
        "extract",
        seed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--vocab",
        vocab.to_str().unwrap(),
    ]);
    let err = stderr(&other);
    assert!(
        err.contains("extracting everything again") && err.contains("0 unchanged"),
        "{err}"
    );
}

#[test]
fn the_binary_runs_with_its_allocator_options() {
    // jemalloc prints its options on exit when asked to; options given in the environment
    // are read after the compiled-in ones, so these lines show whether those took effect.
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["schema"])
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .expect("run jixiao");
    assert!(output.status.success());
    let stats = stderr(&output);
    for option in [
        "opt.percpu_arena: \"percpu\"",
        "opt.dirty_decay_ms: 1000 ",
        "opt.lg_tcache_nslots_mul: 2\n",
        "opt.tcache_nslots_small_max: 800\n",
    ] {
        assert!(stats.contains(option), "`{option}` not among\n{stats}");
    }
}
