//! Snapshots of every console screen and the main transitions (ratatui `TestBackend` +
//! insta), with times and ids filtered.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huella::console::msg::{
    ConflictRow, DeskCmd, DeskError, DeskEvent, DeviceCmd, DeviceEvent, Effect, ProofOfLife,
    RoundSummary, SyncOverview, SyncProblem, SyncStatus, WorkerEvent,
};
use huella::console::state::{
    App, DraftRow, DuplicateRow, EnrollState, EnrollStep, HomeOverview, PeerPhase, PendingRow,
    PersonFile, Phase, ProofPhase, Screen, Slot, UserInfo,
};
use huella::console::{Keymap, Lang, update, view};
use huella::workflows::enroll::{DuplicateHit, FaceCheck, FaceCheckKind, Thumb};
use huella::workflows::login::LoginError;
use huella::workflows::lookup::PersonSummary;
use huella::workflows::overview::{PendingList, StatusCount};
use huella::workflows::person::{MovementRow, ProofRow, StatusRow};
use huella::workflows::sync_round::RoundEvent;
use huella_keys::Role;
use huella_sync::FingerPosition;
use huella_sync::RecordId;
use huella_sync::events::SyncEvent;
use huella_sync::{BiometricStatus, MovementKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    t.draw(|f| view::render(app, f)).expect("draw");
    t.backend().to_string()
}

/// Replaces timestamps (`YYYY-MM-DDTHH:MM:SSZ`) and folios (`F-` + 10 hex) by placeholders of
/// the same width, so snapshots do not depend on the clock or on random ids.
fn scrub(text: &str) -> String {
    let shape_ts = |w: &[char]| {
        w.len() == 20
            && w.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == '-',
                10 => *c == 'T',
                13 | 16 => *c == ':',
                19 => *c == 'Z',
                _ => c.is_ascii_digit(),
            })
    };
    let shape_folio = |w: &[char]| {
        w.len() == 12 && w[0] == 'F' && w[1] == '-' && w[2..].iter().all(|c| c.is_ascii_hexdigit())
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if shape_ts(&chars[i..(i + 20).min(chars.len())]) {
            out.push_str("[fecha·············]");
            i += 20;
        } else if shape_folio(&chars[i..(i + 12).min(chars.len())]) {
            out.push_str("F-[folio···]");
            i += 12;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::assert_snapshot!($name, scrub(&draw(&$app)));
    };
}

fn key(app: &mut App, code: KeyCode) {
    let _ = update::on_key(app, KeyEvent::new(code, KeyModifiers::NONE));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn desk(app: &mut App, ev: DeskEvent) {
    let _ = update::on_event(app, WorkerEvent::Desk(Box::new(ev)));
}

fn logged_in(role: Role) -> App {
    let mut app = App::new(Lang::Es, Keymap::default(), Instant::now());
    app.station.office = "0901".into();
    app.station.station = "DEMO-1".into();
    app.devices.scanner = Some("ZFM-20 (/dev/pts/1)".into());
    app.devices.camera = Some("VC0706 1.00 (/dev/pts/2)".into());
    let user = if role == Role::Officer {
        "oficial"
    } else {
        "supervisor"
    };
    desk(
        &mut app,
        DeskEvent::LoggedIn(UserInfo {
            user: user.into(),
            role,
        }),
    );
    desk(
        &mut app,
        DeskEvent::Home(Ok(Box::new(HomeOverview {
            people: 201,
            counts: BiometricStatus::ALL
                .iter()
                .zip([199, 1, 1, 0, 0, 0])
                .map(|(status, count)| StatusCount {
                    status: *status,
                    count,
                })
                .collect(),
            drafts: vec![DraftRow {
                id: RecordId([1; 16]),
                name: "Patricia Ruiz Vargas".into(),
                fingers: 4,
            }],
            backlog: 1,
            ..Default::default()
        }))),
    );
    app
}

fn person() -> PersonSummary {
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
        estado_biometrico: "pendiente".into(),
        registro_patronal: Some("P8450720302".into()),
    }
}

