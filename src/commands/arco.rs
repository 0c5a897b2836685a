//! `huella arco file|access|rectify|cancel|oppose|list`: the ARCO rights from the shell.
//! Each right answers a filed request (`--folio`) or files and answers one at once (the
//! requester's `--identification` is then required). Who may do what is the workflow's
//! rule (docs/privacy.md).

use std::path::{Path, PathBuf};

use anyhow::Result;
use huella_sync::record::privacy::ArcoRight;

use crate::cli::AsUser;
use crate::commands::out;
use crate::commands::text::CliError;
use crate::commands::text::arco::{self as words, ArcoCliError};
use crate::home::Home;
use crate::workflows::arco::oppose::SecondaryUse;
use crate::workflows::arco::rectify::Field;
use crate::workflows::arco::{self, RequestRef, access, cancel, oppose, rectify};
use crate::workflows::session::Session;

/// Options of `huella arco`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Ejemplos:\n  huella arco file --curp C --right cancelacion --identification \"INE 1234567890\" --as ana --passphrase-file ana.pass\n  huella arco access --curp C --out /media/usb --identification \"INE 1234567890\" --as ana --passphrase-file ana.pass\n  huella arco cancel --curp C --reason \"retira su consentimiento\" --folio ARCO-20261204-1A2B3C --as sup --passphrase-file sup.pass\n  huella arco list --as ana --passphrase-file ana.pass"
)]
pub struct ArcoArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ArcoAction,
}

/// Which request a right answers.
#[derive(Debug, clap::Args)]
pub struct RequestOptions {
    /// Folio of a request filed before with `huella arco file`.
    #[arg(long)]
    pub folio: Option<String>,
    /// Who asks, when not the person themself (a legal representative).
    #[arg(long)]
    pub requester: Option<String>,
    /// The identification shown (kind and number), for a request made now.
    #[arg(long, value_name = "DOC")]
    pub identification: Option<String>,
}

impl RequestOptions {
    fn request(&self) -> Result<RequestRef, arco::ArcoError> {
        RequestRef::from_options(
            self.folio.as_deref(),
            self.requester.as_deref(),
            self.identification.as_deref(),
        )
    }
}

