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
