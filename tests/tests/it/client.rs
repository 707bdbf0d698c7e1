//! The client against real HTTP servers on 127.0.0.1: the exact body it
//! sends, and how each kind of answer becomes a result or an error.

use crate::common;

use std::time::Duration;

use common::{SECRET, TOKEN, answer_example, schema_at};
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, CompanyModifyField, ContactType, User};
use qiyuesuo::{Client, Error, ResponseCode, TransportKind};
use serde_json::{Value, json};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/companyauth/miniappexchange";

fn minimal() -> CompanyAuthMiniappTicketRequest {
    CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
}

async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(PATH)).respond_with(template).mount(&server).await;
    server
}

async fn call(server: &MockServer, request: &CompanyAuthMiniappTicketRequest) -> Result<String, Error> {
    let client = Client::new(server.uri(), TOKEN, SECRET)?;
    client.company_auth_miniapp_ticket(request).await.map(|result| result.ticket)
}

fn received_body(requests: &[wiremock::Request]) -> String {
    String::from_utf8(requests[0].body.clone()).unwrap()
}

#[tokio::test]
async fn sends_only_the_fields_that_are_set_in_schema_order() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(answer_example("success"))).await;
    call(&server, &minimal()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        received_body(&requests),
        r#"{"companyName":"上海契约锁公司","applicant":{"contact":"12312378900","contactType":"MOBILE"}}"#
    );
    assert_eq!(common::header(&requests[0], "content-type").as_deref(), Some("application/json;charset=UTF-8"));
}

#[tokio::test]
async fn sends_every_optional_field_as_given() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(answer_example("success"))).await;
    let request = CompanyAuthMiniappTicketRequest::new(
        "上海契约锁公司",
        User::new("someone@example.com", ContactType::Email).name("张三"),
    )
    .register_no("91310000MA1FL0000X")
    .legal_person("李四")
    .callback_url("https://example.com/cb?order=1")
    .close_button(false)
    .modify_fields([CompanyModifyField::RegisterNo, CompanyModifyField::CorpName]);
    call(&server, &request).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        received_body(&requests),
        concat!(
            r#"{"companyName":"上海契约锁公司","applicant":{"name":"张三","contact":"someone@example.com","contactType":"EMAIL"},"#,
            r#""registerNo":"91310000MA1FL0000X","legalPerson":"李四","callbackUrl":"https://example.com/cb?order=1","#,
            r#""closeButton":false,"modifyFields":"corpName,registerNo"}"#
        )
    );
}

#[tokio::test]
async fn close_button_true_is_sent_when_set_explicitly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string(
            r#"{"companyName":"c","applicant":{"contact":"x","contactType":"MOBILE"},"closeButton":true}"#,
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer_example("success")))
        .expect(1)
        .mount(&server)
        .await;
    let request = CompanyAuthMiniappTicketRequest::new("c", User::new("x", ContactType::Mobile)).close_button(true);
    call(&server, &request).await.unwrap();
}

#[tokio::test]
async fn success_returns_the_typed_result() {
    let example = answer_example("success");
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&example)).await;
    let ticket = call(&server, &minimal()).await.unwrap();
    assert_eq!(Some(ticket.as_str()), example.pointer("/result/ticket").and_then(Value::as_str));
}

#[tokio::test]
async fn unknown_answer_fields_are_ignored() {
    let body = json!({"code": 0, "message": "SUCCESS", "extra": [1, 2], "result": {"ticket": "t", "expiresIn": 600}});
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    assert_eq!(call(&server, &minimal()).await.unwrap(), "t");
}

