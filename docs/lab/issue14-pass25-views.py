#!/usr/bin/env python3
"""Issue #14, twenty-fifth pass: several views of each capture, each pair's verification
scores (fused as verify::second_opinion does, built tables) combined across views, from one
`match_lab zcal` (or `ZC_OTHER=… zcal`) file per view (docs/matching.md, twenty-fifth pass).

usage: issue14-pass25-views.py mean|max|geo|fmr ZCAL_VIEW1 [ZCAL_VIEW2 ...]
  Prints the seven sets' FVC EER / extended EER / rank-1 (%) and the means. A pair missing
  from a view keeps its first view's score.
"""
import collections, math, os, sys

here = os.path.dirname(os.path.abspath(__file__))
exec(open(os.path.join(here, "issue14-pass25-fuse.py")).read().split("def statistic")[0])

# verify::TEXTURE_TABLE.
TEXTURE = [(1e0, 0.0), (1e-1, 2.6437), (1e-2, 4.4920), (1e-3, 6.0326), (1e-4, 7.5733),
           (1e-5, 9.1139), (1e-6, 10.6545), (1e-7, 12.1951)]


def fuse(s, z, limit=5e-3):
    f = fmr_in(TEXTURE, z)
    return s if f > limit else max(s, thr_in(TABLE, max(f, 1e-9)))


def combine(mode, v):
    if mode == "mean":
        return sum(v) / len(v)
    if mode == "max":
        return max(v)
    if mode == "geo":
        return math.exp(sum(math.log(max(x, 1e-6)) for x in v) / len(v))
    if mode == "fmr":
        rate = math.exp(sum(math.log(max(fmr_in(TABLE, x), 1e-12)) for x in v) / len(v))
        return thr_in(TABLE, rate)
    raise SystemExit(f"unknown mode {mode}")


def main():
    mode, files = sys.argv[1], sys.argv[2:]
    per, genuine = collections.defaultdict(list), {}
    for path in files:
        for line in open(path):
            p = line.split()
            if len(p) < 6 or p[0] not in ("GEN", "IMP"):
                continue
            key = (p[1], p[2], p[3])
            per[key].append(fuse(float(p[4]), float(p[5])))
            genuine[key] = p[0] == "GEN"
    rows = collections.defaultdict(list)
    for key, v in per.items():
        score = combine(mode, v) if len(v) == len(files) else v[0]
        rows[key[0]].append((genuine[key], key[1], key[2], score))
    report(rows)

if __name__ == "__main__":
    main()
