//! Importing employer pre-registrations from the CSV format of `cli.md`.
//!
//! Every bad row is reported with its line number and a Spanish reason; every good row is
//! kept; a row whose CURP is already in the store (or earlier in the file) counts as
//! "ya existente", so re-importing a file adds nothing. Rows are committed in batches, each
//! flushed with its audit entry, so a crash loses at most the batch in flight and a re-import
//! completes the set.

use std::collections::HashSet;

use anyhow::Result;
use huella_sync::store::{OpenRecord, PreparedWrite};
use huella_sync::{AuditAction, Identity, PersonRecord, PreRegistration, RecordId, Regime};
use sha2::{Digest, Sha256};

use crate::identifiers::{Curp, Nss, RegistroPatronal, Rfc, STATE_CODES, parse_date_iso, text};
use crate::workflows::indexing;
use crate::workflows::session::Session;

/// The columns of the pre-registration CSV, in order.
pub const COLUMNS: [&str; 13] = [
    "curp",
    "nss",
    "rfc",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
    "sexo",
    "entidad",
    "registro_patronal",
    "salario_diario",
    "fecha_alta",
    "regimen",
];

/// An optional last column: the date the person was notified of missing biometrics (starts
/// the restriction countdown, [`crate::workflows::restriction`]); may be empty per row.
pub const NOTICE_COLUMN: &str = "fecha_aviso";

/// Rows per committed (flushed, audited) batch.
pub const BATCH_ROWS: usize = 500;

/// A rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Line in the file (header is line 1).
    pub line: u64,
    /// Why, in Spanish.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// New people stored.
    pub imported: usize,
    /// Rows rejected, in file order.
    pub rejected: Vec<Rejection>,
    /// Rows whose person was already known.
    pub existing: usize,
}

impl ImportReport {
    /// The closing line of the CLI contract.
    pub fn summary_line(&self) -> String {
        format!(
            "importados: {}, rechazados: {}, ya existentes: {}",
            self.imported,
            self.rejected.len(),
            self.existing
        )
    }
}

/// A validated row.
struct Row {
    identity: Identity,
    pre: PreRegistration,
    notice: Option<String>,
}

/// Validates one CSV record. `get` returns a trimmed field by column name.
fn validate(fields: &[&str], lote: &str, this_year: u16) -> Result<Row, String> {
    let get = |i: usize| fields.get(i).copied().unwrap_or("").trim();
    for (i, name) in COLUMNS.iter().enumerate() {
        if *name != "segundo_apellido" && get(i).is_empty() {
            return Err(format!("falta el campo {name}"));
        }
    }
    let curp = Curp::parse(get(0)).map_err(|e| e.to_string())?;
    let nss = Nss::parse(get(1)).map_err(|e| e.to_string())?;
    let rfc = Rfc::parse(get(2)).map_err(|e| e.to_string())?;
    for (i, what) in [
        (3, "nombre"),
        (4, "primer_apellido"),
        (5, "segundo_apellido"),
    ] {
        text::check_name(get(i)).map_err(|e| format!("{what}: {e}"))?;
    }
    // A date that exists and lies in a plausible range of years.
    let date = |i: usize, what: &str, min: u16, max: u16| {
        let (y, _, _) = parse_date_iso(get(i)).map_err(|e| format!("{what}: {e}"))?;
        text::check_year(y, min, max).map_err(|e| format!("{what}: {e}"))
    };
    date(6, "fecha_nacimiento", text::MIN_BIRTH_YEAR, this_year)?;
    let sexo = get(7).to_uppercase();
    if !matches!(sexo.as_str(), "H" | "M" | "X") {
        return Err(format!(
            "sexo: debe ser H, M o X (se encontró \"{}\")",
            get(7)
        ));
    }
    let entidad = get(8).to_uppercase();
    if !STATE_CODES.contains(&entidad.as_str()) {
        return Err(format!(
            "entidad: \"{}\" no es un código de estado válido",
            get(8)
        ));
    }
    let rp = RegistroPatronal::parse(get(9)).map_err(|e| e.to_string())?;
    let salario = get(10);
    if text::check_daily_wage(salario).is_err() {
        return Err(format!(
            "salario_diario: \"{}\" no es un importe en pesos (ej. 315.04; hasta {})",
            salario.chars().take(24).collect::<String>(),
            text::MAX_DAILY_WAGE
        ));
    }
    date(
        11,
        "fecha_alta",
        text::MIN_REGISTRATION_YEAR,
        this_year.saturating_add(1),
    )?;
    let regimen = Regime::parse(get(12)).ok_or_else(|| {
        format!(
            "regimen: \"{}\" no es permanente, eventual ni construccion",
            get(12)
        )
    })?;
    let notice = match get(13) {
        "" => None,
        d => {
            date(13, NOTICE_COLUMN, text::MIN_REGISTRATION_YEAR, this_year)?;
            Some(d.to_owned())
        }
    };
    Ok(Row {
        identity: Identity {
            curp: curp.as_str().to_owned(),
            nss: nss.as_str().to_owned(),
            rfc: rfc.as_str().to_owned(),
            nombre: get(3).to_owned(),
            primer_apellido: get(4).to_owned(),
            segundo_apellido: get(5).to_owned(),
            fecha_nacimiento: get(6).to_owned(),
            sexo,
            entidad,
        },
        pre: PreRegistration {
            registro_patronal: rp.as_str().to_owned(),
            salario_diario: salario.to_owned(),
            fecha_alta: get(11).to_owned(),
            regimen,
            lote: lote.to_owned(),
        },
        notice,
    })
}

