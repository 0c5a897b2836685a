//! The lines scripts parse (docs/cli.md): the same words in every language, so `--lang en`
//! never breaks a script. Change one only together with docs/cli.md.

use std::fmt::Display;

/// `import`: one rejected row.
pub fn rejected_row(line: impl Display, reason: impl Display) -> String {
    format!("línea {line}: {reason}")
}

/// `audit verify`: the chain is sound.
pub fn audit_sound(entries: impl Display) -> String {
    format!("auditoría íntegra: {entries} entradas")
}

/// `sim scanner|camera`: the first line, the simulator's port.
pub fn pty(path: impl Display) -> String {
    format!("PTY {path}")
}

/// `sync serve`: the first line, where it listens.
pub fn listening(addr: impl Display) -> String {
    format!("escuchando en {addr}")
}

/// `hub`: where it listens and its key (scripts take the URL after `escuchando en`).
pub fn hub_listening(addr: impl Display, key: impl Display) -> String {
    format!("concentrador escuchando en http://{addr} (clave {key})")
}

/// `sync`, `bundle import`: the last line of a round.
pub fn synced(sent: impl Display, received: impl Display, conflicts: impl Display) -> String {
    format!("sincronizado: enviados {sent}, recibidos {received}, conflictos {conflicts}")
}

/// `sync`, `bundle import`: received records this station is not a recipient of.
pub fn opaque(n: impl Display) -> String {
    format!(
        "registros recibidos que esta estación no puede abrir (no es destinataria de su llave): {n}"
    )
}

/// `sync conflicts`: one conflict.
pub fn conflict(kind: &str, records: &str, detail: &str) -> String {
    format!("{kind}\t{records}\t{detail}")
}

/// `sync conflicts`: the count.
pub fn conflicts_total(n: impl Display) -> String {
    format!("conflictos: {n}")
}

/// `sync roster revoke`: done.
pub fn revoked(station: &str, version: u64, generation: u32) -> String {
    format!(
        "estación {station} revocada (lista versión {version}); nueva llave de oficina: generación {generation}"
    )
}

/// `sync roster central-key`: the roster version that names the central key.
pub fn central_key_named(version: u64) -> String {
    format!("llave central nombrada (lista versión {version})")
}

/// `sync roster show`: the head line.
pub fn roster_head(office: &str, version: u64, generation: u32) -> String {
    format!("oficina {office}, lista versión {version}, llave de oficina generación {generation}")
}

/// `sync roster show`: one station and the office key generations granted to it.
pub fn roster_station(name: &str, revoked: bool, generations: &[u32]) -> String {
    let state = if revoked { "revocada" } else { "activa" };
    let gens: String = generations.iter().map(|g| format!(",{g}")).collect();
    format!("{name}\t{state}\tgeneraciones: 0{gens}")
}

/// `sync roster show`: the generation this station holds.
pub fn roster_own_generation(generation: u32) -> String {
    format!("esta estación tiene la generación {generation}")
}

/// `enroll`: the capture went to the supervisor's queue.
pub fn submitted(folio: &str, duplicates: usize) -> String {
    format!("enviado a aprobación: folio {folio}, posibles duplicados {duplicates}")
}

/// `review list`: one capture waiting.
pub fn queue_item(
    id: &str,
    curp: &str,
    name: &str,
    officer: &str,
    submitted_at: &str,
    exceptions: usize,
    duplicates: usize,
) -> String {
    format!(
        "{id}\t{curp}\t{name}\t{officer}\t{submitted_at}\texcepciones: {exceptions}\tduplicados: {duplicates}"
    )
}

/// `review approve|reject|recapture`: the signed decision was recorded.
pub fn decided(id: &str, decision: &str) -> String {
    format!("decisión registrada: {id} {decision}")
}

/// `backup`: the copy is written.
pub fn backup_written(
    path: impl Display,
    station: impl Display,
    office: impl Display,
    people: usize,
    bytes: usize,
) -> String {
    format!(
        "respaldo escrito en {path}: estación {station} de la oficina {office}, {people} personas, {bytes} bytes"
    )
}

/// `restore`: the station is back.
pub fn restored(
    station: impl Display,
    office: impl Display,
    dir: impl Display,
    people: usize,
) -> String {
    format!("estación {station} de la oficina {office} restaurada en {dir}: {people} personas")
}

/// `recover`: a dead station's records merged here.
pub fn recovered(station: impl Display, records: usize, created: usize, merged: usize) -> String {
    format!(
        "recuperados de la estación {station}: {records} registros ({created} nuevos, {merged} combinados)"
    )
}

/// `proof-of-life`: the verification's result (score in thousandths).
pub fn proof(matched: bool, score: u32) -> String {
    let result = if matched { "coincide" } else { "no coincide" };
    format!("supervivencia: {result} (puntaje {score})")
}

/// `document verify`: a valid document.
pub fn document_valid(
    kind: &str,
    folio: &str,
    office: &str,
    station: &str,
    issued: &str,
) -> String {
    format!(
        "documento válido: {kind} {folio}, oficina {office}, estación {station}, emitido {issued}"
    )
}

/// `document verify`: not valid, and why (the reason in the `--lang` language).
pub fn document_invalid(reason: impl Display) -> String {
    format!("documento inválido: {reason}")
}

/// `document acuse|constancia`: what was written (one line per file).
pub fn document_written(kind: &str, folio: &str, path: impl Display, code: &str) -> String {
    format!("{kind} {folio} escrito en {path} (código {code})")
}

/// `movement …`: the movement was recorded.
pub fn movement_recorded(kind: &str, folio: &str) -> String {
    format!("movimiento registrado: {kind}, folio {folio}")
}

/// `restriction notify`: the notice was recorded.
pub fn notice_recorded(curp: &str, deadline: &str, days_left: i64) -> String {
    format!("aviso registrado: {curp}, fecha límite {deadline}, días restantes {days_left}")
}

/// `restriction list`: one notified person.
pub fn restriction_row(
    curp: &str,
    name: &str,
    notice: &str,
    deadline: &str,
    days_left: i64,
    status: &str,
) -> String {
    format!("{curp}\t{name}\t{notice}\t{deadline}\t{days_left}\t{status}")
}
