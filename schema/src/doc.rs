//! Reading the schema document: following `$ref`s, finding the components,
//! the operations, their bodies and parameters. Only the checker, the
//! extensions' modules and the lowering read the document; everything after
//! them reads the IR.

use serde_json::Value;

/// Resolves a local reference (`#/a/b`) against the document.
pub(crate) fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// The component name a `#/components/schemas/Name` reference points to.
pub(crate) fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/").filter(|name| !name.contains('/'))
}

/// The `$ref` string of a schema, if it is a reference.
pub(crate) fn ref_of(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

/// The component a schema refers to by name, if it is a reference to one.
pub(crate) fn ref_name(schema: &Value) -> Option<&str> {
    ref_of(schema).and_then(schema_ref_name)
}

/// Follows one `$ref` (the checker makes sure every one resolves).
pub(crate) fn follow<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    ref_of(value).and_then(|r| resolve(doc, r)).unwrap_or(value)
}

/// Follows `$ref`s until a schema that is not one (at most 16 deep, which
/// also ends a cycle of references).
pub(crate) fn follow_all<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let next = follow(doc, current);
        if std::ptr::eq(next, current) {
            break;
        }
        current = next;
    }
    current
}

/// `#/components/schemas`, in document order.
pub(crate) fn component_schemas(doc: &Value) -> impl Iterator<Item = (&String, &Value)> {
    doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten()
}

/// Every operation: `(path, method, operation)` for GET and POST, in document order.
pub(crate) fn operations(doc: &Value) -> impl Iterator<Item = (&String, &'static str, &Value)> {
    let paths = doc.get("paths").and_then(Value::as_object).into_iter().flatten();
    paths.flat_map(|(path, item)| {
        item.as_object().into_iter().flatten().filter_map(move |(key, op)| {
            let method = match key.as_str() {
                "get" => "get",
                "post" => "post",
                _ => return None,
            };
            Some((path, method, op))
        })
    })
}

/// The media type of the file a `200` answers, if it answers one.
pub(crate) fn file_media(doc: &Value, op: &Value) -> Option<String> {
    let content = follow(doc, op.pointer("/responses/200")?).get("content")?.as_object()?;
    content.keys().find(|k| *k != "application/json").cloned()
}

/// The request body's media type and schema: `application/json` or `multipart/form-data`.
pub(crate) fn body_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<(bool, &'a Value)> {
    let body = follow(doc, op.get("requestBody")?);
    if let Some(schema) = body.pointer("/content/multipart~1form-data/schema") {
        return Some((true, schema));
    }
    body.pointer("/content/application~1json/schema").map(|schema| (false, schema))
}

/// The operation's query parameters, each followed if it is a `$ref`.
pub(crate) fn parameters<'a>(doc: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    op.get("parameters").and_then(Value::as_array).into_iter().flatten().map(|p| follow(doc, p)).collect()
}

/// A string field of an object.
pub(crate) fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Whether a schema is a file (`format: binary`) or an array of them
/// (repeated parts of one name).
pub(crate) fn is_file_part(schema: &Value) -> bool {
    let items = schema.get("items").filter(|_| schema.get("type").and_then(Value::as_str) == Some("array"));
    runtime_type(schema) == Some("FilePart") || items.and_then(runtime_type) == Some("FilePart")
}

/// The runtime type a string schema stands for: `Id` for `format: int64`
/// (the API's 19-digit ids), `FilePart` for `format: binary`, `Secret` for
/// `format: password`.
pub fn runtime_type(schema: &Value) -> Option<&'static str> {
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return None;
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("int64") => Some("Id"),
        Some("binary") => Some("FilePart"),
        Some("password") => Some("Secret"),
        _ => None,
    }
}