/// Largest CSV accepted: the file is read whole, so it is bounded (a province's
/// pre-registration is split into files below this).
const MAX_CSV_BYTES: u64 = 256 << 20;

/// Why a CSV file was not imported at all (rows refused one by one are in the report).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The first line is not a readable CSV header.
    #[error("el archivo no tiene un encabezado CSV legible")]
    NoHeader,
    /// The header names other columns.
    #[error("el encabezado no es el esperado; debe ser: {0}")]
    WrongHeader(String),
    /// A worker preparing records stopped.
    #[error("fallo interno al preparar registros")]
    Worker,
}

/// Imports `path` into the session's store. `on_reject` sees each rejection as it happens.
pub fn import_file(
    session: &Session,
    path: &std::path::Path,
    mut on_reject: impl FnMut(&Rejection),
) -> Result<ImportReport> {
    // Bounded: a device or FIFO given as the CSV is refused instead of read forever.
    let bytes = huella_sync::disk::read_regular(path, MAX_CSV_BYTES)?;
    let lote = hex::encode(&Sha256::digest(&bytes)[..6]);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = reader.headers().map_err(|_| ImportError::NoHeader)?.clone();
    let got: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let with_notice = got.len() == COLUMNS.len() + 1
        && got.starts_with(&COLUMNS.map(str::to_owned))
        && got.last().map(String::as_str) == Some(NOTICE_COLUMN);
    if got != COLUMNS && !with_notice {
        return Err(ImportError::WrongHeader(COLUMNS.join(",")).into());
    }
    let columns = got.len();

    let this_year: u16 = huella_sync::time::now_utc()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(u16::MAX);
    let mut report = ImportReport::default();
    let mut seen = HashSet::new();
    let mut pending: Vec<(u64, Row)> = Vec::new();
    let index_key = session.credential.station.index_key();
    let mut record = csv::StringRecord::new();
    let mut last_line = 1u64;
    loop {
        let line = match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => record.position().map_or(last_line + 1, csv::Position::line),
            Err(e) => {
                let line = e.position().map_or(last_line + 1, csv::Position::line);
                last_line = line;
                let r = Rejection {
                    line,
                    reason: "fila ilegible (codificación o comillas)".into(),
                };
                on_reject(&r);
                report.rejected.push(r);
                continue;
            }
        };
        last_line = line;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let fields: Vec<&str> = record.iter().collect();
        let row = if fields.len() != columns {
            Err(format!(
                "se esperaban {} campos y hay {}",
                columns,
                fields.len()
            ))
        } else {
            validate(&fields, &lote, this_year)
        };
        let row = match row {
            Ok(r) => r,
            Err(reason) => {
                let r = Rejection { line, reason };
                on_reject(&r);
                report.rejected.push(r);
                continue;
            }
        };
        let curp_tag = indexing::curp_tag(index_key, &row.identity.curp);
        if !seen.insert(row.identity.curp.clone()) || !session.store.find(&curp_tag)?.is_empty() {
            report.existing += 1;
            continue;
        }
        pending.push((line, row));
    }
    report.imported += store_all(session, &pending, &lote)?;
    Ok(report)
}

