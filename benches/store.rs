//! Store benchmarks (prints figures; run with `cargo bench --bench store`).
//!
//! - import throughput of the real binary (durable: every batch is flushed before it counts);
//! - `huella find --curp` on a 100,000-person store, whole process, with the credential
//!   sealed at the production scrypt cost, and the unlock cost measured separately;
//! - store bytes per person against the plain Automerge save of the same record.
//!
//! Environment: `HUELLA_BENCH_PEOPLE` (default 100000) sets the large store's size.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use huella::identifiers::synthetic_person;
use huella_keys::{Credential, Passphrase};
use huella_sync::{Identity, PersonRecord, PreRegistration, RecordId, Regime};

const BIN: &str = env!("CARGO_BIN_EXE_huella");

fn huella(home: &Path, kdf: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(BIN)
        .env("HUELLA_KDF_LOG_N", kdf)
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("run huella");
    assert!(
        out.status.success(),
        "huella {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        total += if p.is_dir() {
            dir_size(&p)
        } else {
            e.metadata().map(|m| m.len()).unwrap_or(0)
        };
    }
    total
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// CPU per row of the import's steps, single thread, in process.
fn breakdown() {
    use huella_keys::{DataKey, Recipient, RecipientSet, StationSecrets};
    let n = 2000u64;
    let secrets = StationSecrets::generate("B", "0901");
    let p = secrets.public();
    let mut set = RecipientSet::new();
    set.push(Recipient::parse("estacion", &p.recipient).expect("r"));
    set.push(Recipient::parse("oficina", &p.office_recipient).expect("r"));
    let people: Vec<_> = (0..n).map(|i| synthetic_person(5, i)).collect();
    let (mut t_doc, mut t_save, mut t_wrap, mut t_seal, mut t_tags) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for sp in &people {
        let id = Identity {
            curp: sp.curp.to_string(),
            nss: sp.nss.to_string(),
            rfc: sp.rfc.to_string(),
            nombre: sp.nombre.clone(),
            primer_apellido: sp.primer_apellido.clone(),
            segundo_apellido: sp.segundo_apellido.clone(),
            fecha_nacimiento: sp.fecha_nacimiento.clone(),
            sexo: sp.sexo.to_string(),
            entidad: sp.entidad.clone(),
        };
        let t = Instant::now();
        let mut r = PersonRecord::create_pre_registered(
            RecordId::generate(),
            &id,
            &PreRegistration {
                registro_patronal: sp.registro_patronal.to_string(),
                salario_diario: sp.salario_diario.clone(),
                fecha_alta: sp.fecha_alta.clone(),
                regimen: Regime::parse(sp.regimen).expect("regime"),
                lote: "000000000000".into(),
            },
            "admin",
            "2026-11-21T00:00:00Z",
        )
        .expect("record");
        t_doc += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let bytes = r.save();
        t_save += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let dek = DataKey::generate();
        let _w = dek.wrap_at(&secrets, &set).expect("wrap");
        t_wrap += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _s = dek.seal(&bytes, b"context");
        t_seal += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _t = huella::workflows::indexing::tags_for(secrets.index_key(), &id);
        t_tags += t.elapsed().as_secs_f64();
    }
    let us = |x: f64| x * 1e6 / n as f64;
    println!(
        "per row, one core: document {:.0} µs, save {:.0} µs, wrap to 2 recipients {:.0} µs, seal {:.0} µs, tags {:.0} µs",
        us(t_doc),
        us(t_save),
        us(t_wrap),
        us(t_seal),
        us(t_tags)
    );
}

