//! Test-only reference for [`super::compare_with`]: the straightforward comparison as it was
//! before the issue #4 speed pass (per-pair direction test by dot product, direction windows by
//! binary search on the float angles, local similarities in original index order, per-pair
//! bounds-checked lookups, every seed candidate kept and fully sorted). The fast path must give
//! bit-identical scores. The one deliberate difference from the old code: ties in local
//! similarity (seed order) and in pair weight (greedy pairing) are broken by index (A, then B)
//! instead of by wherever the unstable sort left them. Since the issue #14 fifth pass it also
//! tries the seeds from the cores (after the ordinary seeds, B searched in full); since the
//! sixth pass it refits the best alignment by least squares on its minutia pairs; since the
//! eighth it re-pairs the best alignment under the warp of its pairs' residuals; since the
//! tenth it weighs the score by the ridge counts' agreement over the best alignment's last
//! pairs (the refit's, or the warp's last round that did not lose pairs); since the fifteenth
//! it weighs it by the ridge texture's agreement over the same pairs.
//!
//! Owns nothing used in production. Must not be optimised: its value is being obviously the
//! old computation.

use std::f32::consts::TAU;

use super::{
    ANGLE_TOL, CORE_SEED_ANGLE, CORE_SEED_REACH, CORE_SEEDS_FROM, DIST_TOL, DIST_TOL_MAX,
    DIST_TOL_SLOPE, MAX_ROTATION, MIN_LOCAL, MIN_OVERLAP, Prepared, REFIT_FROM, REFIT_MAX_TURN,
    REFIT_MIN_PAIRS, RUNNER_UP, SEED_POOL, SEED_RATIO, SEEDS, TEXTURE_FROM, WARP_MIN_PAIRS,
    WARP_RADIUS, WARP_ROUNDS, WARP_SHRINK, Y_BUCKET, local_similarity, ridge_count, ridge_flow,
    seed_map, signed_diff,
};

/// Similarity score of two prepared templates, computed the slow way.
pub(super) fn compare(a: &Prepared, b: &Prepared) -> f32 {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    if na < 2 || nb < 2 {
        return 0.0;
    }
    let (top, mut pairs, sim) = local_stage(a, b);
    pairs.retain(|p| p.0 >= SEED_RATIO * top);
    let nr = na.min(nb).min(SEEDS);
    let take = (4 * nr).min(SEED_POOL).min(pairs.len());
    if take == 0 {
        return 0.0;
    }
    pairs.sort_by(by_value_then_index);
    pairs.truncate(take);
    let mut used_a = vec![false; na];
    let mut used_b = vec![false; nb];
    let mut sel: Vec<(f32, usize, usize)> = Vec::new();
    for &(s, i, j) in &pairs {
        let (i, j) = (usize::from(i), usize::from(j));
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        sel.push((s, i, j));
        if sel.len() == nr {
            break;
        }
    }
    let ((score, pairs), runner_up) = align_and_count(a, b, &sel, &sim);
    let (counted, best) = weighed(a, b, score, &pairs);
    if a.texture.is_empty() || b.texture.is_empty() || best >= counted {
        return best;
    }
    // The runner-up alignment, judged on its own pairs from its ridge-flow product on.
    let second = runner_up.map_or(0.0, |(score, pa, pb, rot, pairs)| {
        let (rs, rc) = rot.sin_cos();
        let score = score * ridge_flow::factor(&a.flow, &b.flow, rot, seed_map(pa, pb, rs, rc));
        if score < TEXTURE_FROM {
            return 0.0;
        }
        weighed(a, b, score, &pairs).1
    });
    best.max(second)
}

/// `score` weighed by the ridge counts of `pairs`, and that weighed by their texture.
fn weighed(a: &Prepared, b: &Prepared, score: f32, pairs: &[(usize, usize, f32)]) -> (f32, f32) {
    let pairs: Vec<(u16, u16, f32)> = pairs
        .iter()
        .map(|&(i, j, w)| (i as u16, j as u16, w))
        .collect();
    let score = score * ridge_count::weigh(&a.links, &b.links, &pairs, &mut Vec::new());
    // The texture stage is one function shared with the fast path (tested on its own in
    // `texture.rs`): what the reference checks is that both reach it with the same pairs.
    let textured = super::with_texture(a, b, score, &pairs, &mut Default::default());
    (score, textured)
}

