//! What the runtime needs to know of an API's response codes, handed to it
//! by the generated code: each generated client has its own table, so a
//! code one schema documents as transient is not retried for another.

use std::fmt;
use std::hash::Hash;

/// The response codes of one generated API: its generated code enum, made
/// from the schema's `x-qys-response-codes` tables.
///
/// The runtime reads a code's retry class (to decide on a retry), its
/// eight-digit form (to read answers that carry only that) and its name (in
/// errors' messages) from here, and knows no code itself.
pub trait Codes: Copy + Eq + Hash + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The code for a number; one the schema does not document is kept as it is.
    fn from_code(code: i64) -> Self;
    /// The code for an eight-digit `responseCode`, where the schema records that form.
    fn from_response_code(response_code: &str) -> Option<Self>;
    /// The number.
    fn code(self) -> i64;
    /// Whether a call answered with this code may be sent again.
    fn retry(self) -> RetryClass;
    /// Whether the code says the request's timestamp was too far from the
    /// server's clock: only then is the client's clock corrected from the
    /// answer's `Date`.
    fn stale_timestamp(self) -> bool;
}

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

#[cfg(test)]
pub(crate) mod test_codes {
    //! A two-code table for the runtime's own tests: they need no generated code.

    use std::fmt;

    use super::Codes;
    use super::RetryClass;

    /// `1001` transient (retried for safe operations), `1605` final, anything else unknown.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub(crate) struct TestCode(pub i64);

    impl Codes for TestCode {
        fn from_code(code: i64) -> Self {
            TestCode(code)
        }
        fn from_response_code(response_code: &str) -> Option<Self> {
            (response_code == "10010000").then_some(TestCode(1001))
        }
        fn code(self) -> i64 {
            self.0
        }
        fn retry(self) -> RetryClass {
            if self.0 == 1001 { RetryClass::IfIdempotent } else { RetryClass::Never }
        }
        fn stale_timestamp(self) -> bool {
            self.0 == 444
        }
    }

    impl fmt::Display for TestCode {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.0)
        }
    }
}
