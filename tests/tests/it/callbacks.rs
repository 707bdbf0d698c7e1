//! Callbacks: an integrator's handler turns the form-encoded body into a
//! typed payload with one call, and a malformed body into an error naming the
//! field; the mock delivers the callback when a scenario asks.

use std::time::Duration;

use qiyuesuo::mock::{MockServer, Rule};
use qiyuesuo::models::{
    CompanyAuthCallback, CompanyAuthPageRequest, ContactType, PersonalAuthCallback, PersonalAuthResultMode, User,
};
use qiyuesuo::runtime::{ACK, Callback};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

#[test]
fn a_company_callback_body_becomes_the_typed_payload() {
    let body = "status=1&actionEvent=7&requestId=2589012345678901234&authInfo=%7B%22name%22%3A%22%E4%B8%8A%E6%B5%B7%E5%A5%91%E7%BA%A6%E9%94%81%E5%85%AC%E5%8F%B8%22%2C%22registerNo%22%3A%2291310000%22%7D&extra=ignored";
    let callback = CompanyAuthCallback::from_form(body.as_bytes()).unwrap();
    assert_eq!(callback.status, 1);
    assert_eq!(callback.action_event, Some(7));
    assert_eq!(callback.request_id.as_deref(), Some("2589012345678901234"));
    let info = callback.auth_info.unwrap();
    assert_eq!(info.name.as_deref(), Some("上海契约锁公司"));
    assert_eq!(info.register_no.as_deref(), Some("91310000"));
    assert_eq!(ACK, r#"{"code":0}"#);
    assert_eq!(<CompanyAuthCallback as Callback>::NAME, "companyAuthResult");
}

#[test]
fn a_personal_callback_keeps_a_mode_this_version_does_not_know() {
    let known = PersonalAuthCallback::from_form(b"mode=FACE&status=1&authId=42").unwrap();
    assert_eq!(known.mode, Some(PersonalAuthResultMode::Face));
    let novel = PersonalAuthCallback::from_form(b"mode=VOICEPRINT&status=1").unwrap();
    assert_eq!(novel.mode, Some(PersonalAuthResultMode::Unknown("VOICEPRINT".to_owned())));
    assert_eq!(novel.mode.unwrap().as_str(), "VOICEPRINT");
}

#[test]
fn a_malformed_callback_is_an_error_that_names_the_field() {
    let cases: [(&[u8], &str); 5] = [
        (b"status=yes", "malformed `companyAuthResult` callback: status: expected a whole number, not `yes`"),
        (b"actionEvent=7", "missing field `status`"),
        (b"status=1&status=2", "status: given twice"),
        (b"status=1&authInfo=%7Bnot", "authInfo: expected JSON text, not `{not`"),
        (b"status=1&authInfo=%5B1%5D", "authInfo[0]: invalid type: integer `1`"),
    ];
    for (body, expected) in cases {
        let error = CompanyAuthCallback::from_form(body).unwrap_err();
        assert!(error.to_string().contains(expected), "{}: {error}", String::from_utf8_lossy(body));
    }
    // An empty number counts as absent rather than as a bad number.
    assert_eq!(CompanyAuthCallback::from_form(b"status=0&actionEvent=").unwrap().action_event, None);
}

#[tokio::test]
async fn the_mock_delivers_the_callback_a_scenario_asks_for() {
    let integrator = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ACK, "application/json"))
        .mount(&integrator)
        .await;
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("companyAuthPcPage"), []).callback([("status", json!(2)), ("actionEvent", json!(2))]))
        .unwrap();
    let request = CompanyAuthPageRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
        .callback_url(format!("{}/qys/company?order=7", integrator.uri()));
    let link = mock.client().unwrap().company_auth_pc_page(&request).await.unwrap();

    let received = wait_for(&integrator, 1).await;
    let delivered = &received[0];
    assert_eq!(delivered.url.path(), "/qys/company");
    assert_eq!(delivered.url.query(), Some("order=7"), "the integrator's own parameters come back");
    let content_type = delivered.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("application/x-www-form-urlencoded"), "{content_type}");
    let callback = CompanyAuthCallback::from_form(&delivered.body).unwrap();
    assert_eq!((callback.status, callback.action_event), (2, Some(2)));
    // The callback carries the id the link answer gave, as the API's does.
    assert_eq!(callback.request_id.as_deref(), Some(link.request_id.as_str()));
    let log = wait_for_log(&mock, "callback acknowledged (delivery 1)").await;
    assert!(log.iter().all(|e| !e.path.contains("上海")), "{log:?}");
}

#[tokio::test]
async fn an_unacknowledged_callback_is_sent_again() {
    let integrator = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"code":1}"#, "application/json"))
        .mount(&integrator)
        .await;
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("personalAuthUrl"), []).callback([("status", json!("2"))])).unwrap();
    let request: qiyuesuo::models::PersonalAuthUrlRequest = serde_json::from_value(json!({
        "user": {"contact": "10020033044", "contactType": "MOBILE"},
        "callbackUrl": format!("{}/qys/personal", integrator.uri())
    }))
    .unwrap();
    let link = mock.client().unwrap().personal_auth_url(&request).await.unwrap();
    let received = wait_for(&integrator, 2).await;
    for delivery in &received {
        let callback = PersonalAuthCallback::from_form(&delivery.body).unwrap();
        assert_eq!(callback.status, "2");
        assert_eq!(callback.auth_id.as_deref(), Some(link.auth_id.as_str()));
    }
    wait_for_log(&mock, "callback not acknowledged (delivery 2 of 2)").await;
}

