//! MinHash signatures with LSH banding: candidate pairs of similar sets without comparing
//! all pairs, then verified by exact Jaccard similarity.
//!
//! Only the band keys of a signature are kept (4 bytes per band, as many bands as the
//! threshold needs), and candidates come from sorting each band's keys, so memory stays
//! at a few dozen bytes per set and no hash map of buckets is built. Callers collapse
//! identical sets first: a bucket of k sets yields k(k−1)/2 pairs.

use rayon::prelude::*;

/// Most hashes a signature has; [`MinHasher::for_threshold`] picks how many are used.
const HASHES: usize = 128;

/// The smallest probability that a pair exactly at the threshold becomes a candidate.
const RECALL_AT_THRESHOLD: f64 = 0.99;

/// Hashes per band.
const ROWS: usize = 4;

/// The hash family: `a·x + b` over 32-bit words, with fixed odd multipliers, and how
/// signatures are cut into bands.
pub struct MinHasher {
    multipliers: [u32; HASHES],
    offsets: [u32; HASHES],
    bands: usize,
}

/// SplitMix64's finaliser: spreads structured 64-bit values (packed characters) over
/// all bits before they are hashed by the family.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl MinHasher {
    /// Bands for similarity `threshold`: bands of [`ROWS`] hashes, as few as still make a
    /// pair exactly at the threshold a candidate with probability at least 0.99 — a pair
    /// agrees in a band of `r` rows with probability `t^r`, in one of `b` bands with
    /// `1 - (1 - t^r)^b`. Fewer hashes make signatures cheaper; the pairs that become
    /// candidates without being similar enough cost one exact check each. At 0.7 that
    /// is 17 bands (68 hashes), at 0.8 9 bands, at 0.9 5; at most 128 hashes in all.
    pub fn for_threshold(threshold: f64) -> Self {
        let bands = (1..=HASHES / ROWS)
            .find(|&bands| {
                1.0 - (1.0 - threshold.powi(ROWS as i32)).powi(bands as i32) >= RECALL_AT_THRESHOLD
            })
            .unwrap_or(HASHES / ROWS);
        MinHasher {
            bands,
            ..Self::family()
        }
    }

    /// Bands per signature: [`MinHasher::band_keys`] writes this many keys.
    pub fn bands(&self) -> usize {
        self.bands
    }

    fn family() -> Self {
        // SplitMix64 from a fixed seed: the same signatures on every run.
        let mut state = 0x6A09_E667_F3BC_C909u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            mix(state)
        };
        let mut multipliers = [0; HASHES];
        let mut offsets = [0; HASHES];
        for (a, b) in multipliers.iter_mut().zip(offsets.iter_mut()) {
            *a = (next() >> 32) as u32 | 1;
            *b = (next() >> 32) as u32;
        }
        MinHasher {
            multipliers,
            offsets,
            bands: HASHES / ROWS,
        }
    }
}

/// `minima[k] = min(minima[k], a[k]·x + b[k])` over all elements `x`, as signed 32-bit
/// values. Compiled again for AVX2 (8 lanes per instruction) and SSE4.1 (4 lanes: 32-bit
/// multiply and minimum are SSE4.1 instructions), picked at run time; baseline elsewhere.
#[multiversion::multiversion(targets("x86_64+avx2", "x86_64+sse4.1"))]
fn fold_minima(elements: &[u64], a: &[u32], b: &[u32], minima: &mut [i32]) {
    // Elements outside, hashes inside: the inner loop runs over plain arrays.
    for &x in elements {
        let x = (x >> 32) as u32;
        for ((m, a), b) in minima.iter_mut().zip(a).zip(b) {
            *m = (*m).min(a.wrapping_mul(x).wrapping_add(*b) as i32);
        }
    }
}

impl MinHasher {
    /// The first `bands × ROWS` hashes of the MinHash signature of a set of 64-bit
    /// elements. Hashes are 32-bit (`a·x + b` over the element's high 32 bits, wrapping)
    /// and compared as signed integers (any fixed order serves MinHash): 32-bit lanes
    /// pack 8 to an AVX2 instruction where 64-bit ones pack 4, without a 64-bit multiply.
    fn signature(&self, elements: &[u64]) -> [i32; HASHES] {
        let mut minima = [i32::MAX; HASHES];
        let used = self.bands * ROWS;
        fold_minima(
            elements,
            &self.multipliers[..used],
            &self.offsets[..used],
            &mut minima[..used],
        );
        minima
    }

