//! The mock against hostile and careless clients: connections that idle or
//! trickle, floods of nonces, malformed headers and wrong content types. Each
//! test is named after what it guards.

use crate::common;

use std::time::Duration;

use qiyuesuo::mock::MockServer;
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn ticket() -> CompanyAuthMiniappTicketRequest {
    CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
}

/// Whether the server has closed `stream` (a read sees the end, or an error).
async fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(tokio::time::timeout(Duration::from_millis(50), stream.read(&mut byte)).await, Ok(Ok(0) | Err(_)))
}

#[tokio::test]
async fn mock_connections_idle_or_trickling_are_closed_and_new_clients_served() {
    let mock =
        MockServer::builder().read_timeout(Duration::from_millis(500)).max_connections(40).start().await.unwrap();
    let address = mock.addr();
    // More idle and trickling connections than the cap allows at once.
    let mut idle = Vec::new();
    for _ in 0..30 {
        idle.push(TcpStream::connect(address).await.unwrap());
    }
    let mut trickling = Vec::new();
    for _ in 0..30 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(b"POST /companyauth/miniappexchange HTTP/1.1\r\n").await.unwrap();
        trickling.push(stream);
    }
    let trickle = tokio::spawn(async move {
        for _ in 0..30 {
            for stream in &mut trickling {
                let _ = stream.write_all(b"x").await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        trickling
    });
    // A client is still served, once the stalled connections make room.
    let client = mock.client().unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), client.company_auth_miniapp_ticket(&ticket())).await;
    assert!(matches!(answer, Ok(Ok(_))), "{answer:?}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut closed_idle = 0;
    for stream in &mut idle {
        closed_idle += usize::from(closed(stream).await);
    }
    assert_eq!(closed_idle, idle.len(), "idle connections left open");
    let mut trickling = trickle.await.unwrap();
    let mut closed_trickling = 0;
    for stream in &mut trickling {
        closed_trickling += usize::from(closed(stream).await);
    }
    assert_eq!(closed_trickling, trickling.len(), "trickling connections left open");
}

#[tokio::test]
async fn mock_memory_the_log_is_a_bounded_ring_with_short_paths() {
    let mock = MockServer::start().await.unwrap();
    let http = reqwest::Client::new();
    let long = "/x".repeat(30_000);
    let _ = http.post(format!("{}{long}", mock.base_url())).send().await.unwrap();
    let path = &mock.log()[0].path;
    assert!(path.chars().count() <= 257 && path.ends_with('…'), "{} characters kept", path.chars().count());
    let total = qiyuesuo::mock::LOG_CAPACITY + 50;
    for _ in 1..total {
        let _ = http.post(format!("{}/unsigned", mock.base_url())).send().await.unwrap();
    }
    let log = mock.log();
    assert_eq!(log.len(), qiyuesuo::mock::LOG_CAPACITY);
    assert!(log.iter().all(|entry| entry.path == "/unsigned"), "the oldest entries are the ones forgotten");
}

