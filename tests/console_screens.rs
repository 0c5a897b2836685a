//! Snapshots of every console screen and the main transitions (ratatui `TestBackend` +
//! insta), with times and ids filtered.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use huella::console::msg::{DeskEvent, WorkerEvent};
use huella::console::state::{
    App, DraftRow, DupRow, EnrollState, EnrollStep, HomeData, PendingRow, Phase, Screen, Slot,
    UserInfo,
};
use huella::console::{Keymap, Lang, update, view};
use huella::enroll::{FaceCheck, FaceCheckKind, Thumb};
use huella::lookup::PersonSummary;
use huella_keys::Role;
use huella_sync::RecordId;
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
        DeskEvent::Home(HomeData {
            people: 201,
            counts: [199, 1, 1, 0, 0, 0],
            drafts: vec![DraftRow {
                id: RecordId([1; 16]),
                name: "Patricia Ruiz Vargas".into(),
                fingers: 4,
            }],
        }),
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
        duplicates: Some(vec![DupRow {
            id: RecordId([9; 16]),
            name: "Otra Persona".into(),
            curp: "OTPE800101HDFTRR09".into(),
            score: 0.61,
        }]),
        folio: Some("F-0707070707".into()),
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
    for _ in 0..3 {
        key(&mut app, KeyCode::Enter);
        desk(
            &mut app,
            DeskEvent::LoginFailed("contraseña incorrecta para el usuario oficial".into()),
        );
    }
    assert!(app.locked_secs().is_some());
    snap!("login_locked", app);
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
        DeskEvent::Person(Ok(Box::new(huella::console::state::PersonView {
            summary: person(),
            movements: vec![("alta".into(), "2018-09-25".into(), "P8450720302".into())],
            history: vec![(
                "pendiente".into(),
                "2026-01-01T10:00:00Z".into(),
                "admin".into(),
                "alta de registro".into(),
            )],
            receipts: vec![],
            fingers: 0,
            face: false,
            consent: None,
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
        DeskEvent::Found(Err("NSS inválido: el dígito verificador debe ser 3".into())),
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
        DeskEvent::Queue(Ok(vec![huella::approve::QueueItem {
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
        DeskEvent::Pending(
            vec![
                PendingRow {
                    name: "Joaquín Ávila Mejía".into(),
                    curp: "AIMJ670312HQTVJQ25".into(),
                    days_left: -2,
                },
                PendingRow {
                    name: "Patricia Ruiz Vargas".into(),
                    curp: "RUVP650109MMSZRT34".into(),
                    days_left: 29,
                },
            ],
            199,
        ),
    );
    snap!("sync", app);
    let mut en = logged_in(Role::Supervisor);
    en.lang = Lang::En;
    snap!("home_english", en);
}