/// A score and the minutia pairs (A index, B index, weight) its ridge counts are checked on.
type Judged = (f32, Vec<(usize, usize, f32)>);

type Pairs = Vec<(f32, u16, u16)>;

/// Descending value, then ascending A index, then ascending B index.
fn by_value_then_index<T: Ord + Copy>(x: &(f32, T, T), y: &(f32, T, T)) -> std::cmp::Ordering {
    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2))
}

fn local_stage(a: &Prepared, b: &Prepared) -> (f32, Pairs, Vec<f32>) {
    let (na, nb) = (a.cylinders.len(), b.cylinders.len());
    let mut pairs = Vec::new();
    let mut sim = vec![0.0f32; na * nb];
    let angles: Vec<f32> = b.points.iter().map(|p| p[2]).collect();
    let min_cos = MAX_ROTATION.cos() - 1e-6;
    let mut top = 0.0f32;
    let half = MAX_ROTATION + 0.01;
    for i in 0..na {
        let theta = a.points[i][2];
        let (lo, hi) = (theta - half, theta + half);
        let ranges = if lo < 0.0 {
            [(0.0, hi), (lo + TAU, TAU)]
        } else if hi >= TAU {
            [(lo, TAU), (0.0, hi - TAU)]
        } else {
            [(lo, hi), (0.0, -1.0)]
        };
        for (lo, hi) in ranges {
            if hi < lo {
                continue;
            }
            let from = angles.partition_point(|&t| t < lo);
            let to = angles.partition_point(|&t| t <= hi).max(from);
            for j in from..to {
                let (da, db) = (a.dirs[i], b.dirs[j]);
                if da[0] * db[0] + da[1] * db[1] < min_cos {
                    continue;
                }
                let s = local_similarity(&a.cylinders.at(i), &b.cylinders.at(j));
                if s > MIN_LOCAL {
                    sim[i * nb + j] = s;
                    pairs.push((s, i as u16, j as u16));
                    top = top.max(s);
                }
            }
        }
    }
    (top, pairs, sim)
}

/// An alignment's score, A's and B's points, the rotation, and its minutia pairs (A index, B
/// index, weight) in pairing order.
type Scored = (f32, [f32; 3], [f32; 3], f32, Vec<(usize, usize, f32)>);

fn align_and_count(
    a: &Prepared,
    b: &Prepared,
    sel: &[(f32, usize, usize)],
    sim: &[f32],
) -> (Judged, Option<Scored>) {
    let top = sel.first().map_or(0.0, |p| p.0);
    let mut seeds: Vec<(usize, usize)> = Vec::new();
    for &(s0, si, sj) in sel.iter().take(SEEDS) {
        if s0 < SEED_RATIO * top {
            break;
        }
        seeds.push((si, sj));
    }
    let mut scores: Vec<Scored> = Vec::new();
    for &(si, sj) in &seeds {
        scores.extend(seed_score(a, b, si, sj, sim));
    }
    if a.cores.is_empty() || b.cores.is_empty() || fuse(a, b, &chosen(&scores)) < CORE_SEEDS_FROM {
        return pick(a, b, &scores, sim);
    }
    // The cores' seeds: per core pair, the minutia pair that best agrees with the cores'
    // alignment, B searched in y order as the fast path does (first best kept).
    let nbp = b.points.len();
    for ca in &a.cores {
        for cb in &b.cores {
            let rot = signed_diff(cb[2], ca[2]);
            if rot.abs() > MAX_ROTATION {
                continue;
            }
            let (rs, rc) = rot.sin_cos();
            let to_b = seed_map(*ca, *cb, rs, rc);
            let mut best: Option<(f32, usize, usize)> = None;
            for (i, ai) in a.points.iter().enumerate() {
                let (x, y) = to_b(ai[0], ai[1]);
                let da = a.dirs[i];
                let (ux, uy) = (da[0] * rc - da[1] * rs, da[1] * rc + da[0] * rs);
                for &j in &b.by_y {
                    let j = usize::from(j);
                    let s = sim[i * nbp + j];
                    let (ex, ey) = (x - b.points[j][0], y - b.points[j][1]);
                    let d2 = ex * ex + ey * ey;
                    let db = b.dirs[j];
                    if s <= 0.0
                        || d2 > CORE_SEED_REACH * CORE_SEED_REACH
                        || ux * db[0] + uy * db[1] < CORE_SEED_ANGLE.cos()
                    {
                        continue;
                    }
                    let v = s * (1.0 - 0.5 * d2.sqrt() / CORE_SEED_REACH);
                    if best.is_none_or(|q| v > q.0) {
                        best = Some((v, i, j));
                    }
                }
            }
            if let Some((_, i, j)) = best
                && !seeds.contains(&(i, j))
            {
                seeds.push((i, j));
                scores.extend(seed_score(a, b, i, j, sim));
            }
        }
    }
    pick(a, b, &scores, sim)
}

