//! The transport: validates and encodes a call once, then runs its attempts,
//! each in named phases — sign, send, read, classify (`answer.rs`) — with
//! clock correction after a failed one; a failed attempt is retried when the
//! retry classifier, the backoff strategy, the budget and the call's
//! remaining time all allow. Nothing here knows any operation.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime};

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE, HeaderValue, LOCATION, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::answer::{self, AnswerKind, Body, Empty, File, Head, Json, Untyped};
use super::codes::Codes;
use super::download::{Download, Limits};
use super::envelope::AttemptError;
use super::error::{CallInfo, Error, TransportKind};
use super::http::HttpSettings;
use super::multipart::{self, Parts, Ready};
use super::operation::{Input, Method, Operation};
use super::options::{CallOptions, Settings};
use super::preview::{Preview, PreviewBody};
use super::retry::{self, RetryBudget};
use super::signing::{SignedHeaders, Signer};
use super::trace;
use super::validate::Validate;

/// What the API sends JSON bodies as.
const JSON: &str = "application/json;charset=UTF-8";

/// Server clocks further off than this are corrected for (from `Date`).
const SKEW_TOLERANCE_MS: i64 = 60_000;
/// …and no further: a `Date` more than a day from ours is not believed.
const SKEW_LIMIT_MS: i64 = 24 * 60 * 60 * 1000;

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
    /// How the HTTP client was made, for a handle that needs its own.
    http: HttpSettings,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &crate::secret::without_userinfo(&self.inner.base_url))
            .field("signature_mode", &self.inner.signer.mode)
            .field("credentials", &self.inner.signer.keys)
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

/// The call that attempts belong to: its id and start, for errors and traces.
#[derive(Clone, Copy)]
struct Call {
    request_id: RequestId,
    started: Instant,
}

impl Call {
    fn info(self, attempts: u32) -> CallInfo {
        CallInfo { request_id: self.request_id.to_string(), attempts, elapsed: self.started.elapsed() }
    }
}

/// Why an attempt failed, with the answer's head when one arrived.
type Failed = (AttemptError, Option<Head>);

