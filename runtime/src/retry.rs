//! Whether a failed attempt may be sent again, and the budget that stops a
//! failing server from being hammered.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// How a response code allows a retry (the schema's `retry` on the code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// The answer is final.
    Never,
    /// The request was refused before it was processed: retry any operation.
    Always,
    /// Retry operations that are safe to repeat.
    IfIdempotent,
}

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection was never made: the request was not sent.
    NotSent,
    /// The attempt ran out of time: the request may have been processed.
    Timeout,
    /// The connection broke after sending (reset, truncated answer).
    Broken,
    /// An HTTP status without a usable envelope (or with one, for 429/5xx).
    Status(u16),
    /// The API's code, with its schema retry class.
    Code(RetryClass),
    /// Nothing a retry can fix.
    Final,
}

/// The retry decision: a request never sent is always retried; one that
/// may have been processed only when the operation is safe to repeat.
pub(crate) fn may_retry(failure: Failure, idempotent: bool) -> bool {
    match failure {
        Failure::NotSent | Failure::Code(RetryClass::Always) => true,
        Failure::Timeout | Failure::Broken | Failure::Code(RetryClass::IfIdempotent) => idempotent,
        Failure::Status(429 | 502 | 503 | 504) => idempotent,
        Failure::Status(_) | Failure::Code(RetryClass::Never) | Failure::Final => false,
    }
}

/// A token bucket shared by a client's calls: every call deposits a fifth
/// of a token, every retry spends one. While the server keeps failing,
/// retries stop at about 0.2 per call; a burst of up to `capacity` retries
/// is allowed before that. Counted in tenths, so the arithmetic is exact; an
/// atomic rather than a lock, since every call deposits.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tenths: AtomicU32,
    capacity_tenths: u32,
}

/// Tenths of a token each call adds, and each retry spends.
const DEPOSIT: u32 = 2;
const COST: u32 = 10;

/// Retries a new client may make in a burst.
pub(crate) const DEFAULT_BUDGET_RETRIES: u32 = 10;

impl RetryBudget {
    pub fn new(retries: u32) -> Self {
        let capacity_tenths = retries.saturating_mul(COST);
        RetryBudget { tenths: AtomicU32::new(capacity_tenths), capacity_tenths }
    }

    pub fn deposit(&self) {
        // A full bucket, the usual case, needs no write.
        let _ = self.tenths.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tenths| {
            (tenths < self.capacity_tenths).then(|| tenths.saturating_add(DEPOSIT).min(self.capacity_tenths))
        });
    }

    /// Spends a token for a retry, if there is one.
    pub fn withdraw(&self) -> bool {
        self.tenths.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tenths| tenths.checked_sub(COST)).is_ok()
    }
}

/// A `Retry-After` header: seconds, or an HTTP date.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every failure kind against both kinds of operation.
    #[test]
    fn the_retry_table() {
        let table = [
            (Failure::NotSent, true, true),
            (Failure::Timeout, false, true),
            (Failure::Broken, false, true),
            (Failure::Status(429), false, true),
            (Failure::Status(502), false, true),
            (Failure::Status(503), false, true),
            (Failure::Status(504), false, true),
            (Failure::Status(500), false, false),
            (Failure::Status(400), false, false),
            (Failure::Status(441), false, false),
            (Failure::Code(RetryClass::Always), true, true),
            (Failure::Code(RetryClass::IfIdempotent), false, true),
            (Failure::Code(RetryClass::Never), false, false),
            (Failure::Final, false, false),
        ];
        for (failure, not_idempotent, idempotent) in table {
            assert_eq!(may_retry(failure, false), not_idempotent, "{failure:?}, not idempotent");
            assert_eq!(may_retry(failure, true), idempotent, "{failure:?}, idempotent");
        }
    }

    #[test]
    fn the_budget_allows_a_burst_then_a_fifth_of_a_retry_per_call() {
        let budget = RetryBudget::new(2);
        assert!(budget.withdraw() && budget.withdraw());
        assert!(!budget.withdraw());
        let mut retries = 0;
        for _ in 0..100 {
            budget.deposit();
            if budget.withdraw() {
                retries += 1;
            }
        }
        assert_eq!(retries, 20);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }
}
