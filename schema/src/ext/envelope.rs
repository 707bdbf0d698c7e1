//! `x-qys-envelope: true` on the one component that is the answer envelope,
//! `{code, message, responseCode, result}`: every answer's schema is it, or it
//! narrowed to a typed `result`.

use serde_json::Value;

use crate::doc::{component_schemas, follow, ref_name, ref_of, resolve};
use crate::error::Collector;
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-envelope";

/// Whether a component schema is marked as the envelope (at all: the checker
/// refuses any value but `true`).
pub(crate) fn is_marked(schema: &Value) -> bool {
    schema.get(KEY).is_some()
}

/// Exactly one component carries `x-qys-envelope: true`, with the fields the
/// runtime decodes.
pub(crate) fn check(doc: &Value, errors: &mut Collector) {
    let envelopes: Vec<&String> = component_schemas(doc)
        .filter(|(_, schema)| schema.get(KEY) == Some(&Value::Bool(true)))
        .map(|(name, _)| name)
        .collect();
    match envelopes.as_slice() {
        [name] => {
            let pointer = join("/components/schemas", name);
            let properties = doc.pointer(&join(&pointer, "properties"));
            for (field, kind) in [("code", "integer"), ("message", "string"), ("responseCode", "string")] {
                let found = properties.and_then(|p| p.get(field)).and_then(|f| f.get("type"));
                if found.and_then(Value::as_str) != Some(kind) {
                    errors.push(
                        join(&join(&pointer, "properties"), field),
                        format!("the envelope needs a `{field}` property of type `{kind}`"),
                    );
                }
            }
            if properties.and_then(|p| p.get("result")).is_none() {
                errors.push(join(&pointer, "properties"), "the envelope needs a `result` property");
            }
        }
        [] => errors.push(
            "/components/schemas",
            "no schema is marked `x-qys-envelope: true`; the generator needs to know the answer envelope",
        ),
        _ => errors.push("/components/schemas", "more than one schema is marked `x-qys-envelope: true`"),
    }
}

/// What a response schema says about `result`: `Some(None)` for the bare
/// envelope, `Some(Some(schema))` for a narrowed one, `None` if it is neither.
pub(crate) fn result_of<'a>(doc: &'a Value, schema: &'a Value) -> Option<Option<&'a Value>> {
    let is_envelope = |s: &Value| {
        ref_of(s).and_then(|r| resolve(doc, r)).is_some_and(|target| target.get(KEY) == Some(&Value::Bool(true)))
    };
    if is_envelope(schema) {
        return Some(None);
    }
    let parts = schema.get("allOf")?.as_array()?;
    let [first, second] = parts.as_slice() else { return None };
    if !is_envelope(first) {
        return None;
    }
    let properties = second.get("properties")?.as_object()?;
    let result = properties.get("result")?;
    (properties.len() == 1 && (ref_name(result).is_some() || is_untyped(result))).then_some(Some(result))
}

/// A `result` no source documents: a schema that says nothing but its
/// description (any JSON).
fn is_untyped(schema: &Value) -> bool {
    schema.as_object().is_some_and(|s| s.keys().all(|k| k == "description"))
}

/// The `result` schema of an operation's `200` answer, when it narrows the envelope.
pub(crate) fn result_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let schema = follow(doc, op.pointer("/responses/200")?).pointer("/content/application~1json/schema")?;
    result_of(doc, schema)?
}
