//! Block grid, summed-area tables, local contrast normalisation and the foreground mask.
//!
//! Owns the decision "which 8×8 blocks contain a fingerprint". Must not estimate ridge
//! orientation or frequency (see `orientation`, `frequency`) nor judge overall quality.

use super::raster::Gray;

/// Side of one analysis block in pixels at the working resolution (0.4 mm at 500 ppi).
pub const BLOCK: usize = 8;

/// The smallest block deviation `normalise` divides by (grey levels): flatter blocks are
/// scaled as if they had this contrast, so that a nearly uniform block is not blown up.
pub const MIN_NORMALISE_STD: f32 = 4.0;

/// A value per block of the image, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockMap<T> {
    /// Blocks per row.
    pub bw: usize,
    /// Blocks per column.
    pub bh: usize,
    /// Row-major values, `bw * bh` long.
    pub data: Vec<T>,
}

impl<T: Copy + Default> BlockMap<T> {
    /// The same grid with `f` applied to every block's value.
    pub fn map<U>(&self, f: impl FnMut(T) -> U) -> BlockMap<U> {
        BlockMap {
            bw: self.bw,
            bh: self.bh,
            data: self.data.iter().copied().map(f).collect(),
        }
    }

    /// A map of `bw × bh` blocks all holding `v`.
    pub fn new(bw: usize, bh: usize, v: T) -> Self {
        Self {
            bw,
            bh,
            data: vec![v; bw * bh],
        }
    }

    /// Blocks covering an image of `width × height` pixels.
    pub fn for_image(width: usize, height: usize, v: T) -> Self {
        Self::new(width.div_ceil(BLOCK), height.div_ceil(BLOCK), v)
    }

