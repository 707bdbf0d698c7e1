//! The limits a schema puts on a value (`minLength`, `maximum`, `maxItems`…),
//! as the IR's [`Constraint`]s the generated `validate` checks.

use serde_json::Value;

use crate::ir::Constraint;

/// The limits of `schema`; each applies to its own type.
pub(crate) fn constraints(schema: &Value) -> Vec<Constraint> {
    let unsigned = |key| schema.get(key).and_then(Value::as_u64);
    let float = |key| schema.get(key).and_then(Value::as_f64);
    let mut found = Vec::new();
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            found.extend(unsigned("minLength").map(Constraint::MinLength));
            found.extend(unsigned("maxLength").map(Constraint::MaxLength));
        }
        Some("integer" | "number") => {
            found.extend(float("minimum").map(Constraint::Minimum));
            found.extend(float("maximum").map(Constraint::Maximum));
        }
        Some("array") => {
            found.extend(unsigned("minItems").map(Constraint::MinItems));
            found.extend(unsigned("maxItems").map(Constraint::MaxItems));
        }
        _ => {}
    }
    found
}
