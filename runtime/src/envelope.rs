//! Decoding the `{code, message, responseCode, result}` envelope, on every
//! HTTP status: the gateway answers 441/442 with an envelope too. Its entry
//! points are hooks for the benchmarks and fuzz targets (`__hooks`).

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::codes::Codes;
use super::error::{ApiError, CallInfo, DecodeError, Error, TransportError, TransportKind};
use super::operation::Operation;

/// The envelope; `message` and `responseCode` borrow from the body, so a
/// success allocates nothing beyond its `result`.
#[derive(Deserialize)]
struct Envelope<'a, T> {
    code: Option<i64>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
    #[serde(rename = "responseCode", borrow, default)]
    response_code: Option<Cow<'a, str>>,
    #[serde(default = "none")]
    result: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// The parts of an answer the decoder looks at.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if any.
    pub content_type: Option<&'a str>,
    /// The whole body.
    pub body: &'a [u8],
}

/// Why one attempt failed, before the call's figures are attached.
#[derive(Debug)]
pub(crate) enum AttemptError {
    Api {
        http_status: u16,
        raw_code: i64,
        message: String,
        response_code: Option<String>,
    },
    Decode {
        http_status: u16,
        content_type: Option<String>,
        body_sample: String,
        reason: String,
        retry: bool,
    },
    Transport {
        kind: TransportKind,
        source: Option<reqwest::Error>,
    },
    /// The request could not be signed (a nonce source gave a bad header value): never sent.
    Unsendable(String),
}

impl AttemptError {
    pub fn decode(answer: &Answer<'_>, reason: String) -> Self {
        AttemptError::Decode {
            http_status: answer.status,
            content_type: answer.content_type.map(str::to_owned),
            body_sample: DecodeError::sample(answer.body),
            reason,
            retry: true,
        }
    }

    /// An answer refused for its head alone (a redirect, a size over a cap):
    /// final, and nothing of its body shown.
    pub fn refused(http_status: u16, content_type: Option<&str>, reason: String) -> Self {
        AttemptError::Decode {
            http_status,
            content_type: content_type.map(str::to_owned),
            body_sample: String::new(),
            reason,
            retry: false,
        }
    }

    pub fn into_error<C: Codes>(self, op: &'static Operation, call: CallInfo) -> Error<C> {
        match self {
            AttemptError::Api { http_status, raw_code, message, response_code } => Error::Api(Box::new(ApiError {
                operation: op.id,
                http_status,
                raw_code,
                message,
                response_code,
                documented_for_operation: op.codes.contains(&raw_code),
                call,
                code: C::from_code(raw_code),
            })),
            AttemptError::Decode { http_status, content_type, body_sample, reason, .. } => {
                Error::Decode(Box::new(DecodeError {
                    operation: op.id,
                    http_status,
                    content_type,
                    body_sample,
                    reason,
                    call,
                }))
            }
            AttemptError::Transport { kind, source } => {
                Error::Transport(Box::new(TransportError { operation: op.id, kind, call, source, host: None }))
            }
            AttemptError::Unsendable(reason) => Error::InvalidRequest { operation: op.id, problems: vec![reason] },
        }
    }
}

/// Decodes an answer into the operation's `result` (`None` when the
/// envelope has none), or the reason it is an error.
pub(crate) fn decode<C: Codes, T: DeserializeOwned>(answer: &Answer<'_>) -> Result<Option<T>, AttemptError> {
    let body = without_bom(answer.body);
    match serde_json::from_slice::<Envelope<T>>(body) {
        Ok(envelope) => {
            let head = Envelope {
                code: envelope.code,
                message: envelope.message,
                response_code: envelope.response_code,
                result: None::<IgnoredAny>,
            };
            check_code::<C>(answer, head)?;
            Ok(envelope.result)
        }
        Err(full) => {
            // The result may not fit `T` because the answer is an error whose
            // `result` has another shape: decode the head alone to tell.
            let head = serde_json::from_slice::<Envelope<IgnoredAny>>(body)
                .map_err(|e| AttemptError::decode(answer, format!("not JSON of the envelope's shape: {e}")))?;
            check_code::<C>(answer, head)?;
            Err(AttemptError::decode(answer, format!("`result` does not match the documented type: {full}")))
        }
    }
}

