//! The mock's answers: the success envelope (the schema's example, with fresh
//! values), a contract or page where the contract rules produce one, the
//! error envelope, files, and the faults a scenario asks for (an HTML 502, a
//! body cut short).

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::{Body, Dropped, State};
use crate::contracts::Produced;
use crate::spec::{Code, Route};

/// What the pipeline decided to answer, before it becomes HTTP.
pub(super) enum Answer {
    Envelope { status: u16, body: Value },
    Html502,
    Truncated(Value),
    Drop,
    File { media: String, bytes: Bytes, name: String },
}

/// The answer to a stateful call: the contract where the result is one,
/// the new value where the schema marks the result's fresh field.
pub(super) fn stateful(state: &State, route: &Route, input: &Value, produced: Produced) -> Answer {
    let body = match produced {
        Produced::Contract(contract) => success_with(route, contract),
        Produced::Page(total, items) => match &route.op.pagination {
            Some(pages) => success_with(route, json!({ pages.total.as_str(): total, pages.items.as_str(): items })),
            None => success(route),
        },
        Produced::File { bytes, name } => {
            let media = route.op.download.clone().unwrap_or_else(|| "application/octet-stream".to_owned());
            return Answer::File { media, bytes, name };
        }
        Produced::Fresh(value) => success_with_fresh(route, value),
        // A link to the mock's own page for the contract (and the signer).
        Produced::Link { contract, signer } => {
            success_with_fresh(route, Value::String(super::web::link(state, input, contract, signer.as_deref())))
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
pub(super) fn success_with(route: &Route, result: Value) -> Value {
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

/// A download's body: an empty ZIP archive (its end record) for
/// `application/zip`, else a few bytes; `size` bytes of filler when asked.
pub(super) fn file_body(media: &str, size: Option<u64>) -> Bytes {
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

pub(super) fn file_response(media: &str, bytes: Bytes, name: &str) -> Response<Body> {
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

/// The route's success envelope with fresh values where the schema asks.
pub(super) fn success(route: &Route) -> Value {
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

pub(super) fn envelope(code: &Code, message: &str) -> Value {
    let mut body = Map::new();
    body.insert("code".to_owned(), json!(code.code));
    body.insert("message".to_owned(), json!(crate::bounds::message(message)));
    if let Some(response_code) = &code.response_code {
        body.insert("responseCode".to_owned(), Value::String(response_code.clone()));
    }
    Value::Object(body)
}

/// The gateway answers its own codes (441, 442, and the mock's 443–445) with
/// the code as HTTP status; business codes come with 200.
pub(super) fn http_status_for(code: i64) -> u16 {
    u16::try_from(code).ok().filter(|status| (400..500).contains(status)).unwrap_or(200)
}

pub(super) fn json_response(status: u16, body: &Value) -> Response<Body> {
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

pub(super) fn html_502() -> Response<Body> {
    let page =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1></body>\r\n</html>\r\n";
    let mut response = Response::new(full(page.as_bytes().to_vec()));
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/html"));
    response
}

/// Declares the whole body's length, sends half of it, then fails the stream
/// so hyper closes the connection mid-body.
pub(super) fn truncated(body: &Value) -> Response<Body> {
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
