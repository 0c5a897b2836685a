//! Whether an order written into a record counts: a worker movement or a status change
//! (`restringido`) carries the acting officer's signature ([`Seal`]) over its canonical
//! message, and counts only when that signature verifies with the key of an officer of the
//! owning office (as [`Trust`] establishes it for decisions) whose role may give that order:
//!
//! | order | who may give it |
//! |---|---|
//! | movement `defuncion` (ends every alta and proof of life, starts the retention clock) | supervisor, administrator |
//! | movements `alta`, `baja`, `modificacion_salario`, `cambio_regimen` | any officer of the office |
//! | status `restringido` (biometrics erased: cancellation, retention) | supervisor, administrator |
//!
//! A recapture (`pendiente` after `capturado`) is a supervisor's signed decision and is
//! checked with the others (`roster::decisions`).
//!
//! Orders written before they were signed: an unsigned movement other than a `defuncion`
//! counts as written (any officer could record it; it is attributed and audited); an
//! unsigned `defuncion` does not count (a supervisor records it again). An unsigned
//! `restringido` counts only where an earlier build's cancellation left it: in a record with
//! no captures and no photo that names, at the same time and by the same officer, the record
//! it replaced.
//!
//! A signature binds the record id; a record rewritten without biometrics (cancellation,
//! retention) keeps its orders, so a signature also verifies under the id of a record it
//! names as replaced.
//!
//! This module owns those rules. It must not change records, open the store or word anything
//! for people.

use huella_keys::Role;

use super::Trust;
use super::decisions::DecisionCheck;
use crate::record::{
    Movement, MovementKind, PersonRecord, RecordError, RecordId, Seal, StatusChange,
};

/// An order found in a record, with its check and whether it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedOrder<T> {
    /// The order as written.
    pub order: T,
    /// What the check of its signature found.
    pub check: DecisionCheck,
    /// Whether it counts (a valid signature, or an older unsigned order the rules accept).
    pub counts: bool,
}

/// Whether an officer with `role` may record a movement of `kind`.
pub fn may_record(kind: MovementKind, role: Role) -> bool {
    match kind {
        MovementKind::Defuncion => role.can_supervise(),
        MovementKind::Alta
        | MovementKind::Baja
        | MovementKind::ModificacionSalario
        | MovementKind::CambioRegimen => true,
    }
}

/// The ids a signature on an entry of `record` may bind: its own and those of the records it
/// replaced.
fn signed_ids(id: &RecordId, record: &PersonRecord) -> Vec<RecordId> {
    let mut ids = vec![*id];
    ids.extend(
        record
            .former_records()
            .iter()
            .filter_map(|f| RecordId::parse(&f.id)),
    );
    ids
}

impl Trust {
    /// Checks `seal` on an order of `office` given by `user` at `at`, whose message for a
    /// record id is `message`, against the roles `entitled` accepts.
    #[allow(clippy::too_many_arguments)]
    fn check_order(
        &self,
        office: &str,
        ids: &[RecordId],
        at: &str,
        user: &str,
        seal: &Seal,
        message: &dyn Fn(&RecordId) -> Vec<u8>,
        entitled: &dyn Fn(Role) -> bool,
    ) -> DecisionCheck {
        if seal.signature.is_empty() {
            return DecisionCheck::Unsigned;
        }
        let mut refused = DecisionCheck::BadSignature;
        for id in ids {
            match self.signer(
                office,
                at,
                user,
                &seal.signer,
                &message(id),
                &seal.signature,
                entitled,
            ) {
                Ok(role) => {
                    return DecisionCheck::Valid {
                        user: user.to_owned(),
                        role,
                    };
                }
                // A signature that verifies tells more than one that does not.
                Err(DecisionCheck::BadSignature) => {}
                Err(other) => refused = other,
            }
        }
        refused
    }

    /// Checks movement `m` of record `id` of `office` (in `record`), sealed with `seal`.
    pub fn check_movement(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
        m: &Movement,
        seal: Option<&Seal>,
    ) -> DecisionCheck {
        let Some(seal) = seal else {
            return DecisionCheck::Unsigned;
        };
        self.check_order(
            office,
            &signed_ids(id, record),
            &m.registrado_en,
            &m.oficial,
            seal,
            &|id| m.signed_message(id),
            &|role| may_record(m.kind, role),
        )
    }

    /// Every worker movement of record `id` of `office`, oldest first, each with its check
    /// and whether it counts.
    pub fn checked_movements(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<CheckedOrder<Movement>>, RecordError> {
        Ok(record
            .sealed_movements()?
            .into_iter()
            .map(|(m, seal)| {
                let check = self.check_movement(office, id, record, &m, seal.as_ref());
                let counts = check.is_valid()
                    || (check == DecisionCheck::Unsigned && m.kind != MovementKind::Defuncion);
                CheckedOrder {
                    order: m,
                    check,
                    counts,
                }
            })
            .collect())
    }

    /// Whether the `restringido` entry `h` of record `id` of `office` counts: its seal
    /// verifies with the key of a supervisor or administrator of the office, or, unsigned, it
    /// is what an earlier build's cancellation left (see the module documentation).
    pub(super) fn status_order_counts(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
        h: &StatusChange,
        seal: Option<&Seal>,
    ) -> Result<bool, RecordError> {
        if let Some(seal) = seal {
            return Ok(self
                .check_order(
                    office,
                    &signed_ids(id, record),
                    &h.at,
                    &h.by,
                    seal,
                    &|id| h.signed_message(id),
                    &Role::can_supervise,
                )
                .is_valid());
        }
        Ok(record.captures()?.is_empty()
            && record.face()?.is_none()
            && record
                .former_records()
                .iter()
                .any(|f| f.at == h.at && f.by == h.by))
    }
}
