//! Signed documents the office hands to a person: the acuse (receipt of an enrollment
//! submission, an approval or a movement) and the constancia de vigencia de derechos. Each is
//! a payload signed by the issuing station's key ([`payload`]), printed as a PDF page with a
//! QR code of the signed token ([`pdf`], [`qr`]) and as plain text, both sealed by a second
//! station signature over the whole file so that one changed byte anywhere fails
//! ([`render`]); any station of the office verifies them offline from the office roster's
//! station keys ([`verify`]).
//!
//! Issued documents are kept in the person's record ([`log`]): they sync with it to every
//! station of the office (so `document acuse FOLIO` re-prints and a bare code verifies on
//! any of them after a sync) and an ARCO access report lists them. This module issues,
//! stores, finds and checks; it prints nothing but the documents themselves, whose Spanish
//! wording is document content ([`wording`]), not interface text.

pub mod acuse;
pub mod constancia;
pub mod log;
pub mod payload;
pub mod pdf;
pub mod qr;
pub mod render;
pub mod verify;
pub mod wording;

use huella_sync::{RecordError, StoreError};

pub use payload::{DocumentKind, Payload, SignedPayload};
pub use pdf::PaperSize;

/// Why a document could not be issued, found or printed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The store failed.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// The record document failed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// No person with that CURP.
    #[error("ninguna persona con esa CURP")]
    UnknownCurp,
    /// No document with that folio (or code) at this station.
    #[error("ningún documento con el folio {0} en esta estación")]
    UnknownFolio(String),
    /// A stored document whose token does not parse.
    #[error("el documento {0} guardado está dañado")]
    Damaged(String),
    /// No folio could be allocated.
    #[error("no se pudo asignar folio: {0}")]
    Folio(String),
    /// The PDF could not be written.
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// The QR code could not be made.
    #[error(transparent)]
    Qr(#[from] qr::QrError),
}

impl From<StoreError> for DocumentError {
    fn from(e: StoreError) -> Self {
        DocumentError::Store(Box::new(e))
    }
}

/// A document issued and stored: its signed payload and where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The signed payload.
    pub signed: SignedPayload,
    /// The person's record.
    pub record: huella_sync::RecordId,
}

impl Issued {
    /// The folio.
    pub fn folio(&self) -> &str {
        &self.signed.payload.folio
    }

    /// The verification code.
    pub fn code(&self) -> String {
        self.signed.code()
    }
}
