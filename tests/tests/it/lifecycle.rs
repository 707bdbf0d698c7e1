//! The contract lifecycle end to end: the typed client against the stateful
//! mock (draft → document → send → sign → detail → download), every state
//! error the mock models, one-of requests, pagination, callbacks on each
//! transition and the mock's sign page.

use crate::common;

use std::io::Read as _;
use std::time::Duration;

use futures_util::{StreamExt as _, TryStreamExt as _};
use qiyuesuo::mock::{Decision, MockServer};
use qiyuesuo::models::{
    ContractCallback, ContractContactType, ContractDetailRequest, ContractDownloadRequest, ContractEvent,
    ContractInvalidRequest, ContractListRequest, ContractRef, ContractSendRequest, ContractSignRequest,
    ContractSignUrlRequest, ContractStatus, ContractUser, DocumentAddByFileRequest, DocumentAddByFilesRequest,
    DocumentDownloadRequest, DraftContractRequest, DraftSignatory, FileSuffix, TenantType,
};
use qiyuesuo::runtime::{FilePart, Id};
use qiyuesuo::{Client, ResponseCode};
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use common::{PERSON, two_party_draft as draft};

/// A real PDF, as an integrator would upload it.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

fn upload(contract: ContractRef) -> DocumentAddByFileRequest {
    DocumentAddByFileRequest::new(contract, "合同正文", FilePart::from_bytes("contract.pdf", PDF), FileSuffix::Pdf)
}

/// The callbacks `server` received, read as an integrator reads them.
async fn callbacks(server: &wiremock::MockServer, at_least: usize) -> Vec<ContractCallback> {
    for _ in 0..100 {
        let received = server.received_requests().await.unwrap_or_default();
        if received.len() >= at_least {
            return received.iter().map(|r| ContractCallback::from_form(&r.body).unwrap()).collect();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {at_least} callbacks arrived");
}

async fn receiver() -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"code":0}"#, "application/json"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_contract_goes_from_draft_to_complete_and_its_files_come_back() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let hooks = receiver().await;
    let url = format!("{}/qys/contract", hooks.uri());

    let contract = client.contract_draft(&draft("order-1", Some(&url))).await.unwrap();
    assert_eq!(contract.status, Some(ContractStatus::Draft));
    assert_eq!(contract.signatories.len(), 2);
    let id = contract.id;
    let document = client.document_add_by_file(&upload(ContractRef::id(id))).await.unwrap().document_id;
    client.contract_send(&ContractSendRequest::new(ContractRef::biz_id("order-1"))).await.unwrap();

    // The sponsor signs first, then the person through the mock's control.
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.unwrap();
    let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(id))).await.unwrap();
    assert_eq!(detail.status, Some(ContractStatus::Signing));
    mock.act(id, PERSON, Decision::Sign).unwrap();
    let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(id))).await.unwrap();
    assert_eq!(detail.status, Some(ContractStatus::Complete));
    assert_eq!(detail.documents.iter().map(|d| d.id).collect::<Vec<_>>(), vec![document]);

    let mut pdf = Vec::new();
    let file = client.document_download(&DocumentDownloadRequest::new(document)).await.unwrap();
    assert_eq!(file.content_type(), Some("application/pdf"));
    file.into_async_read().read_to_end_async(&mut pdf).await;
    assert_eq!(pdf, PDF, "the download is the upload, byte for byte");

    let archive = client.contract_download(&ContractDownloadRequest::new(ContractRef::id(id))).await.unwrap();
    let mut zip_bytes = Vec::new();
    archive.into_async_read().read_to_end_async(&mut zip_bytes).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    assert_eq!(zip.len(), 1);
    let mut inside = Vec::new();
    zip.by_index(0).unwrap().read_to_end(&mut inside).unwrap();
    assert_eq!(inside, PDF);

    // Each move was reported, in order.
    let received = callbacks(&hooks, 4).await;
    let events: Vec<&ContractEvent> = received.iter().map(|c| &c.callback_type).collect();
    assert_eq!(
        events,
        [&ContractEvent::SendSigning, &ContractEvent::Seal, &ContractEvent::Personal, &ContractEvent::Complete]
    );
    assert!(received.iter().all(|c| c.contract_id == id));
    assert_eq!(received[2].contact.as_deref(), Some(PERSON));
    assert_eq!(received[3].contract_status, Some(ContractStatus::Complete));
}

