//! Minutiae detection: binarisation of the enhanced image, clean-up of ridge and valley
//! specks, Zhang–Suen thinning, crossing-number detection, direction by ridge tracing refined
//! by the orientation field, and false-minutiae removal (border, spurs, bridges, breaks, short
//! ridges, clusters).
//!
//! Owns the skeleton and the minutiae list. Must not compute quality scores or compare prints.

use std::f32::consts::{PI, TAU};

use super::orientation::OrientationField;
use super::raster::Gray;
use super::segmentation::{BLOCK, BlockMap, morph};

/// Kind of minutia.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A ridge ends.
    Ending,
    /// A ridge splits in two.
    Bifurcation,
}

/// A detected minutia in working-resolution (500 ppi) pixel coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Minutia {
    /// Column in pixels.
    pub x: f32,
    /// Row in pixels (down).
    pub y: f32,
    /// Direction in radians in `[0, 2π)`, image axes (x right, y down).
    pub angle: f32,
    /// Ending or bifurcation.
    pub kind: Kind,
    /// Reliability in `[0, 1]`.
    pub reliability: f32,
}

/// Most minutiae kept per print (the most reliable ones).
pub const MAX_MINUTIAE: usize = 96;

const N8: [(isize, isize); 8] = [
    (1, 0),
    (1, 1),
    (0, 1),
    (-1, 1),
    (-1, 0),
    (-1, -1),
    (0, -1),
    (1, -1),
];

/// A candidate minutia and, per traced branch, the other minutia its short trace ran into.
type Candidate = (Minutia, Vec<Option<(isize, isize)>>);

/// Binary raster (1 = ridge).
struct Bin {
    w: usize,
    h: usize,
    d: Vec<u8>,
}

impl Bin {
    #[inline]
    fn get(&self, x: isize, y: isize) -> u8 {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            return 0;
        }
        self.d
            .get(y as usize * self.w + x as usize)
            .copied()
            .unwrap_or(0)
    }
    #[cfg(test)]
    fn set(&mut self, x: usize, y: usize, v: u8) {
        if let Some(p) = self.d.get_mut(y * self.w + x) {
            *p = v;
        }
    }
    /// The eight neighbours of (`x`, `y`) in [`N8`] order, 0 outside the raster.
    fn neighbours(&self, x: isize, y: isize) -> [u8; 8] {
        // An inner pixel (the common case) reads its three rows directly, without the
        // per-neighbour bounds test of `get`.
        if x >= 1 && y >= 1 && (x as usize) + 1 < self.w && (y as usize) + 1 < self.h {
            let (x, w) = (x as usize, self.w);
            let i = y as usize * w + x;
            if let (Some(up), Some(row), Some(down)) = (
                self.d.get(i - w - 1..i - w + 2),
                self.d.get(i - 1..i + 2),
                self.d.get(i + w - 1..i + w + 2),
            ) {
                return [
                    row[2], down[2], down[1], down[0], row[0], up[0], up[1], up[2],
                ];
            }
        }
        let mut n = [0u8; 8];
        for (k, (dx, dy)) in N8.iter().enumerate() {
            n[k] = self.get(x + dx, y + dy);
        }
        n
    }
    /// The neighbours P2..P9 (clockwise from north) of the pixel at index `i` as the bits 0..7
    /// of a byte (pixels are 0 or 1). Only meaningful off the outer ring, where all eight are
    /// in the raster; read directly from three row slices, without per-neighbour tests.
    #[inline]
    fn key(&self, i: usize) -> u8 {
        let w = self.w;
        let (n, c, s) = (i.wrapping_sub(w + 1), i.wrapping_sub(1), i + w - 1);
        let (Some(up), Some(row), Some(down)) = (
            self.d.get(n..n.wrapping_add(3)),
            self.d.get(c..c.wrapping_add(3)),
            self.d.get(s..s + 3),
        ) else {
            return 0;
        };
        up[1]
            | up[2] << 1
            | row[2] << 2
            | down[2] << 3
            | down[1] << 4
            | down[0] << 5
            | row[0] << 6
            | up[0] << 7
    }
    fn crossing(&self, x: isize, y: isize) -> u8 {
        let n = self.neighbours(x, y);
        let mut c = 0;
        for k in 0..8 {
            if n[k] != n[(k + 1) % 8] {
                c += 1;
            }
        }
        c / 2
    }
}

