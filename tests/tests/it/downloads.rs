//! Downloads: the file streams (never held whole, nor held to the JSON
//! answer cap); an error envelope on the download path is an `Error::Api`,
//! never a file; `save` writes the whole file or none of it.

use crate::common;

use std::time::Duration;

use futures_util::StreamExt;
use qiyuesuo::ResponseCode;
use qiyuesuo::mock::{MockServer, Rule};
use qiyuesuo::models::{ContractDownloadItem, ContractDownloadRequest};
use qiyuesuo::runtime::{CallOptions, Error, Id, RetryPolicy, TransportKind};
use qiyuesuo_tests::raw::{RawServer, Step, head};
use tokio::io::AsyncReadExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use common::{SECRET, TOKEN};

fn contract() -> ContractDownloadRequest {
    ContractDownloadRequest::new(qiyuesuo::models::ContractRef::id(Id::new(2_589_012_345_678_901_234))).download_items(
        [ContractDownloadItem::Contract, ContractDownloadItem::SignLog]
            .into_iter()
            .collect::<qiyuesuo::models::ContractDownloadItems>(),
    )
}

#[tokio::test]
async fn a_large_file_streams_in_chunks_past_the_json_answer_cap() {
    let mock = MockServer::start().await.unwrap();
    let size = 64 * 1024 * 1024;
    mock.add_rule(Rule::new(Some("contractDownload"), []).download_bytes(size)).unwrap();
    // The JSON answer cap is 1 MiB; the file is 64 times that.
    let client = qiyuesuo::Client::builder(mock.base_url(), mock.access_token(), mock.access_secret())
        .max_body_bytes(1024 * 1024)
        .build()
        .unwrap();
    let file = client.contract_download(&contract()).await.unwrap();
    assert_eq!(file.content_type(), Some("application/zip"));
    assert_eq!(file.content_length(), Some(size));
    assert_eq!(file.file_name(), Some("contract.zip"));
    let mut stream = Box::pin(file.into_stream());
    let (mut total, mut chunks, mut largest) = (0u64, 0, 0);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        total += chunk.len() as u64;
        largest = largest.max(chunk.len());
        chunks += 1;
    }
    assert_eq!(total, size);
    assert!(chunks > 64, "{chunks} chunks");
    assert!(largest <= 1024 * 1024, "a chunk of {largest} bytes");
    let log = mock.log();
    assert_eq!(log.last().unwrap().outcome, format!("ok: a {size} byte file"));
}

#[tokio::test]
async fn the_query_carries_the_id_exactly_and_the_set_comma_joined() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/contract/download"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"PK\x03\x04zip".to_vec(), "application/zip"))
        .mount(&server)
        .await;
    let client = qiyuesuo::Client::new(server.uri(), TOKEN, SECRET).unwrap();
    let mut read = client.contract_download(&contract()).await.unwrap().into_async_read();
    let mut bytes = Vec::new();
    read.read_to_end(&mut bytes).await.unwrap();
    assert_eq!(bytes, b"PK\x03\x04zip");
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.url.query(), Some("contractId=2589012345678901234&downloadItems=CONTRACT%2CSIGNLOG"));
}

#[tokio::test]
async fn an_error_envelope_on_the_download_path_is_an_api_error_never_a_file() {
    // Declared as JSON.
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("contractDownload"), []).code(1002)).unwrap();
    let error = mock.client().unwrap().contract_download(&contract()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::PermissionDenied), "{error}");

    // Declared as a ZIP, but the body is the envelope.
    let envelope = br#"  {"code":1001,"message":"ERROR"}"#.to_vec();
    let server = RawServer::start(vec![
        head("200 OK", &["content-type: application/octet-stream"], Some(envelope.len())),
        Step::Write(envelope),
    ])
    .await;
    let client =
        qiyuesuo::Client::builder(&server.url, TOKEN, SECRET).retry_policy(RetryPolicy::disabled()).build().unwrap();
    let error = client.contract_download(&contract()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::InternalError), "{error}");

    // A success envelope where the file should be is no file either.
    let server = wiremock::MockServer::start().await;
    let success = serde_json::json!({"code": 0, "message": "SUCCESS"});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(success)).mount(&server).await;
    let client = qiyuesuo::Client::new(server.uri(), TOKEN, SECRET).unwrap();
    let error = client.contract_download(&contract()).await.unwrap_err();
    assert!(error.to_string().contains("an envelope with code 0 where a file was expected"), "{error}");
}

