//! FVC-protocol evaluation of the whole pipeline on a folder of `F_I.(tif|png)` images:
//! genuine pairs, FVC and extended impostor lists, EER / FMR100 / FMR1000 / ZeroFMR, rank-1,
//! failures to enrol and timings.
//!
//! Owns the protocol and the error-rate arithmetic. Must not print (the CLI formats) nor tune
//! the matcher.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use thiserror::Error;

use super::extract::extract_in_turn;
use super::matcher::{Prepared, Scratch, compare_with, prepare_for_verification};
use super::verify::verify_given;

/// Figures of one evaluation; rates are fractions in `[0, 1]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// Equal error rate, FVC impostor list.
    pub eer: f64,
    /// Lowest FNMR at FMR ≤ 1 %, FVC impostor list.
    pub fmr100: f64,
    /// Lowest FNMR at FMR ≤ 0.1 %, FVC impostor list.
    pub fmr1000: f64,
    /// Lowest FNMR at FMR = 0, FVC impostor list.
    pub zero_fmr: f64,
    /// Equal error rate, extended impostor list (all cross-finger pairs).
    pub ext_eer: f64,
    /// Lowest FNMR at FMR ≤ 1 %, extended impostor list.
    pub ext_fmr100: f64,
    /// Lowest FNMR at FMR ≤ 0.1 %, extended impostor list.
    pub ext_fmr1000: f64,
    /// Lowest FNMR at FMR = 0, extended impostor list.
    pub ext_zero_fmr: f64,
    /// Rank-1 identification rate with impression 1 of each finger as gallery.
    pub rank1: f64,
    /// Failure-to-enrol rate.
    pub fte: f64,
    /// Mean extraction time per image in milliseconds (one core).
    pub extract_ms: f64,
    /// 1:1 comparisons per second on prepared templates (one core).
    pub matches_per_s: f64,
    /// Number of images evaluated.
    #[serde(skip)]
    pub images: usize,
    /// Genuine scores.
    #[serde(skip)]
    pub genuine: Vec<f32>,
    /// Extended impostor scores.
    #[serde(skip)]
    pub impostor: Vec<f32>,
}

/// The report of one set among several.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SetReport {
    /// The set's name (its folder).
    pub set: String,
    /// Its figures (flattened into the set's JSON object).
    #[serde(flatten)]
    pub report: EvalReport,
}

/// Several sets evaluated one by one, with the mean of their EERs (each set weighs the same).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MultiReport {
    /// One report per set, in the order given.
    pub sets: Vec<SetReport>,
    /// Mean FVC EER over the sets.
    pub mean_eer: f64,
    /// Mean extended EER over the sets.
    pub mean_ext_eer: f64,
}

impl MultiReport {
    /// Collects the sets and computes the means (0 for no sets).
    pub fn new(sets: Vec<SetReport>) -> Self {
        let n = sets.len().max(1) as f64;
        let mean_eer = sets.iter().map(|s| s.report.eer).sum::<f64>() / n;
        let mean_ext_eer = sets.iter().map(|s| s.report.ext_eer).sum::<f64>() / n;
        Self {
            sets,
            mean_eer,
            mean_ext_eer,
        }
    }
}

/// Why an evaluation could not run.
#[derive(Debug, Error)]
pub enum EvalError {
    /// The folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// Folder or file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// No `F_I.tif` / `F_I.png` files were found.
    #[error("no F_I.tif or F_I.png images in {0}")]
    NoImages(PathBuf),
}

/// One image of the set.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Finger label (the `F` of `F_I`).
    pub finger: String,
    /// Impression number (the `I` of `F_I`).
    pub impression: u32,
    /// File path.
    pub path: PathBuf,
}