trait ReadAll {
    async fn read_to_end_async(self, into: &mut Vec<u8>);
}

impl<R: tokio::io::AsyncRead + Unpin> ReadAll for R {
    async fn read_to_end_async(mut self, into: &mut Vec<u8>) {
        tokio::io::AsyncReadExt::read_to_end(&mut self, into).await.unwrap();
    }
}

#[tokio::test]
async fn several_files_make_one_document_of_their_bytes_in_order() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let id = client.contract_draft(&draft("parts", None)).await.unwrap().id;
    let parts =
        [FilePart::from_bytes("1.pdf", &b"first part;"[..]), FilePart::from_bytes("2.pdf", &b"second part"[..])];
    let request = DocumentAddByFilesRequest::new(ContractRef::id(id), "合同正文", parts);
    let document = client.document_add_by_files(&request).await.unwrap().document_id;
    let mut bytes = Vec::new();
    let file = client.document_download(&DocumentDownloadRequest::new(document)).await.unwrap();
    file.into_async_read().read_to_end_async(&mut bytes).await;
    assert_eq!(bytes, b"first part;second part");
    // None at all is refused before sending.
    let empty = DocumentAddByFilesRequest::new(ContractRef::id(id), "t", Vec::<FilePart>::new());
    let error = client.document_add_by_files(&empty).await.unwrap_err().to_string();
    assert!(error.contains("files"), "{error}");
}

#[tokio::test]
async fn every_state_error_comes_back_as_its_typed_code() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let id = client.contract_draft(&draft("order-2", None)).await.unwrap().id;
    let code = |e: qiyuesuo::Error| e.code();

    // Sending a draft without documents: 1401.
    let error = client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.unwrap_err();
    assert_eq!(code(error), Some(ResponseCode::DocumentRequired));
    // Signing a draft: not the sign step, 1107.
    let error = client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.unwrap_err();
    assert_eq!(code(error), Some(ResponseCode::NotSignStep));

    client.document_add_by_file(&upload(ContractRef::id(id))).await.unwrap();
    client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.unwrap();
    // A document for a contract already sent: 1101.
    let error = client.document_add_by_file(&upload(ContractRef::id(id))).await.unwrap_err();
    assert_eq!(code(error), Some(ResponseCode::InvalidContractStatus));
    // Sending twice: 1101.
    let error = client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.unwrap_err();
    assert_eq!(code(error), Some(ResponseCode::InvalidContractStatus));
    // The person's turn is after the company's: the mock's control says so.
    assert!(mock.act(id, PERSON, Decision::Sign).is_err());
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.unwrap();
    // The company's step is done: 1107 again.
    let error = client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.unwrap_err();
    assert_eq!(code(error), Some(ResponseCode::NotSignStep));
    // An unknown contract.
    let unknown = ContractDetailRequest::new(ContractRef::id(Id::new(42)));
    assert_eq!(code(client.contract_detail(&unknown).await.unwrap_err()), Some(ResponseCode::ContractNotFound));
}

