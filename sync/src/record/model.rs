//! Plain value types of a person record. They hold no Automerge handles.

use std::fmt;

/// A record's stable id: 16 random bytes, shown as 32 hex characters. CURPs can change;
/// this never does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub [u8; 16]);

impl RecordId {
    /// A fresh random id.
    pub fn generate() -> Self {
        let mut b = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
        RecordId(b)
    }

    /// Parses the 32-hex-character form.
    pub fn parse(text: &str) -> Option<Self> {
        let mut b = [0u8; 16];
        hex::decode_to_slice(text.trim(), &mut b).ok()?;
        Some(RecordId(b))
    }

    /// The 32-hex-character form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordId({})", self.to_hex())
    }
}

/// Who the person is (validated by the caller before it reaches a record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// CURP, 18 characters.
    pub curp: String,
    /// NSS, 11 digits.
    pub nss: String,
    /// RFC, 13 characters (may be empty).
    pub rfc: String,
    /// Given name(s).
    pub nombre: String,
    /// First surname.
    pub primer_apellido: String,
    /// Second surname (may be empty).
    pub segundo_apellido: String,
    /// Birth date `YYYY-MM-DD`.
    pub fecha_nacimiento: String,
    /// `H`, `M` or `X`.
    pub sexo: String,
    /// Two-letter state of birth code.
    pub entidad: String,
}

impl Identity {
    /// Full name in the usual order: given names, first surname, second surname.
    pub fn nombre_completo(&self) -> String {
        [
            self.nombre.as_str(),
            self.primer_apellido.as_str(),
            self.segundo_apellido.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// Employment regime of an alta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regime {
    /// Permanent worker.
    Permanente,
    /// Temporary / eventual worker.
    Eventual,
    /// Construction worker.
    Construccion,
}

impl Regime {
    /// The code used in files and documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Permanente => "permanente",
            Regime::Eventual => "eventual",
            Regime::Construccion => "construccion",
        }
    }

    /// Parses a code (`permanente`, `eventual`, `construccion`; accents tolerated).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "permanente" => Some(Regime::Permanente),
            "eventual" => Some(Regime::Eventual),
            "construccion" | "construcción" => Some(Regime::Construccion),
            _ => None,
        }
    }
}

/// An employer's pre-registration of a worker (from an imported batch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreRegistration {
    /// Employer registration (registro patronal).
    pub registro_patronal: String,
    /// Daily base salary in pesos, as written (e.g. `315.04`).
    pub salario_diario: String,
    /// Start date `YYYY-MM-DD`.
    pub fecha_alta: String,
    /// Regime.
    pub regimen: Regime,
    /// The import batch it came from (file digest prefix).
    pub lote: String,
}

/// Kind of worker movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// Registration with an employer.
    Alta,
    /// Termination.
    Baja,
    /// Salary change.
    ModificacionSalario,
    /// Change of regime.
    CambioRegimen,
    /// Death of the person: ends every active alta and proof of life.
    Defuncion,
}

impl MovementKind {
    /// The code used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Alta => "alta",
            MovementKind::Baja => "baja",
            MovementKind::ModificacionSalario => "modificacion_salario",
            MovementKind::CambioRegimen => "cambio_regimen",
            MovementKind::Defuncion => "defuncion",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "alta" => MovementKind::Alta,
            "baja" => MovementKind::Baja,
            "modificacion_salario" => MovementKind::ModificacionSalario,
            "cambio_regimen" => MovementKind::CambioRegimen,
            "defuncion" => MovementKind::Defuncion,
            _ => return None,
        })
    }
}

/// A worker movement (alta, baja, salary or regime change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// Movement id, unique within the record.
    pub id: String,
    /// Kind.
    pub kind: MovementKind,
    /// Effective date `YYYY-MM-DD`.
    pub fecha: String,
    /// Employer registration.
    pub registro_patronal: String,
    /// Daily base salary (alta, salary change).
    pub salario_diario: Option<String>,
    /// Regime (alta, regime change).
    pub regimen: Option<Regime>,
    /// Reason (baja).
    pub motivo: Option<String>,
    /// Officer who recorded it.
    pub oficial: String,
    /// When it was recorded (UTC).
    pub registrado_en: String,
}

/// Explicit consent to biometric capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Version of the privacy notice shown.
    pub aviso_version: String,
    /// When consent was given (UTC).
    pub otorgado_en: String,
    /// Officer who recorded it.
    pub oficial: String,
    /// Station where it was given.
    pub estacion: String,
}

