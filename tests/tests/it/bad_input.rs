//! The sixteen bad-input cases of the quality bar (sdk-quality-bar.md §3),
//! each against a real loopback server: the typed error a user can act on,
//! no panic, no hang, and the retry decision the schema implies.
//!
//! The ticket operation is marked safe to repeat; `tagThing` (the `shapes`
//! fixture) is not.

use crate::common;

use std::time::{Duration, Instant};

use qiyuesuo::mock::{Fault, MockServer, Rule};
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
use qiyuesuo::runtime::RetryPolicy;
use qiyuesuo::{Client, Error, ResponseCode, TransportKind};
use qiyuesuo_tests::raw::{RawServer, Step, head};
use qiyuesuo_tests::{get_query, shapes};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer as Wire, ResponseTemplate};

/// Three attempts with millisecond backoffs, so retry tests are quick.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(url: &str) -> Client {
    Client::builder(url, common::TOKEN, common::SECRET).retry_policy(quick()).build().unwrap()
}

fn ticket() -> CompanyAuthMiniappTicketRequest {
    CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
}

async fn answering(template: ResponseTemplate) -> Wire {
    let server = Wire::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

async fn received(server: &Wire) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn malformed_json_in_a_200_is_a_decode_error_with_a_sample() {
    let server =
        answering(ResponseTemplate::new(200).set_body_raw("{\"code\": 0, \"result\": {\"tick", "application/json"))
            .await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error}") };
    assert_eq!(decode.http_status, 200);
    assert!(decode.body_sample.starts_with("{\\\"code\\\": 0"), "{}", decode.body_sample);
    // A garbled 200 may be a truncated answer: a safe operation tries again.
    assert_eq!((decode.call.attempts, received(&server).await), (3, 3));
}

#[tokio::test]
async fn an_html_page_from_a_gateway_is_a_decode_error_naming_status_and_type() {
    let server =
        answering(ResponseTemplate::new(504).set_body_raw("<html><body>Gateway Timeout</body></html>", "text/html"))
            .await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(error.to_string().contains("HTTP 504, text/html, body \"<html><body>Gateway Timeout"), "{error}");
    assert!(error.is_retryable());
    assert_eq!(received(&server).await, 3, "504 is retried for a safe operation");
}

#[tokio::test]
async fn a_business_error_inside_http_200_is_an_api_error_and_final() {
    let server =
        answering(ResponseTemplate::new(200).set_body_json(json!({"code": 1605, "message": "COMPANY ALREADY AUTHED"})))
            .await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed));
    assert!(!error.is_retryable());
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn non_standard_441_and_442_statuses_carry_an_envelope_and_are_never_retried() {
    for (status, code) in [(441, ResponseCode::HeaderRequired), (442, ResponseCode::InvalidToken)] {
        let body = json!({"code": status, "message": "X", "responseCode": format!("1199{status:04}")});
        let server = answering(ResponseTemplate::new(status).set_body_json(body)).await;
        let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
        assert_eq!((error.code(), error.status()), (Some(code), Some(status)));
        assert_eq!(received(&server).await, 1);
    }
}

#[tokio::test]
async fn server_errors_with_and_without_an_envelope() {
    // 503 with an envelope: the gateway was overloaded; a safe operation retries.
    let server = answering(ResponseTemplate::new(503).set_body_json(json!({"code": 1001, "message": "ERROR"}))).await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert_eq!((error.code(), error.status()), (Some(ResponseCode::InternalError), Some(503)));
    assert_eq!(received(&server).await, 3);
    // 500 with no envelope: a server fault a retry will not fix.
    let server = answering(ResponseTemplate::new(500).set_body_raw("Internal Server Error", "text/plain")).await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(matches!(&error, Error::Decode(d) if d.http_status == 500), "{error}");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_429_waits_for_retry_after_within_the_budget() {
    let server = Wire::start().await;
    let limited = json!({"code": 11_990_006, "message": "接口调用频繁"});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(limited))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(common::answer_example("success")))
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was not honoured: {:?}", started.elapsed());

    // A hint beyond the call's remaining time: give up now rather than sleep past it.
    let server = answering(ResponseTemplate::new(429).insert_header("retry-after", "120")).await;
    let patient = Client::builder(server.uri(), common::TOKEN, common::SECRET)
        .retry_policy(quick())
        .total_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = patient.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(error.status(), Some(429));
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_an_unsafe_operation() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let tagger = shapes::Client::builder(url, "t", "s").retry_policy(quick()).build().unwrap();
    let error = tagger.tag_thing(&shapes::models::TagRequest::new("t", ["a".to_owned()])).await.unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::Connect));
    assert_eq!(error.call().unwrap().attempts, 3, "never sent, so always safe to retry");
}

