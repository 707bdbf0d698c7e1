//! The mock's HTTP side: each request either goes to the sign and view pages
//! (`web`) or through the API's pipeline (`pipeline`: the gateway checks, the
//! route, the request (`input`), the scenario rules and the contract rules),
//! is recorded, and is answered (`answers`); the callbacks it causes go out
//! afterwards (`deliveries`). This module holds what they share: the state
//! every connection reads, and the entry point.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Request, Response};

use super::LogEntry;
use super::auth::Gate;
use super::contracts::Contracts;
use super::journal::Journal;
use super::scenario::Rule;
use super::spec::Spec;
use answers::Answer;
pub(crate) use deliveries::{Deliveries, contract_delivery, dispatch};
pub use deliveries::{MAX_ACK_BYTES, MAX_DELIVERIES_IN_FLIGHT, MAX_DELIVERIES_PENDING};

mod answers;
mod deliveries;
mod input;
mod pipeline;
mod web;

/// When the connection's current answer must have been sent, if a file
/// answer set one: a reader that takes a file slower than that is cut off,
/// and what it held is freed.
pub(crate) type Deadline = tokio::sync::watch::Sender<Option<tokio::time::Instant>>;

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

pub(crate) type Body = http_body_util::combinators::BoxBody<Bytes, Dropped>;

/// One request, from arrival to answer: the web pages or the API's pipeline,
/// then the record, the callbacks it caused, and the answer as HTTP (a file
/// answer starts the connection's download clock).
pub(crate) async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
    deadline: Deadline,
) -> Result<Response<Body>, Dropped> {
    // A new request on the connection: the last answer was sent whole.
    deadline.send_replace(None);
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    // The mock's own pages: outside the API's paths, for a browser, unsigned.
    if path.starts_with(web::PREFIX) {
        let (response, events) = web::serve(&state, request).await;
        let deliveries = events.into_iter().map(|e| contract_delivery(&state, e)).collect();
        dispatch(&state, deliveries);
        return Ok(response.map(|b| b.map_err(|never: Infallible| match never {}).boxed()));
    }
    let outcome = pipeline::decide(&state, request).await;
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
        Answer::Envelope { status, body } => Ok(answers::json_response(status, &body)),
        Answer::Html502 => Ok(answers::html_502()),
        Answer::Truncated(body) => Ok(answers::truncated(&body)),
        Answer::Drop => Err(Dropped),
        Answer::File { media, bytes, name } => {
            deadline.send_replace(Some(tokio::time::Instant::now() + state.download_time));
            Ok(answers::file_response(&media, bytes, &name))
        }
    }
}

/// `application/x-www-form-urlencoded` pairs, decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}
