//! The closed set of things a key can ask for. Keys map to actions through the [`Keymap`];
//! `update` handles actions, never raw keys (except typing into a text field).
//!
//! [`Keymap`]: super::keymap::Keymap

/// Something the officer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Leave the console.
    Quit,
    /// Show or hide the keys of this screen.
    Help,
    /// Go back one screen (or close a prompt).
    Back,
    /// Log out.
    Logout,
    /// Open the lookup.
    Lookup,
    /// Open the supervisor queue.
    Queue,
    /// Open the sync screen.
    Sync,
    /// Resume the last draft enrollment.
    Resume,
    /// Move up.
    Up,
    /// Move down.
    Down,
    /// Move left.
    Left,
    /// Move right.
    Right,
    /// Confirm / continue / search.
    Confirm,
    /// Next field.
    NextField,
    /// Start or resume the enrollment of the person shown.
    Enroll,
    /// Capture the finger (or photo) again.
    Retry,
    /// Keep the best attempt so far.
    AcceptBest,
    /// Record a finger exception.
    Exception,
    /// The person declines (consent) / cancel.
    Decline,
    /// Approve a capture.
    Approve,
    /// Reject a capture.
    Reject,
    /// Ask for a recapture.
    Recapture,
    /// Reload the screen's data.
    Refresh,
    /// Start a sync round now.
    SyncNow,
    /// Proof of life: verify the person's live finger against their enrolled prints.
    Verify,
    /// Empty the text field (the search box).
    Clear,
    /// Open the movement form on the person's file (alta, baja, salary, regime, defunción).
    Movement,
    /// ARCO requests: the list (home) or filing one for the person shown.
    Arco,
    /// The central node's national duplicate cases.
    Central,
}

impl Action {
    /// Every action (for the keymap and the help overlay).
    pub const ALL: [Action; 29] = [
        Action::Quit,
        Action::Help,
        Action::Back,
        Action::Logout,
        Action::Lookup,
        Action::Queue,
        Action::Sync,
        Action::Resume,
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::Confirm,
        Action::NextField,
        Action::Enroll,
        Action::Retry,
        Action::AcceptBest,
        Action::Exception,
        Action::Decline,
        Action::Approve,
        Action::Reject,
        Action::Recapture,
        Action::Refresh,
        Action::SyncNow,
        Action::Verify,
        Action::Clear,
        Action::Movement,
        Action::Arco,
        Action::Central,
    ];

    /// The name used in the keymap file (Spanish, snake case).
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "salir",
            Action::Help => "ayuda",
            Action::Back => "volver",
            Action::Logout => "cerrar_sesion",
            Action::Lookup => "buscar",
            Action::Queue => "supervision",
            Action::Sync => "sincronizacion",
            Action::Resume => "continuar_borrador",
            Action::Up => "arriba",
            Action::Down => "abajo",
            Action::Left => "izquierda",
            Action::Right => "derecha",
            Action::Confirm => "confirmar",
            Action::NextField => "siguiente_campo",
            Action::Enroll => "enrolar",
            Action::Retry => "reintentar",
            Action::AcceptBest => "aceptar_mejor",
            Action::Exception => "excepcion",
            Action::Decline => "rechaza_consentimiento",
            Action::Approve => "aprobar",
            Action::Reject => "rechazar",
            Action::Recapture => "recaptura",
            Action::Refresh => "actualizar",
            Action::SyncNow => "sincronizar",
            Action::Verify => "supervivencia",
            Action::Clear => "limpiar",
            Action::Movement => "movimiento",
            Action::Arco => "arco",
            Action::Central => "casos_centrales",
        }
    }

    /// The action named `name` in the keymap file.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}
