//! Sync screen transitions: starting a round, progress per hub or peer from the sync
//! worker's events, the result line and the conflicts left.

use crate::workflows::types::SyncEvent;

use super::{back, set_toast};
use crate::console::action::Action;
use crate::console::msg::{DeskCmd, Effect, SyncOverview, SyncStatus};
use crate::console::state::{App, PeerPhase, PeerProgress, Tone};
use crate::workflows::sync_round::RoundEvent;

/// Keys on the sync screen.
pub fn action(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::SyncNow => start(app),
        Action::Refresh => vec![
            Effect::Desk(DeskCmd::Pending),
            Effect::Desk(DeskCmd::SyncOverview),
        ],
        Action::Back => back(app),
        _ => Vec::new(),
    }
}

/// Asks the desk to start a round (once at a time).
pub fn start(app: &mut App) -> Vec<Effect> {
    if app.sync.running {
        let t = app.s().sync_busy;
        set_toast(app, Tone::Info, t);
        return Vec::new();
    }
    app.sync.running = true;
    app.sync.result = None;
    app.sync.prepared = None;
    app.sync.rounds.clear();
    vec![Effect::Desk(DeskCmd::SyncRound)]
}

/// The desk's overview of hub, peers, last round and conflicts.
pub fn on_overview(app: &mut App, o: SyncOverview) {
    let y = &mut app.sync;
    y.hub = o.hub;
    y.peers = o.peers;
    y.config_error = o.config_error;
    if o.last.is_some() {
        y.last = o.last;
    }
    y.conflicts = o.conflicts.len();
    y.conflict_list = o.conflicts;
    app.backup.plan = o.backup;
}

/// An address without its scheme, so `http://h:1` and `h:1` name the same peer.
fn bare(peer: &str) -> &str {
    peer.trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/')
}

fn row<'a>(app: &'a mut App, peer: &str) -> &'a mut PeerProgress {
    let rounds = &mut app.sync.rounds;
    let i = match rounds.iter().position(|r| bare(&r.peer) == bare(peer)) {
        Some(i) => i,
        None => {
            rounds.push(PeerProgress::waiting(peer));
            rounds.len() - 1
        }
    };
    &mut rounds[i]
}

/// Events of the sync worker.
pub fn on_status(app: &mut App, s: SyncStatus) -> Vec<Effect> {
    match s {
        SyncStatus::Progress { peer, done, total } => {
            if !app.sync.peers.contains(&peer) {
                app.sync.peers.push(peer);
            }
            app.sync.progress = Some((done, total));
        }
        SyncStatus::Finished { at, .. } => {
            app.sync.progress = None;
            app.sync.last = Some(at);
        }
        SyncStatus::Started(targets) => {
            app.sync.running = true;
            app.sync.rounds = targets.iter().map(|t| PeerProgress::waiting(t)).collect();
        }
        SyncStatus::Round(e) => on_round(app, e),
        SyncStatus::Ended(r) => {
            app.sync.running = false;
            app.sync.progress = None;
            let s = app.s();
            if app.toast.as_ref().is_some_and(|(_, t)| t == s.sync_busy) {
                app.toast = None;
            }
            match r {
                Ok((sum, conflicts)) => {
                    let mut line = s
                        .sync_done
                        .replace("{sent}", &sum.sent.to_string())
                        .replace("{received}", &sum.received.to_string())
                        .replace("{conflicts}", &sum.conflicts.to_string());
                    if sum.damaged > 0 {
                        line.push_str(&format!("; {}: {}", s.sync_damaged, sum.damaged));
                    }
                    let tone = if sum.damaged > 0 {
                        Tone::Error
                    } else {
                        Tone::Ok
                    };
                    app.sync.result = Some((tone, line));
                    app.sync.last = Some(sum.at);
                    app.sync.conflicts = conflicts.len();
                    app.sync.conflict_list = conflicts;
                }
                Err(e) => {
                    let why = app.lang.sync_problem(&e);
                    app.sync.result = Some((Tone::Error, format!("{}: {why}", s.sync_failed)));
                }
            }
            return vec![Effect::Desk(DeskCmd::Pending)];
        }
    }
    Vec::new()
}

fn on_round(app: &mut App, e: RoundEvent) {
    match e {
        RoundEvent::Sync(SyncEvent::Prepared { records }) => app.sync.prepared = Some(records),
        RoundEvent::Sync(SyncEvent::Compared { peer, differing }) => {
            let r = row(app, &peer);
            r.phase = PeerPhase::Running;
            r.total = differing;
            r.done = 0;
        }
        RoundEvent::Sync(SyncEvent::Records { peer, done, total }) => {
            let r = row(app, &peer);
            r.phase = PeerPhase::Running;
            r.done = done;
            r.total = total;
        }
        RoundEvent::Sync(SyncEvent::BlobBytes {
            peer,
            received,
            sent,
        }) => {
            let r = row(app, &peer);
            r.blob_received = received;
            r.blob_sent = sent;
        }
        RoundEvent::Sync(SyncEvent::Finished {
            peer, converged, ..
        }) => {
            let r = row(app, &peer);
            r.phase = PeerPhase::Done(converged);
            r.done = r.total;
        }
        RoundEvent::Retrying {
            peer, attempt, of, ..
        } => row(app, &peer).phase = PeerPhase::Retrying(attempt, of),
    }
}
