//! `jixiao dups` on the seed: the boilerplate the brief describes must be found.

use polars::prelude::{ParquetReader, SerReader};
use std::path::Path;
use std::process::Command;

fn jixiao(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .unwrap()
}

fn table(dir: &Path, name: &str) -> polars::prelude::DataFrame {
    let path = dir.join("dups").join(name).join("part-00000.parquet");
    ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap()
}

fn strings(frame: &polars::prelude::DataFrame, column: &str) -> Vec<String> {
    frame
        .column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

/// The seed's dataset, extracted into `dir/out`.
fn extract_seed(dir: &Path) -> std::path::PathBuf {
    extract(&[&corpus_file("seed/000_154ac4639b0e3315.txt")], dir)
}

/// A file of the bundled corpus.
fn corpus_file(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(path)
}

/// Extracts `inputs` into `dir/out`; returns that dataset's directory.
fn extract(inputs: &[&Path], dir: &Path) -> std::path::PathBuf {
    let out = dir.join("out");
    let mut args = vec!["extract"];
    args.extend(inputs.iter().map(|p| path_str(p)));
    args.extend(["-o", path_str(&out), "-q"]);
    run_ok(&args);
    out
}

/// Runs `dups` on the dataset `out`; returns the (cluster_id, similarity) of every member
/// of `table_clusters` that is the `project_seq`-th project of its document.
fn table_clusters_of_project(out: &Path, project_seq: i32) -> Vec<(i64, f64)> {
    run_ok(&["dups", path_str(out), "-q"]);
    table_cluster_members(out)
        .into_iter()
        .filter(|m| m.1 == project_seq)
        .map(|(id, _, similarity)| (id, similarity))
        .collect()
}

/// The rows of `table_clusters` in `dir/dups`: (cluster_id, project_seq, similarity).
fn table_cluster_members(dir: &Path) -> Vec<(i64, i32, f64)> {
    let clusters = table(dir, "table_clusters");
    let column = |name: &str| clusters.column(name).unwrap().clone();
    let (ids, seqs, similarities) = (
        column("cluster_id"),
        column("project_seq"),
        column("similarity"),
    );
    let (ids, seqs, similarities) = (
        ids.i64().unwrap(),
        seqs.i32().unwrap(),
        similarities.f64().unwrap(),
    );
    (0..clusters.height())
        .map(|i| {
            (
                ids.get(i).unwrap(),
                seqs.get(i).unwrap(),
                similarities.get(i).unwrap(),
            )
        })
        .collect()
}

/// Runs jixiao with `args` and requires it to succeed.
fn run_ok(args: &[&str]) {
    let run = jixiao(args);
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `docs` planted synthetic documents with `seed`, written to `dir/corpus` and
/// extracted to `dir/out`; returns both.
fn planted_dataset(dir: &Path, docs: u32, seed: u32) -> (std::path::PathBuf, std::path::PathBuf) {
    let corpus = dir.join("corpus");
    let (docs, seed) = (docs.to_string(), seed.to_string());
    run_ok(&[
        "synth",
        "--planted",
        "--docs",
        &docs,
        "--seed",
        &seed,
        "-o",
        path_str(&corpus),
    ]);
    let out = extract(&[&corpus.join("docs")], dir);
    (corpus, out)
}

#[test]
fn the_seed_has_one_table_pasted_into_four_projects() {
    let dir = tempfile::tempdir().unwrap();
    let out = extract_seed(dir.path());
    let run = jixiao(&["dups", out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        report.contains("1 clusters (1 across differently named projects"),
        "{report}"
    );

    let clusters = table(&out, "table_clusters");
    let seqs: Vec<i32> = clusters
        .column("project_seq")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(seqs, [1, 2, 4, 5], "projects 1, 2, 4 and the cut-off 5");
    assert!(clusters
        .column("template_reuse")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .all(|v| v == Some(true)));
    assert!(strings(&clusters, "project_name").contains(&"车辆保险费".to_string()));
    let doc_id = &strings(&clusters, "doc_id")[0];
    let member_lines: Vec<&str> = report
        .lines()
        .filter(|line| line.trim_start().starts_with("cluster "))
        .collect();
    assert_eq!(member_lines.len(), 4, "{report}");

    assert!(
        member_lines
            .iter()
            .all(|line| line.contains(doc_id.as_str())),
        "each member names its document: {report}"
    );

    let groups = table(&out, "row_groups");
    let widest: Vec<i64> = groups
        .column("n_projects")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .flatten()
        .take(5)
        .collect();
    assert_eq!(
        widest, [4; 5],
        "five rows stand in all four projects (the cut-off table has the first five)"
    );
    assert!(strings(&groups, "value_raw").contains(&"59人".to_string()));

    let texts = table(&out, "text_clusters");
    let fields = strings(&texts, "field");
    let bodies = strings(&texts, "text");
    let pasted: Vec<&str> = fields
        .iter()
        .zip(&bodies)
        .filter(|(f, _)| *f == "paragraph")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        pasted,
        [
            "绩效目标是维护党纪国法尊严，坚决惩处腐败分子，有效遏制腐败现象。",
            "职责目标是维护党纪国法尊严，坚决惩处腐败分子，有效遏制腐败现象。"
        ],
        "duty 3's goal paragraphs differ by one word"
    );
    assert!(fields.iter().any(|f| f == "description"));

    let flags = table(&out, "flags");
    let codes = strings(&flags, "code");
    let messages = strings(&flags, "message");
    let rate = codes
        .iter()
        .position(|c| c == "rate_with_count")
        .expect("the 2人 accuracy rate is flagged");
    assert!(messages[rate].contains("工资及保险发放准确率") && messages[rate].contains("2人"));
    let project: Vec<i32> = flags
        .column("project_seq")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let seq: Vec<i32> = flags
        .column("seq")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(
        (project[rate], seq[rate]),
        (3, 2),
        "flags join to indicators by (project_seq, seq)"
    );
    let placeholders = codes.iter().filter(|c| *c == "placeholder").count();
    assert!(placeholders >= 18, "是/否 left as a target");
    let by_kind = format!(
        "Implausible targets (by kind): placeholder {placeholders}, rate_with_count {}",
        codes.len() - placeholders
    );
    assert!(
        report.contains(&by_kind),
        "the summary counts the table: {report}"
    );
}

#[test]
fn a_cut_off_table_in_two_copies_of_a_document_still_lies_inside_the_template() {
    // The seed as text and as DOCX: both copies' fifth project ends in the same cut-off
    // row, which must not count as one of the template's rows because it stands twice.
    let dir = tempfile::tempdir().unwrap();
    let out = extract(
        &[
            &corpus_file("seed/000_154ac4639b0e3315.txt"),
            &corpus_file("docx/seed.docx"),
        ],
        dir.path(),
    );
    let cut_off = table_clusters_of_project(&out, 5);
    let members = table_cluster_members(&out);
    assert_eq!(cut_off, [(1, 1.0), (1, 1.0)], "{members:?}");
    let in_first = members.iter().filter(|m| m.0 == 1).count();
    assert_eq!(in_first, 8, "four projects in each copy: {members:?}");
}

#[test]
fn two_copies_of_a_table_cut_off_where_no_complete_copy_exists_match_each_other() {
    // The seed cut inside project 3, whose indicator table stands nowhere else, once with
    // LF and once with CRLF line ends: no row of the two cut-off tables is in a complete
    // table, so they are matched to each other as they are.
    let seed = std::fs::read_to_string(corpus_file("seed/000_154ac4639b0e3315.txt")).unwrap();
    let cut = seed.find("\t通过日常工作稳定运转\n").unwrap() + "\t通过日常工作稳定运转\n".len();
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("lf.txt"), &seed[..cut]).unwrap();
    std::fs::write(corpus.join("crlf.txt"), seed[..cut].replace('\n', "\r\n")).unwrap();
    let out = extract(&[&corpus], dir.path());
    let cut_off = table_clusters_of_project(&out, 3);
    let members = table_cluster_members(&out);
    assert_eq!(cut_off.len(), 2, "{members:?}");
    assert_eq!(cut_off[0].0, cut_off[1].0, "one cluster: {members:?}");
    assert!(cut_off.iter().all(|&(_, s)| s == 1.0), "{members:?}");
}

#[test]
fn a_directory_that_is_not_a_dataset_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let run = jixiao(&["dups", dir.path().to_str().unwrap()]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("has no `documents` table"));
}

