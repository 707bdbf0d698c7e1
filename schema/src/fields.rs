//! An operation's request fields, nested objects flattened into paths: what
//! `qys` offers as flags and what the mock types a form or a query by.

use serde_json::Value;

use crate::doc::{follow, follow_all, text};
use crate::ir::{Input, InputField, NamedSchema, ValueKind};

/// How deep nested objects are flattened.
const MAX_DEPTH: usize = 6;

/// The fields of the operation's request type.
pub(crate) fn of(doc: &Value, input: &Input, queries: &[NamedSchema]) -> Vec<InputField> {
    let Some(type_name) = input.type_name() else { return Vec::new() };
    let schema = match input {
        // The type its parameters became, carrying each parameter's description.
        Input::Query { .. } => queries.iter().find(|q| q.name == type_name).map(|q| &q.schema),
        _ => doc.pointer(&crate::pointer::join("/components/schemas", type_name)),
    };
    let mut fields = Vec::new();
    if let Some(schema) = schema {
        object(doc, schema, &[], true, &mut fields, 0);
    }
    fields
}

fn object(doc: &Value, schema: &Value, prefix: &[String], required: bool, out: &mut Vec<InputField>, depth: usize) {
    let schema = follow_all(doc, schema);
    let required_fields: Vec<&str> =
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let mut path = prefix.to_vec();
        path.push(name.clone());
        let required = required && required_fields.contains(&name.as_str());
        let target = follow_all(doc, property);
        let kind = target.get("type").and_then(Value::as_str);
        if kind == Some("object") {
            if depth < MAX_DEPTH {
                object(doc, target, &path, required, out, depth + 1);
            }
            continue;
        }
        // A property's own description first (a query parameter's), then its target's.
        let description = text(property, "description").or_else(|| text(target, "description"));
        let mut field = InputField {
            path,
            kind: ValueKind::of_type(kind),
            list: false,
            required,
            description: description.map(|d| d.split("\n\n").next().unwrap_or_default().to_owned()),
            values: enum_values(target),
            comma_set: false,
            default: target.get("default").cloned(),
        };
        if crate::doc::runtime_type(target) == Some("FilePart") {
            field.kind = ValueKind::File;
        } else if kind == Some("array") {
            let items = follow_all(doc, target.get("items").unwrap_or(&Value::Null));
            let item_kind = items.get("type").and_then(Value::as_str);
            // Scalars as comma-separated items; objects as the array's JSON text.
            if crate::doc::runtime_type(items) == Some("FilePart") {
                field.kind = ValueKind::File;
                field.list = true;
            } else if !matches!(item_kind, Some("object" | "array")) {
                field.kind = ValueKind::of_type(item_kind);
                field.list = true;
                field.values = enum_values(items);
            }
        } else if let Some(set) = crate::ext::comma_set::item(target) {
            field.comma_set = true;
            field.values = enum_values(follow(doc, set));
        }
        out.push(field);
    }
}

fn enum_values(schema: &Value) -> Vec<String> {
    let values = schema.get("enum").and_then(Value::as_array).into_iter().flatten();
    values.filter_map(Value::as_str).map(str::to_owned).collect()
}
