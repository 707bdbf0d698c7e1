//! The integrator service against the mock: a ticket for the front end, the
//! verification callback received and acknowledged, a malformed callback
//! refused, and the one-command demo run as a user would run it.

// A failed test is a panic, and says where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::time::Duration;

use qiyuesuo::mock::{MockServer, Rule};
use qiyuesuo_example_integrator::App;
use serde_json::{Value, json};

async fn start(mock: &MockServer) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = App::new(mock.client().unwrap(), &base).router();
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn a_ticket_then_the_callback_then_the_status() {
    let mock = MockServer::start().await.unwrap();
    // The first matching rule wins: the specific one goes first.
    mock.add_rule(Rule::new(Some("companyAuthMiniappTicket"), [("companyName", json!("已认证公司"))]).code(1605))
        .unwrap();
    mock.add_rule(
        Rule::new(Some("companyAuthMiniappTicket"), []).callback([("status", json!(1)), ("actionEvent", json!(7))]),
    )
    .unwrap();
    let base = start(&mock).await;
    let http = reqwest::Client::new();

    let ticket: Value = http
        .post(format!("{base}/company-auth/ticket"))
        .json(&json!({"companyName": "上海 A&B 公司", "contact": "12312378900"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ticket["ticket"].as_str().map(str::len), Some(32), "{ticket}");

    let mut status = Value::Null;
    for _ in 0..200 {
        let answer = status_of(&base, "上海 A&B 公司").await;
        if answer.status() == 200 {
            status = answer.json().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(status, json!({"verified": true, "status": 1, "actionEvent": 7}));
    // The mock records the delivery once it has read the service's answer,
    // which may be after the service has recorded the callback.
    let acknowledged = || mock.log().iter().any(|e| e.outcome == "callback acknowledged (delivery 1)");
    for _ in 0..200 {
        if acknowledged() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(acknowledged(), "{:?}", mock.log());

    // The API's own refusal becomes the front end's 409.
    let conflict = http
        .post(format!("{base}/company-auth/ticket"))
        .json(&json!({"companyName": "已认证公司", "contact": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(conflict.status(), 409);
}

#[tokio::test]
async fn a_malformed_callback_is_refused_and_not_acknowledged() {
    let (api, base) = with_api_saying(2).await;
    let callback_url = ticket_for(&api, &base, "某公司").await;
    let query = format!("?{}", callback_url.split_once('?').unwrap().1);
    let answer = reqwest::Client::new()
        .post(format!("{base}/qys/callback/company{query}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=maybe")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.unwrap();
    assert!(text.contains("status: expected a whole number"), "{text}");
    assert!(!text.contains(r#""code":0"#), "{text}");
}

#[test]
fn the_demo_runs_with_one_command() {
    let output =
        std::process::Command::new(env!("CARGO_BIN_EXE_qiyuesuo-example-integrator")).arg("--demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(r#"callback said: {"verified":true,"status":1,"actionEvent":7}"#), "{stdout}");
    assert!(stdout.contains("callback acknowledged (delivery 1)"), "{stdout}");
}

/// The service against a scripted API whose `companyAuthResult` says `status`.
async fn with_api_saying(status: i64) -> (wiremock::MockServer, String) {
    use wiremock::matchers::path;
    use wiremock::{Mock, ResponseTemplate};
    let api = wiremock::MockServer::start().await;
    Mock::given(path("/companyauth/miniappexchange"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "result": {"ticket": "t"}})))
        .mount(&api)
        .await;
    Mock::given(path("/companyauth/result"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "result": {"status": status}})))
        .mount(&api)
        .await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let client = qiyuesuo::Client::new(api.uri(), "token", "secret").unwrap();
    let app = App::new(client, &base).router();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (api, base)
}

/// Asks the service for a ticket for `company`; returns the callback URL it gave the API.
async fn ticket_for(api: &wiremock::MockServer, base: &str, company: &str) -> String {
    let ticket = reqwest::Client::new()
        .post(format!("{base}/company-auth/ticket"))
        .json(&json!({"companyName": company, "contact": "12312378900"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ticket.status(), 200);
    let sent: Value = serde_json::from_slice(&api.received_requests().await.unwrap()[0].body).unwrap();
    sent["callbackUrl"].as_str().unwrap().to_owned()
}

/// What the service says of `company`.
async fn status_of(base: &str, company: &str) -> reqwest::Response {
    let asked = reqwest::Client::new().get(format!("{base}/company-auth/status")).query(&[("companyName", company)]);
    asked.send().await.unwrap()
}

async fn callback(base: &str, query: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/qys/callback/company{query}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=1&actionEvent=7")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn callbacks_a_forged_one_is_refused_and_one_the_api_does_not_confirm_verifies_nothing() {
    let (api, base) = with_api_saying(3).await;
    // The token the service put in the callback URL it gave the API.
    let callback_url = ticket_for(&api, &base, "某公司").await;
    let token = callback_url.split("token=").nth(1).unwrap().to_owned();
    assert_eq!(token.len(), 32, "{callback_url}");
    assert!(!callback_url.contains("某公司"), "{callback_url}");

    // Forged: no token, or one the service never issued.
    for forged in ["", "?token=0123456789abcdef0123456789abcdef", "?company=某公司"] {
        let answer = callback(&base, forged).await;
        assert_eq!(answer.status(), 403, "{forged}");
        assert!(!answer.text().await.unwrap().contains(r#""code":0"#), "a forged callback was acknowledged");
    }
    assert_eq!(status_of(&base, "某公司").await.status(), 404, "a forged callback recorded something");

    // The real token, claiming success; the API says the verification failed (3).
    let answer = callback(&base, &format!("?token={token}")).await;
    assert_eq!(answer.status(), 200);
    let status: Value = status_of(&base, "某公司").await.json().await.unwrap();
    assert_eq!(status["verified"], false, "{status}");
    let asked = api.received_requests().await.unwrap();
    assert!(asked.iter().any(|r| r.url.path() == "/companyauth/result"), "the API was not asked");
}