#[tokio::test]
async fn invalid_deletes_a_draft_recalls_a_signing_contract_and_invalidates_a_complete_one() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let detail = |id: Id| ContractDetailRequest::new(ContractRef::id(id));
    let invalid = |id: Id| ContractInvalidRequest::new(ContractRef::id(id)).reason("wrong amount");

    let draft_id = client.contract_draft(&draft("a", None)).await.unwrap().id;
    client.contract_invalid(&invalid(draft_id)).await.unwrap();
    assert_eq!(
        client.contract_detail(&detail(draft_id)).await.unwrap_err().code(),
        Some(ResponseCode::ContractNotFound)
    );

    let signing = client.contract_draft(&draft("b", None)).await.unwrap().id;
    client.document_add_by_file(&upload(ContractRef::id(signing))).await.unwrap();
    client.contract_send(&ContractSendRequest::new(ContractRef::id(signing))).await.unwrap();
    client.contract_invalid(&invalid(signing)).await.unwrap();
    let recalled = client.contract_detail(&detail(signing)).await.unwrap();
    assert_eq!(recalled.status, Some(ContractStatus::Recalled));
    assert_eq!(recalled.comments.as_deref(), Some("wrong amount"));
    // A recalled contract cannot be recalled again.
    let again = client.contract_invalid(&invalid(signing)).await.unwrap_err();
    assert_eq!(again.code(), Some(ResponseCode::InvalidContractStatus));

    let done = client.contract_draft(&draft("c", None)).await.unwrap().id;
    client.document_add_by_file(&upload(ContractRef::id(done))).await.unwrap();
    client.contract_send(&ContractSendRequest::new(ContractRef::id(done))).await.unwrap();
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(done))).await.unwrap();
    mock.act(done, PERSON, Decision::Sign).unwrap();
    client.contract_invalid(&invalid(done)).await.unwrap();
    assert_eq!(client.contract_detail(&detail(done)).await.unwrap().status, Some(ContractStatus::Invaliding));
}

#[tokio::test]
async fn a_second_draft_with_the_same_biz_id_overwrites_the_first_while_it_is_a_draft() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let first = client.contract_draft(&draft("same", None)).await.unwrap();
    let second = client.contract_draft(&draft("same", None).subject("Changed")).await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(second.subject.as_deref(), Some("Changed"));
    assert_eq!(mock.contract_count(), 1);
}

#[tokio::test]
async fn a_one_of_with_neither_or_both_is_refused_by_the_client_and_the_mock() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    // The typed request cannot say neither or both; JSON can, and is refused before sending.
    for input in [serde_json::json!({}), serde_json::json!({"contractId": "1", "bizId": "x"})] {
        let error = client.call_json("contractDetail", input).await.unwrap_err().to_string();
        assert!(error.contains("exactly one of `contractId`, or `bizId`"), "{error}");
    }
    assert!(mock.log().is_empty(), "nothing was sent");
    // Sent by hand, the mock answers 1005 naming both.
    let request = common::signed(&mock, reqwest::Method::GET, "/v2/contract/detail?contractId=1&bizId=x");
    let answer: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["code"], 1005, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("`contractId`"), "{answer}");
}

#[tokio::test]
async fn contract_list_all_walks_2500_contracts_in_pages_missing_and_repeating_none() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    for n in 0..2500 {
        let request = DraftContractRequest::new().subject(format!("contract {n}")).biz_id(format!("bulk-{n}"));
        client.contract_draft(&request).await.unwrap();
    }
    let before = mock.log().len();
    let all: Vec<_> =
        client.contract_list_all(&ContractListRequest::new().select_limit(1000)).try_collect().await.unwrap();
    assert_eq!(all.len(), 2500);
    let mut ids: Vec<Id> = all.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2500, "no contract twice");
    assert_eq!(mock.log().len() - before, 3, "three pages of at most 1000");
    // Lazily: taking five fetches one page.
    let before = mock.log().len();
    let five: Vec<_> = client.contract_list_all(&ContractListRequest::new().select_limit(100)).take(5).collect().await;
    assert_eq!(five.len(), 5);
    assert_eq!(mock.log().len() - before, 1);
}