#[tokio::test]
async fn code_1605_is_a_typed_api_error() {
    let example = answer_example("companyAlreadyAuthed");
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&example)).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    let api = error.as_api().unwrap_or_else(|| panic!("not an API error: {error}"));
    assert_eq!(api.code(), ResponseCode::CompanyAlreadyAuthed);
    assert_eq!(api.raw_code, 1605);
    assert_eq!(api.http_status, 200);
    assert_eq!(api.message, "COMPANY ALREADY AUTHED");
    assert!(api.documented_for_operation);
    let shown = error.to_string();
    let call = error.call().unwrap();
    assert_eq!(call.attempts, 1, "1605 is final: no retry");
    assert_eq!(
        shown,
        format!(
            "companyAuthMiniappTicket: QiYueSuo answered code 1605 COMPANY_ALREADY_AUTHED: COMPANY ALREADY AUTHED (HTTP 200) \
             [request {}, 1 attempt, {:.2} s]",
            call.request_id,
            call.elapsed.as_secs_f64()
        )
    );
}

#[tokio::test]
async fn gateway_442_with_a_json_envelope_is_invalid_token() {
    let example = schema_at("/components/responses/InvalidToken/content/application~1json/example");
    let server = server_answering(ResponseTemplate::new(442).set_body_json(&example)).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.code(), ResponseCode::InvalidToken);
    assert_eq!(api.http_status, 442);
    assert_eq!(api.response_code.as_deref(), Some("11990442"));
    assert!(!api.documented_for_operation, "442 is a global code");
    assert!(error.to_string().contains("442 INVALID_TOKEN: INVALID TOKEN (HTTP 442)"), "{error}");
}

#[tokio::test]
async fn gateway_441_names_the_missing_header() {
    let example = schema_at("/components/responses/HeaderRequired/content/application~1json/example");
    let server = server_answering(ResponseTemplate::new(441).set_body_json(&example)).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::HeaderRequired));
    assert!(error.to_string().contains("HEADER REQUIRED,x-qys-open-accesstoken"), "{error}");
}

#[tokio::test]
async fn an_envelope_with_only_the_eight_digit_code_is_understood() {
    let body = json!({"responseCode": "11990442", "message": "INVALID TOKEN"});
    let server = server_answering(ResponseTemplate::new(442).set_body_json(body)).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::InvalidToken));
}

#[tokio::test]
async fn an_undocumented_code_is_unknown_with_its_number() {
    let body = json!({"code": 9_999_001, "message": "NEW ERROR", "result": "not an object"});
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::Unknown(9_999_001)));
    assert!(error.to_string().contains("code 9999001: NEW ERROR"), "{error}");
}

#[tokio::test]
async fn a_502_html_page_is_a_decode_error_with_an_escaped_sample() {
    let html = format!("<html>\n<body>Bad Gateway</body>\n{}</html>", "x".repeat(5000));
    let server =
        server_answering(ResponseTemplate::new(502).set_body_raw(html.into_bytes(), "text/html; charset=utf-8")).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("not a decode error: {error}") };
    assert_eq!(decode.http_status, 502);
    assert_eq!(decode.content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(decode.body_sample.starts_with("<html>\\n<body>Bad Gateway"), "{}", decode.body_sample);
    assert!(decode.body_sample.chars().count() <= 2 * qiyuesuo::DecodeError::SAMPLE_CHARS + 1);
    assert!(error.to_string().contains("HTTP 502, text/html"), "{error}");
}

#[tokio::test]
async fn a_200_that_is_not_json_is_a_decode_error() {
    let server = server_answering(ResponseTemplate::new(200).set_body_raw("OK", "text/plain")).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("not a decode error: {error}") };
    assert_eq!((decode.http_status, decode.body_sample.as_str()), (200, "OK"));
}

#[tokio::test]
async fn success_without_the_result_is_a_decode_error() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(json!({"code": 0}))).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error}");
    assert!(error.to_string().contains("without the documented `result`"), "{error}");
}

#[tokio::test]
async fn a_result_of_the_wrong_shape_is_a_decode_error_not_a_panic() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(json!({"code": 0, "result": {"ticket": 7}}))).await;
    let error = call(&server, &minimal()).await.unwrap_err();
    assert!(error.to_string().contains("`result` does not match the documented type"), "{error}");
}