/// The score of one seeded alignment (`None` with fewer than two pairs).
fn seed_score(a: &Prepared, b: &Prepared, si: usize, sj: usize, sim: &[f32]) -> Option<Scored> {
    let (pa, pb) = (a.points[si], b.points[sj]);
    score_at(a, b, pa, pb, signed_diff(pb[2], pa[2]), sim)
}

/// The score of the alignment of A's `pa` onto B's `pb` turned by `rot` (`None` with fewer
/// than two pairs).
fn score_at(
    a: &Prepared,
    b: &Prepared,
    pa: [f32; 3],
    pb: [f32; 3],
    rot: f32,
    sim: &[f32],
) -> Option<Scored> {
    let (rs, rc) = rot.sin_cos();
    let to_b = seed_map(pa, pb, rs, rc);
    let map = |p: &[f32; 3]| to_b(p[0], p[1]);
    let (m, paired) = pair_all(a, b, sim, (pa, rs, rc), |_, ai| map(ai));
    if paired.len() < 2 {
        return None;
    }
    let inv = |p: &[f32; 3]| {
        let (dx, dy) = (p[0] - pb[0], p[1] - pb[1]);
        (pa[0] + dx * rc + dy * rs, pa[1] - dx * rs + dy * rc)
    };
    let na_ov = a
        .points
        .iter()
        .filter(|p| {
            let (x, y) = map(p);
            b.area.contains(x, y)
        })
        .count();
    let nb_ov = b
        .points
        .iter()
        .filter(|p| {
            let (x, y) = inv(p);
            a.area.contains(x, y)
        })
        .count();
    let na = (na_ov as f32).max(MIN_OVERLAP);
    let nb = (nb_ov as f32).max(MIN_OVERLAP);
    Some(((m * m / (na * nb)).min(1.0), pa, pb, rot, paired))
}

/// The minutia pairs of an alignment (A's `pa` turned by the angle whose sine and cosine are
/// `rs`, `rc`; A's minutia `i` placed at `place(i, point)` in B): B's minutiae within the
/// tolerance (growing with the distance from `pa`) and ANGLE_TOL with a local similarity,
/// one-to-one, greedy by weight. The summed weight and the pairs in pairing order.
fn pair_all(
    a: &Prepared,
    b: &Prepared,
    sim: &[f32],
    (pa, rs, rc): ([f32; 3], f32, f32),
    place: impl Fn(usize, &[f32; 3]) -> (f32, f32),
) -> (f32, Vec<(usize, usize, f32)>) {
    let min_cos = ANGLE_TOL.cos();
    let nbp = b.points.len();
    let mut cand: Vec<(f32, usize, usize)> = Vec::new();
    for (i, ai) in a.points.iter().enumerate() {
        let (x, y) = place(i, ai);
        let (rx, ry) = (ai[0] - pa[0], ai[1] - pa[1]);
        let tol = (DIST_TOL + DIST_TOL_SLOPE * (rx * rx + ry * ry).sqrt()).min(DIST_TOL_MAX);
        let da = a.dirs[i];
        let (ux, uy) = (da[0] * rc - da[1] * rs, da[1] * rc + da[0] * rs);
        let lo = b.y_from(y - tol);
        let hi = b.y_from(y + tol + Y_BUCKET).max(lo);
        for k in lo..hi {
            let j = usize::from(b.by_y[k]);
            let s = sim[i * nbp + j];
            let bj = &b.points[j];
            let (ex, ey) = (x - bj[0], y - bj[1]);
            let d2 = ex * ex + ey * ey;
            let db = b.dirs[j];
            if s > 0.0 && d2 <= tol * tol && ux * db[0] + uy * db[1] >= min_cos {
                cand.push((s * (1.0 - 0.8 * d2.sqrt() / tol), i, j));
            }
        }
    }
    cand.sort_by(by_value_then_index);
    let mut used_a = vec![false; a.points.len()];
    let mut used_b = vec![false; nbp];
    let mut m = 0.0f32;
    let mut paired = Vec::new();
    for &(w, i, j) in &cand {
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        m += w;
        paired.push((i, j, w));
    }
    (m, paired)
}