/// Lists `F_I.(tif|tiff|png)` files sorted by finger then impression (TIFF preferred).
pub fn list_samples(dir: &Path) -> Result<Vec<Sample>, EvalError> {
    let rd = std::fs::read_dir(dir).map_err(|source| EvalError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut map: BTreeMap<(String, u32), (u8, PathBuf)> = BTreeMap::new();
    for entry in rd.flatten() {
        let path = entry.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let rank = match ext.to_ascii_lowercase().as_str() {
            "tif" | "tiff" => 0u8,
            "png" => 1,
            _ => continue,
        };
        let Some((f, i)) = stem.rsplit_once('_') else {
            continue;
        };
        let Ok(imp) = i.parse::<u32>() else { continue };
        if f.is_empty() {
            continue;
        }
        let key = (f.to_string(), imp);
        if map.get(&key).is_none_or(|(r, _)| rank < *r) {
            map.insert(key, (rank, path));
        }
    }
    if map.is_empty() {
        return Err(EvalError::NoImages(dir.to_path_buf()));
    }
    Ok(map
        .into_iter()
        .map(|((finger, impression), (_, path))| Sample {
            finger,
            impression,
            path,
        })
        .collect())
}

/// Error rates of one genuine/impostor score list: (EER, FMR100, FMR1000, ZeroFMR).
pub fn error_rates(genuine: &[f32], impostor: &[f32]) -> (f64, f64, f64, f64) {
    if genuine.is_empty() || impostor.is_empty() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let mut g: Vec<f32> = genuine.to_vec();
    let mut im: Vec<f32> = impostor.to_vec();
    g.sort_by(f32::total_cmp);
    im.sort_by(f32::total_cmp);
    let mut thresholds: Vec<f32> = g.iter().chain(&im).copied().collect();
    thresholds.push(f32::MAX);
    thresholds.sort_by(f32::total_cmp);
    thresholds.dedup();
    let (ng, ni) = (g.len() as f64, im.len() as f64);
    let mut eer = 1.0f64;
    let mut best_gap = f64::MAX;
    let (mut f100, mut f1000, mut fzero) = (1.0f64, 1.0f64, 1.0f64);
    for &t in &thresholds {
        // Accept when score >= t.
        let fnmr = g.partition_point(|&s| s < t) as f64 / ng;
        let fmr = (im.len() - im.partition_point(|&s| s < t)) as f64 / ni;
        let gap = (fmr - fnmr).abs();
        if gap < best_gap {
            best_gap = gap;
            eer = (fmr + fnmr) / 2.0;
        }
        if fmr <= 0.01 {
            f100 = f100.min(fnmr);
        }
        if fmr <= 0.001 {
            f1000 = f1000.min(fnmr);
        }
        if fmr == 0.0 {
            fzero = fzero.min(fnmr);
        }
    }
    (eer, f100, f1000, fzero)
}

/// Extracts every image (on `threads` threads): prepared templates with their second views
/// (None = failed to enrol) and the summed extraction time of both views in milliseconds.
pub fn extract_all(samples: &[Sample], ppi: u32, threads: usize) -> (Vec<Option<Prepared>>, f64) {
    let threads = threads.max(1);
    let chunk = samples.len().div_ceil(threads).max(1);
    let mut results: Vec<(Vec<Option<Prepared>>, f64)> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = samples
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut ms = 0.0;
                    let out: Vec<Option<Prepared>> = part
                        .iter()
                        .map(|smp| {
                            let bytes = std::fs::read(&smp.path).ok()?;
                            let t0 = Instant::now();
                            // These threads keep the cores busy: the views are read in turn.
                            let e = extract_in_turn(&bytes, ppi).ok();
                            ms += t0.elapsed().as_secs_f64() * 1e3;
                            e.map(|e| prepare_for_verification(&e.template))
                        })
                        .collect();
                    (out, ms)
                })
            })
            .collect();
        for h in handles {
            results.push(h.join().unwrap_or_else(|_| (Vec::new(), 0.0)));
        }
    });
    let mut prepared = Vec::with_capacity(samples.len());
    let mut ms = 0.0;
    for (p, t) in results {
        prepared.extend(p);
        ms += t;
    }
    prepared.resize_with(samples.len(), || None);
    (prepared, ms)
}

