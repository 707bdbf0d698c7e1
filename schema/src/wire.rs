//! The forms requests take on the wire, for a server that checks them (the
//! mock): a JSON Schema per request type, widened to what the vendor's SDKs
//! send, and `null` members read as absent.

use serde_json::{Map, Value};

use crate::ir::{Api, Operation};

impl Api {
    /// A self-contained JSON Schema (draft 7) that an operation's input must
    /// satisfy: its request type by reference, with every named type beside it.
    /// `None` for an operation without input.
    pub fn input_json_schema(&self, op: &Operation) -> Option<Value> {
        Some(self.type_json_schema(op.input.type_name()?))
    }

    /// A self-contained JSON Schema (draft 7) of a named type, with the
    /// named types it reaches beside it (not every type of the API: a
    /// validator per operation would copy the whole API each time). It
    /// checks the forms the API accepts on the wire: an id (`format: int64`
    /// text) may be a whole number as well, as the vendor's Java SDK sends
    /// it. (An explicit `null` is absent: the reader removes it first, see
    /// [`without_nulls`].)
    pub fn type_json_schema(&self, type_name: &str) -> Value {
        let by_name: std::collections::HashMap<&str, &Value> =
            self.schemas.iter().map(|s| (s.name.as_str(), &s.schema)).collect();
        let reached = crate::reach::reachable_in(vec![type_name.to_owned()], crate::reach::Refs::All, |name| {
            by_name.get(name).copied()
        });
        // In name order (the set's).
        let schemas: Map<String, Value> = reached
            .into_iter()
            .filter_map(|name| by_name.get(name.as_str()).map(|schema| (name, (*schema).clone())))
            .collect();
        let mut components = Map::new();
        components.insert("schemas".to_owned(), Value::Object(schemas));
        let mut document = Map::new();
        let reference = Value::String(format!("#/components/schemas/{type_name}"));
        let mut by_ref = Map::new();
        by_ref.insert("$ref".to_owned(), reference);
        document.insert("allOf".to_owned(), Value::Array(vec![Value::Object(by_ref)]));
        document.insert("components".to_owned(), Value::Object(components));
        let mut document = Value::Object(document);
        accept_wire_forms(&mut document);
        document
    }
}

/// The forms the wire carries, made acceptable throughout `schema`: every id
/// (`format: int64` text) also a whole number from 0 to `i64::MAX` (its
/// `pattern` still binds the text form), and a schema with
/// `x-qys-also-accepted` `anyOf` its own form and the ones listed there (what
/// another vendor SDK sends).
fn accept_wire_forms(schema: &mut Value) {
    let id = crate::doc::runtime_type(schema) == Some("Id");
    match schema {
        Value::Object(map) => {
            if id {
                map.insert("type".to_owned(), serde_json::json!(["string", "integer"]));
                map.insert("minimum".to_owned(), Value::from(0));
                map.insert("maximum".to_owned(), Value::from(i64::MAX));
            }
            crate::ext::also_accepted::widen(map);
            map.values_mut().for_each(accept_wire_forms);
        }
        Value::Array(items) => items.iter_mut().for_each(accept_wire_forms),
        _ => {}
    }
}

/// `value` with every object member that is `null` removed, at any depth:
/// on the wire an explicit `null` for a field means the field is absent
/// (the vendor's Java SDK writes one for every unset field).
pub fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}
