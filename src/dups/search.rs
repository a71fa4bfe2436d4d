//! `dups --text`: where a given text, or anything near it, appears, with counts by
//! district and year.

use super::fingerprint::{fold, fold_into};
use super::input;
use super::minhash::intersection;
use super::text::shingles;
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One place the text appears.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Where: indicator name, description, goal, purpose, paragraph.
    pub field: &'static str,
    /// The occurrence.
    pub occurrence: input::TextOccurrence,
    /// Share of the query's character 3-grams found in the text (1 = all of it).
    pub containment: f64,
}

/// Places found per (district, year).
pub type CountsByPlace = BTreeMap<(String, String), usize>;

/// The places `query` appears in, and counts by (district, year).
pub fn search(dataset: &Path, query: &str, threshold: f64) -> Result<(Vec<Hit>, CountsByPlace)> {
    let wanted = fold(query);
    let wanted_shingles = shingles(&wanted);
    let mut hits = Vec::new();
    for (field, table, column, owner) in [
        ("indicator", "indicators", "level3", "project_seq"),
        ("description", "indicators", "description", "project_seq"),
        ("goal", "project_goals", "text", "project_seq"),
        ("purpose", "projects", "purpose", "seq"),
        ("paragraph", "paragraphs", "text", "seq"),
    ] {
        let mut folded = String::new();
        let mut found = Vec::new();
        input::each_text(dataset, table, column, owner, |row| {
            fold_into(row.text, &mut folded);
            let containment = if folded.contains(&wanted) {
                1.0
            } else {
                let common = intersection(&wanted_shingles, &shingles(&folded));
                common as f64 / wanted_shingles.len().max(1) as f64
            };
            if containment >= threshold {
                found.push(Hit {
                    field,
                    occurrence: input::TextOccurrence {
                        doc_id: row.doc_id.to_string(),
                        project_code: row.project_code.map(str::to_string),
                        owner: row.owner,
                        text: row.text.to_string(),
                    },
                    containment,
                });
            }
        })?;
        hits.extend(found);
    }
    let places: HashMap<String, (String, String)> = input::documents(dataset)?
        .into_iter()
        .map(|d| {
            let region = d.region.unwrap_or_else(|| "?".into());
            let year = d.year.map_or_else(|| "?".into(), |y| y.to_string());
            (d.doc_id, (region, year))
        })
        .collect();
    let mut counts = BTreeMap::new();
    for hit in &hits {
        if let Some(place) = places.get(&hit.occurrence.doc_id) {
            *counts.entry(place.clone()).or_default() += 1;
        }
    }
    Ok((hits, counts))
}