fn enrolling(step: EnrollStep) -> App {
    let mut app = logged_in(Role::Officer);
    let mut fingers = [Slot::default(); 10];
    for (i, f) in fingers.iter_mut().enumerate().take(4) {
        *f = Slot {
            quality: Some(80 + i as u8),
            attempts: 1,
            exception: None,
            done: true,
        };
    }
    fingers[4] = Slot {
        quality: Some(31),
        attempts: 2,
        exception: None,
        done: false,
    };
    let gradient: Vec<u8> = (0..64 * 72).map(|i| (i % 64 * 4) as u8).collect();
    app.enroll = Some(EnrollState {
        id: RecordId([7; 16]),
        name: "Patricia Ruiz Vargas".into(),
        curp: "RUVP650109MMSZRT34".into(),
        nss: "49186509623".into(),
        birth: "1965-01-09".into(),
        step,
        fingers,
        current: 4,
        phase: Phase::Low,
        last_image: Some(Thumb {
            width: 64,
            height: 72,
            pixels: gradient.clone(),
        }),
        last_quality: Some(Ok(31)),
        exception: None,
        face: Some(FaceCheck {
            quality: 80,
            checks: vec![
                (FaceCheckKind::Readable, true),
                (FaceCheckKind::NoGlare, false),
            ],
            thumb: Thumb {
                width: 64,
                height: 72,
                pixels: gradient,
            },
        }),
        photo: None,
        face_saved: false,
        duplicates: Some(vec![DuplicateRow {
            hit: DuplicateHit {
                id: RecordId([9; 16]),
                score: 0.61,
                evidence: 8.0,
                fingers: 2,
                strength: huella::matching::HitStrength::Probable,
            },
            name: "Otra Persona".into(),
            curp: "OTPE800101HDFTRR09".into(),
        }]),
        folio: Some("F-0707070707".into()),
        recapture: Vec::new(),
        accept_photo: false,
    });
    app.screen = Screen::Enroll;
    app
}

#[test]
fn login_and_lockout() {
    let mut app = App::new(Lang::Es, Keymap::default(), Instant::now());
    app.notice = Some("demo: oficial / oficial-demo-2026".into());
    snap!("login", app);
    typed(&mut app, "oficial");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "mala");
    snap!("login_typed", app);
    for failures in 1..=3 {
        key(&mut app, KeyCode::Enter);
        desk(
            &mut app,
            DeskEvent::LoginFailed(LoginError::Refused {
                failures,
                locked_for: (failures == 3).then_some(30),
            }),
        );
    }
    assert!(app.locked_secs().is_some());
    snap!("login_locked", app);
    // The lock is the typed user's: another officer may log in meanwhile.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Backspace);
    assert!(app.locked_secs().is_none());
    typed(&mut app, "l");
    assert!(app.locked_secs().is_some());
    let later = app.now + Duration::from_secs(31);
    update::tick(&mut app, later);
    assert!(app.locked_secs().is_none());
}

#[test]
fn home_lookup_person() {
    let mut app = logged_in(Role::Officer);
    assert_eq!(app.screen, Screen::Home);
    snap!("home_officer", app);
    key(&mut app, KeyCode::F(3));
    typed(&mut app, "RUVP650109MMSZRT34");
    snap!("lookup_typed", app);
    key(&mut app, KeyCode::Enter);
    desk(&mut app, DeskEvent::Found(Ok(vec![person()])));
    snap!("lookup_results", app);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Person);
    desk(
        &mut app,
        DeskEvent::Person(Ok(Box::new(PersonFile {
            summary: person(),
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
            history: vec![StatusRow {
                status: BiometricStatus::Pendiente,
                at: "2026-01-01T10:00:00Z".into(),
                by: "admin".into(),
                reason: "alta de registro".into(),
                unverified: false,
            }],
            receipts: vec![],
            fingers: 0,
            face: false,
            consent: None,
            verifications: vec![],
            proof_finger: None,
            restriction: None,
            central: None,
            biometrics_erased_on: None,
        }))),
    );
    snap!("person", app);
    key(&mut app, KeyCode::F(1));
    snap!("person_help", app);
}

#[test]
fn lookup_error_explains_field() {
    let mut app = logged_in(Role::Officer);
    key(&mut app, KeyCode::F(3));
    typed(&mut app, "49186509624");
    desk(
        &mut app,
        DeskEvent::Found(Err(DeskError::Lookup(anyhow::anyhow!(
            "NSS inválido: el dígito verificador debe ser 3"
        )))),
    );
    snap!("lookup_error", app);
}

