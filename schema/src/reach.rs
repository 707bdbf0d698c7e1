//! Which named types requests reach and which answers reach. Requests get
//! builders and closed enums; answers and callbacks get open enums. The
//! checker refuses an enum on both sides; the lowering marks request types.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::doc::{self, component_schemas, follow, ref_name, schema_ref_name};
use crate::pointer::join;

/// The named types each side reaches through `$ref`s.
pub(crate) struct Reach {
    /// From an operation's input: its body type, the type its query
    /// parameters become, and whatever those refer to.
    pub requests: BTreeSet<String>,
    /// From an operation's `result` or a callback's payload.
    pub answers: BTreeSet<String>,
}

pub(crate) fn reach(doc: &Value) -> Reach {
    let mut request_roots = Vec::new();
    let mut answer_roots = Vec::new();
    for (_, _, op) in doc::operations(doc) {
        if let Some((_, schema)) = doc::body_schema(doc, op) {
            request_roots.extend(ref_name(schema).map(str::to_owned));
        } else {
            let parameters = doc::parameters(doc, op);
            if !parameters.is_empty() {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
                request_roots.push(crate::naming::query_type_name(id));
            }
            for parameter in parameters {
                collect_refs(parameter.get("schema").unwrap_or(&Value::Null), &mut request_roots, Refs::Data);
            }
        }
        answer_roots.extend(crate::ext::envelope::result_schema(doc, op).and_then(ref_name).map(str::to_owned));
        for (_, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
            let items = follow(doc, callback).as_object().into_iter().flatten();
            for (_, item) in items {
                let schema = item.pointer("/post/requestBody/content/application~1x-www-form-urlencoded/schema");
                answer_roots.extend(schema.and_then(ref_name).map(str::to_owned));
            }
        }
    }
    Reach { requests: reachable(doc, request_roots, Refs::Data), answers: reachable(doc, answer_roots, Refs::Data) }
}

/// Which `$ref`s reachability follows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refs {
    /// The types' own: `x-` fields are skipped (what reaches a request or an
    /// answer as data).
    Data,
    /// Every one, `x-` fields included (what a document needs to stay whole).
    All,
}

/// Component names reached from `roots` through `$ref`s.
pub(crate) fn reachable(doc: &Value, roots: Vec<String>, refs: Refs) -> BTreeSet<String> {
    reachable_in(roots, refs, |name| doc.pointer(&join("/components/schemas", name)))
}

/// Names reached from `roots` through `$ref`s, each name's schema found by
/// `lookup` (a document's components, or the IR's named types).
pub(crate) fn reachable_in<'a>(
    roots: Vec<String>,
    refs: Refs,
    lookup: impl Fn(&str) -> Option<&'a Value>,
) -> BTreeSet<String> {
    let mut pending = roots;
    let mut reached = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !reached.contains(&name) {
            if let Some(schema) = lookup(&name) {
                collect_refs(schema, &mut pending, refs);
            }
            reached.insert(name);
        }
    }
    reached
}

/// The component names of every `$ref` inside `value`.
pub(crate) fn collect_refs(value: &Value, out: &mut Vec<String>, refs: Refs) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    out.extend(child.as_str().and_then(schema_ref_name).map(str::to_owned));
                } else if refs == Refs::All || !key.starts_with("x-") {
                    collect_refs(child, out, refs);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out, refs)),
        _ => {}
    }
}

/// The string enums among the components (comma sets excepted).
pub(crate) fn enums(doc: &Value) -> impl Iterator<Item = (&String, &Value)> {
    component_schemas(doc).filter(|(_, s)| s.get("enum").is_some() && crate::ext::comma_set::item(s).is_none())
}
