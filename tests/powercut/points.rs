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

/// `count()` cut points over a run of `total` operations: a seeded point in each of
/// `count() - 1` equal strata of `1..=total` (early, middle and late points all exercised),
/// and always `None`, the cut right after the command ended (everything it acknowledged must
/// then be durable). A run may make a few more or fewer operations than the counted one
/// (timers, sled's background thread); a point past its end is a cut after it.
pub fn choose(total: u64, salt: u64) -> Vec<Option<u64>> {
    let mut rng = StdRng::seed_from_u64(seed() ^ salt);
    let k = count().saturating_sub(1).min(total);
    let mut out: Vec<u64> = (0..k)
        .map(|i| {
            let lo = 1 + i * total / k;
            let hi = 1 + (i + 1) * total / k;
            rng.gen_range(lo..hi.max(lo + 1))
        })
        .collect();
    out.dedup();
    out.into_iter().map(Some).chain([None]).collect()
}

/// A cut point as the failure messages say it.
pub fn name(point: Option<u64>, total: u64, before: Option<&String>) -> String {
    match (point, before) {
        (Some(n), Some(op)) => format!("cut before operation {n} of {total} ({op})"),
        _ => format!("cut after the command ended ({total} operations)"),
    }
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
