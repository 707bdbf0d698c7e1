//! The mock against the typed client: strict like the gateway, generic over
//! the schema, scenarios and faults.

use crate::common;

use std::time::Duration;

use qiyuesuo::mock::{Fault, MockServer, Rule};
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
use qiyuesuo::{Client, Error, ResponseCode, TransportKind};
use serde_json::json;

fn request(company: &str) -> CompanyAuthMiniappTicketRequest {
    CompanyAuthMiniappTicketRequest::new(company, User::new("12312378900", ContactType::Mobile))
}

#[tokio::test]
async fn a_signed_valid_request_gets_a_fresh_ticket_each_time() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let first = client.company_auth_miniapp_ticket(&request("上海契约锁公司")).await.unwrap();
    let second = client.company_auth_miniapp_ticket(&request("上海契约锁公司")).await.unwrap();
    assert_ne!(first.ticket, second.ticket);
    assert_eq!(first.ticket.len(), 32);
    let log = mock.log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].operation.as_deref(), Some("companyAuthMiniappTicket"));
    assert_eq!((log[0].http_status, log[0].code), (200, Some(0)));
}

#[tokio::test]
async fn the_legacy_three_header_form_is_accepted_unless_nonces_are_required() {
    let mock = MockServer::start().await.unwrap();
    let legacy =
        Client::builder(mock.base_url(), mock.access_token(), mock.access_secret()).legacy_signature().build().unwrap();
    legacy.company_auth_miniapp_ticket(&request("c")).await.unwrap();

    let strict = MockServer::builder().require_nonce(true).start().await.unwrap();
    let legacy = Client::builder(strict.base_url(), strict.access_token(), strict.access_secret())
        .legacy_signature()
        .build()
        .unwrap();
    let error = legacy.company_auth_miniapp_ticket(&request("c")).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::HeaderRequired));
    assert!(error.to_string().contains("HEADER REQUIRED,x-qys-open-nonce"), "{error}");
}

#[tokio::test]
async fn an_unknown_token_is_442_and_a_wrong_secret_is_443() {
    let mock = MockServer::start().await.unwrap();
    let stranger = Client::new(mock.base_url(), "someone-else", mock.access_secret()).unwrap();
    let error = stranger.company_auth_miniapp_ticket(&request("c")).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::InvalidToken));
    assert_eq!(error.as_api().unwrap().http_status, 442);

    let wrong_secret = Client::new(mock.base_url(), mock.access_token(), "not-the-secret").unwrap();
    let error = wrong_secret.company_auth_miniapp_ticket(&request("c")).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::MockInvalidSignature));
    assert_eq!(error.as_api().unwrap().http_status, 443);
}

#[derive(Debug)]
struct FixedNonce;
impl qiyuesuo::runtime::NonceSource for FixedNonce {
    fn nonce(&self) -> String {
        "the-same-nonce".to_owned()
    }
}

#[derive(Debug)]
struct Clock(u64);
impl qiyuesuo::runtime::Clock for Clock {
    fn now_millis(&self) -> u64 {
        self.0
    }
}

#[tokio::test]
async fn a_reused_nonce_is_445() {
    let mock = MockServer::start().await.unwrap();
    let client = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .nonce_source(FixedNonce)
        .build()
        .unwrap();
    client.company_auth_miniapp_ticket(&request("c")).await.unwrap();
    let error = client.company_auth_miniapp_ticket(&request("c")).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::MockNonceReused));
}

