//! Words of `huella central`: the contract lines scripts parse (the same in every language,
//! listed in docs/cli.md) and the lines a person reads, in Spanish and English, and the
//! English wording of the central workflows' errors.
//! This module owns wording only; it must not print or decide anything.

use std::fmt::{self, Display, Formatter};

use super::{Lang, lang};
use crate::workflows::central::CentralError;
use crate::workflows::central::verdict::VerdictRefusal;

/// `central run`: the last line of a pass (contract).
pub fn run_done(examined: usize, registered: usize, cases: usize) -> String {
    format!("central: examinados {examined}, registrados {registered}, casos {cases}")
}

/// `central cases`: one line per case (contract): `CASO<TAB>CURP<TAB>OFICINA<TAB>coincidencias: N`.
pub fn case_line(case: &str, curp: &str, office: &str, matches: usize) -> String {
    format!("{case}\t{curp}\t{office}\tcoincidencias: {matches}")
}

/// `central cases`: one indented line per matched person (contract):
/// `<TAB>ID<TAB>CURP<TAB>OFICINA<TAB>puntaje S<TAB>dedos F`.
pub fn case_match(id: &str, curp: &str, office: &str, score: f32, fingers: usize) -> String {
    format!("\t{id}\t{curp}\t{office}\tpuntaje {score:.4}\tdedos {fingers}")
}

/// `central decide`: the decision recorded (contract).
pub fn decided(case: &str, decision: &str, status: &str) -> String {
    format!("caso decidido: {case} {decision}; estado {status}")
}

/// `central show`: the newest verdict (contract): `dictamen central: RESULTADO verificado|no verificado`.
pub fn verdict_line(outcome: &str, verified: bool) -> String {
    format!(
        "dictamen central: {outcome} {}",
        if verified {
            "verificado"
        } else {
            "no verificado"
        }
    )
}

/// `central worker`: its first line (contract): `trabajador NAME`.
pub fn worker_started(name: &str) -> String {
    format!("trabajador {name}")
}

/// `central worker`: one line per event (contract).
#[cfg(feature = "postgres")]
pub fn worker_event(e: &crate::workflows::central::shards::worker::WorkerEvent) -> String {
    use crate::workflows::central::shards::worker::WorkerEvent as E;
    match e {
        E::Loaded {
            shards,
            fingers,
            skipped,
            millis,
        } => format!(
            "cargados {} fragmentos, {fingers} huellas, {millis} ms, {skipped} ilegibles",
            shards.len()
        ),
        E::Lost { shards } => format!("perdidos {} fragmentos", shards.len()),
        E::HandedBack { shards } => format!("devueltos {} fragmentos", shards.len()),
        E::Answered { request, shards } => format!("respondida {request}: {shards} fragmentos"),
        E::Reconnecting { attempt, wait } => format!(
            "base de datos no disponible: reintento {attempt} en {} ms",
            wait.as_millis()
        ),
        E::Reconnected { reloading } => {
            format!("reconectado, {reloading} fragmentos por recargar")
        }
    }
}

/// Lines of `huella central` a person reads.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum CentralSay<'a> {
    /// No open duplicate case.
    NoCases,
    /// The record has no central verdict yet.
    NoVerdict,
    /// A verdict is not accepted here, and why.
    Refused(VerdictRefusal),
    /// A verdict: who signed it and when.
    SignedBy {
        /// Central office.
        office: &'a str,
        /// Central station.
        station: &'a str,
        /// When.
        at: &'a str,
    },
    /// "Biométrico registrado".
    Registered,
    /// Shards no worker holds live (`central leases`).
    Unleased {
        /// How many.
        count: usize,
        /// Which, as ranges.
        shards: &'a str,
    },
    /// A search worker started on its shard range.
    WorkerReady {
        /// The range given (`0-127`).
        shards: &'a str,
    },
}

