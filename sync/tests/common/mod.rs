//! Shared fixtures for the sync integration tests: real sled stores in temp dirs, real keys.
#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use huella_keys::{BlindTag, OfficerKey, Recipient, RecipientSet, Role, StationSecrets};
use huella_sync::node::{RelaySide, StationSide};
use huella_sync::protocol::{self, Client, HubKey, NonceCache, Outcome, Server, SyncError};
use huella_sync::roster::{Roster, RosterAdmin, RosterStation, SignedRoster, Trust};
use huella_sync::{
    BiometricStatus, Identity, Indexer, PersonRecord, RecordId, Station, StatusChange, Store,
    StoreKeys,
};

pub struct TestIndexer<'a>(pub &'a StationSecrets);

impl Indexer for TestIndexer<'_> {
    fn tags(&self, r: &PersonRecord) -> Vec<BlindTag> {
        let Ok(i) = r.identity() else {
            return Vec::new();
        };
        let mut t = vec![
            self.0.index_key().tag("curp", &i.curp),
            self.0.index_key().tag("nss", &i.nss),
        ];
        t.sort();
        t.dedup();
        t
    }
    fn curp_tag(&self, r: &PersonRecord) -> Option<BlindTag> {
        r.identity()
            .ok()
            .map(|i| self.0.index_key().tag("curp", &i.curp))
    }
}

pub struct Node {
    pub dir: tempfile::TempDir,
    pub store: Option<Store>,
    pub secrets: StationSecrets,
    pub officer: OfficerKey,
    pub recipients: RecipientSet,
    pub name: String,
}

impl Node {
    pub fn new(name: &str, office: &str, recipients: &[String]) -> Node {
        let extra = recipients
            .iter()
            .enumerate()
            .map(|(i, r)| Recipient::parse(&format!("r{i}"), r).unwrap())
            .collect();
        Node::open(
            StationSecrets::generate(name, office),
            OfficerKey::generate("ana", Role::Admin),
            extra,
        )
    }

    /// A station of an existing office (secrets from `new_station_in_office`), wrapping new
    /// record keys to itself and to the office (generation 0, or the newest one granted).
    pub fn with_secrets(secrets: StationSecrets, officer: OfficerKey) -> Node {
        let office = Recipient::parse("oficina", &secrets.public().office_recipient).unwrap();
        Node::open(secrets, officer, vec![office])
    }

    /// A fresh store for `secrets`, wrapping new record keys to the station and `extra`.
    fn open(secrets: StationSecrets, officer: OfficerKey, extra: Vec<Recipient>) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let p = secrets.public();
        let station = Station {
            office: p.office.clone(),
            station: p.station.clone(),
            created_at: "t".into(),
            station_key: p.key.to_hex(),
            recipients: vec![],
        };
        let store = Store::create(&dir.path().join("db"), &station).unwrap();
        store.put_officer(&officer.public()).unwrap();
        let mut set = RecipientSet::new();
        set.push(Recipient::parse("estacion", &p.recipient).unwrap());
        for r in extra {
            set.push(r);
        }
        Node {
            dir,
            store: Some(store),
            secrets,
            officer,
            recipients: set,
            name: p.station,
        }
    }

    pub fn store(&self) -> &Store {
        self.store.as_ref().unwrap()
    }

    /// The station's keys, with the office generations granted in its known roster.
    pub fn keys(&self) -> StoreKeys<'_> {
        let ring = self
            .trust()
            .roster(self.secrets.office())
            .unwrap()
            .map(|(r, _)| r.keyring_for(&self.secrets))
            .unwrap_or_default();
        StoreKeys::new(&self.secrets, self.recipients.clone(), ring)
    }

    /// Simulates a crash: drops the store and reopens it from disk.
    pub fn restart(&mut self) {
        self.store = None;
        self.store = Some(Store::open(&self.dir.path().join("db")).unwrap());
    }

    pub fn create(&self, curp: &str) -> RecordId {
        let id = RecordId::generate();
        let ident = Identity {
            curp: curp.into(),
            nss: format!("nss-{curp}"),
            nombre: format!("Nombre {curp}"),
            primer_apellido: "Pérez".into(),
            ..Identity::default()
        };
        let rec = PersonRecord::create(id, &ident, "ana", "2026-01-01T00:00:00Z").unwrap();
        let mut open = huella_sync::store::OpenRecord::new(rec);
        let keys = self.keys();
        let tags = TestIndexer(&self.secrets).tags(&open.record);
        let mut b = self.store().batch();
        b.save_record(&keys, &mut open, tags).unwrap();
        self.store().commit(b, &self.officer, "t").unwrap();
        id
    }

    pub fn edit_name(&self, id: RecordId, nombre: &str) {
        let keys = self.keys();
        let mut open = self.store().open_record(&keys, id).unwrap();
        let mut i = open.record.identity().unwrap();
        i.nombre = nombre.into();
        open.record.set_identity(&i).unwrap();
        let tags = TestIndexer(&self.secrets).tags(&open.record);
        let mut b = self.store().batch();
        b.save_record(&keys, &mut open, tags).unwrap();
        self.store().commit(b, &self.officer, "t").unwrap();
    }

    pub fn set_status(&self, id: RecordId, s: BiometricStatus) {
        let keys = self.keys();
        let mut open = self.store().open_record(&keys, id).unwrap();
        open.record
            .set_status(&StatusChange {
                status: s,
                at: "t".into(),
                by: "ana".into(),
                reason: "prueba".into(),
            })
            .unwrap();
        let tags = TestIndexer(&self.secrets).tags(&open.record);
        let mut b = self.store().batch();
        b.save_record(&keys, &mut open, tags).unwrap();
        self.store().commit(b, &self.officer, "t").unwrap();
    }

    /// Opens record `id`, lets `f` change it, saves and commits it.
    pub fn edit(&self, id: RecordId, f: impl FnOnce(&mut PersonRecord)) {
        let keys = self.keys();
        let mut open = self.store().open_record(&keys, id).unwrap();
        f(&mut open.record);
        let tags = TestIndexer(&self.secrets).tags(&open.record);
        let mut b = self.store().batch();
        b.save_record(&keys, &mut open, tags).unwrap();
        self.store().commit(b, &self.officer, "t").unwrap();
    }

    /// Reads record `id` with this station's keys.
    pub fn read<T>(&self, id: RecordId, f: impl FnOnce(&PersonRecord) -> T) -> T {
        let keys = self.keys();
        let open = self.store().open_record(&keys, id).unwrap();
        f(&open.record)
    }

    pub fn name_of(&self, id: RecordId) -> Option<String> {
        let keys = self.keys();
        let open = self.store().open_record(&keys, id).ok()?;
        Some(open.record.identity().ok()?.nombre)
    }

    pub fn heads(&self, id: RecordId) -> Option<Vec<automerge::ChangeHash>> {
        let keys = self.keys();
        let mut open = self.store().open_record(&keys, id).ok()?;
        let mut h = open.record.doc_mut().get_heads();
        h.sort();
        Some(h)
    }

    pub fn roster_entry(&self) -> RosterStation {
        let p = self.secrets.public();
        RosterStation {
            name: self.name.clone(),
            key: p.key.to_hex(),
            recipient: p.recipient,
            revoked: false,
            revoked_at: String::new(),
        }
    }

    pub fn trust(&self) -> Trust {
        Trust::new(self.store().replica())
    }
}

