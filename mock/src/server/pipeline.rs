//! One API request through the mock, as named phases: the gateway's header
//! checks, the route, the body within its time and size, the request read and
//! validated, the one-of groups, the scenario rules, then the contract rules
//! (`x-qys-state`) or the operation's example. Each phase may end it with an
//! answer; the outcome also carries what to record and the callbacks to send.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::Request;
use hyper::body::Incoming;
use serde_json::Value;

use super::State;
use super::answers::{self, Answer, envelope, http_status_for, success, success_with};
use super::deliveries::{Delivery, contract_delivery, delivery};
use super::input::{MAX_BODY, read_input};
use crate::contracts::Refusal;
use crate::scenario::{Fault, Rule};
use crate::spec::Code;
use qiyuesuo_schema::ir::Signer;

/// What the handler decided, before it becomes HTTP.
pub(super) struct Outcome {
    pub(super) operation: Option<String>,
    /// The request's decoded fields, once read.
    pub(super) input: Option<Value>,
    pub(super) answer: Answer,
    pub(super) summary: String,
    /// Callbacks to send once the answer is on its way.
    pub(super) callbacks: Vec<Delivery>,
}

/// The outcome of one API request, with the request's fields once read (for
/// the record, whatever phase answered).
pub(super) async fn decide(state: &State, request: Request<Incoming>) -> Outcome {
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
    if let Err(rejection) =
        state.gate.check(request.headers(), route.is_some_and(|route| route.op.signer == Signer::Agent))
    {
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
    let expectations: Vec<Arc<crate::scenario::Expectation>> =
        state.expectations.lock().map(|e| e.clone()).unwrap_or_default();
    for expectation in &expectations {
        expectation.observe(&route.op.id, &input);
    }
    for one_of in spec.api.one_ofs_of(&route.op) {
        if let Err(expected) = one_of.choose_in(&input) {
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
                let answer = answers::stateful(state, route, &input, produced);
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
    if let Some(media) = &route.op.download {
        let bytes = answers::file_body(media, matched.and_then(|r| r.download_bytes));
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
