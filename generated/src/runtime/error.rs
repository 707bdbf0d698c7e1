//! The one error type of the client. Its `Display` always says which
//! operation failed and what happened, with the QiYueSuo code and message
//! where there is one, and never shows the token, secret or signature.

use std::fmt;

use crate::ResponseCode;

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-zero `code`.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request breaks the schema's rules; nothing was sent.
    #[error("{operation}: invalid request, nothing was sent: {}", problems.join("; "))]
    InvalidRequest {
        /// The operation id.
        operation: &'static str,
        /// One line per problem, each naming the field.
        problems: Vec<String>,
    },
    /// The client's settings are unusable (base URL, credentials, TLS).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// No answer: the connection failed or timed out.
    #[error("{operation}: {kind}: {source}")]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// What went wrong, broadly.
        kind: TransportKind,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// An answer arrived but is not the envelope the API documents.
    #[error(transparent)]
    Decode(Box<DecodeError>),
}

impl Error {
    /// `call_json` was asked for an operation the schema does not have.
    pub fn unknown_operation(operation_id: &str) -> Self {
        Error::InvalidRequest {
            operation: "call_json",
            problems: vec![format!("the schema has no operation `{operation_id}`")],
        }
    }

    /// The API error, if the API answered with a non-zero code.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The response code, if the API answered with one.
    pub fn code(&self) -> Option<ResponseCode> {
        self.as_api().map(ApiError::code)
    }
}

/// Broad kinds of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made; the request was not sent.
    Connect,
    /// The call ran out of time; the request may have been processed.
    Timeout,
    /// Anything else after the connection was made.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect to the server",
            TransportKind::Timeout => "timed out",
            TransportKind::Other => "the request failed",
        })
    }
}

/// The API answered with `code != 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP status it came with (the gateway uses 441 and 442).
    pub http_status: u16,
    /// The numeric code.
    pub raw_code: i64,
    /// The message the API sent.
    pub message: String,
    /// The eight-digit `responseCode`, when sent.
    pub response_code: Option<String>,
    /// Whether the operation's own table documents the code (it may still be a global one).
    pub documented_for_operation: bool,
}

impl ApiError {
    /// The code, typed.
    pub fn code(&self) -> ResponseCode {
        ResponseCode::from_code(self.raw_code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: QiYueSuo answered code {}", self.operation, self.code())?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        write!(f, " (HTTP {})", self.http_status)
    }
}

impl std::error::Error for ApiError {}

/// An answer that is not the documented envelope.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation id.
    pub operation: &'static str,
    /// HTTP status.
    pub http_status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The start of the body, escaped, at most [`DecodeError::SAMPLE_CHARS`] characters.
    pub body_sample: String,
    /// What did not fit.
    pub reason: String,
}

impl DecodeError {
    /// How much of the body a sample keeps.
    pub const SAMPLE_CHARS: usize = 200;

    /// The escaped start of `body`; a proxy's HTML page cannot flood a log.
    pub(crate) fn sample(body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let mut sample: String = text.chars().take(Self::SAMPLE_CHARS).flat_map(char::escape_debug).collect();
        if text.chars().nth(Self::SAMPLE_CHARS).is_some() {
            sample.push('…');
        }
        sample
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content_type = self.content_type.as_deref().unwrap_or("no content type");
        write!(
            f,
            "{}: the answer is not a QiYueSuo envelope ({}): HTTP {}, {content_type}, body \"{}\"",
            self.operation, self.reason, self.http_status, self.body_sample
        )
    }
}

impl std::error::Error for DecodeError {}