#[tokio::test]
async fn save_writes_the_whole_file_or_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("contract.zip");
    // The example's file, not a contract's: no contract needs to exist.
    let mock = MockServer::builder().stateless().start().await.unwrap();
    let saved = mock.client().unwrap().contract_download(&contract()).await.unwrap().save(&target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap().len() as u64, saved);

    // The connection breaks halfway: an error, and no file (old or partial) is left behind.
    let broken = dir.path().join("broken.zip");
    let server = RawServer::start(vec![
        head("200 OK", &["content-type: application/zip"], Some(1000)),
        Step::Write(b"PK\x03\x04".repeat(100)),
    ])
    .await;
    let client = qiyuesuo::Client::new(&server.url, TOKEN, SECRET).unwrap();
    let file = client.contract_download(&contract()).await.unwrap();
    let error = file.save(&broken).await.unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::Other), "{error}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["contract.zip"], "{left:?}");

    // A body that stops arriving times out after the attempt timeout, not the call's.
    let stalled = RawServer::start(vec![
        head("200 OK", &["content-type: application/zip"], Some(1000)),
        Step::Write(b"PK\x03\x04".to_vec()),
        Step::Sleep(Duration::from_secs(30)),
    ])
    .await;
    let client = qiyuesuo::Client::builder(&stalled.url, TOKEN, SECRET)
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut file = client.contract_download(&contract()).await.unwrap();
    assert_eq!(file.chunk().await.unwrap().as_deref(), Some(&b"PK\x03\x04"[..]));
    let error = file.chunk().await.unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::Timeout), "{error}");
    assert!(matches!(error, Error::Transport(_)));
}

#[tokio::test]
async fn download_json_serves_tools_and_call_json_names_the_right_method() {
    let mock = MockServer::builder().stateless().start().await.unwrap();
    let client = mock.client().unwrap();
    let file = client.download_json("contractDownload", serde_json::json!({"contractId": 42})).await.unwrap();
    let mut bytes = Vec::new();
    file.write_to(&mut bytes).await.unwrap();
    assert!(bytes.starts_with(b"PK\x05\x06"), "an empty ZIP archive");
    let error = client.call_json("contractDownload", serde_json::json!({})).await.unwrap_err();
    assert!(error.to_string().contains("answers a file; call it with `download_json`"), "{error}");
    let error = client.download_json("sealList", serde_json::json!({})).await.unwrap_err();
    assert!(error.to_string().contains("answers JSON; call it with `call_json`"), "{error}");
}

/// A file that trickles in forever: a byte every 100 ms, each within any attempt timeout.
async fn trickling() -> RawServer {
    let mut steps =
        vec![head("200 OK", &["content-type: application/zip"], Some(1 << 20)), Step::Write(b"PK".to_vec())];
    steps.extend((0..600).flat_map(|_| [Step::Sleep(Duration::from_millis(100)), Step::Write(b"x".to_vec())]));
    RawServer::start(steps).await
}

fn files_in(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect()
}

#[tokio::test]
async fn downloads_are_bounded_by_the_total_timeout_and_leave_no_partial_file() {
    let server = trickling().await;
    let client = qiyuesuo::Client::builder(&server.url, TOKEN, SECRET)
        .attempt_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let file = client.contract_download(&contract()).await.unwrap();
    let error = file.save(dir.path().join("contract.zip")).await.unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::CallTimeout), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert!(files_in(dir.path()).is_empty(), "{:?}", files_in(dir.path()));
}

