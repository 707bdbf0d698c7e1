//! What an operation's answer looks like, for the mock: the success
//! envelope from the schema's examples (or made from the result schema).
//! (The places whose values are new on every answer are `ext::fresh`'s.)

use serde_json::{Map, Value, json};

use crate::doc::{follow, follow_all};

/// How deep a made-up value goes.
const MAX_DEPTH: usize = 8;

/// The example whose `code` is 0, else an envelope made from the result schema.
pub(crate) fn success(doc: &Value, op: &Value, result: Option<&Value>) -> Value {
    let response = op.pointer("/responses/200").map(|r| follow(doc, r));
    let media = response.and_then(|r| r.pointer("/content/application~1json"));
    let examples = media.and_then(|m| m.get("examples")).and_then(Value::as_object);
    let from_examples = examples.into_iter().flatten().map(|(_, e)| follow(doc, e)).find_map(|e| {
        let value = e.get("value")?;
        (value.get("code") == Some(&json!(0))).then(|| value.clone())
    });
    let from_example = media.and_then(|m| m.get("example")).filter(|e| e.get("code") == Some(&json!(0))).cloned();
    from_examples.or(from_example).unwrap_or_else(|| {
        let mut envelope = Map::new();
        envelope.insert("code".to_owned(), json!(0));
        envelope.insert("message".to_owned(), json!("SUCCESS"));
        if let Some(schema) = result {
            envelope.insert("result".to_owned(), made_up(doc, schema, 0));
        }
        Value::Object(envelope)
    })
}

/// A value that satisfies `schema`: its example, else each required field.
fn made_up(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = follow_all(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") if depth < MAX_DEPTH => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let properties = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
            let fields = properties.filter(|(name, _)| required.contains(&name.as_str()));
            Value::Object(fields.map(|(name, s)| (name.clone(), made_up(doc, s, depth + 1))).collect())
        }
        Some("array") => json!([]),
        Some("integer" | "number") => {
            json!(schema.get("minimum").and_then(Value::as_f64).map_or(0, |m| m.ceil() as i64))
        }
        Some("boolean") => json!(false),
        Some("string") => json!("string"),
        _ => Value::Null,
    }
}
