//! `--lang en` is English on every console screen: each screen (with its help overlay) is
//! rendered in English with typical data and must contain no sentence of the Spanish table
//! (strings identical in both languages, like "CURP", are not Spanish), no Spanish finger
//! name and no Spanish device message.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huella::console::msg::{
    DeskEvent, DeviceEvent, DeviceProblem, SyncProblem, SyncStatus, WorkerEvent,
};
use huella::console::state::{
    App, DecisionPrompt, DraftRow, EnrollState, EnrollStep, HomeOverview, PendingRow, PersonFile,
    Phase, ReviewState, Screen, SecretInput, Slot, UserInfo,
};
use huella::console::sync_config::SyncConfigError;
use huella::console::{Keymap, Lang, update, view};
use huella::workflows::central::verdict::CentralMark;
use huella::workflows::lookup::PersonSummary;
use huella::workflows::overview::{PendingList, RecaptureRow, StatusCount};
use huella::workflows::person::{MovementRow, ProofRow, ReceiptRow, StatusRow};
use huella::workflows::review::{QueueItem, Review};
use huella::workflows::types::{
    BiometricStatus, CentralOutcome, Decision, DeviceErrorKind, FingerPosition, Identity,
    MovementKind, RecordId, Role,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// `field: "value"` pairs of a strings table, from its `Debug` form.
fn values(table: &impl std::fmt::Debug) -> Vec<String> {
    let text = format!("{table:?}");
    text.split(": \"")
        .skip(1)
        .filter_map(|rest| {
            let mut out = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.push(chars.next()?),
                    '"' => return Some(out),
                    c => out.push(c),
                }
            }
            None
        })
        .collect()
}

/// Spanish text that must not appear on an English screen.
fn spanish() -> Vec<String> {
    let mut english = values(Lang::En.strings());
    english.extend(values(Lang::En.arco()));
    english.extend(values(Lang::En.mv()));
    english.extend(values(Lang::En.central()));
    let mut es = values(Lang::Es.strings());
    es.extend(values(Lang::Es.arco()));
    es.extend(values(Lang::Es.mv()));
    es.extend(values(Lang::Es.central()));
    let mut out: Vec<String> = es
        .into_iter()
        .filter(|s| !english.contains(s) && s.chars().count() > 3)
        .collect();
    out.extend(
        FingerPosition::ALL
            .iter()
            .map(|f| Lang::Es.finger(*f).to_owned()),
    );
    out.push(
        Lang::Es
            .device_problem(DeviceProblem::Device(DeviceErrorKind::PoorImage))
            .to_owned(),
    );
    out
}

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| view::render(app, f)).expect("draw");
    t.backend().to_string()
}

fn desk(app: &mut App, ev: DeskEvent) {
    let _ = update::on_event(app, WorkerEvent::Desk(Box::new(ev)));
}

fn summary(status: &str) -> PersonSummary {
    PersonSummary {
        id: RecordId([7; 16]).to_hex(),
        curp: "RUVP650109MMSZRT34".into(),
        nss: "49186509623".into(),
        rfc: "RUVP650109N92".into(),
        nombre: "Patricia".into(),
        primer_apellido: "Ruiz".into(),
        segundo_apellido: "Vargas".into(),
        fecha_nacimiento: "1965-01-09".into(),
        sexo: "M".into(),
        entidad: "MS".into(),
        estado_biometrico: status.into(),
        registro_patronal: Some("P8450720302".into()),
    }
}

fn logged_in(role: Role) -> App {
    let mut app = App::new(Lang::En, Keymap::default(), Instant::now());
    app.station.office = "0901".into();
    app.station.station = "DEMO-1".into();
    desk(
        &mut app,
        DeskEvent::LoggedIn(UserInfo {
            user: "ana".into(),
            role,
        }),
    );
    desk(
        &mut app,
        DeskEvent::Home(Ok(Box::new(HomeOverview {
            people: 3,
            counts: BiometricStatus::ALL
                .iter()
                .map(|s| StatusCount {
                    status: *s,
                    count: 1,
                })
                .collect(),
            drafts: vec![DraftRow {
                id: RecordId([1; 16]),
                name: "Patricia Ruiz Vargas".into(),
                fingers: 4,
            }],
            recaptures: vec![RecaptureRow {
                id: RecordId([2; 16]),
                name: "Luis Núñez Cabrera".into(),
                curp: "NUCL730911HSPXBS93".into(),
                fingers: vec![FingerPosition::RightMiddle],
                reason: "blurred".into(),
                by: "beto".into(),
                at: "2026-12-04T10:00:00Z".into(),
            }],
            backlog: 1,
            oldest_waiting: Some("2026-12-04T09:00:00Z".into()),
            last_sync: Some("2026-12-04T08:00:00Z".into()),
            restriction: Default::default(),
        }))),
    );
    app.wall = "2026-12-04T12:00:00Z".into();
    app
}