#[tokio::test]
async fn downloads_over_the_size_cap_are_refused_and_leave_nothing() {
    let mock = MockServer::start().await.unwrap();
    mock.add_rule(Rule::new(Some("contractDownload"), []).download_bytes(64 * 1024)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let capped = mock.client().unwrap().with_options(CallOptions::new().max_download_bytes(1000)).unwrap();
    // The mock declares the length: refused before a byte of the file is read, and not retried.
    let error = capped.contract_download(&contract()).await.unwrap_err();
    assert!(error.to_string().contains("the file is 65536 bytes, over the cap of 1000"), "{error}");
    assert_eq!(error.call().map(|c| c.attempts), Some(1), "{error}");
    assert!(!error.is_retryable());

    // Without a declared length the count stops it, and `save` leaves nothing.
    let mut steps = vec![head("200 OK", &["content-type: application/zip"], None)];
    steps.extend((0..20).map(|_| Step::Write(vec![b'z'; 100])));
    let undeclared = RawServer::start(steps).await;
    let client = qiyuesuo::Client::builder(&undeclared.url, TOKEN, SECRET).max_download_bytes(1000).build().unwrap();
    let file = client.contract_download(&contract()).await.unwrap();
    let error = file.save(dir.path().join("big.zip")).await.unwrap_err();
    assert!(error.to_string().contains("over the cap of 1000 (`max_download_bytes`)"), "{error}");
    assert!(files_in(dir.path()).is_empty(), "{:?}", files_in(dir.path()));
}

#[tokio::test]
async fn a_save_dropped_before_it_completes_leaves_no_partial_file() {
    let server = trickling().await;
    let client = qiyuesuo::Client::new(&server.url, TOKEN, SECRET).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("contract.zip");
    let file = client.contract_download(&contract()).await.unwrap();
    let save = file.save(&target);
    // The caller gives up (a timeout of its own, a cancelled task): the future is dropped.
    assert!(tokio::time::timeout(Duration::from_millis(500), save).await.is_err());
    assert!(files_in(dir.path()).is_empty(), "{:?}", files_in(dir.path()));
}

#[tokio::test]
async fn an_envelope_behind_a_byte_order_mark_or_blank_chunks_is_no_file() {
    let no_retry = |url: &str| {
        qiyuesuo::Client::builder(url, TOKEN, SECRET).retry_policy(RetryPolicy::disabled()).build().unwrap()
    };
    // A UTF-8 byte-order mark before the envelope, declared as a file.
    let envelope = b"\xEF\xBB\xBF{\"code\":1001,\"message\":\"ERROR\"}".to_vec();
    let server = RawServer::start(vec![
        head("200 OK", &["content-type: application/octet-stream"], Some(envelope.len())),
        Step::Write(envelope),
    ])
    .await;
    let error = no_retry(&server.url).contract_download(&contract()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::InternalError), "{error}");

    // Whitespace-only chunks first, apart in time, then the envelope.
    let mut steps = vec![head("200 OK", &["content-type: application/zip", "transfer-encoding: chunked"], None)];
    for part in ["\u{feff}  ", "\r\n\t", " ", r#"{"code":1002,"message":"NO"}"#] {
        steps.push(Step::Write(format!("{:x}\r\n{part}\r\n", part.len()).into_bytes()));
        steps.push(Step::Sleep(Duration::from_millis(10)));
    }
    steps.push(Step::Write(b"0\r\n\r\n".to_vec()));
    let server = RawServer::start(steps).await;
    let error = no_retry(&server.url).contract_download(&contract()).await.unwrap_err();
    assert_eq!(error.code(), Some(ResponseCode::PermissionDenied), "{error}");

    // A real file after blank chunks keeps every byte, blanks included.
    let mut steps = vec![head("200 OK", &["content-type: application/zip", "transfer-encoding: chunked"], None)];
    for part in ["  ", "\n", "PK\u{5}\u{6}rest"] {
        steps.push(Step::Write(format!("{:x}\r\n{part}\r\n", part.len()).into_bytes()));
        steps.push(Step::Sleep(Duration::from_millis(10)));
    }
    steps.push(Step::Write(b"0\r\n\r\n".to_vec()));
    let server = RawServer::start(steps).await;
    let file = no_retry(&server.url).contract_download(&contract()).await.unwrap();
    let mut bytes = Vec::new();
    file.write_to(&mut bytes).await.unwrap();
    assert_eq!(bytes, b"  \nPK\x05\x06rest");
}

#[tokio::test]
async fn the_file_name_is_safe_to_join_and_the_raw_one_says_it_is_not() {
    let server = wiremock::MockServer::start().await;
    let evil = ResponseTemplate::new(200)
        .insert_header("content-disposition", "attachment; filename=\"../../etc/evil.pdf\"")
        .set_body_raw(b"%PDF-1.4".to_vec(), "application/pdf");
    Mock::given(method("GET")).respond_with(evil).mount(&server).await;
    let file =
        qiyuesuo::Client::new(server.uri(), TOKEN, SECRET).unwrap().contract_download(&contract()).await.unwrap();
    assert_eq!(file.file_name(), Some("evil.pdf"));
    assert_eq!(file.raw_file_name(), Some("../../etc/evil.pdf"));
}

#[cfg(unix)]
#[tokio::test]
async fn save_never_follows_a_planted_link_and_keeps_the_file_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let target = dir.path().join("contract.zip");
    // Links planted at the names a partial file could once be guessed by.
    for planted in ["contract.zip.part", ".contract.zip.part"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
    }
    let mock = MockServer::builder().stateless().start().await.unwrap();
    let saved = mock.client().unwrap().contract_download(&contract()).await.unwrap().save(&target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap().len() as u64, saved);
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "the link's target was written");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "readable by others: {mode:o}");
    let mut left: Vec<_> = files_in(dir.path()).into_iter().map(|n| n.to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, [".contract.zip.part", "contract.zip", "contract.zip.part", "victim.txt"]);
}
