//! 1:N identification: a gallery of people × up to 10 fingers, a prefilter that shortlists
//! gallery fingers cheaply, full comparison of the shortlist on scoped threads, and
//! multi-finger fusion per person (sum of per-finger −log10 FMR evidence).
//!
//! Owns the in-memory gallery and the search. Must not persist people or decide policy
//! (thresholds come from the caller, via `calibration`).

use std::collections::HashMap;

use super::calibration::fmr_for_score;
use super::index::PackedKey;
use super::matcher::{Prepared, Scratch, compare_with, prepare};
use super::template::Template;

/// A probe finger: its position (0 = unknown, ISO codes 1–10) and prepared template.
#[derive(Clone, Debug)]
pub struct Finger {
    /// ISO/IEC 19794-2 finger position (0 unknown).
    pub position: u8,
    /// Prepared template.
    pub prepared: Prepared,
}

impl Finger {
    /// Prepares a probe finger from a template.
    pub fn new(position: u8, template: &Template) -> Self {
        Self {
            position,
            prepared: prepare(template),
        }
    }
}

/// One ranked identification candidate.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Person identifier as given to [`Gallery::add`].
    pub person: String,
    /// Fused evidence: sum over probe fingers of −log10 FMR of the best score (higher = surer).
    pub evidence: f64,
    /// Best single-finger similarity score.
    pub best_score: f32,
    /// (probe finger index, gallery finger position, score) of each finger that contributed.
    pub fingers: Vec<(usize, u8, f32)>,
}

/// Search parameters.
#[derive(Clone, Copy, Debug)]
pub struct SearchOptions {
    /// Most candidates returned.
    pub max_candidates: usize,
    /// Fraction of gallery fingers kept by the prefilter for full comparison (0–1].
    pub shortlist_fraction: f32,
    /// Smallest shortlist regardless of the fraction.
    pub shortlist_min: usize,
    /// Worker threads.
    pub threads: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            max_candidates: 10,
            shortlist_fraction: 0.01,
            shortlist_min: 200,
            threads: 2,
        }
    }
}

struct Entry {
    person: u32,
    prepared: Prepared,
}

/// What the prefilter reads of one gallery finger, kept apart from the prepared templates
/// (parallel to `entries`) so that scanning millions of them streams through one array.
#[derive(Clone, Copy)]
struct Slot {
    key: PackedKey,
    position: u8,
}

/// An in-memory gallery of enrolled fingers.
#[derive(Default)]
pub struct Gallery {
    people: Vec<String>,
    by_name: HashMap<String, u32>,
    entries: Vec<Entry>,
    slots: Vec<Slot>,
}

impl std::fmt::Debug for Gallery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gallery")
            .field("people", &self.people.len())
            .field("fingers", &self.entries.len())
            .finish()
    }
}

impl Gallery {
    /// An empty gallery.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of enrolled fingers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no finger is enrolled.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Enrols one finger of `person` (position 0 = unknown).
    pub fn add(&mut self, person: &str, position: u8, template: &Template) {
        self.add_prepared(person, position, prepare(template));
    }

    /// Enrols an already prepared finger (its buffers shrunk to their length: a gallery keeps
    /// millions of them, and preparation leaves about a fifth of each unused; a second view,
    /// which the search never reads, is dropped).
    pub fn add_prepared(&mut self, person: &str, position: u8, mut prepared: Prepared) {
        prepared.second_view = None;
        prepared.shrink_to_fit();
        let id = match self.by_name.get(person) {
            Some(&id) => id,
            None => {
                let id = self.people.len() as u32;
                self.people.push(person.to_string());
                self.by_name.insert(person.to_string(), id);
                id
            }
        };
        let key = PackedKey::from(&super::index::key_of(&prepared));
        self.entries.push(Entry {
            person: id,
            prepared,
        });
        self.slots.push(Slot { key, position });
    }

    /// Keeps only the people for whom `keep(name)` is true, with their fingers (a worker
    /// dropping a shard, a deleted person); the others' names are forgotten too, so a worker
    /// that hands shards back gets their memory back.
    pub fn retain_people(&mut self, keep: impl Fn(&str) -> bool) {
        // New id of each person kept (u32::MAX: dropped).
        let mut renumber = vec![u32::MAX; self.people.len()];
        let mut people = Vec::new();
        for (old, name) in std::mem::take(&mut self.people).into_iter().enumerate() {
            if keep(&name) {
                renumber[old] = people.len() as u32;
                people.push(name);
            }
        }
        self.people = people;
        self.by_name.retain(|_, id| {
            let new = renumber.get(*id as usize).copied().unwrap_or(u32::MAX);
            *id = new;
            new != u32::MAX
        });
        self.by_name.shrink_to_fit();
        let new_id = |person: u32| renumber.get(person as usize).copied().unwrap_or(u32::MAX);
        let mut fates = self
            .entries
            .iter()
            .map(|e| new_id(e.person) != u32::MAX)
            .collect::<Vec<_>>()
            .into_iter();
        self.slots.retain(|_| fates.next().unwrap_or(false));
        self.entries.retain_mut(|e| {
            e.person = new_id(e.person);
            e.person != u32::MAX
        });
    }

