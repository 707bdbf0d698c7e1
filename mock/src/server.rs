//! The mock's HTTP side: accepts connections, runs each request through the
//! gateway checks, the route, the request validator and the scenario rules,
//! and answers with an envelope (or a fault).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{Map, Value, json};

use super::LogEntry;
use super::auth::Gate;
use super::journal::Journal;
use super::scenario::{Fault, Rule};
use qiyuesuo_schema::ir::{Callback, Input, ValueKind};

use super::contracts::{Contracts, Event, Produced, Refusal};
use super::spec::{Code, Route, Spec};

/// Request bodies larger than this are refused.
const MAX_BODY: usize = 1 << 20;

/// Everything a connection needs.
pub(crate) struct State {
    pub spec: Spec,
    pub gate: Gate,
    pub rules: Mutex<Vec<Arc<Rule>>>,
    /// What the test expects to receive, counted as requests arrive.
    pub expectations: Mutex<Vec<Arc<super::scenario::Expectation>>>,
    pub journal: Journal,
    /// How long a request's headers and body may take to arrive, and an
    /// answer may wait for its reader.
    pub read_timeout: Duration,
    /// How long a file answer may take to be sent.
    pub download_time: Duration,
    /// The contracts the lifecycle operations keep (`x-qys-state`).
    pub contracts: Contracts,
    /// Its own base URL, for the links it hands out.
    pub base_url: String,
    /// Whether the `x-qys-state` rules apply (else every answer is an example).
    pub stateful: bool,
    /// The callbacks waiting or under way.
    pub deliveries: Deliveries,
    /// The runtime the mock serves on: deliveries go there, whichever thread
    /// asks for them (`MockServer::act` from a test's own thread).
    pub runtime: tokio::runtime::Handle,
    /// The client callbacks go out with, made at the first one (making one
    /// loads the platform's TLS roots: milliseconds, once per mock).
    pub callback_client: std::sync::OnceLock<Result<reqwest::Client, String>>,
}

/// Returned to hyper to make it close the connection without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a scenario")
    }
}

impl std::error::Error for Dropped {}

type Body = http_body_util::combinators::BoxBody<Bytes, Dropped>;

/// What the handler decided, before it becomes HTTP.
struct Outcome {
    operation: Option<String>,
    /// The request's decoded fields, once read.
    input: Option<Value>,
    answer: Answer,
    summary: String,
    /// Callbacks to send once the answer is on its way.
    callbacks: Vec<Delivery>,
}

enum Answer {
    Envelope { status: u16, body: Value },
    Html502,
    Truncated(Value),
    Drop,
    File { media: String, bytes: Bytes, name: String },
}

/// A callback to POST to the integrator.
pub(crate) struct Delivery {
    name: String,
    url: String,
    form: String,
}

/// How many times an unacknowledged callback is sent (the API sends it
/// once more at once, then twice after a minute; the mock keeps to the first two).
const CALLBACK_ATTEMPTS: u32 = 2;

pub(crate) async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
    deadline: super::listener::Deadline,
) -> Result<Response<Body>, Dropped> {
    // A new request on the connection: the last answer was sent whole.
    deadline.send_replace(None);
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    // The mock's own pages: outside the API's paths, for a browser, unsigned.
    if path.starts_with(super::pages::PREFIX) {
        let (response, events) = super::pages::serve(&state, request).await;
        let deliveries = events.into_iter().map(|e| contract_delivery(&state, e)).collect();
        dispatch(&state, deliveries);
        return Ok(response.map(|b| b.map_err(|never: Infallible| match never {}).boxed()));
    }
    let outcome = decide(&state, request).await;
    let (status, code) = match &outcome.answer {
        Answer::Envelope { status, body } => (*status, body["code"].as_i64()),
        Answer::Html502 => (502, None),
        Answer::Truncated(_) => (200, Some(0)),
        Answer::Drop => (0, None),
        Answer::File { .. } => (200, None),
    };
    let entry = LogEntry {
        method,
        path,
        operation: outcome.operation,
        http_status: status,
        code,
        outcome: outcome.summary,
        request: outcome.input,
    };
    state.journal.record(entry);
    if !outcome.callbacks.is_empty() {
        dispatch(&state, outcome.callbacks);
    }
    match outcome.answer {
        Answer::Envelope { status, body } => Ok(json_response(status, &body)),
        Answer::Html502 => Ok(html_502()),
        Answer::Truncated(body) => Ok(truncated(&body)),
        Answer::Drop => Err(Dropped),
        Answer::File { media, bytes, name } => {
            deadline.send_replace(Some(tokio::time::Instant::now() + state.download_time));
            Ok(file_response(&media, bytes, &name))
        }
    }
}