#[tokio::test]
async fn a_connection_reset_after_sending_is_retried_only_when_safe() {
    let mock =
        MockServer::builder().rule(Rule::new(None, []).fault(Fault::DropConnection).times(1)).start().await.unwrap();
    let safe = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .retry_policy(quick())
        .build()
        .unwrap();
    safe.company_auth_miniapp_ticket(&ticket()).await.unwrap();
    assert_eq!(mock.log().len(), 2);

    let shapes_mock = MockServer::builder()
        .schema(include_str!("../../fixtures/shapes.json"))
        .rule(Rule::new(None, []).fault(Fault::DropConnection).times(1))
        .start()
        .await
        .unwrap();
    let unsafe_client =
        shapes::Client::builder(shapes_mock.base_url(), shapes_mock.access_token(), shapes_mock.access_secret())
            .retry_policy(quick())
            .build()
            .unwrap();
    let error = unsafe_client.tag_thing(&shapes::models::TagRequest::new("t", ["a".to_owned()])).await.unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::Other));
    assert_eq!(shapes_mock.log().len(), 1, "tagThing may have been processed: it must not be sent twice");
}

#[tokio::test]
async fn a_slow_server_and_a_trickling_body_hit_the_attempt_timeout() {
    let slow = answering(
        ResponseTemplate::new(200).set_body_json(common::answer_example("success")).set_delay(Duration::from_secs(10)),
    )
    .await;
    let trickle: Vec<Step> = std::iter::once(head("200 OK", &["content-type: application/json"], Some(40)))
        .chain((0..40).flat_map(|_| [Step::Write(b" ".to_vec()), Step::Sleep(Duration::from_millis(100))]))
        .collect();
    let trickling = RawServer::start(trickle).await;
    for url in [slow.uri(), trickling.url.clone()] {
        let client = Client::builder(&url, common::TOKEN, common::SECRET)
            .retry_policy(RetryPolicy::disabled())
            .attempt_timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
        assert_eq!(error.transport_kind(), Some(TransportKind::Timeout), "{url}: {error}");
        assert!(started.elapsed() < Duration::from_secs(2), "{url}: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn a_truncated_body_is_an_error_and_retried_when_safe() {
    let mock =
        MockServer::builder().rule(Rule::new(None, []).fault(Fault::TruncatedBody).times(1)).start().await.unwrap();
    let mocked = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .retry_policy(quick())
        .build()
        .unwrap();
    mocked.company_auth_miniapp_ticket(&ticket()).await.unwrap();
    assert_eq!(mock.log().len(), 2);
    // A body shorter than its Content-Length, every time: a transport error after three tries.
    let short = RawServer::start(vec![
        head("200 OK", &["content-type: application/json"], Some(100)),
        Step::Write(b"{\"code\":0".to_vec()),
    ])
    .await;
    let error = client(&short.url).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::Other), "{error}");
    assert_eq!(short.requests(), 3);
}

#[tokio::test]
async fn a_huge_body_is_refused_at_the_cap_without_reading_it_all() {
    let big = vec![b' '; 20 * 1024 * 1024];
    let server = answering(ResponseTemplate::new(200).set_body_raw(big, "application/json")).await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(error.to_string().contains("over the cap of 16777216"), "{error}");
    assert_eq!(received(&server).await, 1, "an oversized answer is not retried");

    // Chunked, with no length: reading stops at the (smaller) cap.
    let mut flood = vec![head("200 OK", &["content-type: application/json", "transfer-encoding: chunked"], None)];
    for _ in 0..64 {
        flood.push(Step::Write(format!("400\r\n{}\r\n", " ".repeat(1024)).into_bytes()));
    }
    let flooding = RawServer::start(flood).await;
    let small = Client::builder(&flooding.url, common::TOKEN, common::SECRET).max_body_bytes(4096).build().unwrap();
    let error = small.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    assert!(error.to_string().contains("over the cap of 4096"), "{error}");
}