type Prepared = Vec<(RecordId, PreparedWrite)>;

/// Builds and encrypts the people of one batch (documents, key wrapping, sealing).
fn prepare(session: &Session, rows: &[(u64, Row)], now: &str) -> Result<Prepared> {
    let keys = session.keys();
    let index_key = session.credential.station.index_key();
    let officer = session.credential.officer.user();
    rows.iter()
        .map(|(_, row)| {
            let mut rec = PersonRecord::create_pre_registered(
                RecordId::generate(),
                &row.identity,
                &row.pre,
                officer,
                now,
            )?;
            if let Some(notice) = &row.notice {
                rec.set_biometric_notice(notice)?;
            }
            let mut open = OpenRecord::new(rec);
            let tags = indexing::tags_for(index_key, &row.identity);
            let w = PreparedWrite::of_record(&keys, &mut open, tags)?;
            Ok((open.id(), w))
        })
        .collect()
}

/// Stores validated rows in batches of [`BATCH_ROWS`]: worker threads prepare batches while
/// this thread commits them in file order (each commit atomic and flushed).
fn store_all(session: &Session, rows: &[(u64, Row)], lote: &str) -> Result<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let batches: Vec<&[(u64, Row)]> = rows.chunks(BATCH_ROWS).collect();
    let now = huella_sync::time::now_utc();
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Result<Prepared>)>(workers * 2);
    std::thread::scope(|scope| -> Result<usize> {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, stop, batches, now) = (&next, &stop, &batches, &now);
            scope.spawn(move || {
                use std::sync::atomic::Ordering;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= batches.len() || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if tx.send((i, prepare(session, batches[i], now))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let result = commit_in_order(session, &batches, rx, lote);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })
}

fn commit_in_order(
    session: &Session,
    batches: &[&[(u64, Row)]],
    rx: std::sync::mpsc::Receiver<(usize, Result<Prepared>)>,
    lote: &str,
) -> Result<usize> {
    let mut waiting = std::collections::BTreeMap::new();
    let mut stored = 0;
    for (want, rows) in batches.iter().enumerate() {
        let prepared = loop {
            if let Some(p) = waiting.remove(&want) {
                break p;
            }
            let (i, p) = rx.recv().map_err(|_| ImportError::Worker)?;
            waiting.insert(i, p);
        }?;
        let mut batch = session.store.batch();
        let mut ids = Vec::with_capacity(prepared.len());
        for (id, w) in prepared {
            batch.push(w);
            ids.push(id);
        }
        let first = rows.first().map_or(0, |r| r.0);
        let last = rows.last().map_or(0, |r| r.0);
        commit(session, batch, &mut ids, lote, first, last)?;
        stored += rows.len();
    }
    Ok(stored)
}

fn commit(
    session: &Session,
    mut batch: huella_sync::Batch,
    ids: &mut Vec<RecordId>,
    lote: &str,
    first: u64,
    last: u64,
) -> Result<()> {
    batch.audit(
        AuditAction::Importacion,
        ids,
        &format!(
            "lote {lote}, líneas {first}-{last}, registros {}",
            ids.len()
        ),
    );
    session.commit(batch)?;
    ids.clear();
    Ok(())
}