#[tokio::test]
async fn an_invalid_request_is_refused_before_anything_is_sent() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(answer_example("success"))).await;
    let request = CompanyAuthMiniappTicketRequest::new("", User::new("", ContactType::Mobile));
    let error = call(&server, &request).await.unwrap_err();
    let Error::InvalidRequest { operation, problems } = &error else { panic!("not an invalid request: {error}") };
    assert_eq!(*operation, "companyAuthMiniappTicket");
    assert_eq!(
        problems,
        &["`companyName` is empty; it needs at least 1", "`applicant.contact` is empty; it needs at least 1"]
    );
    assert!(server.received_requests().await.unwrap().is_empty(), "something was sent");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::new(format!("http://{address}"), TOKEN, SECRET).unwrap();
    let error = client.company_auth_miniapp_ticket(&minimal()).await.unwrap_err();
    assert!(error.transport_kind() == Some(TransportKind::Connect), "{error:?}");
    assert!(error.to_string().starts_with("companyAuthMiniappTicket: could not connect"), "{error}");
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = server_answering(
        ResponseTemplate::new(200).set_body_json(answer_example("success")).set_delay(Duration::from_secs(5)),
    )
    .await;
    let client =
        Client::builder(server.uri(), TOKEN, SECRET).attempt_timeout(Duration::from_millis(200)).build().unwrap();
    let error = client.company_auth_miniapp_ticket(&minimal()).await.unwrap_err();
    assert!(error.transport_kind() == Some(TransportKind::Timeout), "{error:?}");
}

#[test]
fn settings_are_checked_when_the_client_is_built() {
    let cases = [
        ("not a url", TOKEN, SECRET, "base URL `not a url`"),
        ("ftp://example.com", TOKEN, SECRET, "scheme `ftp`"),
        ("http://example.com", TOKEN, SECRET, "plain http to a host that is not loopback"),
        ("https://example.com?x=1", TOKEN, SECRET, "must not have a query"),
        ("https://example.com", "", SECRET, "access token is empty"),
        ("https://example.com", "bad\ntoken", SECRET, "characters a header cannot carry"),
        ("https://example.com", TOKEN, "", "access secret is empty"),
    ];
    for (url, token, secret, expected) in cases {
        let error = Client::new(url, token, secret).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{url}: {error:?}");
        assert!(error.to_string().contains(expected), "{url}: {error}");
    }
    assert!(Client::new("http://127.0.0.1:1", TOKEN, SECRET).is_ok());
    assert!(Client::new("http://[::1]:1/", TOKEN, SECRET).is_ok());
    assert!(Client::new("http://localhost:1", TOKEN, SECRET).is_ok());
    assert!(Client::builder("http://10.0.0.1", TOKEN, SECRET).danger_allow_insecure_http().build().is_ok());
    assert!(Client::new(qiyuesuo::Server::Sandbox, TOKEN, SECRET).is_ok());
}

#[tokio::test]
async fn the_secret_never_appears_in_debug_or_errors() {
    let server =
        server_answering(ResponseTemplate::new(200).set_body_json(answer_example("companyAlreadyAuthed"))).await;
    let client = Client::new(server.uri(), TOKEN, SECRET).unwrap();
    let builder = Client::builder(server.uri(), TOKEN, SECRET);
    let error = client.company_auth_miniapp_ticket(&minimal()).await.unwrap_err();
    let refused = Client::new("http://example.com", TOKEN, SECRET).unwrap_err();
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{builder:?}"),
        format!("{error:?}"),
        format!("{error}"),
        format!("{refused:?} {refused}"),
    ] {
        assert!(!text.contains(SECRET), "secret in: {text}");
        assert!(!text.contains(TOKEN), "token in: {text}");
    }
    let signature = common::header(&server.received_requests().await.unwrap()[0], "x-qys-open-signature").unwrap();
    assert!(!format!("{error:?}").contains(&signature));
}

#[tokio::test]
async fn the_path_below_the_base_url_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/gateway/companyauth/miniappexchange"))
        .and(header("content-type", "application/json;charset=UTF-8"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer_example("success")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(format!("{}/gateway/", server.uri()), TOKEN, SECRET).unwrap();
    client.company_auth_miniapp_ticket(&minimal()).await.unwrap();
}
