//! `huella document acuse|constancia|verify`: prints signed documents (PDF and plain text)
//! and verifies them offline. `verify` prints one contract line, `documento válido: …` (exit
//! 0) or `documento inválido: MOTIVO` (exit 1, nothing on stderr).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use clap::Subcommand;

use crate::cli::AsUser;
use crate::commands::enroll::person_id;
use crate::commands::out;
use crate::commands::text::{contract, documents as words};
use crate::home::Home;
use crate::workflows::documents::verify::{self, Invalid, VerifyError};
use crate::workflows::documents::{self, PaperSize, SignedPayload, log, render};
use crate::workflows::session::Session;

/// Options of `huella document`.
#[derive(Debug, clap::Args)]
pub struct DocumentArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: DocumentAction,
}

/// The documents.
#[derive(Debug, Subcommand)]
pub enum DocumentAction {
    /// Prints an acuse by its folio (or the capture folio F-… that `huella enroll` printed:
    /// that record's latest acuse).
    #[command(
        after_help = "Ejemplo:\n  huella document acuse 0901-VENT-1-000012 --pdf acuse.pdf --txt acuse.txt \\\n    --as ana --passphrase-file ana.pass"
    )]
    Acuse {
        /// Folio of the acuse.
        folio: String,
        /// Where to write the PDF.
        #[arg(long, value_name = "F.pdf")]
        pdf: PathBuf,
        /// Where to write the plain-text copy.
        #[arg(long, value_name = "F.txt")]
        txt: Option<PathBuf>,
        /// Paper size: a4 or carta.
        #[arg(long, default_value = "a4")]
        paper: String,
        /// The officer printing it.
        #[command(flatten)]
        who: AsUser,
    },
    /// Issues a constancia de vigencia de derechos as of today and prints it.
    Constancia {
        /// CURP of the person.
        #[arg(long)]
        curp: String,
        /// Where to write the PDF.
        #[arg(long, value_name = "F.pdf")]
        pdf: PathBuf,
        /// Where to write the plain-text copy.
        #[arg(long, value_name = "F.txt")]
        txt: Option<PathBuf>,
        /// Paper size: a4 or carta.
        #[arg(long, default_value = "a4")]
        paper: String,
        /// The officer issuing it.
        #[command(flatten)]
        who: AsUser,
    },
    /// Verifies a document offline: a PDF or text file, a file holding a scanned QR code, or
    /// a verification code (a code is looked up in the station's records: give --as and
    /// --passphrase-file).
    Verify {
        /// FILE.pdf, FILE.txt or CODE (XXXX-XXXX-XXXX).
        what: String,
        /// Acting user (only to look up a code).
        #[arg(long = "as", value_name = "USER", requires = "passphrase_file")]
        user: Option<String>,
        /// File whose first line is the user's passphrase (only to look up a code).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
}

/// The verdict was printed on stdout; `main` exits 1 without another line.
#[derive(Debug, thiserror::Error)]
#[error("documento inválido")]
pub struct InvalidDocument;

/// Runs `huella document`.
pub fn run(home: &Home, args: DocumentArgs) -> Result<()> {
    match args.action {
        DocumentAction::Acuse {
            folio,
            pdf,
            txt,
            paper,
            who,
        } => {
            let size = paper_size(&paper)?;
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let issued = log::find_by_folio(&session, &folio)?;
            write(&session, &issued.signed, &pdf, txt.as_deref(), size)
        }
        DocumentAction::Constancia {
            curp,
            pdf,
            txt,
            paper,
            who,
        } => {
            let size = paper_size(&paper)?;
            let session = Session::open(home, &who.user, &who.passphrase_file)?;
            let id = person_id(&session, &curp)?;
            let signed = documents::constancia::issue(&session, id)?;
            write(&session, &signed, &pdf, txt.as_deref(), size)
        }
        DocumentAction::Verify {
            what,
            user,
            passphrase_file,
        } => {
            let verdict = if Path::new(&what).is_file() {
                verify::file(home, Path::new(&what))
            } else {
                let (Some(user), Some(pass)) = (user, passphrase_file) else {
                    return Err(anyhow!(words::code_needs_credentials()));
                };
                let session = Session::open(home, &user, &pass)?;
                verify::code(&session, &what)
            };
            report(verdict)
        }
    }
}

fn paper_size(given: &str) -> Result<PaperSize> {
    PaperSize::parse(given).ok_or_else(|| anyhow!(words::bad_paper(given)))
}

/// Writes the PDF (and the text copy) sealed by this station, one contract line each.
fn write(
    session: &Session,
    signed: &SignedPayload,
    pdf: &Path,
    txt: Option<&Path>,
    size: PaperSize,
) -> Result<()> {
    let station = &session.credential.station;
    let kind = signed.payload.kind.as_str();
    let code = signed.code();
    let bytes = render::pdf(signed, size, station)?;
    std::fs::write(pdf, bytes).with_context(|| words::not_written(pdf))?;
    out::line(contract::document_written(
        kind,
        &signed.payload.folio,
        pdf.display(),
        &code,
    ))?;
    if let Some(txt) = txt {
        std::fs::write(txt, render::text(signed, station))
            .with_context(|| words::not_written(txt))?;
        out::line(contract::document_written(
            kind,
            &signed.payload.folio,
            txt.display(),
            &code,
        ))?;
    }
    Ok(())
}

/// Prints the verdict: the valid line, or the invalid line and exit 1.
fn report(verdict: Result<SignedPayload, VerifyError>) -> Result<()> {
    match verdict {
        Ok(s) => {
            let p = &s.payload;
            out::line(contract::document_valid(
                p.kind.as_str(),
                &p.folio,
                &p.office,
                &p.station,
                &p.issued_at,
            ))?;
            Ok(())
        }
        Err(VerifyError::Invalid(reason)) => {
            out::line(contract::document_invalid(words::invalid(&reason)))?;
            Err(InvalidDocument.into())
        }
        Err(VerifyError::Read(e)) => {
            out::line(contract::document_invalid(words::invalid(
                &Invalid::NoDocument,
            )))?;
            tracing::warn!("document not readable: {e}");
            Err(InvalidDocument.into())
        }
        Err(e) => Err(e.into()),
    }
}