    /// Value at block (`bx`, `by`), or the default outside the map.
    #[inline]
    pub fn get(&self, bx: isize, by: isize) -> T {
        if bx < 0 || by < 0 || bx as usize >= self.bw || by as usize >= self.bh {
            return T::default();
        }
        self.data
            .get(by as usize * self.bw + bx as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Sets block (`bx`, `by`); ignored outside the map.
    #[inline]
    pub fn set(&mut self, bx: usize, by: usize, v: T) {
        if bx < self.bw
            && by < self.bh
            && let Some(p) = self.data.get_mut(by * self.bw + bx)
        {
            *p = v;
        }
    }

    /// Value of the block containing pixel (`x`, `y`).
    #[inline]
    pub fn at_pixel(&self, x: isize, y: isize) -> T {
        if x < 0 || y < 0 {
            return T::default();
        }
        self.get(x / BLOCK as isize, y / BLOCK as isize)
    }
}

/// Summed-area table for O(1) window sums.
#[derive(Clone, Debug)]
pub struct Integral {
    w: usize,
    h: usize,
    s: Vec<f64>,
}

impl Integral {
    /// Builds the table of `values` (row-major, `w × h`).
    pub fn new(w: usize, h: usize, values: impl Iterator<Item = f64>) -> Self {
        // Filled by appending row after row: the tables are several per image and large, and
        // zeroing them first cost as much as summing. The row being built is kept apart (it
        // starts as the row above and gets the row's running sum added), so that the hot loop
        // reads and writes one short slice instead of pushing and bounds-checking the table.
        let w1 = w + 1;
        let mut s = Vec::with_capacity(w1 * (h + 1));
        let mut acc = vec![0.0f64; w1];
        s.extend_from_slice(&acc);
        let mut it = values;
        for _ in 0..h {
            let mut row = 0.0;
            for above in acc.iter_mut().skip(1) {
                row += it.next().unwrap_or(0.0);
                *above += row;
            }
            s.extend_from_slice(&acc);
        }
        Self { w, h, s }
    }

    /// Sum and pixel count over the window `[x0, x1) × [y0, y1)` clipped to the image.
    #[inline]
    pub fn sum(&self, x0: isize, y0: isize, x1: isize, y1: isize) -> (f64, f64) {
        let cx = |v: isize| v.clamp(0, self.w as isize) as usize;
        let cy = |v: isize| v.clamp(0, self.h as isize) as usize;
        let (x0, x1, y0, y1) = (cx(x0), cx(x1), cy(y0), cy(y1));
        if x1 <= x0 || y1 <= y0 {
            return (0.0, 0.0);
        }
        let w1 = self.w + 1;
        let g = |x: usize, y: usize| self.s.get(y * w1 + x).copied().unwrap_or(0.0);
        (
            g(x1, y1) - g(x0, y1) - g(x1, y0) + g(x0, y0),
            ((x1 - x0) * (y1 - y0)) as f64,
        )
    }
}

/// Summed-area tables of an image's values and squared values, for [`ImageSums::block_stats`]
/// at several window sizes without summing the image again.
pub struct ImageSums {
    width: usize,
    height: usize,
    s1: Integral,
    s2: Integral,
}

impl ImageSums {
    /// The tables of `img`.
    pub fn new(img: &Gray) -> Self {
        let (w, h) = (img.width, img.height);
        let (Some(rows), true) = (img.data.get(..w * h), w > 0) else {
            return Self {
                width: w,
                height: h,
                s1: Integral::new(w, h, img.data.iter().map(|&v| f64::from(v))),
                s2: Integral::new(w, h, img.data.iter().map(|&v| f64::from(v * v))),
            };
        };
        // Both tables in one pass over the pixels, each as `Integral::new` builds it.
        let w1 = w + 1;
        let (mut s1, mut s2) = (
            Vec::with_capacity(w1 * (h + 1)),
            Vec::with_capacity(w1 * (h + 1)),
        );
        let (mut a1, mut a2) = (vec![0.0f64; w1], vec![0.0f64; w1]);
        s1.extend_from_slice(&a1);
        s2.extend_from_slice(&a2);
        for row in rows.chunks_exact(w) {
            let (mut r1, mut r2) = (0.0, 0.0);
            let above = a1.iter_mut().skip(1).zip(a2.iter_mut().skip(1));
            for ((p1, p2), &v) in above.zip(row) {
                r1 += f64::from(v);
                *p1 += r1;
                r2 += f64::from(v * v);
                *p2 += r2;
            }
            s1.extend_from_slice(&a1);
            s2.extend_from_slice(&a2);
        }
        let table = |s| Integral { w, h, s };
        Self {
            width: w,
            height: h,
            s1: table(s1),
            s2: table(s2),
        }
    }

    /// Local mean and standard deviation per block over a `(2r+1)`-pixel window.
    pub fn block_stats(&self, r: isize) -> (BlockMap<f32>, BlockMap<f32>) {
        let mut mean = BlockMap::for_image(self.width, self.height, 0.0f32);
        let mut std = mean.clone();
        for by in 0..mean.bh {
            for bx in 0..mean.bw {
                let cx = (bx * BLOCK + BLOCK / 2) as isize;
                let cy = (by * BLOCK + BLOCK / 2) as isize;
                let (a, n) = self.s1.sum(cx - r, cy - r, cx + r + 1, cy + r + 1);
                let (b, _) = self.s2.sum(cx - r, cy - r, cx + r + 1, cy + r + 1);
                if n > 0.0 {
                    let m = a / n;
                    mean.set(bx, by, m as f32);
                    std.set(bx, by, (b / n - m * m).max(0.0).sqrt() as f32);
                }
            }
        }
        (mean, std)
    }
}

/// Per block, whether the contrast `std` around it (the standard deviation over about three
/// blocks square, as [`ImageSums::block_stats`] gives with a radius of 12 px) comes from
/// oscillation, as ridges give, rather than from a single step (a sensor's frame, the fill
/// around a turned or pasted image) or shading: the mean gradient magnitude over the block and
/// its eight neighbours against `std`. Ridges of period T give about 4√2/T (≈ 0.6 at 500
/// ppi, ≥ 0.38 up to T = 15 px); one straight step across the window about 2/24. The gradient
/// is sampled at every other pixel of every other row: an unbiased mean at a quarter of the
/// cost.
pub fn oscillating(img: &Gray, std: &BlockMap<f32>) -> BlockMap<bool> {
    oscillating_with(&gradient_means(img, std.bw, std.bh), std)
}

/// The mean gradient magnitude over each block of a `bw × bh` grid and its eight neighbours,
/// as [`oscillating`] measures it; −1 where no pixel was sampled.
pub fn gradient_means(img: &Gray, bw: usize, bh: usize) -> BlockMap<f32> {
    let (w, h) = (img.width, img.height);
    let mut sums = BlockMap::new(bw, bh, (0.0f32, 0u32));
    if w >= 3 && h >= 3 && img.data.len() >= w * h {
        for y in (1..h - 1).step_by(2) {
            let row = |y: usize| &img.data[y * w..(y + 1) * w];
            let (up, here, down) = (row(y - 1), row(y), row(y + 1));
            let by = y / BLOCK;
            for x in (1..w - 1).step_by(2) {
                let g = 0.5 * ((here[x + 1] - here[x - 1]).abs() + (down[x] - up[x]).abs());
                let i = by * bw + x / BLOCK;
                if let Some((s, n)) = sums.data.get_mut(i) {
                    *s += g;
                    *n += 1;
                }
            }
        }
    }
    let mut out = BlockMap::new(bw, bh, -1.0f32);
    for by in 0..bh as isize {
        for bx in 0..bw as isize {
            let (mut g, mut n) = (0.0f32, 0u32);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (s, k) = sums.get(bx + dx, by + dy);
                    g += s;
                    n += k;
                }
            }
            if n > 0 {
                out.set(bx as usize, by as usize, g / n as f32);
            }
        }
    }
    out
}

