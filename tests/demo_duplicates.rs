//! The demo's duplicate step over 200 demo people: the synthetic fingers the simulated scanner
//! shows for them (devices crate generator) are searched against each other through
//! `Gallery::search` and `matching::duplicate::judge`, as an enrollment's duplicate search
//! does. No unrelated person may be flagged, and unrelated fingers must be as far apart as
//! real impostors (the generator must not make near-twins).

use huella::identifiers::synthetic_person;
use huella::matching::raster::Gray;
use huella::matching::{Finger, Gallery, SearchOptions, Template, duplicate, extract_gray};
use huella::matching::{prepare, threshold_for_fmr};
use huella_devices::SimFinger;
use huella_devices::synthetic::SyntheticFinger;

const PEOPLE: u64 = 200;
/// Fingers per person: the two index fingers (the most used in the demo). Fewer fingers make
/// the fused decision stricter for unrelated people, not looser: each finger weighs more.
const FINGERS: [u8; 2] = [2, 7];

/// The seed the console gives the scanner simulator for a person (as `subject_of` in
/// src/console/update/enroll.rs: FNV-1a of the CURP, modulo 1,000,000).
fn subject_of(curp: &str) -> u64 {
    curp.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    }) % 1_000_000
}

fn template(subject: u64, finger: SimFinger, impression: u32) -> Template {
    let img = SyntheticFinger::new(subject, finger).impression(impression);
    let gray = Gray::from_u8(usize::from(img.width), usize::from(img.height), &img.pixels)
        .expect("image size");
    extract_gray(&gray, u32::from(img.dpi))
        .expect("synthetic print is usable")
        .template
}

/// Runs `f` over `0..n` on two threads (the machine has two cores; extraction dominates).
fn on_two_threads<T: Send>(n: u64, f: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let half = n / 2;
    std::thread::scope(|s| {
        let a = s.spawn(|| (0..half).map(&f).collect::<Vec<T>>());
        let mut b: Vec<T> = (half..n).map(&f).collect();
        let mut out = a.join().expect("worker");
        out.append(&mut b);
        out
    })
}

#[test]
fn no_unrelated_demo_person_is_flagged_over_200_people() {
    let fingers: Vec<SimFinger> = FINGERS.iter().filter_map(|&n| SimFinger::new(n)).collect();
    let subjects: Vec<u64> = (0..PEOPLE)
        .map(|i| subject_of(synthetic_person(2026, i).curp.as_str()))
        .collect();
    let mut distinct = subjects.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        subjects.len(),
        "two demo people share a seed"
    );
    let enrolled: Vec<Vec<Template>> = on_two_threads(PEOPLE, |i| {
        fingers
            .iter()
            .map(|&f| template(subjects[i as usize], f, 1))
            .collect()
    });
    let mut gallery = Gallery::new();
    for (i, ts) in enrolled.iter().enumerate() {
        for (t, f) in ts.iter().zip(&fingers) {
            gallery.add(&i.to_string(), f.number(), t);
        }
    }

    // Unrelated same-position pairs: how often they pass the FMR 1e-2 / 1e-3 thresholds
    // fitted on real impostors (FVC sets). Near-twins would pass far more often.
    let prepared: Vec<Vec<_>> = enrolled
        .iter()
        .map(|ts| ts.iter().map(prepare).collect())
        .collect();
    let (t2, t3) = (threshold_for_fmr(1e-2), threshold_for_fmr(1e-3));
    let (mut pairs, mut above2, mut above3) = (0usize, 0usize, 0usize);
    for k in 0..fingers.len() {
        for a in 0..prepared.len() {
            for b in a + 1..prepared.len() {
                let s = huella::matching::compare(&prepared[a][k], &prepared[b][k]);
                pairs += 1;
                above2 += usize::from(s >= t2);
                above3 += usize::from(s >= t3);
            }
        }
    }
    let (share2, share3) = (above2 as f64 / pairs as f64, above3 as f64 / pairs as f64);
    assert!(
        share2 <= 0.02 && share3 <= 0.002,
        "synthetic fingers closer than real impostors: {above2} / {above3} of {pairs} pairs above FMR 1e-2 / 1e-3"
    );

    // The duplicate search of every person against the other 199.
    let opts = SearchOptions::default();
    for (i, ts) in enrolled.iter().enumerate() {
        let probes: Vec<Finger> = ts
            .iter()
            .zip(&fingers)
            .map(|(t, f)| Finger::new(f.number(), t))
            .collect();
        let me = i.to_string();
        for c in gallery.search(&probes, &opts) {
            if c.person == me {
                continue;
            }
            let decision = duplicate::judge(&c, probes.len(), PEOPLE as usize);
            assert!(
                decision.is_none(),
                "person {i} flagged unrelated person {}: {decision:?}, {c:?}",
                c.person
            );
        }
    }

    // And the same person coming back (another impression) is flagged, strongly.
    for (i, &subject) in subjects.iter().enumerate().take(5) {
        let probes: Vec<Finger> = fingers
            .iter()
            .map(|&f| Finger::new(f.number(), &template(subject, f, 2)))
            .collect();
        let found = gallery.search(&probes, &opts);
        let top = found.first().expect("a candidate");
        assert_eq!(top.person, i.to_string(), "{found:?}");
        let d = duplicate::judge(top, probes.len(), PEOPLE as usize).expect("flagged");
        assert!(
            d.strength >= duplicate::HitStrength::Probable,
            "person {i}: {d:?}"
        );
    }
}
