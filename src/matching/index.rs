//! Prefilter keys for 1:N search: the most reliable cylinders of a template pooled to 64-bit
//! words (4×4 spatial × 4 direction cells), compared with a Dice coefficient. About a
//! microsecond per gallery finger, used only to shortlist fingers for the full matcher.
//!
//! Owns the key layout and its similarity. Must not be used as a verification score.

use super::matcher::{Cylinder, ND, NS, Prepared};

/// Cylinders kept in a gallery key.
pub const KEY_CYLINDERS: usize = 12;
/// Cylinders used from a probe.
pub const PROBE_CYLINDERS: usize = 20;

/// Compact prefilter key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Key {
    /// Pooled cylinder words.
    pub words: Vec<u64>,
    /// Popcount of each word.
    pub counts: Vec<u8>,
    /// Minutia direction of each word, in 1/256 turns.
    pub angles: Vec<u8>,
}

fn pool(c: &Cylinder) -> u64 {
    let mut out = 0u64;
    for k in 0..ND {
        // 6 direction cells onto 4: cell k covers [k/6, (k+1)/6) of the turn.
        let k4 = k * 4 / ND;
        for j in 0..NS {
            for i in 0..NS {
                let bit = (k * NS + j) * NS + i;
                let on = c
                    .bits
                    .get(bit / 64)
                    .is_some_and(|w| (w >> (bit % 64)) & 1 == 1);
                if on {
                    let cell = (k4 * 4 + j * 4 / NS) * 4 + i * 4 / NS;
                    out |= 1 << cell;
                }
            }
        }
    }
    out
}

/// Builds the prefilter key from the `n` most reliable, information-rich cylinders.
pub fn key_with(p: &Prepared, n: usize) -> Key {
    let mut order: Vec<usize> = (0..p.cylinders.len()).collect();
    let weight = |i: usize| {
        let bits: u32 = p.cylinders.at(i).bits.iter().map(|w| w.count_ones()).sum();
        p.reliability.get(i).copied().unwrap_or(0.0) + 0.02 * bits as f32
    };
    order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)));
    order.truncate(n);
    let mut key = Key::default();
    for i in order {
        let w = pool(&p.cylinders.at(i));
        if w == 0 {
            continue;
        }
        key.words.push(w);
        key.counts.push(w.count_ones() as u8);
        let a = p.points[i][2] / std::f32::consts::TAU * 256.0;
        key.angles.push((a.round() as i32).rem_euclid(256) as u8);
    }
    key
}

/// Gallery key of a prepared template.
pub fn key_of(p: &Prepared) -> Key {
    key_with(p, KEY_CYLINDERS)
}

/// Probe key of a prepared template (more cylinders than a gallery key).
pub fn probe_key_of(p: &Prepared) -> Key {
    key_with(p, PROBE_CYLINDERS)
}

/// A gallery key stored inline (no allocation of its own): the prefilter scans millions of
/// them in a row, so they sit side by side in one array instead of behind three pointers each.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PackedKey {
    words: [u64; KEY_CYLINDERS],
    counts: [u8; KEY_CYLINDERS],
    angles: [u8; KEY_CYLINDERS],
    len: u8,
}

impl From<&Key> for PackedKey {
    fn from(k: &Key) -> Self {
        let mut p = PackedKey::default();
        let n = k
            .words
            .len()
            .min(k.counts.len())
            .min(k.angles.len())
            .min(KEY_CYLINDERS);
        p.words[..n].copy_from_slice(&k.words[..n]);
        p.counts[..n].copy_from_slice(&k.counts[..n]);
        p.angles[..n].copy_from_slice(&k.angles[..n]);
        p.len = n as u8;
        p
    }
}

/// Prefilter similarity of a probe key and a gallery key (higher = more likely the same finger).
pub fn similarity(probe: &Key, gallery: &Key) -> f32 {
    similarity_of(probe, &gallery.words, &gallery.counts, &gallery.angles)
}

/// [`similarity`] with a packed gallery key (the same arithmetic, the same result).
pub fn packed_similarity(probe: &Key, gallery: &PackedKey) -> f32 {
    let n = usize::from(gallery.len).min(KEY_CYLINDERS);
    similarity_of(
        probe,
        &gallery.words[..n],
        &gallery.counts[..n],
        &gallery.angles[..n],
    )
}

fn similarity_of(probe: &Key, words: &[u64], counts: &[u8], angles: &[u8]) -> f32 {
    let mut best = [0.0f32; KEY_CYLINDERS];
    for (g, ((&gw, &gc), &ga)) in words
        .iter()
        .zip(counts)
        .zip(angles)
        .enumerate()
        .take(KEY_CYLINDERS)
    {
        let mut b = 0.0f32;
        for ((&pw, &pc), &pa) in probe.words.iter().zip(&probe.counts).zip(&probe.angles) {
            // Directions further apart than a quarter turn cannot correspond.
            if (ga.wrapping_sub(pa) as i8).unsigned_abs() > 64 {
                continue;
            }
            let common = (gw & pw).count_ones() as f32;
            let d = 2.0 * common / (f32::from(gc) + f32::from(pc));
            b = b.max(d);
        }
        best[g] = b;
    }
    best.sort_unstable_by(|x, y| y.total_cmp(x));
    best.iter().take(6).sum()
}

#[cfg(test)]
mod tests {
    use super::super::matcher::prepare;
    use super::super::test_support::random_template;
    use super::*;

    #[test]
    fn a_packed_key_scores_exactly_as_its_key() {
        let keys: Vec<Key> = (0..40u64)
            .map(|seed| key_of(&prepare(&random_template(seed, 10 + (seed as usize % 50)))))
            .collect();
        assert!(keys.iter().any(|k| k.words.len() == KEY_CYLINDERS));
        assert!(keys.iter().any(|k| k.words.len() < KEY_CYLINDERS));
        for (i, g) in keys.iter().enumerate() {
            let packed = PackedKey::from(g);
            for seed in 0..10u64 {
                let probe = probe_key_of(&prepare(&random_template(1000 + seed, 40)));
                assert_eq!(
                    similarity(&probe, g).to_bits(),
                    packed_similarity(&probe, &packed).to_bits(),
                    "gallery key {i}, probe {seed}"
                );
            }
        }
        // A probe against itself (same cylinders) is the largest possible similarity.
        let own = probe_key_of(&prepare(&random_template(3, 40)));
        let gallery = PackedKey::from(&key_of(&prepare(&random_template(3, 40))));
        assert!(packed_similarity(&own, &gallery) > 5.0);
    }
}
