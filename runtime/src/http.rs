//! The reqwest client calls go through: made here from the client's HTTP
//! settings (never following a redirect), or the integrator's own.

use std::time::Duration;

use super::error::Error;

/// The user agent every request carries (before any suffix).
const USER_AGENT: &str = concat!("qiyuesuo-rust/", env!("CARGO_PKG_VERSION"));

/// How the HTTP client is made; kept so a handle with another connect
/// timeout can make its own.
#[derive(Clone, Default)]
pub(crate) struct HttpSettings {
    pub accept_invalid_certs: bool,
    /// A proxy URL (it may hold credentials: never shown).
    pub proxy: Option<String>,
    /// PEM certificates trusted besides the platform's roots.
    pub root_certificates: Vec<Vec<u8>>,
    /// Text after the user agent, e.g. `my-service/1.2`.
    pub user_agent_suffix: Option<String>,
    /// The integrator's own client, used as it is.
    pub injected: Option<reqwest::Client>,
    /// The base URL is `http` (only ever loopback, the mock or a test
    /// server): no request of this client can need TLS.
    pub plain_http: bool,
}

impl HttpSettings {
    /// The client for a connect timeout.
    pub(crate) fn client<C>(&self, connect_timeout: Duration) -> Result<reqwest::Client, Error<C>> {
        if let Some(client) = &self.injected {
            return Ok(client.clone());
        }
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_owned(),
        };
        let mut builder = reqwest::Client::builder()
            // Never follow a redirect: the signing headers (and for 307/308 the
            // body) would go with it to whatever origin it names, and since the
            // signature covers neither method nor path, they would authorise any
            // other call there for the timestamp's lifetime.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .user_agent(user_agent);
        if let Some(proxy) = &self.proxy {
            // The proxy's URL may carry a password: the error does not show it.
            let proxy = reqwest::Proxy::all(proxy)
                .map_err(|_| Error::Config("the proxy is not a usable URL (http, https or socks)".to_owned()))?;
            builder = builder.proxy(proxy);
        }
        builder = if self.plain_http && self.proxy.is_none() {
            // Redirects are never followed and the base URL is plain HTTP, so
            // no connection can be TLS: skip loading the platform's roots,
            // which costs milliseconds per client (a `qys` call pays it once).
            plain(builder)
        } else {
            tls(builder, self)?
        };
        builder.build().map_err(|e| {
            // reqwest's own text is "builder error"; its cause says more.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            let hint = if self.root_certificates.is_empty() { "" } else { " (check the root certificates)" };
            Error::Config(format!("the HTTP client cannot start{hint}: {text}"))
        })
    }
}

/// With both TLS features on, rustls (the default) wins, whatever order
/// features unify in.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls<C>(builder: reqwest::ClientBuilder, settings: &HttpSettings) -> Result<reqwest::ClientBuilder, Error<C>> {
    #[cfg(feature = "rustls")]
    let mut builder = builder.tls_backend_rustls();
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    let mut builder = builder.tls_backend_native();
    for (index, pem) in settings.root_certificates.iter().enumerate() {
        let certificate = reqwest::Certificate::from_pem(pem)
            .map_err(|_| Error::Config(format!("root certificate {} is not a PEM certificate", index + 1)))?;
        builder = builder.add_root_certificate(certificate);
    }
    Ok(builder.danger_accept_invalid_certs(settings.accept_invalid_certs))
}

/// A client for plain HTTP only: trusting no root, it could finish no TLS handshake.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn plain(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_certs_only([])
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn plain(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn tls<C>(builder: reqwest::ClientBuilder, settings: &HttpSettings) -> Result<reqwest::ClientBuilder, Error<C>> {
    if settings.root_certificates.is_empty() {
        Ok(builder)
    } else {
        Err(Error::Config("root certificates need a TLS feature (`rustls` or `native-tls`)".to_owned()))
    }
}
