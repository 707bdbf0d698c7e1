//! Signing: the documented vectors, the exact headers a client sends, and a
//! fresh nonce on every request.

use crate::common;

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

// SaaS (agent) mode: the agent's pair, and the company's beside it when the
// agent acts for a company, both over one timestamp and nonce.

const AGENT_TOKEN: &str = "agent-token-1";
const AGENT_SECRET: &str = "agent-secret-1";

#[test]
fn agent_vectors_agree_with_an_independent_md5() {
    // The agent's signature is the same function over the agent's pair.
    let nonce = "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0";
    assert_eq!(
        signature(AGENT_TOKEN, AGENT_SECRET, 1_489_391_828_093, Some(nonce)),
        independent_signature(AGENT_TOKEN, AGENT_SECRET, "1489391828093", Some(nonce))
    );
    let key = qiyuesuo::runtime::__hooks::SigningKey::agent(&qiyuesuo::runtime::__hooks::AgentCredentials::new(
        AGENT_TOKEN,
        AGENT_SECRET,
    ))
    .unwrap();
    let company =
        qiyuesuo::runtime::__hooks::SigningKey::new(&qiyuesuo::runtime::__hooks::Credentials::new(TOKEN, SECRET))
            .unwrap();
    let keys = qiyuesuo::runtime::__hooks::Keys { company: Some(company), agent: Some(key) };
    let map = keys.headers(1_700_000_000_000, Some("n-1")).unwrap().into_map();
    let text = |name: &str| map.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(
        text("x-qys-open-agentsignature"),
        Some(independent_signature(AGENT_TOKEN, AGENT_SECRET, "1700000000000", Some("n-1")))
    );
    assert_eq!(text("x-qys-open-signature"), Some(independent_signature(TOKEN, SECRET, "1700000000000", Some("n-1"))));
    assert_eq!(text("x-qys-open-agentaccesstoken").as_deref(), Some(AGENT_TOKEN));
}

async fn binding_server() -> MockServer {
    let server = ticket_server().await;
    Mock::given(method("GET"))
        .and(path("/saas/v2/binding"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"code": 0, "message": "SUCCESS", "result": {"bound": true}})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_agent_client_sends_its_own_pair_alone() {
    let server = binding_server().await;
    let client = Client::agent_builder(server.uri(), AGENT_TOKEN, AGENT_SECRET)
        .clock(FixedClock(1_700_000_000_123))
        .nonce_source(CountingNonces::default())
        .build()
        .unwrap();
    // An undocumented result comes back as the JSON it was.
    assert_eq!(client.saas_binding().await.unwrap(), serde_json::json!({"bound": true}));
    let received = server.received_requests().await.unwrap();
    let sent = &received[0];
    assert_eq!(
        qys_headers(sent),
        ["x-qys-open-agentaccesstoken", "x-qys-open-agentsignature", "x-qys-open-nonce", "x-qys-open-timestamp"]
    );
    assert_eq!(header(sent, "x-qys-open-agentaccesstoken").as_deref(), Some(AGENT_TOKEN));
    let expected = independent_signature(AGENT_TOKEN, AGENT_SECRET, "1700000000123", Some("nonce-0"));
    assert_eq!(header(sent, "x-qys-open-agentsignature"), Some(expected));
}

#[tokio::test]
async fn an_agent_acting_for_a_company_signs_with_both_pairs_over_one_timestamp_and_nonce() {
    let server = binding_server().await;
    let client = Client::agent_builder(server.uri(), AGENT_TOKEN, AGENT_SECRET)
        .credentials(TOKEN, SECRET)
        .clock(FixedClock(1_700_000_000_123))
        .nonce_source(CountingNonces::default())
        .build()
        .unwrap();
    // A company operation and an agent operation, each with both pairs.
    client.company_auth_miniapp_ticket(&request()).await.unwrap();
    client.saas_binding().await.unwrap();
    let received = server.received_requests().await.unwrap();
    for (sent, nonce) in received.iter().zip(["nonce-0", "nonce-1"]) {
        assert_eq!(qys_headers(sent).len(), 6, "{:?}", qys_headers(sent));
        assert_eq!(header(sent, "x-qys-open-nonce").as_deref(), Some(nonce));
        let company = independent_signature(TOKEN, SECRET, "1700000000123", Some(nonce));
        let agent = independent_signature(AGENT_TOKEN, AGENT_SECRET, "1700000000123", Some(nonce));
        assert_eq!(header(sent, "x-qys-open-signature"), Some(company));
        assert_eq!(header(sent, "x-qys-open-agentsignature"), Some(agent));
    }
}

#[tokio::test]
async fn a_client_without_the_pair_an_operation_needs_refuses_it_before_sending() {
    let server = binding_server().await;
    let company = Client::new(server.uri(), TOKEN, SECRET).unwrap();
    let error = company.saas_binding().await.unwrap_err().to_string();
    assert!(error.contains("`saasBinding` is an agent operation") && error.contains("no agent credentials"), "{error}");
    let agent = Client::agent_builder(server.uri(), AGENT_TOKEN, AGENT_SECRET).build().unwrap();
    let error = agent.company_auth_miniapp_ticket(&request()).await.unwrap_err().to_string();
    assert!(error.contains("`companyAuthMiniappTicket` is signed with a company's credentials"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing may be sent");
    // An empty agent secret is refused when the client is built, by name.
    let error = Client::agent_builder(server.uri(), AGENT_TOKEN, "").build().unwrap_err().to_string();
    assert!(error.contains("the agent secret is empty"), "{error}");
    assert!(!format!("{agent:?}").contains(AGENT_TOKEN), "the agent's token must not show in Debug");
}
