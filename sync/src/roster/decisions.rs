//! Whether a supervisory decision written into a record counts: a supervisor's decision on a
//! capture ([`Approval`]) or on a staff justification ([`JustificationDecision`]) counts only
//! when its Ed25519 signature verifies with the key of an officer who, in the owning office's
//! roster (as administrator) or in a station's officer list signed by one of its
//! administrators, holds a role that may decide ([`Role::can_supervise`]), and who is not
//! deciding on their own work (their own capture, their own justification).
//!
//! Any station of the office can write into a record, and chunks are only checked for the
//! station that wrote them, so a station running a modified binary could write a decision
//! with any supervisor's name. The status every reader sees is therefore derived here, from
//! the decisions that pass ([`Trust::verified_status`]); the faces never decide it. Hubs hold
//! ciphertext and cannot make this check: it is made by every station that reads the record.
//!
//! Which key signed: a decision records its signer's key and the deciding station's signed
//! officer list ([`Signer`]), so a station that does not hold that list can still check the
//! role. Decisions written before that (no key) are looked up by the supervisor's user name
//! among the office roster's administrators and the officer lists of the office held here;
//! if no listed key verifies, the decision does not count.
//!
//! The same signer check serves the orders that are not decisions (a movement, a
//! `restringido`): see `roster::orders`, which passes the roles each order needs.
//!
//! This module owns those checks. It must not change records, open the store or word
//! anything for people.

use huella_keys::Role;

use super::{ListedOfficer, Roster, SignedOfficerList, Trust, verify_hex};
use crate::record::{
    Approval, BiometricStatus, CentralOutcome, CentralVerdict, Decision, Justification,
    JustificationDecision, PersonRecord, RecordError, RecordId, Signer, StatusChange,
};

/// What the check of one decision found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecisionCheck {
    /// Signed by an officer allowed to make it.
    Valid {
        /// The signer's user name.
        user: String,
        /// The signer's role.
        role: Role,
    },
    /// No known officer of the office has the recorded key or name (or the office's roster
    /// is not known here).
    UnknownSigner,
    /// The signature does not verify with the signer's key.
    BadSignature,
    /// The signer is listed, but with a role that may not decide.
    NotEntitled,
    /// The signer decided on their own capture or their own justification.
    OwnWork,
    /// The entry carries no signature (written by an earlier build, or by a modified one).
    Unsigned,
}

impl DecisionCheck {
    /// Whether the decision counts.
    pub fn is_valid(&self) -> bool {
        matches!(self, DecisionCheck::Valid { .. })
    }
}

/// A justification with its decision as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedJustification {
    /// The justification; its `decision` is `None` unless the decision verified.
    pub justification: Justification,
    /// A decision found in the record that does not count, and why.
    pub refused: Option<(JustificationDecision, DecisionCheck)>,
}

/// Where officer lists are kept in the replica tree (see `officers::list_key`).
fn lists_prefix(office: &str) -> Vec<u8> {
    [b"F", office.as_bytes(), b"\0"].concat()
}

/// Whether `station` had been revoked by `at`. Retiring a station must not undo the decisions
/// its supervisors made while it served, so a revocation counts from its recorded time on (as
/// a signed document is judged, `workflows::documents::verify`); one with no recorded time
/// (older rosters) counts as always.
fn revoked_by(roster: &Roster, station: &str, at: &str) -> bool {
    // Timestamps are fixed-width UTC (`YYYY-MM-DDTHH:MM:SSZ`): text order is time order.
    roster.stations.iter().any(|s| {
        s.name == station && s.revoked && (s.revoked_at.is_empty() || at >= s.revoked_at.as_str())
    })
}

/// Whether `station` is a station of the roster and in force at `at`.
fn station_in_force(roster: &Roster, station: &str, at: &str) -> bool {
    roster.stations.iter().any(|s| s.name == station) && !revoked_by(roster, station, at)
}

impl Trust {
    /// The office that first delivered record `id` here, if known.
    pub fn origin_of(&self, id: &RecordId) -> Option<String> {
        self.replica.origin(id).ok().flatten()
    }