/// Removes components of `value` pixels smaller than `min_area` (4-connectivity) by flipping them.
/// `inside` holds one flag per pixel of `b` (the mask at pixel resolution). Only pixels inside
/// belong to a component; a component of valley pixels (`value` 0) next to a pixel outside the
/// mask is kept whatever its size.
///
/// The components are labelled by runs rather than flood-filled pixel by pixel: each row's runs
/// of `value` pixels inside are joined with the runs they overlap in the row above
/// (union–find), the sizes summed per component, and only the small ones' runs looked at again.
/// Whether a component is flipped depends on it alone, so the order of the work does not
/// matter.
fn remove_small(b: &mut Bin, value: u8, min_area: usize, inside_px: &[bool]) {
    let w = b.w;
    if w == 0 {
        return;
    }
    let rows = || b.d.chunks_exact(w).zip(inside_px.chunks_exact(w));
    // Runs [x0, x1) of each row, with the index of each row's first run (then the total).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut first = vec![0];
    for (row, ins) in rows() {
        // Whether each pixel belongs to a component, taken run by run.
        let mut on = row.iter().zip(ins).map(|(&v, &m)| v == value && m);
        let mut x = 0;
        while let Some(skip) = on.position(|o| o) {
            let x0 = x + skip;
            let x1 = on.position(|o| !o).map_or(w, |len| x0 + 1 + len);
            runs.push((x0, x1));
            x = x1 + 1;
        }
        first.push(runs.len());
    }
    let h = first.len() - 1;
    // Join the runs overlapping (4-connectivity: sharing a column) across each pair of rows.
    let mut parent: Vec<usize> = (0..runs.len()).collect();
    for y in 1..h {
        let (mut i, mut j) = (first[y - 1], first[y]);
        while i < first[y] && j < first[y + 1] {
            let (a, c) = (runs[i], runs[j]);
            if a.0 < c.1 && c.0 < a.1 {
                let (ra, rc) = (root(&mut parent, i), root(&mut parent, j));
                parent[ra.max(rc)] = ra.min(rc);
            }
            if a.1 <= c.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    let mut size = vec![0usize; runs.len()];
    for (k, r) in runs.iter().enumerate() {
        let top = root(&mut parent, k);
        parent[k] = top;
        size[top] += r.1 - r.0;
    }
    // A small valley component next to the mask edge is kept: flag it from any of its runs.
    let mut keep: Vec<bool> = size.iter().map(|&s| s > min_area).collect();
    if value == 0 {
        let outside = |y: usize, x: usize| !inside_px.get(y * w + x).copied().unwrap_or(false);
        for y in 0..h {
            for (k, &(x0, x1)) in runs.iter().enumerate().take(first[y + 1]).skip(first[y]) {
                let top = parent[k];
                if keep[top] {
                    continue;
                }
                let touches = (x0 > 0 && outside(y, x0 - 1))
                    || (x1 < w && outside(y, x1))
                    || (y > 0 && (x0..x1).any(|x| outside(y - 1, x)))
                    || (y + 1 < h && (x0..x1).any(|x| outside(y + 1, x)));
                keep[top] = touches;
            }
        }
    }
    for y in 0..h {
        for k in first[y]..first[y + 1] {
            if !keep[parent[k]] {
                let (x0, x1) = runs[k];
                if let Some(run) = b.d.get_mut(y * w + x0..y * w + x1) {
                    run.fill(1 - value);
                }
            }
        }
    }
}

/// The root of run `i`'s tree in the union–find forest `parent`, halving the path on the way.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The crossing number of a neighbourhood [`Bin::key`]: half the changes between neighbours
/// once around.
fn crossing_of(key: u8) -> u8 {
    (key ^ key.rotate_right(1)).count_ones() as u8 / 2
}

/// Whether Zhang–Suen deletes a ridge pixel whose neighbours P2..P9 (clockwise from north)
/// are the bits 0..7 of `key`, in sub-pass `pass` (0 or 1).
fn zhang_suen_deletes(key: u8, pass: usize) -> bool {
    let p: [u8; 8] = std::array::from_fn(|k| (key >> k) & 1);
    let nb: u8 = p.iter().sum();
    if !(2..=6).contains(&nb) {
        return false;
    }
    let mut a = 0;
    for k in 0..8 {
        if p[k] == 0 && p[(k + 1) % 8] == 1 {
            a += 1;
        }
    }
    if a != 1 {
        return false;
    }
    if pass == 0 {
        p[0] * p[2] * p[4] == 0 && p[2] * p[4] * p[6] == 0
    } else {
        p[0] * p[2] * p[6] == 0 && p[0] * p[4] * p[6] == 0
    }
}

/// Zhang–Suen thinning in place; returns the inner pixels (off the outer ring) still set, in
/// raster order.
///
/// For speed, the deletion test is looked up in a table of the 256 neighbourhoods (built from
/// [`zhang_suen_deletes`]), and each sub-pass visits only the inner pixels still set (a list
/// that only shrinks) instead of scanning the whole raster: ridge pixels are a minority and
/// get fewer with every pass; and of those, only the ones next to a deletion of the last two
/// sub-passes are looked up again. Each sub-pass still decides on the raster as it was at its
/// start.
///
/// A staircase clean-up after the passes used to delete a pixel only when its neighbours'
/// crossing number went from 2 to 1 on deleting it; but a pixel's crossing number does not
/// depend on the pixel itself, so it never deleted one and is gone. (Removing staircases for
/// real would change the templates: an accuracy question, not a speed one.)
fn thin(b: &mut Bin) -> Vec<usize> {
    let tables: [[bool; 256]; 2] =
        std::array::from_fn(|pass| std::array::from_fn(|key| zhang_suen_deletes(key as u8, pass)));
    let w = b.w;
    // Set pixels off the outer ring, in raster order.
    let mut live: Vec<usize> = Vec::new();
    for y in 1..b.h.saturating_sub(1) {
        let row = y * w;
        let inner = b.d.get(row + 1..(row + w).saturating_sub(1)).unwrap_or(&[]);
        live.extend(
            inner
                .iter()
                .enumerate()
                .filter(|&(_, &v)| v != 0)
                .map(|(x, _)| row + 1 + x),
        );
    }
    // Per pixel, one more than the last sub-pass that deleted a neighbour of it (0: none),
    // modulo 256. A pixel whose neighbourhood has not changed since the same table last kept it
    // (two sub-passes ago) is kept again without looking it up. The byte wraps: a stale stamp
    // can only make a pixel looked up for nothing, never skipped wrongly.
    let mut touched = vec![0u8; b.d.len()];
    let mut pass = 0u8;
    let mut del = Vec::new();
    loop {
        let mut changed = false;
        for table in &tables {
            del.clear();
            for &i in &live {
                if b.d[i] == 0 || pass.wrapping_sub(touched[i]) > 1 {
                    continue;
                }
                if table[usize::from(b.key(i))] {
                    del.push(i);
                }
            }
            for &i in &del {
                b.d[i] = 0;
                for row in [i - w - 1, i - 1, i + w - 1] {
                    if let Some(t) = touched.get_mut(row..row + 3) {
                        t.fill(pass.wrapping_add(1));
                    }
                }
            }
            changed |= !del.is_empty();
            pass = pass.wrapping_add(1);
        }
        if !changed {
            break;
        }
        live.retain(|&i| b.d[i] != 0);
    }
    live
}

/// Result of following a ridge on the skeleton.
struct Trace {
    end: (isize, isize),
    len: usize,
    /// The trace stopped at another ending or bifurcation before `max` steps.
    hit: Option<(isize, isize)>,
}

/// Follows the skeleton from `start` (after leaving `from`) for at most `max` steps.
fn trace(b: &Bin, from: (isize, isize), start: (isize, isize), max: usize) -> Trace {
    let mut prev = [from, from, from];
    let mut cur = start;
    let mut len = 1;
    loop {
        let cn = b.crossing(cur.0, cur.1);
        if cn != 2 {
            return Trace {
                end: cur,
                len,
                hit: Some(cur),
            };
        }
        if len >= max {
            return Trace {
                end: cur,
                len,
                hit: None,
            };
        }
        let mut next = None;
        // Prefer 4-neighbours, then diagonals.
        for k in [0usize, 2, 4, 6, 1, 3, 5, 7] {
            let (dx, dy) = N8[k];
            let p = (cur.0 + dx, cur.1 + dy);
            if b.get(p.0, p.1) == 1 && !prev.contains(&p) && !adjacent_to_any(p, &prev[..1]) {
                next = Some(p);
                break;
            }
        }
        if next.is_none() {
            for k in [0usize, 2, 4, 6, 1, 3, 5, 7] {
                let (dx, dy) = N8[k];
                let p = (cur.0 + dx, cur.1 + dy);
                if b.get(p.0, p.1) == 1 && !prev.contains(&p) {
                    next = Some(p);
                    break;
                }
            }
        }
        let Some(n) = next else {
            return Trace {
                end: cur,
                len,
                hit: Some(cur),
            };
        };
        prev = [cur, prev[0], prev[1]];
        cur = n;
        len += 1;
    }
}

fn adjacent_to_any(p: (isize, isize), qs: &[(isize, isize)]) -> bool {
    qs.iter()
        .any(|q| (p.0 - q.0).abs() <= 1 && (p.1 - q.1).abs() <= 1)
}

/// First pixel of each branch leaving a skeleton pixel (one per run of set neighbours).
fn branch_starts(b: &Bin, x: isize, y: isize) -> Vec<(isize, isize)> {
    let n = b.neighbours(x, y);
    let mut out = Vec::new();
    for k in 0..8 {
        if n[k] == 1 && n[(k + 7) % 8] == 0 {
            // Run starting at k: prefer a 4-neighbour inside the run.
            let mut pick = k;
            let mut j = k;
            while n[j % 8] == 1 && j < k + 8 {
                if (j % 8) % 2 == 0 {
                    pick = j % 8;
                    break;
                }
                j += 1;
            }
            let (dx, dy) = N8[pick];
            out.push((x + dx, y + dy));
        }
    }
    out
}

fn angle_of(dx: f32, dy: f32) -> f32 {
    let a = dy.atan2(dx);
    if a < 0.0 { a + TAU } else { a }
}

/// Smallest absolute difference between two directions (radians, result in `[0, π]`).
pub fn angle_diff(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(TAU);
    if d > PI { TAU - d } else { d }
}

/// Detects minutiae on an enhanced image (ridges negative) inside `mask`.
pub fn detect(
    enhanced: &Gray,
    mask: &BlockMap<bool>,
    orient: &OrientationField,
    period: f32,
) -> Vec<Minutia> {
    let (w, h) = (enhanced.width, enhanced.height);
    // The mask per pixel, looked up for every visited pixel and neighbour of the clean-up.
    let mut inside = vec![false; w * h];
    for (y, row) in inside.chunks_exact_mut(w.max(1)).enumerate() {
        for (bx, run) in row.chunks_mut(BLOCK).enumerate() {
            run.fill(mask.get(bx as isize, (y / BLOCK) as isize));
        }
    }
    let d = enhanced
        .data
        .iter()
        .zip(&inside)
        .map(|(&v, &m)| u8::from(v < 0.0 && m));
    let mut d: Vec<u8> = d.collect();
    d.resize(w * h, 0);
    let mut b = Bin { w, h, d };
    let min_area = (0.9 * period * period) as usize;
    remove_small(&mut b, 1, min_area, &inside);
    remove_small(&mut b, 0, min_area, &inside);
    let skeleton = thin(&mut b);

    let inner = morph(mask, false);
    let near_edge = |x: isize, y: isize| {
        let m = (BLOCK as isize) * 3 / 2;
        x < m || y < m || x >= w as isize - m || y >= h as isize - m
    };
    let step = (1.2 * period).round().max(4.0) as usize;
    let mut cand: Vec<Candidate> = Vec::new();
    for &i in &skeleton {
        let kind = match crossing_of(b.key(i)) {
            1 => Kind::Ending,
            3 => Kind::Bifurcation,
            _ => continue,
        };
        let (x, y) = ((i % w) as isize, (i / w) as isize);
        if near_edge(x, y) {
            continue;
        }
        let starts = branch_starts(&b, x, y);
        // In the mask's outer block ring only a minutia whose ridges stay inside is kept:
        // the ridges are cut at the mask edge, so endings there (and bifurcations next to a
        // cut) are artefacts, but a distance rule also drops the ring's true minutiae, a
        // large share of a small print (issue #14, third pass).
        let in_ring = !inner.at_pixel(x, y);
        if in_ring && !stays_inside(&b, mask, &inner, (x, y), &starts, period) {
            continue;
        }
        let traces: Vec<Trace> = starts.iter().map(|&s| trace(&b, (x, y), s, step)).collect();
        let field = orient.at(x as f32 + 0.5, y as f32 + 0.5);
        let raw = match kind {
            Kind::Ending => {
                let Some(t) = traces.first() else { continue };
                angle_of((x - t.end.0) as f32, (y - t.end.1) as f32)
            }
            Kind::Bifurcation => {
                if traces.len() != 3 {
                    continue;
                }
                let a: Vec<f32> = traces
                    .iter()
                    .map(|t| angle_of((t.end.0 - x) as f32, (t.end.1 - y) as f32))
                    .collect();
                let d01 = angle_diff(a[0], a[1]);
                let d12 = angle_diff(a[1], a[2]);
                let d02 = angle_diff(a[0], a[2]);
                let (p, q) = if d01 <= d12 && d01 <= d02 {
                    (a[0], a[1])
                } else if d12 <= d02 {
                    (a[1], a[2])
                } else {
                    (a[0], a[2])
                };
                let (sx, sy) = (p.cos() + q.cos(), p.sin() + q.sin());
                angle_of(-sx, -sy)
            }
        };
        // Snap to the smoothed field direction (mod π) closest to the traced direction.
        let angle = if angle_diff(field, raw) <= PI / 2.0 {
            field
        } else {
            (field + PI) % TAU
        };
        let angle = if angle_diff(angle, raw) < PI / 4.0 {
            angle
        } else {
            raw
        };
        if in_ring && kind == Kind::Ending && runs_off(mask, (x, y), angle, period) {
            continue;
        }
        let hits = traces
            .iter()
            .map(|t| {
                if t.len < step && t.len > 2 {
                    t.hit
                } else {
                    None
                }
            })
            .collect();
        let bx = x / BLOCK as isize;
        let by = y / BLOCK as isize;
        let mut coh = 0.0;
        for dy in -1..=1 {
            for dx in -1..=1 {
                coh += orient.coherence.get(bx + dx, by + dy);
            }
        }
        let reliability = (coh / 9.0).clamp(0.0, 1.0);
        cand.push((
            Minutia {
                x: x as f32,
                y: y as f32,
                angle,
                kind,
                reliability,
            },
            hits,
        ));
    }
    filter(cand, period)
}

/// Ridge periods a ring minutia's ridges must run, and its ending's gap must extend, without
/// meeting the mask edge.
const RING_REACH: f32 = 2.0;
/// Pixels of mask a ring minutia needs around it in each of the eight compass directions.
const RING_CLEARANCE: isize = 2;

/// Whether a minutia in the mask's outer ring is clear of the edge: mask pixels all around it,
/// and none of its ridges, traced for `RING_REACH` periods, stops at an ending or junction
/// outside the inner mask (a ridge cut by the mask edge, or a fragment next to it).
fn stays_inside(
    b: &Bin,
    mask: &BlockMap<bool>,
    inner: &BlockMap<bool>,
    (x, y): (isize, isize),
    starts: &[(isize, isize)],
    period: f32,
) -> bool {
    let d = RING_CLEARANCE;
    let clear = N8
        .iter()
        .all(|(dx, dy)| mask.at_pixel(x + dx * d, y + dy * d));
    let reach = (RING_REACH * period).round() as usize;
    clear
        && !starts.iter().any(|&s| {
            trace(b, (x, y), s, reach)
                .hit
                .is_some_and(|p| !inner.at_pixel(p.0, p.1))
        })
}

/// Whether the gap ahead of an ending (along its direction) leaves the mask within
/// `RING_REACH` periods: the ridge was cut by the edge of the print, not ended in the skin.
fn runs_off(mask: &BlockMap<bool>, (x, y): (isize, isize), angle: f32, period: f32) -> bool {
    let (s, c) = angle.sin_cos();
    let reach = (RING_REACH * period).round() as isize;
    (1..=reach).any(|k| {
        let px = (x as f32 + k as f32 * c).round() as isize;
        let py = (y as f32 + k as f32 * s).round() as isize;
        !mask.at_pixel(px, py)
    })
}

/// False-minutiae removal using ridge-connectivity hits and geometry.
fn filter(cand: Vec<Candidate>, period: f32) -> Vec<Minutia> {
    // Adjacent detections of one junction collapse to the first one.
    let mut cand = cand;
    let mut i = 0;
    while i < cand.len() {
        let (xi, yi) = (cand[i].0.x, cand[i].0.y);
        let mut j = i + 1;
        while j < cand.len() {
            if (cand[j].0.x - xi).abs() <= 2.0 && (cand[j].0.y - yi).abs() <= 2.0 {
                cand.remove(j);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    let n = cand.len();
    let mut keep = vec![true; n];
    let pos: Vec<(isize, isize)> = cand
        .iter()
        .map(|(m, _)| (m.x as isize, m.y as isize))
        .collect();
    // Connectivity: a short trace reaching another minutia marks a spur, bridge, or short ridge.
    for i in 0..n {
        for hit in cand[i].1.iter().flatten() {
            keep[i] = false;
            if let Some(j) = pos
                .iter()
                .position(|p| (p.0 - hit.0).abs() <= 2 && (p.1 - hit.1).abs() <= 2)
            {
                keep[j] = false;
            }
        }
    }
    // Geometry: breaks (facing endings) and very close pairs.
    let close = 0.6 * period;
    let brk = 1.6 * period;
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&cand[i].0, &cand[j].0);
            let dx = b.x - a.x;
            let dy = b.y - a.y;
            let d = (dx * dx + dy * dy).sqrt();
            if d < close {
                keep[i] = false;
                keep[j] = false;
                continue;
            }
            if d < brk && a.kind == Kind::Ending && b.kind == Kind::Ending {
                let opposite = angle_diff(a.angle, b.angle) > PI * 0.7;
                let ab = angle_of(dx, dy);
                let facing = angle_diff(a.angle, ab) < PI / 3.0
                    || angle_diff((a.angle + PI) % TAU, ab) < PI / 3.0;
                if opposite && facing {
                    keep[i] = false;
                    keep[j] = false;
                }
            }
        }
    }
    // Clusters: many minutiae within two ridge periods indicate noise.
    let r2 = (2.0 * period) * (2.0 * period);
    let mut crowded = vec![false; n];
    for i in 0..n {
        let mut c = 0;
        for j in 0..n {
            if i != j && keep[j] {
                let dx = cand[j].0.x - cand[i].0.x;
                let dy = cand[j].0.y - cand[i].0.y;
                if dx * dx + dy * dy < r2 {
                    c += 1;
                }
            }
        }
        crowded[i] = c >= 3;
    }
    let mut out: Vec<Minutia> = cand
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep[*i] && !crowded[*i])
        .map(|(_, (m, _))| m)
        .collect();
    out.sort_by(|a, b| b.reliability.total_cmp(&a.reliability));
    out.truncate(MAX_MINUTIAE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn angle_diff_wraps() {
        assert!((angle_diff(0.1, TAU - 0.1) - 0.2).abs() < 1e-5);
        assert!((angle_diff(0.0, PI) - PI).abs() < 1e-5);
    }

    #[test]
    fn thinning_line_keeps_endpoints() {
        let (w, h) = (30, 11);
        let mut b = Bin {
            w,
            h,
            d: vec![0; w * h],
        };
        for y in 4..7 {
            for x in 3..27 {
                b.set(x, y, 1);
            }
        }
        let _ = thin(&mut b);
        let ends = (0..h as isize)
            .flat_map(|y| (0..w as isize).map(move |x| (x, y)))
            .filter(|&(x, y)| b.get(x, y) == 1 && b.crossing(x, y) == 1)
            .count();
        assert_eq!(ends, 2);
    }

    /// The clean-up as a plain flood fill, pixel by pixel: the definition the run labelling of
    /// [`remove_small`] must reproduce.
    fn remove_small_by_flood(b: &mut Bin, value: u8, min_area: usize, inside: &[bool]) {
        let (w, h) = (b.w, b.h);
        let mut seen = vec![false; w * h];
        for start in 0..w * h {
            if b.d[start] != value || seen[start] || !inside[start] {
                continue;
            }
            seen[start] = true;
            let (mut stack, mut comp, mut touches_outside) = (vec![start], Vec::new(), false);
            while let Some(i) = stack.pop() {
                comp.push(i);
                let (x, y) = (i % w, i / w);
                let near = [
                    (x + 1 < w).then(|| i + 1),
                    (x > 0).then(|| i - 1),
                    (y + 1 < h).then(|| i + w),
                    (y > 0).then(|| i - w),
                ];
                for j in near.into_iter().flatten() {
                    if !inside[j] {
                        touches_outside = true;
                    } else if !seen[j] && b.d[j] == value {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
            if comp.len() <= min_area && !(value == 0 && touches_outside) {
                for &i in &comp {
                    b.d[i] = 1 - value;
                }
            }
        }
    }

    #[test]
    fn run_labelling_removes_what_a_flood_fill_removes() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x2545_f491_4f6c_dd1d);
        let mut next = move || rng.r#gen::<u64>();
        for round in 0..60 {
            let (w, h) = (1 + (next() % 70) as usize, 1 + (next() % 70) as usize);
            let density = 20 + next() % 60;
            let d: Vec<u8> = (0..w * h)
                .map(|_| u8::from(next() % 100 < density))
                .collect();
            // A mask of 8-pixel blocks, as in `detect`, with some blocks out.
            let blocks: Vec<bool> = (0..w.div_ceil(BLOCK) * h.div_ceil(BLOCK))
                .map(|_| next() % 5 != 0)
                .collect();
            let inside: Vec<bool> = (0..w * h)
                .map(|i| blocks[(i / w / BLOCK) * w.div_ceil(BLOCK) + (i % w) / BLOCK])
                .collect();
            let min_area = (next() % 40) as usize;
            for value in [1, 0] {
                let mut fast = Bin { w, h, d: d.clone() };
                let mut flood = Bin { w, h, d: d.clone() };
                remove_small(&mut fast, value, min_area, &inside);
                remove_small_by_flood(&mut flood, value, min_area, &inside);
                assert!(fast.d == flood.d, "round {round}, value {value}");
            }
        }
    }

    #[test]
    fn thinning_matches_a_full_scan_of_every_pixel() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x9e37_79b9_7f4a_7c15);
        let mut next = move || rng.r#gen::<u64>();
        for round in 0..40 {
            let (w, h) = (3 + (next() % 60) as usize, 3 + (next() % 60) as usize);
            // Thick strokes: random filled rectangles.
            let mut d = vec![0u8; w * h];
            for _ in 0..next() % 12 {
                let (x0, y0) = ((next() as usize) % w, (next() as usize) % h);
                let (x1, y1) = (
                    x0 + 1 + (next() as usize) % 12,
                    y0 + 1 + (next() as usize) % 12,
                );
                for y in y0..y1.min(h) {
                    d[y * w + x0..y * w + x1.min(w)].fill(1);
                }
            }
            let mut fast = Bin { w, h, d: d.clone() };
            let skeleton = thin(&mut fast);
            // Zhang–Suen by the book: every inner pixel, every sub-pass, until a round changes
            // nothing.
            loop {
                let mut changed = false;
                for pass in 0..2 {
                    let mut del = Vec::new();
                    for y in 1..h - 1 {
                        for x in 1..w - 1 {
                            let i = y * w + x;
                            let p = [
                                d[i - w],
                                d[i - w + 1],
                                d[i + 1],
                                d[i + w + 1],
                                d[i + w],
                                d[i + w - 1],
                                d[i - 1],
                                d[i - w - 1],
                            ];
                            let key = (0..8).fold(0u8, |k, bit| k | (p[bit] << bit));
                            if d[i] == 1 && zhang_suen_deletes(key, pass) {
                                del.push(i);
                            }
                        }
                    }
                    for &i in &del {
                        d[i] = 0;
                    }
                    changed |= !del.is_empty();
                }
                if !changed {
                    break;
                }
            }
            assert!(fast.d == d, "round {round}");
            let set: Vec<usize> = (0..w * h)
                .filter(|&i| d[i] == 1 && i % w != 0 && i % w != w - 1 && i >= w && i < w * (h - 1))
                .collect();
            assert_eq!(skeleton, set, "round {round}");
        }
    }
}