/// The best alignment (the first of equals), and the best of the others when it reaches
/// RUNNER_UP of it: the larger product with the ridge-flow factor. When that reaches
/// REFIT_FROM, the best alignment is refitted by weighted least squares on its pairs and
/// replaced by the refit when the refit turns it by at most REFIT_MAX_TURN and pairs at least
/// as many minutiae. Then the best alignment (refitted or not) with at least WARP_MIN_PAIRS
/// pairs is re-paired under the warp of its residuals; the larger score wins. With it, the
/// runner-up as it was chosen.
fn pick(a: &Prepared, b: &Prepared, scores: &[Scored], sim: &[f32]) -> (Judged, Option<Scored>) {
    let chosen = chosen(scores);
    let runner_up = chosen.get(1).cloned();
    (judge(a, b, chosen, sim), runner_up)
}

/// The score of [`pick`]'s chosen alignments and the pairs its ridge counts are checked on.
fn judge(a: &Prepared, b: &Prepared, mut chosen: Vec<Scored>, sim: &[f32]) -> Judged {
    if chosen.is_empty() {
        return (0.0, Vec::new());
    }
    let fused = fuse(a, b, &chosen);
    if fused < REFIT_FROM || chosen[0].4.len() < REFIT_MIN_PAIRS {
        return (fused, chosen[0].4.clone());
    }
    let out = match refit(a, b, &chosen[0], sim) {
        Some(refit) => {
            chosen[0] = refit;
            fuse(a, b, &chosen)
        }
        None => fused,
    };
    if chosen[0].4.len() < WARP_MIN_PAIRS {
        return (out, chosen[0].4.clone());
    }
    let (warped, pairs) = warp(a, b, &chosen[0], sim);
    (out.max(warped), pairs)
}

/// The warped re-pairing of an alignment: each A minutia moved by the biweight-weighted mean
/// of the pairs' residual displacements (plus WARP_SHRINK of zero), paired again with the
/// alignment's tolerances; WARP_ROUNDS rounds while the pairs do not shrink; the best round's
/// score over the alignment's overlap counts, times its ridge-flow factor; and the last round's
/// pairs that did not lose any.
fn warp(a: &Prepared, b: &Prepared, s: &Scored, sim: &[f32]) -> Judged {
    let (_, pa, pb, rot, _) = s;
    let (pa, pb, rot) = (*pa, *pb, *rot);
    let (rs, rc) = rot.sin_cos();
    let to_b = seed_map(pa, pb, rs, rc);
    let factor = ridge_flow::factor(&a.flow, &b.flow, rot, seed_map(pa, pb, rs, rc));
    let inv = |p: &[f32; 3]| {
        let (dx, dy) = (p[0] - pb[0], p[1] - pb[1]);
        (pa[0] + dx * rc + dy * rs, pa[1] - dx * rs + dy * rc)
    };
    let na_ov = a.points.iter().filter(|p| {
        let (x, y) = to_b(p[0], p[1]);
        b.area.contains(x, y)
    });
    let nb_ov = b.points.iter().filter(|p| {
        let (x, y) = inv(p);
        a.area.contains(x, y)
    });
    let na = (na_ov.count() as f32).max(MIN_OVERLAP);
    let nb = (nb_ov.count() as f32).max(MIN_OVERLAP);
    let mut pairs = s.4.clone();
    let mut best = 0.0f32;
    for _ in 0..WARP_ROUNDS {
        let residuals: Vec<[f32; 5]> = pairs
            .iter()
            .map(|&(i, j, w)| {
                let (p, q) = (a.points[i], b.points[j]);
                let (x, y) = to_b(p[0], p[1]);
                [p[0], p[1], q[0] - x, q[1] - y, w]
            })
            .collect();
        let (m, paired) = pair_all(a, b, sim, (pa, rs, rc), |_, ai| {
            let (mut sx, mut sy, mut sw) = (0.0f32, 0.0f32, 0.0f32);
            for r in &residuals {
                let (ex, ey) = (ai[0] - r[0], ai[1] - r[1]);
                let u = (1.0 - (ex * ex + ey * ey) * (1.0 / (WARP_RADIUS * WARP_RADIUS))).max(0.0);
                let g = r[4] * (u * u);
                sx += g * r[2];
                sy += g * r[3];
                sw += g;
            }
            let (x0, y0) = to_b(ai[0], ai[1]);
            let den = sw + WARP_SHRINK;
            (x0 + sx / den, y0 + sy / den)
        });
        best = best.max((m * m / (na * nb)).min(1.0) * factor);
        if paired.len() < pairs.len() {
            break;
        }
        pairs = paired;
    }
    (best, pairs)
}