/// Delivers one call's callbacks in the order they happened.
/// Callback deliveries under way at once; further ones wait their turn.
pub const MAX_DELIVERIES_IN_FLIGHT: usize = 32;
/// Callback deliveries waiting or under way at once; past it, a request's
/// callbacks are dropped, and the record says how many.
pub const MAX_DELIVERIES_PENDING: usize = 1024;

/// The callback deliveries of one mock: how many may go at once, and how
/// many are waiting or going.
pub(crate) struct Deliveries {
    permits: tokio::sync::Semaphore,
    pending: std::sync::atomic::AtomicUsize,
}

impl Deliveries {
    pub fn new() -> Self {
        Deliveries {
            permits: tokio::sync::Semaphore::new(MAX_DELIVERIES_IN_FLIGHT),
            pending: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

/// Queues one request's callbacks, to go in order; drops them (and records
/// it) when [`MAX_DELIVERIES_PENDING`] are waiting already.
pub(crate) fn dispatch(state: &Arc<State>, deliveries: Vec<Delivery>) {
    use std::sync::atomic::Ordering;
    let count = deliveries.len();
    if count == 0 {
        return;
    }
    let pending = &state.deliveries.pending;
    let queued = pending.fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
        (now + count <= MAX_DELIVERIES_PENDING).then_some(now + count)
    });
    if queued.is_err() {
        for delivery in deliveries {
            state.journal.record(LogEntry {
                method: "CALLBACK".to_owned(),
                path: delivery.url,
                operation: Some(delivery.name),
                http_status: 0,
                code: None,
                outcome: format!("callback dropped: {MAX_DELIVERIES_PENDING} deliveries were waiting already"),
                request: None,
            });
        }
        return;
    }
    let runtime = state.runtime.clone();
    let state = Arc::clone(state);
    runtime.spawn(async move {
        for delivery in deliveries {
            // Closed only when the mock is dropped, and then nothing is delivered.
            if let Ok(_permit) = state.deliveries.permits.acquire().await {
                deliver(Arc::clone(&state), delivery).await;
            }
            state.deliveries.pending.fetch_sub(1, Ordering::AcqRel);
        }
    });
}

/// POSTs a callback until the integrator acknowledges it with `{"code":0}`.
async fn deliver(state: Arc<State>, delivery: Delivery) {
    let client = state.callback_client.get_or_init(|| {
        // A delivery goes to the URL the request named and nowhere else: no redirects.
        let builder = reqwest::Client::builder().timeout(Duration::from_secs(10));
        builder.redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())
    });
    for attempt in 1..=CALLBACK_ATTEMPTS {
        let sent = match client {
            Ok(client) => client
                .post(&delivery.url)
                .header(hyper::header::CONTENT_TYPE, "application/x-www-form-urlencoded;charset=UTF-8")
                .body(delivery.form.clone())
                .send()
                .await
                .map_err(|e| e.without_url().to_string()),
            Err(e) => Err(e.clone()),
        };
        let (status, code, acknowledged) = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                let reply = acknowledgement(response).await;
                let ack: Option<Value> = serde_json::from_slice(reply.trim_ascii()).ok();
                let code = ack.as_ref().and_then(|a| a["code"].as_i64());
                (status, code, status == 200 && code == Some(0))
            }
            Err(_) => (0, None, false),
        };
        let outcome = if acknowledged {
            format!("callback acknowledged (delivery {attempt})")
        } else if (300..400).contains(&status) {
            // The journal's URL is where it went: a redirect is not followed.
            format!("callback not acknowledged: a redirect, not followed (delivery {attempt} of {CALLBACK_ATTEMPTS})")
        } else {
            format!("callback not acknowledged (delivery {attempt} of {CALLBACK_ATTEMPTS})")
        };
        let entry = LogEntry {
            method: "CALLBACK".to_owned(),
            path: delivery.url.clone(),
            operation: Some(delivery.name.clone()),
            http_status: status,
            code,
            outcome,
            request: None,
        };
        state.journal.record(entry);
        if acknowledged {
            return;
        }
    }
}

