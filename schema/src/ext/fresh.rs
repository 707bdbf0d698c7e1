//! `x-qys-fresh: true` on a property of a result schema: the mock makes its
//! value new on every answer (a ticket, a new id) instead of repeating the
//! example's.

use serde_json::Value;

use crate::doc::{follow_all, runtime_type};
use crate::error::Collector;
use crate::ir::FreshField;
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-fresh";

/// How deep the search for fresh fields goes.
const MAX_DEPTH: usize = 8;

/// Refuses a value other than `true` (wherever the key appears).
pub(crate) fn check_value(value: &Value, pointer: &str, errors: &mut Collector) {
    if value != &Value::Bool(true) {
        errors.push(pointer, "`x-qys-fresh` is `true` (on a property of a result schema), or absent");
    }
}

/// The fresh properties below the result schema, as pointers into the envelope.
pub(crate) fn fields(doc: &Value, result: Option<&Value>) -> Vec<FreshField> {
    let mut found = Vec::new();
    if let Some(schema) = result {
        below(doc, schema, "/result", &mut found, 0);
    }
    found
}

fn below(doc: &Value, schema: &Value, pointer: &str, out: &mut Vec<FreshField>, depth: usize) {
    let schema = follow_all(doc, schema);
    if schema.get(KEY) == Some(&Value::Bool(true)) {
        let number = matches!(schema.get("type").and_then(Value::as_str), Some("integer" | "number"));
        let id = runtime_type(schema) == Some("Id");
        out.push(FreshField { pointer: pointer.to_owned(), number, id });
    }
    if depth > MAX_DEPTH {
        return;
    }
    for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        below(doc, property, &join(pointer, name), out, depth + 1);
    }
}
