//! `ClientBuilder`: checks the settings once, so a client that builds can
//! sign and send.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use super::codes::Codes;
use super::core::Core;
use super::credentials::{AgentCredentials, Credentials};
use super::error::Error;
use super::http::HttpSettings;
use super::options::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOTAL_TIMEOUT, Settings,
};
use super::pages::WalkLimits;
use super::retry::{DEFAULT_BUDGET_RETRIES, RetryPolicy};
use super::secret::without_userinfo;
use super::signing::{Clock, Keys, NonceSource, SignatureMode, Signer, SigningKey, SystemClock, UuidNonces};

/// A generated client made from a [`Core`].
pub trait FromCore {
    /// The API's response codes, which type the client's errors.
    type Codes: Codes;
    /// Wraps the core.
    fn from_core(core: Core) -> Self;
}

/// Settings for a client; `C` is the client type it builds.
pub struct ClientBuilder<C> {
    base_url: String,
    /// The company's pair; `None` for an agent's client until it acts for one.
    credentials: Option<Credentials>,
    /// The agent's pair (SaaS mode).
    agent: Option<AgentCredentials>,
    mode: SignatureMode,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
    settings: Settings,
    budget_retries: u32,
    insecure_http: bool,
    http: HttpSettings,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &without_userinfo(&self.base_url))
            .field("credentials", &self.credentials)
            .field("agent", &self.agent)
            .field("mode", &self.mode)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<C: FromCore> ClientBuilder<C> {
    /// Starts from the defaults: four-header signature, system clock, UUID
    /// nonces, 3 s to connect, 30 s per attempt, 60 s per call, 3 attempts,
    /// answers up to 16 MiB.
    pub fn new(base_url: &str, access_token: impl Into<String>, access_secret: impl Into<String>) -> Self {
        Self::with(base_url, Some(Credentials::new(access_token, access_secret)), None)
    }

    /// Like [`ClientBuilder::new`], for an agent (SaaS mode, 代理商) with its
    /// own pair: its client calls the agent operations (`/saas/v2/…`). To act
    /// for a company it serves, add the company's pair with
    /// [`ClientBuilder::credentials`]: every request then carries both
    /// signatures, over one timestamp and nonce.
    pub fn new_agent(base_url: &str, agent_token: impl Into<String>, agent_secret: impl Into<String>) -> Self {
        Self::with(base_url, None, Some(AgentCredentials::new(agent_token, agent_secret)))
    }

    /// Signs every request with the company's pair as well (an agent acting
    /// for a company); replaces the pair given before.
    pub fn credentials(mut self, access_token: impl Into<String>, access_secret: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::new(access_token, access_secret));
        self
    }

    /// Signs every request with an agent's pair as well (SaaS mode): the
    /// company's client of an agent, which may also call the agent operations.
    pub fn agent(mut self, agent_token: impl Into<String>, agent_secret: impl Into<String>) -> Self {
        self.agent = Some(AgentCredentials::new(agent_token, agent_secret));
        self
    }

    fn with(base_url: &str, credentials: Option<Credentials>, agent: Option<AgentCredentials>) -> Self {
        ClientBuilder {
            base_url: base_url.to_owned(),
            credentials,
            agent,
            mode: SignatureMode::Nonce,
            clock: Arc::new(SystemClock),
            nonces: Arc::new(UuidNonces),
            settings: Settings {
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
                total_timeout: DEFAULT_TOTAL_TIMEOUT,
                retry: RetryPolicy::default(),
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
                max_download_bytes: None,
                walk: WalkLimits::default(),
                dry_run: false,
            },
            budget_retries: DEFAULT_BUDGET_RETRIES,
            insecure_http: false,
            http: HttpSettings::default(),
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
        self.settings.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the answer's last byte
    /// (a slowly trickling body counts).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.attempt_timeout = timeout;
        self
    }

    /// Time allowed for a whole call: every attempt and every wait.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.settings.total_timeout = timeout;
        self
    }

    /// When to retry (3 attempts with full-jitter backoff by default).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    /// How many retries a burst may use before the budget limits them to
    /// about one per five calls (10 by default).
    pub fn retry_budget(mut self, burst: u32) -> Self {
        self.budget_retries = burst;
        self
    }

    /// The largest JSON answer accepted (16 MiB by default); a larger one is
    /// an error, read no further.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_body_bytes = bytes;
        self
    }

    /// Caps every download's size (none by default): a larger file is an
    /// error, read no further; `CallOptions` can set it per call.
    pub fn max_download_bytes(mut self, bytes: u64) -> Self {
        self.settings.max_download_bytes = Some(bytes);
        self
    }

    /// Bounds every page walk (`…_all`): items and time (1,000,000 items and
    /// 10 minutes by default, `WalkLimits`); `CallOptions` can set them per call.
    pub fn walk_limits(mut self, limits: WalkLimits) -> Self {
        self.settings.walk = limits;
        self
    }

    /// Accepts any TLS certificate, which lets anyone on the path read and
    /// change the traffic. Never for the real API.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.http.accept_invalid_certs = true;
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or,
    /// with reqwest's `socks` feature, `socks5://`; user and password in the
    /// URL are used and never shown). Checked when the client is built.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.http.proxy = Some(url.into());
        self
    }

    /// Trusts this PEM certificate (a private CA, a TLS-inspecting proxy)
    /// besides the platform's roots; checked when the client is built.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.http.root_certificates.push(pem.into());
        self
    }

    /// Appends to the user agent (`qiyuesuo-rust/<version> <suffix>`), so the
    /// API's logs can tell your service apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.http.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sends through your own `reqwest::Client`, for anything the builder
    /// does not offer. The crate then no longer decides for it: its redirect
    /// policy (build it with `redirect(reqwest::redirect::Policy::none())`, or
    /// a redirect carries the signing headers to another host), its TLS
    /// settings and roots, its connect timeout (a `CallOptions` connect
    /// timeout changes nothing) and its user agent. `proxy`,
    /// `add_root_certificate_pem`, `user_agent_suffix` and
    /// `danger_accept_invalid_certs` are then ignored.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http.injected = Some(client);
        self
    }

    /// Allows plain `http://` to hosts other than loopback, which sends the
    /// token and signature in clear. Only for private networks you trust.
    pub fn danger_allow_insecure_http(mut self) -> Self {
        self.insecure_http = true;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(mut self) -> Result<C, Error<C::Codes>> {
        let base_url = check_base_url(&self.base_url, self.insecure_http)?;
        let keys = Keys {
            company: self.credentials.as_ref().map(SigningKey::new).transpose().map_err(Error::Config)?,
            agent: self.agent.as_ref().map(SigningKey::agent).transpose().map_err(Error::Config)?,
        };
        self.http.plain_http = base_url.starts_with("http://");
        let http = self.http.client(self.settings.connect_timeout)?;
        let signer = Signer { keys, mode: self.mode, clock: self.clock, nonces: self.nonces };
        let core = Core::new(http, base_url, signer, self.settings, self.budget_retries, self.http);
        Ok(C::from_core(core))
    }
}

