//! A loopback HTTP/1.1 server scripted byte by byte, for the answers a
//! well-behaved server library will not send: bodies that trickle, bodies
//! larger than they say, chunked floods.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What to send back, in order.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Wait.
    Sleep(Duration),
}

/// A running server; it stops when dropped.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    /// Answers every request with `steps`, then closes the connection.
    pub async fn start(steps: Vec<Step>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let steps = steps.clone();
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    if read_request(&mut stream).await.is_none() {
                        return;
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    for step in steps {
                        let written = match step {
                            Step::Write(bytes) => {
                                stream.write_all(&bytes).await.is_ok() && stream.flush().await.is_ok()
                            }
                            Step::Sleep(pause) => {
                                tokio::time::sleep(pause).await;
                                true
                            }
                        };
                        if !written {
                            return;
                        }
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        RawServer { url, requests, task }
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request (head and `Content-Length` body); `None` at end of stream.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(chunk.get(..read)?);
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(buffer.get(..end)?).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if buffer.len() >= end + 4 + length {
            return Some(());
        }
    }
}

/// An answer's head with the given status, headers and `Content-Length`.
pub fn head(status: &str, headers: &[&str], content_length: Option<usize>) -> Step {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for header in headers {
        text.push_str(header);
        text.push_str("\r\n");
    }
    if let Some(length) = content_length {
        text.push_str(&format!("content-length: {length}\r\n"));
    }
    text.push_str("\r\n");
    Step::Write(text.into_bytes())
}
