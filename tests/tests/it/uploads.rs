//! Multipart bodies: each field a part in the form the API expects (JSON
//! text for objects, `true`/`false` for booleans, files with their names),
//! files read once before anything is sent, the whole form sent again on a
//! retry, and a missing file an invalid request that sends nothing.

use crate::common;

use qiyuesuo::mock::MockServer;
use qiyuesuo::models::{CompanyAuthMiniappTicketWithLicenseRequest, CompanyLicenseModifyField, ContactType, User};
use qiyuesuo::runtime::{Error, FilePart};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use common::{SECRET, TOKEN, header};

fn request(license: FilePart) -> CompanyAuthMiniappTicketWithLicenseRequest {
    CompanyAuthMiniappTicketWithLicenseRequest::new(
        "上海契约锁公司",
        User::new("12312378900", ContactType::Mobile).name("张三"),
        license,
    )
    .close_button(false)
    .modify_fields(
        [CompanyLicenseModifyField::CorpName, CompanyLicenseModifyField::License]
            .into_iter()
            .collect::<qiyuesuo::models::CompanyLicenseModifyFields>(),
    )
}

fn ticket() -> serde_json::Value {
    serde_json::json!({"code": 0, "message": "SUCCESS", "result": {"ticket": "t"}})
}

/// The text of the part named `name` in a multipart body.
fn part<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let start = body.find(&format!("name=\"{name}\""))?;
    let rest = &body[start..];
    let value = &rest[rest.find("\r\n\r\n")? + 4..];
    Some(&value[..value.find("\r\n--")?])
}

#[tokio::test]
async fn each_field_is_a_part_in_the_form_the_api_expects() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/companyauth/miniappexchangewithlicense"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ticket()))
        .mount(&server)
        .await;
    let client = qiyuesuo::Client::new(server.uri(), TOKEN, SECRET).unwrap();
    let png = FilePart::from_bytes("licence.png", b"\x00PNG licence bytes".to_vec()).content_type("image/png");
    let answer = client.company_auth_miniapp_ticket_with_license(&request(png)).await.unwrap();
    assert_eq!(answer.ticket, "t");

    let received = &server.received_requests().await.unwrap()[0];
    let content_type = header(received, "content-type").unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    assert!(header(received, "x-qys-open-signature").is_some());
    let body = String::from_utf8_lossy(&received.body).into_owned();
    assert_eq!(part(&body, "companyName"), Some("上海契约锁公司"));
    let applicant: serde_json::Value = serde_json::from_str(part(&body, "applicantInfo").unwrap()).unwrap();
    assert_eq!(applicant, serde_json::json!({"name": "张三", "contact": "12312378900", "contactType": "MOBILE"}));
    assert_eq!(part(&body, "closeButton"), Some("false"));
    assert_eq!(part(&body, "modifyFields"), Some("corpName,license"));
    assert!(body.contains("name=\"license\"; filename=\"licence.png\"\r\nContent-Type: image/png"), "{body}");
    assert_eq!(part(&body, "license").map(str::as_bytes), Some(&b"\x00PNG licence bytes"[..]));
    // Unset optional fields are not sent at all.
    assert_eq!(part(&body, "registerNo"), None);
    assert_eq!(part(&body, "callbackUrl"), None);
}

#[tokio::test]
async fn a_file_from_a_path_is_read_once_and_sent_again_whole_on_a_retry() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(ticket())).mount(&server).await;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), vec![7u8; 100_000]).unwrap();
    let client = qiyuesuo::Client::builder(server.uri(), TOKEN, SECRET)
        .retry_policy(
            qiyuesuo::runtime::RetryPolicy::default()
                .backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    client.company_auth_miniapp_ticket_with_license(&request(FilePart::from_path(file.path()))).await.unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let [first, second] = [&received[0], &received[1]];
    assert_ne!(header(first, "x-qys-open-nonce"), header(second, "x-qys-open-nonce"), "each attempt is signed anew");
    let file_of = |body: &[u8]| {
        let text = String::from_utf8_lossy(body).into_owned();
        part(&text, "license").map(str::len)
    };
    assert_eq!(file_of(&first.body), Some(100_000));
    assert_eq!(file_of(&second.body), Some(100_000));
}