#[tokio::test]
async fn a_timestamp_far_from_now_is_444() {
    let mock = MockServer::start().await.unwrap();
    let now = qiyuesuo::runtime::Clock::now_millis(&qiyuesuo::runtime::SystemClock);
    for skew in
        [-(qiyuesuo::mock::TIMESTAMP_WINDOW_MS as i64) - 60_000, qiyuesuo::mock::TIMESTAMP_WINDOW_MS as i64 + 60_000]
    {
        // Without retries: the default client corrects its clock from `Date` and tries again.
        let client = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
            .clock(Clock(now.saturating_add_signed(skew)))
            .retry_policy(qiyuesuo::runtime::RetryPolicy::disabled())
            .build()
            .unwrap();
        let error = client.company_auth_miniapp_ticket(&request("c")).await.unwrap_err();
        assert_eq!(error.code(), Some(ResponseCode::MockTimestampExpired), "skew {skew}");
    }
    let close = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .clock(Clock(now - 60_000))
        .build()
        .unwrap();
    close.company_auth_miniapp_ticket(&request("c")).await.unwrap();
}

#[tokio::test]
async fn a_body_that_breaks_the_schema_is_1005_naming_the_field() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    // The typed client would refuse these; `call_json` sends what the schema's types accept.
    let error = client
        .call_json("companyAuthMiniappTicket", json!({"companyName": "c", "applicant": {"contact": "x", "contactType": "MOBILE"}, "modifyFields": "corpName"}))
        .await;
    assert!(error.is_ok(), "{error:?}");
    // Raw HTTP with a correct signature but a body the schema rejects.
    let problems = raw_post(&mock, r#"{"companyName": "c", "applicant": {"contact": "", "contactType": "FAX"}}"#).await;
    assert_eq!(problems["code"], 1005);
    let message = problems["message"].as_str().unwrap();
    assert!(message.starts_with("INVALID PARAM,"), "{message}");
    assert!(message.contains("applicant.contact") && message.contains("applicant.contactType"), "{message}");
    let not_json = raw_post(&mock, "{oops").await;
    assert_eq!(not_json["code"], 1005);
}

/// POSTs `body` to the ticket operation, correctly signed, and returns the answer.
async fn raw_post(mock: &MockServer, body: &str) -> serde_json::Value {
    let answer = common::signed_post(mock, "/companyauth/miniappexchange")
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    answer.json().await.unwrap()
}

#[tokio::test]
async fn a_scenario_answers_1605_for_an_already_verified_company() {
    let mock = MockServer::builder()
        .rule(Rule::new(Some("companyAuthMiniappTicket"), [("companyName", json!("已认证公司"))]).code(1605))
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let error = client.company_auth_miniapp_ticket(&request("已认证公司")).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed));
    assert_eq!(error.as_api().unwrap().message, "COMPANY ALREADY AUTHED");
    client.company_auth_miniapp_ticket(&request("另一家公司")).await.unwrap();
}

#[tokio::test]
async fn faults_reach_the_client_as_the_right_errors() {
    let mock = MockServer::start().await.unwrap();
    for (company, fault) in [("html", Fault::Html502), ("cut", Fault::TruncatedBody), ("drop", Fault::DropConnection)] {
        mock.add_rule(Rule::new(None, [("companyName", json!(company))]).fault(fault)).unwrap();
    }
    mock.add_rule(Rule::new(None, [("companyName", json!("slow"))]).delay_ms(2_000)).unwrap();
    let client = mock.client().unwrap();

    let error = client.company_auth_miniapp_ticket(&request("html")).await.unwrap_err();
    assert!(matches!(&error, Error::Decode(d) if d.http_status == 502), "{error}");
    let error = client.company_auth_miniapp_ticket(&request("cut")).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(_) | Error::Decode(_)), "{error}");
    let error = client.company_auth_miniapp_ticket(&request("drop")).await.unwrap_err();
    assert!(error.transport_kind() == Some(TransportKind::Other), "{error:?}");

    let impatient = Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = impatient.company_auth_miniapp_ticket(&request("slow")).await.unwrap_err();
    assert!(error.transport_kind() == Some(TransportKind::Timeout), "{error:?}");
}

#[tokio::test]
async fn rules_are_checked_against_the_schema() {
    let mock = MockServer::start().await.unwrap();
    let error = mock.add_rule(Rule::new(Some("noSuchOperation"), []).code(1605)).unwrap_err();
    assert!(error.to_string().contains("operation `noSuchOperation` is not in the schema"), "{error}");
    let error = mock.add_rule(Rule::new(None, []).code(4242)).unwrap_err();
    assert!(error.to_string().contains("code 4242 is not documented"), "{error}");
}

