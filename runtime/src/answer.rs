//! The last two phases of an attempt, per kind of answer: **read** the body
//! (whole, within the cap; or, for a file, only its first chunk) and
//! **classify** it (the typed `result`, an API error, or a broken answer).
//! The operation's answer kind is a type, chosen once per call by the
//! method generated code calls, so the attempt loop carries no options.

use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::codes::Codes;
use super::download::{Download, Limits, over_download_cap};
use super::envelope::{self, Answer, AttemptError};
use super::error::{CallInfo, TransportKind};
use super::operation::Operation;

/// What an attempt learnt from the answer's status line and headers.
#[derive(Debug)]
pub(crate) struct Head {
    pub status: u16,
    /// `Content-Type` as sent (a cheap clone of shared bytes; read as text when needed).
    pub content_type: Option<HeaderValue>,
    /// `Retry-After`, read as a wait.
    pub retry_after: Option<Duration>,
    /// The server's `Date`, parsed only if the attempt fails (clock correction).
    pub date: Option<HeaderValue>,
    /// The size the server declared (`Content-Length`).
    pub content_length: Option<u64>,
}

impl Head {
    /// `Content-Type` as text, unless it is not.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_ref().and_then(|value| value.to_str().ok())
    }
}

/// How a kind of answer is read (its body) and classified.
pub(crate) trait AnswerKind<C: Codes>: Sync {
    /// What reading the body yields.
    type Body: Body;
    /// What a successful call returns.
    type Output: Send;

    /// The call's output, or why this attempt failed.
    /// `call` makes the call's figures, for an output that carries them (a
    /// download); most outputs do not, and it is not made for them.
    fn classify(
        &self,
        head: &Head,
        body: Self::Body,
        call: impl FnOnce() -> CallInfo,
    ) -> Result<Self::Output, AttemptError>;
}

/// A body as an attempt reads it.
pub(crate) trait Body: Sized + Send {
    /// Reads the body (`cap`: the largest JSON answer accepted).
    fn read(
        response: reqwest::Response,
        head: &Head,
        cap: usize,
    ) -> impl Future<Output = Result<Self, AttemptError>> + Send;
}

/// An envelope, read whole within the cap.
impl Body for Bytes {
    fn read(
        response: reqwest::Response,
        head: &Head,
        cap: usize,
    ) -> impl Future<Output = Result<Self, AttemptError>> + Send {
        read_whole(response, head, Bytes::new(), cap)
    }
}

/// An envelope whose `result` is a `T`.
pub(crate) struct Json<T>(PhantomData<fn() -> T>);

impl<T> Json<T> {
    pub fn new() -> Self {
        Json(PhantomData)
    }
}

impl<C: Codes, T: DeserializeOwned + Send> AnswerKind<C> for Json<T> {
    type Body = Bytes;
    type Output = T;

    fn classify(&self, head: &Head, body: Bytes, _: impl FnOnce() -> CallInfo) -> Result<T, AttemptError> {
        envelope::decode_required::<C, T>(&answer(head, &body))
    }
}

/// An envelope whose `result` no source documents: any JSON, `null` when
/// the answer has none.
pub(crate) struct Untyped;

impl<C: Codes> AnswerKind<C> for Untyped {
    type Body = Bytes;
    type Output = serde_json::Value;

    fn classify(&self, head: &Head, body: Bytes, _: impl FnOnce() -> CallInfo) -> Result<Self::Output, AttemptError> {
        envelope::decode_untyped::<C>(&answer(head, &body))
    }
}

/// An envelope that documents no `result`.
pub(crate) struct Empty;

impl<C: Codes> AnswerKind<C> for Empty {
    type Body = Bytes;
    type Output = ();

    fn classify(&self, head: &Head, body: Bytes, _: impl FnOnce() -> CallInfo) -> Result<(), AttemptError> {
        envelope::decode::<C, IgnoredAny>(&answer(head, &body)).map(|_| ())
    }
}

/// A file, or the envelope that says why there is none.
pub(crate) struct File<C> {
    pub op: &'static Operation,
    pub limits: Limits,
    codes: PhantomData<fn() -> C>,
}

impl<C> File<C> {
    pub fn new(op: &'static Operation, limits: Limits) -> Self {
        File { op, limits, codes: PhantomData }
    }
}

/// A file answer's body as read.
pub(crate) enum FileBody {
    /// The file, its first chunk already read.
    Stream(reqwest::Response, Option<Bytes>),
    /// An envelope (its errors come this way).
    Envelope(Bytes),
}