/// A request signed over exactly these header texts.
async fn signed_with(mock: &MockServer, timestamp: &str, nonce: &str, signed_as: u64) -> (u16, Value) {
    let signature =
        qiyuesuo::runtime::signing::signature(mock.access_token(), mock.access_secret(), signed_as, Some(nonce));
    let answer = reqwest::Client::new()
        .post(format!("{}/companyauth/miniappexchange", mock.base_url()))
        .header("x-qys-open-accesstoken", mock.access_token())
        .header("x-qys-open-timestamp", timestamp)
        .header("x-qys-open-nonce", nonce)
        .header("x-qys-open-signature", signature)
        .json(&common::request_example())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

fn now() -> u64 {
    qiyuesuo::runtime::Clock::now_millis(&qiyuesuo::runtime::SystemClock)
}

#[tokio::test]
async fn mock_memory_nonces_stay_used_for_the_whole_window_and_a_full_store_refuses() {
    let mock = MockServer::builder().nonce_capacity(3).start().await.unwrap();
    let stamp = now();
    for nonce in ["n-1", "n-2", "n-3"] {
        assert_eq!(signed_with(&mock, &stamp.to_string(), nonce, stamp).await.1["code"], 0);
    }
    let (_, full) = signed_with(&mock, &stamp.to_string(), "n-4", stamp).await;
    assert_eq!(full["code"], 11990006, "{full}");
    assert!(full["message"].as_str().unwrap().starts_with("RATE LIMITED,more than 3 nonces"), "{full}");
    // The first nonce was not forgotten to make room.
    let (status, replay) = signed_with(&mock, &stamp.to_string(), "n-1", stamp).await;
    assert_eq!((status, replay["code"].as_i64()), (445, Some(445)), "{replay}");
}

#[tokio::test]
async fn mock_strictness_nonces_and_timestamps_of_another_shape_are_malformed() {
    let mock = MockServer::start().await.unwrap();
    let stamp = now();
    let long = "n".repeat(129);
    for (timestamp, nonce) in [
        (format!("+{stamp}"), "a-nonce"),
        (format!("0{stamp}"), "b-nonce"),
        (stamp.to_string(), long.as_str()),
        (stamp.to_string(), "has space"),
    ] {
        let (status, answer) = signed_with(&mock, &timestamp, nonce, stamp).await;
        assert_eq!((status, answer["code"].as_i64()), (446, Some(446)), "{timestamp} {nonce}: {answer}");
        assert!(answer["message"].as_str().unwrap().starts_with("HEADER MALFORMED,x-qys-open-"), "{answer}");
    }
}

#[tokio::test]
async fn mock_strictness_a_non_ascii_header_is_malformed_not_missing() {
    let mock = MockServer::start().await.unwrap();
    let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
    let request = "POST /companyauth/miniappexchange HTTP/1.1\r\nhost: x\r\nx-qys-open-accesstoken: 令牌\r\n\
                   x-qys-open-timestamp: 1\r\nx-qys-open-signature: s\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 446 HEADER MALFORMED\r\n"), "{answer}");
    assert!(answer.contains("HEADER MALFORMED,x-qys-open-accesstoken"), "{answer}");
}

#[tokio::test]
async fn mock_strictness_gateway_statuses_carry_reason_phrases() {
    let mock = MockServer::start().await.unwrap();
    let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
    stream.write_all(b"GET /v2/company/detail HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 441 HEADER REQUIRED\r\n"), "{answer}");
}

