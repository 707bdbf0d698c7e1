//! Request signing: its own step, run once per attempt, so every attempt has
//! a fresh timestamp and nonce (the server accepts each nonce once).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::ExposeSecret;

use super::credentials::Credentials;

/// Header carrying the access token (AppToken).
pub const ACCESS_TOKEN_HEADER: &str = "x-qys-open-accesstoken";
/// Header carrying the Unix time in milliseconds.
pub const TIMESTAMP_HEADER: &str = "x-qys-open-timestamp";
/// Header carrying the single-use nonce.
pub const NONCE_HEADER: &str = "x-qys-open-nonce";
/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-qys-open-signature";

/// Which signature the server expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureMode {
    /// Four headers; the signature covers token, secret, timestamp and nonce.
    #[default]
    Nonce,
    /// The three headers of older deployments; the signature covers token,
    /// secret and timestamp, and no nonce is sent.
    Legacy,
}

/// The time source for timestamps; replace it in tests for fixed output.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        // A clock before 1970 is a broken host; 0 makes the server reject the
        // request with a clear error rather than this library panicking.
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// The nonce source; replace it in tests for fixed output.
pub trait NonceSource: Send + Sync + fmt::Debug {
    /// A value never returned before.
    fn nonce(&self) -> String;
}

/// Random (version 4) UUIDs.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidNonces;

impl NonceSource for UuidNonces {
    fn nonce(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// The signature: lower-case hex MD5 of token, secret, timestamp and (unless
/// legacy) nonce, concatenated without separators.
pub fn signature(access_token: &str, access_secret: &str, timestamp: u64, nonce: Option<&str>) -> String {
    let mut digest = Md5::new();
    // Fed piecewise, so the secret is never copied into a joined string.
    digest.update(access_token.as_bytes());
    digest.update(access_secret.as_bytes());
    digest.update(itoa::Buffer::new().format(timestamp).as_bytes());
    if let Some(nonce) = nonce {
        digest.update(nonce.as_bytes());
    }
    format!("{:x}", digest.finalize())
}

/// Signs one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub credentials: Credentials,
    pub mode: SignatureMode,
    pub clock: Arc<dyn Clock>,
    pub nonces: Arc<dyn NonceSource>,
}

impl Signer {
    /// The signing headers for one attempt; token and signature are marked
    /// sensitive, so HTTP-level debug output does not show them.
    /// `skew_ms` is added to the clock: how far the server's clock is ahead.
    pub fn headers(&self, skew_ms: i64) -> Result<HeaderMap, String> {
        let timestamp = self.clock.now_millis().saturating_add_signed(skew_ms);
        let nonce = match self.mode {
            SignatureMode::Nonce => Some(self.nonces.nonce()),
            SignatureMode::Legacy => None,
        };
        signed_headers(&self.credentials, timestamp, nonce.as_deref())
    }
}

/// The signing headers for one attempt at `timestamp`, with `nonce` unless
/// legacy; the token and signature are marked sensitive. Public for the
/// benchmarks; clients call it through their signer on every attempt.
#[doc(hidden)]
pub fn signed_headers(credentials: &Credentials, timestamp: u64, nonce: Option<&str>) -> Result<HeaderMap, String> {
    let token = credentials.access_token.expose_secret();
    let signed = signature(token, credentials.access_secret.expose_secret(), timestamp, nonce);
    let mut headers = HeaderMap::with_capacity(4);
    insert(&mut headers, ACCESS_TOKEN_HEADER, token, true)?;
    headers.insert(HeaderName::from_static(TIMESTAMP_HEADER), HeaderValue::from(timestamp));
    if let Some(nonce) = nonce {
        insert(&mut headers, NONCE_HEADER, nonce, false)?;
    }
    insert(&mut headers, SIGNATURE_HEADER, &signed, true)?;
    Ok(headers)
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str, sensitive: bool) -> Result<(), String> {
    // Only the nonce can fail here (a custom source returning control
    // characters); the token is checked when the client is built.
    let mut value = HeaderValue::from_str(value).map_err(|_| format!("`{name}` is not a valid header value"))?;
    value.set_sensitive(sensitive);
    headers.insert(HeaderName::from_static(name), value);
    Ok(())
}