#[tokio::test]
async fn a_callback_rule_needs_an_operation_with_a_callback() {
    let mock = MockServer::start().await.unwrap();
    let error = mock.add_rule(Rule::new(Some("sealList"), []).callback([])).unwrap_err();
    assert!(error.to_string().contains("`callback` needs an operation that declares a callback"), "{error}");
    let error = mock.add_rule(Rule::new(Some("sealList"), []).download_bytes(1)).unwrap_err();
    assert!(error.to_string().contains("`download_bytes` needs an operation that answers a file"), "{error}");
    let error = mock.add_rule(Rule::new(Some("contractDownload"), []).download_bytes(1 << 40)).unwrap_err();
    assert!(error.to_string().contains("`download_bytes` is at most 1073741824 (1 GiB)"), "{error}");
}

async fn wait_for(server: &wiremock::MockServer, count: usize) -> Vec<wiremock::Request> {
    for _ in 0..200 {
        let received = server.received_requests().await.unwrap();
        if received.len() >= count {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fewer than {count} callbacks arrived");
}

async fn wait_for_log(mock: &MockServer, outcome: &str) -> Vec<qiyuesuo::mock::LogEntry> {
    for _ in 0..200 {
        let log = mock.log();
        if log.iter().any(|e| e.outcome == outcome) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the mock never logged `{outcome}`: {:?}", mock.log());
}

#[test]
fn a_hostile_callback_value_is_quoted_capped_and_escaped() {
    // serde would quote the whole value of a wrong type: a megabyte into a log line.
    let body = format!("status=1&authInfo=%22%5Cu001b]0;x%5Cu0007{}%22", "A".repeat(1 << 20));
    let error = CompanyAuthCallback::from_form(body.as_bytes()).unwrap_err().to_string();
    assert!(error.len() < 1_000, "{} bytes", error.len());
    assert!(error.contains("authInfo: invalid type: string") && error.ends_with('…'), "{error}");
    assert!(!error.contains('\u{1b}') && !error.contains('\u{7}'), "{error:?}");
}

/// The mock and a callback receiver that answers through `steps`.
async fn callback_to(url: &str) -> MockServer {
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("companyAuthPcPage"), []).callback([("status", json!(2))])).unwrap();
    let request = CompanyAuthPageRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
        .callback_url(format!("{url}/qys/company"));
    mock.client().unwrap().company_auth_pc_page(&request).await.unwrap();
    mock
}

#[tokio::test]
async fn a_receivers_endless_reply_is_read_only_as_far_as_the_acknowledgement() {
    use qiyuesuo_tests::raw::{RawServer, Step, head};
    // The acknowledgement, then padding that never stops (30 s of it): only its start is read.
    let mut steps = vec![head("200 OK", &["content-type: application/json", "transfer-encoding: chunked"], None)];
    steps.push(Step::Write(format!("{:x}\r\n{ACK}\r\n", ACK.len()).into_bytes()));
    let padding = " ".repeat(64 * 1024);
    for _ in 0..600 {
        steps.push(Step::Write(format!("{:x}\r\n{padding}\r\n", padding.len()).into_bytes()));
        steps.push(Step::Sleep(Duration::from_millis(50)));
    }
    let receiver = RawServer::start(steps).await;
    let mock = callback_to(&receiver.url).await;
    wait_for_log(&mock, "callback acknowledged (delivery 1)").await;
}

#[tokio::test]
async fn a_delivery_follows_no_redirect() {
    let elsewhere = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ACK, "application/json"))
        .mount(&elsewhere)
        .await;
    let integrator = wiremock::MockServer::start().await;
    let moved = ResponseTemplate::new(307).insert_header("location", format!("{}/stolen", elsewhere.uri()));
    Mock::given(method("POST")).respond_with(moved).mount(&integrator).await;
    let mock = callback_to(&integrator.uri()).await;
    let log = wait_for_log(&mock, "callback not acknowledged: a redirect, not followed (delivery 2 of 2)").await;
    // The journal's URL is where each delivery went: the one the request named.
    let target = format!("{}/qys/company", integrator.uri());
    let deliveries: Vec<_> = log.iter().filter(|e| e.method == "CALLBACK").collect();
    assert!(deliveries.iter().all(|e| e.http_status == 307 && e.path == target), "{log:?}");
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the callback was re-posted elsewhere");
}

#[tokio::test]
async fn callbacks_to_a_receiver_that_never_answers_are_bounded_in_flight_and_the_overflow_recorded() {
    use qiyuesuo::mock::{MAX_DELIVERIES_IN_FLIGHT, MAX_DELIVERIES_PENDING};
    // A receiver that takes connections and never answers: count them.
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = receiver.local_addr().unwrap();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = receiver.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(stream);
        }
    });
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("companyAuthPcPage"), []).callback([("status", json!(2))])).unwrap();
    let client = mock.client().unwrap();
    let request = CompanyAuthPageRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
        .callback_url(format!("http://{address}/qys/company"));
    let sent = MAX_DELIVERIES_PENDING + 40;
    for _ in 0..sent {
        client.company_auth_pc_page(&request).await.unwrap();
    }
    let dropped = |log: &[qiyuesuo::mock::LogEntry]| {
        log.iter().filter(|e| e.method == "CALLBACK" && e.outcome.starts_with("callback dropped")).count()
    };
    let mut log = mock.log();
    for _ in 0..200 {
        if dropped(&log) >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        log = mock.log();
    }
    assert_eq!(dropped(&log), 40, "the overflow is recorded, callback by callback");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = accepted.load(std::sync::atomic::Ordering::SeqCst);
    assert!(open > 0 && open <= MAX_DELIVERIES_IN_FLIGHT, "{open} deliveries under way at once");
}