/// An absolute `https` URL (or `http` to loopback) without query or
/// fragment; returned without its trailing `/`, ready for paths.
fn check_base_url<C>(raw_text: &str, insecure_http: bool) -> Result<String, Error<C>> {
    // Messages show the URL without any user info it carries.
    let shown = without_userinfo(raw_text);
    let text = shown.as_str();
    let url = reqwest::Url::parse(raw_text).map_err(|e| Error::Config(format!("base URL `{text}`: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("base URL `{text}` must not have a query or fragment")));
    }
    match url.scheme() {
        "https" if cfg!(any(feature = "rustls", feature = "native-tls")) => {}
        "https" => {
            return Err(Error::Config(format!(
                "base URL `{text}` is https, and this build has no TLS: enable the `rustls` or `native-tls` feature"
            )));
        }
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

/// Whether a URL's host is loopback, where plain `http` is allowed.
pub fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some(host) if host.eq_ignore_ascii_case("localhost") => true,
        Some(host) => host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::codes::test_codes::TestCode;

    fn check_base_url(text: &str, insecure_http: bool) -> Result<String, crate::Error<TestCode>> {
        super::check_base_url(text, insecure_http)
    }

    #[test]
    fn loopback_http_is_allowed_and_other_http_is_not() {
        assert!(check_base_url("http://127.0.0.1:8080/", false).is_ok());
        assert!(check_base_url("http://[::1]:1", false).is_ok());
        assert!(check_base_url("http://example.com", false).is_err());
        assert!(check_base_url("http://example.com", true).is_ok());
    }

    #[test]
    fn errors_never_show_user_info() {
        for url in ["http://user:pw@example.com/x", "ftp://user:pw@example.com", "https://user:pw@host?q#f"] {
            let error = check_base_url(url, false).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(!error.contains("pw") && !error.contains("user"), "{error}");
            assert!(error.contains("***@"), "{error}");
        }
    }

    #[test]
    fn https_needs_a_tls_feature() {
        let checked = check_base_url("https://openapi.qiyuesuo.cn", false);
        if cfg!(any(feature = "rustls", feature = "native-tls")) {
            assert_eq!(checked.ok().as_deref(), Some("https://openapi.qiyuesuo.cn"));
        } else {
            let error = checked.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("enable the `rustls` or `native-tls` feature"), "{error}");
        }
    }
}