#[test]
fn text_search_counts_places_by_district_and_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = extract_seed(dir.path());
    let run = jixiao(&["dups", out.to_str().unwrap(), "--text", "支付公用经费人"]);
    assert!(run.status.success());
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        report.contains("8 places"),
        "4 projects × name and description: {report}"
    );
    assert!(report.contains("山海关区 2021: 8"), "{report}");
    let nothing = jixiao(&["dups", out.to_str().unwrap(), "--text", "高速公路建设"]);
    assert!(String::from_utf8_lossy(&nothing.stdout).contains("0 places"));
}

#[test]
fn the_html_report_stands_alone_and_links_to_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = extract_seed(dir.path());
    assert!(jixiao(&["dups", out.to_str().unwrap(), "-q"])
        .status
        .success());
    let html = std::fs::read_to_string(out.join("dups/report.html")).unwrap();
    for external in ["http://", "https://", "<script src", "<link"] {
        assert!(
            !html.contains(external),
            "the report needs nothing from outside: {external}"
        );
    }
    assert!(html.contains("1 clusters of reused indicator tables"));
    assert!(html.contains("template reuse") && html.contains("车辆保险费"));
    assert!(html.contains("工资及保险发放准确率 = 2人"));
    assert!(
        html.contains("file://") && html.contains("000_154ac4639b0e3315.txt"),
        "members link to their source"
    );
    assert!(
        html.contains("<td>山海关区</td><td>2021</td><td>1</td>"),
        "counts by district and year"
    );
    if let Some(dom) = chromium_dom(&out.join("dups/report.html")) {
        // What a browser shows, not only what the file says.
        assert!(dom.contains("Duplicated indicator boilerplate"), "{dom}");
        assert!(dom.contains("区委巡察专项经费"));
    }
}

