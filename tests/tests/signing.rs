//! Signing: the documented vectors, the exact headers a client sends, and a
//! fresh nonce on every request.

mod common;

use common::{CountingNonces, FixedClock, SECRET, TOKEN, header, independent_signature};
use qiyuesuo::Client;
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
use qiyuesuo::runtime::signing::signature;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn legacy_vector_from_the_private_deployment_doc() {
    assert_eq!(signature("123456", "abcde", 1_489_391_828_093, None), "bf3647db5f2f2f50ac2f2af744e44388");
}

#[test]
fn nonce_vector() {
    let nonce = "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0";
    assert_eq!(signature("123456", "abcde", 1_489_391_828_093, Some(nonce)), "b885e7538e7595d0b2d76f6cdfdefa3f");
}

#[test]
fn signature_agrees_with_an_independent_md5() {
    for (token, secret, timestamp, nonce) in
        [("a", "b", 0, None), ("tok", "sec ret", 1_700_000_000_000, Some("n")), ("契约锁", "密钥", 1, Some("ü"))]
    {
        assert_eq!(
            signature(token, secret, timestamp, nonce),
            independent_signature(token, secret, &timestamp.to_string(), nonce)
        );
    }
}

async fn ticket_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/companyauth/miniappexchange"))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::answer_example("success")))
        .mount(&server)
        .await;
    server
}

fn request() -> CompanyAuthMiniappTicketRequest {
    CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
}

/// The `x-qys-open-*` headers of a received request, by name.
fn qys_headers(request: &wiremock::Request) -> Vec<String> {
    let mut names: Vec<String> =
        request.headers.keys().map(|k| k.as_str().to_owned()).filter(|k| k.starts_with("x-qys-open-")).collect();
    names.sort();
    names
}

#[tokio::test]
async fn sends_exactly_the_four_headers_with_a_correct_signature() {
    let server = ticket_server().await;
    let client = Client::builder(server.uri(), TOKEN, SECRET)
        .clock(FixedClock(1_700_000_000_123))
        .nonce_source(CountingNonces::default())
        .build()
        .unwrap();
    client.company_auth_miniapp_ticket(&request()).await.unwrap();

    let received = server.received_requests().await.unwrap();
    let [sent] = received.as_slice() else { panic!("expected one request, got {}", received.len()) };
    assert_eq!(
        qys_headers(sent),
        ["x-qys-open-accesstoken", "x-qys-open-nonce", "x-qys-open-signature", "x-qys-open-timestamp"]
    );
    assert_eq!(header(sent, "x-qys-open-accesstoken").as_deref(), Some(TOKEN));
    assert_eq!(header(sent, "x-qys-open-timestamp").as_deref(), Some("1700000000123"));
    assert_eq!(header(sent, "x-qys-open-nonce").as_deref(), Some("nonce-0"));
    let expected = independent_signature(TOKEN, SECRET, "1700000000123", Some("nonce-0"));
    assert_eq!(header(sent, "x-qys-open-signature"), Some(expected));
}

#[tokio::test]
async fn legacy_mode_sends_three_headers_and_signs_without_nonce() {
    let server = ticket_server().await;
    let client = Client::builder(server.uri(), TOKEN, SECRET)
        .legacy_signature()
        .clock(FixedClock(1_489_391_828_093))
        .build()
        .unwrap();
    client.company_auth_miniapp_ticket(&request()).await.unwrap();

    let received = server.received_requests().await.unwrap();
    let sent = &received[0];
    assert_eq!(qys_headers(sent), ["x-qys-open-accesstoken", "x-qys-open-signature", "x-qys-open-timestamp"]);
    let expected = independent_signature(TOKEN, SECRET, "1489391828093", None);
    assert_eq!(header(sent, "x-qys-open-signature"), Some(expected));
}

#[tokio::test]
async fn every_request_gets_a_fresh_nonce_and_its_own_valid_signature() {
    let server = ticket_server().await;
    let client = Client::new(server.uri(), TOKEN, SECRET).unwrap();
    for _ in 0..5 {
        client.company_auth_miniapp_ticket(&request()).await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    let mut nonces: Vec<String> = received.iter().filter_map(|r| header(r, "x-qys-open-nonce")).collect();
    assert_eq!(nonces.len(), 5);
    for sent in &received {
        let timestamp = header(sent, "x-qys-open-timestamp").unwrap();
        let nonce = header(sent, "x-qys-open-nonce").unwrap();
        assert!(uuid_like(&nonce), "nonce {nonce} is not a UUID");
        let expected = independent_signature(TOKEN, SECRET, &timestamp, Some(&nonce));
        assert_eq!(header(sent, "x-qys-open-signature"), Some(expected));
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a nonce was reused");
}

fn uuid_like(text: &str) -> bool {
    let parts: Vec<usize> = text.split('-').map(str::len).collect();
    parts == [8, 4, 4, 4, 12] && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}
