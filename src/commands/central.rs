//! `huella central key|run|cases|decide|show|worker`: the central node from the shell. `key`
//! prints the public key stations give to `init --central`; `run` is one pass of the national
//! duplicate search over the approved records received (in this process, or on the sharded
//! search with `--search postgres://…`, whose `worker`s run on other machines); `cases` lists the duplicate cases and
//! `decide` settles one (the supervisor's passphrase is read again); `show` tells, at any
//! station, the newest central verdict of a person and whether this station accepts it.

use anyhow::Result;
use huella_keys::Passphrase;
use huella_sync::RecordId;

use crate::cli::AsUser;
use crate::commands::enroll::person_id;
use crate::commands::out;
use crate::commands::text::CliError;
use crate::commands::text::central::{self as words, CentralSay};
use crate::home::Home;
use crate::workflows::central::cases::{self, CaseDecision};
use crate::workflows::central::{self, run, verdict};
use crate::workflows::session::Session;

/// Options of `huella central`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplos:\n  huella central key\n  huella central run --as central --passphrase-file central.pass\n  huella central cases --as sup --passphrase-file sup.pass\n  huella central decide 4f3a… --duplicate --reason \"misma persona\" --as sup --passphrase-file sup.pass"
)]
pub struct CentralArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: CentralAction,
}

