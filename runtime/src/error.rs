//! The one error type of the client. Its `Display` always says which
//! operation failed and what happened, with the QiYueSuo code and message
//! where there is one, and the call's request id, attempts and time; it
//! never shows the token, secret or signature.

use std::fmt;
use std::time::Duration;

use super::codes::Codes;

/// Everything a call can fail with. `C` is the API's response codes (the
/// generated code enum); the generated crate names this type `Error`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C> {
    /// The API answered with a non-zero `code`.
    #[error(transparent)]
    Api(Box<ApiError<C>>),
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
    /// No usable answer: the connection failed, broke or timed out.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// An answer arrived but is not the envelope the API documents.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// Not sent: the handle was made with `CallOptions::dry_run()`; here is
    /// what the call would have sent.
    #[error("{}: dry run, nothing was sent", .0.operation)]
    DryRun(Box<crate::preview::Preview>),
    /// A page walk (`…_all`) stopped at one of its bounds; the items before
    /// it were handed out.
    #[error(transparent)]
    Walk(Box<crate::pages::WalkError>),
    /// A download could not be written where it was asked to go.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, with the path.
        what: String,
        /// The system's error.
        source: std::io::Error,
    },
}

impl<C> From<crate::pages::WalkError> for Error<C> {
    fn from(error: crate::pages::WalkError) -> Self {
        Error::Walk(Box::new(error))
    }
}

impl<C: Codes> Error<C> {
    /// The error a call of `operation` returns when the API answers `code`
    /// with `message` (HTTP 200, one attempt): for an integrator's tests of
    /// its error paths, e.g. `Error::api("companyAuthMiniappTicket",
    /// ResponseCode::CompanyAlreadyAuthed, "COMPANY ALREADY AUTHED")`. A code
    /// the schema does not know is `ResponseCode::Unknown(n)`.
    pub fn api(operation: &'static str, code: C, message: impl Into<String>) -> Self {
        Error::Api(Box::new(ApiError {
            operation,
            http_status: 200,
            raw_code: code.code(),
            message: message.into(),
            response_code: None,
            documented_for_operation: false,
            call: CallInfo { attempts: 1, ..CallInfo::default() },
            code,
        }))
    }

    /// The API error, if the API answered with a non-zero code.
    pub fn as_api(&self) -> Option<&ApiError<C>> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The response code, if the API answered with one.
    pub fn code(&self) -> Option<C> {
        self.as_api().map(ApiError::code)
    }

    /// The kind of transport failure, if there was no usable answer.
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match self {
            Error::Transport(transport) => Some(transport.kind),
            _ => None,
        }
    }

    /// The HTTP status of the last answer, if one arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.http_status),
            Error::Decode(decode) => Some(decode.http_status),
            _ => None,
        }
    }

    /// The request id, attempts and time of the call, if anything was sent.
    pub fn call(&self) -> Option<&CallInfo> {
        match self {
            Error::Api(api) => Some(&api.call),
            Error::Transport(transport) => Some(&transport.call),
            Error::Decode(decode) => Some(&decode.call),
            _ => None,
        }
    }
}

/// What a call did before it failed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CallInfo {
    /// This library's id for the call, the same on every attempt (16 hex digits; not sent).
    pub request_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// Time from the start of the call to the error.
    pub elapsed: Duration,
}

impl fmt::Display for CallInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.attempts == 1 { "" } else { "s" };
        write!(
            f,
            "[request {}, {} attempt{plural}, {:.2} s]",
            self.request_id,
            self.attempts,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Broad kinds of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be made; the request was not sent.
    Connect,
    /// An attempt ran out of time; the request may have been processed.
    Timeout,
    /// The whole call ran out of time.
    CallTimeout,
    /// The connection broke after it was made (reset, truncated answer).
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect to the server",
            TransportKind::Timeout => "timed out (an attempt took longer than its timeout)",
            TransportKind::CallTimeout => "timed out (the call took longer than its total timeout)",
            TransportKind::Other => "the connection failed",
        })
    }
}

/// No usable answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The operation id.
    pub operation: &'static str,
    /// What went wrong, broadly.
    pub kind: TransportKind,
    /// The call so far.
    pub call: CallInfo,
    /// The HTTP client's error, when it reported one.
    pub source: Option<reqwest::Error>,
    /// The server's host and port, which the message names.
    pub host: Option<String>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.kind)?;
        if let Some(host) = &self.host {
            write!(f, " ({host})")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        write!(f, " {}", self.call)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The API answered with `code != 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError<C> {
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
    /// The call so far.
    pub call: CallInfo,
    /// `raw_code`, typed by the API's table.
    pub(crate) code: C,
}

impl<C: Codes> ApiError<C> {
    /// The code, typed.
    pub fn code(&self) -> C {
        self.code
    }
}

impl<C: Codes> fmt::Display for ApiError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: QiYueSuo answered code {}", self.operation, self.code())?;
        if !self.message.is_empty() {
            write!(f, ": {}", Shown(&self.message))?;
        }
        write!(f, " (HTTP {}) {}", self.http_status, self.call)
    }
}

impl<C: Codes> std::error::Error for ApiError<C> {}

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
    /// The call so far.
    pub call: CallInfo,
}

impl DecodeError {
    /// How much of the body a sample keeps.
    pub const SAMPLE_CHARS: usize = 200;

    /// The escaped start of `body`; a proxy's HTML page cannot flood a log.
    pub(crate) fn sample(body: &[u8]) -> String {
        let head = body.get(..4 * Self::SAMPLE_CHARS).unwrap_or(body);
        crate::printable::escaped_start(&String::from_utf8_lossy(head), Self::SAMPLE_CHARS, head.len() < body.len())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content_type = self.content_type.as_deref().unwrap_or("no content type");
        write!(
            f,
            "{}: the answer is not a QiYueSuo envelope ({}): HTTP {}, {}, body \"{}\" {}",
            self.operation,
            Shown(&self.reason),
            self.http_status,
            Shown(content_type),
            self.body_sample,
            self.call
        )
    }
}

impl std::error::Error for DecodeError {}

/// Text a server chose, as a message may show it: control characters (a
/// terminal's escape sequences) and bidirectional overrides escaped, at most
/// [`Shown::MAX_CHARS`] characters. Chinese and other printable text stays as it is.
pub(crate) struct Shown<'a>(pub &'a str);

impl Shown<'_> {
    /// How much of a server's text a message shows.
    pub const MAX_CHARS: usize = 500;
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(Self::MAX_CHARS) {
            if c.is_control() || crate::printable::is_bidi_control(c) {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                f.write_fmt(format_args!("{c}"))?;
            }
        }
        if chars.next().is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}