pub struct Hub {
    pub dir: tempfile::TempDir,
    pub db: sled::Db,
    pub side: RelaySide,
    pub key: HubKey,
    pub nonces: NonceCache,
}

impl Hub {
    pub fn new() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path().join("hub")).unwrap();
        let replica = huella_sync::replica::Replica::new(db.open_tree("hub").unwrap());
        Hub {
            dir,
            key: HubKey::generate(),
            nonces: NonceCache::new(replica.clone()),
            side: RelaySide::new(replica),
            db,
        }
    }

    pub fn handle(&self, req: &[u8]) -> Result<Vec<u8>, SyncError> {
        Server {
            local: &self.side,
            key: &self.key,
            nonces: &self.nonces,
        }
        .handle_bytes(req)
    }

    pub fn trust(&self) -> Trust {
        Trust::new(huella_sync::protocol::LocalSide::replica(&self.side).clone())
    }

    pub fn side_replica(&self) -> &huella_sync::replica::Replica {
        huella_sync::protocol::LocalSide::replica(&self.side)
    }
}

/// One signed roster of `office` with every station of `nodes`; `admin` and each node's
/// officer (an administrator) are its administrators.
pub fn roster_for(office: &str, nodes: &[&Node], admin: &OfficerKey) -> SignedRoster {
    let mut admins = vec![RosterAdmin {
        user: admin.user().into(),
        key: admin.public().key.to_hex(),
        station: String::new(),
    }];
    admins.extend(nodes.iter().map(|n| RosterAdmin {
        user: n.officer.user().into(),
        key: n.officer.public().key.to_hex(),
        station: n.name.clone(),
    }));
    let r = Roster {
        office: office.into(),
        version: 1,
        issued_at: "t".into(),
        office_recipient: String::new(),
        stations: nodes.iter().map(|n| n.roster_entry()).collect(),
        admins,
        office_keys: vec![],
    };
    SignedRoster::sign(&r, admin)
}

/// Syncs `node` with the hub in-process (through encoded, signed bytes).
pub fn sync_with(node: &Node, hub: &Hub) -> Result<Outcome, SyncError> {
    sync_offering(node, hub, None)
}

/// Like [`sync_with`], offering the hub `roster` (as stations offer their office roster).
pub fn sync_offering(
    node: &Node,
    hub: &Hub,
    roster: Option<SignedRoster>,
) -> Result<Outcome, SyncError> {
    let idx = TestIndexer(&node.secrets);
    let side = StationSide::new(node.store(), node.keys(), &node.officer, &idx);
    side.prepare()?;
    let mut client = Client::new("hub", None, roster);
    protocol::run(
        &mut client,
        &side,
        &node.secrets,
        &mut |m| hub.handle(&m),
        &mut |_| {},
    )
}

/// Syncs station `a` (client) with station `b` (server) in-process.
pub fn sync_peers(a: &Node, b: &Node) -> Result<Outcome, SyncError> {
    let ia = TestIndexer(&a.secrets);
    let ib = TestIndexer(&b.secrets);
    let sa = StationSide::new(a.store(), a.keys(), &a.officer, &ia);
    let sb = StationSide::new(b.store(), b.keys(), &b.officer, &ib);
    sa.prepare()?;
    sb.prepare()?;
    let nonces = NonceCache::new(b.store().replica());
    let mut client = Client::new("par", None, None);
    protocol::run(
        &mut client,
        &sa,
        &a.secrets,
        &mut |m| {
            Server {
                local: &sb,
                key: &b.secrets,
                nonces: &nonces,
            }
            .handle_bytes(&m)
        },
        &mut |_| {},
    )
}
