//! Decoding the `{code, message, responseCode, result}` envelope, on every
//! HTTP status: the gateway answers 441/442 with an envelope too.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::error::{ApiError, DecodeError, Error};
use super::operation::Operation;
use crate::ResponseCode;

#[derive(Deserialize)]
struct Envelope<T> {
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(rename = "responseCode", default)]
    response_code: Option<String>,
    #[serde(default = "none")]
    result: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// The parts of an answer the decoder looks at.
pub(crate) struct Answer<'a> {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: &'a [u8],
}

/// Decodes a success's `result`; `Ok(None)` when the answer has none.
pub(crate) fn decode<T: DeserializeOwned>(op: &'static Operation, answer: &Answer<'_>) -> Result<Option<T>, Error> {
    match serde_json::from_slice::<Envelope<T>>(answer.body) {
        Ok(envelope) => {
            let head = Envelope {
                code: envelope.code,
                message: envelope.message,
                response_code: envelope.response_code,
                result: None::<IgnoredAny>,
            };
            check_code(op, answer, head)?;
            Ok(envelope.result)
        }
        Err(full) => {
            // The result may not fit `T` because the answer is an error whose
            // `result` has another shape: decode the head alone to tell.
            let head = serde_json::from_slice::<Envelope<IgnoredAny>>(answer.body)
                .map_err(|e| decode_error(op, answer, format!("not JSON of the envelope's shape: {e}")))?;
            check_code(op, answer, head)?;
            Err(decode_error(op, answer, format!("`result` does not match the documented type: {full}")))
        }
    }
}

/// `Ok` for code 0 on a 2xx status; the API error otherwise.
fn check_code(op: &'static Operation, answer: &Answer<'_>, head: Envelope<IgnoredAny>) -> Result<(), Error> {
    let from_response_code = head.response_code.as_deref().and_then(|r| {
        if r == "00000000" { Some(0) } else { ResponseCode::from_response_code(r).map(ResponseCode::code) }
    });
    let Some(code) = head.code.or(from_response_code) else {
        return Err(decode_error(op, answer, "no `code`".to_owned()));
    };
    if code != 0 {
        return Err(Error::Api(Box::new(ApiError {
            operation: op.id,
            http_status: answer.status,
            raw_code: code,
            message: head.message.unwrap_or_default(),
            response_code: head.response_code,
            documented_for_operation: op.codes.contains(&code),
        })));
    }
    if !(200..300).contains(&answer.status) {
        return Err(decode_error(op, answer, "code 0 on an error status".to_owned()));
    }
    Ok(())
}

fn decode_error(op: &'static Operation, answer: &Answer<'_>, reason: String) -> Error {
    Error::Decode(Box::new(DecodeError {
        operation: op.id,
        http_status: answer.status,
        content_type: answer.content_type.clone(),
        body_sample: DecodeError::sample(answer.body),
        reason,
    }))
}