/// [`oscillating`] from the blocks' [`gradient_means`], so that one measurement serves
/// several contrast maps.
pub fn oscillating_with(gradient: &BlockMap<f32>, std: &BlockMap<f32>) -> BlockMap<bool> {
    let mut out = BlockMap::new(std.bw, std.bh, false);
    for ((o, &g), &s) in out.data.iter_mut().zip(&gradient.data).zip(&std.data) {
        *o = g >= 0.0 && s > 0.0 && g >= OSCILLATION_RATIO * s;
    }
    out
}

/// Mean gradient magnitude per grey level of standard deviation from which a block's contrast
/// counts as ridges (ridges ≥ 0.38, a step across the window ≈ 0.1; issue #14, docs/
/// matching.md, twelfth pass: 0.2 lets a turned image's corners through, 0.3 and 0.4 agree).
const OSCILLATION_RATIO: f32 = 0.3;

/// Contrast-normalised copy of `img`: zero local mean, unit local deviation (per block,
/// bilinearly interpolated), clamped to ±3.
pub fn normalise(img: &Gray, mean: &BlockMap<f32>, std: &BlockMap<f32>) -> Gray {
    let (w, h) = (img.width, img.height);
    let half = (BLOCK / 2) as f32;
    // The block columns and weight of each pixel column are the same on every row: computed
    // once, with the clamping to the map, instead of per pixel.
    let cols: Vec<(usize, usize, f32)> = (0..w)
        .map(|x| {
            let fx = (x as f32 - half) / BLOCK as f32;
            let bx = fx.floor();
            let tx = fx - bx;
            let bxi = bx as isize;
            let last = mean.bw as isize - 1;
            (
                bxi.clamp(0, last.max(0)) as usize,
                (bxi + 1).clamp(0, last.max(0)) as usize,
                tx,
            )
        })
        .collect();
    // The interpolation along x of every block row, `a·(1−tx) + b·tx` per pixel column, is
    // the same for the eight pixel rows above and below it: computed once per block row, so
    // that a pixel only blends two of them (the same operations on the same values as the
    // whole bilinear formula per pixel).
    let rows = mean.bh.max(1);
    let mean_x = along_x(&mean.data, mean.bw, &cols, rows);
    let std_x = along_x(&std.data, std.bw, &cols, rows);
    let mut data = Vec::with_capacity(w * h);
    for y in 0..h {
        let fy = (y as f32 - half) / BLOCK as f32;
        let by = fy.floor();
        let ty = fy - by;
        let byi = by as isize;
        let last = mean.bh as isize - 1;
        let j0 = byi.clamp(0, last.max(0)) as usize;
        let j1 = (byi + 1).clamp(0, last.max(0)) as usize;
        let (Some(irow), Some(m0), Some(m1), Some(s0), Some(s1)) = (
            img.data.get(y * w..(y + 1) * w),
            mean_x.get(j0 * w..(j0 + 1) * w),
            mean_x.get(j1 * w..(j1 + 1) * w),
            std_x.get(j0 * w..(j0 + 1) * w),
            std_x.get(j1 * w..(j1 + 1) * w),
        ) else {
            data.resize((y + 1) * w, 0.0);
            continue;
        };
        data.extend(
            irow.iter()
                .zip(m0.iter().zip(m1))
                .zip(s0.iter().zip(s1))
                .map(|((&v, (&m0, &m1)), (&s0, &s1))| {
                    let m = m0 * (1.0 - ty) + m1 * ty;
                    let s = (s0 * (1.0 - ty) + s1 * ty).max(MIN_NORMALISE_STD);
                    ((v - m) / s).clamp(-3.0, 3.0)
                }),
        );
    }
    Gray {
        width: w,
        height: h,
        data,
    }
}

