//! The transport: validates and encodes a call once, then runs its attempts:
//! each one signed afresh, sent, read within the body cap and decoded; a
//! failed attempt is retried when the retry table, the budget and the
//! call's remaining time all allow. Nothing here knows any operation.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{CONTENT_TYPE, DATE, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::download::Download;
use super::envelope::{self, Answer, AttemptError};
use super::error::{CallInfo, Error, TransportKind};
use super::multipart::{self, Parts, Ready};
use super::operation::{Input, Method, Operation};
use super::options::{CallOptions, Settings};
use super::retry::{self, RetryBudget};
use super::signing::Signer;
use super::trace;
use super::validate::Validate;

/// What the API sends JSON bodies as.
const JSON: &str = "application/json;charset=UTF-8";

/// Server clocks further off than this are corrected for (from `Date`).
const SKEW_TOLERANCE_MS: i64 = 60_000;

/// The shared state of a client: HTTP pool, base URL, signer, settings and
/// retry budget. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
    /// This handle's HTTP client: the shared one, or its own when a call
    /// option changed the connect timeout.
    http: reqwest::Client,
    settings: Settings,
}

struct Inner {
    base_url: String,
    signer: Signer,
    budget: RetryBudget,
    /// How far the server's clock is ahead of ours, in ms, when it is far.
    skew_ms: AtomicI64,
    accept_invalid_certs: bool,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &self.inner.base_url)
            .field("signature_mode", &self.inner.signer.mode)
            .field("credentials", &self.inner.signer.credentials)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A request body encoded once, for every attempt.