/// The ten finger positions, numbered as ISO/IEC 19794-2 does (1 right thumb … 10 left little).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FingerPosition {
    /// Right thumb.
    RightThumb = 1,
    /// Right index.
    RightIndex = 2,
    /// Right middle.
    RightMiddle = 3,
    /// Right ring.
    RightRing = 4,
    /// Right little.
    RightLittle = 5,
    /// Left thumb.
    LeftThumb = 6,
    /// Left index.
    LeftIndex = 7,
    /// Left middle.
    LeftMiddle = 8,
    /// Left ring.
    LeftRing = 9,
    /// Left little.
    LeftLittle = 10,
}

impl FingerPosition {
    /// All ten, in capture order.
    pub const ALL: [FingerPosition; 10] = [
        FingerPosition::RightThumb,
        FingerPosition::RightIndex,
        FingerPosition::RightMiddle,
        FingerPosition::RightRing,
        FingerPosition::RightLittle,
        FingerPosition::LeftThumb,
        FingerPosition::LeftIndex,
        FingerPosition::LeftMiddle,
        FingerPosition::LeftRing,
        FingerPosition::LeftLittle,
    ];

    /// The ISO code 1..=10.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The position for an ISO code.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code).checked_sub(1)?).copied()
    }

    /// Spanish name shown to officers.
    pub fn nombre(self) -> &'static str {
        match self {
            FingerPosition::RightThumb => "pulgar derecho",
            FingerPosition::RightIndex => "índice derecho",
            FingerPosition::RightMiddle => "medio derecho",
            FingerPosition::RightRing => "anular derecho",
            FingerPosition::RightLittle => "meñique derecho",
            FingerPosition::LeftThumb => "pulgar izquierdo",
            FingerPosition::LeftIndex => "índice izquierdo",
            FingerPosition::LeftMiddle => "medio izquierdo",
            FingerPosition::LeftRing => "anular izquierdo",
            FingerPosition::LeftLittle => "meñique izquierdo",
        }
    }
}

/// What a stored blob is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    /// A fingerprint template.
    FingerTemplate,
    /// A fingerprint image (PNG).
    FingerImage,
    /// A face photo (JPEG or PNG).
    FaceImage,
}

impl BlobKind {
    /// The code used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            BlobKind::FingerTemplate => "plantilla_huella",
            BlobKind::FingerImage => "imagen_huella",
            BlobKind::FaceImage => "foto_rostro",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "plantilla_huella" => BlobKind::FingerTemplate,
            "imagen_huella" => BlobKind::FingerImage,
            "foto_rostro" => BlobKind::FaceImage,
            _ => return None,
        })
    }
}

/// A reference from a document to a content-addressed, encrypted blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    /// SHA-256 of the sealed blob, hex.
    pub hash: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// What it is.
    pub kind: BlobKind,
}

/// Why a finger could not be captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerException {
    /// Missing finger.
    Amputado,
    /// Bandaged or injured.
    Lesionado,
    /// Worn or unreadable print.
    Ilegible,
}

impl FingerException {
    /// The code used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            FingerException::Amputado => "amputado",
            FingerException::Lesionado => "lesionado",
            FingerException::Ilegible => "ilegible",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "amputado" => FingerException::Amputado,
            "lesionado" => FingerException::Lesionado,
            "ilegible" => FingerException::Ilegible,
            _ => return None,
        })
    }
}

/// One finger's capture: the best attempt so far, or an exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerCapture {
    /// Which finger.
    pub position: FingerPosition,
    /// Quality 0–100 of the kept attempt (0 with an exception).
    pub quality: u8,
    /// Attempts made.
    pub attempts: u8,
    /// The template blob.
    pub template: Option<BlobRef>,
    /// The image blob.
    pub image: Option<BlobRef>,
    /// Exception instead of a capture, with its free-text reason.
    pub exception: Option<(FingerException, String)>,
    /// When (UTC).
    pub captured_at: String,
    /// Officer.
    pub officer: String,
}

/// The face photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Face {
    /// The image blob.
    pub image: BlobRef,
    /// Quality 0–100.
    pub quality: u8,
    /// When (UTC).
    pub captured_at: String,
    /// Officer.
    pub officer: String,
}

/// A supervisor's decision on a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approved.
    Aprobar,
    /// Rejected (reason required).
    Rechazar,
    /// Sent back for recapture (reason required).
    Recapturar,
}

