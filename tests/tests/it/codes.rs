//! Each generated client classifies response codes by its own schema's
//! table, which the generated code hands to the runtime; the runtime knows
//! no code. 1001 is transient (`retry: idempotent`) in the main schema and
//! undocumented in the `get_query` fixture, whose operation is a GET too.

use std::time::Duration;

use qiyuesuo::runtime::RetryPolicy;
use qiyuesuo_tests::get_query;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

#[tokio::test]
async fn a_code_is_retried_only_by_a_client_whose_schema_calls_it_transient() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/seal/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1001, "message": "ERROR"})))
        .mount(&server)
        .await;

    let main = qiyuesuo::Client::builder(server.uri(), "t", "s").retry_policy(quick()).build().unwrap();
    let error = main.seal_list(&qiyuesuo::models::SealListRequest::new()).await.unwrap_err();
    assert_eq!(error.code(), Some(qiyuesuo::ResponseCode::InternalError));
    assert_eq!(error.call().map(|c| c.attempts), Some(3), "{error}");
    assert!(error.to_string().contains("code 1001 INTERNAL_ERROR"), "{error}");

    let fixture = get_query::Client::builder(server.uri(), "t", "s").retry_policy(quick()).build().unwrap();
    let error = fixture.list_seals(&get_query::models::ListSealsRequest::new("公司")).await.unwrap_err();
    assert_eq!(error.code(), Some(get_query::ResponseCode::Unknown(1001)));
    assert_eq!(error.call().map(|c| c.attempts), Some(1), "{error}");
    assert!(!error.is_retryable(), "an undocumented code is final for this schema: {error}");

    assert_eq!(server.received_requests().await.unwrap().len(), 3 + 1);
}

#[test]
fn an_integrator_can_build_the_error_a_code_would_give() {
    use qiyuesuo::{Error, ResponseCode};
    let error = Error::api("companyAuthMiniappTicket", ResponseCode::CompanyAlreadyAuthed, "COMPANY ALREADY AUTHED");
    assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed));
    assert_eq!(error.status(), Some(200));
    assert!(!error.is_retryable());
    assert!(
        error.to_string().starts_with("companyAuthMiniappTicket: QiYueSuo answered code 1605 COMPANY_ALREADY_AUTHED")
    );
    // A code this schema does not know, for the `Unknown` path.
    let unknown = Error::api("sealList", ResponseCode::Unknown(98765), "NEW");
    assert_eq!(unknown.code(), Some(ResponseCode::Unknown(98765)));
    assert_eq!(unknown.as_api().map(|api| api.raw_code), Some(98765));
}