/// The most of a callback receiver's reply the mock reads: the
/// acknowledgement is a few bytes, and the rest is never read.
pub const MAX_ACK_BYTES: usize = 4096;

/// The start of a receiver's reply, at most [`MAX_ACK_BYTES`]; an endless or
/// huge reply is cut there and the connection dropped.
async fn acknowledgement(mut response: reqwest::Response) -> Vec<u8> {
    let mut reply = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_ACK_BYTES.saturating_sub(reply.len());
        reply.extend(chunk.iter().take(room));
        if reply.len() >= MAX_ACK_BYTES {
            break;
        }
    }
    reply
}

async fn decide(state: &State, request: Request<Incoming>) -> Outcome {
    let mut seen = None;
    let mut outcome = decide_with(state, request, &mut seen).await;
    outcome.input = seen;
    outcome
}

/// Decides the answer; `seen` gets the request's decoded fields once read.
async fn decide_with(state: &State, request: Request<Incoming>, seen: &mut Option<Value>) -> Outcome {
    let spec = &state.spec;
    let rejected = |code: Code, message: String, summary: String| Outcome {
        input: None,
        operation: None,
        answer: Answer::Envelope { status: http_status_for(code.code), body: envelope(&code, &message) },
        summary,
        callbacks: Vec::new(),
    };
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let route = spec.route(&method, &path);
    // The operation decides which pair must sign; an unknown path needs the company's.
    if let Err(rejection) = state.gate.check(request.headers(), route.is_some_and(|route| route.op.agent)) {
        let code = spec.code_named(rejection.code_name);
        let summary = format!("rejected: {}", rejection.message);
        return rejected(code, rejection.message, summary);
    }
    let Some(route) = route else {
        // The mock's own answer: the gateway's is undocumented.
        let (status, what) = if spec.has_path(&path) { (405, "METHOD NOT ALLOWED") } else { (404, "NOT FOUND") };
        let code = spec.code_named("INTERNAL_ERROR");
        return Outcome {
            input: None,
            operation: None,
            answer: Answer::Envelope { status, body: envelope(&code, &format!("{what},{method} {path}")) },
            summary: format!("rejected: no operation at {method} {path}"),
            callbacks: Vec::new(),
        };
    };
    let outcome = |answer: Answer, summary: String| Outcome {
        input: None,
        operation: Some(route.op.id.clone()),
        answer,
        summary,
        callbacks: Vec::new(),
    };
    let content_type =
        request.headers().get(hyper::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let invalid = |message: String| {
        let code = spec.code_named("INVALID_PARAM");
        let text = format!("{},{message}", code.message);
        outcome(Answer::Envelope { status: 200, body: envelope(&code, &text) }, format!("rejected: {message}"))
    };
    let arriving = Limited::new(request.into_body(), MAX_BODY).collect();
    let body = match tokio::time::timeout(state.read_timeout, arriving).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(_)) => return invalid(format!("the body is larger than {MAX_BODY} bytes or broken")),
        Err(_) => return invalid(format!("the body did not arrive within {:?}", state.read_timeout)),
    };
    let (input, files) = match read_input(route, body, &query, &content_type).await {
        Ok(input) => input,
        Err(message) => return invalid(message),
    };
    *seen = Some(input.clone());
    let expectations: Vec<Arc<super::scenario::Expectation>> =
        state.expectations.lock().map(|e| e.clone()).unwrap_or_default();
    for expectation in &expectations {
        expectation.observe(&route.op.id, &input);
    }
    for one_of in spec.api.one_ofs_of(&route.op) {
        if let Err(expected) = one_of.choose(|name| input.get(name).is_some_and(|v| !v.is_null())) {
            return invalid(format!("give {expected}"));
        }
    }
    let rules: Vec<Arc<Rule>> = state.rules.lock().map(|r| r.clone()).unwrap_or_default();
    let matched = rules.iter().find(|rule| rule.take(&route.op.id, &input));
    if let Some(rule) = matched {
        if let Some(delay) = rule.delay_ms {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        if let Some(result) = &rule.result {
            let body = success_with(route, result.clone());
            return outcome(Answer::Envelope { status: 200, body }, "scenario: scripted result".to_owned());
        }
        match (rule.fault, rule.code) {
            (Some(Fault::Html502), _) => return outcome(Answer::Html502, "scenario: HTML 502".to_owned()),
            (Some(Fault::DropConnection), _) => return outcome(Answer::Drop, "scenario: dropped".to_owned()),
            (Some(Fault::TruncatedBody), _) => {
                return outcome(Answer::Truncated(success(route)), "scenario: truncated body".to_owned());
            }
            (None, Some(number)) => {
                let code =
                    spec.code(number).unwrap_or(Code { code: number, message: String::new(), response_code: None });
                let message = rule.message.clone().unwrap_or_else(|| code.message.clone());
                let status = rule.status.unwrap_or(200);
                let summary = format!("scenario: code {number}");
                return outcome(Answer::Envelope { status, body: envelope(&code, &message) }, summary);
            }
            (None, None) => {}
        }
    }
    if let Some(rule) = route.op.state.as_ref().filter(|_| state.stateful)
        && matched.is_none_or(|r| r.download_bytes.is_none() && r.callback.is_none() && r.result.is_none())
    {
        return match state.contracts.apply(&route.op, rule, &input, &files) {
            Ok((produced, events)) => {
                let callbacks = events.into_iter().map(|e| contract_delivery(state, e)).collect();
                let answer = stateful_answer(state, route, &input, produced);
                let summary = if matches!(answer, Answer::File { .. }) { "ok: the contract's file" } else { "ok" };
                Outcome { callbacks, ..outcome(answer, summary.to_owned()) }
            }
            Err(Refusal { code, detail }) => {
                let code = spec.code(code).unwrap_or(Code { code, message: String::new(), response_code: None });
                let message = format!("{},{detail}", code.message);
                outcome(Answer::Envelope { status: 200, body: envelope(&code, &message) }, format!("refused: {detail}"))
            }
        };
    }
    if let Some(media) = &route.op.file {
        let bytes = file_body(media, matched.and_then(|r| r.download_bytes));
        let summary = format!("ok: a {} byte file", bytes.len());
        let name = if media == "application/zip" { "contract.zip" } else { "document.bin" };
        return outcome(Answer::File { media: media.clone(), bytes, name: name.to_owned() }, summary);
    }
    let body = success(route);
    let callbacks = match matched.and_then(|r| r.callback.as_ref()) {
        Some(fields) => route
            .op
            .callbacks
            .iter()
            .filter_map(|name| spec.api.callback(name))
            .filter_map(|c| delivery(c, &input, &body, fields))
            .collect(),
        None => Vec::new(),
    };
    let summary = if callbacks.is_empty() { "ok".to_owned() } else { "ok, callback follows".to_owned() };
    Outcome { callbacks, ..outcome(Answer::Envelope { status: 200, body }, summary) }
}