/// The DOM headless Chromium renders for a file, where Chromium is installed.
fn chromium_dom(path: &Path) -> Option<String> {
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!("file://{}", path.display()))
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn planted_copies_are_found_and_near_misses_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, out) = planted_dataset(dir.path(), 160, 5);
    run_ok(&["dups", path_str(&out), "-q"]);
    let planted = std::fs::read_to_string(corpus.join("truth/planted.tsv")).unwrap();
    let plants: Vec<Vec<&str>> = planted
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let clusters = |name: &str, field: Option<&str>| -> Vec<(i64, String)> {
        let frame = table(&out, name);
        let ids: Vec<i64> = frame
            .column("cluster_id")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect();
        let fields = field.map(|_| strings(&frame, "field"));
        ids.into_iter()
            .zip(strings(&frame, "project_code"))
            .enumerate()
            .filter(|(row, _)| {
                fields
                    .as_ref()
                    .is_none_or(|f| Some(f[*row].as_str()) == field)
            })
            .map(|(_, member)| member)
            .collect()
    };
    let together = |members: &[(i64, String)], a: &str, b: &str| {
        members
            .iter()
            .filter(|(_, code)| code == a)
            .any(|(id, _)| members.iter().any(|(other, code)| other == id && code == b))
    };
    let tables = clusters("table_clusters", None);
    let purposes = clusters("text_clusters", Some("purpose"));
    let mut kinds = std::collections::BTreeSet::new();
    for plant in &plants {
        let (kind, source, target) = (plant[0], plant[2], plant[4]);
        kinds.insert(kind);
        let (table_found, purpose_found) = (
            together(&tables, source, target),
            together(&purposes, source, target),
        );
        match kind {
            "exact" | "reordered" => assert!(table_found && purpose_found, "{plant:?}"),
            "edited" => assert!(purpose_found, "{plant:?}"),
            "decoy" => assert!(!table_found && !purpose_found, "{plant:?}"),
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(kinds.len(), 4, "every kind planted: {kinds:?}");
}

#[test]
fn one_table_pasted_into_a_thousand_projects_is_one_cluster() {
    // 250 documents, each the seed after a blank line of its own length (so with its own
    // doc_id): 1,000 projects carry the seed's pasted table, cut-off copies included.
    // Identical tables are joined before LSH; this checks that the joined clusters come
    // out whole and apart (it does not measure what the joining saves).
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let seed = std::fs::read_to_string(corpus_file("seed/000_154ac4639b0e3315.txt")).unwrap();
    for i in 0..250 {
        std::fs::write(
            docs.join(format!("{i:03}.txt")),
            format!("{}\n{seed}", " ".repeat(i + 1)),
        )
        .unwrap();
    }
    let out = extract(&[&docs], dir.path());
    run_ok(&["dups", path_str(&out), "-q"]);
    let clusters = table(&out, "table_clusters");
    let ids: Vec<i64> = clusters
        .column("cluster_id")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let members = |cluster: i64| ids.iter().filter(|&&id| id == cluster).count();
    assert_eq!(members(1), 1000, "projects 1, 2, 4 and 5 of every copy");
    assert_eq!(
        members(2),
        250,
        "project 3 of every copy, a table of its own"
    );
    assert_eq!(ids.len(), 1250);
}

#[test]
fn findings_do_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = planted_dataset(dir.path(), 120, 9);
    let tables = ["row_groups", "table_clusters", "text_clusters", "flags"];
    let mut runs = Vec::new();
    for threads in ["1", "2"] {
        let run = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["dups", path_str(&out), "-q"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        runs.push(tables.map(|t| table(&out, t)));
    }
    for (t, name) in tables.iter().enumerate() {
        assert!(runs[0][t].height() > 0, "{name} found something");
        assert!(
            runs[0][t].equals_missing(&runs[1][t]),
            "{name} differs between 1 and 2 threads"
        );
    }
}
