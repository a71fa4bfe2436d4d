//! Every diagnostic code the source writes is listed, with its meaning, in
//! `schemas/diagnostics.toml` (and so in the data dictionary), and every code listed
//! there is still written somewhere.

use jixiao::schema::Catalog;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;

/// The codes written by `src/`: the second argument of each `Diagnostic::new`, and the
/// codes a read error is mapped to (`let code = match error { … }`).
fn codes_in_source() -> BTreeSet<String> {
    let diagnostic = Regex::new(r#"Diagnostic::new\(\s*[^,()]+,\s*"([a-z_]+)""#).unwrap();
    let mapping = Regex::new(r"(?s)let code = match [^{]*\{(.*?)\};").unwrap();
    let literal = Regex::new(r#""([a-z_]+)""#).unwrap();
    let mut codes = BTreeSet::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        codes.extend(diagnostic.captures_iter(&text).map(|c| c[1].to_string()));
        for arms in mapping.captures_iter(&text) {
            codes.extend(literal.captures_iter(&arms[1]).map(|c| c[1].to_string()));
        }
    }
    codes
}

#[test]
fn every_diagnostic_code_is_documented_and_every_documented_code_is_written() {
    let catalog = Catalog::builtin();
    let table = catalog.table("diagnostics").unwrap();
    let column = &table.columns[table.column_index("code").unwrap()];
    let documented: BTreeSet<String> = column.values.iter().map(|(v, _)| v.clone()).collect();
    let written = codes_in_source();
    // The source's own codes are found at all (the patterns still fit the code).
    for known in [
        "truncated_table",
        "unmapped_cell",
        "legacy_format",
        "undecodable_bytes",
    ] {
        assert!(written.contains(known), "{known} not found in src/");
    }
    let undocumented: Vec<_> = written.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "codes written but not listed in schemas/diagnostics.toml: {undocumented:?}"
    );
    let unwritten: Vec<_> = documented.difference(&written).collect();
    assert!(
        unwritten.is_empty(),
        "codes listed in schemas/diagnostics.toml but written nowhere: {unwritten:?}"
    );
}
