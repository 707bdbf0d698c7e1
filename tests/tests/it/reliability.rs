//! Retries against a flaky server, the retry budget against a failing one,
//! and each of the three timeouts.

use crate::common;

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
use qiyuesuo::runtime::RetryPolicy;
use qiyuesuo::{Client, Error, ResponseCode, TransportKind};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn ticket() -> CompanyAuthMiniappTicketRequest {
    CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
}

/// Fails a seeded-random fraction of requests with a 503 envelope.
struct Flaky {
    rng: Mutex<fastrand::Rng>,
    failing: f64,
}

impl Respond for Flaky {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let roll = self.rng.lock().map(|mut r| r.f64()).unwrap_or(0.0);
        if roll < self.failing {
            ResponseTemplate::new(503).set_body_json(json!({"code": 1001, "message": "ERROR"}))
        } else {
            ResponseTemplate::new(200).set_body_json(common::answer_example("success"))
        }
    }
}

async fn flaky(failing: f64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Flaky { rng: Mutex::new(fastrand::Rng::with_seed(7)), failing })
        .mount(&server)
        .await;
    server
}

fn quick(url: &str) -> Client {
    Client::builder(url, common::TOKEN, common::SECRET)
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(4)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_flaky_server_gets_fresh_signed_attempts_within_the_budget() {
    let server = flaky(0.3).await;
    let client = quick(&server.uri());
    let calls = 200;
    let (mut succeeded, mut failed) = (0, 0);
    for _ in 0..calls {
        match client.company_auth_miniapp_ticket(&ticket()).await {
            Ok(result) => {
                assert!(!result.ticket.is_empty());
                succeeded += 1;
            }
            Err(error) => {
                // The only right error: the server's transient 1001 on a 503, after retries.
                assert_eq!((error.code(), error.status()), (Some(ResponseCode::InternalError), Some(503)), "{error}");
                assert!(error.call().unwrap().attempts >= 1);
                failed += 1;
            }
        }
    }
    let requests = server.received_requests().await.unwrap();
    let mut nonces = HashSet::new();
    for request in &requests {
        let nonce = common::header(request, "x-qys-open-nonce").unwrap();
        let timestamp = common::header(request, "x-qys-open-timestamp").unwrap();
        let expected = common::independent_signature(common::TOKEN, common::SECRET, &timestamp, Some(&nonce));
        assert_eq!(common::header(request, "x-qys-open-signature"), Some(expected));
        assert!(nonces.insert(nonce), "a nonce was sent twice");
    }
    // Each call adds a fifth of a retry to a budget that starts with ten.
    assert!(requests.len() <= calls + 10 + calls / 5, "{} attempts for {calls} calls", requests.len());
    assert!(requests.len() > calls, "nothing was retried");
    assert!(succeeded > failed * 4, "{succeeded} succeeded, {failed} failed");
}

#[tokio::test]
async fn a_failing_server_gets_about_one_point_two_attempts_per_call_once_the_budget_trips() {
    let server = flaky(1.0).await;
    let client = quick(&server.uri());
    for _ in 0..50 {
        client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    }
    let warm = server.received_requests().await.unwrap().len();
    let calls = 100;
    for _ in 0..calls {
        client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    }
    let attempts = server.received_requests().await.unwrap().len() - warm;
    assert!(attempts <= calls * 12 / 10 + 1, "{attempts} attempts for {calls} calls");
    // Clones share the budget.
    let clone = client.clone();
    let before = server.received_requests().await.unwrap().len();
    clone.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(server.received_requests().await.unwrap().len() - before <= 2);
}

/// Asserts a timeout fired no earlier than `setting` and within 10 % after it.
fn within_ten_percent(elapsed: Duration, setting: Duration) {
    assert!(elapsed >= setting, "fired early: {elapsed:?} < {setting:?}");
    assert!(elapsed <= setting.mul_f64(1.1), "fired late: {elapsed:?} > 1.1 × {setting:?}");
}

#[tokio::test]
async fn the_connect_timeout_fires_on_time() {
    // A listener whose accept queue is full: new connections wait for a SYN-ACK that never comes.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let address = listener.local_addr().unwrap();
    let _queued = std::net::TcpStream::connect(address).unwrap();
    let setting = Duration::from_secs(1);
    let client = Client::builder(format!("http://{address}"), common::TOKEN, common::SECRET)
        .connect_timeout(setting)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    within_ten_percent(started.elapsed(), setting);
    assert_eq!(error.transport_kind(), Some(TransportKind::Connect), "{error}");
    drop(listener);
}

async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(common::answer_example("success"))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_attempt_timeout_fires_on_time() {
    let server = silent_server().await;
    let setting = Duration::from_secs(1);
    let client = Client::builder(server.uri(), common::TOKEN, common::SECRET)
        .attempt_timeout(setting)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    within_ten_percent(started.elapsed(), setting);
    assert_eq!(error.transport_kind(), Some(TransportKind::Timeout), "{error}");
}

#[tokio::test]
async fn the_total_timeout_fires_on_time_across_retries() {
    let server = silent_server().await;
    let setting = Duration::from_secs(1);
    let client = Client::builder(server.uri(), common::TOKEN, common::SECRET)
        .attempt_timeout(Duration::from_millis(400))
        .total_timeout(setting)
        .retry_policy(
            RetryPolicy::default().max_attempts(10).backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    within_ten_percent(started.elapsed(), setting);
    assert_eq!(error.transport_kind(), Some(TransportKind::CallTimeout), "{error}");
    assert_eq!(error.call().unwrap().attempts, 3, "two 400 ms attempts, then the last 200 ms");
}

#[tokio::test]
async fn per_call_options_override_the_client() {
    let server = silent_server().await;
    let client = Client::new(server.uri(), common::TOKEN, common::SECRET).unwrap();
    let hurried = client
        .with_options(
            qiyuesuo::runtime::CallOptions::new()
                .attempt_timeout(Duration::from_millis(200))
                .retry(RetryPolicy::disabled()),
        )
        .unwrap();
    let started = Instant::now();
    let error = hurried.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(&error, Error::Transport(t) if t.kind == TransportKind::Timeout && t.call.attempts == 1),
        "{error}"
    );
}
