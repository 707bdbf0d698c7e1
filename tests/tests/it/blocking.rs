//! The blocking client (feature `blocking`): the same operations without an
//! async runtime, generated from the same schema as the async client.

use std::io::Read;

use qiyuesuo::ResponseCode;
use qiyuesuo::blocking::Client;
use qiyuesuo::mock::{MockServer, Rule};
use qiyuesuo::models::{
    CompanyAuthMiniappTicketRequest, ContactType, ContractDownloadRequest, ContractListRequest, ContractRef,
    DraftContractRequest, SealListRequest, User,
};

#[test]
fn the_blocking_client_calls_json_query_and_download_operations() {
    // The mock needs an async runtime; the blocking client does not.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = runtime.block_on(MockServer::start()).unwrap();
    let client = Client::new(mock.base_url(), mock.access_token(), mock.access_secret()).unwrap();

    let request = CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile));
    assert_eq!(client.company_auth_miniapp_ticket(&request).unwrap().ticket.len(), 32);
    let seals = client.seal_list(&SealListRequest::new().select_limit(10)).unwrap();
    assert_eq!(seals.list.len(), 1);

    mock.add_rule(Rule::new(Some("companyAuthMiniappTicket"), []).code(1605).times(1)).unwrap();
    let error = client.clone().company_auth_miniapp_ticket(&request).unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed), "{error}");

    // A draft (no documents yet) downloads as an empty ZIP archive: its end record alone.
    let contract = client.contract_draft(&DraftContractRequest::new().biz_id("order-1")).unwrap();
    let mut file = client.contract_download(&ContractDownloadRequest::new(ContractRef::biz_id("order-1"))).unwrap();
    assert_eq!(file.content_type(), Some("application/zip"));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    assert!(bytes.starts_with(b"PK\x05\x06"), "{bytes:?}");

    let json = client.call_json("sealList", serde_json::json!({"selectOffset": 0})).unwrap();
    assert_eq!(json["list"][0]["name"], "合同专用章");
    let dir = tempfile::tempdir().unwrap();
    let input = serde_json::json!({"contractId": contract.id});
    let saved = client.download_json("contractDownload", input).unwrap().save(dir.path().join("c.zip"));
    assert_eq!(saved.unwrap(), 22);
    assert_eq!(mock.log().len(), 7);

    // Paged operations walk lazily as an iterator.
    for n in 0..5 {
        client.contract_draft(&DraftContractRequest::new().biz_id(format!("order-{}", n + 2))).unwrap();
    }
    let before = mock.log().len();
    let ids: Vec<_> =
        client.contract_list_all(&ContractListRequest::new().select_limit(2)).map(|c| c.unwrap().id).collect();
    assert_eq!(ids.len(), 6);
    assert_eq!(mock.log().len() - before, 3, "pages of 2: three fetches");
}

#[tokio::test]
async fn inside_an_async_runtime_it_is_an_error_not_a_panic() {
    let client = Client::new("http://127.0.0.1:9", "t", "s").unwrap();
    let error = client.seal_list(&SealListRequest::new()).unwrap_err();
    assert!(matches!(error, qiyuesuo::Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("inside an async runtime; use the async `Client`"), "{error}");
}

#[test]
fn a_test_without_a_runtime_starts_the_mock_blocking_and_drives_a_contract() {
    use qiyuesuo::mock::Decision;
    use qiyuesuo::models::{ContractDetailRequest, ContractSendRequest, ContractSignRequest, DocumentAddByFileRequest};
    let mock = MockServer::start_blocking().unwrap();
    let client = Client::new(mock.base_url(), mock.access_token(), mock.access_secret()).unwrap();
    let id = client.contract_draft(&crate::common::two_party_draft("sync-1", None)).unwrap().id;
    let pdf = qiyuesuo::runtime::FilePart::from_bytes("c.pdf", b"%PDF-1.4 sync %%EOF".to_vec());
    let document = DocumentAddByFileRequest::new(ContractRef::id(id), "正文", pdf, qiyuesuo::models::FileSuffix::Pdf);
    client.document_add_by_file(&document).unwrap();
    client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).unwrap();
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).unwrap();
    // The other party, from this thread: the mock's callbacks go to its own runtime.
    mock.act(id, crate::common::PERSON, Decision::Sign).unwrap();
    let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(id))).unwrap();
    assert_eq!(detail.status, Some(qiyuesuo::models::ContractStatus::Complete));
    assert!(mock.log().len() >= 5);
}