/// `rows` block rows of a map (row-major, `bw` per row) interpolated along x at the pixel
/// columns `cols` (block column, next block column, weight of the next): `a·(1−tx) + b·tx`,
/// `cols.len()` values per row; rows and columns outside the map count as 0.
pub fn along_x(data: &[f32], bw: usize, cols: &[(usize, usize, f32)], rows: usize) -> Vec<f32> {
    // Consecutive columns between the same two block columns (eight in the interior) share
    // `a` and `b`: per such segment, the blend over its weights is one vector loop.
    let tx: Vec<f32> = cols.iter().map(|c| c.2).collect();
    let mut segments = Vec::new();
    let mut start = 0;
    for (x, c) in cols.iter().enumerate() {
        if let Some(s) = cols.get(start)
            && (s.0, s.1) != (c.0, c.1)
        {
            segments.push((s.0, s.1, start..x));
            start = x;
        }
    }
    if let Some(s) = cols.get(start) {
        segments.push((s.0, s.1, start..cols.len()));
    }
    let mut out = Vec::with_capacity(rows * cols.len());
    for j in 0..rows {
        let r = data.get(j * bw..(j + 1) * bw).unwrap_or(&[]);
        let at = |k: usize| r.get(k).copied().unwrap_or(0.0);
        for (i, i1, xs) in &segments {
            let (a, b) = (at(*i), at(*i1));
            let tx = tx.get(xs.clone()).unwrap_or(&[]);
            out.extend(tx.iter().map(|&tx| a * (1.0 - tx) + b * tx));
        }
    }
    out
}

/// Keeps only the largest 4-connected `true` component, then fills its holes.
pub fn largest_component_filled(mask: &mut BlockMap<bool>) {
    let (bw, bh) = (mask.bw, mask.bh);
    let mut label = vec![0u32; bw * bh];
    let mut best = (0usize, 0u32);
    let mut next = 0u32;
    let mut stack = Vec::new();
    for start in 0..bw * bh {
        if !mask.data[start] || label[start] != 0 {
            continue;
        }
        next += 1;
        let mut size = 0usize;
        stack.push(start);
        label[start] = next;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % bw, i / bw);
            let mut push = |j: usize| {
                if mask.data[j] && label[j] == 0 {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                push(i - 1);
            }
            if x + 1 < bw {
                push(i + 1);
            }
            if y > 0 {
                push(i - bw);
            }
            if y + 1 < bh {
                push(i + bw);
            }
        }
        if size > best.0 {
            best = (size, next);
        }
    }
    // Flood the background from the border; anything not reached and not kept is a hole.
    let keep: Vec<bool> = label.iter().map(|&l| l != 0 && l == best.1).collect();
    let mut outside = vec![false; bw * bh];
    for i in 0..bw * bh {
        let (x, y) = (i % bw, i / bw);
        if (x == 0 || y == 0 || x + 1 == bw || y + 1 == bh) && !keep[i] && !outside[i] {
            outside[i] = true;
            stack.push(i);
            while let Some(j) = stack.pop() {
                let (x, y) = (j % bw, j / bw);
                let mut push = |k: usize| {
                    if !keep[k] && !outside[k] {
                        outside[k] = true;
                        stack.push(k);
                    }
                };
                if x > 0 {
                    push(j - 1);
                }
                if x + 1 < bw {
                    push(j + 1);
                }
                if y > 0 {
                    push(j - bw);
                }
                if y + 1 < bh {
                    push(j + bw);
                }
            }
        }
    }
    for (i, m) in mask.data.iter_mut().enumerate() {
        *m = best.0 > 0 && !outside[i];
    }
}

