//! The object schema an operation's query parameters make, so a query is
//! built, documented and validated exactly like a body.

use serde_json::{Map, Value, json};

use crate::doc;
use crate::ir::NamedSchema;
use crate::pointer::join;

/// The object schema an operation's query parameters make, so a query is
/// built, documented and validated exactly like a body.
pub(crate) fn query_schema(doc: &Value, op: &Value, id: &str, pointer: &str) -> Option<NamedSchema> {
    let parameters = doc::parameters(doc, op);
    if parameters.is_empty() {
        return None;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in parameters {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
        let mut schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
        // Beside a `$ref` too: the one place OpenAPI 3.0 lets a description stand there.
        if let (Some(description), Some(map)) = (parameter.get("description"), schema.as_object_mut()) {
            map.insert("description".into(), description.clone());
        }
        if parameter.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_owned()));
        }
        properties.insert(name.to_owned(), schema);
    }
    let parameters_pointer = join(pointer, "parameters");
    let schema = json!({
        "type": "object",
        "description": format!("Query parameters of `{id}`.\n\nGenerated from `#{parameters_pointer}`."),
        "required": required,
        "properties": properties,
    });
    Some(NamedSchema {
        name: crate::naming::query_type_name(id),
        pointer: parameters_pointer,
        schema,
        from_query: true,
    })
}
