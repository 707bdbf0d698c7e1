//! A unique token and secret, every log line at TRACE from this crate and
//! its HTTP stack, and every error kind formatted both ways: none of it may
//! show the secret, the token or a signature.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use qiyuesuo::mock::{Fault, MockServer, Rule};
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
use qiyuesuo::runtime::RetryPolicy;
use qiyuesuo::{Client, Error};

const TOKEN: &str = "token-7c1f0e9a-unique";
const SECRET: &str = "secret-5b2d8e44-unique";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the subscriber is this thread's default, so it sees the client,
// the mock and the HTTP stack of this test and nothing of the other modules'.
#[tokio::test(flavor = "current_thread")]
async fn nothing_shows_the_secret_token_or_signature() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _subscriber = tracing::subscriber::set_default(subscriber);
    tracing_log::LogTracer::init().unwrap();

    let mock = MockServer::builder()
        .credentials(TOKEN, SECRET)
        .rule(Rule::new(None, [("companyName", "html".into())]).fault(Fault::Html502))
        .rule(Rule::new(None, [("companyName", "drop".into())]).fault(Fault::DropConnection))
        .rule(Rule::new(None, [("companyName", "slow".into())]).delay_ms(2_000))
        .rule(Rule::new(None, [("companyName", "done".into())]).code(1605))
        .print_log(true)
        .start()
        .await
        .unwrap();
    let client = Client::builder(mock.base_url(), TOKEN, SECRET)
        .attempt_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap();
    let request = |company: &str| CompanyAuthMiniappTicketRequest::new(company, User::new("1", ContactType::Mobile));

    let mut shown = vec![format!("{client:?}"), format!("{mock:?}")];
    client.company_auth_miniapp_ticket(&request("ok")).await.unwrap();
    let mut errors: Vec<Error> = Vec::new();
    for company in ["html", "drop", "slow", "done", ""] {
        errors.push(client.company_auth_miniapp_ticket(&request(company)).await.unwrap_err());
    }
    let wrong_secret = Client::new(mock.base_url(), TOKEN, "another-secret").unwrap();
    errors.push(wrong_secret.company_auth_miniapp_ticket(&request("ok")).await.unwrap_err());
    errors.push(Client::new("http://example.com", TOKEN, SECRET).unwrap_err());
    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Api(_) => "api",
            Error::InvalidRequest { .. } => "invalid",
            Error::Config(_) => "config",
            Error::Transport(_) => "transport",
            Error::Decode(_) => "decode",
            _ => "other",
        })
        .collect();
    for kind in ["api", "invalid", "config", "transport", "decode"] {
        assert!(kinds.contains(&kind), "no {kind} error among {kinds:?}");
    }
    for error in &errors {
        shown.push(format!("{error} {error:?} {error:#?}"));
    }
    let logged = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    assert!(logged.contains("qiyuesuo.call"), "the capture saw no spans: {logged}");
    // Each call's span closes with its figures.
    assert!(logged.contains("operation=\"companyAuthMiniappTicket\""), "{logged}");
    assert!(logged.contains("attempts=1") && logged.contains("code=0") && logged.contains("status=200"), "{logged}");
    assert!(logged.contains("code=1605") && logged.contains("elapsed_ms="), "{logged}");
    shown.push(logged);
    for text in &shown {
        assert!(!text.contains(SECRET), "the secret appears in: {text}");
        assert!(!text.contains(TOKEN), "the token appears in: {text}");
        // A signature is 32 lower-case hex digits, and nothing else shown here is.
        let hex_run =
            text.as_bytes().windows(32).any(|w| w.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)));
        assert!(!hex_run, "something like a signature appears in: {text}");
    }
}

#[test]
fn credentials_in_answers_are_kept_out_of_debug() {
    let answer = serde_json::json!({"accessToken": "answered-token-1", "accessSecret": "answered-secret-2"});
    let token: qiyuesuo::models::CompanyToken = serde_json::from_value(answer.clone()).unwrap();
    let shown = format!("{token:?} {token:#?}");
    assert!(!shown.contains("answered-token-1") && !shown.contains("answered-secret-2"), "{shown}");
    assert!(shown.contains("Secret(<redacted>)"), "{shown}");
    assert_eq!(token.access_secret.as_ref().map(qiyuesuo::runtime::Secret::expose), Some("answered-secret-2"));
    // Written back as the same JSON: the mock and `qys` print what the API answered.
    assert_eq!(serde_json::to_value(&token).unwrap(), answer);
}