    /// The band keys of a set, appended to `keys`: each band of its signature hashed to
    /// 32 bits. Two sets whose keys agree in a band are candidates; a key collision of
    /// unrelated bands only costs one exact check.
    pub fn band_keys(&self, elements: &[u64], keys: &mut Vec<u32>) {
        let signature = self.signature(elements);
        for band in signature.chunks_exact(ROWS).take(self.bands) {
            let folded = band.iter().fold(0u64, |h, &v| {
                mix(h ^ u64::from(v as u32)).wrapping_add(0x9E37_79B9_7F4A_7C15)
            });
            keys.push((folded >> 32) as u32);
        }
    }

    /// The band keys of sets `0..n`, computed in parallel: `bands()` keys per set, in
    /// order. `set(i, buffer)` puts set `i` into `buffer`.
    pub fn all_band_keys(&self, n: usize, set: impl Fn(usize, &mut Vec<u64>) + Sync) -> Vec<u32> {
        let chunks: Vec<Vec<u32>> = (0..n)
            .into_par_iter()
            .chunks(1024)
            .map(|chunk| {
                let mut keys = Vec::with_capacity(chunk.len() * self.bands);
                let mut buffer = Vec::new();
                for i in chunk {
                    set(i, &mut buffer);
                    self.band_keys(&buffer, &mut keys);
                }
                keys
            })
            .collect();
        chunks.concat()
    }
}

/// Pairs `(i, j)`, `i < j`, of sets whose keys agree in at least one band, sorted and
/// without repeats. Each band's keys are sorted with their set numbers; runs of equal
/// keys are the buckets.
pub fn candidate_pairs(keys: &[u32], bands: usize) -> Vec<(u32, u32)> {
    (0..bands)
        .into_par_iter()
        .map(|band| {
            let mut column: Vec<u64> = keys
                .chunks_exact(bands)
                .enumerate()
                .map(|(i, k)| (u64::from(k[band]) << 32) | i as u64)
                .collect();
            column.sort_unstable();
            let mut found = Vec::new();
            let mut start = 0;
            while start < column.len() {
                let key = column[start] >> 32;
                let mut end = start + 1;
                while end < column.len() && column[end] >> 32 == key {
                    end += 1;
                }
                for (k, &i) in column[start..end].iter().enumerate() {
                    for &j in &column[start + k + 1..end] {
                        found.push((i as u32, j as u32));
                    }
                }
                start = end;
            }
            found.sort_unstable();
            found
        })
        // Bands merged as they come, repeats dropped: memory holds the distinct pairs and
        // a band's worth, not every band's.
        .reduce(Vec::new, merge_distinct)
}

/// The union of two sorted lists without repeats, sorted and without repeats.
fn merge_distinct(a: Vec<(u32, u32)>, b: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x <= y => {
                i += 1;
                if x == y {
                    j += 1;
                }
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, None) => unreachable!("loop condition"),
        };
        out.push(next);
    }
    out
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
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// The representative of `x`'s set: the smallest member.
    pub fn find(&mut self, x: usize) -> usize {
        let mut x = x as u32;
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x as usize
    }

    /// Joins the sets of `a` and `b`.
    pub fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb) as u32;
        }
    }

    /// The members of every set of more than one member, each list ascending, the lists
    /// in the order of their smallest member.
    pub fn groups(&mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let roots: Vec<usize> = (0..n).map(|i| self.find(i)).collect();
        let mut size = vec![0u32; n];
        for &r in &roots {
            size[r] += 1;
        }
        let mut slot = vec![usize::MAX; n];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, &r) in roots.iter().enumerate() {
            if size[r] < 2 {
                continue;
            }
            if slot[r] == usize::MAX {
                slot[r] = groups.len();
                groups.push(Vec::with_capacity(size[r] as usize));
            }
            groups[slot[r]].push(i);
        }
        groups
    }
}

