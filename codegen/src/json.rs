//! JSON pointer helpers: every error and every "generated from" doc line names
//! the schema entry by its pointer (RFC 6901).

use serde_json::Value;

/// Escapes one reference token (RFC 6901 §3).
pub(crate) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Appends one key to a pointer.
pub(crate) fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape(key))
}

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