#[test]
fn enrollment_steps() {
    for (name, step) in [
        ("enroll_identity", EnrollStep::Identity),
        ("enroll_consent", EnrollStep::Consent),
        ("enroll_fingers", EnrollStep::Fingers),
        ("enroll_face", EnrollStep::Face),
        ("enroll_duplicates", EnrollStep::Duplicates),
        ("enroll_done", EnrollStep::Done),
    ] {
        let app = enrolling(step);
        snap!(name, app);
    }
    let mut app = enrolling(EnrollStep::Fingers);
    key(&mut app, KeyCode::Char('x'));
    typed(&mut app, "2vendado");
    snap!("enroll_exception", app);
}

#[test]
fn queue_review_sync_and_english() {
    let mut app = logged_in(Role::Supervisor);
    snap!("home_supervisor", app);
    key(&mut app, KeyCode::F(4));
    assert_eq!(app.screen, Screen::Queue);
    desk(
        &mut app,
        DeskEvent::Queue(Ok(vec![huella::workflows::review::QueueItem {
            id: RecordId([7; 16]),
            name: "Patricia Ruiz Vargas".into(),
            curp: "RUVP650109MMSZRT34".into(),
            officer: "oficial".into(),
            submitted_at: "2026-01-01T10:00:00Z".into(),
            exceptions: 1,
            duplicates: 0,
        }])),
    );
    snap!("queue", app);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::F(5));
    desk(
        &mut app,
        DeskEvent::Pending(Ok(PendingList {
            rows: vec![
                PendingRow {
                    id: RecordId([3; 16]),
                    name: "Joaquín Ávila Mejía".into(),
                    curp: "AIMJ670312HQTVJQ25".into(),
                    days_left: Some(-2),
                },
                PendingRow {
                    id: RecordId([4; 16]),
                    name: "Patricia Ruiz Vargas".into(),
                    curp: "RUVP650109MMSZRT34".into(),
                    days_left: Some(29),
                },
                PendingRow {
                    id: RecordId([5; 16]),
                    name: "Rosa Luna Paz".into(),
                    curp: "LUPR700101MDFNZS01".into(),
                    days_left: None,
                },
            ],
            total: 199,
        })),
    );
    snap!("sync", app);
    let mut en = logged_in(Role::Supervisor);
    en.lang = Lang::En;
    snap!("home_english", en);
}

fn approved_view(verifications: Vec<ProofRow>) -> PersonFile {
    let mut summary = person();
    summary.estado_biometrico = "aprobado".into();
    PersonFile {
        summary,
        movements: vec![],
        history: vec![StatusRow {
            status: BiometricStatus::Aprobado,
            at: "2026-01-02T10:00:00Z".into(),
            by: "supervisor".into(),
            reason: "aprobado".into(),
            unverified: false,
        }],
        receipts: vec![],
        fingers: 10,
        face: true,
        consent: Some("aviso-privacidad-2026.1".into()),
        verifications,
        proof_finger: Some(FingerPosition::RightIndex),
        restriction: None,
        central: None,
        biometrics_erased_on: None,
    }
}

#[test]
fn proof_of_life_from_the_person_view() {
    let mut app = logged_in(Role::Officer);
    app.screen = Screen::Person;
    desk(
        &mut app,
        DeskEvent::Person(Ok(Box::new(approved_view(vec![])))),
    );
    snap!("person_approved", app);
    let fx = update::on_key(
        &mut app,
        KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE),
    );
    assert!(matches!(
        fx.as_slice(),
        [Effect::Device(DeviceCmd::Finger {
            position: FingerPosition::RightIndex,
            ..
        })]
    ));
    assert_eq!(app.proof, Some(ProofPhase::Capturing(0, 0)));
    let _ = update::on_event(&mut app, WorkerEvent::Device(DeviceEvent::Progress(40, 80)));
    snap!("person_proof_capturing", app);
    let fx = update::on_event(
        &mut app,
        WorkerEvent::Device(DeviceEvent::Image(huella_devices::FingerImage {
            width: 4,
            height: 4,
            dpi: 500,
            pixels: vec![0; 16],
        })),
    );
    assert!(matches!(
        fx.as_slice(),
        [Effect::Desk(DeskCmd::ProveLife {
            position: FingerPosition::RightIndex,
            ..
        })]
    ));
    desk(
        &mut app,
        DeskEvent::ProvedLife(Ok(ProofOfLife {
            matched: true,
            score: 712,
            file: Box::new(approved_view(vec![ProofRow {
                at: "2026-03-01T09:00:00Z".into(),
                finger: FingerPosition::RightIndex,
                score: 712,
                matched: true,
                officer: "oficial".into(),
            }])),
        })),
    );
    assert_eq!(app.proof, None);
    snap!("person_proof_done", app);
    // Without a scanner the officer is told, and nothing is sent.
    app.devices.scanner = None;
    let fx = update::on_key(
        &mut app,
        KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE),
    );
    assert!(fx.is_empty());
    assert!(matches!(&app.toast, Some((_, t)) if t.contains("Sin lector")));
}