/// The answer to a stateful call: the contract where the result is one,
/// the new value where the schema marks the result's fresh field.
fn stateful_answer(state: &State, route: &Route, input: &Value, produced: Produced) -> Answer {
    let body = match produced {
        Produced::Contract(contract) => success_with(route, contract),
        Produced::Page(total, items) => match &route.op.pagination {
            Some(pages) => success_with(route, json!({ pages.total.as_str(): total, pages.items.as_str(): items })),
            None => success(route),
        },
        Produced::File { bytes, name } => {
            let media = route.op.file.clone().unwrap_or_else(|| "application/octet-stream".to_owned());
            return Answer::File { media, bytes, name };
        }
        Produced::Fresh(value) => success_with_fresh(route, value),
        // A link to the mock's own page for the contract (and the signer).
        Produced::Link { contract, signer } => {
            success_with_fresh(route, Value::String(super::pages::link(state, input, contract, signer.as_deref())))
        }
        Produced::Example => success(route),
    };
    Answer::Envelope { status: 200, body }
}

/// The success envelope with `value` at the operation's first fresh field.
fn success_with_fresh(route: &Route, value: Value) -> Value {
    let mut body = success(route);
    if let Some(slot) = route.op.fresh.first().and_then(|f| body.pointer_mut(&f.pointer)) {
        *slot = value;
    }
    body
}

