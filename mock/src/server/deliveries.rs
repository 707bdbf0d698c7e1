//! Callbacks to the integrator: queued per request and sent in order, at most
//! so many at once and so many waiting (past that, dropped and recorded), each
//! POSTed until acknowledged, never following a redirect.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::State;
use crate::LogEntry;
use crate::contracts::Event;
use qiyuesuo_schema::ir::Callback;

/// A callback to POST to the integrator.
pub(crate) struct Delivery {
    name: String,
    url: String,
    form: String,
}

/// How many times an unacknowledged callback is sent (the API sends it
/// once more at once, then twice after a minute; the mock keeps to the first two).
const CALLBACK_ATTEMPTS: u32 = 2;

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
pub(super) fn delivery(
    callback: &Callback,
    input: &Value,
    answer: &Value,
    fields: &Map<String, Value>,
) -> Option<Delivery> {
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