/// One step of binary morphology on blocks: `grow` dilates, otherwise erodes (3×3).
pub fn morph(mask: &BlockMap<bool>, grow: bool) -> BlockMap<bool> {
    // The 3×3 window as two passes of three: each block with its left and right neighbours,
    // then each of those with the ones above and below. Blocks outside the map count as
    // `false` (so erosion clears the border).
    let (bw, bh) = (mask.bw, mask.bh);
    let combine = |a: bool, b: bool, c: bool| if grow { a | b | c } else { a & b & c };
    let mut rows3 = Vec::with_capacity(bw * bh);
    for y in 0..bh {
        let row = mask.data.get(y * bw..(y + 1) * bw).unwrap_or(&[]);
        let at = |x: usize| row.get(x).copied().unwrap_or(false);
        rows3.extend((0..bw).map(|x| combine(x > 0 && at(x - 1), at(x), at(x + 1))));
    }
    let mut out = mask.clone();
    let row3 = |y: usize| rows3.get(y * bw..(y + 1) * bw);
    let none = vec![false; bw];
    for y in 0..bh {
        let up = y.checked_sub(1).and_then(row3).unwrap_or(&none);
        let (Some(here), Some(o)) = (row3(y), out.data.get_mut(y * bw..(y + 1) * bw)) else {
            continue;
        };
        let down = row3(y + 1).unwrap_or(&none);
        for (((o, &u), &c), &d) in o.iter_mut().zip(up).zip(here).zip(down) {
            *o = combine(u, c, d);
        }
    }
    out
}

/// The least block contrast (standard deviation, grey levels) that can be foreground,
/// whatever the image's own contrast. Low: on a faint sensor's print (95th percentile block
/// contrast ≈ 16 grey levels, so 0.3 × that ≈ 5) a floor of 6 dropped the faint half of the
/// finger; the coherence and ridge-period tests, not this floor, keep sensor noise out
/// (issue #14, docs/matching.md, eleventh pass).
pub const MIN_CONTRAST: f32 = 3.0;

/// Foreground mask from block contrast and orientation coherence. The threshold is relative
/// to the image's 95th-percentile contrast, taken over the blocks whose contrast is
/// `oscillating` (the others count as none): the step of a sensor's frame or of the fill
/// around a turned image outweighs any ridge, and would lift the threshold over the print.
pub fn foreground(
    std: &BlockMap<f32>,
    coherence: &BlockMap<f32>,
    oscillating: &BlockMap<bool>,
) -> BlockMap<bool> {
    let mut v: Vec<f32> = std
        .data
        .iter()
        .zip(&oscillating.data)
        .map(|(&s, &o)| if o { s } else { 0.0 })
        .collect();
    v.sort_by(f32::total_cmp);
    let p95 = v.get(v.len() * 95 / 100).copied().unwrap_or(0.0);
    let t = (0.3 * p95).max(MIN_CONTRAST);
    let mut mask = BlockMap::new(std.bw, std.bh, false);
    for i in 0..mask.data.len() {
        let s = std.data.get(i).copied().unwrap_or(0.0);
        let c = coherence.data.get(i).copied().unwrap_or(0.0);
        mask.data[i] = s > t && c > 0.12;
    }
    // Opening removes specks; closing bridges small gaps; then keep the main region.
    let mut mask = morph(&morph(&mask, false), true);
    mask = morph(&morph(&mask, true), false);
    largest_component_filled(&mut mask);
    mask
}

