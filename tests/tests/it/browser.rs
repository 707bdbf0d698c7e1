//! The mock's sign page in a real browser, as an integrator's user meets it:
//! headless Chromium, driven over WebDriver (chromedriver), opens the link
//! `contract_sign_url` handed out, clicks Sign, lands on the integrator's
//! `callbackPage`; the callback arrives and the detail has moved on.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them
//! and sets `QYS_BROWSER_TESTS=required`); elsewhere, without them, it says
//! so and passes over the browser.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use qiyuesuo::mock::MockServer;
use qiyuesuo::models::{
    ContractCallback, ContractContactType, ContractDetailRequest, ContractEvent, ContractRef, ContractSendRequest,
    ContractSignRequest, ContractSignUrlRequest, ContractStatus, ContractUser, DocumentAddByFileRequest, FileSuffix,
};
use qiyuesuo::runtime::FilePart;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use common::PERSON;

/// chromedriver on a free port, stopped when dropped.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<Driver> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    Some(Driver(child, port))
}

#[tokio::test]
async fn a_person_signs_on_the_mocks_page_in_chromium_and_comes_back() {
    let Some(driver) = chromedriver() else {
        assert!(
            std::env::var("QYS_BROWSER_TESTS").as_deref() != Ok("required"),
            "chromedriver is required here but cannot be started"
        );
        eprintln!("skipped: no chromedriver (install Debian's chromium and chromium-driver)");
        return;
    };

    // The integrator: its callback endpoint and the page users come back to.
    let integrator = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/qys/contract"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"code":0}"#, "application/json"))
        .mount(&integrator)
        .await;
    Mock::given(method("GET"))
        .and(path("/signed"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<h1 id=\"done\">Thank you</h1>", "text/html"))
        .mount(&integrator)
        .await;

    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let draft = common::two_party_draft("browser", Some(&format!("{}/qys/contract", integrator.uri())));
    let id = client.contract_draft(&draft).await.unwrap().id;
    let pdf = FilePart::from_bytes("contract.pdf", &b"%PDF-1.4 a contract %%EOF"[..]);
    client
        .document_add_by_file(&DocumentAddByFileRequest::new(ContractRef::id(id), "正文", pdf, FileSuffix::Pdf))
        .await
        .unwrap();
    client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.unwrap();
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.unwrap();
    let back = format!("{}/signed", integrator.uri());
    let user = ContractUser::new(PERSON, ContractContactType::Mobile);
    let link = client
        .contract_sign_url(&ContractSignUrlRequest::new(ContractRef::id(id), user).callback_page(back.as_str()))
        .await
        .unwrap()
        .page_url;

    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}),
    );
    let webdriver = format!("http://127.0.0.1:{}", driver.1);
    let mut browser = None;
    // chromedriver takes a moment to listen.
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(capabilities.clone()).connect(&webdriver).await {
            Ok(session) => {
                browser = Some(session);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let browser = browser.expect("a Chromium session");

    browser.goto(&link).await.unwrap();
    assert_eq!(browser.find(Locator::Id("subject")).await.unwrap().text().await.unwrap(), "Service agreement");
    assert_eq!(browser.find(Locator::Id("status")).await.unwrap().text().await.unwrap(), "SIGNING");
    let document = browser.find(Locator::Css("#documents a")).await.unwrap();
    assert_eq!(document.text().await.unwrap(), "正文");
    browser.find(Locator::Id("sign")).await.unwrap().click().await.unwrap();
    let done = browser.wait().for_element(Locator::Id("done")).await.unwrap();
    assert_eq!(done.text().await.unwrap(), "Thank you");
    assert_eq!(browser.current_url().await.unwrap().as_str(), back);
    browser.close().await.unwrap();

    let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(id))).await.unwrap();
    assert_eq!(detail.status, Some(ContractStatus::Complete));
    let mut events = Vec::new();
    for _ in 0..100 {
        let received = integrator.received_requests().await.unwrap_or_default();
        events = received
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .filter_map(|r| ContractCallback::from_form(&r.body).ok())
            .map(|c| c.callback_type)
            .collect();
        if events.contains(&ContractEvent::Complete) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        events,
        [ContractEvent::SendSigning, ContractEvent::Seal, ContractEvent::Personal, ContractEvent::Complete]
    );
}