fn person_file(status: &str) -> PersonFile {
    PersonFile {
        summary: summary(status),
        movements: vec![MovementRow {
            kind: MovementKind::Alta,
            date: "2018-09-25".into(),
            employer: "P8450720302".into(),
            folio: None,
            officer: "admin".into(),
            recorded_at: "2026-01-01T10:00:00Z".into(),
            before: None,
            after: Some("315.04 permanente".into()),
            unverified: false,
        }],
        history: vec![
            StatusRow {
                status: BiometricStatus::Pendiente,
                at: "2026-01-01T10:00:00Z".into(),
                by: "admin".into(),
                reason: "captura completa".into(),
                unverified: false,
            },
            StatusRow {
                status: BiometricStatus::Rechazado,
                at: "2026-01-02T10:00:00Z".into(),
                by: "beto".into(),
                reason: "rechazado: blurred".into(),
                unverified: false,
            },
        ],
        receipts: vec![ReceiptRow {
            folio: "F-0707070707".into(),
            decision: Decision::Rechazar,
            supervisor: "beto".into(),
            signed_at: "2026-01-02T10:00:00Z".into(),
            code: "ABCDEF012345".into(),
            verified: true,
        }],
        fingers: 10,
        face: true,
        consent: Some("aviso-privacidad-2026.1".into()),
        verifications: vec![ProofRow {
            at: "2026-03-01T09:00:00Z".into(),
            finger: FingerPosition::RightIndex,
            score: 712,
            matched: true,
            officer: "ana".into(),
        }],
        proof_finger: Some(FingerPosition::RightIndex),
        restriction: None,
        central: None,
        biometrics_erased_on: None,
    }
}

/// A person file whose newest central verdict is `outcome`, verified here.
fn centrally_judged(outcome: CentralOutcome) -> PersonFile {
    let mut file = person_file(if outcome == CentralOutcome::Registrado {
        "registrado"
    } else {
        "aprobado"
    });
    file.central = Some(CentralMark {
        outcome,
        check: Ok(()),
        signed_at: "2026-12-04T21:00:00Z".into(),
        office: "CENTRAL".into(),
        station: "C1".into(),
        supervisor: String::new(),
        matches: vec![],
    });
    file
}

fn enroll(step: EnrollStep) -> EnrollState {
    let mut fingers = [Slot::default(); 10];
    fingers[0] = Slot {
        quality: Some(80),
        attempts: 1,
        exception: None,
        done: true,
    };
    EnrollState {
        id: RecordId([7; 16]),
        name: "Patricia Ruiz Vargas".into(),
        curp: "RUVP650109MMSZRT34".into(),
        nss: "49186509623".into(),
        birth: "1965-01-09".into(),
        step,
        fingers,
        current: 1,
        phase: Phase::Low,
        last_image: None,
        last_quality: Some(Ok(31)),
        exception: None,
        face: None,
        photo: None,
        face_saved: false,
        duplicates: Some(Vec::new()),
        folio: Some("F-0707070707".into()),
        recapture: vec![FingerPosition::RightIndex],
        accept_photo: false,
    }
}

/// Every screen in English.
/// An open national duplicate case: a person of office 0902 matching one of 0901.
fn national_case() -> huella::workflows::central::cases::Case {
    use huella::workflows::central::cases::{Case, CasePerson};
    let person = |id: &str, curp: &str, name: &str, office: &str| CasePerson {
        id: RecordId::parse(id).expect("id"),
        curp: curp.into(),
        name: name.into(),
        office: office.into(),
        status: BiometricStatus::Aprobado,
    };
    Case {
        id: RecordId::parse("0123456789abcdef0123456789abcdef").expect("id"),
        person: person(
            "0123456789abcdef0123456789abcdef",
            "GOPA800101HDFRRL09",
            "Alejandro González Pérez",
            "0902",
        ),
        opened_at: "2026-12-04T10:00:00Z".into(),
        matches: vec![(
            person(
                "fedcba9876543210fedcba9876543210",
                "GOPA800101HDFRRL01",
                "Alejandro Gonzalez Perez",
                "0901",
            ),
            huella_sync::record::CentralMatch {
                id: RecordId::parse("fedcba9876543210fedcba9876543210").expect("id"),
                score: 0.87,
                evidence: 40.0,
                fingers: 10,
                office: "0901".into(),
            },
        )],
    }
}

