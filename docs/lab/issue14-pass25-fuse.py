#!/usr/bin/env python3
"""Issue #14, twenty-fifth pass: a candidate texture statistic fused as verify::second_opinion
fuses the built one, from a `match_lab zcal` file (docs/matching.md, twenty-fifth pass).

usage: issue14-pass25-fuse.py ZCAL_FILE 'EXPR' [LIMIT]
  EXPR is the statistic in Python of s (the matcher's score), z (the built texture statistic)
  and p (the line's fields: p[6], p[7] = ZC_RAW's rigid c, n; then the columns the study's
  ZC_* knobs add, in the order match_lab prints them). Its table is fitted on the file's
  impostors as calibration::fit does (TABLE_FROM=OTHER_FILE: on that file's impostors).
  Prints the seven sets' FVC EER / extended EER / rank-1 (%) and the means.
"""
import bisect, collections, math, os, sys

# calibration::TABLE (the matcher's scores).
TABLE = [(1e0, 0.0), (1e-1, 0.0059), (1e-2, 0.0135), (1e-3, 0.0227), (1e-4, 0.0319),
         (1e-5, 0.0411), (1e-6, 0.0503), (1e-7, 0.0594)]


def fmr_in(t, v):
    if v != v or v <= t[0][1]:
        return 1.0
    for (f0, s0), (f1, s1) in zip(t, t[1:]):
        if s0 <= v <= s1:
            u = (v - s0) / (s1 - s0) if s1 > s0 else 0
            return 10 ** (math.log10(f0) + (math.log10(f1) - math.log10(f0)) * u)
    (f0, s0), (f1, s1) = t[-2], t[-1]
    slope = (math.log10(f1) - math.log10(f0)) / (s1 - s0)
    return max(10 ** (math.log10(f1) + slope * (v - s1)), 1e-12)


def thr_in(t, f):
    f = min(max(f, 1e-9), 1.0)
    lf = math.log10(f)
    for (f0, s0), (f1, s1) in zip(t, t[1:]):
        l0, l1 = math.log10(f0), math.log10(f1)
        if l1 <= lf <= l0:
            return s0 + (s1 - s0) * ((l0 - lf) / (l0 - l1))
    (f0, s0), (f1, s1) = t[-2], t[-1]
    slope = (s1 - s0) / (math.log10(f1) - math.log10(f0))
    return s1 + slope * (lf - math.log10(f1))


def fit(values):
    """calibration::fit."""
    s = sorted((x for x in values if x == x), reverse=True)
    n = len(s)
    q = lambda f: s[min(int(math.floor(f * n)), n - 1)]
    t = [(1.0, 0.0)] + [(f, q(f)) for f in (1e-1, 1e-2)]
    p0 = max(1e-2, 10 / n)
    s0 = q(p0)
    above = [x for x in s if x > s0]
    beta = max(sum(x - s0 for x in above) / len(above), 1e-4)
    t += [(f, s0 + beta * math.log(p0 / f)) for f in (1e-3, 1e-4, 1e-5, 1e-6, 1e-7)]
    for i in range(1, len(t)):
        if t[i][1] <= t[i - 1][1]:
            t[i] = (t[i][0], t[i - 1][1] + 1e-4)
    return t


def eer(g, im):
    g, im = sorted(g), sorted(im)
    best, e = 9, 1
    for t in sorted(set(g + im + [1e9])):
        fnmr = bisect.bisect_left(g, t) / len(g)
        fmr = (len(im) - bisect.bisect_left(im, t)) / len(im)
        if abs(fmr - fnmr) < best:
            best, e = abs(fmr - fnmr), (fmr + fnmr) / 2
    return e


def report(rows):
    """Prints each set's FVC EER / extended EER / rank-1 (%) and the means, from
    rows[set] = [(genuine, image a, image b, verification score)]."""
    fvc = ext = 0.0
    for name, rs in sorted(rows.items()):
        g, fi, ei, sc = [], [], [], {}
        for gen, a, b, v in rs:
            sc[(a, b)] = sc[(b, a)] = v
            if gen:
                g.append(v)
            else:
                ei.append(v)
                if a.endswith("_1") and b.endswith("_1"):
                    fi.append(v)
        images = sorted({r[1] for r in rs} | {r[2] for r in rs})
        gallery = [i for i in images if i.endswith("_1")]
        hits = probes = 0
        for probe in images:
            if probe.endswith("_1"):
                continue
            probes += 1
            top = max(gallery, key=lambda q: (sc.get((probe, q), 0.0), -gallery.index(q)))
            if sc.get((probe, top), 0) > 0 and top.split("_")[0] == probe.split("_")[0]:
                hits += 1
        e1, e2 = 100 * eer(g, fi), 100 * eer(g, ei)
        fvc, ext = fvc + e1, ext + e2
        print(f"{name} {e1:.2f}/{e2:.2f}/{100 * hits / probes:.1f}")
    print(f"mean {fvc / len(rows):.3f} / {ext / len(rows):.3f}")


def statistic(fn, p):
    s, z = float(p[4]), float(p[5])
    if z != z:
        return float("nan")
    try:
        return fn(s, z, p)
    except (IndexError, ValueError):
        return float("nan")


def main():
    path, expr = sys.argv[1], sys.argv[2]
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 5e-3
    fn = eval("lambda s, z, p: " + expr)
    rows, imp = collections.defaultdict(list), []
    for line in open(path):
        p = line.split()
        if len(p) < 6 or p[0] not in ("GEN", "IMP"):
            continue
        u = statistic(fn, p)
        rows[p[1]].append((p[0] == "GEN", p[2], p[3], float(p[4]), u))
        if p[0] == "IMP":
            imp.append(u)
    if os.environ.get("TABLE_FROM"):
        imp = [statistic(fn, l.split()) for l in open(os.environ["TABLE_FROM"])
               if l.startswith("IMP") and len(l.split()) >= 6]
    zt = fit(imp)

    def fuse(s, u):
        f = fmr_in(zt, u)
        return s if f > limit else max(s, thr_in(TABLE, max(f, 1e-9)))

    report({name: [(gen, a, b, fuse(s, u)) for gen, a, b, s, u in rs]
            for name, rs in rows.items()})

if __name__ == "__main__":
    main()