    /// Number of people with a name in the gallery.
    pub fn people(&self) -> usize {
        self.people.len()
    }

    /// Searches the gallery with one or more probe fingers of one person.
    pub fn search(&self, probes: &[Finger], opts: &SearchOptions) -> Vec<Candidate> {
        if self.entries.is_empty() || probes.is_empty() {
            return Vec::new();
        }
        let keep = ((self.entries.len() as f32 * opts.shortlist_fraction.clamp(0.0, 1.0)).ceil()
            as usize)
            .max(opts.shortlist_min)
            .min(self.entries.len());
        let threads = opts.threads.max(1);
        // (probe, entry, score) for every fully compared pair.
        let mut hits: Vec<(usize, usize, f32)> = Vec::new();
        for (pi, probe) in probes.iter().enumerate() {
            let pkey = super::index::probe_key_of(&probe.prepared);
            let compatible =
                |e: &Slot| probe.position == 0 || e.position == 0 || e.position == probe.position;
            let shortlist: Vec<usize> = if keep >= self.entries.len() {
                (0..self.entries.len())
                    .filter(|&i| compatible(&self.slots[i]))
                    .collect()
            } else {
                let scored = parallel_map(self.entries.len(), threads, |range| {
                    range
                        .filter(|&i| compatible(&self.slots[i]))
                        .map(|i| {
                            (
                                super::index::packed_similarity(&pkey, &self.slots[i].key),
                                i as u32,
                            )
                        })
                        .collect()
                });
                top_k(scored, keep)
            };
            let scores = parallel_map(shortlist.len(), threads, |range| {
                let mut scratch = Scratch::default();
                range
                    .map(|k| {
                        let i = shortlist[k];
                        (
                            compare_with(&probe.prepared, &self.entries[i].prepared, &mut scratch),
                            i as u32,
                        )
                    })
                    .collect()
            });
            hits.extend(scores.into_iter().map(|(s, i)| (pi, i as usize, s)));
        }
        // Fusion: per person and probe finger keep the best score, sum the evidence.
        let mut best: HashMap<(u32, usize), (f32, u8)> = HashMap::new();
        for &(pi, ei, s) in &hits {
            let (person, position) = (self.entries[ei].person, self.slots[ei].position);
            let slot = best.entry((person, pi)).or_insert((0.0, position));
            if s > slot.0 {
                *slot = (s, position);
            }
        }
        let mut per_person: HashMap<u32, Candidate> = HashMap::new();
        for ((person, pi), (s, pos)) in best {
            let c = per_person.entry(person).or_insert_with(|| Candidate {
                person: self
                    .people
                    .get(person as usize)
                    .cloned()
                    .unwrap_or_default(),
                evidence: 0.0,
                best_score: 0.0,
                fingers: Vec::new(),
            });
            c.evidence += -fmr_for_score(s).log10();
            c.best_score = c.best_score.max(s);
            c.fingers.push((pi, pos, s));
        }
        let mut out: Vec<Candidate> = per_person.into_values().collect();
        for c in out.iter_mut() {
            c.fingers.sort_by_key(|f| f.0);
        }
        out.sort_by(|a, b| {
            b.evidence
                .total_cmp(&a.evidence)
                .then(b.best_score.total_cmp(&a.best_score))
        });
        out.truncate(opts.max_candidates);
        out
    }
}

/// Runs `f` over `0..n` split into `threads` ranges and concatenates the results.
fn parallel_map<F>(n: usize, threads: usize, f: F) -> Vec<(f32, u32)>
where
    F: Fn(std::ops::Range<usize>) -> Vec<(f32, u32)> + Sync,
{
    if threads <= 1 || n < 64 {
        return f(0..n);
    }
    let chunk = n.div_ceil(threads);
    let mut out = Vec::with_capacity(n);
    std::thread::scope(|s| {
        let f = &f;
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let r = (t * chunk).min(n)..((t + 1) * chunk).min(n);
                s.spawn(move || f(r))
            })
            .collect();
        for h in hs {
            if let Ok(v) = h.join() {
                out.extend(v);
            }
        }
    });
    out
}