#[test]
fn sync_round_progress_result_conflicts_and_errors() {
    let mut app = logged_in(Role::Supervisor);
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE));
    assert_eq!(app.screen, Screen::Sync);
    assert_eq!(fx.len(), 2);
    desk(
        &mut app,
        DeskEvent::SyncOverview(Box::new(SyncOverview {
            hub: Some("http://10.0.0.5:7400".into()),
            peers: vec!["10.0.0.6:7401".into()],
            config_error: None,
            last: None,
            conflicts: vec![],
            backup: huella::console::msg::BackupOverview {
                folder: Some("/media/usb".into()),
                every_hours: 24,
                last: Some("2026-12-04T03:00:00Z".into()),
                config_error: None,
            },
        })),
    );
    snap!("sync_configured", app);
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(matches!(fx.as_slice(), [Effect::Desk(DeskCmd::SyncRound)]));
    // A second Enter while running starts nothing.
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(fx.is_empty());
    let sync = |app: &mut App, s: SyncStatus| {
        let _ = update::on_event(app, WorkerEvent::Sync(s));
    };
    sync(
        &mut app,
        SyncStatus::Started(vec!["http://10.0.0.5:7400".into(), "10.0.0.6:7401".into()]),
    );
    let round = |e| SyncStatus::Round(RoundEvent::Sync(e));
    sync(&mut app, round(SyncEvent::Prepared { records: 3 }));
    sync(
        &mut app,
        round(SyncEvent::Compared {
            peer: "http://10.0.0.5:7400".into(),
            differing: 40,
        }),
    );
    sync(
        &mut app,
        round(SyncEvent::Records {
            peer: "http://10.0.0.5:7400".into(),
            done: 25,
            total: 40,
        }),
    );
    sync(
        &mut app,
        round(SyncEvent::BlobBytes {
            peer: "http://10.0.0.5:7400".into(),
            received: 3 * 1024 * 1024 / 2,
            sent: 2048,
        }),
    );
    assert_eq!(app.sync.rounds.len(), 2, "the hub row is found by its URL");
    assert_eq!(
        (app.sync.rounds[0].done, app.sync.rounds[0].total),
        (25, 40)
    );
    // Logging out mid-round is refused.
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::F(12), KeyModifiers::NONE));
    assert!(fx.is_empty());
    assert!(app.user.is_some());
    snap!("sync_running", app);
    sync(
        &mut app,
        round(SyncEvent::Finished {
            peer: "http://10.0.0.5:7400".into(),
            sent: 3,
            received: 40,
            converged: true,
        }),
    );
    sync(
        &mut app,
        SyncStatus::Round(RoundEvent::Retrying {
            peer: "10.0.0.6:7401".into(),
            attempt: 1,
            of: 3,
            reason: huella::workflows::sync_round::DropReason(std::sync::Arc::new(
                huella_sync::protocol::SyncError::Transport {
                    peer: "10.0.0.6:7401".into(),
                    reason: "connection refused".into(),
                },
            )),
        }),
    );
    assert_eq!(app.sync.rounds[1].phase, PeerPhase::Retrying(1, 3));
    let fx = update::on_event(
        &mut app,
        WorkerEvent::Sync(SyncStatus::Ended(Ok((
            RoundSummary {
                sent: 3,
                received: 40,
                conflicts: 1,
                damaged: 0,
                at: "2026-03-01T09:00:00Z".into(),
            },
            vec![ConflictRow {
                kind: "curp_duplicada".into(),
                records: vec![
                    "a1b2c3d4e5f60718a1b2c3d4e5f60718".into(),
                    "0f1e2d3c4b5a69780f1e2d3c4b5a6978".into(),
                ],
                found_at: "2026-03-01T09:00:00Z".into(),
                detail: "misma CURP en dos registros".into(),
            }],
        )))),
    );
    assert!(!app.sync.running);
    assert!(matches!(fx.as_slice(), [Effect::Desk(DeskCmd::Pending)]));
    snap!("sync_done", app);
    // A failed round says why, in Spanish, and the next Enter starts again.
    let _ = update::on_key(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let _ = update::on_event(
        &mut app,
        WorkerEvent::Sync(SyncStatus::Ended(Err(SyncProblem::Round(
            "sincronización con http://10.0.0.5:7400: no se pudo comunicar con http://10.0.0.5:7400: connection refused".into(),
        )))),
    );
    snap!("sync_failed", app);
    assert!(!app.sync.running);
}