fn screens() -> Vec<(String, App)> {
    let mut out = Vec::new();
    let mut login = App::new(Lang::En, Keymap::default(), Instant::now());
    login.login.user = "ana".into();
    desk(
        &mut login,
        DeskEvent::LoginFailed(huella::workflows::login::LoginError::Refused {
            failures: 3,
            locked_for: Some(30),
        }),
    );
    out.push(("login".into(), login));
    out.push(("home".into(), logged_in(Role::Supervisor)));
    let mut lookup = logged_in(Role::Officer);
    lookup.screen = Screen::Lookup;
    desk(
        &mut lookup,
        DeskEvent::Found(Ok(vec![summary("pendiente")])),
    );
    out.push(("lookup".into(), lookup));
    let mut arco = logged_in(Role::Supervisor);
    arco.screen = Screen::Arco;
    arco.arco.requests = Some(vec![huella::workflows::arco::OpenRequest {
        folio: "ARCO-20261201-0A1B2C".into(),
        derecho: "acceso".into(),
        curp: "AIMJ670312HQTVJQ25".into(),
        recibida: "2026-12-01".into(),
        vence: "2026-12-29".into(),
        dias_habiles_restantes: 17,
        solicitante: "titular".into(),
        registrada_por: "ana".into(),
    }]);
    out.push(("arco".into(), arco));
    let mut central = logged_in(Role::Supervisor);
    central.screen = Screen::Central;
    central.central.cases = Some(vec![national_case()]);
    out.push(("central".into(), central));
    let mut central = logged_in(Role::Supervisor);
    central.screen = Screen::Central;
    central.central.cases = Some(vec![national_case()]);
    let _ = update::on_key(
        &mut central,
        KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE),
    );
    for c in "misma persona".chars() {
        let _ = update::on_key(
            &mut central,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        );
    }
    out.push(("central prompt".into(), central));
    let mut moving = logged_in(Role::Officer);
    moving.screen = Screen::Person;
    desk(
        &mut moving,
        DeskEvent::Person(Ok(Box::new(person_file("aprobado")))),
    );
    moving.movement = Some(huella::console::movement_form::MovementForm::new(
        "2026-12-04",
    ));
    out.push(("person movement form".into(), moving));
    for status in ["rechazado", "aprobado", "pendiente"] {
        let mut p = logged_in(Role::Officer);
        p.screen = Screen::Person;
        desk(&mut p, DeskEvent::Person(Ok(Box::new(person_file(status)))));
        out.push((format!("person {status}"), p));
    }
    for outcome in [CentralOutcome::Registrado, CentralOutcome::EnRevision] {
        let mut p = logged_in(Role::Officer);
        p.screen = Screen::Person;
        let file = centrally_judged(outcome);
        desk(&mut p, DeskEvent::Person(Ok(Box::new(file))));
        out.push((format!("person central {}", outcome.as_str()), p));
    }
    for step in [
        EnrollStep::Identity,
        EnrollStep::Consent,
        EnrollStep::Fingers,
        EnrollStep::Face,
        EnrollStep::Duplicates,
        EnrollStep::Done,
    ] {
        let mut e = logged_in(Role::Officer);
        e.enroll = Some(enroll(step));
        e.screen = Screen::Enroll;
        out.push((format!("enroll {step:?}"), e));
    }
    let mut blurry = logged_in(Role::Officer);
    blurry.enroll = Some(enroll(EnrollStep::Fingers));
    blurry.screen = Screen::Enroll;
    let _ = update::on_event(
        &mut blurry,
        WorkerEvent::Device(DeviceEvent::Failed(DeviceProblem::Device(
            DeviceErrorKind::PoorImage,
        ))),
    );
    out.push(("enroll blurry".into(), blurry));
    let mut queue = logged_in(Role::Supervisor);
    queue.screen = Screen::Queue;
    queue.queue = Some(vec![QueueItem {
        id: RecordId([7; 16]),
        name: "Patricia Ruiz Vargas".into(),
        curp: "RUVP650109MMSZRT34".into(),
        officer: "ana".into(),
        submitted_at: "2026-01-01T10:00:00Z".into(),
        exceptions: 1,
        duplicates: 0,
    }]);
    out.push(("queue".into(), queue));
    for decision in [Decision::Aprobar, Decision::Recapturar] {
        let mut r = logged_in(Role::Supervisor);
        r.screen = Screen::Review;
        r.review = Some(ReviewState {
            review: Review {
                id: RecordId([7; 16]),
                identity: Identity {
                    curp: "RUVP650109MMSZRT34".into(),
                    nombre: "Patricia".into(),
                    ..Default::default()
                },
                fingers: vec![],
                face: None,
                duplicates: vec![],
                officers: vec!["ana".into()],
            },
            finger: 2,
            prompt: Some(DecisionPrompt {
                decision,
                reason: String::new(),
                pass: SecretInput::new(),
                on_pass: true,
                busy: false,
                finger: None,
            }),
            own: false,
        });
        out.push((format!("review {decision:?}"), r));
    }
    let mut sync = logged_in(Role::Officer);
    sync.screen = Screen::Sync;
    desk(
        &mut sync,
        DeskEvent::Pending(Ok(PendingList {
            rows: vec![PendingRow {
                id: RecordId([3; 16]),
                name: "Joaquín Ávila Mejía".into(),
                curp: "AIMJ670312HQTVJQ25".into(),
                days_left: Some(-2),
            }],
            total: 1,
        })),
    );
    out.push(("sync".into(), sync));
    let mut failed = logged_in(Role::Officer);
    failed.screen = Screen::Sync;
    let _ = update::on_event(
        &mut failed,
        WorkerEvent::Sync(SyncStatus::Ended(Err(SyncProblem::Round(
            "sincronización con http://h:1: no se pudo comunicar".into(),
        )))),
    );
    failed.sync.config_error = Some(SyncConfigError::NoTargets);
    out.push(("sync failed".into(), failed));
    out
}