/// A contract of `mock` whose sponsor has signed, waiting for the person, and
/// the person's sign-page link (its `callbackPage` https://example.com/back).
async fn awaiting_the_person(mock: &MockServer, biz_id: &str) -> (Id, String) {
    let client = mock.client().unwrap();
    let id = client.contract_draft(&draft(biz_id, None)).await.unwrap().id;
    client.document_add_by_file(&upload(ContractRef::id(id))).await.unwrap();
    client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.unwrap();
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.unwrap();
    let user = ContractUser::new(PERSON, ContractContactType::Mobile);
    let request = ContractSignUrlRequest::new(ContractRef::id(id), user).callback_page("https://example.com/back");
    (id, client.contract_sign_url(&request).await.unwrap().page_url)
}

#[tokio::test]
async fn the_sign_page_goes_back_only_to_a_callback_page_a_link_request_named() {
    let mock = MockServer::start().await.unwrap();
    let (id, _) = awaiting_the_person(&mock, "elsewhere").await;
    // A form that names another place (a link edited, or a page of its own) goes to the contract's page.
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = format!("signer={PERSON}&back=https%3A%2F%2Fphish.example%2Flogin&decision=sign");
    let signed = browser
        .post(format!("{}/mock/pages/{id}/decide", mock.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    assert_eq!(signed.headers()["location"], format!("/mock/pages/{id}?signer={PERSON}").as_str());
}

#[tokio::test]
async fn the_sign_page_signs_for_the_person_and_goes_back_to_the_integrator() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let (id, link) = awaiting_the_person(&mock, "page").await;
    assert!(link.starts_with(&mock.base_url()), "{link}");

    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = browser.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Service agreement") && page.contains("id=\"sign\""), "{page}");
    let document = page.split("href=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
    let pdf = browser.get(format!("{}{document}", mock.base_url())).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&pdf[..], PDF);

    let form = format!("signer={PERSON}&back=https%3A%2F%2Fexample.com%2Fback&decision=sign");
    let signed = browser
        .post(format!("{}/mock/pages/{id}/decide", mock.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    assert_eq!(signed.headers()["location"], "https://example.com/back");
    let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(id))).await.unwrap();
    assert_eq!(detail.status, Some(ContractStatus::Complete));

    // Someone who is not a signer gets no link.
    let stranger = ContractUser::new("10000000000", ContractContactType::Mobile);
    let error =
        client.contract_sign_url(&ContractSignUrlRequest::new(ContractRef::id(id), stranger)).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::NoViewPermission));
}

#[tokio::test]
async fn the_store_is_bounded_by_count_and_by_every_byte_it_keeps_and_says_so() {
    let mock = MockServer::builder().max_contracts(2).start().await.unwrap();
    let client: Client = mock.client().unwrap();
    client.contract_draft(&draft("x1", None)).await.unwrap();
    client.contract_draft(&draft("x2", None)).await.unwrap();
    let error = client.contract_draft(&draft("x3", None)).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::MockCapacity), "{error}");

    // Documents count, and so does every text value a contract keeps.
    let mock = MockServer::builder().max_stored_bytes(4 * 1024).start().await.unwrap();
    let client: Client = mock.client().unwrap();
    let id = client.contract_draft(&draft("y1", None)).await.unwrap().id;
    let mut uploaded = 0;
    let error = loop {
        match client.document_add_by_file(&upload(ContractRef::id(id))).await {
            Ok(_) => uploaded += 1,
            Err(error) => break error,
        }
        assert!(uploaded < 100, "4 KiB never filled");
    };
    assert_eq!(error.code(), Some(ResponseCode::MockCapacity), "{error}");
    assert!(error.to_string().contains("at most 4096 bytes"), "{error}");
    assert!(uploaded > 0, "{error}");
    let mock = MockServer::builder().max_stored_bytes(64 * 1024).start().await.unwrap();
    let client: Client = mock.client().unwrap();
    let long = ContractUser::new("1".repeat(40 * 1024), ContractContactType::Mobile);
    let heavy = |biz: &str| {
        let person = DraftSignatory::new(TenantType::Personal).tenant_name("张三").receiver(long.clone());
        DraftContractRequest::new().subject("heavy").biz_id(biz).signatories([person])
    };
    client.contract_draft(&heavy("h1")).await.unwrap();
    let error = client.contract_draft(&heavy("h2")).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::MockCapacity), "the contact's 40 KiB counted: {error}");
    assert_eq!(mock.contract_count(), 1);
}

