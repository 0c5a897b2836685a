//! Which operations the power is cut before, and the tally the scenarios print. It owns the
//! seeded choice of cut points; it must not run commands.

use rand::{Rng, SeedableRng, rngs::StdRng};

/// The seed (`HUELLA_POWERCUT_SEED`, default fixed so CI is repeatable).
pub fn seed() -> u64 {
    std::env::var("HUELLA_POWERCUT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(18)
}

/// Cut points per scenario (`HUELLA_POWERCUT_POINTS`, default 20).
pub fn count() -> u64 {
    std::env::var("HUELLA_POWERCUT_POINTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

/// `count()` cut points over a run of `total` operations: one seeded point in each of
/// `count()` equal strata of `1..=total + 1` (`total + 1` is a cut right after the command
/// ended), so early, middle and late points are all exercised.
pub fn choose(total: u64, salt: u64) -> Vec<u64> {
    let mut rng = StdRng::seed_from_u64(seed() ^ salt);
    let span = total + 1;
    let k = count().min(span).max(1);
    let mut out: Vec<u64> = (0..k)
        .map(|i| {
            let lo = 1 + i * span / k;
            let hi = 1 + (i + 1) * span / k;
            rng.gen_range(lo..hi.max(lo + 1))
        })
        .collect();
    out.dedup();
    out
}

/// What happened at the cut points of one scenario.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cut points run.
    pub points: u64,
    /// Cuts that fell before the command's success line.
    pub before_ack: u64,
    /// Cuts after the success line (or after the command ended).
    pub after_ack: u64,
}

impl Tally {
    /// Counts one cut point.
    pub fn add(&mut self, acknowledged: bool) {
        self.points += 1;
        if acknowledged {
            self.after_ack += 1;
        } else {
            self.before_ack += 1;
        }
    }

    /// The scenario's line for docs/reliability.md (all points passed if this is printed).
    pub fn report(&self, scenario: &str, total_ops: u64) {
        eprintln!(
            "powercut {scenario}: {} cut points over {total_ops} operations (seed {}): \
             {} before the success line, {} after it; all passed",
            self.points,
            seed(),
            self.before_ack,
            self.after_ack
        );
    }
}