impl Decision {
    /// The code used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Aprobar => "aprobar",
            Decision::Rechazar => "rechazar",
            Decision::Recapturar => "recapturar",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "aprobar" => Decision::Aprobar,
            "rechazar" => Decision::Rechazar,
            "recapturar" => Decision::Recapturar,
            _ => return None,
        })
    }
}

/// A signed supervisor decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Approval id, unique within the record.
    pub id: String,
    /// Decision.
    pub decision: Decision,
    /// Reason (empty for an approval).
    pub reason: String,
    /// Supervisor's user name.
    pub supervisor: String,
    /// When (UTC).
    pub signed_at: String,
    /// Digest of the captures the decision covers (hex).
    pub capture_digest: String,
    /// The supervisor's Ed25519 signature over [`Approval::signed_message`] (hex).
    pub signature: String,
    /// Who vouches for the signer: see [`Signer`] (empty in approvals written before it).
    pub signer: Signer,
}

/// The proof a signed decision carries of who signed it: the signer's public key and the
/// deciding station's signed officer list at the time (so any station of the office can
/// check the signer's role against the office roster without holding that list). Both are
/// empty in decisions written before they were recorded: those are checked by the signer's
/// user name against the officer lists this station knows. Not part of the signed message
/// (the signature already binds the key; the list is signed by an administrator).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signer {
    /// The signer's Ed25519 public key (hex); empty: unknown (older decision).
    pub key: String,
    /// The deciding station's `SignedOfficerList` in its stored (JSON) form; empty for an
    /// office administrator, or in older decisions.
    pub officers: String,
}

impl Approval {
    /// The exact bytes a supervisor signs for a decision on record `record`.
    pub fn signed_message(&self, record: &RecordId) -> Vec<u8> {
        format!(
            "huella-aprobacion-v1\n{record}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.id,
            self.decision.as_str(),
            self.reason,
            self.supervisor,
            self.signed_at,
            self.capture_digest
        )
        .into_bytes()
    }
}

/// A 1:1 verification (proof of life, identity check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Verification id.
    pub id: String,
    /// Purpose (e.g. `supervivencia`).
    pub purpose: String,
    /// Finger used.
    pub finger: FingerPosition,
    /// Matcher score.
    pub score: u32,
    /// Whether it matched at the configured threshold.
    pub matched: bool,
    /// Officer.
    pub officer: String,
    /// When (UTC).
    pub at: String,
}

/// Biometric status of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BiometricStatus {
    /// Pre-registered, not yet captured.
    Pendiente,
    /// Captured, awaiting approval.
    Capturado,
    /// Approved by a supervisor.
    Aprobado,
    /// Rejected by a supervisor.
    Rechazado,
    /// Confirmed by the central office.
    Registrado,
    /// Procedures restricted for missing biometrics.
    Restringido,
}

impl BiometricStatus {
    /// All statuses.
    pub const ALL: [BiometricStatus; 6] = [
        BiometricStatus::Pendiente,
        BiometricStatus::Capturado,
        BiometricStatus::Aprobado,
        BiometricStatus::Rechazado,
        BiometricStatus::Registrado,
        BiometricStatus::Restringido,
    ];

    /// The code used in documents and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BiometricStatus::Pendiente => "pendiente",
            BiometricStatus::Capturado => "capturado",
            BiometricStatus::Aprobado => "aprobado",
            BiometricStatus::Rechazado => "rechazado",
            BiometricStatus::Registrado => "registrado",
            BiometricStatus::Restringido => "restringido",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    /// One byte for the store's status index.
    pub fn to_byte(self) -> u8 {
        self as u8
    }

    /// Inverse of [`BiometricStatus::to_byte`].
    pub fn from_byte(b: u8) -> Option<Self> {
        Self::ALL.get(usize::from(b)).copied()
    }
}

/// One entry of the status history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// New status.
    pub status: BiometricStatus,
    /// When (UTC).
    pub at: String,
    /// Who (officer user name, or `sistema`).
    pub by: String,
    /// Why (may be empty).
    pub reason: String,
}

/// Where an entry stands in a record's history: its time (UTC, to the second), then its
/// causal position. Two entries of one second compare in the order they were written when
/// one writer saw the other (the object's Lamport counter is above every operation its writer
/// had seen), and the same way on every replica when they were concurrent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Written {
    at: String,
    op: automerge::ObjId,
}

impl Written {
    /// The entry written at `at` as the object `op`.
    pub(crate) fn new(at: String, op: automerge::ObjId) -> Self {
        Written { at, op }
    }

    /// When (UTC, to the second).
    pub fn at(&self) -> &str {
        &self.at
    }
}
