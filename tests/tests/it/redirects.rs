//! Redirects are never followed: the signing headers (and, for 307/308, the
//! body) would reach whatever origin a redirect names, and since the
//! signature covers neither method nor path they would authorise any other
//! call there. A 3xx is an error naming the status and where it pointed,
//! without the query, fragment or user info.

use crate::common;

use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, SealListRequest, User};
use qiyuesuo::{Client, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn redirecting(status: u16, to: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(status).insert_header("location", to)).mount(&server).await;
    server
}

#[tokio::test]
async fn redirects_credentials_never_follow_a_redirect_to_another_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(common::answer_example("success")))
        .mount(&elsewhere)
        .await;
    let target =
        format!("{}/companyauth/miniappexchange?token=leak#fragment", elsewhere.uri().replace("://", "://user:pw@"));
    let request = CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile));
    for status in [301, 302, 303, 307, 308] {
        let origin = redirecting(status, &target).await;
        let client = Client::new(origin.uri(), common::TOKEN, common::SECRET).unwrap();
        let error = client.company_auth_miniapp_ticket(&request).await.unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, Error::Decode(_)), "{status}: {text}");
        assert_eq!(error.status(), Some(status));
        assert!(!error.is_retryable(), "{status}: {text}");
        let shown = format!("`{}/companyauth/miniappexchange`", elsewhere.uri());
        assert!(text.contains(&format!("a redirect to {shown}, which is not followed")), "{status}: {text}");
        assert!(!text.contains("leak") && !text.contains("fragment") && !text.contains("pw@"), "{status}: {text}");
        assert!(!text.contains(common::SECRET), "{text}");
        assert_eq!(origin.received_requests().await.unwrap().len(), 1, "{status}: a redirect is not retried");
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the other origin received a request");
}

#[tokio::test]
async fn redirects_on_a_safe_operation_are_not_retried_or_followed_either() {
    let elsewhere = MockServer::start().await;
    let origin = redirecting(302, &format!("{}/v2/seal/list", elsewhere.uri())).await;
    let client = Client::new(origin.uri(), common::TOKEN, common::SECRET).unwrap();
    let error = client.seal_list(&SealListRequest::new()).await.unwrap_err();
    assert_eq!(error.call().map(|c| c.attempts), Some(1), "{error}");
    assert_eq!(origin.received_requests().await.unwrap().len(), 1);
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn redirects_relative_locations_are_shown_against_the_base_url() {
    let origin = redirecting(301, "/elsewhere?sig=abc").await;
    let client = Client::new(origin.uri(), common::TOKEN, common::SECRET).unwrap();
    let error = client.seal_list(&SealListRequest::new()).await.unwrap_err().to_string();
    assert!(error.contains(&format!("a redirect to `{}/elsewhere`", origin.uri())), "{error}");
    assert!(!error.contains("sig=abc"), "{error}");
}
