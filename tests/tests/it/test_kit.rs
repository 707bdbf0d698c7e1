//! Written as an integrator writes its own tests: answers faked with the
//! generated constructors (no JSON), errors of a given code built directly,
//! and the mock scripted for a flow.

use qiyuesuo::models::{Contract, ContractStatus, DocumentInfo, Seal, SealList, Signatory, TicketResult};
use qiyuesuo::runtime::Id;
use qiyuesuo::{Error, ResponseCode};

/// The integrator's own code under test: what to do with a contract's detail.
fn next_step(contract: &Contract) -> &'static str {
    match &contract.status {
        Some(ContractStatus::Complete) if !contract.documents.is_empty() => "download",
        Some(ContractStatus::Signing) => "wait",
        Some(ContractStatus::Unknown(_)) => "ask a human",
        _ => "nothing",
    }
}

/// And what to tell its user when minting a ticket fails.
fn explain(result: Result<TicketResult, Error>) -> String {
    match result {
        Ok(ticket) => format!("ticket {}", ticket.ticket),
        Err(error) if error.code() == Some(ResponseCode::CompanyAlreadyAuthed) => "already verified".to_owned(),
        Err(error) => format!("failed: {error}"),
    }
}

#[test]
fn answers_are_built_without_json_required_fields_first() {
    let complete = Contract::new(Id::new(7))
        .status(ContractStatus::Complete)
        .documents([DocumentInfo::new(Id::new(8)).title("正文")])
        .signatories([Signatory::new(Id::new(9)).tenant_name("Example Co., Ltd.")]);
    assert_eq!(next_step(&complete), "download");
    assert_eq!(complete.documents[0].title.as_deref(), Some("正文"));
    assert_eq!(next_step(&Contract::new(Id::new(7)).status(ContractStatus::Signing)), "wait");
    // A status this version does not know is a value, not an error.
    let future = Contract::new(Id::new(7)).status(ContractStatus::Unknown("ARCHIVED".to_owned()));
    assert_eq!(next_step(&future), "ask a human");
    let page = SealList::new([Seal::new(Id::new(1)).name("合同专用章")]).total_count(1);
    assert_eq!((page.total_count, page.list.len()), (Some(1), 1));
}

#[test]
fn errors_of_a_given_code_are_built_directly() {
    assert_eq!(explain(Ok(TicketResult::new("t-1"))), "ticket t-1");
    let already = Error::api("companyAuthMiniappTicket", ResponseCode::CompanyAlreadyAuthed, "COMPANY ALREADY AUTHED");
    assert_eq!(explain(Err(already)), "already verified");
    // A code the schema does not know: the `Unknown` path.
    let unknown = Error::api("companyAuthMiniappTicket", ResponseCode::from_code(9999), "NEW ERROR");
    assert_eq!(unknown.code(), Some(ResponseCode::Unknown(9999)));
    let shown = explain(Err(unknown));
    assert!(shown.starts_with("failed: companyAuthMiniappTicket: QiYueSuo answered code 9999: NEW ERROR"), "{shown}");
}

#[test]
fn variants_read_as_words_and_keep_their_wire_values() {
    use qiyuesuo::models::{ContractDownloadItem, PersonalModifyField};
    assert_eq!(serde_json::to_value(PersonalModifyField::IdCardNo).unwrap(), "IDCARDNO");
    assert_eq!(
        serde_json::from_value::<PersonalModifyField>("BANKMOBILE".into()).unwrap(),
        PersonalModifyField::BankMobile
    );
    assert_eq!(ContractDownloadItem::SignLog.to_string(), "SIGNLOG");
    assert_eq!("ENDSIGN_ATTACHMENT".parse::<ContractDownloadItem>().unwrap(), ContractDownloadItem::EndSignAttachment);
    assert_eq!(ResponseCode::InvalidAuthId.code(), 1604);
}

