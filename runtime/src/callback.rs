//! Callbacks: the form-encoded POSTs the API sends to an integrator's
//! `callbackUrl`. Generated payload types list their fields' kinds; this
//! turns a raw body into the typed payload, or an error naming the field.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::printable::escaped_start;

/// What the integrator's handler answers once it has the callback: the API
/// treats anything else as a failed delivery and sends it again.
pub const ACK: &str = r#"{"code":0}"#;

/// The `Content-Type` of [`ACK`].
pub const ACK_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// How a form field's text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormKind {
    /// As it is.
    Text,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// JSON text: an object or array sent as a string.
    Json,
}

/// A callback payload: what the schema's `callbacks` describe.
pub trait Callback: DeserializeOwned {
    /// The callback's name in the schema.
    const NAME: &'static str;
    /// Each field's wire name and kind.
    const FIELDS: &'static [(&'static str, FormKind)];
}

/// A callback body that is not the documented payload; answer it with an
/// HTTP 400 rather than [`ACK`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed `{callback}` callback: {problem}")]
#[non_exhaustive]
pub struct CallbackError {
    /// The callback's name in the schema.
    pub callback: &'static str,
    /// What is wrong, naming the field.
    pub problem: String,
}

/// Parses an `application/x-www-form-urlencoded` callback body.
///
/// Fields the schema does not list are ignored (the API may add some); a
/// field given twice, or whose text is not its kind, is an error. An empty
/// number, boolean or JSON field counts as absent.
pub fn parse_form<T: Callback>(body: &[u8]) -> Result<T, CallbackError> {
    let fail = |problem: String| CallbackError { callback: T::NAME, problem };
    let mut object = Map::new();
    for (name, text) in form_urlencoded::parse(body) {
        let Some((name, kind)) = T::FIELDS.iter().find(|(n, _)| *n == name) else { continue };
        if object.contains_key(*name) {
            return Err(fail(format!("{name}: given twice")));
        }
        if text.is_empty() && *kind != FormKind::Text {
            continue;
        }
        let value = typed(&text, *kind).map_err(|why| fail(format!("{name}: {why}, not `{}`", sample(&text))))?;
        object.insert((*name).to_owned(), value);
    }
    let value = Value::Object(object);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        // serde quotes the offending value whole (`unknown variant ...`): capped and escaped like ours.
        let inner = escaped_start(&e.into_inner().to_string(), 200, false);
        fail(if at == "." { inner } else { format!("{at}: {inner}") })
    })
}

/// The value of a field's text.
fn typed(text: &str, kind: FormKind) -> Result<Value, &'static str> {
    match kind {
        FormKind::Text => Ok(Value::String(text.to_owned())),
        FormKind::Integer => text.trim().parse::<i64>().map(Value::from).map_err(|_| "expected a whole number"),
        FormKind::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or("expected a number"),
        FormKind::Boolean => match text.trim() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("expected true or false"),
        },
        FormKind::Json => serde_json::from_str(text).map_err(|_| "expected JSON text"),
    }
}

/// The start of a bad value, escaped: a hostile body cannot flood a log.
fn sample(text: &str) -> String {
    escaped_start(text, 60, false)
}