/// Grows `mask` through the blocks that `ridges` accepts and that join it through such
/// blocks (4-connected), then takes the main region again (opening, largest component, holes
/// filled). A print pressed unevenly — a dry finger's faint centre between dark, creased
/// parts — has plain ridges whose contrast is below the threshold its darker parts set
/// (issue #14, docs/matching.md, twenty-seventh pass); ridges not joined to the print, and
/// blocks `ridges` refuses, stay out. `ridges` is asked only about blocks next to the
/// growing region, so a costly test runs on few blocks.
pub fn grow_through(
    mask: &BlockMap<bool>,
    mut ridges: impl FnMut(usize, usize) -> bool,
) -> BlockMap<bool> {
    let (bw, bh) = (mask.bw, mask.bh);
    if mask.data.len() != bw * bh {
        return mask.clone();
    }
    let mut grown = mask.clone();
    let mut stack: Vec<usize> = (0..bw * bh)
        .filter(|&i| mask.data.get(i).copied().unwrap_or(false))
        .collect();
    let mut asked = vec![false; bw * bh];
    while let Some(i) = stack.pop() {
        let (x, y) = (i % bw, i / bw);
        let neighbours = [
            (x > 0).then(|| i - 1),
            (x + 1 < bw).then(|| i + 1),
            (y > 0).then(|| i - bw),
            (y + 1 < bh).then(|| i + bw),
        ];
        for j in neighbours.into_iter().flatten() {
            if grown.data[j] || asked[j] {
                continue;
            }
            asked[j] = true;
            if ridges(j % bw, j / bw) {
                grown.data[j] = true;
                stack.push(j);
            }
        }
    }
    let mut out = morph(&morph(&grown, false), true);
    largest_component_filled(&mut out);
    out
}