/// The ticket request's example, signed, with this `Content-Type`.
async fn posted_as(mock: &MockServer, content_type: &str) -> Value {
    let body = common::request_example().to_string();
    let sent =
        common::signed_post(mock, "/companyauth/miniappexchange").header("content-type", content_type).body(body);
    sent.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn mock_strictness_a_json_operation_needs_a_json_content_type() {
    let mock = MockServer::start().await.unwrap();
    // What the official clients send is accepted, in any case.
    for accepted in ["application/json;charset=UTF-8", "application/json", "Application/JSON; charset=utf-8"] {
        let answer = posted_as(&mock, accepted).await;
        assert_eq!(answer["code"], 0, "{accepted}: {answer}");
    }
    for refused in ["text/plain", "application/x-www-form-urlencoded"] {
        let answer = posted_as(&mock, refused).await;
        assert_eq!(answer["code"], 1005, "{refused}: {answer}");
        let expected = format!("Content-Type must be application/json, not `{refused}`");
        assert!(answer["message"].as_str().unwrap().contains(&expected), "{answer}");
    }
}

#[tokio::test]
async fn mock_strictness_still_accepts_what_the_official_clients_send() {
    let mock = MockServer::start().await.unwrap();
    let stamp = now();
    // PHP's JSON encoder escapes non-ASCII; older clients send the three legacy headers.
    let body = r#"{"companyName":"\u4e0a\u6d77\u5951\u7ea6\u9501\u516c\u53f8","applicant":{"contact":"12312378900","contactType":"MOBILE"}}"#;
    let signature = qiyuesuo::runtime::signing::signature(mock.access_token(), mock.access_secret(), stamp, None);
    let request = format!(
        "POST /companyauth/miniappexchange HTTP/1.1\r\nHost: x\r\nContent-Type:application/json\r\n\
         Accept-Encoding: gzip,deflate\r\nUser-Agent: qiyuesuo-php-sdk\r\nversion: PHP-1.5.0\r\n\
         x-qys-open-accesstoken: {}\r\nx-qys-open-timestamp: {stamp}\r\nx-qys-open-signature: {signature}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        mock.access_token(),
        body.len()
    );
    let mut stream = TcpStream::connect(mock.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains(r#""code":0"#), "{answer}");
}

#[tokio::test]
async fn a_sign_page_form_that_never_arrives_is_cut_at_the_read_timeout() {
    let mock = MockServer::builder().read_timeout(Duration::from_millis(300)).start().await.unwrap();
    let address = mock.base_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    // A form announced and never sent: no credentials needed to hold a page's connection.
    let request = format!(
        "POST /mock/pages/1/decide HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(read.is_ok(), "the connection was still held after 5 s");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

/// A contract of the mock with `documents` documents of `size` bytes each.
async fn contract_with_documents(mock: &MockServer, documents: usize, size: usize) -> qiyuesuo::runtime::Id {
    use qiyuesuo::models::{ContractRef, DocumentAddByFileRequest, DraftContractRequest, FileSuffix};
    let client = mock.client().unwrap();
    let id = client.contract_draft(&DraftContractRequest::new().subject("archive")).await.unwrap().id;
    for n in 0..documents {
        let mut pdf = b"%PDF-1.4 ".to_vec();
        pdf.resize(size, b'x');
        let file = qiyuesuo::runtime::FilePart::from_bytes("d.pdf", pdf);
        let request = DocumentAddByFileRequest::new(ContractRef::id(id), format!("doc {n}"), file, FileSuffix::Pdf);
        client.document_add_by_file(&request).await.unwrap();
    }
    id
}

/// Sends a signed download request of the contract's ZIP on a raw connection.
async fn ask_for_archive(mock: &MockServer, id: qiyuesuo::runtime::Id) -> TcpStream {
    let request = common::signed(mock, reqwest::Method::GET, &format!("/v2/contract/download?contractId={id}"));
    let request = request.build().unwrap();
    let address = mock.base_url().trim_start_matches("http://").to_owned();
    let mut head =
        format!("GET {}?{} HTTP/1.1\r\nhost: {address}\r\n", request.url().path(), request.url().query().unwrap());
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

#[tokio::test]
async fn a_reader_that_stops_reading_a_download_is_cut_off_and_one_that_reads_gets_it_whole() {
    let mock = MockServer::builder()
        .read_timeout(Duration::from_millis(300))
        .download_time(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let id = contract_with_documents(&mock, 30, 900_000).await;
    // Twenty readers take nothing: each is cut off once its answer stalls.
    let mut stalled = Vec::new();
    for _ in 0..20 {
        stalled.push(ask_for_archive(&mock, id).await);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    for stream in &mut stalled {
        let mut all = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut all)).await;
        assert!(read.is_ok(), "a stalled reader's connection was still open after 10 s");
        assert!(all.len() < 30 * 900_000, "{} bytes reached a reader that stopped", all.len());
    }
    // One that reads gets the whole ZIP, made once for every download of these documents.
    let client = mock.client().unwrap();
    let request = qiyuesuo::models::ContractDownloadRequest::new(qiyuesuo::models::ContractRef::id(id));
    let mut first = Vec::new();
    client.contract_download(&request).await.unwrap().write_to(&mut first).await.unwrap();
    let mut second = Vec::new();
    client.contract_download(&request).await.unwrap().write_to(&mut second).await.unwrap();
    assert!(first.len() > 30 * 900_000 && first == second, "{} and {} bytes", first.len(), second.len());
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn a_sign_page_refuses_a_decision_posted_from_another_origin() {
    let mock = MockServer::start().await.unwrap();
    let address = mock.base_url().trim_start_matches("http://").to_owned();
    let http = reqwest::Client::new();
    let decide = format!("{}/mock/pages/1/decide", mock.base_url());
    for (name, value) in [("origin", "http://127.0.0.1:9"), ("origin", "null"), ("sec-fetch-site", "cross-site")] {
        let answer = http
            .post(&decide)
            .header(name, value)
            .header("content-type", FORM)
            .body("decision=sign")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{name}: {value}");
        let text = answer.text().await.unwrap();
        assert!(text.contains("only from the mock's own pages"), "{text}");
    }
    // Its own origin (or no word of one, as a test's client sends) reaches the decision itself.
    let own = format!("http://{address}");
    let answer = http
        .post(&decide)
        .header("origin", own)
        .header("content-type", FORM)
        .body("decision=sign")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 409, "no contract 1 to sign, but not refused for its origin");
}
