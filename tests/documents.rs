//! Signed documents through the real binary: an office of stations A, B and C (B and C
//! joined by invite) and a station X of another office. The acuses of an enrollment made on A
//! (submission, approval) verify on B with A's peer server down after one sync; a copy with
//! one changed byte fails; the QR code decoded from the rendered page verifies; a typed code
//! is found in B's synced records; a document of office 0902 fails; C's constancia issued
//! before C's revocation verifies and the one after does not. Needs poppler-utils
//! (`pdftotext`, `pdftoppm`), installed by `.ci/run`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{admin, huella, import, init_station, join_station, ok, s, spawn};

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

/// The QR code of the PDF's first page, rendered by `pdftoppm` at 300 dpi (a flatbed scan's
/// resolution) and decoded by rqrr.
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

/// `YYYY-MM-DD` of today (UTC) plus `days`.
fn days_from_today(days: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let (y, m, d) = huella_sync::time::civil_from_days(secs as i64 / 86_400 + days);
    format!("{y:04}-{m:02}-{d:02}")
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
    init_station(&a, "0901", "A", &pass);
    join_station(dir, &a, &b, "B", &pass, "admin");
    join_station(dir, &a, &c, "C", &pass, "admin");
    init_station(&x, "0902", "X", &pass);

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

    // A movement on A: its acuse has the movement's folio.
    let worker = import(&a, dir, "6", &pass);
    let out = ok(&admin(
        &a,
        &pass,
        &[
            "movement",
            "salario",
            "--curp",
            &worker,
            "--salary",
            "612.50",
            "--date",
            &days_from_today(-1),
        ],
    ));
    let movement_folio = out
        .lines()
        .find_map(|l| l.strip_prefix("movimiento registrado: modificacion_salario, folio "))
        .expect("movement line")
        .to_owned();
    let movement_pdf = dir.join("movimiento.pdf");
    ok(&admin(
        &a,
        &pass,
        &[
            "document",
            "acuse",
            &movement_folio,
            "--pdf",
            s(&movement_pdf),
        ],
    ));
    let text = pdf_text(&movement_pdf);
    assert!(
        text.contains("Movimiento afiliatorio") && text.contains("612.50"),
        "{text}"
    );

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
    assert!(
        valid(&b, s(&movement_pdf))
            .contains(&format!("acuse {movement_folio}, oficina 0901, estación A"))
    );
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

#[test]
fn a_constancia_keeps_rights_eight_weeks_after_a_baja_with_ten_weeks_of_contributions() {
    let d = tempfile::tempdir().expect("tmp");
    let dir = d.path();
    let a = dir.join("a");
    let pass = dir.join("pass");
    std::fs::write(&pass, "clave-de-prueba-constancia\n").expect("pass");
    init_station(&a, "0901", "A", &pass);
    // Two workers whose alta is 13 and 19 weeks ago; each leaves after 10 weeks.
    let csv = dir.join("people.csv");
    ok(&huella(
        &a,
        &[
            "sample",
            "csv",
            "--people",
            "2",
            "--seed",
            "31",
            "--out",
            s(&csv),
        ],
    ));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut curps = Vec::new();
    for (row, weeks_ago) in [(1, 13), (2, 19)] {
        let mut fields: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
        fields[11] = days_from_today(-7 * weeks_ago);
        curps.push(fields[0].clone());
        lines[row] = fields.join(",");
    }
    std::fs::write(&csv, lines.join("\n") + "\n").expect("write");
    ok(&admin(&a, &pass, &["import", s(&csv)]));
    let constancia = |curp: &str, weeks_since_baja: i64| {
        ok(&admin(
            &a,
            &pass,
            &[
                "movement",
                "baja",
                "--curp",
                curp,
                "--date",
                &days_from_today(-7 * weeks_since_baja),
                "--reason",
                "renuncia",
            ],
        ));
        let pdf = dir.join(format!("{curp}.pdf"));
        let txt = dir.join(format!("{curp}.txt"));
        ok(&admin(
            &a,
            &pass,
            &[
                "document",
                "constancia",
                "--curp",
                curp,
                "--pdf",
                s(&pdf),
                "--txt",
                s(&txt),
            ],
        ));
        valid(&a, s(&pdf));
        (pdf_text(&pdf), std::fs::read_to_string(&txt).expect("txt"))
    };
    let (three, three_txt) = constancia(&curps[0], 3);
    assert!(
        three_txt.contains("Vigencia de derechos: VIGENTE\n"),
        "{three_txt}"
    );
    assert!(
        three_txt.contains("art. 109 de la Ley del Seguro Social"),
        "{three_txt}"
    );
    assert!(three.contains("Vigente hasta"), "{three}");
    assert!(
        three_txt.contains("Semanas cotizadas antes de la baja: 10\n"),
        "{three_txt}"
    );
    let (nine, nine_txt) = constancia(&curps[1], 9);
    assert!(
        nine_txt.contains("Vigencia de derechos: NO VIGENTE\n"),
        "{nine_txt}"
    );
    assert!(nine.contains("NO VIGENTE"), "{nine}");
}
