//! Signed documents through the real binary: an office of stations A, B and C (B and C
//! joined by invite) and a station X of another office. The acuses of an enrollment made on A
//! (submission, approval) verify on B with A's peer server down after one sync; a copy with
//! one changed byte fails; the QR code decoded from the rendered page verifies; a typed code
//! is found in B's synced records; a document of office 0902 fails; C's constancia issued
//! before C's revocation verifies and the one after does not. Needs poppler-utils
//! (`pdftotext`, `pdftoppm`), installed by `.ci/run`.

mod common;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{admin, huella, import, ok, s};

/// A running child process (simulator or peer server); killed when dropped.
struct Running {
    child: Child,
    first: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(home: &Path, args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huella"))
        .env("HUELLA_KDF_LOG_N", "12")
        .arg("--home")
        .arg(home)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let first = std::io::BufReader::new(out)
        .lines()
        .next()
        .and_then(Result::ok)
        .expect("first line");
    Running { child, first }
}

fn init(home: &Path, office: &str, station: &str, pass: &Path) {
    ok(&huella(
        home,
        &[
            "init",
            "--office",
            office,
            "--station",
            station,
            "--admin",
            "admin",
            "--passphrase-file",
            s(pass),
        ],
    ));
}

fn join(dir: &Path, a: &Path, home: &Path, station: &str, pass: &Path) {
    let inv_pass = dir.join("inv.pass");
    std::fs::write(&inv_pass, "clave-de-la-invitacion\n").expect("pass");
    let invite = dir.join(format!("{station}.invite"));
    ok(&admin(
        a,
        pass,
        &[
            "sync",
            "invite",
            "--station",
            station,
            "--out",
            s(&invite),
            "--invite-passphrase-file",
            s(&inv_pass),
        ],
    ));
    ok(&huella(
        home,
        &[
            "init",
            "--join",
            s(&invite),
            "--invite-passphrase-file",
            s(&inv_pass),
            "--admin",
            "admin",
            "--passphrase-file",
            s(pass),
        ],
    ));
}

/// One sync round of `home` with the peer server of `from` (started and stopped here).
fn sync_from(from: &Path, home: &Path, pass: &Path) {
    let serving = spawn(
        from,
        &[
            "sync",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--as",
            "admin",
            "--passphrase-file",
            s(pass),
        ],
    );
    let addr = serving
        .first
        .strip_prefix("escuchando en ")
        .expect("listening line")
        .to_owned();
    ok(&admin(
        home,
        pass,
        &["sync", "--peer", &addr, "--attempts", "1"],
    ));
}

fn verify(home: &Path, what: &str) -> Output {
    huella(home, &["document", "verify", what])
}

/// The verdict line of a verification that must have succeeded.
fn valid(home: &Path, what: &str) -> String {
    let out = ok(&verify(home, what));
    assert!(out.starts_with("documento válido: "), "{out}");
    out.trim().to_owned()
}

/// The verdict line of a verification that must have failed (exit 1, nothing on stderr).
fn invalid(home: &Path, what: &str) -> String {
    let o = verify(home, what);
    let out = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("documento inválido: "), "{out}");
    out
}

fn tool(name: &str, args: &[&str]) {
    let o = Command::new(name).args(args).output().expect(name);
    assert!(
        o.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The text of a PDF, as `pdftotext` reads it.
fn pdf_text(pdf: &Path) -> String {
    let txt = pdf.with_extension("pdftext");
    tool("pdftotext", &["-layout", s(pdf), s(&txt)]);
    std::fs::read_to_string(txt).expect("text")
}

/// The QR code of the PDF's first page, rendered by `pdftoppm` and decoded by rqrr.
fn qr_of(pdf: &Path) -> String {
    let prefix = pdf.with_extension("page");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            s(pdf),
            s(&prefix),
        ],
    );
    let png = PathBuf::from(format!("{}.png", s(&prefix)));
    let img = image::open(&png).expect("png").to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    grids[0].decode().expect("decodes").1
}