/// The UTF-8 byte-order mark, which JSON parsers refuse and some servers write.
pub(crate) const UTF8_BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// `body` without a leading [`UTF8_BOM`].
pub(crate) fn without_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(UTF8_BOM).unwrap_or(body)
}

/// Decodes an answer into the operation's typed `result`, exactly as a call
/// does after an attempt (a hook for the benchmarks).
pub fn decode_result<C: Codes, T: DeserializeOwned>(
    op: &'static Operation,
    answer: &Answer<'_>,
) -> Result<T, Error<C>> {
    decode_required::<C, T>(answer).map_err(|e| e.into_error(op, CallInfo { attempts: 1, ..CallInfo::default() }))
}

/// Like [`decode`], for an operation whose success always has a `result`.
pub(crate) fn decode_required<C: Codes, T: DeserializeOwned>(answer: &Answer<'_>) -> Result<T, AttemptError> {
    decode::<C, T>(answer)?
        .ok_or_else(|| AttemptError::decode(answer, "code 0 without the documented `result`".to_owned()))
}

/// Decodes an answer the way every call does, for fuzzing and for tools:
/// `Ok` with the raw `result` (or `null`), or the error a call would return.
pub fn decode_answer<C: Codes>(op: &'static Operation, answer: &Answer<'_>) -> Result<serde_json::Value, Error<C>> {
    decode_untyped::<C>(answer).map_err(|e| e.into_error(op, CallInfo { attempts: 1, ..CallInfo::default() }))
}

/// Like [`decode`], for a `result` of any JSON: `null` when the envelope has none.
pub(crate) fn decode_untyped<C: Codes>(answer: &Answer<'_>) -> Result<serde_json::Value, AttemptError> {
    decode::<C, serde_json::Value>(answer).map(Option::unwrap_or_default)
}

/// `Ok` for code 0 on a 2xx status; the API error otherwise.
fn check_code<C: Codes>(answer: &Answer<'_>, head: Envelope<'_, IgnoredAny>) -> Result<(), AttemptError> {
    let from_response_code = head
        .response_code
        .as_deref()
        .and_then(|r| if r == "00000000" { Some(0) } else { C::from_response_code(r).map(C::code) });
    let Some(code) = head.code.or(from_response_code) else {
        return Err(AttemptError::decode(answer, "no `code`".to_owned()));
    };
    if code != 0 {
        return Err(AttemptError::Api {
            http_status: answer.status,
            raw_code: code,
            message: head.message.map(Cow::into_owned).unwrap_or_default(),
            response_code: head.response_code.map(Cow::into_owned),
        });
    }
    if !(200..300).contains(&answer.status) {
        return Err(AttemptError::decode(answer, "code 0 on an error status".to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::test_codes::TestCode;
    use crate::operation::Method;

    const OP: Operation =
        Operation { id: "op", method: Method::Get, path: "/op", codes: &[1605], idempotent: true, agent: false };

    fn answer(body: &str) -> Answer<'_> {
        Answer { status: 200, content_type: Some("application/json"), body: body.as_bytes() }
    }

    #[test]
    fn an_eight_digit_code_alone_is_read_through_the_table() {
        let error = decode_answer::<TestCode>(&OP, &answer(r#"{"responseCode":"10010000","message":"m"}"#));
        assert_eq!(error.unwrap_err().code(), Some(TestCode(1001)));
        let unknown = decode_answer::<TestCode>(&OP, &answer(r#"{"responseCode":"99999999"}"#)).unwrap_err();
        assert!(matches!(unknown, Error::Decode(_)), "{unknown}");
    }

    #[test]
    fn an_api_error_knows_whether_its_operation_documents_the_code() {
        let error = decode_answer::<TestCode>(&OP, &answer(r#"{"code":1605,"message":"done"}"#)).unwrap_err();
        let api = error.as_api().unwrap();
        assert!(api.documented_for_operation);
        assert_eq!(error.to_string(), "op: QiYueSuo answered code 1605: done (HTTP 200) [request , 1 attempt, 0.00 s]");
    }
}