    /// Every officer list of `office`'s stations held here that verifies against its roster.
    fn office_officers(&self, roster: &Roster, at: &str) -> Vec<ListedOfficer> {
        let mut out = Vec::new();
        let held = self
            .replica
            .tree()
            .scan_prefix(lists_prefix(&roster.office))
            .unwrap_or_default();
        for (_, v) in held {
            if let Ok(list) = SignedOfficerList::from_bytes(&v).and_then(|s| s.verify_by(roster))
                && station_in_force(roster, &list.station, at)
            {
                out.extend(list.officers);
            }
        }
        out
    }

    /// The role of the officer whose key is `key` and whose user name is `user` in the
    /// carried list `officers`, or, if this station holds a newer list of that station in
    /// force at `at` (issued at or before it), in that one: a supervisor demoted by a newer
    /// list keeps the decisions they signed before it and none signed after, whatever list
    /// those carry. A held list with no readable issue time counts as in force.
    fn listed_role(
        &self,
        roster: &Roster,
        at: &str,
        key: &str,
        user: &str,
        officers: &str,
    ) -> Option<Role> {
        let carried = SignedOfficerList::from_bytes(officers.as_bytes())
            .and_then(|s| s.verify_by(roster))
            .ok()?;
        if !station_in_force(roster, &carried.station, at) {
            return None;
        }
        let list = match self.officer_list(&roster.office, &carried.station) {
            Ok(Some(held))
                if held.version > carried.version
                    && (crate::time::parse_utc(&held.issued_at).is_none()
                        || held.issued_at.as_str() <= at) =>
            {
                held
            }
            _ => carried,
        };
        list.by_key(key)
            .filter(|o| o.user == user)
            .and_then(ListedOfficer::role)
    }