/// The success envelope with `result` in the example's place, the example's
/// own result not copied first (a contract detail's is kilobytes).
fn success_with(route: &Route, result: Value) -> Value {
    let mut result = Some(result);
    let fields = route.op.success_example.as_object().into_iter().flatten();
    let mut body: Map<String, Value> = fields
        .map(|(key, value)| {
            (key.clone(), if key == "result" { result.take().unwrap_or_default() } else { value.clone() })
        })
        .collect();
    if let Some(result) = result {
        body.insert("result".to_owned(), result);
    }
    Value::Object(body)
}

/// A contract event as a callback delivery.
pub(crate) fn contract_delivery(state: &State, event: Event) -> Delivery {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &event.fields {
        form.append_pair(name, value);
    }
    Delivery { name: state.contracts.callback_name().to_owned(), url: event.url, form: form.finish() }
}

/// The callback for this request: the schema's example, with the values
/// the answer just gave (`requestId`, `authId`) and the rule's fields.
fn delivery(callback: &Callback, input: &Value, answer: &Value, fields: &Map<String, Value>) -> Option<Delivery> {
    let url = callback.url.find(input).filter(|u| !u.is_empty())?.to_owned();
    let mut payload = callback.example.clone();
    for (name, value) in payload.iter_mut() {
        if let Some(given) = answer["result"].get(name) {
            *value = given.clone();
        }
    }
    payload.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &payload {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        form.append_pair(name, &text);
    }
    Some(Delivery { name: callback.name.clone(), url, form: form.finish() })
}

/// A download's body: an empty ZIP archive (its end record) for
/// `application/zip`, else a few bytes; `size` bytes of filler when asked.
fn file_body(media: &str, size: Option<u64>) -> Bytes {
    if let Some(size) = size {
        let filler = b"QIYUESUO-MOCK-FILE-".iter().copied().cycle();
        return filler.take(usize::try_from(size).unwrap_or(usize::MAX)).collect::<Vec<u8>>().into();
    }
    if media == "application/zip" {
        let mut end_record = b"PK\x05\x06".to_vec();
        end_record.resize(22, 0);
        return end_record.into();
    }
    Bytes::from_static(b"qiyuesuo mock file\n")
}

