//! Any request a client could send the mock: an operation's path (or any),
//! any content type, signing headers right or wrong, any body. The mock must
//! answer every one with an HTTP response, promptly, and never die.

#![no_main]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;

/// The mock, started once on a runtime of its own, with its paths.
fn mock() -> &'static (SocketAddr, Vec<String>) {
    static MOCK: OnceLock<(SocketAddr, Vec<String>)> = OnceLock::new();
    MOCK.get_or_init(|| {
        let (ready, started) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                // Inputs draft contracts as they go: a small store is soon full,
                // so the cap's refusal is exercised too.
                let mock = qiyuesuo::mock::MockServer::builder()
                    .read_timeout(Duration::from_millis(500))
                    .max_contracts(64)
                    .start()
                    .await
                    .expect("the mock starts");
                let _ = ready.send(mock.addr());
                std::future::pending::<()>().await;
                drop(mock);
            });
        });
        let addr = started.recv().expect("the mock's address");
        let api = qiyuesuo_schema::parse(qiyuesuo::mock::SCHEMA_JSON).expect("the schema");
        (addr, api.operations.iter().map(|op| op.path.clone()).collect())
    })
}

const CONTENT_TYPES: &[&str] = &[
    "application/json;charset=UTF-8",
    "multipart/form-data; boundary=fuzz",
    "application/x-www-form-urlencoded",
    "text/plain",
    "",
];

fuzz_target!(|input: &[u8]| {
    let (addr, paths) = mock();
    let [route, kind, flags, rest @ ..] = input else { return };
    let path = paths.get(usize::from(*route) % (paths.len() + 1)).map_or("/nowhere", String::as_str);
    let method = if flags & 1 == 0 { "POST" } else { "GET" };
    let content_type = CONTENT_TYPES[usize::from(*kind) % CONTENT_TYPES.len()];
    // The first bytes up to a NUL are a nonce; the rest is the body.
    let (nonce, body) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (String::from_utf8_lossy(&rest[..at]).into_owned(), &rest[at + 1..]),
        None => ("fuzz-nonce".to_owned(), rest),
    };
    let nonce: String = nonce.chars().filter(|c| !c.is_control()).collect();
    let timestamp = qiyuesuo::runtime::Clock::now_millis(&qiyuesuo::runtime::SystemClock);
    let token = qiyuesuo::mock::DEFAULT_ACCESS_TOKEN;
    let secret = if flags & 2 == 0 { qiyuesuo::mock::DEFAULT_ACCESS_SECRET } else { "wrong" };
    let signature = qiyuesuo::runtime::signing::signature(token, secret, timestamp, Some(&nonce));
    let mut request = format!("{method} {path} HTTP/1.1\r\nhost: fuzz\r\nconnection: close\r\n");
    if flags & 4 == 0 {
        request.push_str(&format!(
            "x-qys-open-accesstoken: {token}\r\nx-qys-open-timestamp: {timestamp}\r\nx-qys-open-nonce: {nonce}\r\n\
             x-qys-open-signature: {signature}\r\n"
        ));
    }
    if !content_type.is_empty() {
        request.push_str(&format!("content-type: {content_type}\r\n"));
    }
    request.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut stream = TcpStream::connect(addr).expect("the mock accepts");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let _ = stream.write_all(request.as_bytes()).and_then(|()| stream.write_all(body));
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    assert!(read.is_ok(), "no answer within 5 s: {read:?}");
    assert!(answer.starts_with(b"HTTP/1.1 "), "not an HTTP answer: {:?}", String::from_utf8_lossy(&answer));
});
