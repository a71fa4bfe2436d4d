//! Near-duplicate texts: character 3-gram shingles (Chinese has no spaces between words),
//! MinHash band keys, LSH candidates, exact Jaccard, clusters.
//!
//! Texts are folded and interned as they are read: each distinct folded text is stored
//! once, in one arena, and each occurrence costs 12 bytes. Signatures are computed for
//! distinct texts only, in parallel, and only their band keys are kept.

use super::fingerprint::fold_into;
use super::minhash::{jaccard, mix, similar_groups, MinHasher};
use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Characters per shingle.
const SHINGLE: usize = 3;

/// The sorted, deduplicated shingles of folded text; a text shorter than a shingle is
/// one shingle of its own.
pub fn shingles(folded: &str) -> Vec<u64> {
    let mut out = Vec::new();
    shingles_into(folded, &mut out);
    out
}

/// [`shingles`] into `out` (cleared first).
fn shingles_into(folded: &str, out: &mut Vec<u64>) {
    shingles_unsorted_into(folded, out);
    out.sort_unstable();
    out.dedup();
}

/// The shingles of folded text in text order, repeats kept: all MinHash needs (a
/// minimum does not care about order or repeats). Three characters of at most 21 bits
/// each pack into one 64-bit word exactly, so shingles are compared without
/// collisions; [`mix`] spreads them before MinHash.
fn shingles_unsorted_into(folded: &str, out: &mut Vec<u64>) {
    out.clear();
    let mut window = 0u64;
    let mut seen = 0usize;
    for c in folded.chars() {
        window = ((window << 21) | u64::from(c)) & ((1 << 63) - 1);
        seen += 1;
        if seen >= SHINGLE {
            out.push(mix(window));
        }
    }
    if seen < SHINGLE {
        // Short texts: the top bit and the length keep them apart from any 3-gram.
        out.push(mix((1 << 63) | ((seen as u64) << 42) | window));
    }
}

/// Where a text stands: its document's number and its owner (project or paragraph
/// number); occurrences with the same place are one place.
pub type Place = (u32, i32);

#[derive(Clone, Copy)]
struct Occurrence {
    text: u32,
    place: Place,
}

/// Strings stored once each, in one arena, numbered in the order first seen.
#[derive(Default)]
pub struct Interner {
    arena: String,
    ends: Vec<usize>,
    /// Each string's hash, so that growing the table never hashes a string again.
    hashes: Vec<u64>,
    lookup: HashTable<u32>,
    state: FixedState,
}

impl Interner {
    /// The number of `text`, storing it if it is new.
    pub fn intern(&mut self, text: &str) -> u32 {
        let hash = self.state.hash_one(text);
        let (arena, ends) = (&self.arena, &self.ends);
        if let Some(&id) = self
            .lookup
            .find(hash, |&i| slice(arena, ends, i as usize) == text)
        {
            return id;
        }
        let id = self.ends.len() as u32;
        self.arena.push_str(text);
        self.ends.push(self.arena.len());
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.lookup.insert_unique(hash, id, |&i| hashes[i as usize]);
        id
    }

    /// String number `i`.
    pub fn get(&self, i: u32) -> &str {
        slice(&self.arena, &self.ends, i as usize)
    }

    /// Strings stored.
    pub fn count(&self) -> usize {
        self.ends.len()
    }
}

fn slice<'a>(arena: &'a str, ends: &[usize], i: usize) -> &'a str {
    &arena[if i == 0 { 0 } else { ends[i - 1] }..ends[i]]
}

/// The texts of one field, folded and interned, with their occurrences in reading order.
#[derive(Default)]
pub struct TextIndex {
    texts: Interner,
    occurrences: Vec<Occurrence>,
    folded: String,
}

/// A cluster of texts: occurrence numbers (in the order they were added) with their
/// similarity to the cluster's most frequent text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextCluster {
    pub members: Vec<(usize, f64)>,
}

impl TextIndex {
    /// Adds an occurrence of `text` at `place`.
    pub fn add(&mut self, text: &str, place: Place) {
        fold_into(text, &mut self.folded);
        let id = self.texts.intern(&self.folded);
        self.occurrences.push(Occurrence { text: id, place });
    }

    /// Occurrences added so far.
    pub fn len(&self) -> usize {
        self.occurrences.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.occurrences.is_empty()
    }

    /// Distinct folded texts.
    pub fn distinct(&self) -> usize {
        self.texts.count()
    }

    fn text(&self, i: usize) -> &str {
        self.texts.get(i as u32)
    }

    /// The place of occurrence `k`.
    pub fn place(&self, k: usize) -> Place {
        self.occurrences[k].place
    }

