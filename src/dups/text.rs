//! Near-duplicate texts: character 3-gram shingles (Chinese has no spaces between words),
//! MinHash signatures, LSH candidates, exact Jaccard, clusters.

use super::fingerprint::fold;
use super::input::TextOccurrence;
use super::minhash::{candidate_pairs, jaccard, MinHasher, UnionFind};
use super::records::TextClusterMember;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Characters per shingle.
const SHINGLE: usize = 3;

/// The sorted, deduplicated shingle hashes of folded text; a text shorter than a shingle
/// is one shingle of its own.
pub fn shingles(folded: &str) -> Vec<u64> {
    let chars: Vec<char> = folded.chars().collect();
    let hash = |piece: &[char]| {
        let text: String = piece.iter().collect();
        u64::from_le_bytes(
            blake3::hash(text.as_bytes()).as_bytes()[..8]
                .try_into()
                .expect("8 bytes"),
        )
    };
    let mut out: Vec<u64> = if chars.len() < SHINGLE {
        vec![hash(&chars)]
    } else {
        chars.windows(SHINGLE).map(hash).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Clusters of one field's texts that stand in at least two places.
pub fn clusters(
    field: &str,
    occurrences: Vec<TextOccurrence>,
    threshold: f64,
    hasher: &MinHasher,
) -> Vec<TextClusterMember> {
    // Distinct texts after folding, each with its occurrences.
    let mut distinct: BTreeMap<String, Vec<TextOccurrence>> = BTreeMap::new();
    for occurrence in occurrences {
        distinct
            .entry(fold(&occurrence.text))
            .or_default()
            .push(occurrence);
    }
    let keys: Vec<String> = distinct.keys().cloned().collect();
    let sets: Vec<Vec<u64>> = keys.iter().map(|k| shingles(k)).collect();
    let signatures: Vec<Vec<u64>> = sets.iter().map(|s| hasher.signature(s)).collect();
    let mut groups = UnionFind::new(keys.len());
    for (i, j) in candidate_pairs(&signatures) {
        if jaccard(&sets[i], &sets[j]) >= threshold {
            groups.union(i, j);
        }
    }
    let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..keys.len() {
        by_root.entry(groups.find(i)).or_default().push(i);
    }
    let places = |members: &[usize]| -> usize {
        members
            .iter()
            .flat_map(|&m| {
                distinct[&keys[m]]
                    .iter()
                    .map(|o| (o.doc_id.as_str(), o.owner))
            })
            .collect::<HashSet<_>>()
            .len()
    };
    let mut found: Vec<Vec<usize>> = by_root.into_values().filter(|m| places(m) > 1).collect();
    found.sort_by(|a, b| {
        places(b)
            .cmp(&places(a))
            .then_with(|| keys[a[0]].cmp(&keys[b[0]]))
    });
    let mut out = Vec::new();
    for (c, members) in found.iter().enumerate() {
        let mode = *members
            .iter()
            .max_by_key(|&&m| (distinct[&keys[m]].len(), std::cmp::Reverse(m)))
            .expect("non-empty");
        for &m in members {
            let similarity = jaccard(&sets[m], &sets[mode]);
            for occurrence in &distinct[&keys[m]] {
                out.push(TextClusterMember {
                    cluster_id: c as i64 + 1,
                    field: field.to_string(),
                    doc_id: occurrence.doc_id.clone(),
                    project_code: occurrence.project_code.clone(),
                    text: occurrence.text.clone(),
                    similarity,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(doc: &str, owner: i32, text: &str) -> TextOccurrence {
        TextOccurrence {
            doc_id: doc.into(),
            project_code: None,
            owner,
            text: text.into(),
        }
    }

    #[test]
    fn a_word_changed_is_still_the_same_text() {
        let texts = vec![
            at(
                "a",
                1,
                "调查中单位人员对单位环境满意和较满意的人数占调查总人数的比率",
            ),
            at(
                "b",
                1,
                "调查中单位职工对单位环境满意和较满意的人数占调查总人数的比率",
            ),
            at("c", 2, "保障本单位2名人事代理人员工资及保险按时拨付"),
        ];
        let found = clusters("description", texts, 0.7, &MinHasher::default());
        let docs: Vec<&str> = found.iter().map(|m| m.doc_id.as_str()).collect();
        assert_eq!(docs.len(), 2, "{found:?}");
        assert!(docs.contains(&"a") && docs.contains(&"b"));
        assert!(found.iter().all(|m| m.similarity > 0.7));
    }

    #[test]
    fn short_texts_are_one_shingle() {
        assert_eq!(shingles("是").len(), 1);
        assert_eq!(shingles("满意度").len(), 1);
        assert_eq!(shingles("满意度高").len(), 2);
    }
}