#[tokio::test]
async fn an_answer_in_several_chunks_is_read_whole_and_in_order() {
    // The envelope in three chunks, apart in time: each arrives on its own.
    let text = r#"{"code":0,"message":"SUCCESS","result":{"ticket":"abc-def-ghi"}}"#;
    let (first, rest) = text.split_at(10);
    let (second, third) = rest.split_at(20);
    let mut steps = vec![head("200 OK", &["content-type: application/json", "transfer-encoding: chunked"], None)];
    for part in [first, second, third] {
        steps.push(Step::Write(format!("{:x}\r\n{part}\r\n", part.len()).into_bytes()));
        steps.push(Step::Sleep(Duration::from_millis(20)));
    }
    steps.push(Step::Write(b"0\r\n\r\n".to_vec()));
    let server = RawServer::start(steps).await;
    let ticket = client(&server.url).company_auth_miniapp_ticket(&ticket()).await.unwrap();
    assert_eq!(ticket.ticket, "abc-def-ghi");
}

#[tokio::test]
async fn valid_json_with_a_wrong_or_missing_content_type_is_decoded() {
    let body = serde_json::to_vec(&common::answer_example("success")).unwrap();
    let wrong = answering(ResponseTemplate::new(200).set_body_raw(body.clone(), "text/plain")).await;
    client(&wrong.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap();
    let none = RawServer::start(vec![head("200 OK", &[], Some(body.len())), Step::Write(body)]).await;
    client(&none.url).company_auth_miniapp_ticket(&ticket()).await.unwrap();
}

#[tokio::test]
async fn unknown_fields_and_nulls_are_accepted_and_unknown_enum_values_are_kept() {
    let page =
        json!({"code": 0, "new": true, "result": {"total": 1, "more": [1], "list": [{"name": "a", "category": null}]}});
    let server = answering(ResponseTemplate::new(200).set_body_json(page)).await;
    let client = get_query::Client::new(server.uri(), "t", "s").unwrap();
    let result = client.list_seals(&get_query::models::ListSealsRequest::new("c")).await.unwrap();
    assert_eq!(result.list[0].category, None);

    // Answers carry open enums: a value this version does not know is kept, exactly.
    let novel = json!({"code": 0, "result": {"total": 1, "list": [{"name": "a", "category": "HOLOGRAM"}]}});
    let server = answering(ResponseTemplate::new(200).set_body_json(novel)).await;
    let result = client_for(&server).list_seals(&get_query::models::ListSealsRequest::new("c")).await.unwrap();
    let category = result.list[0].category.clone().unwrap();
    assert_eq!(category, get_query::models::SealKind::Unknown("HOLOGRAM".to_owned()));
    assert_eq!(serde_json::to_value(&category).unwrap(), json!("HOLOGRAM"));

    // A wrong type is still an error.
    let wrong = json!({"code": 0, "result": {"total": 1, "list": [{"name": "a", "category": 7}]}});
    let server = answering(ResponseTemplate::new(200).set_body_json(wrong)).await;
    let error = client_for(&server).list_seals(&get_query::models::ListSealsRequest::new("c")).await.unwrap_err();
    assert!(error.to_string().contains("invalid type: integer `7`, expected a string"), "{error}");
}

fn client_for(server: &wiremock::MockServer) -> get_query::Client {
    get_query::Client::builder(server.uri(), "t", "s").retry_policy(RetryPolicy::disabled()).build().unwrap()
}

#[tokio::test]
async fn deeply_nested_json_is_an_error_or_skipped_never_a_stack_overflow() {
    let nest = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // Nested inside a field the type does not have: skipped without recursion.
    let ignored = format!("{{\"code\":0,\"result\":{{\"ticket\":\"t\",\"extra\":{}}}}}", nest(100_000));
    let server = answering(ResponseTemplate::new(200).set_body_raw(ignored, "application/json")).await;
    assert_eq!(client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap().ticket, "t");
    // Decoded as JSON values (as `call_json` and tools do): serde_json's depth limit answers.
    let deep = format!("{{\"code\":0,\"result\":{}}}", nest(100_000));
    let answer = qiyuesuo::runtime::__hooks::Answer { status: 200, content_type: None, body: deep.as_bytes() };
    let error = qiyuesuo::runtime::__hooks::decode_answer::<qiyuesuo::ResponseCode>(
        &qiyuesuo::operations::COMPANY_AUTH_MINIAPP_TICKET,
        &answer,
    )
    .unwrap_err();
    assert!(error.to_string().contains("recursion limit exceeded"), "{error}");
}

#[derive(Debug)]
struct NaughtyNonce(&'static str);
impl qiyuesuo::runtime::NonceSource for NaughtyNonce {
    fn nonce(&self) -> String {
        self.0.to_owned()
    }
}

#[tokio::test]
async fn naughty_strings_in_header_values_are_errors_never_panics() {
    let naughty =
        ["line\nbreak", "carriage\rreturn", "nul\0byte", "del\u{7f}", "契约锁", "tab\tinside", " ", "\u{202e}rtl"];
    for token in naughty {
        match Client::new("http://127.0.0.1:1", token, "secret") {
            // Non-ASCII is legal header text (obs-text); control characters are not.
            Ok(_) => assert!(!token.chars().any(|c| c.is_control() && c != '\t'), "accepted {token:?}"),
            Err(error) => assert!(matches!(error, Error::Config(_)), "{token:?}: {error}"),
        }
    }
    let server = answering(ResponseTemplate::new(200).set_body_json(common::answer_example("success"))).await;
    for nonce in ["bad\nnonce", "nul\0"] {
        let client = Client::builder(server.uri(), common::TOKEN, common::SECRET)
            .nonce_source(NaughtyNonce(nonce))
            .build()
            .unwrap();
        let error = client.company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{nonce:?}: {error}");
    }
    assert_eq!(received(&server).await, 0);
}

#[derive(Debug)]
struct Behind(u64);
impl qiyuesuo::runtime::Clock for Behind {
    fn now_millis(&self) -> u64 {
        qiyuesuo::runtime::Clock::now_millis(&qiyuesuo::runtime::SystemClock) - self.0
    }
}

#[tokio::test]
async fn a_skewed_clock_is_corrected_from_the_servers_date_and_retried() {
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .clock(Behind(10 * 60 * 1000))
        .retry_policy(quick())
        .build()
        .unwrap();
    client.company_auth_miniapp_ticket(&ticket()).await.unwrap();
    let codes: Vec<Option<i64>> = mock.log().iter().map(|e| e.code).collect();
    assert_eq!(codes, [Some(444), Some(0)], "one refusal, then a corrected timestamp");
    client.company_auth_miniapp_ticket(&ticket()).await.unwrap();
    assert_eq!(mock.log().len(), 3, "later calls start corrected");
}

#[tokio::test]
async fn server_text_reaches_the_terminal_escaped_and_capped() {
    let hostile = format!("公司已认证\u{1b}[2J\u{1b}]0;owned\u{7}\u{202e}evil{}", "A".repeat(1 << 20));
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"code": 1605, "message": hostile}))).await;
    let error = client(&server.uri()).company_auth_miniapp_ticket(&ticket()).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("公司已认证\\u{1b}[2J\\u{1b}]0;owned\\u{7}\\u{202e}evil"), "{}", &text[..200]);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'), "raw control text");
    assert!(text.chars().count() < 1_000, "{} characters shown", text.chars().count());
    assert!(text.contains("A…"), "the cut is marked");
    // The field keeps what the server sent, for programs.
    assert_eq!(error.as_api().map(|api| api.message.len()), Some(hostile.len()));
}