fn main() {
    breakdown();
    let people: u64 = std::env::var("HUELLA_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("home");
    let pass = tmp.path().join("admin.pass");
    std::fs::write(&pass, "clave-benchmark-2026\n").expect("pass");
    let pass_s = pass.to_str().expect("utf8");
    println!("# huella store benchmark ({people} people)");
    huella(
        &home,
        "17",
        &[
            "init",
            "--office",
            "0901",
            "--station",
            "BENCH",
            "--admin",
            "admin",
            "--passphrase-file",
            pass_s,
        ],
    );

    // Unlock cost alone (scrypt 2^17), in process.
    let mut unlock = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        Credential::read_file(
            &home.join("credenciales/admin.age"),
            &Passphrase::new("clave-benchmark-2026"),
            "admin",
        )
        .expect("unlock");
        unlock.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let unlock_ms = median(unlock);
    println!("unlock credential (scrypt 2^17): {unlock_ms:.0} ms");

    let csv = tmp.path().join("people.csv");
    huella(
        &home,
        "17",
        &[
            "sample",
            "csv",
            "--people",
            &people.to_string(),
            "--seed",
            "11",
            "--out",
            csv.to_str().expect("utf8"),
        ],
    );
    let t = Instant::now();
    let out = huella(
        &home,
        "17",
        &[
            "import",
            csv.to_str().expect("utf8"),
            "--as",
            "admin",
            "--passphrase-file",
            pass_s,
        ],
    );
    let secs = t.elapsed().as_secs_f64();
    let import_secs = secs - unlock_ms / 1000.0;
    println!(
        "import {people} rows: {secs:.1} s wall ({:.0} rows/s including unlock, {:.0} rows/s excluding it) -> {}",
        people as f64 / secs,
        people as f64 / import_secs,
        String::from_utf8_lossy(&out.stdout).trim()
    );

    // find --curp on the large store, whole process. A second officer whose credential is
    // sealed at scrypt 2^10 isolates the lookup from the deliberate unlock cost.
    let fast = tmp.path().join("fast.pass");
    std::fs::write(&fast, "clave-rapida-2026\n").expect("pass");
    huella(
        &home,
        "10",
        &[
            "officer",
            "add",
            "rapido",
            "--role",
            "officer",
            "--new-passphrase-file",
            fast.to_str().expect("utf8"),
            "--as",
            "admin",
            "--passphrase-file",
            pass_s,
        ],
    );
    let mut finds = Vec::new();
    let mut finds_prod = Vec::new();
    for i in 0..7 {
        let p = synthetic_person(11, (i * 7919) % people);
        let t = Instant::now();
        let out = huella(
            &home,
            "10",
            &[
                "find",
                "--curp",
                p.curp.as_str(),
                "--json",
                "--as",
                "rapido",
                "--passphrase-file",
                fast.to_str().expect("utf8"),
            ],
        );
        finds.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(String::from_utf8_lossy(&out.stdout).contains(p.curp.as_str()));
        let t = Instant::now();
        huella(
            &home,
            "17",
            &[
                "find",
                "--curp",
                p.curp.as_str(),
                "--json",
                "--as",
                "admin",
                "--passphrase-file",
                pass_s,
            ],
        );
        finds_prod.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "find --curp, whole process, median of 7: {:.0} ms (credential at scrypt 2^10); {:.0} ms with the production 2^17 credential",
        median(finds),
        median(finds_prod)
    );
    let t = Instant::now();
    huella(&home, "17", &["status", "--json"]);
    println!(
        "status --json (no unlock): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    // Size per person.
    let store_bytes = dir_size(&home.join("almacen"));
    let mut plain = 0usize;
    let sample = 200u64;
    for i in 0..sample {
        let p = synthetic_person(11, i);
        let id = Identity {
            curp: p.curp.to_string(),
            nss: p.nss.to_string(),
            rfc: p.rfc.to_string(),
            nombre: p.nombre.clone(),
            primer_apellido: p.primer_apellido.clone(),
            segundo_apellido: p.segundo_apellido.clone(),
            fecha_nacimiento: p.fecha_nacimiento.clone(),
            sexo: p.sexo.to_string(),
            entidad: p.entidad.clone(),
        };
        let mut r =
            PersonRecord::create(RecordId::generate(), &id, "admin", "2026-11-21T00:00:00Z")
                .expect("record");
        r.set_pre_registration(&PreRegistration {
            registro_patronal: p.registro_patronal.to_string(),
            salario_diario: p.salario_diario.clone(),
            fecha_alta: p.fecha_alta.clone(),
            regimen: Regime::parse(p.regimen).expect("regime"),
            lote: "000000000000".into(),
        })
        .expect("pre");
        plain += r.save().len();
    }
    println!(
        "store on disk: {:.1} MB = {:.0} B/person; plain Automerge save: {:.0} B/person",
        store_bytes as f64 / 1e6,
        store_bytes as f64 / people as f64,
        plain as f64 / sample as f64
    );
}