fn file_response(media: &str, bytes: Bytes, name: &str) -> Response<Body> {
    let length = bytes.len();
    let mut response = Response::new(Full::new(bytes).map_err(|never: Infallible| match never {}).boxed());
    let content_type = hyper::header::HeaderValue::from_str(media)
        .unwrap_or(hyper::header::HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(hyper::header::CONTENT_TYPE, content_type);
    response.headers_mut().insert(hyper::header::CONTENT_LENGTH, hyper::header::HeaderValue::from(length));
    // The name in UTF-8 (RFC 5987), as titles are often Chinese.
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    if let Ok(value) = hyper::header::HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(hyper::header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The request's input as JSON, validated against the operation's schema,
/// and the files of a multipart body (part name, bytes).
async fn read_input(
    route: &Route,
    body: Bytes,
    query: &str,
    content_type: &str,
) -> Result<(Value, Vec<(String, Bytes)>), String> {
    let mut files = Vec::new();
    let input = match route.op.input {
        Input::None => return Ok((Value::Null, files)),
        Input::JsonBody { .. } => {
            // The documentation says JSON bodies are `application/json;charset=UTF-8`;
            // any parameters and letter case are accepted, another type is not.
            let media = content_type.split(';').next().unwrap_or_default().trim();
            if !media.eq_ignore_ascii_case("application/json") {
                let shown = if content_type.is_empty() { "none".to_owned() } else { format!("`{content_type}`") };
                return Err(format!("Content-Type must be application/json, not {shown}"));
            }
            let json = serde_json::from_slice(&body).map_err(|e| format!("the body is not JSON ({e})"))?;
            qiyuesuo_schema::wire::without_nulls(json)
        }
        Input::Query { .. } => query_object(query, &route.parameters),
        Input::Multipart { .. } => multipart_object(body, content_type, route, &mut files).await?,
    };
    // Before the validator quotes it or the store keeps it.
    if let Some(problem) = super::bounds::too_long(&input) {
        return Err(problem);
    }
    let Some(validator) = route.validator() else { return Ok((input, files)) };
    let validator = validator.map_err(|problem| format!("the mock cannot check this request: {problem}"))?;
    let problems: Vec<String> = validator
        .iter_errors(&input)
        .map(|error| {
            let at = error.instance_path().to_string();
            let field = at.trim_start_matches('/').replace('/', ".");
            if field.is_empty() { error.to_string() } else { format!("{field}: {error}") }
        })
        .collect();
    if problems.is_empty() { Ok((input, files)) } else { Err(super::bounds::problems(&problems)) }
}

/// A multipart body as an object: text parts typed by their schema, JSON
/// parts parsed, file parts replaced by their file names.
async fn multipart_object(
    body: Bytes,
    content_type: &str,
    route: &Route,
    files: &mut Vec<(String, Bytes)>,
) -> Result<Value, String> {
    let parameters = &route.parameters;
    let boundary = multer::parse_boundary(content_type).map_err(|e| format!("not a multipart body ({e})"))?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut object = Map::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| format!("a broken multipart body ({e})"))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Some((_, kind)) = parameters.iter().find(|(n, _)| *n == name) else { continue };
        let data = field.bytes().await.map_err(|e| format!("{name}: a broken part ({e})"))?;
        let value = match (*kind, file_name) {
            (ValueKind::File, Some(file_name)) if !data.is_empty() => {
                files.push((name.clone(), data));
                Value::String(file_name)
            }
            (ValueKind::File, _) => return Err(format!("{name}: expected a file with a name and contents")),
            (kind, _) => {
                let text = String::from_utf8(data.to_vec()).map_err(|_| format!("{name}: not UTF-8 text"))?;
                match kind {
                    ValueKind::Json => qiyuesuo_schema::wire::without_nulls(
                        serde_json::from_str(&text).map_err(|e| format!("{name}: not JSON ({e})"))?,
                    ),
                    kind => lenient(kind, text),
                }
            }
        };
        if route.file_lists.contains(&name) {
            // Several files: one part each, all of one name.
            let list = object.entry(name).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(value);
            }
            continue;
        }
        object.insert(name, value);
    }
    Ok(Value::Object(object))
}

