#!/usr/bin/env python3
"""The script an analyst would write with datasketch, on the texts `cargo bench --bench
dups` writes: MinHash (128 permutations) over character 3-grams, MinHashLSH at the
threshold with its own choice of bands, candidates kept when their estimated Jaccard
reaches it, clusters joined with union-find, field by field.

With --matched, datasketch runs with jixiao's settings instead: 68 permutations in 17
bands of 4, candidates checked by exact Jaccard over their 3-gram sets.

    datasketch_baseline.py TEXTS.tsv THRESHOLD PAIRS.tsv [--matched]

Prints the seconds spent (reading the file excluded) and writes the pairs of project
codes found in one cluster: field, code, code.
"""
import sys
import time

from datasketch import MinHash, MinHashLSH


def main():
    texts_path, threshold, pairs_path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    matched = "--matched" in sys.argv[4:]
    perms = 68 if matched else 128
    with open(texts_path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    start = time.perf_counter()
    pairs = set()
    for field in sorted({r[0] for r in rows}):
        texts = [(code, text) for f, code, text in rows if f == field]
        if matched:
            lsh = MinHashLSH(num_perm=perms, params=(17, 4))
        else:
            lsh = MinHashLSH(threshold=threshold, num_perm=perms)
        hashes = []
        grams_of = []
        for i, (_, text) in enumerate(texts):
            m = MinHash(num_perm=perms)
            grams = [text[k : k + 3] for k in range(len(text) - 2)] or [text]
            m.update_batch([g.encode("utf-8") for g in grams])
            lsh.insert(i, m)
            hashes.append(m)
            if matched:
                grams_of.append(set(grams))

        def similar(i, j):
            if matched:
                a, b = grams_of[i], grams_of[j]
                return len(a & b) / len(a | b) >= threshold
            return hashes[i].jaccard(hashes[j]) >= threshold

        parent = list(range(len(texts)))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, m in enumerate(hashes):
            for j in lsh.query(m):
                if j != i and similar(i, j):
                    a, b = find(i), find(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
        clusters = {}
        for i, (code, _) in enumerate(texts):
            clusters.setdefault(find(i), set()).add(code)
        for codes in clusters.values():
            codes = sorted(codes)
            for k, a in enumerate(codes):
                for b in codes[k + 1 :]:
                    pairs.add((field, a, b))
    elapsed = time.perf_counter() - start
    with open(pairs_path, "w", encoding="utf-8") as f:
        for field, a, b in sorted(pairs):
            f.write(f"{field}\t{a}\t{b}\n")
    print(elapsed)


if __name__ == "__main__":
    main()