mod mock_kit {
    use qiyuesuo::mock::{Expectation, MockError, MockServer, Rule};
    use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, SealListRequest, TicketResult, User};
    use qiyuesuo::{ResponseCode, operations};
    use serde_json::json;

    fn request(company: &str) -> CompanyAuthMiniappTicketRequest {
        CompanyAuthMiniappTicketRequest::new(company, User::new("12312378900", ContactType::Mobile))
    }

    #[tokio::test]
    async fn rules_name_operations_and_codes_by_their_generated_constants() {
        let mock = MockServer::start().await.unwrap();
        let rule = Rule::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, [("companyName", json!("已认证公司"))])
            .api_code(ResponseCode::CompanyAlreadyAuthed);
        mock.add_rule(rule).unwrap();
        let client = mock.client().unwrap();
        let error = client.company_auth_miniapp_ticket(&request("已认证公司")).await.unwrap_err();
        assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed));
        assert!(client.company_auth_miniapp_ticket(&request("别的公司")).await.is_ok());
    }

    #[tokio::test]
    async fn a_scripted_result_is_checked_against_the_answer_type_then_answered() {
        let mock = MockServer::start().await.unwrap();
        let scripted = Rule::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, []).result(TicketResult::new("scripted-1"));
        mock.add_rule(scripted).unwrap();
        let ticket = mock.client().unwrap().company_auth_miniapp_ticket(&request("c")).await.unwrap();
        assert_eq!(ticket.ticket, "scripted-1");
        // A misspelt field and a wrong type fail when the rule is added, naming the field.
        let typo = Rule::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, []).result(json!({"tikcet": "x"}));
        let error = mock.add_rule(typo).unwrap_err().to_string();
        assert!(error.contains("tikcet"), "{error}");
        let wrong = Rule::on(&operations::SEAL_LIST, []).result(json!({"totalCount": "one", "list": []}));
        let error = mock.add_rule(wrong).unwrap_err().to_string();
        assert!(error.contains("totalCount"), "{error}");
    }

    #[tokio::test]
    async fn conditions_are_checked_against_the_request_schema_with_a_suggestion() {
        let mock = MockServer::start().await.unwrap();
        let typo = Rule::new(Some("companyAuthMiniappTicket"), [("companyNmae", json!("x"))]).code(1605);
        let error = mock.add_rule(typo).unwrap_err().to_string();
        assert!(
            error
                .contains("`companyNmae` is not in `companyAuthMiniappTicket`'s request (did you mean `companyName`?)"),
            "{error}"
        );
        let wrong_type = Rule::new(Some("sealList"), [("selectLimit", json!("ten"))]).code(1001);
        let error = mock.add_rule(wrong_type).unwrap_err().to_string();
        assert!(error.contains("`selectLimit`: \"ten\" is not a value of its type"), "{error}");
        let unknown = Rule::new(Some("companyAuthMiniappTiket"), []).code(1605);
        let error = mock.add_rule(unknown).unwrap_err().to_string();
        assert!(error.contains("(did you mean `companyAuthMiniappTicket`?)"), "{error}");
    }

    #[tokio::test]
    async fn an_undocumented_code_reaches_the_clients_unknown_path() {
        let mock = MockServer::start().await.unwrap();
        assert!(mock.add_rule(Rule::on(&operations::SEAL_LIST, []).code(4242)).is_err(), "not by accident");
        mock.add_rule(Rule::on(&operations::SEAL_LIST, []).undocumented_code(4242, "SOMETHING NEW")).unwrap();
        let error = mock.client().unwrap().seal_list(&SealListRequest::new()).await.unwrap_err();
        assert_eq!(error.code(), Some(ResponseCode::Unknown(4242)));
        assert_eq!(error.as_api().unwrap().message, "SOMETHING NEW");
    }

    #[tokio::test]
    async fn the_journal_keeps_decoded_requests_and_expectations_are_verified() {
        let mock = MockServer::start().await.unwrap();
        let client = mock.client().unwrap();
        mock.expect(Expectation::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, [("companyName", json!("甲"))]).times(2))
            .unwrap();
        mock.expect(Expectation::on(&operations::SEAL_LIST, []).times(0)).unwrap();
        client.company_auth_miniapp_ticket(&request("甲")).await.unwrap();
        let unmet = mock.verify().unwrap_err();
        assert!(matches!(&unmet, MockError::Unmet(lines) if lines.len() == 1), "{unmet}");
        assert!(
            unmet.to_string().contains(
                "expected 2 request(s) of `companyAuthMiniappTicket` with {\"companyName\":\"甲\"}, received 1"
            ),
            "{unmet}"
        );
        client.company_auth_miniapp_ticket(&request("甲")).await.unwrap();
        client.company_auth_miniapp_ticket(&request("乙")).await.unwrap();
        mock.verify().unwrap();
        let log = mock.log();
        assert_eq!(log[0].request.as_ref().unwrap()["applicant"]["contact"], "12312378900");
        // An expectation on a field the request does not have is refused at once.
        let error = mock.expect(Expectation::on(&operations::SEAL_LIST, [("sealName", json!("x"))])).unwrap_err();
        assert!(error.to_string().contains("`sealName` is not in `sealList`'s request"), "{error}");
    }
}

#[test]
fn a_verification_user_converts_into_a_contract_user_with_the_same_wire_form() {
    use qiyuesuo::models::{ContactType, ContractContactType, ContractUser, User};
    let user = User::new("12312378900", ContactType::Email).name("张三");
    let person: ContractUser = user.clone().into();
    assert_eq!(person.contact_type, ContractContactType::Email);
    assert_eq!(serde_json::to_value(&user).unwrap(), serde_json::to_value(&person).unwrap());
}
