//! A contract from draft to signed files, the way an integrator's server
//! drives it: create a draft with two signatories (the integrator's company
//! and a person), upload a PDF, send it, sign as the company, let the person
//! sign, receive the status callbacks, read the detail until it is complete,
//! and download the signed PDF and the ZIP.
//!
//! With no arguments it runs against the embedded mock, which keeps the
//! contract's state and stands in for the person (`MockServer::act`):
//!
//! ```text
//! cargo run -p qiyuesuo-example-contract-flow
//! ```
//!
//! Against a real server, give its base URL, the company's full name, the
//! person's mobile number and, for callbacks, a public URL that reaches this
//! program's listener (or leave it out and rely on polling); the person signs
//! through the link it prints:
//!
//! ```text
//! QYS_ACCESS_TOKEN=… QYS_ACCESS_SECRET=… cargo run -p qiyuesuo-example-contract-flow -- \
//!     --server https://openapi.qiyuesuo.cn --company "…有限公司" --mobile 1… [--callback-url https://…]
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::routing::post;
use qiyuesuo::mock::{Decision, MockServer};
use qiyuesuo::models::{
    ActionType, ContractCallback, ContractContactType, ContractDetailRequest, ContractDownloadRequest, ContractRef,
    ContractSendRequest, ContractSignRequest, ContractSignUrlRequest, ContractStatus, ContractUser,
    DocumentAddByFileRequest, DocumentDownloadRequest, DraftAction, DraftContractRequest, DraftSignatory, FileSuffix,
    TenantType,
};
use qiyuesuo::runtime::{FilePart, Id};
use qiyuesuo::{Client, Error};
use tokio::sync::Mutex;

/// The contract this example signs.
const PDF: &[u8] = include_bytes!("../contract.pdf");

/// Where the signed files go.
const OUT_DIR: &str = "target/contract-flow";

/// How long to wait for the person to sign on a real server.
const SIGNING_WAIT: Duration = Duration::from_secs(600);

