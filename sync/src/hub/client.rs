//! The station's HTTP transport to a hub (ureq, blocking).

use std::time::Duration;

use crate::protocol::{MAX_MESSAGE, SyncError};

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
        let url = format!("{}{}", self.base, path);
        let err = |reason: String| SyncError::Transport {
            peer: self.base.clone(),
            reason,
        };
        let mut resp = self
            .agent
            .post(&url)
            .header("content-type", "application/octet-stream")
            .send(body)
            .map_err(|e| err(e.to_string()))?;
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
            return Err(if status == 403 || status == 409 || status == 400 {
                SyncError::Refused(text)
            } else {
                err(format!("HTTP {status}: {text}"))
            });
        }
        Ok(bytes)
    }

    /// One sync round trip.
    pub fn call(&mut self, body: Vec<u8>) -> Result<Vec<u8>, SyncError> {
        self.post("/v1/sync", &body)
    }
}
