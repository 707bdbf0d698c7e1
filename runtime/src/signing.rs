//! Request signing: its own step, run once per attempt, so every attempt has
//! a fresh timestamp and nonce (the server accepts each nonce once). A client
//! signs with each pair it holds, the company's and (SaaS mode) the agent's,
//! both over the same timestamp and nonce.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::ExposeSecret;

use super::credentials::{AgentCredentials, Credentials};

/// Header carrying the access token (AppToken).
pub const ACCESS_TOKEN_HEADER: &str = "x-qys-open-accesstoken";
/// Header carrying the Unix time in milliseconds.
pub const TIMESTAMP_HEADER: &str = "x-qys-open-timestamp";
/// Header carrying the single-use nonce.
pub const NONCE_HEADER: &str = "x-qys-open-nonce";
/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-qys-open-signature";
/// Header carrying the agent's token (SaaS mode).
pub const AGENT_ACCESS_TOKEN_HEADER: &str = "x-qys-open-agentaccesstoken";
/// Header carrying the agent's signature: the same MD5 over the agent's token
/// and secret, the timestamp and the nonce.
pub const AGENT_SIGNATURE_HEADER: &str = "x-qys-open-agentsignature";

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
    let hex = finish(digest, itoa::Buffer::new().format(timestamp), nonce);
    // Hex digits are ASCII.
    String::from_utf8_lossy(&hex).into_owned()
}

/// Feeds the attempt's part (the timestamp as `text`) and returns the
/// digest as lower-case hex.
fn finish(mut digest: Md5, timestamp: &str, nonce: Option<&str>) -> [u8; 32] {
    digest.update(timestamp.as_bytes());
    if let Some(nonce) = nonce {
        digest.update(nonce.as_bytes());
    }
    hex(&digest.finalize().into())
}

/// Lower-case hex without `fmt`, which costs more than the MD5 itself here.
fn hex(bytes: &[u8; 16]) -> [u8; 32] {
    let digit = |nibble: u8| if nibble < 10 { b'0' + nibble } else { b'a' + nibble - 10 };
    let mut out = [0; 32];
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&[digit(byte >> 4), digit(byte & 0x0f)]);
    }
    out
}

/// What signing needs from one pair of credentials, prepared once per client:
/// the token as a header value (checked once, shared by every request) and
/// the MD5 state after the token and the secret, so an attempt hashes only its
/// timestamp and nonce. Neither is ever shown. Public for the benchmarks.
#[doc(hidden)]
#[derive(Clone)]
pub struct SigningKey {
    token: HeaderValue,
    prefix: Md5,
}

impl SigningKey {
    /// Prepares the company's `credentials`; fails if the token cannot be a
    /// header value.
    pub fn new(credentials: &Credentials) -> Result<Self, String> {
        Self::prepare(credentials.access_token.expose_secret(), credentials.access_secret.expose_secret(), "access")
    }

    /// Prepares an agent's `credentials` (SaaS mode).
    pub fn agent(credentials: &AgentCredentials) -> Result<Self, String> {
        let pair = &credentials.0;
        Self::prepare(pair.access_token.expose_secret(), pair.access_secret.expose_secret(), "agent")
    }

    fn prepare(token: &str, secret: &str, which: &str) -> Result<Self, String> {
        if token.is_empty() {
            return Err(format!("the {which} token is empty"));
        }
        if secret.is_empty() {
            return Err(format!("the {which} secret is empty"));
        }
        let mut value = HeaderValue::from_str(token)
            .map_err(|_| format!("the {which} token has characters a header cannot carry"))?;
        value.set_sensitive(true);
        let mut prefix = Md5::new();
        prefix.update(token.as_bytes());
        prefix.update(secret.as_bytes());
        Ok(SigningKey { token: value, prefix })
    }

    /// This pair's token and signature over `timestamp` (as text) and `nonce`.
    fn sign(&self, timestamp: &str, nonce: Option<&str>) -> Result<Pair, String> {
        let signed = finish(self.prefix.clone(), timestamp, nonce);
        let mut signature =
            HeaderValue::from_bytes(&signed).map_err(|_| "the signature is not a valid header value".to_owned())?;
        signature.set_sensitive(true);
        Ok(Pair { token: self.token.clone(), signature })
    }

