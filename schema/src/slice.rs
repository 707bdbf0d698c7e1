//! One operation's schema on its own: the document with only that
//! operation under `paths` and only the named types it reaches, every other
//! top-level part (servers, codes, shared responses, one-of declarations)
//! kept. An operation with a lifecycle rule (`x-qys-state`) keeps every
//! operation that has one: the mock's contracts follow all the rules together
//! (a draft's `send: true` follows the sending operation's rule). It is a schema like any other, read by [`crate::parse`] into an IR of
//! one operation, so a tool that needs one operation (one `qys` call and the
//! mock it starts) pays for that operation alone, however large the API.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::doc;
use crate::reach::{Refs, collect_refs, reachable};

/// Each operation's `operationId` and its document, in schema order.
pub fn operation_documents(document: &Value) -> Vec<(String, Value)> {
    let mut shared_roots = Vec::new();
    // The shared responses (the envelope among them) and any envelope type.
    collect_refs(document.pointer("/components/responses").unwrap_or(&Value::Null), &mut shared_roots, Refs::All);
    let schemas = document.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        if crate::ext::envelope::is_marked(schema) {
            shared_roots.push(name.clone());
        }
    }
    let stateful = |op: &Value| op.get(crate::ext::state::KEY).is_some();
    let lifecycle: Vec<(&String, &'static str, &Value)> =
        doc::operations(document).filter(|(_, _, op)| stateful(op)).collect();
    doc::operations(document)
        .map(|(path, method, op)| {
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
            let kept = if stateful(op) { lifecycle.clone() } else { vec![(path, method, op)] };
            let mut roots = shared_roots.clone();
            for (_, _, op) in &kept {
                collect_refs(op, &mut roots, Refs::All);
            }
            (id, alone(document, &kept, &reachable(document, roots, Refs::All)))
        })
        .collect()
}

/// The named types `roots` reach through `$ref`s (extensions' included), transitively. Public for
/// tools that cut or grow a schema (the benchmarks' synthetic API).
pub fn reached_types<'a>(document: &Value, roots: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    let mut names = Vec::new();
    for root in roots {
        collect_refs(root, &mut names, Refs::All);
    }
    reachable(document, names, Refs::All)
}

fn alone(document: &Value, operations: &[(&String, &'static str, &Value)], types: &BTreeSet<String>) -> Value {
    let mut out = Map::new();
    for (key, value) in document.as_object().into_iter().flatten() {
        match key.as_str() {
            "paths" => {
                let mut paths = Map::new();
                for (path, method, op) in operations {
                    let item = paths.entry(path.to_string()).or_insert_with(|| Value::Object(Map::new()));
                    if let Some(item) = item.as_object_mut() {
                        item.insert((*method).to_owned(), (*op).clone());
                    }
                }
                out.insert(key.clone(), Value::Object(paths));
            }
            "components" => {
                let mut components = Map::new();
                for (part, entries) in value.as_object().into_iter().flatten() {
                    let kept = match (part.as_str(), entries.as_object()) {
                        ("schemas", Some(all)) => Value::Object(
                            all.iter()
                                .filter(|(name, _)| types.contains(*name))
                                .map(|(n, s)| (n.clone(), s.clone()))
                                .collect(),
                        ),
                        _ => entries.clone(),
                    };
                    components.insert(part.clone(), kept);
                }
                out.insert(key.clone(), Value::Object(components));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_alone_reads_as_it_does_in_the_whole_schema() {
        let text = std::fs::read_to_string(crate::DOCUMENT_PATH).expect("the schema");
        let whole: Value = serde_json::from_str(&text).expect("JSON");
        let api = crate::parse(&text).expect("the schema parses");
        let documents = operation_documents(&whole);
        assert_eq!(documents.len(), api.operations.len());
        let all_types = whole.pointer("/components/schemas").and_then(Value::as_object).map_or(0, Map::len);
        let lifecycle = api.operations.iter().filter(|op| op.state.is_some()).count();
        assert!(lifecycle > 1, "the schema has a lifecycle");
        for ((id, document), op) in documents.iter().zip(&api.operations) {
            assert_eq!(id, &op.id);
            let alone = crate::parse(&document.to_string()).unwrap_or_else(|e| panic!("{id} alone: {e}"));
            // Alone, or with the whole lifecycle when it has a part in it.
            let expected = if op.state.is_some() { lifecycle } else { 1 };
            assert_eq!(alone.operations.len(), expected, "{id}");
            let own = alone.operations.iter().find(|o| o.id == op.id).expect("the operation is kept");
            // The same operation, field for field, and the same one-of groups
            // (their wording comes from whichever operation declares them first).
            assert_eq!(format!("{own:?}"), format!("{op:?}"), "{id}");
            assert_eq!(groups(&alone, own), groups(&api, op), "{id}");
            assert_eq!(format!("{:?}", alone.servers), format!("{:?}", api.servers));
            let types = document.pointer("/components/schemas").and_then(Value::as_object).map_or(0, Map::len);
            assert!(types < all_types, "{id} keeps {types} of {all_types} types");
        }
    }

    /// Each one-of's name, and each variant's name and members (wire name, required).
    type Groups = Vec<(String, Vec<(String, Vec<(String, bool)>)>)>;

    fn groups(api: &crate::ir::Api, op: &crate::ir::Operation) -> Groups {
        let members =
            |v: &crate::ir::OneOfVariant| v.members.iter().map(|m| (m.json_name.clone(), m.required)).collect();
        api.one_ofs_of(op)
            .into_iter()
            .map(|o| (o.name.clone(), o.variants.iter().map(|v| (v.name.clone(), members(v))).collect()))
            .collect()
    }
}