#[tokio::test]
async fn a_rule_with_times_applies_that_often() {
    let mock = MockServer::builder().rule(Rule::new(None, []).code(1605).times(2)).start().await.unwrap();
    let client = mock.client().unwrap();
    for _ in 0..2 {
        let error = client.company_auth_miniapp_ticket(&request("c")).await.unwrap_err();
        assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed));
    }
    client.company_auth_miniapp_ticket(&request("c")).await.unwrap();
}

#[tokio::test]
async fn a_transient_1001_on_a_safe_operation_is_retried_until_it_succeeds() {
    let mock = MockServer::builder().rule(Rule::new(None, []).code(1001).times(2)).start().await.unwrap();
    let client = mock.client().unwrap();
    client.company_auth_miniapp_ticket(&request("c")).await.unwrap();
    let codes: Vec<Option<i64>> = mock.log().iter().map(|entry| entry.code).collect();
    assert_eq!(codes, [Some(1001), Some(1001), Some(0)]);
}

#[tokio::test]
async fn the_log_never_holds_the_credentials_and_its_printed_lines_no_body() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    client.company_auth_miniapp_ticket(&request("秘密公司")).await.unwrap();
    // What `qys mock` prints: no credentials, no request fields.
    let printed = mock.log().iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(
        !printed.contains(mock.access_secret())
            && !printed.contains(mock.access_token())
            && !printed.contains("秘密公司"),
        "{printed}"
    );
    // The record a test reads keeps the decoded fields (its own data), never the headers.
    let recorded = format!("{:?}", mock.log());
    assert!(recorded.contains("秘密公司"), "{recorded}");
    assert!(!recorded.contains(mock.access_secret()) && !recorded.contains(mock.access_token()), "{recorded}");
    assert!(!format!("{mock:?}").contains(mock.access_secret()));
}

#[tokio::test]
async fn a_custom_schema_is_checked_as_the_generator_checks_it() {
    let mut schema = common::schema();
    schema["paths"]["/companyauth/miniappexchange"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/NoSuchType"});
    let error = MockServer::builder().schema(schema.to_string()).start().await.unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("the mock cannot serve this schema"), "{text}");
    assert!(text.contains("dangling reference `#/components/schemas/NoSuchType`"), "{text}");
    assert!(text.contains("#/paths/~1companyauth~1miniappexchange/post/requestBody"), "{text}");
}

/// A GET of the agent operation `saasBinding`, signed by hand: the agent's
/// pair with `agent_secret`, and the company's too when `with_company`.
fn agent_request(
    mock: &MockServer,
    agent_token: &str,
    agent_secret: &str,
    with_company: Option<&str>,
) -> reqwest::RequestBuilder {
    let timestamp = qiyuesuo::runtime::Clock::now_millis(&qiyuesuo::runtime::SystemClock);
    let nonce = format!("agent-{:016x}", fastrand::u64(..));
    let sign =
        |token: &str, secret: &str| qiyuesuo::runtime::signing::signature(token, secret, timestamp, Some(&nonce));
    let mut request = reqwest::Client::new()
        .get(format!("{}/saas/v2/binding", mock.base_url()))
        .header("x-qys-open-agentaccesstoken", agent_token)
        .header("x-qys-open-agentsignature", sign(agent_token, agent_secret))
        .header("x-qys-open-timestamp", timestamp.to_string())
        .header("x-qys-open-nonce", &nonce);
    if let Some(company_secret) = with_company {
        request = request
            .header("x-qys-open-accesstoken", mock.access_token())
            .header("x-qys-open-signature", sign(mock.access_token(), company_secret));
    }
    request
}