    /// The signing headers of this pair alone for one attempt at
    /// `timestamp`, with `nonce` unless legacy; the token and signature are
    /// marked sensitive.
    pub fn headers(&self, timestamp: u64, nonce: Option<&str>) -> Result<SignedHeaders, String> {
        signed_headers(Some(self), None, timestamp, nonce)
    }
}

/// The pairs a client signs with: the company's, the agent's, or both.
#[doc(hidden)]
#[derive(Clone)]
pub struct Keys {
    /// The company's pair (AppToken, AppSecret).
    pub company: Option<SigningKey>,
    /// The agent's pair (SaaS mode).
    pub agent: Option<SigningKey>,
}

impl Keys {
    /// The headers of every pair for one attempt, over one timestamp and nonce.
    pub fn headers(&self, timestamp: u64, nonce: Option<&str>) -> Result<SignedHeaders, String> {
        signed_headers(self.company.as_ref(), self.agent.as_ref(), timestamp, nonce)
    }

    /// Whether these pairs can sign `op`: an agent operation needs the
    /// agent's, any other the company's. The error says which is missing.
    pub fn cover(&self, op: &super::operation::Operation) -> Result<(), String> {
        match (op.agent, &self.company, &self.agent) {
            (true, _, None) => Err(format!(
                "`{}` is an agent operation (SaaS mode) and this client has no agent credentials: build it with \
                 `ClientBuilder::new_agent` or add them with `ClientBuilder::agent`",
                op.id
            )),
            (false, None, _) => Err(format!(
                "`{}` is signed with a company's credentials and this agent client has none: add the company's with \
                 `ClientBuilder::credentials` to act for it",
                op.id
            )),
            _ => Ok(()),
        }
    }
}

/// The headers of the pairs given, over one timestamp and nonce.
fn signed_headers(
    company: Option<&SigningKey>,
    agent: Option<&SigningKey>,
    timestamp: u64,
    nonce: Option<&str>,
) -> Result<SignedHeaders, String> {
    let mut text = itoa::Buffer::new();
    let text = text.format(timestamp);
    let invalid = |name: &str| format!("`{name}` is not a valid header value");
    // Only a custom nonce source can fail here (control characters).
    let nonce_value = nonce.map(HeaderValue::from_str).transpose().map_err(|_| invalid(NONCE_HEADER))?;
    Ok(SignedHeaders {
        timestamp: HeaderValue::from_str(text).map_err(|_| invalid(TIMESTAMP_HEADER))?,
        nonce: nonce_value,
        company: company.map(|key| key.sign(text, nonce)).transpose()?,
        agent: agent.map(|key| key.sign(text, nonce)).transpose()?,
    })
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = |key: &Option<SigningKey>| if key.is_some() { "<redacted>" } else { "none" };
        f.debug_struct("Keys").field("company", &held(&self.company)).field("agent", &held(&self.agent)).finish()
    }
}

/// One pair's token and signature, as header values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pair {
    token: HeaderValue,
    signature: HeaderValue,
}

/// One attempt's signing headers, as values ready for a request (no map of
/// their own: the request's map is the one they go into).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    timestamp: HeaderValue,
    nonce: Option<HeaderValue>,
    company: Option<Pair>,
    agent: Option<Pair>,
}

impl SignedHeaders {
    /// Each header with its name, in the order they are sent.
    pub fn iter(&self) -> impl Iterator<Item = (HeaderName, &HeaderValue)> {
        let company = self.company.as_ref();
        let agent = self.agent.as_ref();
        [
            (ACCESS_TOKEN_HEADER, company.map(|p| &p.token)),
            (AGENT_ACCESS_TOKEN_HEADER, agent.map(|p| &p.token)),
            (TIMESTAMP_HEADER, Some(&self.timestamp)),
            (NONCE_HEADER, self.nonce.as_ref()),
            (SIGNATURE_HEADER, company.map(|p| &p.signature)),
            (AGENT_SIGNATURE_HEADER, agent.map(|p| &p.signature)),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (HeaderName::from_static(name), value)))
    }

    /// The headers as a map.
    pub fn into_map(self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(6);
        for (name, value) in self.iter() {
            map.insert(name, value.clone());
        }
        map
    }

    /// Adds the headers to a request (a clone of a value shares its bytes).
    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        self.iter().fold(request, |request, (name, value)| request.header(name, value.clone()))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// Signs one attempt.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub keys: Keys,
    pub mode: SignatureMode,
    pub clock: Arc<dyn Clock>,
    pub nonces: Arc<dyn NonceSource>,
}

