//! A small integrator service, as a company using 契约锁 would run it beside
//! its WeChat mini-program:
//!
//! - `POST /company-auth/ticket` `{"companyName", "contact"}`: mints a company
//!   verification ticket for the mini-program's `enterprise-auth` plugin page,
//!   with this service's callback URL;
//! - `POST /qys/callback/company?token=…`: the API's form-encoded verification
//!   callback, parsed with one call and acknowledged with `{"code":0}`;
//! - `GET /company-auth/status?companyName=…`: what the service learnt.
//!
//! The API's secret stays on this server; the mini-program only ever sees tickets.
//!
//! **A callback proves nothing by itself.** The verification callbacks carry
//! no signature that the API's documentation describes, so anyone who learns
//! the callback URL can POST to it. This service therefore (1) gives each
//! ticket a callback URL with an unguessable token of its own, and refuses a
//! callback without a token it issued, and (2) before it believes "verified",
//! asks the API itself (`companyAuthResult`) with its signed client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Json, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qiyuesuo::models::{
    CompanyAuthCallback, CompanyAuthMiniappTicketRequest, CompanyAuthResultRequest, ContactType, User,
};
use qiyuesuo::{Client, ResponseCode};
use serde::Deserialize;
use serde_json::json;

/// What the handlers share.
#[derive(Clone)]
pub struct App {
    client: Client,
    /// This service's own base URL, as the API reaches it (for `callbackUrl`).
    public_url: String,
    /// Callback token → the company whose ticket it was issued with (the
    /// mini-app ticket returns no request id to match the callback by).
    pending: Arc<Mutex<HashMap<String, String>>>,
    /// What the service learnt per company: the callback, and what the API
    /// said when asked.
    results: Arc<Mutex<HashMap<String, Learnt>>>,
}

/// A callback, and the API's own answer to it.
#[derive(Debug, Clone)]
struct Learnt {
    callback: CompanyAuthCallback,
    /// `companyAuthResult`'s status: `2` is passed.
    confirmed_status: Option<i64>,
}

/// `companyAuthResult`'s status for a company whose verification passed.
const PASSED: i64 = 2;

impl App {
    /// A service that calls the API through `client` and is reached at `public_url`.
    pub fn new(client: Client, public_url: impl Into<String>) -> Self {
        App { client, public_url: public_url.into(), pending: Arc::default(), results: Arc::default() }
    }

    /// The routes.
    pub fn router(self) -> Router {
        Router::new()
            .route("/company-auth/ticket", post(mint_ticket))
            .route("/company-auth/status", get(status))
            .route("/qys/callback/company", post(company_callback))
            .with_state(self)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketRequest {
    company_name: String,
    contact: String,
}

async fn mint_ticket(State(app): State<App>, Json(body): Json<TicketRequest>) -> Response {
    // 122 random bits from the system's generator: not guessable from outside.
    let token = uuid::Uuid::new_v4().simple().to_string();
    let callback_url = format!("{}/qys/callback/company?token={token}", app.public_url);
    if let Ok(mut pending) = app.pending.lock() {
        pending.insert(token, body.company_name.clone());
    }
    let request =
        CompanyAuthMiniappTicketRequest::new(&body.company_name, User::new(body.contact, ContactType::Mobile))
            .callback_url(callback_url);
    match app.client.company_auth_miniapp_ticket(&request).await {
        Ok(result) => Json(json!({"ticket": result.ticket, "page": "enterprise-auth"})).into_response(),
        Err(error) if error.code() == Some(ResponseCode::CompanyAlreadyAuthed) => {
            (StatusCode::CONFLICT, Json(json!({"error": "the company is already verified"}))).into_response()
        }
        // Bad input is the front end's fault; anything else is ours or the API's.
        Err(error @ qiyuesuo::Error::InvalidRequest { .. }) => {
            (StatusCode::BAD_REQUEST, Json(json!({"error": error.to_string()}))).into_response()
        }
        Err(error) => (StatusCode::BAD_GATEWAY, Json(json!({"error": error.to_string()}))).into_response(),
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    token: Option<String>,
}

async fn company_callback(State(app): State<App>, Query(query): Query<CallbackQuery>, body: Bytes) -> Response {
    // Only a token this service issued names a company; anything else is forged or stale.
    let company = query.token.and_then(|token| app.pending.lock().ok()?.get(&token).cloned());
    let Some(company) = company else {
        return (StatusCode::FORBIDDEN, "unknown callback token").into_response();
    };
    let callback = match CompanyAuthCallback::from_form(&body) {
        Ok(callback) => callback,
        // Not acknowledged: a malformed callback is not taken as delivered.
        Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    };
    // The callback says what happened; the API, asked with our signature, confirms it.
    let asked = CompanyAuthResultRequest::new().company_name(company.clone());
    let confirmed_status = match app.client.company_auth_result(&asked).await {
        Ok(result) => Some(result.status),
        // Not acknowledged either: the API sends it again, and we ask again then.
        Err(error) => return (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    };
    if let Ok(mut results) = app.results.lock() {
        results.insert(company, Learnt { callback, confirmed_status });
    }
    ([(header::CONTENT_TYPE, qiyuesuo::runtime::ACK_CONTENT_TYPE)], qiyuesuo::runtime::ACK).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusQuery {
    company_name: String,
}

async fn status(State(app): State<App>, Query(query): Query<StatusQuery>) -> Response {
    let results = match app.results.lock() {
        Ok(results) => results,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match results.get(&query.company_name) {
        // Verified only when the API itself says so, whatever the callback claimed.
        Some(learnt) => Json(json!({
            "verified": learnt.confirmed_status == Some(PASSED),
            "status": learnt.callback.status,
            "actionEvent": learnt.callback.action_event,
        }))
        .into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "no callback yet"}))).into_response(),
    }
}