enum Prepared {
    None,
    Json(bytes::Bytes),
    Query(String),
    /// Parts with their files read; a fresh form is built from them per attempt.
    Multipart(Vec<(&'static str, Ready)>),
}

/// Turns the answer of a download operation into a [`Download`].
type Streamer<'a, T> = &'a (dyn Fn(reqwest::Response, Option<bytes::Bytes>, CallInfo) -> T + Sync);

/// What an attempt received.
enum Received {
    /// A whole (enveloped) answer.
    Whole(Exchange),
    /// A file, with its first chunk already read.
    Stream(reqwest::Response, Option<bytes::Bytes>),
}

impl Core {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: String,
        signer: Signer,
        settings: Settings,
        budget_retries: u32,
        accept_invalid_certs: bool,
    ) -> Self {
        let inner = Inner {
            base_url,
            signer,
            budget: RetryBudget::new(budget_retries),
            skew_ms: AtomicI64::new(0),
            accept_invalid_certs,
        };
        Core { inner: Arc::new(inner), http, settings }
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A handle whose calls use `options`; it shares the credentials, the
    /// connection pool (unless the connect timeout changes) and the retry budget.
    pub fn with_options(&self, options: CallOptions) -> Result<Core, Error> {
        let settings = self.settings.with(options);
        let http = if settings.connect_timeout == self.settings.connect_timeout {
            self.http.clone()
        } else {
            http_client(settings.connect_timeout, self.inner.accept_invalid_certs)?
        };
        Ok(Core { inner: Arc::clone(&self.inner), http, settings })
    }

    /// Calls `op` and returns its `result`.
    pub async fn send<B, T>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<T, Error>
    where
        B: Serialize + Validate,
        T: DeserializeOwned,
    {
        let prepared = prepare(op, input).await?;
        self.run(op, &prepared, envelope::decode_required::<T>, None).await
    }

    /// Calls `op`, whose answer documents no `result`.
    pub async fn send_without_result<B>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<(), Error>
    where
        B: Serialize + Validate,
    {
        let prepared = prepare(op, input).await?;
        self.run(op, &prepared, |answer| envelope::decode::<IgnoredAny>(answer).map(|_| ()), None).await
    }

    /// Calls `op`, which answers a file, and returns it as it starts to
    /// arrive. An error envelope in its place is an error, never a file.
    pub async fn download<B>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<Download, Error>
    where
        B: Serialize + Validate,
    {
        let prepared = prepare(op, input).await?;
        let idle = self.settings.attempt_timeout;
        let streamer = move |response, first, call: CallInfo| Download::new(response, first, op, call, idle);
        // A JSON answer is an error envelope: code 0 there is not the file.
        let refuse = |answer: &Answer<'_>| {
            envelope::decode::<IgnoredAny>(answer)?;
            Err(AttemptError::decode(answer, "an envelope with code 0 where a file was expected".to_owned()))
        };
        self.run(op, &prepared, refuse, Some(&streamer)).await
    }

    async fn run<T>(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
        decode: impl Fn(&Answer<'_>) -> Result<T, AttemptError>,
        stream: Option<Streamer<'_, T>>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        // 64 random bits: unique enough to find one call in the logs, and
        // formatted only when a span or an error shows it.
        let request_id = RequestId(fastrand::u64(..));
        let attempts = self.attempts(op, prepared, &decode, stream, started, request_id);
        trace::in_call_span(op.id, request_id, attempts).await
    }

    async fn attempts<T>(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
        decode: &impl Fn(&Answer<'_>) -> Result<T, AttemptError>,
        stream: Option<Streamer<'_, T>>,
        started: Instant,
        request_id: RequestId,
    ) -> Result<T, Error> {
        let settings = self.settings;
        let deadline = started + settings.total_timeout;
        let call =
            |attempts: u32| CallInfo { request_id: request_id.to_string(), attempts, elapsed: started.elapsed() };
        self.inner.budget.deposit();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let limit = settings.attempt_timeout.min(remaining);
            let outcome = match tokio::time::timeout(limit, self.attempt(op, prepared, stream.is_some())).await {
                Ok(Ok(Received::Stream(response, first))) => match stream {
                    Some(streamer) => {
                        trace::answer(attempt, response.status().as_u16(), started);
                        Ok(streamer(response, first, call(attempt)))
                    }
                    // `attempt` streams only when asked to.
                    None => Err((AttemptError::Transport { kind: TransportKind::Other, source: None }, None)),
                },
                Ok(Ok(Received::Whole(exchange))) => {
                    let answer = Answer {
                        status: exchange.status,
                        content_type: exchange.content_type.as_deref(),
                        body: &exchange.body,
                    };
                    trace::answer(attempt, exchange.status, started);
                    decode(&answer).map_err(|e| {
                        // Only a refused answer needs the server's clock.
                        let date = exchange.date.as_ref().and_then(|d| d.to_str().ok());
                        if let Some(date) = date.and_then(|d| httpdate::parse_http_date(d).ok()) {
                            self.observe_server_clock(date);
                        }
                        (e, exchange.retry_after)
                    })
                }
                Ok(Err(error)) => Err((error, None)),
                Err(_) if remaining <= settings.attempt_timeout => {
                    Err((AttemptError::Transport { kind: TransportKind::CallTimeout, source: None }, None))
                }
                Err(_) => Err((AttemptError::Transport { kind: TransportKind::Timeout, source: None }, None)),
            };
            let (error, retry_after) = match outcome {
                Ok(result) => {
                    trace::call_end(attempt, Some(0), started);
                    return Ok(result);
                }
                Err(failed) => failed,
            };
            let failure = error.failure();
            let may = attempt < settings.retry.max_attempts && retry::may_retry(failure, op.idempotent);
            let wait = settings.retry.backoff_after(attempt).max(retry_after.unwrap_or_default());
            let in_time = Instant::now() + wait < deadline;
            trace::attempt_failed(attempt, failure, may && in_time, wait);
            if !(may && in_time && self.inner.budget.withdraw()) {
                let error = error.into_error(op, call(attempt));
                trace::call_end(attempt, error.as_api().map(|api| api.raw_code), started);
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: sign, send, read the body within the cap (or, for a
    /// file, only its first chunk).
    async fn attempt(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
        stream: bool,
    ) -> Result<Received, AttemptError> {
        let skew = self.inner.skew_ms.load(Ordering::Relaxed);
        let headers = self.inner.signer.headers(skew).map_err(AttemptError::Unsendable)?;
        let mut url = format!("{}{}", self.inner.base_url, op.path);
        let method = match op.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        if let Prepared::Query(query) = prepared
            && !query.is_empty()
        {
            url.push('?');
            url.push_str(query);
        }
        let mut request = self.http.request(method, url).headers(headers);
        match prepared {
            Prepared::Json(bytes) => {
                request = request.header(CONTENT_TYPE, HeaderValue::from_static(JSON)).body(bytes.clone());
            }
            Prepared::Multipart(parts) => request = request.multipart(multipart::form(parts)),
            Prepared::None | Prepared::Query(_) => {}
        }
        let transport = |source: reqwest::Error| {
            let kind = if source.is_connect() { TransportKind::Connect } else { TransportKind::Other };
            AttemptError::Transport { kind, source: Some(source.without_url()) }
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let header = |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        let content_type = header(CONTENT_TYPE).map(str::to_owned);
        let retry_after = header(RETRY_AFTER).and_then(|v| retry::retry_after(v, SystemTime::now()));
        // A cheap clone (shared bytes): parsed only if the attempt fails.
        let date = response.headers().get(DATE).cloned();
        let cap = self.settings.max_body_bytes;
        let too_large = |size: String| AttemptError::Decode {
            http_status: status,
            content_type: content_type.clone(),
            body_sample: String::new(),
            reason: format!("the answer is {size} bytes, over the cap of {cap}"),
            retry: false,
        };
        let mut body = Vec::new();
        let is_json = content_type.as_deref().is_some_and(|t| t.contains("json"));
        if stream && (200..300).contains(&status) && !is_json {
            let first = response.chunk().await.map_err(transport)?;
            // A ZIP or PDF never starts with `{`; an envelope sent as a file does.
            let enveloped = first.as_ref().is_some_and(|c| c.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'));
            if !enveloped {
                return Ok(Received::Stream(response, first));
            }
            body.extend_from_slice(first.as_deref().unwrap_or_default());
        }
        if let Some(length) = response.content_length()
            && length > cap as u64
        {
            return Err(too_large(length.to_string()));
        }
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > cap {
                return Err(too_large(format!("more than {}", body.len() + chunk.len())));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Received::Whole(Exchange { status, content_type, body, retry_after, date }))
    }

    /// Remembers the server's clock when it is far from ours, so the next
    /// signatures carry a timestamp the server accepts.
    fn observe_server_clock(&self, server: SystemTime) {
        let server_ms = server.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        // Against the signer's clock, which is the one the timestamps come from.
        let skew = server_ms - self.inner.signer.clock.now_millis() as i64;
        let corrected = if skew.abs() > SKEW_TOLERANCE_MS { skew } else { 0 };
        if self.inner.skew_ms.swap(corrected, Ordering::Relaxed) != corrected && corrected != 0 {
            trace::skew_corrected(corrected);
        }
    }
}

/// The reqwest client every handle starts from.
pub(crate) fn http_client(connect_timeout: Duration, accept_invalid_certs: bool) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(concat!("qiyuesuo-rust/", env!("CARGO_PKG_VERSION")));
    // With both TLS features on, rustls (the default) wins, whatever order
    // features unify in.
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_rustls();
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    let builder = builder.tls_backend_native();
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let builder = builder.danger_accept_invalid_certs(accept_invalid_certs);
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    let _ = accept_invalid_certs;
    builder.build().map_err(|e| Error::Config(format!("the HTTP client cannot start: {e}")))
}

/// Validates and encodes the input once (reading any files); nothing is
/// sent if this fails.
async fn prepare<B: Serialize + Validate>(op: &'static Operation, input: Input<'_, B>) -> Result<Prepared, Error> {
    let invalid = |problems: Vec<String>| Error::InvalidRequest { operation: op.id, problems };
    match input {
        Input::None => Ok(Prepared::None),
        Input::Json(body) => {
            body.validate().map_err(invalid)?;
            serde_json::to_vec(body)
                .map(|b| Prepared::Json(b.into()))
                .map_err(|e| invalid(vec![format!("the body cannot be JSON: {e}")]))
        }
        Input::Query(query) => {
            query.validate().map_err(invalid)?;
            serde_urlencoded::to_string(query)
                .map(Prepared::Query)
                .map_err(|e| invalid(vec![format!("the query cannot be encoded: {e}")]))
        }
        Input::Multipart(body) => {
            body.validate().map_err(invalid)?;
            let mut parts = Parts::default();
            body.write_parts(&mut parts);
            multipart::load(parts).await.map(Prepared::Multipart).map_err(invalid)
        }
    }
}

/// What one attempt brought back.
struct Exchange {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    retry_after: Option<Duration>,
    /// The server's `Date`, read only if the attempt failed.
    date: Option<HeaderValue>,
}

/// A call's id, shown as 16 hex digits.
#[derive(Debug, Clone, Copy)]
struct RequestId(u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}
