//! JSON in and out of the typed requests and results, for tools that work
//! from the schema (`Client::call_json`). A request that does not fit its
//! type is an invalid request naming the field; nothing is sent.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::codes::Codes;
use super::error::{DecodeError, Error};
use super::operation::Operation;

/// Reads `value` as the operation's request type.
pub fn from_value<C: Codes, T: DeserializeOwned>(
    op: &'static Operation,
    value: serde_json::Value,
) -> Result<T, Error<C>> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let problem = if path == "." {
            format!("the request does not fit: {}", error.inner())
        } else {
            format!("`{path}`: {}", error.inner())
        };
        Error::InvalidRequest { operation: op.id, problems: vec![problem] }
    })
}

/// Writes a result as JSON.
pub fn to_value<C: Codes, T: Serialize>(op: &'static Operation, result: &T) -> Result<serde_json::Value, Error<C>> {
    serde_json::to_value(result).map_err(|e| {
        Error::Decode(Box::new(DecodeError {
            operation: op.id,
            http_status: 200,
            content_type: None,
            body_sample: String::new(),
            reason: format!("the result cannot be written as JSON: {e}"),
            call: super::error::CallInfo::default(),
        }))
    })
}

/// `call_json` was asked for an operation the schema does not have.
pub fn unknown_operation<C: Codes>(operation_id: &str) -> Error<C> {
    Error::InvalidRequest {
        operation: "call_json",
        problems: vec![format!("the schema has no operation `{operation_id}`")],
    }
}

/// `call_json` was asked for an operation that answers a file, or
/// `download_json` for one that answers JSON.
pub fn wrong_answer_kind<C: Codes>(operation_id: &str, answers_file: bool) -> Error<C> {
    let (answers, method) = if answers_file { ("a file", "download_json") } else { ("JSON", "call_json") };
    Error::InvalidRequest {
        operation: "call_json",
        problems: vec![format!("operation `{operation_id}` answers {answers}; call it with `{method}`")],
    }
}

/// A field that is a list (or another value with an empty default) read
/// from an explicit `null` as from an absent field: the vendor's Java SDK
/// writes `null` for every unset field, and the API's answers may too.
/// Generated models name it in `#[serde(deserialize_with = …)]`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}
