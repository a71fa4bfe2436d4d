//! MinHash signatures with LSH banding: candidate pairs of similar sets without comparing
//! all pairs, then verified by exact Jaccard similarity.

use std::collections::HashMap;

/// Signature length and banding: 128 hashes in 16 bands of 8 rows put the LSH threshold
/// near (1/16)^(1/8) ≈ 0.71, below the default similarity threshold of 0.8, so that
/// pairs above 0.8 are found with high probability.
pub const HASHES: usize = 128;
const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// The hash family: `a·x + b` over 64-bit words, with fixed odd multipliers.
pub struct MinHasher {
    coefficients: Vec<(u64, u64)>,
}

impl Default for MinHasher {
    fn default() -> Self {
        // SplitMix64 from a fixed seed: the same signatures on every run.
        let mut state = 0x6A09_E667_F3BC_C909u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        MinHasher {
            coefficients: (0..HASHES).map(|_| (next() | 1, next())).collect(),
        }
    }
}

impl MinHasher {
    /// The signature of a set of 64-bit elements.
    pub fn signature(&self, elements: &[u64]) -> Vec<u64> {
        self.coefficients
            .iter()
            .map(|(a, b)| {
                elements
                    .iter()
                    .map(|x| a.wrapping_mul(*x).wrapping_add(*b))
                    .min()
                    .unwrap_or(u64::MAX)
            })
            .collect()
    }
}

/// Pairs `(i, j)`, `i < j`, of signatures that agree on at least one whole band.
pub fn candidate_pairs(signatures: &[Vec<u64>]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for band in 0..BANDS {
        let mut buckets: HashMap<&[u64], Vec<usize>> = HashMap::new();
        for (i, signature) in signatures.iter().enumerate() {
            buckets
                .entry(&signature[band * ROWS..(band + 1) * ROWS])
                .or_default()
                .push(i);
        }
        for members in buckets.values().filter(|m| m.len() > 1) {
            for (k, &i) in members.iter().enumerate() {
                for &j in &members[k + 1..] {
                    pairs.push((i, j));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Jaccard similarity of two sorted, deduplicated sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let common = intersection(a, b);
    let union = a.len() + b.len() - common;
    if union == 0 {
        1.0
    } else {
        common as f64 / union as f64
    }
}

/// Size of the intersection of two sorted, deduplicated sets.
pub fn intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// Disjoint sets over `0..n`.
pub struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets of `a` and `b`.
    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_sets_become_candidates_and_unrelated_ones_do_not() {
        let hasher = MinHasher::default();
        let base: Vec<u64> = (0..40).map(|i| i * 7919).collect();
        let mut near = base.clone();
        near[0] = 999_999_937; // 39 of 41 shared: Jaccard 0.95
        near.sort_unstable();
        let unrelated: Vec<u64> = (0..40).map(|i| 1_000_000 + i * 104_729).collect();
        let signatures: Vec<Vec<u64>> = [&base, &near, &unrelated]
            .iter()
            .map(|s| hasher.signature(s))
            .collect();
        let pairs = candidate_pairs(&signatures);
        assert!(pairs.contains(&(0, 1)), "{pairs:?}");
        assert!(!pairs.iter().any(|&(i, j)| i == 2 || j == 2), "{pairs:?}");
        assert!((jaccard(&base, &near) - 39.0 / 41.0).abs() < 1e-9);
    }
}