/// The value of `folio F` / `código C` in a `… escrito en …` line.
fn written(out: &str) -> (String, String) {
    let line = out.lines().next().expect("a written line");
    let folio = line.split_whitespace().nth(1).expect("folio").to_owned();
    let code = line
        .rsplit("(código ")
        .next()
        .and_then(|r| r.strip_suffix(')'))
        .expect("code")
        .to_owned();
    (folio, code)
}

fn staff(home: &Path, dir: &Path, pass: &Path) -> PathBuf {
    let ana = dir.join("ana.pass");
    std::fs::write(&ana, "clave-de-ana-2026\n").expect("write");
    ok(&admin(
        home,
        pass,
        &[
            "officer",
            "add",
            "ana",
            "--role",
            "officer",
            "--new-passphrase-file",
            s(&ana),
        ],
    ));
    ok(&admin(
        home,
        pass,
        &["policy", "set", "--approval-without-finger", "true"],
    ));
    ana
}

#[test]
fn acuses_and_constancias_verify_offline_across_the_office_and_fail_when_they_should() {
    let d = tempfile::tempdir().expect("tmp");
    let dir = d.path();
    let (a, b, c, x) = (dir.join("a"), dir.join("b"), dir.join("c"), dir.join("x"));
    let pass = dir.join("pass");
    std::fs::write(&pass, "clave-de-prueba-documentos\n").expect("pass");
    init(&a, "0901", "A", &pass);
    join(dir, &a, &b, "B", &pass);
    join(dir, &a, &c, "C", &pass);
    init(&x, "0902", "X", &pass);

    // An enrollment on A: the officer submits, the administrator approves.
    let ana = staff(&a, dir, &pass);
    let curp = import(&a, dir, "7", &pass);
    let scanner = spawn(&a, &["sim", "scanner", "--synthetic", "42", "--unpaced"]);
    let camera = spawn(&a, &["sim", "camera", "--unpaced"]);
    let scanner_pty = scanner.first.strip_prefix("PTY ").expect("pty").to_owned();
    let camera_pty = camera.first.strip_prefix("PTY ").expect("pty").to_owned();
    let out = ok(&huella(
        &a,
        &[
            "enroll",
            "--curp",
            &curp,
            "--scanner",
            &scanner_pty,
            "--camera",
            &camera_pty,
            "--consent",
            "--as",
            "ana",
            "--passphrase-file",
            s(&ana),
        ],
    ));
    let capture_folio = out
        .lines()
        .find_map(|l| l.strip_prefix("enviado a aprobación: folio "))
        .and_then(|r| r.split(',').next())
        .expect("capture folio")
        .to_owned();
    drop((scanner, camera));

    // The submission's acuse, re-printed on A by the capture folio: PDF and text.
    let pdf = dir.join("envio.pdf");
    let txt = dir.join("envio.txt");
    let out = ok(&admin(
        &a,
        &pass,
        &[
            "document",
            "acuse",
            &capture_folio,
            "--pdf",
            s(&pdf),
            "--txt",
            s(&txt),
        ],
    ));
    let (submission_folio, _) = written(&out);
    assert!(submission_folio.starts_with("0901-A-"), "{out}");
    let text = pdf_text(&pdf);
    for needle in [
        "Acuse de recibo",
        "Captura biométrica enviada a aprobación",
        &curp,
        &submission_folio,
        "Dedos capturados",
        "10 de 10",
        "Oficial",
        "ana",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }

    // Approval (another user than the one who captured): its own acuse.
    let queue = ok(&admin(&a, &pass, &["review", "list"]));
    let id = queue
        .lines()
        .find(|l| l.contains(&curp))
        .and_then(|l| l.split('\t').next())
        .expect("queued")
        .to_owned();
    ok(&admin(&a, &pass, &["review", "approve", &id]));
    let approval_pdf = dir.join("aprobacion.pdf");
    let out = ok(&admin(
        &a,
        &pass,
        &[
            "document",
            "acuse",
            &capture_folio,
            "--pdf",
            s(&approval_pdf),
        ],
    ));
    let (approval_folio, approval_code) = written(&out);
    assert_ne!(approval_folio, submission_folio);
    let text = pdf_text(&approval_pdf);
    assert!(text.contains("Captura biométrica aprobada"), "{text}");
    assert!(text.contains("Supervisor"), "{text}");

    // B syncs once with A, then A's server is gone: B verifies everything offline.
    sync_from(&a, &b, &pass);
    let line = valid(&b, s(&pdf));
    assert_eq!(
        line,
        format!(
            "documento válido: acuse {submission_folio}, oficina 0901, estación A, emitido {}",
            line.rsplit("emitido ").next().expect("date")
        )
    );
    valid(&b, s(&txt));
    // The QR code read off the rendered page verifies on its own.
    let scanned = dir.join("qr.txt");
    std::fs::write(&scanned, qr_of(&approval_pdf)).expect("write");
    assert!(valid(&b, s(&scanned)).contains(&approval_folio));
    // A typed code is looked up in B's records (synced from A).
    let o = huella(
        &b,
        &[
            "document",
            "verify",
            &approval_code.to_lowercase(),
            "--as",
            "admin",
            "--passphrase-file",
            s(&pass),
        ],
    );
    assert!(ok(&o).contains(&approval_folio));
    let o = huella(
        &b,
        &[
            "document",
            "verify",
            "ZZZZ-ZZZZ-ZZZZ",
            "--as",
            "admin",
            "--passphrase-file",
            s(&pass),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("documento inválido: ningún documento"));
    // B re-prints the acuse under its own seal; it still verifies as A's document.
    let reprint = dir.join("reimpreso.pdf");
    ok(&admin(
        &b,
        &pass,
        &["document", "acuse", &approval_folio, "--pdf", s(&reprint)],
    ));
    assert!(valid(&a, s(&reprint)).contains("estación A"));

    // One changed byte, in the page content or in the signed token, fails.
    let bytes = std::fs::read(&pdf).expect("pdf");
    let at = bytes
        .windows(4)
        .position(|w| w == b"/Pag")
        .expect("a page object");
    let mut changed = bytes.clone();
    changed[at + 1] = b'Q';
    let tampered = dir.join("alterado.pdf");
    std::fs::write(&tampered, &changed).expect("write");
    assert!(invalid(&b, s(&tampered)).contains("alterado"));
    let mut text_bytes = std::fs::read(&txt).expect("txt");
    let t = text_bytes
        .windows(4)
        .position(|w| w == b"HD1.")
        .expect("token");
    text_bytes[t + 10] = if text_bytes[t + 10] == b'A' {
        b'B'
    } else {
        b'A'
    };
    std::fs::write(&tampered, &text_bytes).expect("write");
    invalid(&b, s(&tampered));

    // A document of another office fails, as does any of its tokens.
    let other = import(&x, dir, "8", &pass);
    let x_pdf = dir.join("x.pdf");
    ok(&admin(
        &x,
        &pass,
        &[
            "document",
            "constancia",
            "--curp",
            &other,
            "--pdf",
            s(&x_pdf),
        ],
    ));
    valid(&x, s(&x_pdf));
    assert!(invalid(&b, s(&x_pdf)).contains("oficina 0902"));

    // C issues a constancia, is revoked, then issues another (it does not know yet).
    let c_person = import(&c, dir, "9", &pass);
    let before = dir.join("c-antes.pdf");
    let after = dir.join("c-despues.pdf");
    let constancia = |file: &Path| {
        ok(&admin(
            &c,
            &pass,
            &[
                "document",
                "constancia",
                "--curp",
                &c_person,
                "--pdf",
                s(file),
            ],
        ))
    };
    let out = constancia(&before);
    assert!(out.starts_with("constancia 0901-C-"), "{out}");
    let text = pdf_text(&before);
    assert!(
        text.contains("Constancia de vigencia de derechos"),
        "{text}"
    );
    assert!(
        text.contains("VIGENTE") && text.contains("alta vigente"),
        "{text}"
    );
    // Timestamps have whole seconds: the revocation must come in a later second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(&admin(&a, &pass, &["sync", "roster", "revoke", "C"]));
    constancia(&after);
    sync_from(&a, &b, &pass);
    valid(&b, s(&before));
    assert!(invalid(&b, s(&after)).contains("revocada"));

    // English words the reason; the verdict's prefix stays the contract's.
    let o = huella(&b, &["--lang", "en", "document", "verify", s(&after)]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("documento inválido: station C was revoked"),
        "{out}"
    );
}
