//! The printed wording of the documents. An acuse or a constancia is an official Spanish
//! document whatever language the console or the command line speaks, and its labelled
//! lines are signed content: changing a word here changes what new documents assert, never
//! what old ones verify as. Faces must not translate these; they word only their own lines.

/// Title of an acuse.
pub const ACUSE_TITLE: &str = "Acuse de recibo";
/// Title of a constancia.
pub const CONSTANCIA_TITLE: &str = "Constancia de vigencia de derechos";
/// The footer of every document.
pub const FOOTER: &str = "Documento firmado electrónicamente por la estación que lo emitió. \
Verifíquelo en cualquier estación de la oficina con «huella document verify» y el archivo, \
el código QR o el código de verificación.";
/// Footer word before the page counter.
pub const PAGE: &str = "página";
/// Caption beside the QR: the code follows.
pub const CODE: &str = "Código de verificación:";

/// Label: folio.
pub const FOLIO: &str = "Folio";
/// Label: office.
pub const OFFICE: &str = "Oficina";
/// Label: station.
pub const STATION: &str = "Estación";
/// Label: issued at.
pub const ISSUED: &str = "Emitido (UTC)";
/// Label: person.
pub const PERSON: &str = "Persona";
/// Label: CURP.
pub const CURP: &str = "CURP";
/// Label: officer.
pub const OFFICER: &str = "Oficial";
/// Label: supervisor.
pub const SUPERVISOR: &str = "Supervisor";
/// Label: record-state hash.
pub const STATE: &str = "Huella del registro";

/// Label: what was done.
pub const PROCEDURE: &str = "Trámite";
/// Procedure: enrollment submission.
pub const SUBMISSION: &str = "Captura biométrica enviada a aprobación";
/// Procedure: enrollment approval.
pub const APPROVAL: &str = "Captura biométrica aprobada por el supervisor";
/// Label: capture folio of the record.
pub const CAPTURE_FOLIO: &str = "Folio de captura";
/// Label: fingers captured.
pub const FINGERS: &str = "Dedos capturados";
/// Label: finger exceptions.
pub const EXCEPTIONS: &str = "Excepciones";
/// No exceptions.
pub const NONE: &str = "ninguna";
/// Label: face photo.
pub const PHOTO: &str = "Fotografía";
/// Yes.
pub const YES: &str = "sí";
/// No.
pub const NO: &str = "no";
/// Label: biometric status.
pub const STATUS: &str = "Estado biométrico";
/// Label: signed decision (first characters of the supervisor's signature).
pub const DECISION: &str = "Decisión firmada";
/// Procedure: worker movement.
pub const MOVEMENT: &str = "Movimiento afiliatorio";
/// Label: movement kind.
pub const MOVEMENT_KIND: &str = "Tipo de movimiento";
/// Label: effective date.
pub const EFFECTIVE: &str = "Fecha de efecto";
/// Label: employer registration.
pub const EMPLOYER: &str = "Registro patronal";
/// Label: daily base salary.
pub const SALARY: &str = "Salario base diario";
/// Label: regime.
pub const REGIME: &str = "Régimen";
/// Label: reason.
pub const REASON: &str = "Motivo";

/// Label: entitlement.
pub const ENTITLEMENT: &str = "Vigencia de derechos";
/// Entitled.
pub const VIGENTE: &str = "VIGENTE";
/// Not entitled.
pub const NO_VIGENTE: &str = "NO VIGENTE";
/// Label: basis of the entitlement.
pub const BASIS: &str = "Fundamento";
/// Basis: an active alta.
pub const BASIS_ALTA: &str = "alta vigente";
/// Basis: kept after a baja (art. 109 LSS).
pub const BASIS_KEPT: &str =
    "conservación de derechos por 8 semanas tras la baja (art. 109 de la Ley del Seguro Social)";
/// Basis: no alta and nothing kept.
pub const BASIS_NONE: &str = "sin alta vigente ni conservación de derechos";
/// Label: entitled until.
pub const UNTIL: &str = "Vigente hasta";
/// Label: last baja.
pub const LAST_BAJA: &str = "Última baja";
/// Label: continuous weeks of contributions before the baja.
pub const WEEKS: &str = "Semanas cotizadas ininterrumpidas antes de la baja";
/// Label: certified as of.
pub const AS_OF: &str = "Fecha de la constancia";
/// Label: restriction.
pub const RESTRICTION: &str = "Restricción";
/// The restriction notice (domain wording).
pub const RESTRICTED: &str = "Trámite restringido por falta de biometría";