struct Options {
    server: Option<String>,
    company: String,
    mobile: String,
    callback_url: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        server: None,
        company: "Example Co., Ltd.".to_owned(),
        mobile: "10020033044".to_owned(),
        callback_url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--server" => options.server = Some(value),
            "--company" => options.company = value,
            "--mobile" => options.mobile = value,
            "--callback-url" => options.callback_url = Some(value),
            _ => return Err(format!("unknown flag {flag} (--server, --company, --mobile, --callback-url)")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let options = options()?;
    let text = |e: Error| e.to_string();
    let (client, mock) = match &options.server {
        Some(url) => {
            let token = std::env::var("QYS_ACCESS_TOKEN").unwrap_or_default();
            let secret = std::env::var("QYS_ACCESS_SECRET").unwrap_or_default();
            (Client::new(url, token, secret).map_err(text)?, None)
        }
        None => {
            let mock = MockServer::start().await.map_err(|e| e.to_string())?;
            (mock.client().map_err(text)?, Some(mock))
        }
    };

    // The callbacks: a listener on loopback (the mock reaches it; a real
    // server needs --callback-url to lead here).
    let received = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let log = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/qys/contract",
        post(move |body: Bytes| async move {
            // A hint only: the callback is unsigned, so the detail is re-read before acting.
            if let Ok(callback) = ContractCallback::from_form(&body) {
                println!("callback: {:?} → {:?}", callback.callback_type, callback.contract_status);
                log.lock().await.push(callback);
            }
            ([("content-type", qiyuesuo::runtime::ACK_CONTENT_TYPE)], qiyuesuo::runtime::ACK)
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let callback_url = match (&options.callback_url, &mock) {
        (Some(url), _) => Some(url.clone()),
        (None, Some(_)) => Some(format!("http://{local}/qys/contract")),
        (None, None) => None,
    };

    // 1. The draft: the company signs with its seal, then the person.
    let company = DraftSignatory::new(TenantType::Company)
        .tenant_name(options.company.as_str())
        .actions([DraftAction::new(ActionType::Company)]);
    let person = DraftSignatory::new(TenantType::Personal)
        .tenant_name("张三")
        .receiver(ContractUser::new(options.mobile.as_str(), ContractContactType::Mobile));
    let mut draft = DraftContractRequest::new()
        .subject("Service agreement")
        .biz_id(format!("contract-flow-{}", std::process::id()))
        .signatories([company, person]);
    if let Some(url) = callback_url {
        draft = draft.callback_url(url);
    }
    let contract = client.contract_draft(&draft).await.map_err(text)?;
    let id = contract.id;
    println!("draft {id}: {:?}", contract.status);

    // 2. The document, 3. send, 4. the company's seal.
    let upload = DocumentAddByFileRequest::new(
        ContractRef::id(id),
        "Service agreement",
        FilePart::from_bytes("contract.pdf", PDF),
        FileSuffix::Pdf,
    );
    let document = client.document_add_by_file(&upload).await.map_err(text)?.document_id;
    client.contract_send(&ContractSendRequest::new(ContractRef::id(id))).await.map_err(text)?;
    client.contract_company_sign(&ContractSignRequest::new(ContractRef::id(id))).await.map_err(text)?;
    println!("sent and sealed by {}", options.company);

    // 5. The person signs: through the mock's control, or the link on a real server.
    let user = ContractUser::new(options.mobile.as_str(), ContractContactType::Mobile);
    let link = client.contract_sign_url(&ContractSignUrlRequest::new(ContractRef::id(id), user)).await.map_err(text)?;
    match &mock {
        Some(mock) => mock.act(id, &options.mobile, Decision::Sign).map_err(|e| e.to_string())?,
        None => println!("the person signs here: {}", link.page_url),
    }

    // 6. Poll the detail (the truth, whatever the callbacks said) until complete.
    let complete = wait_until_complete(&client, id).await?;
    println!("{id} is {:?} with {} document(s)", complete.status, complete.documents.len());

    // 7. The signed files.
    std::fs::create_dir_all(OUT_DIR).map_err(|e| format!("{OUT_DIR}: {e}"))?;
    let pdf = client.document_download(&DocumentDownloadRequest::new(document)).await.map_err(text)?;
    let pdf_bytes = pdf.save(format!("{OUT_DIR}/signed.pdf")).await.map_err(text)?;
    let zip = client.contract_download(&ContractDownloadRequest::new(ContractRef::id(id))).await.map_err(text)?;
    let zip_bytes = zip.save(format!("{OUT_DIR}/contract.zip")).await.map_err(text)?;
    println!("saved {OUT_DIR}/signed.pdf ({pdf_bytes} bytes) and {OUT_DIR}/contract.zip ({zip_bytes} bytes)");

    if mock.is_some() {
        // The mock delivers every move's callback; give the last one a moment.
        for _ in 0..50 {
            if received.lock().await.iter().any(|c| c.contract_status == Some(ContractStatus::Complete)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let count = received.lock().await.len();
        if count == 0 {
            return Err("no callback arrived".to_owned());
        }
        println!("{count} callbacks received");
    }
    Ok(())
}

async fn wait_until_complete(client: &Client, id: Id) -> Result<qiyuesuo::models::Contract, String> {
    let started = tokio::time::Instant::now();
    loop {
        let detail = client.contract_detail(&ContractDetailRequest::new(ContractRef::id(id))).await;
        let detail = detail.map_err(|e| e.to_string())?;
        match &detail.status {
            Some(ContractStatus::Complete) => return Ok(detail),
            Some(ContractStatus::Signing) if started.elapsed() < SIGNING_WAIT => {
                // Often at first, then gently: a person takes minutes.
                let pause = if started.elapsed() < Duration::from_secs(5) { 200 } else { 5_000 };
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            other => return Err(format!("{id} ended {other:?} instead of complete")),
        }
    }
}
