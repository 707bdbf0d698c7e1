//! The accept loop, bounded: at most `max_connections` connections at once
//! (past that, new ones wait in the kernel's backlog until one closes), each
//! closed when a request's headers, or the next request after an answer, take
//! longer than the read timeout (the handler bounds a body's arrival by the
//! same), when an answer waits that long for its reader to take any of it,
//! or when a file answer is still being sent after the download time; accept
//! errors (a full file table) are waited out with a growing pause instead of
//! retried at once.

use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::server::{self, State};

/// How long the mock waits for a request's headers, its body, or the next
/// request on a kept-alive connection, before it gives up on the connection.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; further ones wait to be accepted.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// How long a file answer (a document, a contract's ZIP) may take to reach
/// its reader before the connection is closed.
pub const DEFAULT_DOWNLOAD_TIME: Duration = Duration::from_secs(60);

/// The first and the longest pause after a failed accept.
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(1));

/// Sleeps until `until`, or forever.
async fn sleep_until(until: Option<tokio::time::Instant>) {
    match until {
        Some(until) => tokio::time::sleep_until(until).await,
        None => std::future::pending().await,
    }
}

/// Serves `listener` until the task is dropped.
pub(crate) async fn serve(listener: TcpListener, state: Arc<State>, max_connections: usize) {
    let permits = Arc::new(Semaphore::new(max_connections.max(1)));
    let mut backoff = ACCEPT_BACKOFF.0;
    loop {
        // Wait for a free place before accepting, so the cap holds.
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { return };
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                backoff = ACCEPT_BACKOFF.0;
                stream
            }
            Err(_) => {
                // Most often EMFILE: retrying at once would spin a core.
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(ACCEPT_BACKOFF.1);
                continue;
            }
        };
        // Answers go out as written: with Nagle's algorithm on, an answer
        // written in two parts waits for the client's ACK of the first.
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let timeout = state.read_timeout;
            // An answer the client does not read for as long as a request may
            // take to arrive closes the connection too.
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(timeout));
            let (deadline, mut due) = tokio::sync::watch::channel(None);
            let service = service_fn(move |request| server::handle(Arc::clone(&state), request, deadline.clone()));
            // A connection's error is the client's business (or a scenario's
            // dropped connection); the server carries on.
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(timeout)
                .serve_connection(TokioIo::new(Box::pin(stream)), service);
            let mut connection = std::pin::pin!(connection);
            loop {
                let until = *due.borrow_and_update();
                tokio::select! {
                    _ = &mut connection => break,
                    Ok(()) = due.changed() => {}
                    () = sleep_until(until) => break,
                }
            }
            drop(permit);
        });
    }
}