/// Candidate pairs checked by `similar` (in parallel) and joined: the groups of sets that
/// are similar, directly or through others.
pub fn similar_groups(
    n: usize,
    keys: &[u32],
    bands: usize,
    similar: impl Fn(usize, usize) -> bool + Sync,
) -> UnionFind {
    debug_assert_eq!(keys.len(), n * bands);
    let pairs = candidate_pairs(keys, bands);
    let verified: Vec<(u32, u32)> = pairs
        .into_par_iter()
        .filter(|&(i, j)| similar(i as usize, j as usize))
        .collect();
    let mut groups = UnionFind::new(n);
    for (i, j) in verified {
        groups.union(i as usize, j as usize);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_sets_become_candidates_and_unrelated_ones_do_not() {
        let hasher = MinHasher::for_threshold(0.8);
        let base: Vec<u64> = (0..40).map(|i| mix(i * 7919)).collect();
        let mut near = base.clone();
        near[0] = mix(999_999_937); // 39 of 41 shared: Jaccard 0.95
        let unrelated: Vec<u64> = (0..40).map(|i| mix(1_000_000 + i * 104_729)).collect();
        let mut keys = Vec::new();
        for set in [&base, &near, &unrelated] {
            hasher.band_keys(set, &mut keys);
        }
        let pairs = candidate_pairs(&keys, hasher.bands());
        assert!(pairs.contains(&(0, 1)), "{pairs:?}");
        assert!(!pairs.iter().any(|&(i, j)| i == 2 || j == 2), "{pairs:?}");
        let (mut a, mut b) = (base.clone(), near.clone());
        a.sort_unstable();
        b.sort_unstable();
        assert!((jaccard(&a, &b) - 39.0 / 41.0).abs() < 1e-9);
    }

    #[test]
    fn signatures_estimate_jaccard_similarity() {
        // 200 pairs of 60-element sets sharing 40: Jaccard 40/80 = 0.5. The share of
        // agreeing hashes estimates it; averaged over the pairs it must be close.
        let hasher = MinHasher::for_threshold(0.0);
        let used = hasher.bands * ROWS;
        let mut agree = 0usize;
        for p in 0..200u64 {
            let shared: Vec<u64> = (0..40).map(|i| mix(p * 1000 + i)).collect();
            let a: Vec<u64> = shared
                .iter()
                .copied()
                .chain((40..60).map(|i| mix(p * 1000 + i)))
                .collect();
            let b: Vec<u64> = shared
                .iter()
                .copied()
                .chain((60..80).map(|i| mix(p * 1000 + i)))
                .collect();
            let (sa, sb) = (hasher.signature(&a), hasher.signature(&b));
            agree += (0..used).filter(|&k| sa[k] == sb[k]).count();
        }
        let estimate = agree as f64 / (200 * used) as f64;
        assert!((estimate - 0.5).abs() < 0.02, "estimated {estimate}");
    }

    #[test]
    fn merged_pairs_are_sorted_and_distinct() {
        let a = vec![(0, 1), (0, 3), (2, 5)];
        let b = vec![(0, 1), (1, 2), (2, 5), (4, 6)];
        assert_eq!(
            merge_distinct(a, b),
            vec![(0, 1), (0, 3), (1, 2), (2, 5), (4, 6)]
        );
    }

    #[test]
    fn bands_follow_the_threshold() {
        let bands = |t| MinHasher::for_threshold(t).bands;
        assert_eq!(ROWS, 4);
        assert_eq!(bands(0.7), 17);
        assert_eq!(bands(0.8), 9);
        assert_eq!(bands(0.9), 5);
        assert_eq!(bands(0.0), 32, "at most 128 hashes");
    }

    #[test]
    fn groups_are_listed_by_smallest_member() {
        let mut groups = UnionFind::new(6);
        groups.union(4, 1);
        groups.union(5, 3);
        groups.union(3, 4);
        assert_eq!(groups.groups(), vec![vec![1, 3, 4, 5]]);
        groups.union(0, 2);
        assert_eq!(groups.groups(), vec![vec![0, 2], vec![1, 3, 4, 5]]);
    }
}
