//! What a call tells `tracing` (feature `tracing`, on by default): a span per
//! call with the operation, request id, attempts, status, code and time, and
//! an event per attempt. Without the feature every function here is empty.
//! Nothing here ever sees the credentials.

use std::future::Future;
use std::time::{Duration, Instant};

use super::retry::Failure;

/// `METHOD URL` of a call, as its span shows it (written only when shown;
/// the URL without any user info, and without the query).
pub(crate) struct Endpoint<'a> {
    pub method: crate::operation::Method,
    pub base_url: &'a str,
    pub path: &'static str,
}

impl std::fmt::Display for Endpoint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}{}", self.method.as_str(), crate::secret::without_userinfo(self.base_url), self.path)
    }
}

/// Runs `call` inside the call's span.
#[cfg(feature = "tracing")]
pub(crate) async fn in_call_span<T>(
    operation: &'static str,
    request_id: impl std::fmt::Display,
    endpoint: Endpoint<'_>,
    call: impl Future<Output = T>,
) -> T {
    use tracing::Instrument;
    let span = tracing::info_span!(
        "qiyuesuo.call",
        operation,
        endpoint = %endpoint,
        request_id = %request_id,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        code = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    );
    call.instrument(span).await
}

#[cfg(not(feature = "tracing"))]
pub(crate) async fn in_call_span<T>(
    _: &'static str,
    _: impl std::fmt::Display,
    _: Endpoint<'_>,
    call: impl Future<Output = T>,
) -> T {
    call.await
}

/// An attempt brought an answer with `status`.
pub(crate) fn answer(attempt: u32, status: u16, started: Instant) {
    #[cfg(feature = "tracing")]
    {
        tracing::debug!(attempt, status, elapsed_ms = elapsed_ms(started), "answer");
        let span = tracing::Span::current();
        if !span.is_disabled() {
            span.record("status", status);
        }
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (attempt, status, started);
}

/// An attempt failed; `retry` says whether another follows after `wait`.
pub(crate) fn attempt_failed(attempt: u32, failure: Failure, retry: bool, wait: Duration) {
    #[cfg(feature = "tracing")]
    tracing::info!(attempt, ?failure, retry, wait_ms = wait.as_millis() as u64, "attempt failed");
    #[cfg(not(feature = "tracing"))]
    let _ = (attempt, failure, retry, wait);
}

/// The server's clock is far from ours; timestamps now carry `skew_ms`.
pub(crate) fn skew_corrected(skew_ms: i64) {
    #[cfg(feature = "tracing")]
    tracing::warn!(skew_ms, "the server's clock differs from ours; timestamps are corrected");
    #[cfg(not(feature = "tracing"))]
    let _ = skew_ms;
}

/// Completes the call's span: attempts, the code (0 on success) and the time.
pub(crate) fn call_end(attempts: u32, code: Option<i64>, started: Instant) {
    #[cfg(feature = "tracing")]
    {
        // Nobody listens: no clock read for a figure no one sees.
        let span = tracing::Span::current();
        if span.is_disabled() {
            return;
        }
        span.record("attempts", attempts);
        if let Some(code) = code {
            span.record("code", code);
        }
        span.record("elapsed_ms", elapsed_ms(started));
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (attempts, code, started);
}

#[cfg(feature = "tracing")]
fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