/// The file's first chunk, unless the answer is an envelope.
impl Body for FileBody {
    async fn read(mut response: reqwest::Response, head: &Head, cap: usize) -> Result<FileBody, AttemptError> {
        let is_json = head.content_type().is_some_and(|t| t.contains("json"));
        if !(200..300).contains(&head.status) || is_json {
            return read_whole(response, head, Bytes::new(), cap).await.map(FileBody::Envelope);
        }
        // A ZIP or PDF never starts with `{`; an envelope sent as a file does,
        // perhaps after a byte-order mark and whitespace, which may fill whole
        // chunks: read on until the first byte that tells, within the cap.
        let mut blank_start: Vec<u8> = Vec::new();
        let mut last: Option<Bytes> = None;
        let enveloped = loop {
            let Some(chunk) = response.chunk().await.map_err(transport)? else { break false };
            let seen = blank_start.len();
            let telling = chunk.iter().enumerate().find(|&(at, byte)| !blank(seen + at, *byte)).map(|(_, byte)| *byte);
            if let Some(byte) = telling {
                last = Some(chunk);
                break byte == b'{';
            }
            blank_start.extend_from_slice(&chunk);
            if blank_start.len() > cap {
                break false;
            }
        };
        // The chunk that told (the first, usually) is kept as it arrived; a blank start is joined to it once.
        let start = match (blank_start.is_empty(), last) {
            (true, last) => last,
            (false, None) => Some(Bytes::from(blank_start)),
            (false, Some(last)) => Some(Bytes::from([blank_start.as_slice(), last.as_ref()].concat())),
        };
        if !enveloped {
            return Ok(FileBody::Stream(response, start));
        }
        read_whole(response, head, start.unwrap_or_default(), cap).await.map(FileBody::Envelope)
    }
}

/// Whether the byte at `at` of a body says nothing of its kind: whitespace,
/// or part of a UTF-8 byte-order mark at the start.
fn blank(at: usize, byte: u8) -> bool {
    byte.is_ascii_whitespace() || envelope::UTF8_BOM.get(at) == Some(&byte)
}

impl<C: Codes> AnswerKind<C> for File<C> {
    type Body = FileBody;
    type Output = Download<C>;

    fn classify(
        &self,
        head: &Head,
        body: FileBody,
        call: impl FnOnce() -> CallInfo,
    ) -> Result<Download<C>, AttemptError> {
        match body {
            FileBody::Stream(response, first) => {
                // A declared size over the cap is refused before reading, and not retried.
                if let (Some(length), Some(max)) = (head.content_length, self.limits.max_bytes)
                    && length > max
                {
                    return Err(AttemptError::refused(
                        head.status,
                        head.content_type(),
                        over_download_cap(length, max),
                    ));
                }
                Ok(Download::new(response, first, self.op, call(), self.limits))
            }
            // An envelope where a file was expected: its code, or, with code 0, not the file.
            FileBody::Envelope(body) => {
                let answer = answer(head, &body);
                envelope::decode::<C, IgnoredAny>(&answer)?;
                Err(AttemptError::decode(&answer, "an envelope with code 0 where a file was expected".to_owned()))
            }
        }
    }
}

fn answer<'a>(head: &'a Head, body: &'a [u8]) -> Answer<'a> {
    Answer { status: head.status, content_type: head.content_type(), body }
}

/// A transport failure while reading.
pub(crate) fn transport(source: reqwest::Error) -> AttemptError {
    let kind = if source.is_connect() { TransportKind::Connect } else { TransportKind::Other };
    AttemptError::Transport { kind, source: Some(source.without_url()) }
}

/// The rest of the body after `start`, refused past `cap` without reading
/// further. An answer of one chunk (the usual envelope) is kept as it
/// arrived; only a longer one is copied into one buffer.
async fn read_whole(
    mut response: reqwest::Response,
    head: &Head,
    start: Bytes,
    cap: usize,
) -> Result<Bytes, AttemptError> {
    let too_large = |size: String| {
        AttemptError::refused(
            head.status,
            head.content_type(),
            format!("the answer is {size} bytes, over the cap of {cap}"),
        )
    };
    if let Some(length) = head.content_length
        && length > cap as u64
    {
        return Err(too_large(length.to_string()));
    }
    let mut body = start;
    let mut joined: Option<Vec<u8>> = None;
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        let read = joined.as_ref().map_or(body.len(), Vec::len);
        if read + chunk.len() > cap {
            return Err(too_large(format!("more than {}", read + chunk.len())));
        }
        match &mut joined {
            Some(all) => all.extend_from_slice(&chunk),
            None if body.is_empty() => body = chunk,
            None => {
                let mut all = Vec::with_capacity(body.len() + chunk.len());
                all.extend_from_slice(&body);
                all.extend_from_slice(&chunk);
                joined = Some(all);
            }
        }
    }
    Ok(joined.map_or(body, Bytes::from))
}