/// Query pairs as an object, each value typed as its parameter's schema says,
/// so the validator sees `selectLimit=x` as the wrong type it is.
fn query_object(query: &str, parameters: &[(String, ValueKind)]) -> Value {
    let mut object = Map::new();
    for (name, value) in form_pairs(query) {
        let Some((_, kind)) = parameters.iter().find(|(n, _)| *n == name) else { continue };
        object.insert(name, lenient(*kind, value));
    }
    Value::Object(object)
}

/// Text as its kind's value, or left a string when it is not one, so that
/// the validator names the field and what it expected.
fn lenient(kind: ValueKind, text: String) -> Value {
    kind.read(&text).unwrap_or(Value::String(text))
}

/// `application/x-www-form-urlencoded` pairs, decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

/// The route's success envelope with fresh values where the schema asks.
fn success(route: &Route) -> Value {
    let mut body = route.op.success_example.clone();
    for field in &route.op.fresh {
        if let Some(slot) = body.pointer_mut(&field.pointer) {
            let fresh = uuid::Uuid::new_v4();
            *slot = if field.id {
                // 19 digits, as the API's ids have.
                Value::String((fresh.as_u64_pair().0 % 9_000_000_000_000_000_000 + 100_000_000_000_000_000).to_string())
            } else if field.number {
                Value::from(fresh.as_u64_pair().0 >> 1)
            } else {
                Value::String(fresh.simple().to_string())
            };
        }
    }
    body
}

fn envelope(code: &Code, message: &str) -> Value {
    let mut body = Map::new();
    body.insert("code".to_owned(), json!(code.code));
    body.insert("message".to_owned(), json!(super::bounds::message(message)));
    if let Some(response_code) = &code.response_code {
        body.insert("responseCode".to_owned(), Value::String(response_code.clone()));
    }
    Value::Object(body)
}

/// The gateway answers its own codes (441, 442, and the mock's 443–445) with
/// the code as HTTP status; business codes come with 200.
fn http_status_for(code: i64) -> u16 {
    u16::try_from(code).ok().filter(|status| (400..500).contains(status)).unwrap_or(200)
}

fn json_response(status: u16, body: &Value) -> Response<Body> {
    let mut response = Response::new(full(body.to_string().into_bytes()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    // The gateway's own statuses (441…) have no standard phrase: the code's
    // message, before its detail, serves (`HEADER REQUIRED`).
    if response.status().canonical_reason().is_none() {
        let message = body["message"].as_str().unwrap_or_default();
        let phrase = message.split(',').next().unwrap_or_default().trim();
        let phrase = if phrase.is_empty() { "REFUSED" } else { phrase };
        if let Ok(reason) = hyper::ext::ReasonPhrase::try_from(phrase.as_bytes().to_vec()) {
            response.extensions_mut().insert(reason);
        }
    }
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json;charset=UTF-8"));
    response
}

fn html_502() -> Response<Body> {
    let page =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1></body>\r\n</html>\r\n";
    let mut response = Response::new(full(page.as_bytes().to_vec()));
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/html"));
    response
}

/// Declares the whole body's length, sends half of it, then fails the stream
/// so hyper closes the connection mid-body.
fn truncated(body: &Value) -> Response<Body> {
    let bytes = body.to_string().into_bytes();
    let half = Bytes::from(bytes.get(..bytes.len() / 2).unwrap_or_default().to_vec());
    let frames: Vec<Result<Frame<Bytes>, Dropped>> = vec![Ok(Frame::data(half)), Err(Dropped)];
    let stream = StreamBody::new(futures_util::stream::iter(frames));
    let mut response = Response::new(BodyExt::boxed(stream));
    response.headers_mut().insert(hyper::header::CONTENT_LENGTH, hyper::header::HeaderValue::from(bytes.len()));
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json;charset=UTF-8"));
    response
}

fn full(bytes: Vec<u8>) -> Body {
    Full::new(Bytes::from(bytes)).map_err(|never: Infallible| match never {}).boxed()
}