/// Answers the first seal-list request with `status`, `code` and `Date: date`, then succeeds;
/// returns the timestamps the two requests were signed with.
async fn timestamps_after(status: u16, code: i64, date: std::time::SystemTime) -> Vec<u64> {
    let server = Wire::start().await;
    let refusal = json!({"code": code, "message": "REFUSED"});
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status).insert_header("date", httpdate::fmt_http_date(date)).set_body_json(refusal),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "result": {"total": 0, "list": []}})))
        .mount(&server)
        .await;
    client(&server.uri()).seal_list(&qiyuesuo::models::SealListRequest::new()).await.unwrap();
    let received = server.received_requests().await.unwrap();
    received.iter().map(|r| common::header(r, "x-qys-open-timestamp").unwrap().parse().unwrap()).collect()
}

#[tokio::test]
async fn clock_is_corrected_only_after_a_stale_timestamp_answer_and_within_a_day() {
    let now = std::time::SystemTime::now();
    let millis = |t: std::time::SystemTime| t.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let year_2000 = std::time::UNIX_EPOCH + Duration::from_secs(946_684_800);
    // A 503 from anything in the path, with a far-off `Date`: not believed.
    let stamps = timestamps_after(503, 1001, year_2000).await;
    assert!(stamps[1].abs_diff(millis(now)) < 60_000, "{stamps:?}");
    // The stale-timestamp code with the server 20 minutes ahead: corrected.
    let ahead = now + Duration::from_secs(20 * 60);
    let stamps = timestamps_after(444, 444, ahead).await;
    assert!(stamps[0].abs_diff(millis(now)) < 60_000, "{stamps:?}");
    assert!(stamps[1].abs_diff(millis(ahead)) < 60_000, "{stamps:?}");
    // The same code with a `Date` more than a day off: not believed.
    let stamps = timestamps_after(444, 444, year_2000).await;
    assert!(stamps[1].abs_diff(millis(now)) < 60_000, "{stamps:?}");
}
