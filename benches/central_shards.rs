//! The sharded national search on this machine (feature `postgres`; needs `HUELLA_PG_URL`):
//! N synthetic finger templates (random minutiae sets, each with the ridge-flow grid of one of
//! the 80 FVC2002 DB1_B prints so that its prepared size is a real print's; one finger per
//! person; default 1,000,000, `HUELLA_BENCH_N` to change) plus the first impression of the ten FVC2002 DB1_B
//! fingers are inserted sealed; then for 2 and 4 workers (`HUELLA_BENCH_WORKERS=2,4`), each a
//! thread with its own connection and its own quarter or half of the shards, it measures the
//! time to load a shard range, the resident memory the gallery takes, identify latency (one
//! coordinator, the second impression of each FVC finger as probe: the mate must come first)
//! and throughput (four coordinators at once).
//!
//! `HUELLA_PG_URL=postgres://postgres@127.0.0.1:55432/postgres \
//!  cargo bench -p huella --features postgres --bench central_shards`

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use huella::matching::Template;
use huella::matching::minutiae::Kind;
use huella::matching::template::StoredMinutia;
use huella::workflows::central::shards::coordinator::{self, IdentifyOptions};
use huella::workflows::central::shards::requests::{self, InsertRequest};
use huella::workflows::central::shards::seal::GalleryKey;
use huella::workflows::central::shards::worker::{Worker, WorkerEvent, WorkerOptions};
use huella::workflows::central::shards::{ShardRange, tables};
use huella_keys::StationSecrets;
use rand::{Rng, SeedableRng, rngs::StdRng};

fn synthetic(seed: u64, flows: &[huella::matching::ridge_flow::RidgeFlow]) -> Template {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = rng.gen_range(30..60);
    let minutiae = (0..n)
        .map(|_| StoredMinutia {
            x: rng.gen_range(30..370),
            y: rng.gen_range(30..370),
            angle: rng.r#gen(),
            kind: if rng.gen_bool(0.5) {
                Kind::Ending
            } else {
                Kind::Bifurcation
            },
            reliability: rng.gen_range(30..100),
        })
        .collect();
    let ridge_counts: Vec<_> = (0..n)
        .map(|_| [0u8; huella::matching::ridge_count::LINKS].map(|_| rng.gen_range(0..16)))
        .collect();
    Template {
        width: 400,
        height: 400,
        quality: 60,
        minutiae,
        flow: flows
            .get(seed as usize % flows.len().max(1))
            .cloned()
            .unwrap_or_default(),
        // Ridge counts as extraction stores them (version 3 templates), for their size.
        ridge_counts,
        texture: Default::default(),
        second_view: None,
    }
}