#[tokio::test]
async fn a_missing_file_is_an_invalid_request_and_nothing_is_sent() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let error = client
        .company_auth_miniapp_ticket_with_license(&request(FilePart::from_path("/nonexistent/licence.png")))
        .await
        .unwrap_err();
    let Error::InvalidRequest { operation, problems } = &error else { panic!("{error:?}") };
    assert_eq!(*operation, "companyAuthMiniappTicketWithLicense");
    assert!(problems[0].starts_with("license: cannot read /nonexistent/licence.png"), "{problems:?}");
    let bad_type = FilePart::from_bytes("a.png", b"x".to_vec()).content_type("not a type");
    let error = client.company_auth_miniapp_ticket_with_license(&request(bad_type)).await.unwrap_err();
    assert!(error.to_string().contains("license: `not a type` is not a content type"), "{error}");
    assert!(mock.log().is_empty(), "{:?}", mock.log());
}

#[tokio::test]
async fn the_mock_reads_the_parts_as_the_schema_types_them() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let license = FilePart::from_bytes("licence.pdf", b"%PDF".to_vec());
    let ticket = client.company_auth_miniapp_ticket_with_license(&request(license)).await.unwrap();
    assert_eq!(ticket.ticket.len(), 32);

    // Parts that break the schema, sent by hand: the mock names each one.
    let form = reqwest::multipart::Form::new()
        .text("companyName", "c")
        .text("applicantInfo", r#"{"contact": "1"}"#)
        .text("closeButton", "maybe")
        .part("license", reqwest::multipart::Part::bytes(b"%PDF".to_vec()).file_name("l.pdf"));
    let answer = signed(&mock).multipart(form).send().await.unwrap();
    let answer: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(answer["code"], 1005, "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("applicantInfo") && message.contains("contactType"), "{message}");
    assert!(message.contains("closeButton"), "{message}");

    let no_file = reqwest::multipart::Form::new().text("companyName", "c").text("applicantInfo", "not json");
    let answer: serde_json::Value = signed(&mock).multipart(no_file).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["code"], 1005, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("applicantInfo: not JSON"), "{answer}");
}

/// A signed POST to the with-licence ticket operation of `mock`.
fn signed(mock: &MockServer) -> reqwest::RequestBuilder {
    common::signed_post(mock, "/companyauth/miniappexchangewithlicense")
}

#[test]
fn a_file_prints_its_name_and_size_never_its_bytes() {
    let file = FilePart::from_bytes("licence.png", b"SECRET-SCAN".to_vec());
    let shown = format!("{file:?}");
    assert!(shown.contains("licence.png") && shown.contains("bytes: 11"), "{shown}");
    assert!(!shown.contains("SECRET-SCAN"), "{shown}");
    assert_eq!(serde_json::to_value(&file).unwrap(), "licence.png");
    let from_json: FilePart = serde_json::from_str(r#""/tmp/licence.png""#).unwrap();
    assert_eq!(from_json.path(), Some(std::path::Path::new("/tmp/licence.png")));
    assert!(serde_json::from_str::<FilePart>(r#""""#).is_err());
}

#[tokio::test]
async fn uploads_over_the_api_limit_are_refused_before_anything_is_sent() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    // An endless file: read no further than one byte past the limit.
    let error = client.company_auth_miniapp_ticket_with_license(&request(FilePart::from_path("/dev/zero"))).await;
    let error = error.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(
        error.to_string().contains("license: the file is larger than the API's limit of 52428800 bytes"),
        "{error}"
    );
    let bytes = vec![0u8; qiyuesuo::runtime::MAX_UPLOAD_BYTES as usize + 1];
    let error = client.company_auth_miniapp_ticket_with_license(&request(FilePart::from_bytes("big.png", bytes))).await;
    assert!(error.unwrap_err().to_string().contains("larger than the API's limit"));
    assert!(mock.log().is_empty(), "something was sent: {:?}", mock.log());
}
