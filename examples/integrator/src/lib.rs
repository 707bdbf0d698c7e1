//! A small integrator service, as a company using 契约锁 would run it beside
//! its WeChat mini-program:
//!
//! - `POST /company-auth/ticket` `{"companyName", "contact"}`: mints a company
//!   verification ticket for the mini-program's `enterprise-auth` plugin page,
//!   with this service's callback URL;
//! - `POST /qys/callback/company`: the API's form-encoded verification
//!   callback, parsed with one call and acknowledged with `{"code":0}`;
//! - `GET /company-auth/status?companyName=…`: what the latest callback said.
//!
//! The API's secret stays on this server; the mini-program only ever sees tickets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Json, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qiyuesuo::models::{CompanyAuthCallback, CompanyAuthMiniappTicketRequest, ContactType, User};
use qiyuesuo::{Client, ResponseCode};
use serde::Deserialize;
use serde_json::json;

/// What the handlers share.
#[derive(Clone)]
pub struct App {
    client: Client,
    /// This service's own base URL, as the API reaches it (for `callbackUrl`).
    public_url: String,
    /// The latest callback per company, by the `company` parameter the
    /// callback URL carries back (the mini-app ticket returns no request id).
    results: Arc<Mutex<HashMap<String, CompanyAuthCallback>>>,
}

impl App {
    /// A service that calls the API through `client` and is reached at `public_url`.
    pub fn new(client: Client, public_url: impl Into<String>) -> Self {
        App { client, public_url: public_url.into(), results: Arc::default() }
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
    let company: String = form_urlencoded::byte_serialize(body.company_name.as_bytes()).collect();
    let callback_url = format!("{}/qys/callback/company?company={company}", app.public_url);
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
    company: String,
}

async fn company_callback(State(app): State<App>, Query(query): Query<CallbackQuery>, body: Bytes) -> Response {
    match CompanyAuthCallback::from_form(&body) {
        Ok(callback) => {
            if let Ok(mut results) = app.results.lock() {
                results.insert(query.company, callback);
            }
            ([(header::CONTENT_TYPE, qiyuesuo::runtime::ACK_CONTENT_TYPE)], qiyuesuo::runtime::ACK).into_response()
        }
        // Not acknowledged: a malformed callback is not taken as delivered.
        Err(error) => (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    }
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
        Some(callback) => Json(json!({
            "verified": callback.status == 1,
            "status": callback.status,
            "actionEvent": callback.action_event,
        }))
        .into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "no callback yet"}))).into_response(),
    }
}