#[test]
fn every_screen_in_english_has_no_spanish_text() {
    let forbidden = spanish();
    assert!(forbidden.len() > 100, "the Spanish table was read");
    let mut found = Vec::new();
    for (name, mut app) in screens() {
        for help in [false, true] {
            if help {
                let _ = update::on_key(&mut app, KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
            }
            for (w, h) in [(120, 40), (80, 24)] {
                let screen = draw(&app, w, h);
                for es in &forbidden {
                    if screen.contains(es.as_str()) {
                        found.push(format!("{name} (help {help}) {w}×{h}: «{es}»"));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "Spanish on English screens:\n{}",
        found.join("\n")
    );
}

/// Snapshots of the main screens at the two supported terminal sizes in both languages, so
/// cut text shows up in review (status counts, footer, notes, CURP, dates, the help overlay).
#[test]
fn main_screens_at_80x24_and_120x40_in_both_languages() {
    let keep = [
        "login",
        "home",
        "person rechazado",
        "enroll Fingers",
        "review Recapturar",
        "sync",
        "central",
        "central prompt",
    ];
    for lang in [Lang::Es, Lang::En] {
        for (name, mut app) in screens() {
            if !keep.contains(&name.as_str()) {
                continue;
            }
            app.lang = lang;
            for (w, h) in [(80, 24), (120, 40)] {
                let id = format!("{name}_{lang:?}_{w}x{h}").replace(' ', "_");
                insta::assert_snapshot!(id, draw(&app, w, h));
            }
            if name == "home" {
                let _ = update::on_key(&mut app, KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
                for (w, h) in [(80, 24), (120, 40)] {
                    let id = format!("help_{lang:?}_{w}x{h}");
                    insta::assert_snapshot!(id, draw(&app, w, h));
                }
            }
        }
    }
}

/// The person screen says "Biométrico registrado" (Spanish) or "Biometrics registered"
/// (English) for a verified central registration, and nothing of the kind for a verdict this
/// station does not accept.
#[test]
fn a_verified_central_registration_shows_on_the_person_screen() {
    for (lang, words) in [
        (Lang::Es, "Biométrico registrado"),
        (Lang::En, "Biometrics registered"),
    ] {
        let mut p = logged_in(Role::Officer);
        p.lang = lang;
        p.screen = Screen::Person;
        let mut file = centrally_judged(CentralOutcome::Registrado);
        desk(&mut p, DeskEvent::Person(Ok(Box::new(file.clone()))));
        assert!(draw(&p, 120, 40).contains(words), "{lang:?}");
        file.central = file.central.map(|mut m| {
            m.check = Err(huella::workflows::central::verdict::VerdictRefusal::BadSignature);
            m
        });
        desk(&mut p, DeskEvent::Person(Ok(Box::new(file))));
        assert!(!draw(&p, 120, 40).contains(words), "{lang:?}");
    }
}