/// Indices of the `k` highest scores.
fn top_k(mut v: Vec<(f32, u32)>, k: usize) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    if v.len() > k {
        v.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
        v.truncate(k);
    }
    v.into_iter().map(|(_, i)| i as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::super::minutiae::Kind;
    use super::super::template::StoredMinutia;
    use super::super::test_support::random_template;
    use super::*;

    /// The same finger seen again: rotated, shifted, jittered, a few minutiae lost.
    fn reimpress(t: &Template, seed: u64) -> Template {
        let (s, c) = (0.2f32 + seed as f32 * 0.01).sin_cos();
        let minutiae = t
            .minutiae
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 7 != 3)
            .map(|(i, m)| {
                let (x, y) = (f32::from(m.x) - 200.0, f32::from(m.y) - 200.0);
                let j = ((i as u64 * 31 + seed) % 5) as f32 - 2.0;
                StoredMinutia {
                    x: (200.0 + x * c - y * s + 15.0 + j).round().max(0.0) as u16,
                    y: (200.0 + x * s + y * c - 10.0 - j).round().max(0.0) as u16,
                    angle: m.angle.wrapping_add(
                        ((0.2 + seed as f32 * 0.01) / std::f32::consts::TAU * 256.0) as u8,
                    ),
                    kind: if i % 11 == 0 {
                        Kind::Bifurcation
                    } else {
                        m.kind
                    },
                    reliability: m.reliability,
                }
            })
            .collect();
        Template {
            minutiae,
            ..t.clone()
        }
    }

    #[test]
    fn finds_the_enrolled_person_among_many() {
        let mut g = Gallery::new();
        for p in 0..60u64 {
            for f in 1..=5u8 {
                g.add(
                    &format!("persona-{p}"),
                    f,
                    &random_template(p * 10 + u64::from(f), 40),
                );
            }
        }
        assert_eq!(g.len(), 300);
        let probe = reimpress(&random_template(23 * 10 + 3, 40), 1);
        let opts = SearchOptions {
            shortlist_min: 20,
            shortlist_fraction: 0.05,
            ..SearchOptions::default()
        };
        let r = g.search(&[Finger::new(3, &probe)], &opts);
        assert_eq!(r.first().map(|c| c.person.as_str()), Some("persona-23"));
        // Two probe fingers fuse into more evidence than one.
        let second = reimpress(&random_template(23 * 10 + 4, 40), 2);
        let r2 = g.search(&[Finger::new(3, &probe), Finger::new(4, &second)], &opts);
        assert_eq!(r2.first().map(|c| c.person.as_str()), Some("persona-23"));
        assert!(r2[0].evidence > r[0].evidence);
        assert_eq!(r2[0].fingers.len(), 2);
    }

    #[test]
    fn dropped_people_are_no_longer_found() {
        let mut g = Gallery::new();
        for p in 0..3u64 {
            g.add(&format!("p{p}"), 1, &random_template(p, 30));
        }
        g.retain_people(|p| p != "p1");
        assert_eq!(g.len(), 2);
        assert_eq!(g.people(), 2, "a dropped person's name is forgotten");
        let r = g.search(
            &[Finger::new(1, &random_template(1, 30))],
            &SearchOptions::default(),
        );
        assert!(r.iter().all(|c| c.person != "p1"));
        // Added again after a drop, the person is found again.
        g.add("p1", 1, &random_template(1, 30));
        let r = g.search(
            &[Finger::new(1, &random_template(1, 30))],
            &SearchOptions::default(),
        );
        assert_eq!(r.first().map(|c| c.person.as_str()), Some("p1"));
        // The people kept are still themselves after the renumbering.
        g.retain_people(|p| p != "p0");
        assert_eq!((g.len(), g.people()), (2, 2));
        for (name, seed) in [("p1", 1), ("p2", 2)] {
            let r = g.search(
                &[Finger::new(1, &random_template(seed, 30))],
                &SearchOptions::default(),
            );
            assert_eq!(r.first().map(|c| c.person.as_str()), Some(name));
        }
    }

    #[test]
    fn empty_inputs_return_nothing() {
        let g = Gallery::new();
        assert!(
            g.search(
                &[Finger::new(0, &random_template(1, 30))],
                &SearchOptions::default()
            )
            .is_empty()
        );
        let mut g = Gallery::new();
        g.add("a", 1, &random_template(1, 30));
        assert!(g.search(&[], &SearchOptions::default()).is_empty());
    }
}