    /// Groups of texts at least `threshold` similar (directly or through others) that
    /// stand in at least two places: most places first, then by their smallest text.
    pub fn clusters(&self, threshold: f64) -> Vec<TextCluster> {
        let n = self.distinct();
        let hasher = MinHasher::for_threshold(threshold);
        let keys =
            hasher.all_band_keys(n, |i, buffer| shingles_unsorted_into(self.text(i), buffer));
        let mut groups = similar_groups(n, &keys, hasher.bands(), |i, j| {
            jaccard(&shingles(self.text(i)), &shingles(self.text(j))) >= threshold
        });
        drop(keys);
        // Occurrences by distinct text (counting sort): `by_text[starts[i]..starts[i + 1]]`.
        let mut starts = vec![0u32; n + 1];
        for o in &self.occurrences {
            starts[o.text as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut by_text = vec![0u32; self.occurrences.len()];
        let mut next = starts.clone();
        for (k, o) in self.occurrences.iter().enumerate() {
            by_text[next[o.text as usize] as usize] = k as u32;
            next[o.text as usize] += 1;
        }
        let occurrences_of = |i: usize| &by_text[starts[i] as usize..starts[i + 1] as usize];
        let mut candidates = groups.groups();
        let mut grouped = vec![false; n];
        for &i in candidates.iter().flatten() {
            grouped[i] = true;
        }
        // Texts that fold to nothing (punctuation only) are not the same text.
        candidates.extend(
            (0..n)
                .filter(|&i| !grouped[i] && occurrences_of(i).len() > 1 && !self.text(i).is_empty())
                .map(|i| vec![i]),
        );
        let places = |members: &[usize]| {
            let mut places: Vec<Place> = members
                .iter()
                .flat_map(|&m| occurrences_of(m).iter().map(|&k| self.place(k as usize)))
                .collect();
            places.sort_unstable();
            places.dedup();
            places.len()
        };
        let mut found: Vec<(usize, Vec<usize>)> = candidates
            .into_iter()
            .map(|mut members| {
                members.sort_by(|&a, &b| self.text(a).cmp(self.text(b)));
                (places(&members), members)
            })
            .filter(|(places, _)| *places > 1)
            .collect();
        found.sort_by(|(pa, a), (pb, b)| {
            pb.cmp(pa)
                .then_with(|| self.text(a[0]).cmp(self.text(b[0])))
        });
        found
            .into_iter()
            .map(|(_, members)| {
                let mode = *members
                    .iter()
                    .rev()
                    .max_by_key(|&&m| occurrences_of(m).len())
                    .expect("non-empty");
                let mode_shingles = shingles(self.text(mode));
                let members = members
                    .iter()
                    .flat_map(|&m| {
                        let similarity = jaccard(&shingles(self.text(m)), &mode_shingles);
                        occurrences_of(m)
                            .iter()
                            .map(move |&k| (k as usize, similarity))
                    })
                    .collect();
                TextCluster { members }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[(u32, i32, &str)]) -> TextIndex {
        let mut index = TextIndex::default();
        for &(doc, owner, text) in texts {
            index.add(text, (doc, owner));
        }
        index
    }

    #[test]
    fn a_word_changed_is_still_the_same_text() {
        let index = index(&[
            (
                0,
                1,
                "调查中单位人员对单位环境满意和较满意的人数占调查总人数的比率",
            ),
            (
                1,
                1,
                "调查中单位职工对单位环境满意和较满意的人数占调查总人数的比率",
            ),
            (2, 2, "保障本单位2名人事代理人员工资及保险按时拨付"),
        ]);
        let found = index.clusters(0.7);
        assert_eq!(found.len(), 1, "{found:?}");
        let members: Vec<usize> = found[0].members.iter().map(|m| m.0).collect();
        assert_eq!(members.len(), 2);
        assert!(members.contains(&0) && members.contains(&1));
        assert!(found[0].members.iter().all(|m| m.1 > 0.7));
    }

    #[test]
    fn folded_copies_are_one_text_and_one_place_is_no_cluster() {
        let index = index(&[
            (0, 1, "确保资金按时拨付。"),
            (0, 1, "确保资金按时拨付"),
            (1, 3, "确保资金 按时拨付"),
            (2, 1, "提高服务质量和效率"),
            (2, 1, "提高服务质量和效率"),
        ]);
        assert_eq!(index.distinct(), 2);
        let found = index.clusters(0.7);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].members,
            vec![(0, 1.0), (1, 1.0), (2, 1.0)],
            "the same text twice in one project is not a duplicate"
        );
    }

    #[test]
    fn short_texts_are_one_shingle() {
        assert_eq!(shingles("是").len(), 1);
        assert_eq!(shingles("满意度").len(), 1);
        assert_eq!(shingles("满意度高").len(), 2);
        assert_ne!(shingles("是"), shingles("否"));
        assert_ne!(shingles("满意"), shingles("满意度"));
    }
}
