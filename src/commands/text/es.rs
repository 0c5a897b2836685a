//! Spanish (the default): the command line's words.

use std::fmt::{Formatter, Result};

use super::say::DemoQuery;
use super::{CliError, Lang, Say};
use crate::workflows::enroll::FaceCheckKind;

/// Failed face checks, named in `lang`, comma-separated.
pub(super) fn checks_text(lang: Lang, checks: &[FaceCheckKind]) -> String {
    checks
        .iter()
        .map(|k| lang.face_check(*k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Words a [`Say`] in Spanish.
pub fn say(s: &Say<'_>, f: &mut Formatter<'_>) -> Result {
    match *s {
        Say::StationCreated {
            station,
            office,
            dir,
            admin,
        } => write!(
            f,
            "estación {station} de la oficina {office} creada en {}; administrador: {admin}",
            dir.display()
        ),
        Say::StationJoined { station, office } => {
            write!(f, "estación {station} unida a la oficina {office}")
        }
        Say::OfficerAdded { user, role } => {
            write!(f, "oficial {user} agregado con rol {}", role.as_str())
        }
        Say::PlaceOfficerFinger { port } => {
            write!(f, "coloque el índice derecho en el lector {port}…")
        }
        Say::OfficerFingerEnrolled { user, quality } => write!(
            f,
            "huella de referencia de {user} registrada (calidad {quality}); sellada en su credencial"
        ),
        Say::NoResults => f.write_str("sin resultados"),
        Say::StatusStation { station, office } => {
            write!(f, "estación {station} (oficina {office})")
        }
        Say::StatusPeople(n) => write!(f, "personas: {n}"),
        Say::StatusPendingApproval(n) => write!(f, "pendientes de aprobación: {n}"),
        Say::StatusCount { status, count } => write!(f, "  {status}: {count}"),
        Say::LastSync(t) => write!(f, "última sincronización: {}", t.unwrap_or("nunca")),
        Say::HubTrusts { office } => write!(f, "confía en la oficina {office}"),
        Say::HubBundleImported { ack } => {
            write!(f, "paquete importado; acuse en {}", ack.display())
        }
        Say::Prepared { records } => write!(f, "cambios locales preparados: {records} registros"),
        Say::Compared { peer, differing } => {
            write!(f, "{peer}: {differing} registros por conciliar")
        }
        Say::Records { peer, done, total } => write!(f, "{peer}: registros {done}/{total}"),
        Say::BlobBytes {
            peer,
            received,
            sent,
        } => write!(
            f,
            "{peer}: imágenes y plantillas: {received} bytes recibidos, {sent} enviados"
        ),
        Say::UpToDate { peer } => write!(f, "{peer}: al día"),
        Say::Unconverged { peer } => {
            write!(f, "{peer}: quedaron diferencias; vuelva a sincronizar")
        }
        Say::Retrying {
            peer,
            reason,
            attempt,
            of,
        } => write!(
            f,
            "{peer}: conexión interrumpida ({reason}); reintentando ({attempt}/{of})"
        ),
        Say::Damaged(n) => write!(f, "registros con datos ilegibles: {n}"),
        Say::RosterWritten { path } => {
            write!(f, "lista de estaciones escrita en {}", path.display())
        }
        Say::NoRoster => f.write_str("la oficina aún no tiene lista de estaciones firmada"),
        Say::Erased { id } => write!(
            f,
            "registro {id} borrado; la orden se replicará en la próxima sincronización"
        ),
        Say::PeerRefused { reason } => write!(f, "solicitud de un par rechazada: {reason}"),
        Say::InviteWritten { station, path } => {
            write!(f, "invitación para {station} escrita en {}", path.display())
        }
        Say::BundleWritten {
            path,
            records,
            bytes,
        } => write!(
            f,
            "paquete escrito en {}: {records} registros, {bytes} bytes",
            path.display()
        ),
        Say::AckWritten { path } => write!(f, "acuse escrito en {}", path.display()),
        Say::SimUnplugged => f.write_str("el dispositivo simulado se desconectó"),
        Say::ConsentRecorded => f.write_str("consentimiento registrado"),
        Say::ExceptionRecorded { finger, kind } => write!(
            f,
            "{}: excepción registrada ({}); la revisa un supervisor",
            Lang::Es.finger(finger),
            Lang::Es.exception(kind)
        ),
        Say::PlaceFinger {
            finger,
            attempt,
            of,
        } => write!(
            f,
            "coloque el dedo {} en el lector (intento {attempt}/{of})…",
            Lang::Es.finger(finger)
        ),
        Say::FingerRead { finger, quality } => match quality {
            Ok(q) => write!(f, "{}: calidad {q}", Lang::Es.finger(finger)),
            Err(why) => write!(
                f,
                "{}: lectura inutilizable ({why})",
                Lang::Es.finger(finger)
            ),
        },
        Say::FingerKept { finger, quality } => write!(
            f,
            "{}: se conserva la mejor lectura (calidad {quality})",
            Lang::Es.finger(finger)
        ),
        Say::TakingPhoto { attempt, of } => {
            write!(f, "tomando la fotografía (intento {attempt}/{of})…")
        }
        Say::PhotoKept { quality } => write!(f, "fotografía aceptada (calidad {quality})"),
        Say::PhotoRejected { checks } => {
            write!(f, "fotografía rechazada: {}", checks_text(Lang::Es, checks))
        }
        Say::QueueEmpty => f.write_str("no hay capturas en espera de aprobación"),
        Say::DemoReused { dir } => {
            write!(f, "estación existente en {} (se reutiliza)", dir.display())
        }
        Say::DemoStation { dir } => write!(f, "estación temporal cifrada en {}", dir.display()),
        Say::DemoCreated => f.write_str("1. estación 0901/DEMO-1 creada con 3 usuarios"),
        Say::DemoUsers => f.write_str("usuarios de demostración:"),
        Say::DemoUser { user, role, pass } => write!(
            f,
            "  {user:<11} rol {:<10} contraseña {pass}",
            role.as_str()
        ),
        Say::DemoImported { seconds, summary } => write!(
            f,
            "2. preregistros importados en {seconds:.2} s: {summary}"
        ),
        Say::DemoTry { curp, nss } => {
            write!(f, "   para enrolar, busque por ejemplo {curp} (NSS {nss})")
        }
        Say::DemoDevices { scanner, camera } => write!(
            f,
            "lector simulado en {scanner}, cámara simulada en {camera}"
        ),
        Say::DemoSupervisorFinger { quality } => write!(
            f,
            "3. huella de referencia del supervisor registrada desde el lector simulado (calidad {quality})"
        ),
        Say::DemoLookup { by, found, first } => {
            let by = match by {
                DemoQuery::Curp => "CURP",
                DemoQuery::Nss => "NSS",
                DemoQuery::Name => "nombre",
            };
            write!(f, "3. búsqueda por {by}: {found} resultado(s)")?;
            match first {
                Some(p) => write!(f, "; {p}"),
                None => Ok(()),
            }
        }
        Say::DemoAudit(n) => write!(f, "4. auditoría íntegra: {n} entradas"),
        Say::PersonCaptures {
            fingers,
            face,
            consent,
        } => write!(
            f,
            "huellas: {fingers}/10, fotografía: {}, consentimiento: {}",
            if face { "sí" } else { "no" },
            consent.unwrap_or("no")
        ),
        Say::PersonReceipt {
            folio,
            decision,
            supervisor,
            at,
            code,
            valid,
        } => {
            write!(
                f,
                "recibo {folio}: {decision} por {supervisor} el {at} (código {code})"
            )?;
            if !valid {
                f.write_str(" — FIRMA NO VÁLIDA: no cuenta para el estado")?;
            }
            Ok(())
        }
        Say::InvalidSignature => f.write_str("firma no válida: no cuenta"),
        Say::PersonProof {
            at,
            finger,
            score,
            matched,
        } => write!(
            f,
            "supervivencia {at}: {} puntaje {score}, {}",
            Lang::Es.finger(finger),
            if matched { "coincide" } else { "no coincide" }
        ),
        Say::Policy {
            approval_without_finger,
        } => write!(
            f,
            "aprobación sin huella del supervisor: {}",
            if approval_without_finger {
                "permitida"
            } else {
                "no permitida"
            }
        ),
        Say::NoSerialPorts => f.write_str(
            "no se encontraron puertos serie (las pseudo-terminales se indican con --port)",
        ),
        Say::ScannerAt {
            port,
            capacity,
            packet_size,
            baud,
        } => write!(
            f,
            "{port}\tlector ZFM-20 (capacidad {capacity}, paquetes de {packet_size} B, {baud} Bd)"
        ),
        Say::CameraAt {
            port,
            version,
            size,
            baud,
        } => write!(f, "{port}\tcámara {version} ({}×{}, {baud} Bd)", size.0, size.1),
        Say::NothingAt { port, error } => {
            write!(f, "{port}\tsin dispositivo reconocido: {}", error.mensaje())
        }
        Say::FingerprintSaved {
            path,
            width,
            height,
            bytes_per_second,
        } => write!(
            f,
            "huella guardada en {} ({width}×{height}, {bytes_per_second:.0} B/s)",
            path.display()
        ),
        Say::DemoHeadless => f.write_str(
            "sin terminal interactiva: no se abre la consola (ejecute `huella demo` en una terminal).",
        ),
        Say::SelfTestRecorded {
            kind,
            port,
            passed,
            reason,
            at,
        } => write!(
            f,
            "autoprueba {kind} ({port}): {}{} — {at}",
            if passed { "correcto" } else { "fallido" },
            reason.map(|m| format!(" ({m})")).unwrap_or_default()
        ),
        Say::Loosened { path, mode, dir } => write!(
            f,
            "aviso: {} tiene permisos {mode:o}: otros usuarios de este equipo pueden leerlo; use chmod {}",
            path.display(),
            if dir { "700" } else { "600" }
        ),
    }
}

/// Words a [`CliError`] in Spanish.
pub fn error_text(e: &CliError, f: &mut Formatter<'_>) -> Result {
    match e {
        CliError::OneQuery => f.write_str("indique exactamente una de --curp, --nss o --name"),
        CliError::UnknownRole { role } => write!(
            f,
            "rol desconocido \"{role}\" (use officer, supervisor o admin)"
        ),
        CliError::NeedCredentials => {
            f.write_str("indique --as USUARIO y --passphrase-file ARCHIVO")
        }
        CliError::NeedSyncTarget => f.write_str("indique --hub URL o al menos un --peer DIRECCIÓN"),
        CliError::ConflictsNeedSupervisor => {
            f.write_str("solo un supervisor o administrador puede revisar conflictos")
        }
        CliError::BadRecordId { id } => write!(
            f,
            "identificador de registro inválido: {id} (se esperan 32 caracteres hexadecimales)"
        ),
        CliError::Read { path } => write!(f, "no se pudo leer {}", path.display()),
        CliError::Write { path } => write!(f, "no se pudo escribir {}", path.display()),
        CliError::NoStation { dir } => write!(
            f,
            "no hay estación en {} (cree una con `huella init` o pruebe `huella demo`)",
            dir.display()
        ),
        CliError::NeedsTerminal => f.write_str("la consola necesita una terminal interactiva"),
        CliError::BadFinger => f.write_str("el dedo debe estar entre 1 y 10"),
        CliError::BadException { text } => write!(
            f,
            "excepción inválida \"{text}\": use N:TIPO:MOTIVO (N 1–10; TIPO amputado, lesionado o ilegible)"
        ),
        CliError::NotFound { curp } => write!(f, "no hay una persona preregistrada con la CURP {curp}"),
        CliError::NotEnrolled => f.write_str(
            "la persona no tiene huellas aprobadas: la prueba de supervivencia necesita un enrolamiento aprobado",
        ),
        CliError::NeedConsent => f.write_str(
            "falta el consentimiento: lea el aviso de privacidad a la persona y, si acepta, repita con --consent",
        ),
        CliError::FingerUnusable { finger } => write!(
            f,
            "{}: ninguna lectura utilizable; limpie el cristal y repita, o registre una excepción con --exception",
            Lang::Es.finger(*finger)
        ),
        CliError::FaceRejected { checks } => write!(
            f,
            "ninguna fotografía pasó las revisiones ({}); corrija la toma y repita",
            checks_text(Lang::Es, checks)
        ),
        CliError::HubInUse { dir } => write!(
            f,
            "la carpeta del concentrador {} está en uso por otro proceso (¿un concentrador en marcha?); deténgalo o use otra carpeta",
            dir.display()
        ),
        CliError::Device(e) => write!(f, "{} ({e})", e.mensaje()),
        CliError::NoPostgres => write!(
            f,
            "este programa se compiló sin soporte de PostgreSQL; compílelo con `--features postgres` o quite --store para guardar en la carpeta del concentrador"
        ),
        CliError::NoPostgresSearch => write!(
            f,
            "este programa se compiló sin soporte de PostgreSQL; la búsqueda nacional repartida (central worker, central run --search) necesita `--features postgres`; sin --search la búsqueda se hace en este proceso"
        ),
        CliError::UnknownStore { store } => write!(
            f,
            "--store {store}: se espera una dirección postgres://usuario@servidor:puerto/base"
        ),
    }
}

/// Spanish wording of a refused `consola.toml`.
pub fn keymap(e: &crate::console::keymap::KeymapError) -> String {
    use crate::console::keymap::KeymapError as K;
    match e {
        K::Unreadable(path) => format!("no se pudo leer {}", path.display()),
        K::Toml(e) => format!("consola.toml no es TOML válido: {e}"),
        K::UnknownAction(a) => format!("acción desconocida en consola.toml: «{a}»"),
        K::BadKey { action, key } => {
            format!("tecla inválida para «{action}» en consola.toml: «{key}»")
        }
    }
}
