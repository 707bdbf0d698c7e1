//! The builder's HTTP settings: a proxy, extra roots, a user agent suffix,
//! and an integrator's own reqwest client.

use crate::common;

use qiyuesuo::Client;
use qiyuesuo::mock::MockServer;
use qiyuesuo::models::SealListRequest;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use common::{SECRET, TOKEN};

async fn recording_server() -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    let page = serde_json::json!({"code": 0, "result": {"totalCount": 0, "list": []}});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(page)).mount(&server).await;
    server
}

#[tokio::test]
async fn a_proxy_carries_every_request() {
    // The base URL is a closed port; only the proxy (the mock, answering
    // the absolute-form request) can answer.
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder("http://127.0.0.1:9", mock.access_token(), mock.access_secret())
        .proxy(mock.base_url())
        .build()
        .unwrap();
    let seals = client.seal_list(&SealListRequest::new()).await.unwrap();
    assert_eq!(seals.list.len(), 1);
    assert_eq!(mock.log()[0].operation.as_deref(), Some("sealList"));
    // A proxy URL that is none is refused when the client is built, without showing it.
    let error = Client::builder("http://127.0.0.1:9", TOKEN, SECRET).proxy("::not a url::pw").build().unwrap_err();
    assert!(error.to_string().contains("the proxy is not a usable URL"), "{error}");
    assert!(!error.to_string().contains("pw"), "{error}");
}

#[tokio::test]
async fn the_user_agent_names_the_crate_and_the_suffix() {
    let server = recording_server().await;
    let client = Client::builder(server.uri(), TOKEN, SECRET).user_agent_suffix("billing/2.1").build().unwrap();
    client.seal_list(&SealListRequest::new()).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let agent = common::header(&received[0], "user-agent").unwrap();
    assert!(agent.starts_with("qiyuesuo-rust/") && agent.ends_with(" billing/2.1"), "{agent}");
}

#[tokio::test]
async fn an_injected_client_sends_with_its_own_settings_and_the_crates_signature() {
    let server = recording_server().await;
    let mut headers = qiyuesuo::runtime::reqwest::header::HeaderMap::new();
    headers.insert("x-tenant", "acme".parse().unwrap());
    let own = qiyuesuo::runtime::reqwest::Client::builder()
        .redirect(qiyuesuo::runtime::reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder(server.uri(), TOKEN, SECRET).http_client(own).build().unwrap();
    client.seal_list(&SealListRequest::new()).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(common::header(&received[0], "x-tenant").as_deref(), Some("acme"));
    assert!(common::header(&received[0], "x-qys-open-signature").is_some());
}

#[test]
fn a_root_certificate_that_is_not_pem_is_named() {
    let error = Client::builder("https://openapi.qiyuesuo.cn", TOKEN, SECRET)
        .add_root_certificate_pem(b"-----BEGIN CERTIFICATE-----\nnot base64\n".to_vec())
        .build()
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("root certificate"), "{text}");
}