/// Scores of every pair of images of different fingers (failures to enrol are skipped).
pub fn impostor_scores(
    samples: &[Sample],
    prepared: &[Option<Prepared>],
    threads: usize,
) -> Vec<f32> {
    let n = samples.len().min(prepared.len());
    let pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .filter(|&(i, j)| samples[i].finger != samples[j].finger)
        .collect();
    let threads = threads.max(1);
    let chunk = pairs.len().div_ceil(threads).max(1);
    let mut out = Vec::with_capacity(pairs.len());
    std::thread::scope(|s| {
        let hs: Vec<_> = pairs
            .chunks(chunk)
            .map(|ps| {
                s.spawn(move || {
                    let mut scratch = Scratch::default();
                    ps.iter()
                        .filter_map(|&(i, j)| match (&prepared[i], &prepared[j]) {
                            (Some(a), Some(b)) => Some(compare_with(a, b, &mut scratch)),
                            _ => None,
                        })
                        .collect::<Vec<f32>>()
                })
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

/// Runs the FVC protocol on the images of `dir` captured at `ppi`.
pub fn evaluate_dir(dir: &Path, ppi: u32, threads: usize) -> Result<EvalReport, EvalError> {
    let samples = list_samples(dir)?;
    Ok(evaluate(&samples, ppi, threads))
}

/// Runs the FVC protocol on an explicit list of samples.
pub fn evaluate(samples: &[Sample], ppi: u32, threads: usize) -> EvalReport {
    let (prepared, total_ms) = extract_all(samples, ppi, threads);
    report(samples, &prepared, total_ms, threads)
}

/// The FVC protocol's figures from already extracted templates (`None` = failed to enrol;
/// `total_ms` = summed extraction time): every pair scored as 1:1 verification
/// ([`verify`](super::verify)), the matcher's rate timed on its own comparisons.
pub fn report(
    samples: &[Sample],
    prepared: &[Option<Prepared>],
    total_ms: f64,
    threads: usize,
) -> EvalReport {
    report_scored(samples, prepared, total_ms, threads, Scoring::Verification)
}

/// How [`report_scored`] scores a pair.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scoring {
    /// The matcher and the texture's second opinion ([`super::verify`]): what 1:1
    /// verification and `huella eval` use.
    Verification,
    /// The matcher's score only (what a 1:N search ranks by): for studies of the matcher.
    MatcherOnly,
}

/// [`report`] with pairs scored as `scoring` says.
pub fn report_scored(
    samples: &[Sample],
    prepared: &[Option<Prepared>],
    total_ms: f64,
    threads: usize,
    scoring: Scoring,
) -> EvalReport {
    let n = samples.len().min(prepared.len());
    let failed = prepared.iter().filter(|p| p.is_none()).count();
    // All pairs i < j, scored in parallel; failures to enrol score 0.
    let pairs: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .collect();
    let threads = threads.max(1);
    let chunk = pairs.len().div_ceil(threads).max(1);
    let mut scores = vec![0.0f32; pairs.len()];
    let mut busy = 0.0f64;
    let mut compared = 0usize;
    std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .zip(scores.chunks_mut(chunk))
            .map(|(ps, out)| {
                s.spawn(move || {
                    let mut scratch = Scratch::default();
                    let mut count = 0usize;
                    let mut busy = 0.0f64;
                    for (o, &(i, j)) in out.iter_mut().zip(ps) {
                        if let (Some(Some(a)), Some(Some(b))) = (prepared.get(i), prepared.get(j)) {
                            let t0 = Instant::now();
                            let score = compare_with(a, b, &mut scratch);
                            busy += t0.elapsed().as_secs_f64();
                            *o = match scoring {
                                Scoring::Verification => verify_given(a, b, score, &mut scratch),
                                Scoring::MatcherOnly => score,
                            };
                            count += 1;
                        }
                    }
                    (count, busy)
                })
            })
            .collect();
        for h in handles {
            if let Ok((c, t)) = h.join() {
                compared += c;
                busy += t;
            }
        }
    });
    let first: BTreeMap<&str, usize> = samples
        .iter()
        .enumerate()
        .rev()
        .map(|(i, s)| (s.finger.as_str(), i))
        .collect();
    let is_first = |i: usize| first.get(samples[i].finger.as_str()) == Some(&i);
    let mut genuine = Vec::new();
    let mut fvc_imp = Vec::new();
    let mut ext_imp = Vec::new();
    let mut matrix = vec![0.0f32; n * n];
    for (&(i, j), &s) in pairs.iter().zip(&scores) {
        matrix[i * n + j] = s;
        matrix[j * n + i] = s;
        if samples[i].finger == samples[j].finger {
            genuine.push(s);
        } else {
            ext_imp.push(s);
            if is_first(i) && is_first(j) {
                fvc_imp.push(s);
            }
        }
    }
    // Rank-1: each non-first impression against the gallery of first impressions.
    let gallery: Vec<usize> = first.values().copied().collect();
    let mut probes = 0usize;
    let mut hits = 0usize;
    for p in 0..n {
        if is_first(p) {
            continue;
        }
        probes += 1;
        let best = gallery
            .iter()
            .map(|&g| (matrix[p * n + g], g))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((s, g)) = best
            && s > 0.0
            && samples[g].finger == samples[p].finger
        {
            hits += 1;
        }
    }
    let (eer, fmr100, fmr1000, zero_fmr) = error_rates(&genuine, &fvc_imp);
    let (ext_eer, ext_fmr100, ext_fmr1000, ext_zero_fmr) = error_rates(&genuine, &ext_imp);
    EvalReport {
        eer,
        fmr100,
        fmr1000,
        zero_fmr,
        ext_eer,
        ext_fmr100,
        ext_fmr1000,
        ext_zero_fmr,
        rank1: if probes > 0 {
            hits as f64 / probes as f64
        } else {
            0.0
        },
        fte: if n > 0 { failed as f64 / n as f64 } else { 0.0 },
        extract_ms: if n > 0 { total_ms / n as f64 } else { 0.0 },
        matches_per_s: if busy > 0.0 {
            compared as f64 / busy
        } else {
            0.0
        },
        images: n,
        genuine,
        impostor: ext_imp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_fvc_subset_runs_the_protocol() {
        let dir = super::super::test_support::fvc_dir("FVC2002_DB1_B");
        let samples: Vec<Sample> = list_samples(&dir)
            .expect("FVC images present")
            .into_iter()
            .filter(|s| ["101", "102", "103"].contains(&s.finger.as_str()) && s.impression <= 3)
            .collect();
        assert_eq!(samples.len(), 9);
        let r = evaluate(&samples, 500, 2);
        assert_eq!(r.fte, 0.0);
        assert_eq!(r.rank1, 1.0);
        assert_eq!((r.genuine.len(), r.impostor.len()), (9, 27));
        let json = serde_json::to_value(&r).expect("serialises");
        for k in [
            "eer",
            "fmr100",
            "fmr1000",
            "zero_fmr",
            "ext_eer",
            "ext_fmr100",
            "ext_fmr1000",
            "ext_zero_fmr",
            "rank1",
            "fte",
            "extract_ms",
            "matches_per_s",
        ] {
            assert!(json.get(k).is_some_and(|v| v.is_number()), "{k}");
        }
        assert_eq!(json.as_object().map(|o| o.len()), Some(12));
    }

    /// Each view's texture opinion only ever raises its score, so a pair's verification
    /// score is at least the mean of the two views' matcher scores; and the matcher's rate is
    /// the same measure either way (the matcher's comparisons alone).
    #[test]
    fn verification_scores_are_at_least_the_matchers() {
        let dir = super::super::test_support::fvc_dir("FVC2004_DB2_B");
        let samples: Vec<Sample> = list_samples(&dir)
            .expect("FVC images present")
            .into_iter()
            .filter(|s| ["106", "107"].contains(&s.finger.as_str()) && s.impression <= 3)
            .collect();
        let (prepared, _) = extract_all(&samples, 500, 2);
        let second: Vec<Option<Prepared>> = prepared
            .iter()
            .map(|p| p.as_ref().and_then(|p| p.second_view.as_deref().cloned()))
            .collect();
        assert!(
            second.iter().all(Option::is_some),
            "every capture read twice"
        );
        let matcher = report_scored(&samples, &prepared, 0.0, 2, Scoring::MatcherOnly);
        let matcher2 = report_scored(&samples, &second, 0.0, 2, Scoring::MatcherOnly);
        let verified = report_scored(&samples, &prepared, 0.0, 2, Scoring::Verification);
        assert_eq!(matcher.genuine.len(), verified.genuine.len());
        let matchers: Vec<f32> = (matcher.genuine.iter().zip(&matcher2.genuine))
            .map(|(m1, m2)| (m1 + m2) / 2.0)
            .collect();
        for (m, v) in matchers.iter().zip(&verified.genuine) {
            assert!(v >= m, "{v} < {m}");
        }
        // 106_1 and 106_2: the minutiae do not repeat, the ridges do.
        let lifted = (matchers.iter().zip(&verified.genuine))
            .filter(|(m, v)| v > m)
            .count();
        assert!(lifted >= 1, "{matchers:?} {:?}", verified.genuine);
        assert!(verified.matches_per_s > 0.0 && matcher.matches_per_s > 0.0);
    }

    #[test]
    fn several_sets_report_each_set_and_the_means() {
        let fake = |eer: f64, ext_eer: f64| {
            let mut r = report_from_scores(&[0.9, 0.8], &[0.1]);
            r.eer = eer;
            r.ext_eer = ext_eer;
            r
        };
        let m = MultiReport::new(vec![
            SetReport {
                set: "A".into(),
                report: fake(0.02, 0.04),
            },
            SetReport {
                set: "B".into(),
                report: fake(0.10, 0.02),
            },
        ]);
        assert!((m.mean_eer - 0.06).abs() < 1e-12);
        assert!((m.mean_ext_eer - 0.03).abs() < 1e-12);
        let json = serde_json::to_value(&m).expect("serialises");
        assert_eq!(json["sets"][1]["set"], "B");
        assert_eq!(json["sets"][1]["eer"], 0.10);
        assert_eq!(json["sets"][0].as_object().map(|o| o.len()), Some(13));
        assert!(json["mean_eer"].is_number() && json["mean_ext_eer"].is_number());
        assert_eq!(MultiReport::new(Vec::new()).mean_eer, 0.0);
    }

    /// A report built from score lists only (no images), for the arithmetic tests.
    fn report_from_scores(genuine: &[f32], impostor: &[f32]) -> EvalReport {
        let (eer, fmr100, fmr1000, zero_fmr) = error_rates(genuine, impostor);
        EvalReport {
            eer,
            fmr100,
            fmr1000,
            zero_fmr,
            ext_eer: eer,
            ext_fmr100: fmr100,
            ext_fmr1000: fmr1000,
            ext_zero_fmr: zero_fmr,
            rank1: 1.0,
            fte: 0.0,
            extract_ms: 0.0,
            matches_per_s: 0.0,
            images: 0,
            genuine: genuine.to_vec(),
            impostor: impostor.to_vec(),
        }
    }

    #[test]
    fn listing_an_empty_folder_is_an_error() {
        let dir = std::env::temp_dir().join(format!("huella-eval-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        assert!(matches!(list_samples(&dir), Err(EvalError::NoImages(_))));
        let _ = std::fs::remove_dir(&dir);
    }

    #[test]
    fn error_rates_of_separable_lists() {
        let (eer, f100, f1000, z) = error_rates(&[0.8, 0.9, 0.7], &[0.1, 0.2, 0.3]);
        assert_eq!((eer, f100, f1000, z), (0.0, 0.0, 0.0, 0.0));
    }

    #[test]
    fn error_rates_of_overlapping_lists() {
        let g = [0.1, 0.6, 0.7, 0.8];
        let i = [0.2, 0.3, 0.4, 0.65];
        let (eer, _, _, z) = error_rates(&g, &i);
        assert!((eer - 0.25).abs() < 1e-9, "eer {eer}");
        assert!((z - 0.5).abs() < 1e-9, "zero {z}");
    }
}
