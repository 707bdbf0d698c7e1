//! What a failed attempt was, as far as retrying goes, and whether sending it
//! again could help. The one place that knows which answers are worth another
//! try: the gateway's busy statuses, the codes' retry classes, and whether a
//! request that may have been processed is safe to repeat.

use crate::codes::{Codes, RetryClass};
use crate::envelope::AttemptError;
use crate::error::{Error, TransportKind};

/// HTTP statuses that say the gateway (or a proxy before it) is busy or
/// down for now, not that the request is wrong: 429, 502, 503 and 504.
pub(crate) fn busy(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
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
        Failure::Status(status) if busy(status) => idempotent,
        Failure::Status(_) | Failure::Code(RetryClass::Never) | Failure::Final => false,
    }
}

impl AttemptError {
    /// What a retry could fix, by the API's code table `C`.
    pub(crate) fn failure<C: Codes>(&self) -> Failure {
        match self {
            AttemptError::Api { raw_code, http_status, .. } => match C::from_code(*raw_code).retry() {
                RetryClass::Always => Failure::Code(RetryClass::Always),
                _ if busy(*http_status) => Failure::Status(*http_status),
                class => Failure::Code(class),
            },
            AttemptError::Decode { retry: false, .. } => Failure::Final,
            AttemptError::Decode { http_status, .. } if (200..300).contains(http_status) => Failure::Broken,
            AttemptError::Decode { http_status, .. } => Failure::Status(*http_status),
            AttemptError::Transport { kind: TransportKind::Connect, .. } => Failure::NotSent,
            AttemptError::Transport { kind: TransportKind::Timeout, .. } => Failure::Timeout,
            AttemptError::Transport { kind: TransportKind::CallTimeout, .. } => Failure::Final,
            AttemptError::Transport { kind: _, .. } => Failure::Broken,
            AttemptError::Unsendable(_) => Failure::Final,
        }
    }
}

impl<C: Codes> Error<C> {
    /// Whether a later call could succeed unchanged: the connection failed,
    /// timed out or broke, the gateway was overloaded, or the code says so.
    /// (The client has already retried what was safe to retry.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Api(api) => api.code().retry() != RetryClass::Never,
            Error::Decode(decode) => busy(decode.http_status),
            Error::InvalidRequest { .. } | Error::Config(_) | Error::Io { .. } | Error::DryRun(_) | Error::Walk(_) => {
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::test_codes::TestCode;
    use crate::envelope::{Answer, decode};

    #[test]
    fn codes_are_classified_by_the_table_handed_in() {
        let answer = |body: &'static str| Answer { status: 200, content_type: None, body: body.as_bytes() };
        let transient = decode::<TestCode, serde::de::IgnoredAny>(&answer(r#"{"code":1001}"#)).unwrap_err();
        assert_eq!(transient.failure::<TestCode>(), Failure::Code(RetryClass::IfIdempotent));
        let other = decode::<TestCode, serde::de::IgnoredAny>(&answer(r#"{"code":1002}"#)).unwrap_err();
        assert_eq!(other.failure::<TestCode>(), Failure::Code(RetryClass::Never));
        let busy = decode::<TestCode, serde::de::IgnoredAny>(&Answer { status: 503, ..answer(r#"{"code":1002}"#) });
        assert_eq!(busy.unwrap_err().failure::<TestCode>(), Failure::Status(503));
    }

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
}