fn fvc(f: u32, i: u32) -> Template {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/fingerprints/FVC2002_DB1_B/png")
        .join(format!("{f}_{i}.png"));
    let png = std::fs::read(&path).expect("FVC image");
    huella::matching::extract(&png, 500)
        .expect("extract")
        .template
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn reference(n: u64) -> String {
    format!("{:016x}{:016x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15), n)
}

fn main() {
    let admin = std::env::var("HUELLA_PG_URL").expect("HUELLA_PG_URL");
    let n: u64 = std::env::var("HUELLA_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let worker_counts: Vec<usize> = std::env::var("HUELLA_BENCH_WORKERS")
        .unwrap_or_else(|_| "2,4".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let name = format!("bench_{}", std::process::id());
    let mut adm = postgres::Client::connect(&admin, postgres::NoTls).expect("admin");
    adm.batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create db");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");

    let mut client = tables::connect(&url, "bench").expect("connect");
    let central = StationSecrets::generate("C1", "CENTRAL");
    GalleryKey::create(&mut client, &central.public().office_recipient).expect("key");
    let key = GalleryKey::open(&mut client, &central).expect("open key");

    // Real mates first, then the synthetic gallery in batches.
    let flows: Vec<_> = (101..=110u32)
        .flat_map(|f| (1..=8u32).map(move |i| (f, i)))
        .map(|(f, i)| fvc(f, i).flow)
        .collect();
    let probes: Vec<(u32, Template)> = (101..=110u32).map(|f| (f, fvc(f, 2))).collect();
    let started = Instant::now();
    for f in 101..=110u32 {
        requests::insert(
            &mut client,
            &key,
            &InsertRequest {
                request_id: &format!("fvc-{f}"),
                reference_id: &format!("fvc-{f}"),
                fingers: &[(1, fvc(f, 1))],
            },
        )
        .expect("insert mate");
    }
    const BATCH: u64 = 2000;
    let mut done = 0u64;
    while done < n {
        let upto = (done + BATCH).min(n);
        let refs: Vec<String> = (done..upto).map(reference).collect();
        let fingers: Vec<[(u8, Template); 1]> =
            (done..upto).map(|i| [(1, synthetic(i, &flows))]).collect();
        let batch: Vec<InsertRequest<'_>> = refs
            .iter()
            .zip(&fingers)
            .map(|(r, f)| InsertRequest {
                request_id: r,
                reference_id: r,
                fingers: f,
            })
            .collect();
        requests::insert_many(&mut client, &key, &batch).expect("insert batch");
        done = upto;
    }
    let insert_secs = started.elapsed().as_secs_f64();
    let table_bytes: i64 = client
        .query_one("SELECT pg_total_relation_size('gallery_fingers')", &[])
        .expect("size")
        .get(0);
    println!(
        "insert: {} templates in {insert_secs:.1} s ({:.0}/s), gallery_fingers {:.1} MB",
        n + 10,
        (n + 10) as f64 / insert_secs,
        table_bytes as f64 / 1e6
    );

    for &w in &worker_counts {
        client
            .batch_execute(
                "UPDATE shard_leases SET worker = NULL, expires_at = '-infinity', loaded_seq = 0, \
                 wanted_by = NULL",
            )
            .expect("reset leases");
        let rss_before = rss_kib();
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let per = 256 / w;
        let mut handles = Vec::new();
        let load_started = Instant::now();
        for i in 0..w {
            let range = ShardRange {
                first: (i * per) as i16,
                last: if i + 1 == w {
                    255
                } else {
                    ((i + 1) * per - 1) as i16
                },
            };
            let mut c = tables::connect(&url, "bench-key").expect("connect");
            let k = GalleryKey::open(&mut c, &central).expect("key");
            drop(c);
            let mut worker = Worker::connect(
                &url,
                k,
                WorkerOptions {
                    range,
                    lease: Duration::from_secs(600),
                    threads: 1,
                    name: format!("bench-{w}-{i}"),
                    bulk_follow: huella::workflows::central::shards::worker::BULK_FOLLOW,
                },
            )
            .expect("worker");
            let stop = stop.clone();
            let tx = tx.clone();
            handles.push(std::thread::spawn(move || {
                let mut send = |e: WorkerEvent| {
                    if let WorkerEvent::Loaded {
                        millis, fingers, ..
                    } = e
                    {
                        let _ = tx.send((millis, fingers));
                    }
                };
                while !stop.load(Ordering::Relaxed) {
                    match worker.step(&mut send) {
                        Ok(true) => {}
                        Ok(false) => {
                            if let Err(e) = worker.wait_for_work() {
                                eprintln!("worker: {e}");
                                break;
                            }
                        }
                        Err(e) => {
                            eprintln!("worker: {e}");
                            break;
                        }
                    }
                }
            }));
        }
        let mut loads = Vec::new();
        for _ in 0..w {
            loads.push(rx.recv().expect("loaded"));
        }
        let all_loaded = load_started.elapsed().as_secs_f64();
        let rss_after = rss_kib();
        let fingers: usize = loads.iter().map(|l| l.1).sum();
        let mib = (rss_after.saturating_sub(rss_before)) as f64 / 1024.0;
        println!(
            "{w} workers: loaded {fingers} fingers in {all_loaded:.1} s (per worker range: {} ms); RSS +{mib:.0} MiB = {:.0} MiB per million fingers",
            loads
                .iter()
                .map(|l| l.0.to_string())
                .collect::<Vec<_>>()
                .join(" / "),
            mib * 1e6 / fingers.max(1) as f64
        );
        // Latency: one identify at a time.
        let opts = IdentifyOptions {
            timeout: Duration::from_secs(600),
            max_results: 10,
        };
        let mut lat = Vec::new();
        let mut rank1 = 0;
        for (f, p) in &probes {
            let t = Instant::now();
            let a = coordinator::identify(
                &mut client,
                &key,
                &format!("probe-{f}"),
                &[(1, p.clone())],
                &opts,
            )
            .expect("identify");
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            if a.candidates.first().map(|c| c.person.as_str()) == Some(format!("fvc-{f}").as_str())
            {
                rank1 += 1;
            }
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "{w} workers: identify latency (1 finger) mean {:.0} ms, median {:.0} ms, max {:.0} ms; mate first {rank1}/{}",
            lat.iter().sum::<f64>() / lat.len() as f64,
            lat[lat.len() / 2],
            lat[lat.len() - 1],
            probes.len()
        );
        // Throughput: four coordinators submitting at once.
        let t = Instant::now();
        let total = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|c| {
                    let url = &url;
                    let central = &central;
                    let probes = &probes;
                    s.spawn(move || {
                        let mut cl = tables::connect(url, "bench-coord").expect("connect");
                        let k = GalleryKey::open(&mut cl, central).expect("key");
                        let mut n = 0;
                        for (f, p) in probes.iter().skip(c).step_by(4) {
                            coordinator::identify(
                                &mut cl,
                                &k,
                                &format!("tp-{f}"),
                                &[(1, p.clone())],
                                &opts,
                            )
                            .expect("identify");
                            n += 1;
                        }
                        n
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap_or(0)).sum::<usize>()
        });
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{w} workers: throughput {total} identifies in {secs:.1} s = {:.2} identifies/s (1 finger each, 4 coordinators)",
            total as f64 / secs
        );
        stop.store(true, Ordering::Relaxed);
        for h in handles {
            let _ = h.join();
        }
    }
    drop(client);
    let _ = adm.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
