//! The pages behind the links the mock hands out (`contractSignUrl`,
//! `contractViewUrl`): a contract's subject, status and documents (each PDF
//! viewable), and for a signer whose turn it is, Sign and Reject buttons
//! that move that person's step and go on to the integrator's
//! `callbackPage`. They live under [`PREFIX`], outside the API's paths, and
//! are unsigned, as a browser opens them. Everything a page needs is in its
//! link, so the mock keeps nothing per link.
//!
//! They are a test's stand-in, and protect nothing a real signing page does:
//! no login (whoever has the link, or guesses a contract's sequential id and
//! a signer's contact, signs as that signer), no second factor, no consent
//! record. What they do keep: a decision is refused from a page of another
//! origin (a browser says where a form came from), and after a decision the
//! page goes only to a `callbackPage` a link request named for that contract
//! (any other `back` goes to the contract's own page).

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::Value;

use super::State;
use crate::contracts::{Decision, Event};

/// Where the pages live.
pub(crate) const PREFIX: &str = "/mock/pages/";

/// The link to a contract's page: a signer's when `signer` is given; with
/// the request's `callbackPage`, where the page goes after a decision.
pub(crate) fn link(state: &State, input: &Value, contract: u64, signer: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(contact) = signer {
        query.append_pair("signer", contact);
    }
    if let Some(back) = input.get("callbackPage").and_then(Value::as_str) {
        query.append_pair("back", back);
    }
    let query = query.finish();
    let separator = if query.is_empty() { "" } else { "?" };
    format!("{}{PREFIX}{contract}{separator}{query}", state.base_url)
}

/// Answers one page request, with the callbacks a decision caused.
pub(crate) async fn serve(state: &State, request: Request<Incoming>) -> (Response<Full<Bytes>>, Vec<Event>) {
    let path = request.uri().path().trim_start_matches(PREFIX).to_owned();
    let query = super::form_pairs(request.uri().query().unwrap_or_default());
    let post = request.method() == hyper::Method::POST;
    let mut parts = path.split('/');
    let Some(contract) = parts.next().and_then(|id| id.parse::<u64>().ok()) else {
        return (text(StatusCode::NOT_FOUND, "no such page"), Vec::new());
    };
    match (post, parts.next(), parts.next()) {
        (false, None, _) => (page(state, contract, &query), Vec::new()),
        (false, Some("documents"), Some(document)) => {
            let bytes = document.parse().ok().and_then(|d| state.contracts.document(contract, d));
            match bytes {
                Some(bytes) => (pdf(bytes), Vec::new()),
                None => (text(StatusCode::NOT_FOUND, "no such document"), Vec::new()),
            }
        }
        (true, Some("decide"), None) => {
            if let Some(origin) = foreign_origin(request.headers()) {
                let refusal = format!("a decision is taken only from the mock's own pages, not from {origin}");
                return (text(StatusCode::FORBIDDEN, &refusal), Vec::new());
            }
            // As on the API's paths: a body that does not arrive in time is cut.
            let arriving = Limited::new(request.into_body(), 64 * 1024).collect();
            let Ok(body) = tokio::time::timeout(state.read_timeout, arriving).await else {
                return (text(StatusCode::REQUEST_TIMEOUT, "the form did not arrive in time"), Vec::new());
            };
            let form = body.map(|b| super::form_pairs(&String::from_utf8_lossy(&b.to_bytes()))).unwrap_or_default();
            let field = |name: &str| form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
            let decision = match field("decision").as_deref() {
                Some("sign") => Decision::Sign,
                Some("reject") => Decision::Reject,
                _ => return (text(StatusCode::BAD_REQUEST, "decision is sign or reject"), Vec::new()),
            };
            let signer = field("signer").unwrap_or_default();
            match state.contracts.act(contract, &signer, decision) {
                Ok(events) => {
                    let back = field("back").filter(|b| state.contracts.may_return_to(contract, b));
                    let own = format!(
                        "{PREFIX}{contract}?signer={}",
                        form_urlencoded::byte_serialize(signer.as_bytes()).collect::<String>()
                    );
                    (see_other(&back.unwrap_or(own)), events)
                }
                Err(reason) => (text(StatusCode::CONFLICT, &reason), Vec::new()),
            }
        }
        _ => (text(StatusCode::NOT_FOUND, "no such page"), Vec::new()),
    }
}

fn page(state: &State, contract: u64, query: &[(String, String)]) -> Response<Full<Bytes>> {
    let Some(crate::contracts::Summary { subject, status, documents }) = state.contracts.summary(contract) else {
        return text(StatusCode::NOT_FOUND, "no such contract");
    };
    let field = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let mut html = format!(
        "<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{subject}</title></head><body>\
         <h1 id=\"subject\">{subject}</h1><p>Status: <span id=\"status\">{status}</span></p><ul id=\"documents\">",
        subject = escape(&subject),
        status = escape(&status),
    );
    for (id, title) in documents {
        html.push_str(&format!("<li><a href=\"{PREFIX}{contract}/documents/{id}\">{}</a></li>", escape(&title)));
    }
    html.push_str("</ul>");
    if let Some(signer) = field("signer")
        && state.contracts.may_sign(contract, signer)
    {
        html.push_str(&format!(
            "<form method=\"post\" action=\"{PREFIX}{contract}/decide\">\
             <input type=\"hidden\" name=\"signer\" value=\"{}\"><input type=\"hidden\" name=\"back\" value=\"{}\">\
             <button id=\"sign\" name=\"decision\" value=\"sign\">Sign</button> \
             <button id=\"reject\" name=\"decision\" value=\"reject\">Reject</button></form>",
            escape(signer),
            escape(field("back").unwrap_or_default()),
        ));
    }
    html.push_str("</body></html>");
    respond(StatusCode::OK, "text/html;charset=utf-8", Bytes::from(html))
}

/// Where a form was posted from, when a browser says it was another origin
/// than the page's own (`Sec-Fetch-Site`, else `Origin` against `Host`). A
/// request without either (a test's own HTTP client) is not a browser's
/// cross-origin post, and passes.
fn foreign_origin(headers: &hyper::HeaderMap) -> Option<String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Some(format!("a {site} page"));
    }
    let origin = header("origin")?;
    let host = header("host").unwrap_or_default();
    let own = ["http://", "https://"].iter().any(|scheme| origin.strip_prefix(scheme) == Some(host));
    (!own).then(|| format!("`{}`", origin.chars().take(200).collect::<String>()))
}

/// Text for HTML, with the five special characters escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn respond(status: StatusCode, media: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(media));
    response
}

fn text(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    respond(status, "text/plain;charset=utf-8", Bytes::from(message.to_owned()))
}

fn pdf(bytes: Bytes) -> Response<Full<Bytes>> {
    respond(StatusCode::OK, "application/pdf", bytes)
}

fn see_other(location: &str) -> Response<Full<Bytes>> {
    let mut response = text(StatusCode::SEE_OTHER, "");
    if let Ok(value) = hyper::header::HeaderValue::from_str(location) {
        response.headers_mut().insert(hyper::header::LOCATION, value);
    }
    response
}
