//! `ClientBuilder`: checks the settings once, so a client that builds can
//! sign and send.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::ExposeSecret;

use super::core::Core;
use super::credentials::Credentials;
use super::error::Error;
use super::signing::{Clock, NonceSource, SignatureMode, Signer, SystemClock, UuidNonces};

/// A generated client made from a [`Core`].
pub trait FromCore {
    /// Wraps the core.
    fn from_core(core: Core) -> Self;
}

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Default time allowed for a whole call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for a client; `C` is the client type it builds.
pub struct ClientBuilder<C> {
    base_url: String,
    credentials: Credentials,
    mode: SignatureMode,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    connect_timeout: Duration,
    timeout: Duration,
    insecure_http: bool,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("mode", &self.mode)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<C: FromCore> ClientBuilder<C> {
    /// Starts from the defaults: four-header signature, system clock, UUID
    /// nonces, 3 s to connect and 30 s per call.
    pub fn new(base_url: &str, access_token: impl Into<String>, access_secret: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.to_owned(),
            credentials: Credentials::new(access_token, access_secret),
            mode: SignatureMode::Nonce,
            clock: Arc::new(SystemClock),
            nonces: Arc::new(UuidNonces),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            insecure_http: false,
            client: PhantomData,
        }
    }

    /// Signs the three-header way of deployments that predate the nonce.
    pub fn legacy_signature(self) -> Self {
        self.signature_mode(SignatureMode::Legacy)
    }

    /// Chooses the signature.
    pub fn signature_mode(mut self, mode: SignatureMode) -> Self {
        self.mode = mode;
        self
    }

    /// Replaces the clock (for tests).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the nonce source (for tests).
    pub fn nonce_source(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Allows plain `http://` to hosts other than loopback, which sends the
    /// token and signature in clear. Only for private networks you trust.
    pub fn danger_allow_insecure_http(mut self) -> Self {
        self.insecure_http = true;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let base_url = check_base_url(&self.base_url, self.insecure_http)?;
        if HeaderValue::from_str(self.credentials.access_token.expose_secret()).is_err() {
            return Err(Error::Config("the access token has characters a header cannot carry".to_owned()));
        }
        if self.credentials.access_token.expose_secret().is_empty() {
            return Err(Error::Config("the access token is empty".to_owned()));
        }
        if self.credentials.access_secret.expose_secret().is_empty() {
            return Err(Error::Config("the access secret is empty".to_owned()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("qiyuesuo-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("the HTTP client cannot start: {e}")))?;
        let signer = Signer { credentials: self.credentials, mode: self.mode, clock: self.clock, nonces: self.nonces };
        Ok(C::from_core(Core::new(http, base_url, signer)))
    }
}

/// An absolute `https` URL (or `http` to loopback) without query or
/// fragment; returned without its trailing `/`, ready for paths.
fn check_base_url(text: &str, insecure_http: bool) -> Result<String, Error> {
    let url = reqwest::Url::parse(text).map_err(|e| Error::Config(format!("base URL `{text}`: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("base URL `{text}` must not have a query or fragment")));
    }
    match url.scheme() {
        "https" => {}
        "http" if insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL `{text}` is plain http to a host that is not loopback, which would send the token in \
                 clear; use https (or `danger_allow_insecure_http`)"
            )));
        }
        scheme => return Err(Error::Config(format!("base URL `{text}`: scheme `{scheme}` is not http or https"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some(host) if host.eq_ignore_ascii_case("localhost") => true,
        Some(host) => host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}