/// The best alignment, and the runner-up when it reaches RUNNER_UP × the best (first best
/// kept on ties).
fn chosen(scores: &[Scored]) -> Vec<Scored> {
    let first_best = |skip: Option<usize>| {
        let mut at: Option<usize> = None;
        for (k, s) in scores.iter().enumerate() {
            if Some(k) != skip && at.is_none_or(|b| s.0 > scores[b].0) {
                at = Some(k);
            }
        }
        at
    };
    let Some(top) = first_best(None) else {
        return Vec::new();
    };
    let mut chosen = vec![scores[top].clone()];
    if let Some(second) = first_best(Some(top))
        && scores[second].0 > RUNNER_UP * scores[top].0
    {
        chosen.push(scores[second].clone());
    }
    chosen
}

/// The larger product of score and ridge-flow factor.
fn fuse(a: &Prepared, b: &Prepared, chosen: &[Scored]) -> f32 {
    let mut best = 0.0f32;
    for (score, pa, pb, rot, _) in chosen {
        if *score <= 0.0 {
            continue;
        }
        let (rs, rc) = rot.sin_cos();
        best = best
            .max(score * ridge_flow::factor(&a.flow, &b.flow, *rot, seed_map(*pa, *pb, rs, rc)));
    }
    best
}

/// The least-squares refit of an alignment: A's weighted centroid of its pairs onto B's, turned
/// by the rotation that best fits the pairs; `None` when it turns by more than REFIT_MAX_TURN
/// or pairs fewer minutiae.
fn refit(a: &Prepared, b: &Prepared, s: &Scored, sim: &[f32]) -> Option<Scored> {
    let pairs = &s.4;
    let (mut sw, mut ax, mut ay, mut bx, mut by) = (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for &(i, j, w) in pairs {
        let (p, q) = (a.points[i], b.points[j]);
        sw += w;
        ax += w * p[0];
        ay += w * p[1];
        bx += w * q[0];
        by += w * q[1];
    }
    let (ax, ay, bx, by) = (ax / sw, ay / sw, bx / sw, by / sw);
    let (mut sxx, mut sxy) = (0.0f32, 0.0f32);
    for &(i, j, w) in pairs {
        let (p, q) = (a.points[i], b.points[j]);
        let (u, v, x, y) = (p[0] - ax, p[1] - ay, q[0] - bx, q[1] - by);
        sxx += w * (u * x + v * y);
        sxy += w * (u * y - v * x);
    }
    let rot = sxy.atan2(sxx);
    if signed_diff(rot, s.3).abs() > REFIT_MAX_TURN {
        return None;
    }
    let r = score_at(a, b, [ax, ay, 0.0], [bx, by, rot], rot, sim)?;
    (r.4.len() >= pairs.len()).then_some(r)
}