/// Central subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CentralAction {
    /// Prints the central key (age1…) that stations give to `init --central`.
    Key,
    /// One pass over the approved records received: registers them or opens duplicate cases;
    /// last line `central: examinados N, registrados R, casos C`.
    Run {
        /// Search on the sharded national search in PostgreSQL (postgres://…), answered by
        /// `central worker` processes, instead of in this process.
        #[arg(long, value_name = "URL")]
        search: Option<String>,
        /// Longest wait, in seconds, for every shard to answer one search (with --search).
        #[arg(long, default_value_t = 120, value_name = "SECS")]
        search_timeout: u64,
        /// The acting officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// A worker of the sharded national search: leases the shards of --shards (and takes
    /// over expired ones), holds their templates in memory and answers searches until
    /// killed. Lines: `trabajador NAME`, `cargados N fragmentos, H huellas, M ms`,
    /// `perdidos N fragmentos`, `devueltos N fragmentos`, `respondida ID: N fragmentos`,
    /// `base de datos no disponible: reintento N en T ms`, `reconectado, K fragmentos por
    /// recargar`.
    Worker {
        /// The search database (postgres://user@host:port/db).
        #[arg(long, value_name = "URL")]
        store: String,
        /// This worker's shard range, A-B within 0-255.
        #[arg(long, default_value = "0-255", value_name = "A-B")]
        shards: String,
        /// Lease length in seconds (renewed every third of it).
        #[arg(long, default_value_t = 30, value_name = "SECS")]
        lease_secs: u64,
        /// Threads for loading and searching.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// An officer of the central node (its identity opens the gallery key).
        #[command(flatten)]
        who: AsUser,
    },
    /// Who holds the shards of the sharded search: one line per worker
    /// `NAME<TAB>N<TAB>RANGES<TAB>vigente|vencida<TAB>LOADED_SEQ`, then how many shards no
    /// worker holds live. Reads only the lease table (no officer, nothing sealed).
    Leases {
        /// The search database (postgres://user@host:port/db).
        #[arg(long, value_name = "URL")]
        store: String,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Open duplicate cases: `CASO<TAB>CURP<TAB>OFICINA<TAB>coincidencias: N`, then one
    /// indented line per matched person.
    Cases {
        /// Print a JSON array instead.
        #[arg(long)]
        json: bool,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// Decides a duplicate case (`--distinct` registers the person, `--duplicate` rejects the
    /// record); the passphrase is read again.
    Decide {
        /// Case id (from `central cases`).
        case: String,
        /// Two different people.
        #[arg(
            long,
            conflicts_with = "duplicate",
            required_unless_present = "duplicate"
        )]
        distinct: bool,
        /// The same person.
        #[arg(long)]
        duplicate: bool,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// The newest central verdict of a person and whether this station accepts it:
    /// `dictamen central: RESULTADO verificado|no verificado`.
    Show {
        /// CURP of the person.
        #[arg(long)]
        curp: String,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
        /// The officer consulting.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella central …`.
pub fn run(home: &Home, args: CentralArgs) -> Result<()> {
    match args.action {
        CentralAction::Key => {
            out::line(central::central_key(home)?)?;
            Ok(())
        }
        CentralAction::Run {
            search,
            search_timeout,
            who,
        } => {
            let at = search_at(search, search_timeout)?;
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let r = run::run_at(&session, &at)?;
            for id in &r.registered {
                out::line(format_args!("{id}\tregistrado"))?;
            }
            for id in &r.cases {
                out::line(format_args!("{id}\ten_revision"))?;
            }
            out::line(words::run_done(
                r.examined,
                r.registered.len(),
                r.cases.len(),
            ))?;
            Ok(())
        }
        CentralAction::Cases { json, who } => list(home, json, &who),
        CentralAction::Decide {
            case,
            distinct,
            duplicate: _,
            reason,
            who,
        } => {
            let id = RecordId::parse(&case).ok_or(CliError::BadRecordId { id: case })?;
            let passphrase = Passphrase::from_file(&who.passphrase_file)?;
            let session = Session::open_with(home, &who.user, &passphrase)?;
            let decision = if distinct {
                CaseDecision::Distinct
            } else {
                CaseDecision::Duplicate
            };
            let status = cases::decide(home, &session, id, decision, &reason, &passphrase)?;
            out::line(words::decided(
                &id.to_hex(),
                if distinct { "distintos" } else { "duplicado" },
                status.as_str(),
            ))?;
            Ok(())
        }
        CentralAction::Show { curp, json, who } => show(home, &curp, json, &who),
        CentralAction::Worker {
            store,
            shards,
            lease_secs,
            threads,
            who,
        } => worker(home, &store, &shards, lease_secs, threads, &who),
        CentralAction::Leases { store, json } => leases(&store, json),
    }
}

#[cfg(feature = "postgres")]
fn leases(store: &str, json: bool) -> Result<()> {
    use crate::workflows::central::shards::{lease, tables};
    let mut client = tables::connect(store, "huella-central-leases")?;
    let (holders, free) = lease::holders(&mut client)?;
    if json {
        let list: Vec<serde_json::Value> = holders
            .iter()
            .map(|h| {
                serde_json::json!({
                    "trabajador": h.worker,
                    "vigente": h.live,
                    "fragmentos": h.shards,
                    "cargado_hasta": h.loaded_seq,
                })
            })
            .collect();
        out::line(serde_json::json!({ "trabajadores": list, "sin_trabajador": free }))?;
        return Ok(());
    }
    for h in &holders {
        out::line(format_args!(
            "{}\t{}\t{}\t{}\t{}",
            h.worker,
            h.shards.len(),
            lease::ranges(&h.shards),
            if h.live { "vigente" } else { "vencida" },
            h.loaded_seq
        ))?;
    }
    if !free.is_empty() {
        out::line(CentralSay::Unleased {
            count: free.len(),
            shards: &lease::ranges(&free),
        })?;
    }
    Ok(())
}

#[cfg(not(feature = "postgres"))]
fn leases(_store: &str, _json: bool) -> Result<()> {
    Err(CliError::NoPostgresSearch.into())
}

/// Where `central run` searches: in this process, or the sharded search at `url`.
fn search_at(url: Option<String>, timeout_secs: u64) -> Result<run::SearchAt> {
    let Some(url) = url else {
        return Ok(run::SearchAt::InProcess);
    };
    #[cfg(feature = "postgres")]
    {
        Ok(run::SearchAt::Sharded {
            url,
            timeout: std::time::Duration::from_secs(timeout_secs.max(1)),
        })
    }
    #[cfg(not(feature = "postgres"))]
    {
        let _ = (url, timeout_secs);
        Err(CliError::NoPostgresSearch.into())
    }
}

#[cfg(feature = "postgres")]
fn worker(
    home: &Home,
    store: &str,
    shards: &str,
    lease_secs: u64,
    threads: usize,
    who: &AsUser,
) -> Result<()> {
    use crate::workflows::central::shards::{ShardRange, worker};
    let range = ShardRange::parse(shards)?;
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let opts = worker::WorkerOptions {
        range,
        lease: std::time::Duration::from_secs(lease_secs.clamp(1, 3600)),
        threads: threads.clamp(1, 256),
        name: worker::default_name(),
        bulk_follow: worker::BULK_FOLLOW,
    };
    let w = worker::Worker::open(store, &session.credential.station, opts)?;
    drop(session);
    // A worker is a server: it keeps answering when nobody reads its output.
    out::server_line(words::worker_started(w.name()));
    out::server_line(CentralSay::WorkerReady { shards });
    worker::run(w, &mut |e| out::server_line(words::worker_event(&e)))?;
    Ok(())
}

#[cfg(not(feature = "postgres"))]
fn worker(
    _home: &Home,
    _store: &str,
    _shards: &str,
    _lease_secs: u64,
    _threads: usize,
    _who: &AsUser,
) -> Result<()> {
    Err(CliError::NoPostgresSearch.into())
}

fn list(home: &Home, json: bool, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let open = cases::list(&session)?;
    if json {
        let items: Vec<serde_json::Value> = open
            .iter()
            .map(|c| {
                serde_json::json!({
                    "caso": c.id.to_hex(),
                    "abierto": c.opened_at,
                    "persona": person_json(&c.person),
                    "coincidencias": c.matches.iter().map(|(p, m)| {
                        let mut v = person_json(p);
                        v["puntaje"] = serde_json::json!(m.score);
                        v["evidencia"] = serde_json::json!(m.evidence);
                        v["dedos"] = serde_json::json!(m.fingers);
                        v
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        out::line(serde_json::to_string_pretty(&items)?)?;
        return Ok(());
    }
    for c in &open {
        out::line(words::case_line(
            &c.id.to_hex(),
            &c.person.curp,
            &c.person.office,
            c.matches.len(),
        ))?;
        for (p, m) in &c.matches {
            out::line(words::case_match(
                &p.id.to_hex(),
                &p.curp,
                &p.office,
                m.score,
                m.fingers,
            ))?;
        }
    }
    if open.is_empty() {
        out::line(CentralSay::NoCases)?;
    }
    Ok(())
}

fn person_json(p: &cases::CasePerson) -> serde_json::Value {
    serde_json::json!({
        "id": p.id.to_hex(),
        "curp": p.curp,
        "nombre": p.name,
        "oficina": p.office,
        "estado": p.status.as_str(),
    })
}

fn show(home: &Home, curp: &str, json: bool, who: &AsUser) -> Result<()> {
    let session = Session::open(home, &who.user, &who.passphrase_file)?;
    let id = person_id(&session, curp)?;
    let mark = verdict::mark_of(&session, id)?;
    if json {
        let v = match &mark {
            None => serde_json::Value::Null,
            Some(m) => serde_json::json!({
                "resultado": m.outcome.as_str(),
                "verificado": m.check.is_ok(),
                "registrado": m.registered(),
                "motivo_rechazo": m.check.err().map(|r| r.to_string()),
                "oficina": m.office,
                "estacion": m.station,
                "supervisor": m.supervisor,
                "firmado_en": m.signed_at,
                "coincidencias": m.matches.iter().map(RecordId::to_hex).collect::<Vec<_>>(),
            }),
        };
        out::line(serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    let Some(m) = mark else {
        out::line(CentralSay::NoVerdict)?;
        return Ok(());
    };
    out::line(words::verdict_line(m.outcome.as_str(), m.check.is_ok()))?;
    out::line(CentralSay::SignedBy {
        office: &m.office,
        station: &m.station,
        at: &m.signed_at,
    })?;
    match m.check {
        Err(r) => out::line(CentralSay::Refused(r))?,
        Ok(()) if m.registered() => out::line(CentralSay::Registered)?,
        Ok(()) => {}
    }
    Ok(())
}
