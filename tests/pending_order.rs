//! The console's "pending capture" list (workflows::overview::pending): ordered by the
//! restriction clock read from the store's status index, overdue first, never-notified last,
//! and only the rows shown are opened (the total still counts everyone pending).

use huella::home::Home;
use huella::identifiers::{csv_header, synthetic_person};
use huella::workflows::overview;
use huella::workflows::restriction;
use huella::workflows::session::Session;
use huella::workflows::station::{self, InitParams};
use huella_keys::{KdfCost, Passphrase};
use huella_sync::BiometricStatus;

/// `today` minus `days`, as `YYYY-MM-DD`.
fn days_ago(days: i64) -> String {
    let today = restriction::today();
    let t = huella_sync::time::days_from_civil(
        today[0..4].parse().expect("y"),
        today[5..7].parse().expect("m"),
        today[8..10].parse().expect("d"),
    ) - days;
    let (y, m, d) = huella_sync::time::civil_from_days(t);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn the_most_urgent_come_first_and_the_never_notified_last() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home::new(dir.path().join("estacion"));
    let pass = Passphrase::new("pendientes-admin-2026");
    station::init(
        &home,
        &InitParams {
            office: "0901",
            station: "P1",
            admin: "admin",
            passphrase: &pass,
            regional: None,
            central: None,
            cost: KdfCost::new(12),
        },
    )
    .expect("init");
    let session = Session::open_with(&home, "admin", &pass).expect("session");
    let csv = dir.path().join("p.csv");
    let mut text = format!("{}\n", csv_header());
    for i in 0..12 {
        text.push_str(&synthetic_person(2026, i).csv_row());
        text.push('\n');
    }
    std::fs::write(&csv, text).expect("csv");
    huella::workflows::import::import_file(&session, &csv, |_| {}).expect("import");
    let ids = session
        .store
        .ids_with_status(BiometricStatus::Pendiente)
        .expect("ids");
    assert_eq!(ids.len(), 12);
    // Three notified: 40 days ago (overdue by 10), 25 days ago (5 left), 2 days ago (28 left).
    let notices = [(ids[7], 40), (ids[2], 25), (ids[9], 2)];
    for (id, ago) in notices {
        restriction::notify(&session, id, &days_ago(ago)).expect("notify");
    }

    let list = overview::pending(&session, 4).expect("pending");
    assert_eq!(list.total, 12, "everyone pending is counted");
    assert_eq!(list.rows.len(), 4, "only the rows asked for");
    let got: Vec<_> = list.rows.iter().map(|r| (r.id, r.days_left)).collect();
    assert_eq!(got[0], (ids[7], Some(-10)));
    assert_eq!(got[1], (ids[2], Some(5)));
    assert_eq!(got[2], (ids[9], Some(28)));
    assert_eq!(got[3].1, None, "the never-notified come last");
    assert!(
        list.rows
            .iter()
            .all(|r| !r.name.is_empty() && !r.curp.is_empty())
    );
}