#[test]
fn supervisor_signs_with_passphrase_and_finger_when_a_scanner_is_present() {
    let mut app = logged_in(Role::Supervisor);
    app.screen = Screen::Review;
    app.review = Some(huella::console::state::ReviewState {
        review: huella::workflows::review::Review {
            id: RecordId([7; 16]),
            identity: huella_sync::Identity {
                curp: "RUVP650109MMSZRT34".into(),
                nombre: "Patricia".into(),
                primer_apellido: "Ruiz".into(),
                segundo_apellido: "Vargas".into(),
                ..Default::default()
            },
            fingers: vec![],
            face: None,
            officers: vec!["oficial".into()],
            duplicates: vec![],
        },
        finger: 0,
        prompt: None,
        own: false,
    });
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "supervisor-demo-2026");
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Device(DeviceCmd::Finger {
                position: FingerPosition::RightIndex,
                ..
            })]
        ),
        "with a scanner the finger is asked before anything is signed"
    );
    snap!("review_finger", app);
    let fx = update::on_event(
        &mut app,
        WorkerEvent::Device(DeviceEvent::Image(huella_devices::FingerImage {
            width: 4,
            height: 4,
            dpi: 500,
            pixels: vec![0; 16],
        })),
    );
    match fx.as_slice() {
        [Effect::Desk(DeskCmd::Decide { finger, .. })] => assert!(finger.is_some()),
        _ => panic!("the decision goes to the desk with the finger"),
    }
    let p = app
        .review
        .as_ref()
        .and_then(|r| r.prompt.as_ref())
        .expect("prompt");
    assert!(p.pass.is_empty(), "the typed passphrase is wiped once sent");
    // Without a scanner: passphrase only.
    app.devices.scanner = None;
    if let Some(p) = app.review.as_mut().and_then(|r| r.prompt.as_mut()) {
        p.busy = false;
    }
    typed(&mut app, "supervisor-demo-2026");
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Desk(DeskCmd::Decide { finger: None, .. })]
    ));
}

#[test]
fn a_blurry_scan_is_an_attempt_and_a_read_in_flight_keeps_its_finger() {
    use huella::console::msg::DeviceProblem;
    use huella::workflows::types::DeviceErrorKind;
    let mut app = enrolling(EnrollStep::Fingers);
    let before = app.enroll.as_ref().expect("wizard").fingers[4].attempts;
    let _ = update::on_event(
        &mut app,
        WorkerEvent::Device(DeviceEvent::Failed(DeviceProblem::Device(
            DeviceErrorKind::PoorImage,
        ))),
    );
    let e = app.enroll.as_ref().expect("wizard");
    assert_eq!(e.fingers[4].attempts, before + 1);
    assert!(matches!(&e.phase, Phase::Failed(t) if t.contains("borrosa")));

    // While bytes arrive for finger 5, Left/Right do not move to another finger.
    let _ = update::on_event(&mut app, WorkerEvent::Device(DeviceEvent::Progress(10, 80)));
    let fx = update::on_key(&mut app, KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
    assert!(fx.is_empty());
    assert_eq!(app.enroll.as_ref().expect("wizard").current, 4);
}

#[test]
fn ctrl_u_clears_the_search_box() {
    let mut app = logged_in(Role::Officer);
    key(&mut app, KeyCode::F(3));
    typed(&mut app, "RUVP650109MMSZRT34");
    desk(&mut app, DeskEvent::Found(Ok(vec![person()])));
    let _ = update::on_key(
        &mut app,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
    );
    assert!(app.lookup.query.is_empty());
    assert!(app.lookup.results.is_empty());
    assert!(draw(&app).contains("Limpiar la búsqueda"));
}