    /// Who signed `message` with `signature` as `user` of `office` at `at`: their role, when
    /// it is one `entitled` accepts, or why that cannot be established. Shared by every
    /// signed entry of a record: decisions here, orders in `roster::orders`.
    // The parts of one signed entry, as each kind of entry names them.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn signer(
        &self,
        office: &str,
        at: &str,
        user: &str,
        signer: &Signer,
        message: &[u8],
        signature: &str,
        entitled: &dyn Fn(Role) -> bool,
    ) -> Result<Role, DecisionCheck> {
        let Ok(Some((roster, _))) = self.roster(office) else {
            return Err(DecisionCheck::UnknownSigner);
        };
        let admin = |key: &str| {
            roster
                .admins
                .iter()
                .any(|a| a.key == key && a.user == user && !revoked_by(&roster, &a.station, at))
        };
        // The keys this decision may have been signed with, each with the role it holds.
        let mut candidates: Vec<(String, Option<Role>)> = Vec::new();
        if signer.key.is_empty() {
            for a in roster.admins.iter().filter(|a| a.user == user) {
                candidates.push((a.key.clone(), admin(&a.key).then_some(Role::Admin)));
            }
            for o in self.office_officers(&roster, at) {
                if o.user == user {
                    candidates.push((o.key.clone(), o.role()));
                }
            }
        } else {
            let role = if admin(&signer.key) {
                Some(Role::Admin)
            } else if !signer.officers.is_empty() {
                self.listed_role(&roster, at, &signer.key, user, &signer.officers)
            } else {
                self.office_officers(&roster, at)
                    .into_iter()
                    .find(|o| o.key == signer.key && o.user == user)
                    .and_then(|o| o.role())
            };
            if role.is_some() || !signer.officers.is_empty() {
                candidates.push((signer.key.clone(), role));
            }
        }
        if candidates.is_empty() {
            return Err(DecisionCheck::UnknownSigner);
        }
        let mut verified = false;
        for (key, role) in candidates {
            if !verify_hex(&key, message, signature) {
                continue;
            }
            verified = true;
            if let Some(role) = role.filter(|r| entitled(*r)) {
                return Ok(role);
            }
        }
        Err(if verified {
            DecisionCheck::NotEntitled
        } else {
            DecisionCheck::BadSignature
        })
    }

    /// Checks a decision on the captures of record `id` of `office`.
    pub fn check_approval(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
        a: &Approval,
    ) -> Result<DecisionCheck, RecordError> {
        let role = match self.signer(
            office,
            &a.signed_at,
            &a.supervisor,
            &a.signer,
            &a.signed_message(id),
            &a.signature,
            &Role::can_supervise,
        ) {
            Ok(role) => role,
            Err(refused) => return Ok(refused),
        };
        let me = a.supervisor.as_str();
        let before = |at: &str| at <= a.signed_at.as_str();
        let own_capture = record
            .captures()?
            .iter()
            .any(|c| c.officer == me && before(&c.captured_at))
            || record
                .face()?
                .is_some_and(|f| f.officer == me && before(&f.captured_at))
            || record
                .status_history()?
                .iter()
                .rev()
                .find(|s| s.status == BiometricStatus::Capturado && before(&s.at))
                .is_some_and(|s| s.by == me);
        Ok(if own_capture {
            DecisionCheck::OwnWork
        } else {
            DecisionCheck::Valid {
                user: me.to_owned(),
                role,
            }
        })
    }

    /// Every decision on the captures of record `id`, oldest first, each with its check.
    pub fn checked_approvals(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<(Approval, DecisionCheck)>, RecordError> {
        let mut out = Vec::new();
        for a in record.approvals()? {
            let check = self.check_approval(office, id, record, &a)?;
            out.push((a, check));
        }
        Ok(out)
    }

    /// The central verdict `v` on record `id` of `office` verifies: signed by a station
    /// (not revoked) of an office that is `office` itself or the central office its roster
    /// names (`central_key`: that office's recipient or the station's key), and by the
    /// deciding central supervisor when there is one. Central supervisors are vouched for by
    /// the central station's signature, as in `workflows::central::verdict`.
    fn central_verdict_verifies(&self, office: &str, id: &RecordId, v: &CentralVerdict) -> bool {
        let (Ok(Some((owner, _))), Ok(Some((central, _)))) =
            (self.roster(office), self.roster(&v.office))
        else {
            return false;
        };
        let named = v.office == office
            || (!owner.central_key.is_empty()
                && (owner.central_key == v.station_key
                    || owner.central_key == central.office_recipient));
        let msg = v.signed_message(id);
        named
            && central
                .stations
                .iter()
                .any(|s| s.key == v.station_key && s.name == v.station && !s.revoked)
            && verify_hex(&v.station_key, &msg, &v.signature)
            && (v.supervisor.is_empty()
                || verify_hex(&v.supervisor_key, &msg, &v.supervisor_signature))
    }

    /// The verified decisions that may back a status-history entry: each supervisor decision
    /// that verifies, and each central verdict of a national duplicate (`rechazado`) that
    /// verifies.
    fn backings(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<Backing>, RecordError> {
        let mut out: Vec<Backing> = self
            .checked_approvals(office, id, record)?
            .into_iter()
            .filter(|(_, c)| c.is_valid())
            .map(|(a, _)| Backing {
                status: match a.decision {
                    Decision::Aprobar => BiometricStatus::Aprobado,
                    Decision::Rechazar => BiometricStatus::Rechazado,
                    Decision::Recapturar => BiometricStatus::Pendiente,
                },
                by: a.supervisor,
                at: a.signed_at,
            })
            .collect();
        for v in record.central_verdicts()? {
            if v.outcome == CentralOutcome::Duplicado
                && self.central_verdict_verifies(office, id, &v)
            {
                out.push(Backing {
                    status: BiometricStatus::Rechazado,
                    by: v.supervisor,
                    at: v.signed_at,
                });
            }
        }
        Ok(out)
    }

    /// The status history of record `id` of `office`, oldest first, each entry with whether
    /// it counts:
    /// - an `aprobado` or `rechazado` entry, only when a verified decision (same status,
    ///   decider and time) backs it;
    /// - a `pendiente` entry that follows a counted `capturado` (a recapture), only when a
    ///   verified recapture decision backs it (reopening a rejected person, or the first
    ///   entry, needs none);
    /// - a `restringido` entry, only when it carries the signed order of a supervisor or
    ///   administrator of the office (`Trust::check_status_order`);
    /// - any other entry, as written.
    pub fn checked_status_history(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<(StatusChange, bool)>, RecordError> {
        let backings = self.backings(office, id, record)?;
        let mut last: Option<BiometricStatus> = None;
        let mut out = Vec::new();
        for (h, seal) in record.sealed_status_history()? {
            let counts = match h.status {
                BiometricStatus::Aprobado | BiometricStatus::Rechazado => backed(&backings, &h),
                BiometricStatus::Pendiente if last == Some(BiometricStatus::Capturado) => {
                    backed(&backings, &h)
                }
                BiometricStatus::Restringido => {
                    self.status_order_counts(office, id, record, &h, seal.as_ref())?
                }
                _ => true,
            };
            if counts {
                last = Some(h.status);
            }
            out.push((h, counts));
        }
        Ok(out)
    }

    /// The biometric status of record `id` of `office` as its verified decisions and orders
    /// give it.
    ///
    /// `aprobado`, `rechazado`, a recapture's `pendiente` and `restringido` are a
    /// supervisor's (or the central office's) to set: when the written status is one of them
    /// and no entry of the history's newest second is that status and counts (see
    /// [`Trust::checked_status_history`]), the status is that of the newest entry that counts
    /// (`capturado` if none). Every other status is returned as written.
    pub fn verified_status(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
    ) -> Result<BiometricStatus, RecordError> {
        let written = record.written_status()?;
        if !needs_check(written) {
            return Ok(written);
        }
        let history = self.checked_status_history(office, id, record)?;
        // Times have one-second resolution: entries of the same second are in no particular
        // order, so the written status stands when a counted entry of it is of the newest
        // second.
        let newest = history
            .last()
            .map(|(h, _)| h.at.clone())
            .unwrap_or_default();
        if history
            .iter()
            .any(|(h, counts)| *counts && h.status == written && h.at >= newest)
        {
            return Ok(written);
        }
        Ok(history
            .iter()
            .rev()
            .find(|(_, counts)| *counts)
            .map_or(BiometricStatus::Capturado, |(h, _)| h.status))
    }

    /// Checks a decision on justification `j` of the staff document `id` of `office`.
    pub fn check_justification(
        &self,
        office: &str,
        id: &RecordId,
        j: &Justification,
        d: &JustificationDecision,
    ) -> DecisionCheck {
        if d.signature.is_empty() {
            return DecisionCheck::BadSignature;
        }
        match self.signer(
            office,
            &d.at,
            &d.by,
            &d.signer,
            &j.decision_message(id, d),
            &d.signature,
            &Role::can_supervise,
        ) {
            Err(refused) => refused,
            Ok(_) if d.by == j.requested_by => DecisionCheck::OwnWork,
            Ok(role) => DecisionCheck::Valid {
                user: d.by.clone(),
                role,
            },
        }
    }

    /// The justifications of staff document `id` of `office`, each with only a decision
    /// that verifies (a refused one is set apart, with why).
    pub fn checked_justifications(
        &self,
        office: &str,
        id: &RecordId,
        record: &PersonRecord,
    ) -> Result<Vec<CheckedJustification>, RecordError> {
        let mut out = Vec::new();
        for mut j in record.justifications()? {
            let refused = match j.decision.take() {
                None => None,
                Some(d) => match self.check_justification(office, id, &j, &d) {
                    DecisionCheck::Valid { .. } => {
                        j.decision = Some(d);
                        None
                    }
                    refused => Some((d, refused)),
                },
            };
            out.push(CheckedJustification {
                justification: j,
                refused,
            });
        }
        Ok(out)
    }
}

/// A verified decision, as the status-history entry it may back.
struct Backing {
    status: BiometricStatus,
    by: String,
    at: String,
}

/// Whether a verified decision in `backings` (same status, decider and time) backs `h`.
fn backed(backings: &[Backing], h: &StatusChange) -> bool {
    backings
        .iter()
        .any(|b| b.status == h.status && b.at == h.at && b.by == h.by)
}

/// Whether a written status may have been set without the right to (and so must be derived
/// from the history's verified entries): every status but `capturado` and `registrado`
/// (checked by `workflows::central::verdict`).
pub fn needs_check(s: BiometricStatus) -> bool {
    matches!(
        s,
        BiometricStatus::Aprobado
            | BiometricStatus::Rechazado
            | BiometricStatus::Pendiente
            | BiometricStatus::Restringido
    )
}
