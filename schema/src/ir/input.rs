//! The parts of the IR that read a field's text (a command-line flag, a form
//! field, a query parameter): `qys` builds requests from them, the mock reads
//! forms and callbacks with them.

use serde_json::Value;

/// One field of a request, at any depth.
#[derive(Debug, Clone, PartialEq)]
pub struct InputField {
    /// Where the value goes: `["applicant", "contactType"]`.
    pub path: Vec<String>,
    /// How its text becomes a value (for a list: each item's).
    pub kind: ValueKind,
    /// An array of scalars, given as comma-separated items.
    pub list: bool,
    /// Required, and so are all the objects it sits in.
    pub required: bool,
    /// The first paragraph of its description.
    pub description: Option<String>,
    /// The values a string enum (or the items of a list or comma set) allows.
    pub values: Vec<String>,
    /// A comma set: the values joined with commas in one string.
    pub comma_set: bool,
    /// The server's default, when the schema gives one.
    pub default: Option<Value>,
}

/// How a field's text (a form field, a query parameter, a command-line
/// flag) becomes a value. One table for the mock and `qys`; the runtime's
/// callback parser has its own, since it knows no schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// As it is.
    Text,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// JSON text (an object or array sent as a string).
    JsonText,
    /// A file: its name (a form part) or its path (a flag).
    File,
}

impl ValueKind {
    /// The kind of a schema type.
    pub(crate) fn of_type(kind: Option<&str>) -> ValueKind {
        match kind {
            Some("integer") => ValueKind::Integer,
            Some("number") => ValueKind::Number,
            Some("boolean") => ValueKind::Boolean,
            Some("object" | "array") => ValueKind::JsonText,
            _ => ValueKind::Text,
        }
    }

    /// Reads `text` as this kind, or says what was expected.
    pub fn read(self, text: &str) -> Result<Value, &'static str> {
        match self {
            ValueKind::Text | ValueKind::File => Ok(Value::String(text.to_owned())),
            ValueKind::Integer => text.parse::<i64>().map(Value::from).map_err(|_| "a whole number"),
            ValueKind::Number => {
                text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number).ok_or("a number")
            }
            ValueKind::Boolean => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err("true or false"),
            },
            ValueKind::JsonText => serde_json::from_str(text).map_err(|_| "JSON text"),
        }
    }
}