/// ARCO subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ArcoAction {
    /// Files a request (any officer): prints its folio and legal deadline.
    File {
        /// The person's CURP.
        #[arg(long)]
        curp: String,
        /// acceso, rectificacion, cancelacion or oposicion.
        #[arg(long)]
        right: String,
        /// Who asks, when not the person themself.
        #[arg(long, default_value = "")]
        requester: String,
        /// The identification shown (kind and number).
        #[arg(long, value_name = "DOC")]
        identification: String,
        /// The officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Access: writes CURP.json and CURP.pdf with everything held about the person.
    Access {
        /// The person's CURP.
        #[arg(long)]
        curp: String,
        /// Folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The request answered.
        #[command(flatten)]
        request: RequestOptions,
        /// The officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Rectification of one identity field (CURP and NSS: supervisors).
    Rectify {
        /// The person's CURP (current or former).
        #[arg(long)]
        curp: String,
        /// curp, nss, rfc, nombre, primer_apellido, segundo_apellido, fecha_nacimiento,
        /// sexo or entidad.
        #[arg(long)]
        field: String,
        /// The corrected value.
        #[arg(long)]
        value: String,
        /// Why (kept in the history).
        #[arg(long)]
        reason: String,
        /// The request answered.
        #[command(flatten)]
        request: RequestOptions,
        /// The officer or supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// Cancellation: erases the person's biometrics everywhere (supervisors); identity and
    /// movements are kept.
    Cancel {
        /// The person's CURP.
        #[arg(long)]
        curp: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// The request answered.
        #[command(flatten)]
        request: RequestOptions,
        /// The supervisor.
        #[command(flatten)]
        who: AsUser,
    },
    /// Opposition to a secondary use: employer_report, photo_on_documents or
    /// fingerprint_proof_of_life.
    Oppose {
        /// The person's CURP.
        #[arg(long)]
        curp: String,
        /// The use opposed.
        #[arg(long = "use", value_name = "USE")]
        use_code: String,
        /// The request answered.
        #[command(flatten)]
        request: RequestOptions,
        /// The officer.
        #[command(flatten)]
        who: AsUser,
    },
    /// Open requests, most urgent first: `FOLIO<TAB>DERECHO<TAB>CURP<TAB>vence FECHA<TAB>días
    /// hábiles N`.
    List {
        /// Print a JSON array instead.
        #[arg(long)]
        json: bool,
        /// The officer.
        #[command(flatten)]
        who: AsUser,
    },
}

/// Runs `huella arco …`.
pub fn run(home: &Home, args: ArcoArgs) -> Result<()> {
    match args.action {
        ArcoAction::File {
            curp,
            right,
            requester,
            identification,
            who,
        } => {
            let right = ArcoRight::parse(&right).ok_or(ArcoCliError::Right(right))?;
            let session = open(home, &who)?;
            let req = arco::file(&session, &curp, right, &requester, &identification)?;
            out::line(words::filed(&req.folio, right.as_str(), &req.deadline))?;
        }
        ArcoAction::Access {
            curp,
            out: dir,
            request,
            who,
        } => {
            let r = request.request()?;
            let session = open(home, &who)?;
            let report = access::access(home, &session, &curp, &r)?;
            let files = write_access(&dir, &report)?;
            out::line(words::answered(&report.folio))?;
            for f in &files {
                out::line(words::wrote(f))?;
            }
        }
        ArcoAction::Rectify {
            curp,
            field,
            value,
            reason,
            request,
            who,
        } => {
            let f = Field::parse(&field).ok_or(ArcoCliError::Field(field))?;
            let r = request.request()?;
            let session = open(home, &who)?;
            let done = rectify::rectify(&session, &curp, f, &value, &reason, &r)?;
            out::line(words::answered(&done.request.folio))?;
            out::line(words::rectified(
                &done.entry.field,
                &done.entry.old,
                &done.entry.new,
            ))?;
        }
        ArcoAction::Cancel {
            curp,
            reason,
            request,
            who,
        } => {
            let r = request.request()?;
            let session = open(home, &who)?;
            let done = cancel::cancel(&session, &curp, &reason, &r)?;
            out::line(words::answered(&done.request.folio))?;
            out::line(words::cancelled(
                done.fingers,
                done.face,
                &done.kept.to_hex(),
            ))?;
            out::line(words::kept_by_law())?;
        }
        ArcoAction::Oppose {
            curp,
            use_code,
            request,
            who,
        } => {
            let u = SecondaryUse::parse(&use_code).ok_or(ArcoCliError::Use(use_code))?;
            let r = request.request()?;
            let session = open(home, &who)?;
            let req = oppose::oppose(&session, &curp, u, &r)?;
            out::line(words::answered(&req.folio))?;
            out::line(words::opposed(u.code()))?;
        }
        ArcoAction::List { json, who } => {
            let session = open(home, &who)?;
            let items = arco::list(&session)?;
            if json {
                out::line(serde_json::to_string_pretty(&items)?)?;
            } else if items.is_empty() {
                out::line(words::none_open())?;
            } else {
                for q in &items {
                    out::line(words::list_item(
                        &q.folio,
                        &q.derecho,
                        &q.curp,
                        &q.vence,
                        q.dias_habiles_restantes,
                    ))?;
                }
            }
        }
    }
    Ok(())
}

fn open(home: &Home, who: &AsUser) -> Result<Session> {
    Ok(Session::open(home, &who.user, &who.passphrase_file)?)
}

/// Writes `CURP.json` and `CURP.pdf` into `dir` (created 0700 when absent), owner only;
/// returns the paths written.
fn write_access(dir: &Path, report: &access::AccessReport) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        crate::file_modes::create_private_dir(dir).map_err(|_| CliError::Write {
            path: dir.to_path_buf(),
        })?;
    }
    let curp = &report.identidad.curp;
    let json_path = dir.join(format!("{curp}.json"));
    let json = serde_json::to_vec_pretty(report)?;
    crate::file_modes::write_private(&json_path, &json).map_err(|_| CliError::Write {
        path: json_path.clone(),
    })?;
    let pdf = crate::workflows::documents::pdf::render(
        &words::access_pdf(report),
        crate::workflows::documents::PaperSize::default(),
    )?;
    let pdf_path = dir.join(format!("{curp}.pdf"));
    crate::file_modes::write_private(&pdf_path, &pdf).map_err(|_| CliError::Write {
        path: pdf_path.clone(),
    })?;
    Ok(vec![json_path, pdf_path])
}