#[tokio::test]
async fn a_value_past_the_mocks_bound_is_refused_naming_its_field_and_never_quoted_whole() {
    let mock = MockServer::start().await.unwrap();
    let client: Client = mock.client().unwrap();
    let long = ContractUser::new("1".repeat(qiyuesuo::mock::MAX_VALUE_BYTES + 1), ContractContactType::Mobile);
    let person = DraftSignatory::new(TenantType::Personal).tenant_name("张三").receiver(long);
    let error = client.contract_draft(&DraftContractRequest::new().signatories([person])).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::InvalidParam), "{error}");
    let message = &error.as_api().unwrap().message;
    assert!(message.contains("signatories.0.receiver.contact: 65537 bytes"), "{message}");
    assert!(message.len() < 1024, "{} bytes of message", message.len());
    // A value the schema refuses is quoted only in part, in the answer and the journal alike
    // (sent by hand: the client refuses it before sending).
    let body = serde_json::json!({"subject": "x".repeat(60_000)});
    let answer = common::signed_post(&mock, "/v2/contract/draft").json(&body).send().await.unwrap();
    let answer: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(answer["code"], 1005, "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains("characters cut") && message.len() < 2048, "{message}");
    let log = mock.log();
    assert!(log.iter().all(|entry| entry.outcome.len() < 2048), "{log:?}");
    assert_eq!(mock.contract_count(), 0);
}

#[tokio::test]
async fn a_person_who_rejects_ends_the_contract_and_a_recall_is_reported() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let hooks = receiver().await;
    let url = format!("{}/qys/contract", hooks.uri());
    let sent = |biz: &'static str| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let id = client.contract_draft(&draft(biz, Some(&url))).await.unwrap().id;
            client.document_add_by_file(&upload(ContractRef::id(id))).await.unwrap();
            client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.unwrap();
            id
        }
    };
    let rejected = sent("rejected").await;
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(rejected))).await.unwrap();
    mock.act(rejected, PERSON, Decision::Reject).unwrap();
    let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(rejected))).await.unwrap();
    assert_eq!(detail.status, Some(ContractStatus::Rejected));
    assert_eq!(detail.signatories[1].status, Some(qiyuesuo::models::SignatoryStatus::Rejected));

    let recalled = sent("recalled").await;
    client.contract_invalid(&ContractInvalidRequest::new(ContractRef::id(recalled))).await.unwrap();

    let received = callbacks(&hooks, 5).await;
    let of =
        |id: Id| received.iter().filter(|c| c.contract_id == id).map(|c| c.callback_type.clone()).collect::<Vec<_>>();
    assert_eq!(of(rejected), [ContractEvent::SendSigning, ContractEvent::Seal, ContractEvent::Rejected]);
    assert_eq!(of(recalled), [ContractEvent::SendSigning, ContractEvent::Recalled]);
}

#[tokio::test]
async fn the_view_link_shows_the_contract_without_buttons() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let id = client.contract_draft(&draft("view", None)).await.unwrap().id;
    client.document_add_by_file(&upload(ContractRef::id(id))).await.unwrap();
    let link = client
        .contract_view_url(&qiyuesuo::models::ContractViewUrlRequest::new(ContractRef::id(id)))
        .await
        .unwrap()
        .page_url;
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(page.contains("<span id=\"status\">DRAFT</span>") && page.contains("合同正文"), "{page}");
    assert!(!page.contains("id=\"sign\""), "no one signs from a view link: {page}");
}
