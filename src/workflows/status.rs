//! What anyone at the station may see without a passphrase: the station's state (`huella
//! status`), its officers and roles, and whether the audit chain is sound. No personal data
//! and no keys: only the store's public parts and the activity notes.

use std::collections::BTreeMap;

use huella_keys::Role;
use huella_sync::{BiometricStatus, Store, StoreError};
use serde::Serialize;

use crate::home::Home;
use crate::workflows::activity::{self, DeviceSeen};
use crate::workflows::self_test::{self, SelfTestRecord};

/// The station's state; serialised, it is the `status --json` contract (docs/cli.md).
#[derive(Debug, Clone, Serialize)]
pub struct StationStatus {
    /// Station name.
    pub estacion: String,
    /// Office code.
    pub oficina: String,
    /// When the station was created (UTC).
    pub creada: String,
    /// People in the store.
    pub personas: usize,
    /// Captures waiting for a supervisor.
    pub pendientes_aprobacion: usize,
    /// People waiting for capture.
    pub pendientes_captura: usize,
    /// People per biometric status code, as of today: a notified person past the 30 days
    /// without approved biometrics counts as `restringido` (see `workflows::restriction`),
    /// while `pendientes_captura` / `pendientes_aprobacion` still count the work to do.
    pub por_estado: BTreeMap<&'static str, usize>,
    /// How many officers.
    pub oficiales: usize,
    /// Labels of the recipients record keys are wrapped to.
    pub destinatarios: Vec<String>,
    /// The scanner and camera last opened, each with its last shift-start self-test.
    pub dispositivos: Vec<DeviceState>,
    /// End of the last good sync round or bundle import (UTC), if any.
    pub ultima_sincronizacion: Option<String>,
    /// Size of the store on disk.
    pub almacen_bytes: u64,
}

/// A device as last seen, with its last shift-start self-test (`null` if never tested).
#[derive(Debug, Clone, Serialize)]
pub struct DeviceState {
    /// What was last seen on its port.
    #[serde(flatten)]
    pub seen: DeviceSeen,
    /// Its last self-test (`huella devices test`, or the console at shift start).
    pub autoprueba: Option<SelfTestRecord>,
}

fn devices(home: &Home) -> Vec<DeviceState> {
    let tests = self_test::records(home);
    activity::devices(home)
        .into_iter()
        .map(|seen| DeviceState {
            autoprueba: tests.iter().find(|t| t.tipo == seen.tipo).cloned(),
            seen,
        })
        .collect()
}

/// The state of the station in `home`.
pub fn status(home: &Home) -> Result<StationStatus, StoreError> {
    let store = Store::open(&home.store_dir())?;
    let st = store.station()?;
    let counts = store.status_counts()?;
    let count = |s: BiometricStatus| counts.get(&s).copied().unwrap_or(0);
    let effective = crate::workflows::restriction::effective_counts(&store)?;
    Ok(StationStatus {
        estacion: st.station,
        oficina: st.office,
        creada: st.created_at,
        personas: store.count_people(),
        pendientes_aprobacion: count(BiometricStatus::Capturado),
        pendientes_captura: count(BiometricStatus::Pendiente),
        por_estado: BiometricStatus::ALL
            .iter()
            .map(|s| (s.as_str(), effective.get(s).copied().unwrap_or(0)))
            .collect(),
        oficiales: store.officers()?.len(),
        destinatarios: st.recipients.into_iter().map(|(l, _)| l).collect(),
        dispositivos: devices(home),
        ultima_sincronizacion: activity::last_sync(home),
        almacen_bytes: store.size_on_disk()?,
    })
}

/// Why the officer list could not be shown.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfficersError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The signed officer list could not be read or verified.
    #[error(transparent)]
    List(#[from] huella_sync::roster::RosterError),
}

/// The station's officers and their roles: the signed officer list's (what sessions obey), or
/// the store's table on stations made before signed lists.
pub fn officers(home: &Home) -> Result<Vec<(String, Role)>, OfficersError> {
    let store = Store::open(&home.store_dir())?;
    let st = store.station()?;
    if let Some(list) =
        huella_sync::roster::Trust::new(store.replica()).officer_list(&st.office, &st.station)?
    {
        return Ok(list
            .officers
            .into_iter()
            .filter_map(|o| o.role.parse::<Role>().ok().map(|r| (o.user, r)))
            .collect());
    }
    Ok(store
        .officers()?
        .into_iter()
        .map(|o| (o.user, o.role))
        .collect())
}

/// Checks the whole audit chain; the number of entries when it is sound.
pub fn verify_audit(home: &Home) -> Result<u64, StoreError> {
    Store::open(&home.store_dir())?.verify_audit()
}
