//! The station's HTTP transport to a hub (ureq, blocking).

use std::time::Duration;

use super::head::{HEAD_HEADER, RequestHead};
use crate::protocol::{MAX_MESSAGE, Signer, SyncError};

/// A hub reached over HTTP.
pub struct HttpTransport {
    agent: ureq::Agent,
    base: String,
    /// Bytes sent and received over HTTP bodies so far.
    pub bytes: u64,
}

impl HttpTransport {
    /// A transport to the hub at `base` (e.g. `http://127.0.0.1:7400`).
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .build()
            .into();
        HttpTransport {
            agent,
            base: base.trim_end_matches('/').to_owned(),
            bytes: 0,
        }
    }

    /// Posts `body` to `path` and returns the answer body; non-200 answers become errors
    /// carrying the hub's message.
    pub fn post(&mut self, path: &str, body: &[u8]) -> Result<Vec<u8>, SyncError> {
        self.post_headed(path, body, None)
    }

    fn post_with_head(
        &mut self,
        path: &str,
        body: &[u8],
        head: &RequestHead,
    ) -> Result<Vec<u8>, SyncError> {
        self.post_headed(path, body, Some(head.to_header()))
    }

    fn post_headed(
        &mut self,
        path: &str,
        body: &[u8],
        head: Option<String>,
    ) -> Result<Vec<u8>, SyncError> {
        let url = format!("{}{}", self.base, path);
        let err = |reason: String| SyncError::Transport {
            peer: self.base.clone(),
            reason,
        };
        let mut req = self
            .agent
            .post(&url)
            .header("content-type", "application/octet-stream");
        if let Some(h) = head {
            req = req.header(HEAD_HEADER, h);
        }
        let mut resp = req.send(body).map_err(|e| err(e.to_string()))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(MAX_MESSAGE as u64)
            .read_to_vec()
            .map_err(|e| err(e.to_string()))?;
        self.bytes += (body.len() + bytes.len()) as u64;
        if status != 200 {
            let text = String::from_utf8_lossy(&bytes).chars().take(300).collect();
            return Err(if matches!(status, 400 | 401 | 403 | 409) {
                SyncError::Refused(text)
            } else {
                err(format!("HTTP {status}: {text}"))
            });
        }
        Ok(bytes)
    }

    /// One sync round trip: the request's signed head goes in a header, so the hub checks
    /// who is calling before it reads the body.
    pub fn call(&mut self, body: Vec<u8>) -> Result<Vec<u8>, SyncError> {
        let head = RequestHead::of_request(&body)?;
        self.post_with_head("/v1/sync", &body, &head)
    }

    /// Sends a bundle to the hub `hub_key` as `station` (a signed head addressed to that hub)
    /// and returns the acknowledgement bundle.
    pub fn send_bundle(
        &mut self,
        bundle: &[u8],
        station: &dyn Signer,
        hub_key: [u8; 32],
    ) -> Result<Vec<u8>, SyncError> {
        let head = RequestHead::for_bundle(bundle, station, hub_key);
        self.post_with_head("/v1/bundle", bundle, &head)
    }
}
