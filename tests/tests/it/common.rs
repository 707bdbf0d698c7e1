//! Helpers shared by the loopback tests: fixed clock and nonces, the schema's
//! own examples, and an independent MD5 of the signing string.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use qiyuesuo::runtime::{Clock, NonceSource};
use serde_json::Value;

pub const TOKEN: &str = "test-token";
pub const SECRET: &str = "test-secret-never-printed";

/// The schema the crate was generated from.
pub fn schema() -> Value {
    let text = include_str!("../../../schema/qiyuesuo.openapi.json");
    serde_json::from_str(text).expect("the schema is JSON")
}

/// A value from the schema by JSON pointer; panics (failing the test) when absent.
pub fn schema_at(pointer: &str) -> Value {
    schema().pointer(pointer).cloned().unwrap_or_else(|| panic!("schema has nothing at {pointer}"))
}

pub const TICKET_OP: &str = "/paths/~1companyauth~1miniappexchange/post";

/// The doc page's request example, as the schema records it.
pub fn request_example() -> Value {
    schema_at(&format!("{TICKET_OP}/requestBody/content/application~1json/example"))
}

/// A named answer example of the ticket operation.
pub fn answer_example(name: &str) -> Value {
    schema_at(&format!("{TICKET_OP}/responses/200/content/application~1json/examples/{name}/value"))
}

#[derive(Debug)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now_millis(&self) -> u64 {
        self.0
    }
}

/// `nonce-0`, `nonce-1`, … so tests can tell attempts apart.
#[derive(Debug, Default)]
pub struct CountingNonces(pub AtomicUsize);

impl NonceSource for CountingNonces {
    fn nonce(&self) -> String {
        format!("nonce-{}", self.0.fetch_add(1, Ordering::SeqCst))
    }
}

/// The signature, computed with a different MD5 implementation than the client's.
pub fn independent_signature(token: &str, secret: &str, timestamp: &str, nonce: Option<&str>) -> String {
    let text = format!("{token}{secret}{timestamp}{}", nonce.unwrap_or(""));
    format!("{:x}", md5::compute(text.as_bytes()))
}

/// A header of a received request as text.
pub fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// A POST to `path` of `mock`, signed as the gateway requires (a fresh
/// random nonce each time), for bodies the typed client would not send.
pub fn signed_post(mock: &qiyuesuo::mock::MockServer, path: &str) -> reqwest::RequestBuilder {
    signed(mock, reqwest::Method::POST, path)
}

/// A request of `method` to `path` (with its query) of `mock`, signed.
#[allow(dead_code)]
pub fn signed(mock: &qiyuesuo::mock::MockServer, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    let timestamp = qiyuesuo::runtime::Clock::now_millis(&qiyuesuo::runtime::SystemClock);
    let nonce = format!("raw-{:016x}", fastrand::u64(..));
    let signature =
        qiyuesuo::runtime::signing::signature(mock.access_token(), mock.access_secret(), timestamp, Some(&nonce));
    reqwest::Client::new()
        .request(method, format!("{}{path}", mock.base_url()))
        .header("x-qys-open-accesstoken", mock.access_token())
        .header("x-qys-open-timestamp", timestamp.to_string())
        .header("x-qys-open-nonce", nonce)
        .header("x-qys-open-signature", signature)
}

/// The person who signs in the lifecycle tests.
#[allow(dead_code)]
pub const PERSON: &str = "10020033044";

/// A draft of the lifecycle tests: the integrator's company signs first with
/// its seal, then a person; the callback URL if given.
#[allow(dead_code)]
pub fn two_party_draft(biz_id: &str, callback: Option<&str>) -> qiyuesuo::models::DraftContractRequest {
    use qiyuesuo::models::{
        ActionType, ContractContactType, ContractUser, DraftAction, DraftContractRequest, DraftSignatory, TenantType,
    };
    let company = DraftSignatory::new(TenantType::Company)
        .tenant_name("Example Co., Ltd.")
        .actions([DraftAction::new(ActionType::Company)]);
    let person = DraftSignatory::new(TenantType::Personal)
        .tenant_name("张三")
        .receiver(ContractUser::new(PERSON, ContractContactType::Mobile));
    let request =
        DraftContractRequest::new().subject("Service agreement").biz_id(biz_id).signatories([company, person]);
    match callback {
        Some(url) => request.callback_url(url),
        None => request,
    }
}