async fn answer(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn the_mock_checks_the_agents_pair_and_the_companys_beside_it() {
    let mock = MockServer::builder().agent_credentials("agent-1", "agent-secret-1").start().await.unwrap();
    // Both pairs right, or the agent's alone: accepted.
    assert_eq!(answer(agent_request(&mock, "agent-1", "agent-secret-1", None)).await["code"], 0);
    assert_eq!(answer(agent_request(&mock, "agent-1", "agent-secret-1", Some(mock.access_secret()))).await["code"], 0);
    // A wrong agent signature: the gateway's 443, naming the agent's header.
    let wrong = answer(agent_request(&mock, "agent-1", "not-the-secret", None)).await;
    assert_eq!(
        (wrong["code"].as_i64(), wrong["message"].as_str()),
        (Some(443), Some("INVALID SIGNATURE,x-qys-open-agentsignature"))
    );
    // A wrong agent token: 442.
    let wrong = answer(agent_request(&mock, "agent-2", "agent-secret-1", None)).await;
    assert_eq!(wrong["code"], 442, "{wrong}");
    // The company's pair beside it is checked as strictly.
    let wrong = answer(agent_request(&mock, "agent-1", "agent-secret-1", Some("not-the-secret"))).await;
    assert_eq!((wrong["code"].as_i64(), wrong["message"].as_str()), (Some(443), Some("INVALID SIGNATURE")));
    // The company's pair alone does not reach an agent operation: 441 names the agent's header.
    let company_only = common::signed(&mock, reqwest::Method::GET, "/saas/v2/binding");
    let missing = answer(company_only).await;
    assert_eq!(missing["message"], "HEADER REQUIRED,x-qys-open-agentaccesstoken", "{missing}");
    // The typed client as the mock's agent reaches both kinds of operation.
    let agent = qiyuesuo::Client::agent_builder(mock.base_url(), "agent-1", "agent-secret-1")
        .credentials(mock.access_token(), mock.access_secret())
        .build()
        .unwrap();
    assert_eq!(agent.saas_binding().await.unwrap(), serde_json::Value::Null);
    agent.seal_list(&qiyuesuo::models::SealListRequest::new()).await.unwrap();
    let log = format!("{:?}", mock.log());
    assert!(log.contains("saasBinding") && !log.contains("agent-secret-1"), "{log}");
}

#[tokio::test]
async fn rules_take_ids_as_numbers_or_as_the_clients_id_and_match_either_form() {
    use qiyuesuo::models::{ContractDetailRequest, ContractRef, DraftContractRequest};
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let first = client.contract_draft(&DraftContractRequest::new().subject("a")).await.unwrap().id;
    let second = client.contract_draft(&DraftContractRequest::new().subject("b")).await.unwrap().id;
    let number: u64 = first.to_string().parse().unwrap();
    mock.add_rule(Rule::new(Some("contractDetail"), [("contractId", json!(number))]).code(1605)).unwrap();
    mock.add_rule(Rule::new(Some("contractDetail"), [("contractId", second.into())]).code(1001)).unwrap();
    let detail = |id| ContractDetailRequest::new(ContractRef::id(id));
    let error = client.contract_detail(&detail(first)).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed), "{error}");
    let error = client.contract_detail(&detail(second)).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::InternalError), "{error}");
    // A number is still not a value of an enum field.
    let error = mock.add_rule(Rule::new(Some("contractDetail"), [("bizId", json!(true))])).unwrap_err();
    assert!(error.to_string().contains("is not a value of its type"), "{error}");
}

#[tokio::test]
async fn a_wrong_rule_is_counted_from_one_as_a_reader_counts() {
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("sealList"), []).code(1001)).unwrap();
    let error = mock.add_rule(Rule::new(Some("sealLst"), []).code(1001)).unwrap_err();
    assert!(matches!(error, qiyuesuo::mock::MockError::Rule { index: 1, .. }), "{error:?}");
    assert!(error.to_string().starts_with("scenario rule 2: "), "{error}");
}