impl Display for CentralSay<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (lang(), *self) {
            (Lang::Es, CentralSay::NoCases) => f.write_str("no hay casos de duplicado abiertos"),
            (Lang::En, CentralSay::NoCases) => f.write_str("no open duplicate cases"),
            (Lang::Es, CentralSay::NoVerdict) => {
                f.write_str("sin dictamen central todavía (el nodo central no lo ha procesado)")
            }
            (Lang::En, CentralSay::NoVerdict) => {
                f.write_str("no central verdict yet (the central node has not processed it)")
            }
            (Lang::Es, CentralSay::Refused(r)) => write!(f, "dictamen rechazado: {r}"),
            (Lang::En, CentralSay::Refused(r)) => {
                write!(f, "verdict not accepted: {}", refusal_en(r))
            }
            (
                Lang::Es,
                CentralSay::SignedBy {
                    office,
                    station,
                    at,
                },
            ) => {
                write!(
                    f,
                    "firmado por la estación {station} de la oficina central {office}, {at}"
                )
            }
            (
                Lang::En,
                CentralSay::SignedBy {
                    office,
                    station,
                    at,
                },
            ) => {
                write!(
                    f,
                    "signed by station {station} of central office {office}, {at}"
                )
            }
            (Lang::Es, CentralSay::Registered) => f.write_str("Biométrico registrado"),
            (Lang::En, CentralSay::Registered) => f.write_str("Biometrics registered"),
            (Lang::Es, CentralSay::Unleased { count, shards }) => write!(
                f,
                "{count} fragmentos sin trabajador vigente ({shards}): las búsquedas esperan a que un trabajador los tome"
            ),
            (Lang::En, CentralSay::Unleased { count, shards }) => write!(
                f,
                "{count} shards without a live worker ({shards}): searches wait until a worker takes them"
            ),
            (Lang::Es, CentralSay::WorkerReady { shards }) => write!(
                f,
                "trabajador de la búsqueda nacional en marcha: fragmentos {shards} y los que otros dejen vencer; detenerlo con Ctrl-C"
            ),
            (Lang::En, CentralSay::WorkerReady { shards }) => write!(
                f,
                "national search worker running: shards {shards} and any others let expire; stop it with Ctrl-C"
            ),
        }
    }
}

/// English wording of a refused verdict.
pub fn refusal_en(r: VerdictRefusal) -> &'static str {
    match r {
        VerdictRefusal::NotCentralOffice => {
            "the signing office is not the configured central office"
        }
        VerdictRefusal::UntrustedStation => {
            "the signing station is not trusted in the central office"
        }
        VerdictRefusal::BadSignature => "invalid signature",
        VerdictRefusal::Superseded => "the captures changed after the verdict",
    }
}

/// English wording of a sharded search error (`None`: the cause below words it).
#[cfg(feature = "postgres")]
pub fn shard_error_en(e: &crate::workflows::central::shards::ShardError) -> Option<String> {
    use crate::workflows::central::shards::ShardError as S;
    Some(match e {
        S::Database(e) => format!("national search database: {e}"),
        S::SchemaNewer { found, known } => format!(
            "the national search database has schema version {found} and this program knows up to {known}: update huella"
        ),
        S::NoGalleryKey => "the national search database has no gallery key: run `huella central run --search …` at the central node first".to_owned(),
        S::GalleryKeyNotOurs => "the gallery key does not open with this station's identity: use the central node's home".to_owned(),
        S::GalleryKeyExists => "the national search database already has a gallery key".to_owned(),
        S::ReferenceExists(r) => format!("reference {r} was already inserted in the national gallery"),
        S::ReferenceNotFound(r) => format!("reference {r} is not in the national gallery"),
        S::BadRange(r) => format!("--shards {r}: expected a range A-B within 0 and 255 (e.g. 0-127)"),
        S::Unanswered { missing, first } => format!(
            "the national search did not answer in time: {missing} of 256 shards missing (the first, {first}); check that workers cover every shard"
        ),
        S::BadRow { table } => format!("damaged row in table {table} of the national search"),
        _ => return None,
    })
}

/// English wording of a central workflow error (`None`: the cause below words it).
pub fn error_en(e: &CentralError) -> Option<String> {
    Some(match e {
        #[cfg(feature = "postgres")]
        CentralError::Shards(s) => return shard_error_en(s),
        CentralError::NotSupervisor => {
            "only a central supervisor or administrator decides duplicate cases".to_owned()
        }
        CentralError::Reauth => {
            "re-authentication failed: the passphrase does not match the user".to_owned()
        }
        CentralError::NoSuchCase(id) => format!("no open duplicate case has the id {id}"),
        CentralError::NoReason => "give the reason for the decision (--reason)".to_owned(),
        CentralError::NotFound(curp) => format!("no person has the CURP {curp} at this station"),
        _ => return None,
    })
}