impl Core {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: String,
        signer: Signer,
        settings: Settings,
        budget_retries: u32,
        http_settings: HttpSettings,
    ) -> Self {
        let inner = Inner {
            base_url,
            signer,
            budget: RetryBudget::new(budget_retries),
            skew_ms: AtomicI64::new(0),
            http: http_settings,
        };
        Core { inner: Arc::new(inner), http, settings }
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The base URL's host and port, as a message names the server (never
    /// any user info the URL carries).
    fn host(&self) -> Option<String> {
        let url = reqwest::Url::parse(&self.inner.base_url).ok()?;
        let host = url.host_str()?;
        Some(url.port().map_or_else(|| host.to_owned(), |port| format!("{host}:{port}")))
    }

    /// A page walk of `operation` within this handle's limits.
    pub fn walk(&self, operation: &'static str) -> crate::pages::Walk {
        crate::pages::Walk::new(operation, self.settings.walk)
    }

    /// A handle whose calls use `options`; it shares the credentials, the
    /// connection pool (unless the connect timeout changes) and the retry budget.
    pub fn with_options<C: Codes>(&self, options: CallOptions) -> Result<Core, Error<C>> {
        let settings = self.settings.with(options);
        let http = if settings.connect_timeout == self.settings.connect_timeout {
            self.http.clone()
        } else {
            self.inner.http.client(settings.connect_timeout)?
        };
        Ok(Core { inner: Arc::clone(&self.inner), http, settings })
    }

    /// Calls `op` and returns its `result`.
    pub async fn send<C, B, T>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<T, Error<C>>
    where
        C: Codes,
        B: Serialize + Validate,
        T: DeserializeOwned + Send,
    {
        let prepared = self.prepare(op, input).await?;
        self.run(op, &prepared, &Json::<T>::new()).await
    }

    /// Calls `op`, whose answer documents no `result`.
    pub async fn send_without_result<C, B>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<(), Error<C>>
    where
        C: Codes,
        B: Serialize + Validate,
    {
        let prepared = self.prepare(op, input).await?;
        self.run(op, &prepared, &Empty).await
    }

    /// Calls `op`, whose `result` no source documents, and returns it as
    /// JSON (`null` when the answer has none).
    pub async fn send_untyped<C, B>(
        &self,
        op: &'static Operation,
        input: Input<'_, B>,
    ) -> Result<serde_json::Value, Error<C>>
    where
        C: Codes,
        B: Serialize + Validate,
    {
        let prepared = self.prepare(op, input).await?;
        self.run(op, &prepared, &Untyped).await
    }

    /// Calls `op`, which answers a file, and returns it as it starts to
    /// arrive. An error envelope in its place is an error, never a file.
    pub async fn download<C, B>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<Download<C>, Error<C>>
    where
        C: Codes,
        B: Serialize + Validate,
    {
        let prepared = self.prepare(op, input).await?;
        let limits = Limits {
            idle: self.settings.attempt_timeout,
            total: self.settings.total_timeout,
            max_bytes: self.settings.max_download_bytes,
        };
        self.run(op, &prepared, &File::new(op, limits)).await
    }

    /// Checks that this client holds the pair `op` is signed with, then
    /// validates and encodes the input: a call it cannot sign reads no file.
    async fn prepare<C, B: Serialize + Validate>(
        &self,
        op: &'static Operation,
        input: Input<'_, B>,
    ) -> Result<Prepared, Error<C>> {
        self.inner.signer.keys.cover(op).map_err(Error::Config)?;
        encode(op, input).await
    }

    /// Runs a call's attempts inside its trace span.
    async fn run<C: Codes, K: AnswerKind<C>>(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
        kind: &K,
    ) -> Result<K::Output, Error<C>> {
        if self.settings.dry_run {
            return Err(Error::DryRun(Box::new(self.preview(op, prepared)?)));
        }
        self.framed(op, |call, attempt| self.attempt(op, prepared, kind, call, attempt)).await
    }

    /// What a call does around its attempts: its request id, its trace span,
    /// the attempt loop with its timeouts, retries and budget.
    async fn framed<C, T, A, F>(&self, op: &'static Operation, attempt: A) -> Result<T, Error<C>>
    where
        C: Codes,
        A: FnMut(Call, u32) -> F,
        F: Future<Output = Result<T, Failed>>,
    {
        // 64 random bits: unique enough to find one call in the logs, and
        // formatted only when a span or an error shows it.
        let call = Call { request_id: RequestId(fastrand::u64(..)), started: Instant::now() };
        let endpoint = trace::Endpoint { method: op.method, base_url: &self.inner.base_url, path: op.path };
        trace::in_call_span(op.id, call.request_id, endpoint, self.attempts(op, call, attempt)).await
    }

    /// The attempt loop: each attempt within its timeout and the call's;
    /// after a failure, the retry classifier, the backoff strategy and the
    /// budget decide whether another follows.
    async fn attempts<C, T, A, F>(&self, op: &'static Operation, call: Call, mut run_attempt: A) -> Result<T, Error<C>>
    where
        C: Codes,
        A: FnMut(Call, u32) -> F,
        F: Future<Output = Result<T, Failed>>,
    {
        let settings = self.settings;
        let deadline = call.started + settings.total_timeout;
        self.inner.budget.deposit();
        let mut attempt = 0;
        loop {
            attempt += 1;
            // The first attempt starts with the call: no clock read for it.
            let now = if attempt == 1 { call.started } else { Instant::now() };
            let remaining = deadline.saturating_duration_since(now);
            let limit = settings.attempt_timeout.min(remaining);
            // Against the instant already read (`timeout` would read the clock again).
            let ends = tokio::time::Instant::from_std(now + limit);
            let (error, head) = match tokio::time::timeout_at(ends, run_attempt(call, attempt)).await {
                Ok(Ok(output)) => {
                    trace::call_end(attempt, Some(0), call.started);
                    return Ok(output);
                }
                Ok(Err(failed)) => failed,
                Err(_) if remaining <= settings.attempt_timeout => {
                    (AttemptError::Transport { kind: TransportKind::CallTimeout, source: None }, None)
                }
                Err(_) => (AttemptError::Transport { kind: TransportKind::Timeout, source: None }, None),
            };
            if let (Some(head), AttemptError::Api { raw_code, .. }) = (&head, &error)
                && C::from_code(*raw_code).stale_timestamp()
            {
                self.correct_clock(head);
            }
            let failure = error.failure::<C>();
            let may = attempt < settings.retry.max_attempts && retry::may_retry(failure, op.idempotent);
            let retry_after = head.and_then(|h| h.retry_after).unwrap_or_default();
            let wait = settings.retry.backoff_after(attempt).max(retry_after);
            let in_time = Instant::now() + wait < deadline;
            trace::attempt_failed(attempt, failure, may && in_time, wait);
            if !(may && in_time && self.inner.budget.withdraw()) {
                let mut error = error.into_error(op, call.info(attempt));
                if let Error::Transport(transport) = &mut error {
                    transport.host = self.host();
                }
                trace::call_end(attempt, error.as_api().map(|api| api.raw_code), call.started);
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt, in phases: sign → send → read → classify.
    async fn attempt<C: Codes, K: AnswerKind<C>>(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
        kind: &K,
        call: Call,
        attempt: u32,
    ) -> Result<K::Output, Failed> {
        let headers = self.sign().map_err(|e| (AttemptError::Unsendable(e), None))?;
        let response = self.request(op, prepared, headers).send().await.map_err(|e| (answer::transport(e), None))?;
        let head = head_of(&response);
        trace::answer(attempt, head.status, call.started);
        if (300..400).contains(&head.status) {
            let location = response.headers().get(LOCATION).and_then(|v| v.to_str().ok());
            let target = shown_location(location, &self.inner.base_url);
            let reason = format!("a redirect to {target}, which is not followed: the signing headers would go with it");
            return Err((AttemptError::refused(head.status, head.content_type(), reason), Some(head)));
        }
        let body = match K::Body::read(response, &head, self.settings.max_body_bytes).await {
            Ok(body) => body,
            Err(error) => return Err((error, Some(head))),
        };
        match kind.classify(&head, body, || call.info(attempt)) {
            Ok(output) => Ok(output),
            Err(error) => Err((error, Some(head))),
        }
    }

    /// What the call would send, signed as an attempt would be.
    fn preview<C>(&self, op: &'static Operation, prepared: &Prepared) -> Result<Preview, Error<C>> {
        let mut headers = self.sign().map_err(Error::Config)?.into_map();
        let body = match prepared {
            Prepared::None | Prepared::Query(_) => PreviewBody::None,
            Prepared::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
                PreviewBody::Json(String::from_utf8_lossy(bytes).into_owned())
            }
            Prepared::Multipart(parts) => PreviewBody::Multipart(crate::preview::parts(parts)),
        };
        Ok(Preview {
            operation: op.id,
            method: op.method.as_str(),
            // What would be sent, but for a password in the base URL.
            url: crate::secret::without_userinfo(&self.url(op, prepared)),
            headers: crate::preview::shown_headers(&headers),
            body,
        })
    }

    /// The operation's URL, with the query when it has one.
    fn url(&self, op: &Operation, prepared: &Prepared) -> String {
        let query = match prepared {
            Prepared::Query(query) if !query.is_empty() => Some(query.as_str()),
            _ => None,
        };
        let base = &self.inner.base_url;
        // One allocation of the final size (`format!` grows its buffer as it goes).
        let mut url = String::with_capacity(base.len() + op.path.len() + query.map_or(0, |q| q.len() + 1));
        url.push_str(base);
        url.push_str(op.path);
        if let Some(query) = query {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    /// Sign: the signing headers, with a fresh timestamp (corrected for the
    /// server's clock) and nonce.
    fn sign(&self) -> Result<SignedHeaders, String> {
        let skew = self.inner.skew_ms.load(Ordering::Relaxed);
        self.inner.signer.headers(skew)
    }

    /// Build, the first half of send: the request with its URL, signing
    /// headers and body, ready to send.
    fn request(&self, op: &'static Operation, prepared: &Prepared, headers: SignedHeaders) -> reqwest::RequestBuilder {
        let method = match op.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let request = headers.apply(self.http.request(method, self.url(op, prepared)));
        match prepared {
            Prepared::Json(bytes) => request.header(CONTENT_TYPE, HeaderValue::from_static(JSON)).body(bytes.clone()),
            Prepared::Multipart(parts) => request.multipart(multipart::form(parts)),
            Prepared::None | Prepared::Query(_) => request,
        }
    }

    /// Clock correction, after an attempt the API refused for its timestamp
    /// (a code the schema marks `staleTimestamp`, in a well-formed envelope):
    /// the server's clock is remembered when it is far from ours, within a day,
    /// so the next signatures carry a timestamp the server accepts. No other
    /// answer's `Date` is believed: anything in the path could send one.
    fn correct_clock(&self, head: &Head) {
        let date = head.date.as_ref().and_then(|d| d.to_str().ok());
        let Some(server) = date.and_then(|d| httpdate::parse_http_date(d).ok()) else { return };
        let server_ms = server.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        // Against the signer's clock, which is the one the timestamps come from.
        let skew = server_ms - self.inner.signer.clock.now_millis() as i64;
        if skew.abs() > SKEW_LIMIT_MS {
            return;
        }
        let corrected = if skew.abs() > SKEW_TOLERANCE_MS { skew } else { 0 };
        if self.inner.skew_ms.swap(corrected, Ordering::Relaxed) != corrected && corrected != 0 {
            trace::skew_corrected(corrected);
        }
    }
}

/// The answer's status and the headers the later phases need.
fn head_of(response: &reqwest::Response) -> Head {
    let header = |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    Head {
        status: response.status().as_u16(),
        content_type: response.headers().get(CONTENT_TYPE).cloned(),
        retry_after: header(RETRY_AFTER).and_then(|v| retry::retry_after(v, SystemTime::now())),
        // A cheap clone (shared bytes): parsed only if the attempt fails.
        date: response.headers().get(DATE).cloned(),
        // From the header: reqwest's own figure shrinks as the body is read.
        content_length: header(CONTENT_LENGTH).and_then(|v| v.parse().ok()),
    }
}

/// A redirect's target as an error may show it: resolved against the base
/// URL, without its query, fragment or user info (they may carry secrets).
fn shown_location(location: Option<&str>, base_url: &str) -> String {
    let Some(location) = location else { return "no `Location`".to_owned() };
    let base = reqwest::Url::parse(base_url).ok();
    let parsed = match base {
        Some(base) => base.join(location),
        None => reqwest::Url::parse(location),
    };
    match parsed {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            let _ = url.set_username("");
            let _ = url.set_password(None);
            format!("`{url}`")
        }
        Err(_) => "a `Location` that is not a URL".to_owned(),
    }
}

/// Validates and encodes the input once (reading any files); nothing is
/// sent if this fails.
async fn encode<C, B: Serialize + Validate>(op: &'static Operation, input: Input<'_, B>) -> Result<Prepared, Error<C>> {
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

/// A call's id, shown as 16 hex digits.
#[derive(Debug, Clone, Copy)]
struct RequestId(u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Each phase of a call on its own, run by the code a call runs, so that
/// `bench/benches/micro.rs` (`phases`) can account for a call without a network. Not
/// part of the API.
pub mod phases {
    use super::*;

    /// A request body as the encode phase leaves it.
    pub struct Encoded(Prepared);

    /// Validate and encode, once per call.
    pub async fn encode<C, B: Serialize + Validate>(
        op: &'static Operation,
        input: Input<'_, B>,
    ) -> Result<Encoded, Error<C>> {
        super::encode(op, input).await.map(Encoded)
    }

    /// Sign: one attempt's headers, from the client's clock and nonces.
    pub fn sign(core: &Core) -> Result<SignedHeaders, String> {
        core.sign()
    }

    /// Build: the request as an attempt sends it.
    pub fn build(
        core: &Core,
        op: &'static Operation,
        body: &Encoded,
        headers: SignedHeaders,
    ) -> Result<reqwest::Request, reqwest::Error> {
        core.request(op, &body.0, headers).build()
    }

    /// Read: the answer's head and its whole body within the client's cap.
    pub async fn read(core: &Core, response: reqwest::Response) -> Result<usize, String> {
        let head = head_of(&response);
        let body = <bytes::Bytes as Body>::read(response, &head, core.settings.max_body_bytes).await;
        body.map(|body| body.len()).map_err(|_| "the answer could not be read".to_owned())
    }

    /// The frame: the request id, the trace span, the attempt loop with its
    /// timeouts and budget, around one attempt that waits once (as one on
    /// the network does, so its timer is set) and then succeeds.
    pub async fn frame<C: Codes>(core: &Core, op: &'static Operation) -> Result<(), Error<C>> {
        core.framed(op, |_, _| async {
            WaitOnce::default().await;
            Ok(())
        })
        .await
    }

    /// A stand-in for an attempt on the network: pending once (it wakes
    /// itself), then ready.
    #[derive(Debug, Default)]
    pub struct WaitOnce(bool);

    impl Future for WaitOnce {
        type Output = ();

        fn poll(mut self: std::pin::Pin<&mut Self>, context: &mut std::task::Context<'_>) -> std::task::Poll<()> {
            if self.0 {
                return std::task::Poll::Ready(());
            }
            self.0 = true;
            context.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
}