impl Signer {
    /// The signing headers for one attempt.
    /// `skew_ms` is added to the clock: how far the server's clock is ahead.
    pub fn headers(&self, skew_ms: i64) -> Result<SignedHeaders, String> {
        let timestamp = self.clock.now_millis().saturating_add_signed(skew_ms);
        let nonce = match self.mode {
            SignatureMode::Nonce => Some(self.nonces.nonce()),
            SignatureMode::Legacy => None,
        };
        self.keys.headers(timestamp, nonce.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prepared_key_signs_as_the_plain_function_does() {
        let key = SigningKey::new(&Credentials::new("token-1", "secret-1")).expect("a valid token");
        for (timestamp, nonce) in [(0, None), (1_700_000_000_123, Some("n-1")), (u64::MAX, Some(""))] {
            let headers = key.headers(timestamp, nonce).expect("headers").into_map();
            let expected = signature("token-1", "secret-1", timestamp, nonce);
            assert_eq!(headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()), Some(expected.as_str()));
            assert_eq!(
                headers.get(TIMESTAMP_HEADER).and_then(|v| v.to_str().ok()),
                Some(timestamp.to_string().as_str())
            );
            assert_eq!(headers.get(NONCE_HEADER).and_then(|v| v.to_str().ok()), nonce);
            assert!(headers.get(ACCESS_TOKEN_HEADER).is_some_and(HeaderValue::is_sensitive));
            assert!(headers.get(SIGNATURE_HEADER).is_some_and(HeaderValue::is_sensitive));
        }
        // The same key twice: the prepared state is cloned, never consumed.
        assert_eq!(key.headers(5, Some("n")), key.headers(5, Some("n")));
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }

    #[test]
    fn keys_cover_the_operations_whose_pair_they_hold_and_sign_both_over_one_nonce() {
        use crate::operation::{Method, Operation};
        let op = |agent| Operation { id: "op", method: Method::Get, path: "/op", codes: &[], idempotent: true, agent };
        let (company, agent) = (&op(false), &op(true));
        let company_key = SigningKey::new(&Credentials::new("t", "s")).expect("a valid token");
        let agent_key = SigningKey::agent(&AgentCredentials::new("at", "as")).expect("a valid token");
        let only_company = Keys { company: Some(company_key.clone()), agent: None };
        let only_agent = Keys { company: None, agent: Some(agent_key.clone()) };
        let both = Keys { company: Some(company_key), agent: Some(agent_key) };
        assert!(only_company.cover(company).is_ok() && only_agent.cover(agent).is_ok());
        assert!(both.cover(company).is_ok() && both.cover(agent).is_ok());
        assert!(only_company.cover(agent).err().unwrap_or_default().contains("no agent credentials"));
        assert!(only_agent.cover(company).err().unwrap_or_default().contains("has none"));
        let headers = both.headers(7, Some("n")).expect("headers").into_map();
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(text(SIGNATURE_HEADER), Some(signature("t", "s", 7, Some("n"))));
        assert_eq!(text(AGENT_SIGNATURE_HEADER), Some(signature("at", "as", 7, Some("n"))));
        assert!(headers.get(AGENT_ACCESS_TOKEN_HEADER).is_some_and(HeaderValue::is_sensitive));
        assert_eq!(format!("{both:?}"), "Keys { company: \"<redacted>\", agent: \"<redacted>\" }");
        let empty = SigningKey::agent(&AgentCredentials::new("at", "")).err().unwrap_or_default();
        assert_eq!(empty, "the agent secret is empty");
    }

    #[test]
    fn hex_agrees_with_fmt() {
        let bytes: [u8; 16] =
            [0x00, 0x01, 0x09, 0x0a, 0x0f, 0x10, 0x7f, 0x80, 0x9a, 0xa9, 0xcd, 0xef, 0xf0, 0xfe, 0xff, 0x42];
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(String::from_utf8_lossy(&hex(&bytes)), expected);
    }

    #[test]
    fn a_token_a_header_cannot_carry_is_refused_by_name() {
        let error = SigningKey::new(&Credentials::new("bad\ntoken", "s")).err().unwrap_or_default();
        assert!(error.contains("access token"), "{error}");
        assert!(!error.contains("bad"), "the token must not be shown: {error}");
    }
}
