//! `x-qys-pagination` on an operation: `{offset, limit, total, items}`, naming
//! its integer query parameters and the answer's integer total and array of
//! named objects (one page). The client's page walkers and `qys --all` follow it.

use serde_json::Value;

use crate::doc::{follow, ref_name};
use crate::error::Collector;
use crate::ir::Pagination;
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-pagination";

/// The operation's paging, if it pages, with the item type read from the
/// answer's array. `query` is the object its parameters make, `result` the
/// answer's `result` schema.
pub(crate) fn read(
    doc: &Value,
    operation: &Value,
    query: Option<&Value>,
    result: Option<&Value>,
    pointer: &str,
    errors: &mut Collector,
) -> Option<Pagination> {
    let spec = operation.get(KEY)?;
    let at = join(pointer, KEY);
    super::refuse_unknown_fields(spec, &at, &["offset", "limit", "total", "items"], "`x-qys-pagination`", errors);
    let named = |key: &str| spec.get(key).and_then(Value::as_str);
    let integer = |schema: Option<&Value>| {
        schema.map(|s| follow(doc, s)).and_then(|s| s.get("type")).and_then(Value::as_str) == Some("integer")
    };
    for key in ["offset", "limit"] {
        let parameter = named(key).and_then(|n| query?.pointer(&join("/properties", n)));
        if !integer(parameter) {
            errors.push(join(&at, key), format!("`{key}` names an integer query parameter of the operation"));
        }
    }
    let result = result.map(|r| follow(doc, r));
    let field = |key: &str| named(key).and_then(|n| result?.pointer(&join("/properties", n)));
    if !integer(field("total")) {
        errors.push(join(&at, "total"), "`total` names the answer's integer field that counts every item");
    }
    let items = field("items").map(|i| follow(doc, i));
    let item_type =
        items.filter(|i| i.get("type").and_then(Value::as_str) == Some("array")).and_then(|i| i.get("items"));
    let item_type = item_type.and_then(ref_name);
    if item_type.is_none() {
        errors.push(join(&at, "items"), "`items` names the answer's array field of a named type (the page)");
    }
    let field = |key| named(key).unwrap_or_default().to_owned();
    Some(Pagination {
        offset: field("offset"),
        limit: field("limit"),
        total: field("total"),
        items: field("items"),
        item_type: item_type.unwrap_or_default().to_owned(),
    })
}