/// Narrows `mask` to the blocks where at least `min_share` of the mask blocks within
/// `radius` blocks are `periodic`, then keeps the main region (opening, largest component,
/// holes filled): contrast without ridges (dust, shading, a sensor's frame) leaves the mask.
/// `None` when that would drop more than half of the mask: on a blotchy wet print most blocks
/// fail the periodicity test and the narrowed mask would be a fragment, so the contrast mask
/// is the better guess there.
pub fn keep_periodic(
    mask: &BlockMap<bool>,
    periodic: &BlockMap<bool>,
    radius: isize,
    min_share: f32,
) -> Option<BlockMap<bool>> {
    // The window counts from two summed-area tables (mask blocks; mask blocks that are
    // periodic): exact integers, the same counts as visiting the window.
    let (bw, bh) = (mask.bw, mask.bh);
    let table = |f: &dyn Fn(isize, isize) -> bool| {
        let mut t = vec![0u32; (bw + 1) * (bh + 1)];
        for y in 0..bh {
            let mut row = 0;
            for x in 0..bw {
                row += u32::from(f(x as isize, y as isize));
                t[(y + 1) * (bw + 1) + x + 1] = t[y * (bw + 1) + x + 1] + row;
            }
        }
        t
    };
    let in_mask = table(&|x, y| mask.get(x, y));
    let in_both = table(&|x, y| mask.get(x, y) && periodic.get(x, y));
    let window = |t: &[u32], bx: usize, by: usize| {
        if radius < 0 {
            return 0;
        }
        let r = radius as usize;
        let (x0, x1) = (bx.saturating_sub(r), (bx + r + 1).min(bw));
        let (y0, y1) = (by.saturating_sub(r), (by + r + 1).min(bh));
        let at = |x: usize, y: usize| t[y * (bw + 1) + x];
        at(x1, y1) + at(x0, y0) - at(x0, y1) - at(x1, y0)
    };
    let mut out = BlockMap::new(bw, bh, false);
    for by in 0..bh {
        for bx in 0..bw {
            if !mask.get(bx as isize, by as isize) {
                continue;
            }
            let (n, p) = (window(&in_mask, bx, by), window(&in_both, bx, by));
            out.set(bx, by, p as f32 >= min_share * n as f32);
        }
    }
    let mut out = morph(&morph(&out, false), true);
    largest_component_filled(&mut out);
    let count = |m: &BlockMap<bool>| m.data.iter().filter(|&&v| v).count();
    (count(&out) > 0 && 2 * count(&out) > count(mask)).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_sums_window() {
        let ii = Integral::new(3, 2, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0].into_iter());
        assert_eq!(ii.sum(0, 0, 3, 2), (21.0, 6.0));
        assert_eq!(ii.sum(1, 1, 3, 2), (11.0, 2.0));
        assert_eq!(ii.sum(-5, -5, 10, 10), (21.0, 6.0));
        assert_eq!(ii.sum(2, 2, 1, 1), (0.0, 0.0));
    }

    #[test]
    fn ridges_oscillate_and_a_step_does_not() {
        // Left half: ridges of period 9 px; right half: flat 40 then a step to 255.
        let (w, h) = (160usize, 64usize);
        let mut img = Gray::filled(w, h, 0.0);
        for y in 0..h {
            for x in 0..w {
                img.data[y * w + x] = if x < 80 {
                    128.0 + 60.0 * (x as f32 * std::f32::consts::TAU / 9.0).sin()
                } else if x < 124 {
                    40.0
                } else {
                    255.0
                };
            }
        }
        let (_, std) = ImageSums::new(&img).block_stats(12);
        let osc = oscillating(&img, &std);
        assert!(osc.get(4, 4), "ridges");
        // Block 15 (x 120..128) straddles the step: high contrast, no oscillation.
        assert!(std.get(15, 4) > 60.0);
        assert!(!osc.get(15, 4), "a step");
        // The step's contrast does not set the threshold: the ridge blocks stay foreground.
        let coherence = BlockMap::new(std.bw, std.bh, 1.0);
        let fg = foreground(&std, &coherence, &osc);
        assert!(fg.get(4, 4));
    }

    #[test]
    fn periodic_blocks_narrow_the_mask() {
        // A 12×12 mask whose left 4 columns have contrast but no ridges.
        let mask = BlockMap::new(12, 12, true);
        let mut periodic = BlockMap::new(12, 12, true);
        for y in 0..12 {
            for x in 0..4 {
                periodic.set(x, y, false);
            }
        }
        let out = keep_periodic(&mask, &periodic, 2, 0.5).expect("most blocks periodic");
        assert!(!out.get(0, 6) && !out.get(1, 6));
        assert!(out.get(8, 6) && out.get(5, 6));
        // Hardly any periodic block: the contrast mask stands.
        let sparse = BlockMap::new(12, 12, false);
        assert_eq!(keep_periodic(&mask, &sparse, 2, 0.5), None);
    }

    /// The mask grows through accepted blocks joined to it, not through refused ones nor to
    /// accepted blocks beyond a refused gap, and asks about each block at most once, only
    /// when it borders the growing region.
    #[test]
    fn the_mask_grows_through_joined_ridges_only() {
        let (bw, bh) = (24, 12);
        let mut mask = BlockMap::new(bw, bh, false);
        for y in 2..10 {
            for x in 2..8 {
                mask.set(x, y, true);
            }
        }
        // Ridges: columns 8..14 (joined to the mask) and 16..22 (beyond a gap at 14..16).
        let ridges = |x: usize, _y: usize| (8..14).contains(&x) || (16..22).contains(&x);
        let mut asked = std::collections::HashMap::new();
        let grown = grow_through(&mask, |x, y| {
            *asked.entry((x, y)).or_insert(0) += 1;
            ridges(x, y)
        });
        assert!(asked.values().all(|&n| n == 1), "a block asked twice");
        assert!(
            !asked.contains_key(&(18, 5)),
            "a block beyond the gap was asked"
        );
        for y in 3..9 {
            for x in 3..13 {
                assert!(grown.get(x, y), "({x}, {y}) left out");
            }
            for x in 15..24 {
                assert!(!grown.get(x, y), "({x}, {y}) taken across the gap");
            }
        }
        // Nothing accepted: the mask's main region as it was.
        let same = grow_through(&mask, |_, _| false);
        let mut expected = morph(&morph(&mask, false), true);
        largest_component_filled(&mut expected);
        assert_eq!(same, expected);
    }

    #[test]
    fn component_fills_holes() {
        let mut m = BlockMap::new(5, 5, true);
        m.set(2, 2, false);
        m.set(0, 0, false);
        largest_component_filled(&mut m);
        assert!(m.get(2, 2));
        assert!(!m.get(0, 0));
    }
}
